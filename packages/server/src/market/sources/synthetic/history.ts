/**
 * Deterministic back-history of the price drivers (indices, companies, commodities) before the
 * simulation's start. Everything is a pure function of (seed, driver, day): the same request always
 * returns the same bars, and the history joins the live simulation exactly at its start price.
 *
 * Model, per driver with annual volatility σ (trading-time, 252 days):
 * - day k before the start: open = previous close × e^(σ_gap·z), close = open × e^(σ_day·z), built
 *   backwards from the start price (20 % of the daily variance overnight, 80 % intraday);
 * - each day's minutes: a Brownian bridge from the open to the close in log space, minute highs/lows
 *   a little outside the open/close, and a U-shaped volume profile;
 * - the start day itself, when the simulation starts after the session opened: a bridge from a
 *   seeded open to the start price over the elapsed minutes.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import { SESSION_TIMES, type TradingCalendar } from '../../calendar.js';
import { hashString, mixSeed, Rng } from '../../rng.js';
import type { DriverSpec } from '../../universe.js';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
/** Trading days per year used to scale volatility. */
export const TRADING_DAYS_PER_YEAR = 252;
/** Oldest history generated, in trading days before the start day (~10 years). */
export const MAX_HISTORY_DAYS = 2600;
const GAP_SHARE = 0.2;

/** One driver day's minute path: `count` minutes from `open` (epoch ms of the first minute). */
export interface DriverMinutes {
  day: number;
  /** Epoch ms of minute 0 (the session open). */
  start: number;
  count: number;
  open: Float64Array;
  high: Float64Array;
  low: Float64Array;
  close: Float64Array;
  volume: Float64Array;
}

/** The exchange whose session a driver follows (NSE for indices/equities, MCX for commodities, …). */
export function homeExchange(driver: DriverSpec): Exchange {
  return driver.cls === 'commodity' ? 'MCX' : driver.cls === 'currency' ? 'CDS' : 'NSE';
}

/** Session length in minutes of a driver's home exchange. */
export function sessionMinutes(driver: DriverSpec): number {
  const t = SESSION_TIMES[homeExchange(driver)];
  return t.close - t.open;
}

/** Average daily volume of a driver's main cash listing (0 for indices and hidden commodity spots). */
export function baseDailyVolume(driver: DriverSpec): number {
  return driver.cls === 'equity' ? Math.max(10_000, Math.round(8e11 / Math.max(driver.basePrice, 100))) : 0;
}

interface DailySeries {
  /** `days[k]` = 00:00 IST of the k-th trading day before the start day (k ≥ 1; index 0 = start day). */
  days: number[];
  opens: number[];
  closes: number[];
  index: Map<number, number>;
}

/** Options of {@link HistoryModel}. */
export interface HistoryOptions {
  seed: number;
  calendar: TradingCalendar;
  /** The simulation start instant (epoch ms). */
  start: number;
  drivers: readonly DriverSpec[];
}

/**
 * Generates the back-history of every driver. Day series are extended lazily and minute paths are
 * cached in a small LRU.
 */
export class HistoryModel {
  private readonly seed: number;
  private readonly calendar: TradingCalendar;
  private readonly start: number;
  private readonly drivers = new Map<string, DriverSpec>();
  private readonly series = new Map<string, DailySeries>();
  private readonly anchors = new Map<string, { day: number; minute: number; open: number }>();
  private readonly cache = new Map<string, DriverMinutes>();

  /** @param options - seed, calendar, start instant and drivers */
  constructor(options: HistoryOptions) {
    this.seed = options.seed;
    this.calendar = options.calendar;
    this.start = options.start;
    for (const d of options.drivers) this.drivers.set(d.key, d);
  }

  /** Volatility of one minute of trading (log units). */
  minuteVol(driver: DriverSpec): number {
    return (
      ((driver.vol / Math.sqrt(TRADING_DAYS_PER_YEAR)) * Math.sqrt(1 - GAP_SHARE)) /
      Math.sqrt(sessionMinutes(driver))
    );
  }

  /** Volatility of the overnight gap (log units). */
  gapVol(driver: DriverSpec): number {
    return (driver.vol / Math.sqrt(TRADING_DAYS_PER_YEAR)) * Math.sqrt(GAP_SHARE);
  }

  /**
   * The start day of a driver and the minute of its session at which the start price is reached
   * (0 = at the open, `sessionMinutes` = after the close), plus that day's open.
   */
  anchor(driverKey: string): { day: number; minute: number; open: number } {
    const cached = this.anchors.get(driverKey);
    if (cached) return cached;
    const d = this.driver(driverKey);
    const ex = homeExchange(d);
    const n = sessionMinutes(d);
    let day: number;
    let minute: number;
    if (this.calendar.isTradingDay(this.start)) {
      day = istDayStart(this.start);
      const { open } = this.calendar.sessionBounds(ex, day);
      minute = Math.min(n, Math.max(0, Math.floor((this.start - open) / MIN_MS)));
    } else {
      day = this.calendar.previousTradingDay(this.start);
      minute = n;
    }
    let open = d.basePrice;
    if (minute > 0) {
      const r = new Rng(mixSeed(this.seed, hashString(driverKey), day / DAY_MS, 11));
      open = d.basePrice * Math.exp(-this.minuteVol(d) * Math.sqrt(minute) * r.normal());
    }
    const a = { day, minute, open };
    this.anchors.set(driverKey, a);
    return a;
  }

  /** Close of the trading day before the start day (the start day's "previous close"). */
  previousClose(driverKey: string): number {
    const s = this.extend(driverKey, 1);
    return s.closes[1]!;
  }

