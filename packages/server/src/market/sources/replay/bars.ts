/**
 * Bars of the replay source: aggregation of recorded bars to a requested interval, and the book shown
 * around the price inside the current bar (`market.ts`).
 */

import type { Exchange } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import type { TradingCalendar } from '../../calendar.js';
import type { BookLevel, Candle, Instrument } from '../../types.js';

/** An empty book level (beyond the bar's range). */
export const EMPTY: BookLevel = Object.freeze({ price: 0, quantity: 0, orders: 0 }) as BookLevel;

function merge(cur: Candle, b: Candle): void {
  if (b.high > cur.high) cur.high = b.high;
  if (b.low < cur.low) cur.low = b.low;
  cur.close = b.close;
  cur.volume += b.volume;
  cur.oi = b.oi;
}

/**
 * A book around `ltp` that stays in `[low, high]`: bids at the LTP and below, asks one tick above and
 * up (or at the LTP when it is the bar's high), `n` levels per side with empty levels beyond the range;
 * level sizes follow the current `bar`'s volume (none for indices and instruments that do not trade).
 */
export function barBook(
  inst: Instrument,
  bar: Candle,
  tick: number,
  ltp: number,
  low: number,
  high: number,
  n: number,
): { bids: BookLevel[]; asks: BookLevel[] } {
  const bids: BookLevel[] = [];
  const asks: BookLevel[] = [];
  if (inst.instrumentType === 'AMXIDX' || !inst.tradable) {
    for (let i = 0; i < n; i++) {
      bids.push(EMPTY);
      asks.push(EMPTY);
    }
    return { bids, asks };
  }
  const lot = Math.max(1, inst.lotSize);
  const base = Math.max(1, Math.round(bar.volume / 50 / lot)) * lot;
  const askStart = ltp + tick <= high ? ltp + tick : ltp;
  for (let i = 0; i < n; i++) {
    const bp = ltp - i * tick;
    const ap = askStart + i * tick;
    const q = base * (1 + (i % 3));
    bids.push(bp >= low && bp > 0 ? { price: bp, quantity: q, orders: 1 + (i % 5) } : EMPTY);
    asks.push(ap <= high ? { price: ap, quantity: q, orders: 1 + ((i + 2) % 5) } : EMPTY);
  }
  return { bids, asks };
}

/**
 * Bars aggregated to `intervalMinutes` (daily: one bar per IST day; intraday: buckets aligned to the
 * session open) with `from <= time <= to`; `dataWidth` is the data's bar length (`ReplayMarket.candles`).
 */
export function aggregate(
  calendar: TradingCalendar,
  exchange: Exchange,
  bars: Candle[],
  dataWidth: number,
  daily: boolean,
  intervalMinutes: number,
  from: number,
  to: number,
): Candle[] {
  const width = intervalMinutes * 60_000;
  const out: Candle[] = [];
  if (daily && intervalMinutes < 1440) return bars.filter((b) => b.time >= from && b.time <= to);
  if (intervalMinutes >= 1440) {
    let cur: Candle | undefined;
    for (const b of bars) {
      const d = istDayStart(b.time);
      if (cur && cur.time === d) merge(cur, b);
      else {
        if (cur) out.push(cur);
        cur = { ...b, time: d };
      }
    }
    if (cur) out.push(cur);
    const lo = istDayStart(from);
    return out.filter((b) => b.time >= lo && b.time <= to);
  }
  let cur: Candle | undefined;
  for (const b of bars) {
    const open = calendar.sessionBounds(exchange, b.time).open;
    const bucket =
      width <= dataWidth || b.time < open ? b.time : open + Math.floor((b.time - open) / width) * width;
    if (cur && cur.time === bucket) merge(cur, b);
    else {
      if (cur) out.push(cur);
      cur = { ...b, time: bucket };
    }
  }
  if (cur) out.push(cur);
  return out.filter((b) => b.time >= from && b.time <= to);
}
