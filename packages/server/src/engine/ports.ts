/**
 * The engine's ports: the market facts it reasons about (instrument, quote, book level, session), the
 * market view and id source a command receives, and the pluggable fill and fee models. Infrastructure
 * implements them (`market/` re-exports these types and its `Market` extends {@link MarketView}); the
 * engine depends on nothing outside this folder but the protocol. Prices are integer paise, times epoch ms.
 */
import type { Exchange, ExchangeType, TransactionType } from '@smartapi-ts/protocol';
import type { InstrumentSnapshot, OrderRecord, TradeRecord } from './types.js';

// ───────────────────────────── market facts ─────────────────────────────

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

/** Trading-session state of an exchange at an instant. */
export type SessionState = 'closed' | 'preopen' | 'open' | 'postclose';

/** The part of the market the engine reads: instrument master, latest quote, session state. */
export interface MarketView {
  instrument(exchange: Exchange, token: string): Instrument | undefined;
  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined;
  /** The latest quote, or undefined for unknown instruments. */
  quote(exchange: Exchange, token: string): Quote | undefined;
  /** Session state of an exchange at `at` (epoch ms). */
  session(exchange: Exchange, at: number): SessionState;
  /**
   * True when the IST day of `at` is a trading day of `exchange` (weekends and holidays are not; special
   * sessions are). Optional: without it the engine takes Monday–Friday.
   */
  isTradingDay?(exchange: Exchange, at: number): boolean;
  /**
   * Epoch ms of the end of continuous trading of `exchange` on the IST day of `at`. Optional: without it
   * rules relative to the close (commodity square-off) do not apply.
   */
  sessionClose?(exchange: Exchange, at: number): number;
  /**
   * Average value of an instrument over `[from, to)` (epoch ms) from its 1-minute bars (the bar closes):
   * `time` = the plain average, `volume` = weighted by the bars' volume (the plain average when they have
   * none). Undefined when there is no bar in the window. Optional: without it the expiry settlement takes
   * the instrument's LTP. Used for the final settlement price at expiry (`rules/expiry.ts`).
   */
  averagePrice?(
    exchange: Exchange,
    token: string,
    from: number,
    to: number,
    weighting: 'time' | 'volume',
  ): number | undefined;
  /**
   * The pre-open call auction of an instrument on the IST day of `at`, or undefined when it has none that
   * day (docs/paper-broker-rules.md#pre-open-call-auction). Optional: without it there is no auction and
   * AMOs are released at the open.
   */
  callAuction?(exchange: Exchange, token: string, at: number): CallAuction | undefined;
}

/** A day's pre-open call auction of one instrument, as the market runs it. */
export interface CallAuction {
  /** End of order entry (a random instant of the 8th minute); the auction matches at this instant. */
  entryClose: number;
  /** Start of continuous trading (epoch ms). */
  open: number;
  /** Equilibrium price = the day's opening price (paise); 0 when none was discovered. */
  price: number;
  /** Quantity the auction matched: the most one order can fill in it. */
  volume: number;
}

/**
 * Id generator implemented by the infrastructure (it persists its counters).
 * Formats: `orderId` = `YYMMDD` + 9-digit counter (15 digits), `uniqueOrderId` = UUID v4,
 * `exchangeOrderId` = 16 digits, `tradeId` = exchange trade id (digits), `gttRuleId` = decimal integer string.
 */
export interface IdSource {
  orderId(): string;
  uniqueOrderId(): string;
  exchangeOrderId(): string;
  tradeId(): string;
  gttRuleId(): string;
}

// ───────────────────────────── pluggable models ─────────────────────────────

/** One fill proposed by a {@link FillModel}. */
export interface Fill {
  /** Paise. */
  price: number;
  quantity: number;
}

/** What the fill model sees of an order. */
export interface FillRequest {
  side: TransactionType;
  /** Unfilled quantity. */
  quantity: number;
  /** Limit price in paise, or `undefined` for a market order. */
  limit: number | undefined;
  /** `true` when the order just arrived (or just triggered); `false` for a resting order seeing a new quote. */
  aggressive: boolean;
  instrument: InstrumentSnapshot;
  /** The order being filled (its tag, total and filled quantity, placement time). */
  order?: Readonly<Pick<OrderRecord, 'orderid' | 'ordertag' | 'quantity' | 'filledshares' | 'createdat'>>;
  /** Market time of this fill attempt (epoch ms). */
  now?: number;
}

/**
 * An extra pre-trade check (the paper broker's scenario rules): returns a rejection text for an order
 * about to be accepted, or `undefined` to let it through. Runs before the risk checks; the order is then
 * rejected like a risk-check rejection (row `rejected` with that text).
 */
export type OrderCheck = (order: Readonly<OrderRecord>, now: number) => string | undefined;

/**
 * Decides the fills of an order against a quote. Fills must respect the limit (buy ≤ limit, sell ≥ limit)
 * and total at most `quantity`. The default {@link WalkTheBookFillModel} walks the best-5 levels.
 */
export interface FillModel {
  fill(order: FillRequest, quote: Quote): Fill[];
  /**
   * True while the order has not reached the exchange yet (entry latency): an IOC is not cancelled
   * before it arrived. Absent = never.
   */
  pending?(orderid: string, now: number): boolean;
  /** The order stopped working (filled, cancelled): drop any per-order state. */
  forget?(orderid: string): void;
  /** Sees every quote before the orders of its instrument are matched against it. */
  observe?(quote: Quote): void;
  /** A short description of the model in force, stamped into each new order (`OrderRecord.execution`). */
  stamp?(): string;
  /**
   * Cancel latency: the milliseconds a cancel of `orderid` requested at `now` takes to reach the exchange
   * (the order works on until then), 0 or absent = it cancels at once.
   */
  cancelLatency?(orderid: string, now: number): number;
  /**
   * Modify latency: the milliseconds a modification requested at `now` takes to reach the exchange (the
   * order works on unchanged until then), 0 or absent = it applies at once.
   */
  modifyLatency?(orderid: string, now: number): number;
  /** Entry latency of `orderid` in ms (placement → exchange); absent = 0. */
  entryLatency?(orderid: string): number;
  /**
   * Acknowledgement latency of `orderid` in ms: what the exchange does to the order (acceptance, fills,
   * confirmed changes and cancels) reaches the order feed this much later; absent = 0.
   */
  ackLatency?(orderid: string): number;
}

/** What a {@link FeeModel} is told about a fill besides the trade itself. */
export interface FeeFillContext {
  /** Σ price × quantity of the order's earlier fills (paise): brokerage is per executed order. */
  orderValueBefore: number;
  /** Units of this fill taken out of the demat holdings (an equity delivery sell not covered by today's buys). */
  fromHoldings: number;
  /** ISIN of the instrument (`''` when unknown). */
  isin: string;
  /** True when the account already paid the DP charge for this ISIN on the fill's IST day. */
  dpChargedToday: boolean;
}

/** Charges of one fill computed by a {@link FeeModel}, in whole paise. */
export interface FeeCharge {
  /** Brokerage, statutory charges and GST of the fill. */
  amount: number;
  /** DP charge (with its GST) the fill causes; 0 or absent for none. */
  dp?: number;
}

/**
 * Charges debited from cash per fill and recorded on the trade (`charges`, `dpcharges`). The default
 * {@link AngelOneFeeModel} applies the dated rate tables of `rules/charges.ts` (the same as
 * `estimateCharges`); `NoFeeModel` charges nothing.
 */
export interface FeeModel {
  feeForFill(trade: TradeRecord, fill: FeeFillContext): FeeCharge;
}
