/** The expiry calendar of derivatives: NSE monthly and weekly expiries, MCX contract months. */
import { istDayStart, istParts, istToEpoch } from '@smartapi-ts/protocol';
import { DEFAULT_CALENDAR, type TradingCalendar } from '../calendar.js';

const DAY_MS = 86_400_000;

/** Weekday of the NSE expiry (Tuesday, from September 2025). */
export const NSE_EXPIRY_WEEKDAY = 2;

/**
 * Weekday of the BSE expiry (Thursday, for contracts expiring from 1 Sep 2025: SEBI approval of the
 * exchanges' expiry days, https://www.business-standard.com/amp/markets/capital-market-news/sebi-clears-derivatives-expiry-day-shift-for-nse-and-bse-125061700904_1.html).
 */
export const BSE_EXPIRY_WEEKDAY = 4;

/** 00:00 IST of the last `weekday` of the month (month 1–12). */
function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const firstOfNext = month === 12 ? istToEpoch(year + 1, 1, 1) : istToEpoch(year, month + 1, 1);
  let d = firstOfNext - DAY_MS;
  while (istParts(d).weekday !== weekday) d -= DAY_MS;
  return d;
}

/** Shifts `day` back to the previous trading day when it is a holiday or weekend. */
function shiftToTradingDay(day: number, calendar: TradingCalendar): number {
  return calendar.isTradingDay(day) ? day : calendar.previousTradingDay(day);
}

/**
 * Monthly expiries on or after `date`: the last `weekday` (NSE: Tuesday) of each month (moved to the
 * previous trading day when that is a holiday). Returns `count` expiries (00:00 IST of each).
 */
export function monthlyExpiries(
  date: number,
  count: number,
  calendar: TradingCalendar = DEFAULT_CALENDAR,
  weekday: number = NSE_EXPIRY_WEEKDAY,
): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let { year, month } = istParts(today);
  while (out.length < count) {
    const d = shiftToTradingDay(lastWeekdayOfMonth(year, month, weekday), calendar);
    if (d >= today) out.push(d);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

/**
 * Weekly expiries on or after `date`: every `weekday` (NIFTY: Tuesday; SENSEX: Thursday), the previous
 * trading day on holidays. Includes the monthly ones (they are the last such weekday's weekly).
 */
export function weeklyExpiries(
  date: number,
  count: number,
  calendar: TradingCalendar = DEFAULT_CALENDAR,
  weekday: number = NSE_EXPIRY_WEEKDAY,
): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let d = today;
  while (istParts(d).weekday !== weekday) d += DAY_MS;
  // A Tuesday holiday shifts to Monday, which may be "today" even when Tuesday is tomorrow.
  for (let guard = 0; out.length < count && guard < 1000; guard++, d += 7 * DAY_MS) {
    const e = shiftToTradingDay(d, calendar);
    if (e >= today) out.push(e);
  }
  return out;
}

/** MCX expiries: the `day`-th of each month (0 = last trading day), previous trading day on holidays. */
export function commodityExpiries(
  date: number,
  day: number,
  count: number,
  calendar: TradingCalendar,
): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let { year, month } = istParts(today);
  while (out.length < count) {
    const raw =
      day === 0
        ? (month === 12 ? istToEpoch(year + 1, 1, 1) : istToEpoch(year, month + 1, 1)) - DAY_MS
        : istToEpoch(year, month, day);
    const d = shiftToTradingDay(raw, calendar);
    if (d >= today) out.push(d);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}
