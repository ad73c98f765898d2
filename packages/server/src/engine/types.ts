/**
 * Types of the paper broker's pure order engine: its persisted records (plain JSON data, integer paise),
 * the events every command emits (row upserts), the context a command receives (time, ids, market), the
 * in-memory state and the configuration. The ports it reads (market, ids, fill and fee models) are in
 * `ports.ts`. See engine/README.md for the purity contract.
 */
import type {
  Duration,
  Exchange,
  GttStatus,
  OrderStatus,
  OrderType,
  OrderUpdateCode,
  ProductType,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';
import type { FeeModel, FillModel, IdSource, Instrument, MarketView, OrderCheck, Segment } from './ports.js';
import type { Result } from './result.js';
import type { IntradayConfig } from './rules/intraday.js';

// ───────────────────────────── context ─────────────────────────────

/** Context of a read-only query. */
export interface QueryContext {
  /** Current (market) time, epoch ms. */
  now: number;
  market: MarketView;
  /**
   * Every listing (NSE, BSE …) of an ISIN, for the Portfolio API's `instrument[]`. Optional: without it
   * a holding lists only its own listing.
   */
  listings?: (isin: string) => readonly Instrument[];
}

/** Context of a command: time, id generator and market data all arrive as arguments (purity). */
export interface EngineContext extends QueryContext {
  ids: IdSource;
}

// ───────────────────────────── results ─────────────────────────────

/**
 * What a command returns: `result` is the response `data` (exact wire shape) or a `Rejection`;
 * `events` are the row upserts the command caused, in order. A rejection carries no events, except
 * for placeOrder/modifyOrder RMS rejections, which the venue reports as a successful placement whose
 * order row reads `rejected` (see docs/paper-broker-engine.md).
 */
export interface CommandResult<T> {
  result: Result<T>;
  events: EngineEvent[];
}

/** Result of the market drivers (`onQuote`, `onClock`, `rollDay`): only events. */
export interface DriverResult {
  events: EngineEvent[];
}

// ───────────────────────────── records (persisted rows) ─────────────────────────────

/** Instrument facts copied into order/trade/position rows so that stored rows render without the market. */
export interface InstrumentSnapshot {
  exchange: Exchange;
  symboltoken: string;
  tradingsymbol: string;
  /** Underlying / company name (`SBIN`, `NIFTY`). */
  name: string;
  /** Scrip-master instrument type (`''`, `OPTIDX`, `FUTIDX`, …). */
  instrumenttype: string;
  segment: Segment;
  lotsize: number;
  /** Tick size in paise. */
  ticksize: number;
  /** Strike in paise; -1 for non-options. */
  strike: number;
  /** `CE` / `PE` / `''`. */
  optiontype: string;
  /** Expiry epoch ms (00:00 IST) or 0 for non-derivatives. */
  expiry: number;
}

/** One order (all money in paise). Primary key: `orderid`. */
export interface OrderRecord extends InstrumentSnapshot {
  clientcode: string;
  orderid: string;
  uniqueorderid: string;
  /** Empty until the order reaches the (simulated) exchange. */
  exchangeorderid: string;
  variety: Variety;
  ordertype: OrderType;
  producttype: ProductType;
  duration: Duration;
  transactiontype: TransactionType;
  /** Limit price (paise); 0 for MARKET / STOPLOSS_MARKET. */
  price: number;
  /** Trigger price (paise); 0 when none. */
  triggerprice: number;
  quantity: number;
  disclosedquantity: number;
  /** ROBO target distance (paise). */
  squareoff: number;
  /** ROBO stop distance (paise). */
  stoploss: number;
  /** ROBO trailing-stop distance (paise); stored, not simulated. */
  trailingstoploss: number;
  ordertag: string;
  /** Order-book status (never a transient state such as `open pending`). */
  status: OrderStatus;
  /** Rejection reason / remarks. */
  text: string;
  filledshares: number;
  cancelsize: number;
  /** Σ fill price × fill quantity (paise); average price = filledvalue / filledshares. */
  filledvalue: number;
  /** Margin currently blocked by the unfilled part of this order (paise). */
  blockedmargin: number;
  /** Parent order id of a ROBO leg; `''` otherwise. */
  parentorderid: string;
  /** Waiting for the session to open (after-market order). */
  amo: boolean;
  /** A stop order whose trigger was hit (it now works as a LIMIT or MARKET order). */
  triggered: boolean;
  /** Last fill id / time (epoch ms; 0 = none). */
  fillid: string;
  filltime: number;
  /** Placement time and last update time (epoch ms). */
  createdat: number;
  updatedat: number;
  /** GTT rule that placed this order (`''` = none). */
  gttruleid: string;
  /**
   * The execution model that handled the order, stamped at placement (`realistic seed=1`; paper-only
   * metadata, never on the venue's wire shapes; `''` for orders of older databases).
   */
  execution?: string;
  /**
   * When the order reached the exchange (epoch ms; the venue's `exchtime`): placement plus the entry
   * latency; 0 before it was sent (AMO) and on orders of older databases (then the placement time).
   */
  exchangeat?: number;
  /**
   * Cancel latency (paper-only, durable so an acknowledged cancel survives a restart): when the cancel the
   * broker accepted reaches the exchange; 0 = none on its way. Meaningful while the order works.
   */
  cancelat?: number;
  /** Modify latency: the change the broker accepted, on its way to the exchange (absent = none). */
  modifyto?: PendingModify | undefined;
}

/** One fill. Primary key: `fillid`. */
export interface TradeRecord extends InstrumentSnapshot {
  clientcode: string;
  fillid: string;
  orderid: string;
  producttype: ProductType;
  transactiontype: TransactionType;
  /** Fill price (paise). */
  price: number;
  quantity: number;
  /** Fill time (epoch ms). */
  time: number;
  /**
   * Charges debited for this fill (whole paise): brokerage, STT/CTT, exchange, SEBI, IPFT, stamp and GST
   * (docs/paper-broker-rules.md#charges-in-the-books). Absent on rows stored before charges were booked.
   */
  charges?: number;
  /** DP charge with GST debited with this fill (the day's first delivery sell of an ISIN from the demat). */
  dpcharges?: number;
  /** Other charges debited with this fill (e.g. an auto square-off charge), whole paise. */
  othercharges?: number;
  /**
   * Set on the rows the expiry settlement books (docs/paper-broker-rules.md#expiry), which close a
   * derivative position at its expiry: `final` (a future at the final settlement price), `exercised` /
   * `assigned` (an in-the-money option at its intrinsic value), `expired` (an out-of-the-money option at
   * 0). Such rows are not fills: the trade book leaves them out; the contract note lists them.
   */
  settlement?: SettlementKind;
  /** Final settlement price of the underlying (paise) the expiry settlement used. */
  settlementprice?: number;
  /**
   * Physical delivery a stock derivative's settlement causes: the side, quantity and price (paise per
   * share: the final settlement price for futures, the strike for options) of the shares delivered.
   */
  delivery?: DeliveryRecord;
}

/** Kind of an expiry settlement row (see {@link TradeRecord.settlement}). */
export type SettlementKind = 'final' | 'exercised' | 'assigned' | 'expired';

/** The physical delivery of a stock derivative at expiry (paise). */
export interface DeliveryRecord {
  /** `BUY`: shares received (paid for); `SELL`: shares delivered (received for). */
  side: TransactionType;
  exchange: Exchange;
  symboltoken: string;
  tradingsymbol: string;
  quantity: number;
  price: number;
  /**
   * Shares of a `SELL` delivery the account did not hold (short delivery), closed out by the exchange's
   * auction at {@link DeliveryRecord.closeoutprice}.
   */
  shortquantity: number;
  /** Close-out price per share of the short-delivered quantity (paise); 0 when none. */
  closeoutprice: number;
}

/**
 * A position per (clientcode, exchange, symboltoken, producttype): day and carried-forward buy/sell
 * aggregates. Amounts are Σ price × qty in paise. Primary key: {@link positionKey}.
 */
export interface PositionRecord extends InstrumentSnapshot {
  clientcode: string;
  producttype: ProductType;
  /** Price multiplier of the contract (1 for equity and most F&O; lot value factor for commodities). */
  multiplier: number;
  buyqty: number;
  buyamount: number;
  sellqty: number;
  sellamount: number;
  cfbuyqty: number;
  cfbuyamount: number;
  cfsellqty: number;
  cfsellamount: number;
  /**
   * Original average price (paise, may be fractional) of the quantity carried forward by the last day
   * roll, which carries it at the settlement price (`cfbuyamount` / `cfsellamount`). Absent or 0 when
   * nothing was carried by a roll. The Portfolio API shows it as `cf_org_avg_price`.
   */
  cforgavgprice?: number;
}

/**
 * A delivery holding per (clientcode, exchange, symboltoken). Primary key: {@link holdingKey}.
 * SmartAPI `quantity` = quantity + t1quantity − usedquantity.
 */
export interface HoldingRecord {
  clientcode: string;
  exchange: Exchange;
  symboltoken: string;
  tradingsymbol: string;
  isin: string;
  /** Settled quantity at the start of the day. */
  quantity: number;
  /** Bought (delivery) but not yet settled (T+1), including today's delivery buys. */
  t1quantity: number;
  /** Sold (or converted away) today. */
  usedquantity: number;
  /** EDIS-authorised quantity (simulated verifyDis). */
  authorisedquantity: number;
  /** Day (epoch ms of 00:00 IST) of the last EDIS authorisation; 0 = never. */
  authorisedday: number;
  /** `ReqId` of the last (simulated) EDIS verifyDis covering this holding; `''` = none. */
  edisreqid: string;
  /** Average buy price (paise; may be fractional). */
  averageprice: number;
  /** Lot size / tick size (paise) of the listing (Portfolio API rows). */
  lotsize: number;
  ticksize: number;
}

/** Cash of an account (paise). Primary key: `clientcode`. */
export interface FundsRecord {
  clientcode: string;
  /** Ledger cash (opening balance of the day, adjusted by settlements). */
  cash: number;
  /** Collateral value (pledged holdings); 0 in the simulator. */
  collateral: number;
  /** Funds the account was opened (or last reset) with; `resetAccount` restores it. */
  initialcash: number;
  /**
   * The account's current trading day (epoch ms of 00:00 IST). A command at a later day first settles the
   * previous day (see `positions/day-roll.ts`).
   */
  tradingday: number;
}

/** Direction in which the LTP must cross a GTT trigger. */
export type GttDirection = 'up' | 'down';

/** A GTT rule (paise). Primary key: `id`. */
export interface GttRuleRecord {
  clientcode: string;
  id: string;
  /** `NEW` (armed), `CANCELLED`, `SENTTOEXCHANGE` (triggered). */
  status: Exclude<GttStatus, 'FORALL'>;
  createdat: number;
  updatedat: number;
  expiresat: number;
  exchange: Exchange;
  symboltoken: string;
  tradingsymbol: string;
  transactiontype: TransactionType;
  producttype: ProductType;
  price: number;
  qty: number;
  triggerprice: number;
  disclosedqty: number;
  timeperiod: number;
  /** `up`: fires when LTP ≥ trigger; `down`: when LTP ≤ trigger (decided against the LTP at create/modify). */
  direction: GttDirection;
  /** Order placed when the rule fired (`''` = not yet). */
  orderid: string;
}

// ───────────────────────────── events ─────────────────────────────

/**
 * A row upsert caused by a command. Persist all events of one command in one transaction, in order
 * (later snapshots of the same row win). `order.update` is the order-update feed code to push (AB01–AB11)
 * — transient codes (AB09 open pending, AB11 modify pending) appear only here, never in the book.
 */
export type EngineEvent =
  | { type: 'order'; clientcode: string; order: OrderRecord; update?: OrderUpdateCode }
  | { type: 'trade'; clientcode: string; trade: TradeRecord }
  | { type: 'position'; clientcode: string; position: PositionRecord }
  | { type: 'holding'; clientcode: string; holding: HoldingRecord }
  | { type: 'funds'; clientcode: string; funds: FundsRecord }
  | { type: 'gtt'; clientcode: string; rule: GttRuleRecord }
  /** Delete every order, trade, position, holding and GTT row of the account (resetAccount); funds follow as an upsert. */
  | { type: 'reset'; clientcode: string }
  /**
   * An order-feed push only (no row): an answer of the exchange that reached the broker after the
   * acknowledgement latency (`events.ts`); `order` is the order as the exchange reported it.
   */
  | NoticeEvent;

/** See {@link EngineEvent}. */
export interface NoticeEvent {
  type: 'notice';
  clientcode: string;
  order: OrderRecord;
  update: OrderUpdateCode;
}

/** A push on its way from the exchange to the broker ({@link EngineState.notices}). */
export interface PendingNotice {
  /** Epoch ms it reaches the broker. */
  due: number;
  /** Tie-break among equal `due`: the order they were queued in. */
  seq: number;
  event: NoticeEvent;
}

/** The stored rows `restoreState` rebuilds the engine from (any order; all accounts). */
export interface EngineRows {
  orders: readonly OrderRecord[];
  trades: readonly TradeRecord[];
  positions: readonly PositionRecord[];
  holdings: readonly HoldingRecord[];
  funds: readonly FundsRecord[];
  gttRules: readonly GttRuleRecord[];
}

/** The engine's in-memory state of one account. */
export interface AccountState {
  clientcode: string;
  funds: FundsRecord;
  /** By orderid, in placement order. */
  orders: Map<string, OrderRecord>;
  /** In fill order. */
  trades: TradeRecord[];
  /** By {@link positionKey}. */
  positions: Map<string, PositionRecord>;
  /** By {@link holdingKey}. */
  holdings: Map<string, HoldingRecord>;
  /** By rule id. */
  gttRules: Map<string, GttRuleRecord>;
  /** Orderids of the account's working orders (kept by the engine's index functions). */
  working: Set<string>;
  /** Σ `blockedmargin` of the working orders (paise), kept in step by the index functions. */
  blocked: number;
}

/** The whole engine state: accounts plus indexes of working orders / armed GTT rules by instrument. */
export interface EngineState {
  accounts: Map<string, AccountState>;
  /** `exchange:token` → orderids of working (open, trigger pending or AMO) orders. */
  workingByInstrument: Map<string, Set<string>>;
  /**
   * orderid → what the indexes hold about a working order (owner, rank, its part of the pending totals,
   * its place in its book): one entry per working order, so filing an order is one look-up, not one per
   * index.
   */
  workingOrders: Map<string, WorkingEntry>;
  /** `exchange:token` → armed GTT rule ids. */
  gttByInstrument: Map<string, Set<string>>;
  /** GTT rule id → clientcode of every armed rule. */
  gttOwner: Map<string, string>;
  /**
   * `clientcode|exchange:token|product|side` → unfilled quantity of the working orders there that are not
   * ROBO legs (running total, kept by `indexOrder`; read by `pendingQty` in O(1)).
   */
  pendingTotals: Map<string, number>;
  /** `exchange:token` → its working orders split for the quote loop (resting limits by price level). */
  books: Map<string, InstrumentBook>;
  /** Next {@link WorkingEntry.rank}. */
  nextRank: number;
  /**
   * The working orders the clock may have to act on (`drivers.ts` onClock): AMOs and orders waiting for a
   * call auction (placed in a pre-open's order entry), a superset (`state.ts` watchOnClock); the clock
   * drops those that can no longer take part, so a tick costs O(watched orders), not O(working orders).
   */
  clockWatch: Set<WorkingEntry>;
  /**
   * Orders that stopped working since the end of the last command or driver run; the run's epilogue
   * (`context.ts`) hands them to the fill model's `forget` so its per-order state does not outlive them,
   * and drops their cancels and modifications still on the way.
   */
  retired: string[];
  /**
   * Modifications on their way to the exchange (modify latency, `orders/commands.ts`): orderid → the
   * change and when it arrives. The order works on unchanged until then; one per order at a time.
   */
  modifies: Map<string, PendingModify>;
  /** Cancels on their way to the exchange (cancel latency): orderid → when it arrives (`OrderRecord.cancelat`). */
  cancels: Map<string, number>;
  /**
   * Order-feed pushes on their way from the exchange (acknowledgement latency), by `due` then `seq`; the
   * next command or driver run at or after `due` emits them (`context.ts`).
   */
  notices: PendingNotice[];
  /** Next {@link PendingNotice.seq}. */
  noticeSeq: number;
}

/** The terms of an order a `modifyOrder` may change (quantities and paise). */
export interface OrderTerms {
  ordertype: OrderType;
  duration: Duration;
  qty: number;
  price: number;
  trigger: number;
  disclosed: number;
}

/** A modification accepted by the broker and not yet at the exchange (see {@link EngineState.modifies}). */
export interface PendingModify extends OrderTerms {
  /** Epoch ms it reaches the exchange. */
  due: number;
}

/**
 * The working orders of one instrument as the quote loop needs them: resting limits (`open`, `LIMIT`, not
 * an AMO) by price level and side, so a quote visits only the levels it can reach; every other working
 * order (stops, AMOs, market orders with a protection limit...) in `others`, visited on every quote.
 */
export interface InstrumentBook {
  /** Distinct prices of resting buy limits, ascending. */
  buyPrices: number[];
  /** Distinct prices of resting sell limits, ascending. */
  sellPrices: number[];
  /** Price → the entries of the resting limits at that price (entries: a quote reads them without a look-up). */
  buy: Map<number, Set<WorkingEntry>>;
  sell: Map<number, Set<WorkingEntry>>;
  /**
   * Resting limits (re)filed and not yet seen at the exchange by a queue model: a quote under a queue model
   * visits them whatever their price (their arrival), then keeps only those still unarrived.
   */
  fresh: Set<string>;
  others: Set<string>;
  /** clientcode → number of its working orders on the instrument. */
  owners: Map<string, number>;
  /**
   * Queue models (`drivers.ts`): price → the displayed quantity that every resting limit at that price,
   * at the exchange, saw on its last visit (they are in step); a quote showing the same quantity there
   * changes none of their queues and skips the level. A price not here is visited in full.
   */
  buyShown: Map<number, number>;
  sellShown: Map<number, number>;
  /** The fill model's settings generation `buyShown` / `sellShown` belong to. */
  shownGeneration: number;
}

/** What the indexes hold about one working order (kept by `indexOrder` in `state.ts`). */
export interface WorkingEntry {
  /** The order's id (the key of {@link EngineState.workingOrders}). */
  id: string;
  /** The order record itself (the one in its account's `orders`): the quote loop needs no look-up. */
  order: OrderRecord;
  /** clientcode of the order's account. */
  owner: string;
  /** When it started working: the quote loop visits orders in this order. */
  rank: number;
  /** Its key in {@link EngineState.pendingTotals} (`''` = it counts in none) and the quantity it added. */
  pendingKey: string;
  pendingQty: number;
  /** True: a resting limit at `price` on side `buy` in its book's levels; false: in the book's `others`. */
  resting: boolean;
  price: number;
  buy: boolean;
  /** True while the entry is in {@link EngineState.workingOrders} (false once the order stopped working). */
  working: boolean;
}

// ───────────────────────────── pluggable models ─────────────────────────────

/** Margin rates as fractions (0.2 = 20 %). */
export interface MarginRates {
  /** Equity INTRADAY / BO, fraction of value for every stock. @default 1 / the stock's leverage in `rules/margin.ts` */
  equityIntraday?: number;
  /** Equity DELIVERY and MARGIN. @default 1 */
  equityDelivery: number;
  /** Index futures and index option writing, % of contract value, when SPAN cannot run (no underlying quote). @default 0.12 */
  indexDerivative: number;
  /** Stock futures and stock option writing. @default 0.2 */
  stockDerivative: number;
  /** Commodity futures and option writing (MCX). @default 0.1 */
  commodity: number;
  /** Currency futures and option writing (CDS). @default 0.05 */
  currency: number;
}

/** Engine configuration; every field has a default. */
export interface EngineConfig {
  /** @default WalkTheBookFillModel */
  fillModel?: FillModel;
  /** @default {@link AngelOneFeeModel}: the dated charge tables, debited per fill */
  feeModel?: FeeModel;
  /** @default {@link DEFAULT_MARGIN_RATES} */
  marginRates?: Partial<MarginRates>;
  /**
   * Behaviour of a NORMAL/STOPLOSS order placed while the exchange session is not open:
   * `amo` queues it as an after-market order released at the open (the venue's documented behaviour);
   * `reject` rejects it. @default 'amo'
   */
  offHours?: 'amo' | 'reject';
  /**
   * How `placeOrder` answers an order the risk checks reject (funds, holdings, lot, tick, freeze,
   * circuit, product rules). Either way the order is created and stays in the book as `rejected` with
   * the venue's text. `book` answers success with the order id and leaves the rejection to the order
   * book and the order feed (the venue's flow: an order id only means the OMS received the request);
   * `error` answers a `status:false` rejection (code AB4001, the rejection text, the ids in `data`).
   * @default 'book'
   */
  rmsRejections?: 'book' | 'error';
  /** @default none */
  orderCheck?: OrderCheck;
  /**
   * Intraday cut-off and auto square-off (times per exchange, charge); see `rules/intraday.ts`.
   * @default the dated tables
   */
  intraday?: IntradayConfig;
  /**
   * Market protection of MARKET (and triggered STOPLOSS_MARKET) orders, in percent of the LTP: the order
   * becomes a limit at LTP ± this percentage when it reaches the exchange. Unset: the dated table of
   * `rules/order-rules.ts` (Angel One's MPP percentages by instrument class and premium).
   * @default the dated table
   */
  marketProtection?: number;
}
