/**
 * Internal IST day arithmetic for expiries: a "day number" is the count of IST calendar days since
 * 1970-01-01 (IST), so comparisons and Map keys are plain integers.
 */
import { formatExpiry, IST_OFFSET_MS, parseExpiry, parseIstDateTime } from '@smartapi-ts/protocol';

/** Milliseconds per day. */
export const DAY_MS = 86_400_000;

/** IST day number of an epoch-ms instant. */
export function istDayNumber(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS);
}

/** Epoch ms of 00:00 IST of a day number. */
export function dayStartMs(day: number): number {
  return day * DAY_MS - IST_OFFSET_MS;
}

const expiryTextCache = new Map<number, string>();

/** `DDMMMYYYY` of a day number (memoised: a master has a few hundred distinct expiries). */
export function dayToExpiryText(day: number): string {
  let s = expiryTextCache.get(day);
  if (s === undefined) {
    s = formatExpiry(dayStartMs(day));
    if (expiryTextCache.size < 100_000) expiryTextCache.set(day, s);
  }
  return s;
}

/**
 * Day number of an expiry given as a Date (its IST day), `DDMMMYYYY` (any month case), `YYYY-MM-DD` or a
 * day-number-free ISO string; `undefined` when unparseable.
 */
export function toExpiryDay(input: Date | string): number | undefined {
  if (input instanceof Date) {
    const t = input.getTime();
    return Number.isNaN(t) ? undefined : istDayNumber(t);
  }
  const text = input.trim();
  const ms = parseExpiry(text) ?? parseIstDateTime(text);
  return ms === undefined ? undefined : istDayNumber(ms);
}
