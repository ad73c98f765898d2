/**
 * India Standard Time (UTC+05:30, no daylight saving) helpers for the venue's timestamp formats:
 * `2023-01-01 09:15` (candle requests), `2024-01-25T09:15:00+05:30` (candles), `25JAN2024` (expiry),
 * `20-Oct-2020 13:10:59` (order book), `13:27:53` (fill time), `2020-11-16T14:19:51Z` (GTT).
 */

/** IST offset from UTC in milliseconds. */
export const IST_OFFSET_MS = 330 * 60_000;
const DAY_MS = 86_400_000;

/** Upper-case month abbreviations, as in expiry dates. */
export const MONTHS = [
  'JAN',
  'FEB',
  'MAR',
  'APR',
  'MAY',
  'JUN',
  'JUL',
  'AUG',
  'SEP',
  'OCT',
  'NOV',
  'DEC',
] as const;
const TITLE_MONTHS = MONTHS.map((m) => m[0] + m.slice(1).toLowerCase());

/** Calendar fields of an instant in IST. `month` is 1–12, `weekday` 0 = Sunday. */
export interface IstParts {
  year: number;
  month: number;
  day: number;
  hour: number;
  minute: number;
  second: number;
  millisecond: number;
  weekday: number;
}

const p2 = (n: number) => String(n).padStart(2, '0');

/** Splits an epoch-ms instant into IST calendar fields. */
export function istParts(ms: number): IstParts {
  const d = new Date(ms + IST_OFFSET_MS);
  return {
    year: d.getUTCFullYear(),
    month: d.getUTCMonth() + 1,
    day: d.getUTCDate(),
    hour: d.getUTCHours(),
    minute: d.getUTCMinutes(),
    second: d.getUTCSeconds(),
    millisecond: d.getUTCMilliseconds(),
    weekday: d.getUTCDay(),
  };
}

/** Epoch ms of an IST wall-clock time. `month` is 1–12. */
export function istToEpoch(
  year: number,
  month: number,
  day: number,
  hour = 0,
  minute = 0,
  second = 0,
): number {
  return Date.UTC(year, month - 1, day, hour, minute, second) - IST_OFFSET_MS;
}

/** Epoch ms of 00:00 IST of the day containing `ms`. */
export function istDayStart(ms: number): number {
  return Math.floor((ms + IST_OFFSET_MS) / DAY_MS) * DAY_MS - IST_OFFSET_MS;
}

/** Epoch ms of the next 00:00 IST strictly after `ms` (the venue's daily token expiry). */
export function nextIstMidnight(ms: number): number {
  return istDayStart(ms) + DAY_MS;
}

/** Minutes since 00:00 IST of the instant. */
export function istMinuteOfDay(ms: number): number {
  const p = istParts(ms);
  return p.hour * 60 + p.minute;
}

/** `YYYY-MM-DD` of the IST day. */
export function formatIstDate(ms: number): string {
  const p = istParts(ms);
  return `${p.year}-${p2(p.month)}-${p2(p.day)}`;
}

/** `YYYY-MM-DD HH:mm` in IST (candle request format). */
export function formatIstDateTime(ms: number): string {
  const p = istParts(ms);
  return `${p.year}-${p2(p.month)}-${p2(p.day)} ${p2(p.hour)}:${p2(p.minute)}`;
}

/**
 * Parses `YYYY-MM-DD HH:mm` (optionally `:ss`) or `YYYY-MM-DD` as IST. Returns undefined when malformed
 * or out of range.
 */
export function parseIstDateTime(text: string): number | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})(?:[ T](\d{2}):(\d{2})(?::(\d{2}))?)?$/.exec(text.trim());
  if (!m) return undefined;
  const [y, mo, d, h = 0, mi = 0, s = 0] = m.slice(1).map((x) => (x === undefined ? 0 : Number(x)));
  if (mo! < 1 || mo! > 12 || d! < 1 || d! > 31 || h! > 23 || mi! > 59 || s! > 59) return undefined;
  const ms = istToEpoch(y!, mo!, d!, h, mi, s);
  if (istParts(ms).day !== d) return undefined; // e.g. 31 Feb
  return ms;
}

/** `2024-01-25T09:15:00+05:30` (candle / OI timestamps). */
export function formatIstIso(ms: number): string {
  const p = istParts(ms);
  return `${p.year}-${p2(p.month)}-${p2(p.day)}T${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}+05:30`;
}

/** Parses an ISO-8601 timestamp with offset or `Z`; undefined when malformed. */
export function parseIsoTimestamp(text: string): number | undefined {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(text)) return undefined;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : ms;
}

/** `2020-11-16T14:19:51Z` (GTT timestamps, UTC, no milliseconds). */
export function formatUtcIsoSeconds(ms: number): string {
  return `${new Date(Math.floor(ms / 1000) * 1000).toISOString().slice(0, 19)}Z`;
}

/** `25JAN2024` (scrip-master expiry, optionGreek request) of the IST day. */
export function formatExpiry(ms: number): string {
  const p = istParts(ms);
  return `${p2(p.day)}${MONTHS[p.month - 1]}${p.year}`;
}

/** Parses `25JAN2024` (month case-insensitive) to 00:00 IST of that day; undefined when malformed. */
export function parseExpiry(text: string): number | undefined {
  const m = /^(\d{2})([A-Za-z]{3})(\d{4})$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toUpperCase() as (typeof MONTHS)[number]) + 1;
  if (month === 0) return undefined;
  const day = Number(m[1]);
  const ms = istToEpoch(Number(m[3]), month, day);
  return istParts(ms).day === day ? ms : undefined;
}

/** `20-Oct-2020 13:10:59` (order book, quote exchFeedTime) in IST. */
export function formatIstOrderTime(ms: number): string {
  const p = istParts(ms);
  return `${p2(p.day)}-${TITLE_MONTHS[p.month - 1]}-${p.year} ${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`;
}

/**
 * Parses `20-Oct-2020 13:10:59` (or `DD-MMM-YYYY` alone, month case-insensitive) as IST. Returns undefined
 * when malformed or out of range.
 */
export function parseIstOrderTime(text: string): number | undefined {
  const m = /^(\d{2})-([A-Za-z]{3})-(\d{4})(?: (\d{2}):(\d{2}):(\d{2}))?$/.exec(text.trim());
  if (!m) return undefined;
  const month = MONTHS.indexOf(m[2]!.toUpperCase() as (typeof MONTHS)[number]) + 1;
  if (month === 0) return undefined;
  const day = Number(m[1]);
  const [h, mi, s] = [Number(m[4] ?? 0), Number(m[5] ?? 0), Number(m[6] ?? 0)];
  if (day < 1 || h > 23 || mi > 59 || s > 59) return undefined;
  const ms = istToEpoch(Number(m[3]), month, day, h, mi, s);
  return istParts(ms).day === day ? ms : undefined; // e.g. 31 Feb
}

/** `HH:mm:ss` in IST (trade-book fill time). */
export function formatIstTime(ms: number): string {
  const p = istParts(ms);
  return `${p2(p.hour)}:${p2(p.minute)}:${p2(p.second)}`;
}
