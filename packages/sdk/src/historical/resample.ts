/**
 * Resampling candles / OI to a coarser interval, with IST session-aligned buckets:
 *
 * - minutes and hours (`2h`, `75m`, `ONE_HOUR`): buckets start at the session open (09:15 IST by default)
 *   and every N minutes after it, each IST day anew — so 2h bars are 09:15–11:15, 11:15–13:15,
 *   13:15–15:15 and 15:15–15:30 (the last one short), as NSE charts draw them. Bars before the session
 *   open fall in buckets counted backwards from it.
 * - days (`1d`, `ONE_DAY`): one bucket per IST calendar day, labelled 00:00 IST (like the venue's daily
 *   candles); `Nd` groups N calendar days counted from 1970-01-01.
 * - weeks (`1w`): Monday 00:00 IST to Sunday; `Nw` groups N weeks counted from Monday 1970-01-05.
 * - months (`1M`): calendar months, labelled the 1st 00:00 IST; `NM` groups months from January.
 *
 * A bucket's `time` is the bucket start, whether or not a source bar fell exactly on it. Open = first
 * bar's open, high/low = extremes, close = last bar's close, volume = sum; OI takes the last value.
 * The input must be finer than the target (not checked); it is sorted by time when it is not already.
 */
import {
  INTERVAL_MINUTES,
  type Interval,
  Interval as IntervalEnum,
  IST_OFFSET_MS,
  isEnumValue,
} from '@smartapi-ts/protocol';
import type { Candle, OiPoint } from './backfill.js';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;
/** Monday 1970-01-05 is day 4 since the epoch. */
const FIRST_MONDAY_DAY = 4;

/** A parsed resampling target. */
export interface ResampleTarget {
  unit: 'minute' | 'day' | 'week' | 'month';
  /** Count of units per bucket (≥ 1). */
  size: number;
}

/** Options of {@link resample}. */
export interface ResampleOptions {
  /** IST session open that intraday buckets align to. @default '09:15' (NSE/BSE); use '09:00' for MCX */
  sessionStart?: string;
}

/**
 * Parses a target: a venue interval (`ONE_HOUR`), `<n>m` minutes, `<n>h` hours, `<n>d` days,
 * `<n>w` weeks, `<n>M` months (upper-case M; also `mo`), or a number of minutes.
 * @throws RangeError on anything else.
 */
export function parseResampleTarget(target: string | number | ResampleTarget): ResampleTarget {
  if (typeof target === 'object') return target;
  if (typeof target === 'number') {
    if (!Number.isInteger(target) || target <= 0) throw new RangeError(`invalid resample minutes: ${target}`);
    return { unit: 'minute', size: target };
  }
  if (isEnumValue(IntervalEnum, target)) {
    const min = INTERVAL_MINUTES[target as Interval];
    return target === 'ONE_DAY' ? { unit: 'day', size: 1 } : { unit: 'minute', size: min };
  }
  const m = /^(\d+)\s*(m|min|h|d|w|M|mo)$/.exec(target.trim());
  const n = m ? Number(m[1]) : 0;
  if (!m || n <= 0) throw new RangeError(`invalid resample target: ${target} (use e.g. 15m, 2h, 1d, 1w, 1M)`);
  switch (m[2]) {
    case 'm':
    case 'min':
      return { unit: 'minute', size: n };
    case 'h':
      return { unit: 'minute', size: n * 60 };
    case 'd':
      return { unit: 'day', size: n };
    case 'w':
      return { unit: 'week', size: n };
    default:
      return { unit: 'month', size: n };
  }
}

function sessionOffsetMs(sessionStart: string | undefined): number {
  const m = /^(\d{1,2}):(\d{2})$/.exec(sessionStart ?? '09:15');
  if (!m) throw new RangeError(`invalid sessionStart: ${sessionStart}`);
  return (Number(m[1]) * 60 + Number(m[2])) * MINUTE_MS;
}

/** The bucket-start function of a target (epoch ms → epoch ms). */
export function bucketer(
  target: string | number | ResampleTarget,
  options: ResampleOptions = {},
): (ms: number) => number {
  const t = parseResampleTarget(target);
  const session = sessionOffsetMs(options.sessionStart);
  switch (t.unit) {
    case 'minute': {
      const size = t.size * MINUTE_MS;
      return (ms) => {
        const local = ms + IST_OFFSET_MS;
        const open = Math.floor(local / DAY_MS) * DAY_MS + session;
        return open + Math.floor((local - open) / size) * size - IST_OFFSET_MS;
      };
    }
    case 'day':
      return (ms) => {
        const day = Math.floor((ms + IST_OFFSET_MS) / DAY_MS);
        return Math.floor(day / t.size) * t.size * DAY_MS - IST_OFFSET_MS;
      };
    case 'week': {
      const span = 7 * t.size;
      return (ms) => {
        const day = Math.floor((ms + IST_OFFSET_MS) / DAY_MS);
        const start = FIRST_MONDAY_DAY + Math.floor((day - FIRST_MONDAY_DAY) / span) * span;
        return start * DAY_MS - IST_OFFSET_MS;
      };
    }
    case 'month':
      return (ms) => {
        const d = new Date(ms + IST_OFFSET_MS);
        const months = d.getUTCFullYear() * 12 + d.getUTCMonth();
        const start = Math.floor(months / t.size) * t.size;
        return Date.UTC(Math.floor(start / 12), start % 12, 1) - IST_OFFSET_MS;
      };
  }
}

function sorted<T extends { time: Date }>(items: readonly T[]): readonly T[] {
  for (let i = 1; i < items.length; i++) {
    if (items[i]!.time.getTime() < items[i - 1]!.time.getTime()) {
      return [...items].sort((a, b) => a.time.getTime() - b.time.getTime());
    }
  }
  return items;
}

/** Resamples candles to a coarser interval (see the module notes for bucket alignment). */
export function resample(
  candles: readonly Candle[],
  target: string | number | ResampleTarget,
  options: ResampleOptions = {},
): Candle[] {
  const bucket = bucketer(target, options);
  const out: Candle[] = [];
  let cur: Candle | undefined;
  let curKey = Number.NaN;
  for (const c of sorted(candles)) {
    const key = bucket(c.time.getTime());
    if (cur && key === curKey) {
      if (c.high > cur.high) cur.high = c.high;
      if (c.low < cur.low) cur.low = c.low;
      cur.close = c.close;
      cur.volume += c.volume;
    } else {
      cur = { time: new Date(key), open: c.open, high: c.high, low: c.low, close: c.close, volume: c.volume };
      curKey = key;
      out.push(cur);
    }
  }
  return out;
}

/** Resamples OI points: each bucket keeps its last value. */
export function resampleOi(
  points: readonly OiPoint[],
  target: string | number | ResampleTarget,
  options: ResampleOptions = {},
): OiPoint[] {
  const bucket = bucketer(target, options);
  const out: OiPoint[] = [];
  let curKey = Number.NaN;
  for (const p of sorted(points)) {
    const key = bucket(p.time.getTime());
    if (key === curKey) out[out.length - 1]!.oi = p.oi;
    else {
      out.push({ time: new Date(key), oi: p.oi });
      curKey = key;
    }
  }
  return out;
}
