/**
 * The synthetic source's runtime model: one {@link DriverRt} per price driver (the random walk), one
 * {@link InstState} per instrument priced from its driver, and the {@link SynthContext} every part of
 * the model reads (seed, step size, calendar, back-history, universe).
 */
import type { TradingCalendar } from '../../calendar.js';
import type { Rng } from '../../rng.js';
import type { BookLevel, Candle, Instrument, Quote } from '../../types.js';
import type { DriverSpec, Universe } from '../../universe.js';
import type { HistoryModel } from './history.js';

/** One day, ms. */
export const DAY_MS = 86_400_000;
/** One minute, ms. */
export const MIN_MS = 60_000;
/** An empty book level. */
export const EMPTY_LEVEL: BookLevel = Object.freeze({ price: 0, quantity: 0, orders: 0 }) as BookLevel;
/** Derivatives are treated as listed this many days before expiry (no history before that). */
export const LISTING_DAYS = 100;

/** How an instrument is priced from its driver. */
export type Kind = 'index' | 'spot' | 'future' | 'option';

/** A price driver (underlying random walk) at run time. */
export interface DriverRt {
  spec: DriverSpec;
  /** Current spot, paise (float). */
  price: number;
  /** Previous close of the driver's current day. */
  prevClose: number;
  /** The driver's price at the open of its current day (previous close × the day's gap). */
  openPrice?: number;
  day: number;
  lastT: number;
  atmVol: number;
  /** Circuit band applied to the driver itself (equities), or 0. */
  band: number;
  /** Minute volatility (log units), for the overnight gap and steps. */
  gapVol: number;
  /** Years of trading time per ms of session. */
  yearsPerMs: number;
  /** Own random stream (lazy markets; eager ones share the market's stream). */
  rng?: Rng;
}

/** An instrument's state: day statistics, circuits, OI, its latest quote and its recorded bars. */
export interface InstState {
  inst: Instrument;
  key: string;
  driver: DriverRt;
  kind: Kind;
  /** Pricing tick (1 for indices). */
  tick: number;
  liquidity: number;
  /** Expected traded quantity per step when it trades (units). */
  stepQty: number;
  /** Depth level base quantity (units). */
  levelQty: number;
  volScale: number;
  /** Epoch ms of the contract's last trading instant. */
  expiryClose: number;
  band: number;
  day: number;
  prevClose: number;
  open: number;
  high: number;
  low: number;
  ltp: number;
  volume: number;
  turnover: number;
  lastTradeQty: number;
  lastTradeTime: number;
  oi: number;
  prevOi: number;
  high52: number;
  low52: number;
  upper: number;
  lower: number;
  seq: number;
  /**
   * The latest quote snapshot. Built lazily: when no listener wants an instrument's change, the step
   * only keeps its book and time (`stale`), and {@link quoteOf} builds the quote when it is read.
   */
  quote: Quote;
  /** The book of the latest quote (built or not): [price, quantity, orders] × 5 bids, then × 5 asks. */
  lv: Float64Array;
  /** The time of the latest quote (built or not). */
  quoteT: number;
  /** True when `quote` is behind the latest change (see {@link quoteOf}). */
  stale: boolean;
  /** The day's seeded participation (open-interest.ts) and the day it was drawn for. */
  participation?: number;
  participationDay?: number;
  /** Day (00:00 IST) whose pre-open call auction trade is booked. */
  auctionDay?: number;
  /** Recorded 1-minute bars per day: flat [time, o, h, l, c, v, oi]×n. */
  rec: Map<number, number[]>;
  /** Daily bars of completed simulated days. */
  recDaily: Map<number, Candle>;
  /** Own random stream (lazy markets; eager ones share the market's stream). */
  rng?: Rng;
}

/** Best five levels per side. */
export interface Book {
  bids: BookLevel[];
  asks: BookLevel[];
}

/** The fixed configuration every part of the synthetic model reads. */
export interface SynthContext {
  /** Seed of every random stream. */
  readonly seed: number;
  /** Simulated ms between price updates. */
  readonly stepMs: number;
  /** Epoch ms the simulation started at. */
  readonly startTime: number;
  readonly calendar: TradingCalendar;
  readonly history: HistoryModel;
  readonly universe: Universe;
}
