/**
 * The seam between the simulated market (`market/`) and the rest of the paper broker (engine, HTTP,
 * feeds). Everything here is data: prices are integer paise, times epoch milliseconds.
 */
import type { Exchange, ScripMasterRow } from '@smartapi-ts/protocol';
import type { BookLevel, Instrument, MarketView, Quote, SessionState } from '../engine/ports.js';

export type { BookLevel, Instrument, Quote, Segment, SessionState } from '../engine/ports.js';

/** One OHLCV bar (paise); `time` is the bar start. */
export interface Candle {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
  /** Open interest at bar close (derivatives). */
  oi: number;
}

/** The market as the rest of the broker sees it. */
export interface Market extends MarketView {
  /** Current market time (simulated or wall clock), epoch ms. */
  now(): number;
  /** Every instrument of the universe. */
  instruments(): readonly Instrument[];
  instrument(exchange: Exchange, token: string): Instrument | undefined;
  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined;
  /** The universe in scrip-master form (what `/OpenAPI_File/files/OpenAPIScripMaster.json` serves). */
  scripMaster(): readonly ScripMasterRow[];
  /** The latest quote, or undefined for unknown instruments. */
  quote(exchange: Exchange, token: string): Quote | undefined;
  /** Session state of an exchange at `at` (default now). */
  session(exchange: Exchange, at?: number): SessionState;
  /**
   * Bars of `intervalMinutes` (1440 = daily) with `from <= time <= to`, aggregated from recorded
   * 1-minute bars and generated back-history for earlier dates.
   */
  candles(exchange: Exchange, token: string, intervalMinutes: number, from: number, to: number): Candle[];
  /**
   * Market depth of up to `levels` (≤ 20) levels per side, best first, consistent with the best five
   * of {@link Market.quote} (used by the depth-20 feed mode). Optional: markets without it only serve
   * best five.
   */
  depth?(
    exchange: Exchange,
    token: string,
    levels: number,
  ): { bids: BookLevel[]; asks: BookLevel[] } | undefined;
  /**
   * Adds `delta` (units, may be negative) to the open interest of a derivative: the paper accounts' own
   * opening (+) and closing (−) fills (docs/paper-broker-market.md#open-interest). Optional: markets
   * without it (replayed or live data) keep the source's OI.
   */
  adjustOpenInterest?(exchange: Exchange, token: string, delta: number): void;
  /**
   * Subscribes to every quote change; returns an unsubscribe function. `interest`, when given, names the
   * instruments the listener needs (asked on each change): a market may then skip the others' changes
   * (the synthetic market then does not even build their quotes); the listener must still accept any
   * quote (markets may ignore `interest`).
   */
  onQuote(listener: (quote: Quote) => void, interest?: QuoteInterest): () => void;
  /** Starts the simulation timers (no-op for a stopped/manual market). */
  start(): void;
  /** Stops all timers. */
  stop(): void;
}

/**
 * A market on a clock the admin API can drive step by step and snapshot (the synthetic and the replay
 * sources). The state is opaque structured-clone-able data that only restores into a market built
 * from the same configuration.
 */
export interface SteppedMarket extends Market {
  readonly clock: import('./clock.js').Clock;
  /** Simulated ms between price updates. */
  readonly stepInterval: number;
  /** Runs `fn` with at most `n` price steps per clock move. */
  withMaxSteps<T>(n: number, fn: () => T): T;
  exportState(): unknown;
  /** Throws when a state does not fit this market. */
  checkState(state: unknown): void;
  importState(state: unknown): void;
}

/** Which instruments a quote listener needs (see {@link Market.onQuote}). */
export type QuoteInterest = (exchange: Exchange, token: string) => boolean;
