/**
 * One replayed instrument (`market.ts`): its recorded bars with, per bar, when it trades (start / end;
 * daily bars: the session) and the day's aggregates before it, plus the replay's position in them.
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { TradingCalendar } from '../../calendar.js';
import type { Candle, Instrument, Quote } from '../../types.js';
import type { CandleSeries } from './files.js';
import type { BarPath } from './path.js';

/** Milliseconds per day (a series of bars this long or longer is daily). */
export const DAY_MS = 86_400_000;

/** A replayed instrument. */
export interface Series {
  key: string;
  inst: Instrument;
  tick: number;
  candles: Candle[];
  daily: boolean;
  /** Start / end of each bar's trading (daily bars: the session). */
  t0: Float64Array;
  t1: Float64Array;
  /** Day aggregates before bar i (from the first bar of its day). */
  dayOpen: Float64Array;
  hiBefore: Float64Array;
  loBefore: Float64Array;
  volBefore: Float64Array;
  pvBefore: Float64Array;
  prevClose: Float64Array;
  cursor: number;
  path: BarPath | undefined;
  pathIndex: number;
  seq: number;
  quote: Quote | undefined;
}

/** The {@link Series} of recorded bars `s` of an instrument (before the replay starts). */
export function seriesOf(calendar: TradingCalendar, key: string, inst: Instrument, s: CandleSeries): Series {
  const n = s.candles.length;
  const daily = s.intervalMs >= DAY_MS;
  const st: Series = {
    key,
    inst,
    tick: inst.tickSize > 0 ? inst.tickSize : 1,
    candles: s.candles,
    daily,
    t0: new Float64Array(n),
    t1: new Float64Array(n),
    dayOpen: new Float64Array(n),
    hiBefore: new Float64Array(n),
    loBefore: new Float64Array(n),
    volBefore: new Float64Array(n),
    pvBefore: new Float64Array(n),
    prevClose: new Float64Array(n),
    cursor: -1,
    path: undefined,
    pathIndex: -1,
    seq: 0,
    quote: undefined,
  };
  let day = Number.NaN;
  let open = 0;
  let hi = 0;
  let lo = 0;
  let vol = 0;
  let pv = 0;
  let prevDayClose = s.candles[0]?.open ?? 0;
  let lastClose = prevDayClose;
  for (let i = 0; i < n; i++) {
    const c = s.candles[i] as Candle;
    const d = istDayStart(c.time);
    const bounds = calendar.sessionBounds(inst.exchange, c.time);
    if (d !== day) {
      day = d;
      prevDayClose = lastClose;
      open = c.open;
      hi = Number.NEGATIVE_INFINITY;
      lo = Number.POSITIVE_INFINITY;
      vol = 0;
      pv = 0;
    }
    if (daily) {
      st.t0[i] = bounds.open;
      st.t1[i] = bounds.close;
    } else {
      st.t0[i] = c.time;
      const end = c.time + s.intervalMs;
      st.t1[i] = c.time < bounds.close && end > bounds.close ? bounds.close : end;
    }
    st.dayOpen[i] = open;
    st.hiBefore[i] = hi;
    st.loBefore[i] = lo;
    st.volBefore[i] = vol;
    st.pvBefore[i] = pv;
    st.prevClose[i] = prevDayClose;
    hi = Math.max(hi, c.high);
    lo = Math.min(lo, c.low);
    vol += c.volume;
    pv += ((c.open + c.high + c.low + c.close) / 4) * c.volume;
    lastClose = c.close;
  }
  return st;
}
