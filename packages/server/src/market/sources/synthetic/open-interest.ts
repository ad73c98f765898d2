/**
 * Seeded derivative activity outside the live steps: open interest at a day's close and per-minute
 * traded quantities of a history day. Pure functions of (seed, instrument, day).
 */
import { hashString, mixSeed, Rng } from '../../rng.js';
import { sessionMinutes } from './history.js';
import { DAY_MS, type InstState, type SynthContext } from './model.js';

/** Seeded open interest of a derivative at the close of `day`. */
export function oiOfDay(ctx: SynthContext, st: InstState, day: number): number {
  const lot = Math.max(1, st.inst.lotSize);
  const r = new Rng(mixSeed(ctx.seed, hashString(st.key), day / DAY_MS, 13));
  const baseLots = 200 + Math.round(st.liquidity * 40_000 * (st.kind === 'future' ? 1.5 : 1));
  return Math.max(lot, Math.round(baseLots * Math.exp(0.04 * r.normal())) * lot);
}

/** Seeded per-minute traded quantities of a derivative for the first `count` minutes of a history day. */
export function derivativeVolumes(ctx: SynthContext, st: InstState, day: number, count: number): number[] {
  const r = new Rng(mixSeed(ctx.seed, hashString(st.key), day / DAY_MS, 17));
  const n = sessionMinutes(st.driver.spec);
  const lot = Math.max(1, st.inst.lotSize);
  const perMinuteLots = ((st.stepQty / lot) * (60_000 / ctx.stepMs) * st.liquidity) / 1.7;
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const x = i / n;
    const w = 1 + 8.8 * (x - 0.5) * (x - 0.5);
    out.push(Math.max(0, Math.round(perMinuteLots * w * (0.3 + 1.4 * r.next()))) * lot);
  }
  return out;
}
