/**
 * Trading calendar of the simulated market: exchange sessions (IST), weekends and exchange holidays.
 * Pure functions over epoch milliseconds; nothing here reads the wall clock.
 *
 * Sessions (docs/protocol/market-rules.md#sessions):
 * - NSE / BSE cash: pre-open order entry 09:00–09:08 and order matching / buffer until 09:15
 *   (`preopen`), normal market 09:15–15:30 (`open`), closing session until 16:00 (`postclose`).
 * - NFO / BFO: 09:15–15:30. CDS and NCDEX: 09:00–17:00.
 * - MCX: 09:00–23:30 (the 23:55 winter close of some international commodities is not modelled).
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { istDayStart, istParts, istToEpoch } from '@smartapi-ts/protocol';
import type { SessionState } from './types.js';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;

/** Session times of one exchange, in minutes after 00:00 IST. */
export interface SessionTimes {
  /** Start of the pre-open session (equal to `open` when there is none). */
  preOpen: number;
  /** Start of continuous trading. */
  open: number;
  /** End of continuous trading. */
  close: number;
  /** End of the post-close session (equal to `close` when there is none). */
  postClose: number;
}

const EQUITY: SessionTimes = { preOpen: 9 * 60, open: 9 * 60 + 15, close: 15 * 60 + 30, postClose: 16 * 60 };
const FNO: SessionTimes = {
  preOpen: 9 * 60 + 15,
  open: 9 * 60 + 15,
  close: 15 * 60 + 30,
  postClose: 15 * 60 + 30,
};
const DAY_9_TO_17: SessionTimes = { preOpen: 9 * 60, open: 9 * 60, close: 17 * 60, postClose: 17 * 60 };
const COMMODITY: SessionTimes = {
  preOpen: 9 * 60,
  open: 9 * 60,
  close: 23 * 60 + 30,
  postClose: 23 * 60 + 30,
};

/** Session times per exchange (minutes after midnight IST). */
export const SESSION_TIMES: Readonly<Record<Exchange, SessionTimes>> = {
  NSE: EQUITY,
  BSE: EQUITY,
  NFO: FNO,
  BFO: FNO,
  CDS: DAY_9_TO_17,
  NCDEX: DAY_9_TO_17,
  MCX: COMMODITY,
};

/**
 * Exchange trading holidays (weekdays only; weekends are closed anyway), `YYYY-MM-DD` IST.
 *
 * - 2025: the NSE trading-holiday circular for 2025.
 * - 2026: the NSE list for 2026 as published in December 2025 (believed correct; verify against the
 *   circular before relying on it), plus 15 Jan 2026 (Maharashtra municipal elections).
 * - 2027: ASSUMED from the expected festival dates; NSE publishes the real list in December 2026.
 *
 * The same list is used for every exchange (BSE matches NSE; MCX's evening session on some of these
 * days is not modelled).
 *
 * Outside the listed years ({@link HOLIDAY_YEARS}) no holiday is known: the calendar then follows the
 * documented fallback rule "weekends only" — every weekday is a trading day. This keeps a paper broker
 * started in a later year working (rather than refusing to start); {@link holidayTableNotice} gives the
 * warning the CLI prints at startup. Extend this list when the exchange publishes a new year.
 */
export const HOLIDAYS: readonly string[] = [
  // 2025 (NSE circular)
  '2025-02-26', // Mahashivratri
  '2025-03-14', // Holi
  '2025-03-31', // Id-Ul-Fitr
  '2025-04-10', // Shri Mahavir Jayanti
  '2025-04-14', // Dr. Baba Saheb Ambedkar Jayanti
  '2025-04-18', // Good Friday
  '2025-05-01', // Maharashtra Day
  '2025-08-15', // Independence Day
  '2025-08-27', // Ganesh Chaturthi
  '2025-10-02', // Mahatma Gandhi Jayanti / Dussehra
  '2025-10-21', // Diwali Laxmi Pujan (Muhurat session not modelled)
  '2025-10-22', // Balipratipada
  '2025-11-05', // Prakash Gurpurb Sri Guru Nanak Dev
  '2025-12-25', // Christmas
  // 2026 (NSE list, believed correct)
  '2026-01-15', // Municipal corporation elections, Maharashtra
  '2026-01-26', // Republic Day
  '2026-03-03', // Holi
  '2026-03-26', // Shri Ram Navami
  '2026-03-31', // Shri Mahavir Jayanti
  '2026-04-03', // Good Friday
  '2026-04-14', // Dr. Baba Saheb Ambedkar Jayanti
  '2026-05-01', // Maharashtra Day
  '2026-05-28', // Bakri Id
  '2026-06-26', // Muharram
  '2026-09-14', // Ganesh Chaturthi
  '2026-10-02', // Mahatma Gandhi Jayanti
  '2026-10-20', // Dussehra
  '2026-11-10', // Diwali Balipratipada
  '2026-11-24', // Prakash Gurpurb Sri Guru Nanak Dev
  '2026-12-25', // Christmas
  // 2027 (ASSUMED)
  '2027-01-26', // Republic Day
  '2027-03-10', // Id-Ul-Fitr (assumed)
  '2027-03-22', // Holi (assumed)
  '2027-03-26', // Good Friday
  '2027-04-14', // Dr. Baba Saheb Ambedkar Jayanti
  '2027-04-15', // Shri Ram Navami (assumed)
  '2027-05-17', // Bakri Id (assumed)
  '2027-06-15', // Muharram (assumed)
  '2027-10-29', // Diwali Laxmi Pujan (assumed)
  '2027-11-15', // Prakash Gurpurb (assumed observed date)
];

