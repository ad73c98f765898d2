/**
 * Output helpers of the CLI: tables for humans (cli-table3), JSON for scripts, CSV for candles.
 */
import Table from 'cli-table3';

/** Where the CLI writes; injectable for tests. */
export interface CliIo {
  stdout: { write(chunk: string): unknown; isTTY?: boolean };
  stderr: { write(chunk: string): unknown; isTTY?: boolean };
  /** Where confirmation answers are read from. */
  stdin: NodeJS.ReadableStream;
  env: NodeJS.ProcessEnv;
}

/** A cell value. */
export type Cell = string | number | boolean | null | undefined;

function cellText(v: Cell): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? String(v) : String(Math.round(v * 10_000) / 10_000);
  return String(v);
}

/** Renders rows as a table (header + rows). */
export function renderTable(head: string[], rows: Cell[][]): string {
  const t = new Table({ head, style: { head: [], border: [] } });
  for (const r of rows) t.push(r.map(cellText));
  return `${t.toString()}\n`;
}

/** Quotes one CSV field when needed (RFC 4180). */
export function csvField(v: Cell): string {
  const s = cellText(v);
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** Renders rows as CSV with a header line. */
export function renderCsv(head: string[], rows: Cell[][]): string {
  return `${[head, ...rows].map((r) => r.map(csvField).join(',')).join('\n')}\n`;
}

/** Renders an object as a two-column table (field, value). */
export function renderFields(record: Readonly<Record<string, Cell>>): string {
  return renderTable(
    ['Field', 'Value'],
    Object.entries(record).map(([k, v]) => [k, v]),
  );
}

/** JSON for scripts (one document, trailing newline). */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}
