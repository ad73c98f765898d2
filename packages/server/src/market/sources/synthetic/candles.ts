/**
 * Bars of the synthetic source: 1-minute bars of a day (the back-history before the start, the
 * recorded trades after it), daily bars, and their aggregation to any interval.
 */
import { istDayStart } from '@smartapi-ts/protocol';
import { SESSION_TIMES } from '../../calendar.js';
import type { Candle } from '../../types.js';
import { DAY_MS, type InstState, LISTING_DAYS, MIN_MS, type SynthContext } from './model.js';
import { derivativeVolumes, oiOfDay } from './open-interest.js';
import { priceAt } from './price-model.js';

/**
 * Bars of `intervalMinutes` (1440 = daily, time = 00:00 IST of the day; intraday bars aligned to the
 * session open) with `from <= time <= to`, none after `now`. Intraday bars exist only for minutes with
 * trades.
 */
export function candlesOf(
  ctx: SynthContext,
  st: InstState,
  intervalMinutes: number,
  from: number,
  to: number,
  now: number,
): Candle[] {
  const end = Math.min(to, now);
  const days = ctx.calendar.tradingDaysBetween(from, end);
  const out: Candle[] = [];
  if (intervalMinutes >= 1440) {
    for (const day of days) {
      const bar = dailyBar(ctx, st, day);
      if (bar && bar.time >= istDayStart(from) && bar.time <= to) out.push(bar);
    }
    return out;
  }
  const open = SESSION_TIMES[st.inst.exchange].open;
  const width = intervalMinutes * MIN_MS;
  for (const day of days) {
    const mins = minuteBars(ctx, st, day);
    const sessionOpen = day + open * MIN_MS;
    let cur: Candle | undefined;
    for (const m of mins) {
      if (m.time > end) break;
      const bucket = sessionOpen + Math.floor((m.time - sessionOpen) / width) * width;
      if (cur && cur.time === bucket) {
        if (m.high > cur.high) cur.high = m.high;
        if (m.low < cur.low) cur.low = m.low;
        cur.close = m.close;
        cur.volume += m.volume;
        cur.oi = m.oi;
      } else {
        if (cur && cur.time >= from && cur.time <= to) out.push(cur);
        cur = { ...m, time: bucket };
      }
    }
    if (cur && cur.time >= from && cur.time <= to) out.push(cur);
  }
  return out;
}

/** 1-minute bars of an instrument on a trading day (history and/or recorded), oldest first. */
function minuteBars(ctx: SynthContext, st: InstState, day: number): Candle[] {
  const out: Candle[] = [];
  const a = ctx.history.anchor(st.driver.spec.key);
  if (day <= a.day) {
    const listing = st.inst.expiry !== undefined ? st.inst.expiry - LISTING_DAYS * DAY_MS : -Infinity;
    const m = day >= listing ? ctx.history.minutes(st.driver.spec.key, day) : undefined;
    if (m) {
      const deriv = st.kind === 'future' || st.kind === 'option';
      const oi = deriv ? oiOfDay(ctx, st, day) : 0;
      const dvol = deriv ? derivativeVolumes(ctx, st, day, m.count) : [];
      for (let i = 0; i < m.count; i++) {
        const time = m.start + i * MIN_MS;
        if (time >= st.expiryClose) break;
        const o = priceAt(st, m.open[i]!, time);
        const c = priceAt(st, m.close[i]!, time + MIN_MS);
        const ph = priceAt(st, m.high[i]!, time);
        const pl = priceAt(st, m.low[i]!, time);
        const volume = st.kind === 'spot' ? Math.round(m.volume[i]! * st.volScale) : deriv ? dvol[i]! : 0;
        out.push({
          time,
          open: o,
          high: Math.max(o, c, ph, pl),
          low: Math.min(o, c, ph, pl),
          close: c,
          volume,
          oi,
        });
      }
    }
  }
  const rec = st.rec.get(day);
  if (rec) {
    for (let i = 0; i < rec.length; i += 7) {
      out.push({
        time: rec[i]!,
        open: rec[i + 1]!,
        high: rec[i + 2]!,
        low: rec[i + 3]!,
        close: rec[i + 4]!,
        volume: rec[i + 5]!,
        oi: rec[i + 6]!,
      });
    }
  }
  return out;
}

/** The daily bar of a trading day (time = 00:00 IST), undefined when there is none. */
function dailyBar(ctx: SynthContext, st: InstState, day: number): Candle | undefined {
  if (day === st.day) {
    if (st.ltp === 0) return undefined;
    return {
      time: day,
      open: st.open,
      high: st.high,
      low: st.low,
      close: st.ltp,
      volume: st.volume,
      oi: st.oi,
    };
  }
  const recorded = st.recDaily.get(day);
  if (recorded) return { ...recorded };
  const mins = minuteBars(ctx, st, day);
  if (mins.length === 0) return undefined;
  const bar: Candle = { ...mins[0]!, time: day };
  for (let i = 1; i < mins.length; i++) {
    const m = mins[i]!;
    if (m.high > bar.high) bar.high = m.high;
    if (m.low < bar.low) bar.low = m.low;
    bar.close = m.close;
    bar.volume += m.volume;
    bar.oi = m.oi;
  }
  return bar;
}
