/**
 * The price path inside one recorded bar: a seeded, deterministic polyline from the open through the
 * two extremes to the close (low first for a rising bar, high first for a falling one), so every price
 * on it lies in `[low, high]` and the bar's open, high, low and close are all reached.
 */
import { hashString, mixSeed, Rng } from '../../rng.js';
import type { Candle } from '../../types.js';

/** Waypoints of a bar's path: prices at fractions `0, a, b, 1` of the bar's duration. */
export interface BarPath {
  a: number;
  b: number;
  p0: number;
  p1: number;
  p2: number;
  p3: number;
}

/** The path of bar `index` of instrument `key` (same seed, same path). */
export function barPath(seed: number, key: string, index: number, c: Candle): BarPath {
  const r = new Rng(mixSeed(seed, hashString(key), index));
  const a = 0.1 + 0.35 * r.next();
  const b = a + 0.1 + (0.8 - a) * r.next();
  const up = c.close >= c.open;
  return { a, b, p0: c.open, p1: up ? c.low : c.high, p2: up ? c.high : c.low, p3: c.close };
}

/** Price (paise, on the tick grid, clamped to the bar) at fraction `f` ∈ [0, 1] of the bar. */
export function priceOnPath(p: BarPath, f: number, c: Candle, tick: number): number {
  let v: number;
  if (f <= 0) v = p.p0;
  else if (f < p.a) v = p.p0 + ((p.p1 - p.p0) * f) / p.a;
  else if (f < p.b) v = p.p1 + ((p.p2 - p.p1) * (f - p.a)) / (p.b - p.a);
  else if (f < 1) v = p.p2 + ((p.p3 - p.p2) * (f - p.b)) / (1 - p.b);
  else v = p.p3;
  const t = tick > 0 ? tick : 1;
  const r = Math.round(v / t) * t;
  return r < c.low ? c.low : r > c.high ? c.high : r;
}

/** Highest and lowest price the path reached up to fraction `f` (the bar so far). */
export function rangeSoFar(p: BarPath, f: number, c: Candle, tick: number): { high: number; low: number } {
  const now = priceOnPath(p, f, c, tick);
  let high = Math.max(p.p0, now);
  let low = Math.min(p.p0, now);
  if (f >= p.a) {
    high = Math.max(high, p.p1);
    low = Math.min(low, p.p1);
  }
  if (f >= p.b) {
    high = Math.max(high, p.p2);
    low = Math.min(low, p.p2);
  }
  if (f >= 1) return { high: c.high, low: c.low };
  return { high, low };
}
