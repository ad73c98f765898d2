/**
 * Child process of the instruments benchmark: loads one scrip-master file in a fresh process and reports
 * the load time and the resident memory it added (after a full GC), as JSON on stdout.
 * Usage: node --expose-gc --conditions=source --import tsx child.ts <ours|naive> <file>
 */
import { readFileSync } from 'node:fs';
import { Instruments } from '../../packages/sdk/src/instruments/index.js';

const [mode, file] = process.argv.slice(2);
const gc = (globalThis as { gc?: () => void }).gc;
if (!file || !gc) throw new Error('usage: node --expose-gc child.ts <ours|naive> <file>');
gc();
const rss0 = process.memoryUsage().rss;
const heap0 = process.memoryUsage().heapUsed;
const t0 = performance.now();
let keep: unknown;
let peak = 0;
if (mode === 'ours') {
  keep = await Instruments.fromFile(file);
} else {
  keep = JSON.parse(readFileSync(file, 'utf8'));
}
const ms = performance.now() - t0;
peak = process.memoryUsage().rss;
gc();
const rss1 = process.memoryUsage().rss;
const heap1 = process.memoryUsage().heapUsed;
process.stdout.write(
  JSON.stringify({
    ms,
    heapMb: (heap1 - heap0) / 2 ** 20,
    extraRssMb: (rss1 - rss0) / 2 ** 20,
    peakExtraRssMb: (peak - rss0) / 2 ** 20,
    held: keep !== undefined,
  }),
);
