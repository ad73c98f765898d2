/**
 * The seam between the simulated market (`market/`) and the rest of the paper broker (engine, HTTP,
 * feeds). Everything here is data: prices are integer paise, times epoch milliseconds.
 */
import type { Exchange, ExchangeType, ScripMasterRow } from '@smartapi-ts/protocol';

/** Market segment, which decides sessions, products and margin rules. */
export type Segment = 'EQ' | 'IDX' | 'FO' | 'COM' | 'CUR';

/** One tradable (or index) instrument of the universe. */
export interface Instrument {
  exchange: Exchange;
  exchangeType: ExchangeType;
  token: string;
  /** Trading symbol (`SBIN-EQ`, `NIFTY25JAN2418000CE`). */
  symbol: string;
  /** Underlying / company short name (`SBIN`, `NIFTY`). */
  name: string;
  /** Scrip-master instrument type (`''`, `AMXIDX`, `FUTIDX`, `OPTIDX`, `FUTSTK`, `OPTSTK`, `FUTCOM`, …). */
  instrumentType: string;
  segment: Segment;
  lotSize: number;
  /** Tick size in paise (5 = ₹0.05). 0 for indices. */
  tickSize: number;
  /** Maximum quantity of one order (units); Infinity when none. */
  freezeQty: number;
  /** Expiry as epoch ms of 00:00 IST of the expiry day; undefined for non-derivatives. */
  expiry?: number;
  /** Strike in paise for options. */
  strike?: number;
  optionType?: 'CE' | 'PE';
  /** Token of the underlying (index or equity) for derivatives. */
  underlyingToken?: string;
  /** ISIN for equities (holdings need it). */
  isin?: string;
  /** Indices are not tradable. */
  tradable: boolean;
}

/** One level of the order book. */
export interface BookLevel {
  price: number;
  quantity: number;
  orders: number;
}

/** The current state of one instrument (paise, ms). */
export interface Quote {
  exchange: Exchange;
  token: string;
  /** Increases on every change of this instrument. */
  sequence: number;
  /** Exchange time of this snapshot (epoch ms). */
  timestamp: number;
  ltp: number;
  lastTradeQty: number;
  lastTradeTime: number;
  /** Volume-weighted average traded price of the day. */
  avgPrice: number;
  volume: number;
  open: number;
  high: number;
  low: number;
  /** Previous day's close. */
  close: number;
  openInterest: number;
  totalBuyQty: number;
  totalSellQty: number;
  /** Best five bids, best first (always 5 entries; empty levels are zeros). */
  bids: BookLevel[];
  /** Best five asks, best first. */
  asks: BookLevel[];
  upperCircuit: number;
  lowerCircuit: number;
  high52Week: number;
  low52Week: number;
  /** Open interest at the previous day's close (derivatives; 0 otherwise). */
  prevOpenInterest?: number;
}

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

/** Trading-session state of an exchange at an instant. */
export type SessionState = 'closed' | 'preopen' | 'open' | 'postclose';

/** The market as the rest of the broker sees it. */
export interface Market {
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
  /** Subscribes to every quote change; returns an unsubscribe function. */
  onQuote(listener: (quote: Quote) => void): () => void;
  /** Starts the simulation timers (no-op for a stopped/manual market). */
  start(): void;
  /** Stops all timers. */
  stop(): void;
}