const HOLIDAY_SET = new Set(HOLIDAYS);

const holidayYears = HOLIDAYS.map((d) => Number(d.slice(0, 4)));

/**
 * First and last year {@link HOLIDAYS} lists. Days of other years follow the fallback rule: weekends
 * closed, every weekday a trading day.
 */
export const HOLIDAY_YEARS: { readonly first: number; readonly last: number } = Object.freeze({
  first: Math.min(...holidayYears),
  last: Math.max(...holidayYears),
});

/** True when the IST year of `ms` is covered by the holiday table ({@link HOLIDAY_YEARS}). */
export function holidaysKnown(ms: number): boolean {
  const y = istParts(ms).year;
  return y >= HOLIDAY_YEARS.first && y <= HOLIDAY_YEARS.last;
}

/**
 * The warning to show when a market runs on a day after the holiday table (or `undefined` when the
 * table covers it): holidays of that year are unknown, so every weekday trades.
 */
export function holidayTableNotice(ms: number): string | undefined {
  const y = istParts(ms).year;
  if (y <= HOLIDAY_YEARS.last) return undefined;
  return (
    `the exchange holiday table ends in ${HOLIDAY_YEARS.last}; in ${y} the simulated market treats every ` +
    'weekday as a trading day (weekends stay closed) — update HOLIDAYS in market/calendar.ts'
  );
}

/** Formats the IST calendar day of `ms` as `YYYY-MM-DD`. */
function dayKey(ms: number): string {
  const p = istParts(ms);
  return `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
}

/** Options shared by the calendar functions. */
export interface CalendarOptions {
  /**
   * Extra trading days (epoch ms of any instant of the IST day), e.g. a special Saturday session or the
   * day a simulated run starts on. They are trading days even on a weekend or holiday.
   */
  specialSessions?: readonly number[];
}

/** A trading calendar: holidays plus optional special sessions. */
export class TradingCalendar {
  private readonly special: Set<number>;
  private memoDay = Number.NaN;
  private memoTrading = false;

  /** @param options - special sessions to add to the built-in holiday list */
  constructor(options: CalendarOptions = {}) {
    this.special = new Set((options.specialSessions ?? []).map((ms) => istDayStart(ms)));
  }

  /** Adds a special trading day (any instant of the IST day). */
  addSpecialSession(ms: number): void {
    this.special.add(istDayStart(ms));
    this.memoDay = Number.NaN;
  }

  /**
   * True when `ms` falls on a listed exchange holiday (weekends excluded). Always false outside
   * {@link HOLIDAY_YEARS} (the weekends-only fallback).
   */
  isHoliday(ms: number): boolean {
    return HOLIDAY_SET.has(dayKey(ms));
  }

  /** True when the IST day of `ms` is a trading day (weekday, not a holiday, or a special session). */
  isTradingDay(ms: number): boolean {
    // One-day memo: the market, the engine and an advance ask about the same day millions of times.
    const day = istDayStart(ms);
    if (day === this.memoDay) return this.memoTrading;
    let trading: boolean;
    if (this.special.has(day)) trading = true;
    else {
      const wd = istParts(ms).weekday;
      trading = wd !== 0 && wd !== 6 && !this.isHoliday(ms);
    }
    this.memoDay = day;
    this.memoTrading = trading;
    return trading;
  }

  /** 00:00 IST of the first trading day strictly after the day of `ms`. */
  nextTradingDay(ms: number): number {
    let d = istDayStart(ms) + DAY_MS;
    while (!this.isTradingDay(d)) d += DAY_MS;
    return d;
  }

  /** 00:00 IST of the last trading day strictly before the day of `ms`. */
  previousTradingDay(ms: number): number {
    let d = istDayStart(ms) - DAY_MS;
    while (!this.isTradingDay(d)) d -= DAY_MS;
    return d;
  }

  /** 00:00 IST of the day of `ms` if it is a trading day, else of the previous trading day. */
  onOrBeforeTradingDay(ms: number): number {
    const d = istDayStart(ms);
    return this.isTradingDay(d) ? d : this.previousTradingDay(d);
  }

  /** Session state of `exchange` at `ms`. */
  session(exchange: Exchange, ms: number): SessionState {
    if (!this.isTradingDay(ms)) return 'closed';
    const t = SESSION_TIMES[exchange];
    const minute = (ms - istDayStart(ms)) / MIN_MS;
    if (minute < t.preOpen) return 'closed';
    if (minute < t.open) return 'preopen';
    if (minute < t.close) return 'open';
    if (minute < t.postClose) return 'postclose';
    return 'closed';
  }

  /** Epoch ms of the session open / close of `exchange` on the IST day of `ms`. */
  sessionBounds(exchange: Exchange, ms: number): { open: number; close: number } {
    const day = istDayStart(ms);
    const t = SESSION_TIMES[exchange];
    return { open: day + t.open * MIN_MS, close: day + t.close * MIN_MS };
  }

  /**
   * Trading days in `[from, to]` (00:00 IST of each), oldest first. Bounded to 20 000 days.
   */
  tradingDaysBetween(from: number, to: number): number[] {
    const out: number[] = [];
    let d = istDayStart(from);
    const end = istDayStart(to);
    while (d <= end && out.length < 20_000) {
      if (this.isTradingDay(d)) out.push(d);
      d += DAY_MS;
    }
    return out;
  }
}

/** Epoch ms of 00:00 IST of `year-month-day`. */
export function istDay(year: number, month: number, day: number): number {
  return istToEpoch(year, month, day);
}

/** A calendar with no special sessions. */
export const DEFAULT_CALENDAR = new TradingCalendar();
