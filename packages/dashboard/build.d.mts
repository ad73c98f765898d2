/** Builds the dashboard into `outdir` (default dist/public); resolves with the output folder. */
export function buildDashboard(outdir?: string): Promise<string>;
