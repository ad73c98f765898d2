/**
 * Date inputs and range splitting for historical requests. The venue takes `yyyy-MM-dd HH:mm` (IST),
 * both ends inclusive, and refuses a request spanning more than `INTERVAL_MAX_DAYS[interval]` days.
 */
import { formatIstDateTime, INTERVAL_MAX_DAYS, type Interval, parseIstDateTime } from '@smartapi-ts/protocol';

const MINUTE_MS = 60_000;
const DAY_MS = 86_400_000;

/** A point in time: a Date, epoch ms, or IST text `YYYY-MM-DD HH:mm` / `YYYY-MM-DD` (00:00). */
export type DateInput = Date | number | string;

/** Epoch ms of a date input, truncated to the minute (the venue's resolution). Throws RangeError. */
export function toEpochMinute(input: DateInput, what = 'date'): number {
  let ms: number | undefined;
  if (input instanceof Date) ms = input.getTime();
  else if (typeof input === 'number') ms = input;
  else if (typeof input === 'string') ms = parseIstDateTime(input);
  if (ms === undefined || !Number.isFinite(ms)) {
    throw new RangeError(`${what} must be a Date, epoch ms or "YYYY-MM-DD HH:mm" (IST): ${String(input)}`);
  }
  return Math.floor(ms / MINUTE_MS) * MINUTE_MS;
}

/** One request's window: epoch ms, both ends inclusive. */
export interface RangeChunk {
  from: number;
  to: number;
  /** `yyyy-MM-dd HH:mm` IST of `from`, as sent. */
  fromdate: string;
  /** `yyyy-MM-dd HH:mm` IST of `to`, as sent. */
  todate: string;
}

/**
 * Splits [from, to] (inclusive, minute resolution) into consecutive windows of at most `maxDays` × 24 h
 * each (default: the interval's `INTERVAL_MAX_DAYS`: 1m 30, 3m 60, 5m/10m 100, 15m/30m 200, 1h 400,
 * 1d 2000). Each window starts one minute after the previous one ends, so no minute is asked twice.
 * @throws RangeError when `to` is before `from` or `maxDays` is not positive.
 */
export function splitRange(
  from: DateInput,
  to: DateInput,
  interval: Interval,
  maxDays?: number,
): RangeChunk[] {
  const a = toEpochMinute(from, 'from');
  const b = toEpochMinute(to, 'to');
  if (b < a) throw new RangeError('`to` is before `from`');
  const days = maxDays ?? INTERVAL_MAX_DAYS[interval];
  if (!(days > 0)) throw new RangeError(`maxDays must be positive: ${days}`);
  const span = Math.round(days * DAY_MS);
  const out: RangeChunk[] = [];
  for (let s = a; s <= b; ) {
    const e = Math.min(b, s + span);
    out.push({ from: s, to: e, fromdate: formatIstDateTime(s), todate: formatIstDateTime(e) });
    s = e + MINUTE_MS;
  }
  return out;
}