  /**
   * Open and close of a driver on a trading day strictly before its start day, or undefined when the
   * day is not a trading day, not before the start, or older than {@link MAX_HISTORY_DAYS}.
   */
  dayOpenClose(driverKey: string, day: number): { open: number; close: number } | undefined {
    const a = this.anchor(driverKey);
    const d0 = istDayStart(day);
    if (d0 >= a.day || !this.calendar.isTradingDay(d0)) return undefined;
    let s = this.series.get(driverKey);
    if (!s?.index.has(d0)) {
      // extend until the day is covered
      const approx = Math.ceil(((a.day - d0) / DAY_MS) * (5 / 7)) + 10;
      s = this.extend(driverKey, Math.min(MAX_HISTORY_DAYS, approx));
      while (!s.index.has(d0) && s.days.length <= MAX_HISTORY_DAYS && s.days[s.days.length - 1]! > d0) {
        s = this.extend(driverKey, s.days.length + 20);
      }
    }
    const k = s.index.get(d0);
    if (k === undefined || k === 0) return undefined;
    return { open: s.opens[k]!, close: s.closes[k]! };
  }

  /** Extends a driver's daily series to at least `k` days back (bounded). */
  private extend(driverKey: string, k: number): DailySeries {
    const d = this.driver(driverKey);
    let s = this.series.get(driverKey);
    const a = this.anchor(driverKey);
    if (!s) {
      s = { days: [a.day], opens: [a.open], closes: [Number.NaN], index: new Map([[a.day, 0]]) };
      this.series.set(driverKey, s);
    }
    const target = Math.min(k, MAX_HISTORY_DAYS);
    const dayVol = (d.vol / Math.sqrt(TRADING_DAYS_PER_YEAR)) * Math.sqrt(1 - GAP_SHARE);
    const gap = this.gapVol(d);
    const h = hashString(driverKey);
    while (s.days.length <= target) {
      const i = s.days.length;
      const nextDay = s.days[i - 1]!; // the later day
      const day = this.calendar.previousTradingDay(nextDay);
      // close of `day` = open of the later day / e^(gap shock of the later day)
      const rg = new Rng(mixSeed(this.seed, h, nextDay / DAY_MS, 3));
      const close = s.opens[i - 1]! / Math.exp(gap * rg.normal());
      const rd = new Rng(mixSeed(this.seed, h, day / DAY_MS, 5));
      const open = close / Math.exp(dayVol * rd.normal() - 0.5 * dayVol * dayVol);
      s.days.push(day);
      s.opens.push(open);
      s.closes.push(close);
      s.index.set(day, i);
    }
    return s;
  }

  /**
   * The minute path of a driver on a day: every minute of the session for days before the start day,
   * the minutes before the start instant on the start day, undefined otherwise.
   */
  minutes(driverKey: string, day: number): DriverMinutes | undefined {
    const d0 = istDayStart(day);
    const ck = `${driverKey}|${d0}`;
    const hit = this.cache.get(ck);
    if (hit) {
      this.cache.delete(ck);
      this.cache.set(ck, hit);
      return hit;
    }
    const d = this.driver(driverKey);
    const a = this.anchor(driverKey);
    let open: number;
    let close: number;
    let count: number;
    if (d0 === a.day) {
      if (a.minute === 0) return undefined;
      open = a.open;
      close = d.basePrice;
      count = a.minute;
    } else {
      const oc = this.dayOpenClose(driverKey, d0);
      if (!oc) return undefined;
      open = oc.open;
      close = oc.close;
      count = sessionMinutes(d);
    }
    const m = this.bridge(d, d0, open, close, count);
    this.cache.set(ck, m);
    if (this.cache.size > 256) this.cache.delete(this.cache.keys().next().value as string);
    return m;
  }

  private bridge(d: DriverSpec, day: number, open: number, close: number, count: number): DriverMinutes {
    const n = sessionMinutes(d);
    const r = new Rng(mixSeed(this.seed, hashString(d.key), day / DAY_MS, 7));
    const sm = this.minuteVol(d);
    const w = new Float64Array(count + 1);
    for (let i = 1; i <= count; i++) w[i] = w[i - 1]! + sm * r.normal();
    const lo = Math.log(open);
    const lc = Math.log(close);
    const wn = w[count]!;
    const level = (i: number) => Math.exp(lo + (i / count) * (lc - lo) + w[i]! - (i / count) * wn);
    const res: DriverMinutes = {
      day,
      start: this.calendar.sessionBounds(homeExchange(d), day).open,
      count,
      open: new Float64Array(count),
      high: new Float64Array(count),
      low: new Float64Array(count),
      close: new Float64Array(count),
      volume: new Float64Array(count),
    };
    const vol = baseDailyVolume(d);
    let prev = level(0);
    for (let i = 0; i < count; i++) {
      const next = i + 1 === count ? close : level(i + 1);
      const o = i === 0 ? open : prev;
      res.open[i] = o;
      res.close[i] = next;
      res.high[i] = Math.max(o, next) * Math.exp(Math.abs(r.normal()) * sm * 0.3);
      res.low[i] = Math.min(o, next) * Math.exp(-Math.abs(r.normal()) * sm * 0.3);
      // U-shaped intraday volume profile (heavier at the open and the close).
      const x = i / n;
      const weight = 1 + 2.2 * (x - 0.5) * (x - 0.5) * 4;
      res.volume[i] =
        vol > 0 ? Math.max(1, Math.round(((vol / n) * weight * Math.exp(0.35 * r.normal())) / 1.7)) : 0;
      prev = next;
    }
    return res;
  }

  private driver(key: string): DriverSpec {
    const d = this.drivers.get(key);
    if (!d) throw new RangeError(`unknown driver ${key}`);
    return d;
  }
}
