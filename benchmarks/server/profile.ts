/**
 * Summarises a V8 `.cpuprofile` (from `node --cpu-prof`): the functions and files with the most
 * self time, as text.
 */

/** The parts of a V8 CPU profile read here. */
export interface CpuProfile {
  nodes: {
    id: number;
    callFrame: { functionName: string; url: string; lineNumber: number };
    hitCount?: number;
  }[];
  samples?: number[];
  timeDeltas?: number[];
  /** Monotonic clock of the first sample, in µs (the same clock as `process.hrtime`). */
  startTime?: number;
}

/** A time window in µs of the monotonic clock (`process.hrtime.bigint() / 1000n`, the same in every process). */
export interface ProfileWindow {
  fromUs: number;
  toUs: number;
}

/**
 * Top `top` functions and files by self time; with `windows`, only the samples inside one of them (e.g. a
 * benchmark's measured load runs, without the process's start-up, warm-up and shutdown).
 */
export function summarizeProfile(profile: CpuProfile, top = 25, windows?: readonly ProfileWindow[]): string {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const self = new Map<number, number>();
  const samples = profile.samples ?? [];
  const deltas = profile.timeDeltas ?? [];
  let t = profile.startTime ?? 0;
  for (let i = 0; i < samples.length; i++) {
    t += deltas[i] ?? 0;
    if (windows && !windows.some((w) => t >= w.fromUs && t <= w.toUs)) continue;
    const id = samples[i] ?? 0;
    self.set(id, (self.get(id) ?? 0) + (deltas[i] ?? 0));
  }
  const fn = new Map<string, number>();
  const file = new Map<string, number>();
  let total = 0;
  for (const [id, us] of self) {
    const n = byId.get(id);
    if (!n) continue;
    total += us;
    const url = n.callFrame.url.replace(/^file:\/\//, '').replace(/^.*\/(node_modules|packages)\//, '$1/');
    const key = `${n.callFrame.functionName || '(anonymous)'} ${url}:${n.callFrame.lineNumber + 1}`;
    fn.set(key, (fn.get(key) ?? 0) + us);
    const f =
      url === ''
        ? `(${n.callFrame.functionName})`
        : url.replace(/^(node_modules\/(@[^/]+\/)?[^/]+)\/.*$/, '$1');
    file.set(f, (file.get(f) ?? 0) + us);
  }
  const fmt = (m: Map<string, number>): string[] =>
    [...m]
      .sort((a, b) => b[1] - a[1])
      .slice(0, top)
      .map(
        ([k, us]) =>
          `${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1000).toFixed(0).padStart(7)} ms  ${k}`,
      );
  return [
    `CPU profile: ${(total / 1e6).toFixed(1)} s sampled`,
    'self time by function:',
    ...fmt(fn),
    'self time by file/package:',
    ...fmt(file),
  ].join('\n');
}
