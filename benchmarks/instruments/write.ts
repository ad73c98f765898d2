/**
 * Writes the deterministic synthetic scrip master of `generate.ts` to a file, for `serve --instruments`
 * runs, tests and the scale benchmark.
 * Usage: node --conditions=source --import tsx benchmarks/instruments/write.ts <out.json> [rows] [YYYY-MM-DD]
 * (rows default 160 000; the date dates the expiries, default 2024-01-01).
 */
import { writeFileSync } from 'node:fs';
import { istToEpoch } from '@smartapi-ts/protocol';
import { generateScripMaster } from './generate.js';

const [out, rowsArg, dateArg] = process.argv.slice(2);
if (!out) throw new Error('usage: write.ts <out.json> [rows] [YYYY-MM-DD]');
const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(dateArg ?? '2024-01-01');
if (!m) throw new Error(`bad date ${dateArg}`);
const start = istToEpoch(Number(m[1]), Number(m[2]), Number(m[3]));
const rows = generateScripMaster(Number(rowsArg ?? 160_000), 42, start);
writeFileSync(out, JSON.stringify(rows));
console.log(`${out}: ${rows.length} rows`);
