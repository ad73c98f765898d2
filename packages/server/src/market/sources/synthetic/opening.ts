/**
 * The day's opening of the synthetic source: the overnight gap of each price driver and the pre-open call
 * auction of the instruments that have one (docs/paper-broker-market.md#opening-gaps-and-the-pre-open-call-auction).
 *
 * - **Gap.** Each driver opens a trading day at the previous close × e^(σ_gap·z), z drawn from a stream
 *   seeded by (seed, driver, day) — not from the step stream — so the open is known before the first step
 *   (the auction's equilibrium during the pre-open) and is the same in every run with one seed, however
 *   the clock moved. Equities' gaps stay inside 98 % of their circuit band.
 * - **Call auction.** NSE/BSE equities (every day) and NFO/BFO futures (from the day the session table
 *   gives NFO/BFO a pre-open: the current-month future, and the next month's in the last five trading
 *   days before the current one expires; NSE/FAOP/71092) have a pre-open call auction: order entry
 *   from 09:00 to a random instant in the 8th minute (seeded per segment and day; equity and F&O draw
 *   independently, as the exchange's random closures are), matching at that instant, buffer to 09:15.
 *   The equilibrium price is the instrument's model price at the gapped driver open [INF: in the paper
 *   market the discovered opening price is the model's; the paper accounts' orders are price takers].
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { CallAuction } from '../../../engine/ports.js';
import { sessionTimesOn } from '../../calendar.js';
import { hashString, mixSeed, Rng } from '../../rng.js';
import { DAY_MS, type DriverRt, type InstState, MIN_MS, type SynthContext } from './model.js';
import { circuitsOf, priceAt } from './price-model.js';
import type { FutureRef } from './walk.js';

/** The overnight gap factor of a driver on the IST day `day` (00:00 IST epoch ms). */
export function gapFactor(ctx: SynthContext, d: DriverRt, day: number): number {
  const z = new Rng(mixSeed(ctx.seed, hashString(d.spec.key), day / DAY_MS, 0x6a9)).normal();
  return Math.exp(d.gapVol * z);
}

/**
 * The driver's price at the open of `day`: its stored open once the day has begun, else the current
 * (previous close) price × the day's gap, inside 98 % of the circuit band.
 */
export function driverOpen(ctx: SynthContext, d: DriverRt, day: number): number {
  if (d.day === day) return d.openPrice ?? d.price;
  let p = d.price * gapFactor(ctx, d, day);
  if (d.band > 0) p = Math.min(d.price * (1 + d.band * 0.98), Math.max(d.price * (1 - d.band * 0.98), p));
  return p;
}

/** An instrument's opening price on `day` (the auction's equilibrium where it has one), paise. */
export function openingPrice(ctx: SynthContext, st: InstState, day: number): number {
  if (st.day === day && st.open > 0) return st.open;
  const d = st.driver;
  const s = driverOpen(ctx, d, day);
  if (st.kind === 'index') return Math.max(1, Math.round(s));
  const openT = ctx.calendar.sessionBounds(st.inst.exchange, day).open;
  const prevClose = st.day === day ? st.prevClose : st.ltp;
  const under = d.day === day ? d.prevClose : d.price;
  const { upper, lower } = circuitsOf(st, prevClose, under);
  return Math.min(upper, Math.max(lower, priceAt(st, s, openT)));
}

/** End of the pre-open order entry of `segment` on `day`: 09:07 + a seeded second of the 8th minute. */
export function entryClose(ctx: SynthContext, segment: 'EQ' | 'FO', day: number, preOpen: number): number {
  const r = new Rng(mixSeed(ctx.seed, day / DAY_MS, segment === 'EQ' ? 0xe9 : 0xf0));
  return day + (preOpen + 7) * MIN_MS + Math.floor(r.next() * 60) * 1000;
}

/** True when the instrument takes part in a pre-open call auction on the day of `t`. */
export function hasAuction(
  ctx: SynthContext,
  st: InstState,
  t: number,
  futures: (st: InstState) => readonly FutureRef[],
): boolean {
  const ex = st.inst.exchange;
  const times = sessionTimesOn(ex, t);
  if (times.preOpen >= times.open || !ctx.calendar.isTradingDay(t)) return false;
  if (ex === 'NSE' || ex === 'BSE') return st.kind === 'spot';
  if ((ex !== 'NFO' && ex !== 'BFO') || st.kind !== 'future') return false;
  const day = istDayStart(t);
  const live = futures(st).filter((f) => f.expiryClose >= day + times.open * MIN_MS);
  const i = live.findIndex((f) => f.key === st.key);
  if (i === 0) return true;
  if (i !== 1 || live[0] === undefined) return false;
  // The next month's future joins in the last five trading days before the current one expires.
  return ctx.calendar.tradingDaysBetween(day, live[0].expiryClose).length <= 5;
}

/** The call auction of an instrument on the day of `t` (undefined: none that day). */
export function auctionOf(
  ctx: SynthContext,
  st: InstState,
  t: number,
  futures: (st: InstState) => readonly FutureRef[],
): CallAuction | undefined {
  if (!hasAuction(ctx, st, t, futures)) return undefined;
  const day = istDayStart(t);
  const times = sessionTimesOn(st.inst.exchange, t);
  const close = entryClose(ctx, st.kind === 'spot' ? 'EQ' : 'FO', day, times.preOpen);
  return {
    entryClose: close,
    open: day + times.open * MIN_MS,
    price: openingPrice(ctx, st, day),
    volume: auctionVolume(ctx, st, day),
  };
}

/** The quantity the day's auction matches (seeded; lots for futures). */
export function auctionVolume(ctx: SynthContext, st: InstState, day: number): number {
  const r = new Rng(mixSeed(ctx.seed, hashString(st.key), day / DAY_MS, 0xa7c));
  const lot = Math.max(1, st.inst.lotSize);
  const units = st.stepQty * 40 * (0.5 + r.next());
  return Math.max(lot, Math.round(units / lot) * lot);
}
