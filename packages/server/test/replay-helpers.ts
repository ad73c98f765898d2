/**
 * Data files for the replay tests: a seeded trading day of 1-minute bars (09:15–15:29 IST, prices on
 * the ₹0.05 grid), written as a `getCandleData` JSON body or as the `smartapi candles --csv` CSV.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { formatIstIso } from '@smartapi-ts/protocol';

/** One bar as the venue sends it: `[ISO time +05:30, open, high, low, close, volume]` (rupees). */
export type Row = [string, number, number, number, number, number];

/** mulberry32 */
function rng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const r2 = (x: number) => Math.round(x * 20) / 20;

/** `minutes` 1-minute bars from 09:15 IST of `day` (YYYY-MM-DD), a seeded walk from `base` rupees. */
export function dayBars(day: string, base: number, seed: number, minutes = 375): Row[] {
  const r = rng(seed);
  const start = Date.parse(`${day}T09:15:00+05:30`);
  const out: Row[] = [];
  let last = base;
  for (let i = 0; i < minutes; i++) {
    const open = r2(last);
    const close = r2(open * (1 + (r() - 0.5) * 0.004));
    const high = r2(Math.max(open, close) * (1 + r() * 0.0015));
    const low = r2(Math.min(open, close) * (1 - r() * 0.0015));
    out.push([formatIstIso(start + i * 60_000), open, high, low, close, 1000 + Math.floor(r() * 5000)]);
    last = close;
  }
  return out;
}

/** A fresh temporary directory. */
export function tempDir(prefix = 'replay-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Writes `rows` as `<dir>/<EXCHANGE>-<token>.json` (the venue's getCandleData body, one row a line). */
export function writeJson(dir: string, exchange: string, token: string, rows: readonly Row[]): string {
  const file = join(dir, `${exchange}-${token}.json`);
  const body = `{"status":true,"message":"SUCCESS","errorcode":"","data":[\n${rows.map((x) => JSON.stringify(x)).join(',\n')}\n]}\n`;
  writeFileSync(file, body);
  return file;
}

/** Writes `rows` as `<dir>/<EXCHANGE>-<token>.csv` (header `time,open,high,low,close,volume`). */
export function writeCsv(dir: string, exchange: string, token: string, rows: readonly Row[]): string {
  const file = join(dir, `${exchange}-${token}.csv`);
  writeFileSync(file, `time,open,high,low,close,volume\n${rows.map((x) => x.join(',')).join('\n')}\n`);
  return file;
}

/** The bar of `rows` whose minute contains `t` (epoch ms), else undefined. */
export function barAt(rows: readonly Row[], t: number): Row | undefined {
  for (const row of rows) {
    const s = Date.parse(row[0]);
    if (t >= s && t < s + 60_000) return row;
  }
  return undefined;
}

/** Lowest low and highest high of the bars overlapping `[a, b]` (epoch ms). */
export function rangeOver(rows: readonly Row[], a: number, b: number): { low: number; high: number } {
  let low = Number.POSITIVE_INFINITY;
  let high = Number.NEGATIVE_INFINITY;
  for (const row of rows) {
    const s = Date.parse(row[0]);
    if (s + 60_000 <= a || s > b) continue;
    low = Math.min(low, row[3]);
    high = Math.max(high, row[2]);
  }
  return { low, high };
}
