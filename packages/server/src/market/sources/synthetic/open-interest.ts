/**
 * Open interest of the synthetic source (docs/paper-broker-market.md#open-interest).
 *
 * - Outside the live steps: seeded open interest at a day's close and per-minute traded quantities of a
 *   history day (pure functions of seed, instrument, day).
 * - Live: OI moves with the trading in the contract. Each simulated trade of `q` lots has an *opening
 *   share* `s` (the share of both sides opening new positions minus closing ones): ΔOI = q·(2s − 1) lots,
 *   plus a little noise. Futures: `s` = 0.5 + 0.2·c, with `c` the seeded participation of the contract's
 *   day (c > 0: new money, long / short build-up; c < 0: covering and unwinding). Options: the writers
 *   follow the underlying — when it is up on the day puts are written and calls covered (PE `s` up, CE
 *   `s` down), and the other way when it is down — so the put-call ratio rises with the market.
 * - The paper accounts' own fills move OI too (`adjustOpenInterest`, called by the broker with the
 *   change of the account's |net position|: an account opening a short adds to OI, buying it back
 *   removes it) [INF: the counterparty is taken to open when the account opens and close when it closes].
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

/** Seeded participation of a contract's day, N(0, 1): > 0 new positions, < 0 covering / unwinding. */
export function participation(ctx: SynthContext, st: InstState, day: number): number {
  return new Rng(mixSeed(ctx.seed, hashString(st.key), day / DAY_MS, 0x01)).normal();
}

/**
 * The opening share of a trade in a derivative at its driver's `move` (log return of the underlying since
 * its previous close, divided by the day's volatility scale); in [0.05, 0.95].
 */
export function openingShare(st: InstState, c: number, move: number): number {
  let s = 0.5 + 0.2 * Math.tanh(c);
  if (st.kind === 'option') s = 0.5 + 0.3 * Math.tanh(move) * (st.inst.optionType === 'PE' ? 1 : -1);
  return Math.min(0.95, Math.max(0.05, s));
}

/** The OI change (units) of a trade of `qty` units with opening share `s`, noise `z` ~ N(0, 1). */
export function oiChange(st: InstState, qty: number, s: number, z: number): number {
  const lot = Math.max(1, st.inst.lotSize);
  const lots = qty / lot;
  return Math.round(lots * (2 * s - 1) + 0.3 * Math.sqrt(lots) * z) * lot;
}
