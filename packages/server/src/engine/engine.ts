/**
 * The pure order engine: accounts, orders (place/modify/cancel, matching, stops, AMO, ROBO), positions,
 * holdings, funds/RMS, GTT, convertPosition, margin, EDIS, Portfolio API rows. Commands validate raw
 * bodies, mutate the in-memory state only after every check passed, and return `{ result, events }`.
 */

import type {
  AllHoldings,
  EstimateChargesResponse,
  GttIdResponse,
  GttRule,
  Holding,
  MarginResponse,
  Order,
  OrderDetails,
  OrderIdResponse,
  OrderStatus,
  OrderUpdateCode,
  PlaceOrderResponse,
  PortfolioHolding,
  PortfolioPosition,
  Position,
  RmsLimits,
  Trade,
  TranStatusResponse,
  VerifyDisResponse,
} from '@smartapi-ts/protocol';
import {
  Duration,
  ErrorCode,
  Exchange,
  formatPaise,
  GttStatus,
  istDayStart,
  OrderType,
  PortfolioExchangeCode,
  ProductType,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';
import type { Instrument, Quote } from '../market/types.js';
import { estimateCharges } from './charges.js';
import { NoFeeModel } from './fee-model.js';
import { WalkTheBookFillModel } from './fill-model.js';
import { DEFAULT_MARGIN_RATES, isDeliveryProduct, isOption, marginFor, positionMargin } from './margin.js';
import { breakEven, isEmptyPosition, positionFigures, unrealisedPnl } from './portfolio.js';
import {
  cloneOrder,
  emptyState,
  holdingKey,
  indexGtt,
  indexOrder,
  instrumentKey,
  isWorking,
  newAccount,
  positionKey,
  setBlocked,
  unindexAccount,
} from './state.js';
import type {
  AccountState,
  CommandResult,
  DriverResult,
  EngineConfig,
  EngineContext,
  EngineEvent,
  EngineState,
  FeeModel,
  FillModel,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  InstrumentSnapshot,
  MarginRates,
  MarketView,
  OrderRecord,
  PositionRecord,
  QueryContext,
  Rejection,
  TradeRecord,
} from './types.js';
import { Fields, fail, INVALID_INPUT, InputRejection, isRejection, parseBody, reject } from './validate.js';
import {
  averagePrice,
  gttRow,
  orderDetailsRow,
  orderRow,
  positionRow,
  precisionOf,
  tradeRow,
} from './views.js';

export { DEFAULT_MARGIN_RATES };

const MAX_ORDERTAG = 19;
const GTT_MAX_DAYS = 365;
const DAY_MS = 86_400_000;

/** Collects the events of one command (snapshots, so later mutation never changes an emitted event). */
class Emitter {
  readonly events: EngineEvent[] = [];
  order(o: OrderRecord, update?: OrderUpdateCode): void {
    const e: EngineEvent = { type: 'order', clientcode: o.clientcode, order: { ...o } };
    if (update) e.update = update;
    this.events.push(e);
  }
  trade(t: TradeRecord): void {
    this.events.push({ type: 'trade', clientcode: t.clientcode, trade: { ...t } });
  }
  position(p: PositionRecord): void {
    this.events.push({ type: 'position', clientcode: p.clientcode, position: { ...p } });
  }
  holding(h: HoldingRecord): void {
    this.events.push({ type: 'holding', clientcode: h.clientcode, holding: { ...h } });
  }
  funds(f: FundsRecord): void {
    this.events.push({ type: 'funds', clientcode: f.clientcode, funds: { ...f } });
  }
  gtt(r: GttRuleRecord): void {
    this.events.push({ type: 'gtt', clientcode: r.clientcode, rule: { ...r } });
  }
}

/** A validated order request. */
interface OrderSpec {
  variety: Variety;
  inst: Instrument;
  side: TransactionType;
  ordertype: OrderType;
  product: ProductType;
  duration: Duration;
  price: number;
  trigger: number;
  qty: number;
  disclosed: number;
  squareoff: number;
  stoploss: number;
  trailing: number;
  ordertag: string;
}

/** Seed of a demo holding. */
export interface SeedHoldingInput {
  exchange: Exchange;
  symboltoken: string;
  quantity: number;
  /** Average buy price in paise. */
  averageprice: number;
}

/** Instrument → the facts copied into rows. */
export function snapshotOf(inst: Instrument): InstrumentSnapshot {
  return {
    exchange: inst.exchange,
    symboltoken: inst.token,
    tradingsymbol: inst.symbol,
    name: inst.name,
    instrumenttype: inst.instrumentType,
    segment: inst.segment,
    lotsize: inst.lotSize,
    ticksize: inst.tickSize,
    strike: inst.strike ?? -1,
    optiontype: inst.optionType ?? '',
    expiry: inst.expiry ?? 0,
  };
}

const SEGMENT_CODE: Readonly<Record<Exchange, string>> = {
  NSE: 'nse_cm',
  BSE: 'bse_cm',
  NFO: 'nse_fo',
  BFO: 'bse_fo',
  MCX: 'mcx_fo',
  CDS: 'cde_fo',
  NCDEX: 'ncx_fo',
};

const rs = (paise: number): string => formatPaise(Math.round(paise), 2);
const num2 = (paise: number): number => Math.round(paise) / 100;
const isStop = (t: OrderType): boolean => t === 'STOPLOSS_LIMIT' || t === 'STOPLOSS_MARKET';

/**
 * The engine. One instance serves every account; it owns an {@link EngineState} (plain data, rebuilt with
 * `restoreState`). Not thread-safe by design: the infrastructure calls it from one event loop and persists
 * each command's events in one transaction before answering.
 */
export class Engine {
  readonly state: EngineState;
  readonly fillModel: FillModel;
  readonly feeModel: FeeModel;
  readonly rates: MarginRates;
  readonly offHours: 'amo' | 'reject';
  readonly rmsRejections: 'book' | 'error';

  constructor(config: EngineConfig = {}, state: EngineState = emptyState()) {
    this.state = state;
    this.fillModel = config.fillModel ?? new WalkTheBookFillModel();
    this.feeModel = config.feeModel ?? new NoFeeModel();
    this.rates = { ...DEFAULT_MARGIN_RATES, ...config.marginRates };
    this.offHours = config.offHours ?? 'amo';
    this.rmsRejections = config.rmsRejections ?? 'book';
  }

  // ───────────────────────────── accounts ─────────────────────────────

  /** True when the account exists. */
  hasAccount(clientcode: string): boolean {
    return this.state.accounts.has(clientcode);
  }

  /** Opens an account with `fundsPaise` of cash. Rejects `AB1003` when it exists. */
  openAccount(clientcode: string, fundsPaise: number, ctx: { now: number }): CommandResult<FundsRecord> {
    if (this.state.accounts.has(clientcode))
      return { result: reject(ErrorCode.CLIENT_ALREADY_EXISTS), events: [] };
    if (!Number.isSafeInteger(fundsPaise) || fundsPaise < 0)
      return { result: reject(INVALID_INPUT, 'Invalid funds'), events: [] };
    const funds: FundsRecord = {
      clientcode,
      cash: fundsPaise,
      collateral: 0,
      initialcash: fundsPaise,
      tradingday: istDayStart(ctx.now),
    };
    this.state.accounts.set(clientcode, newAccount(funds));
    const em = new Emitter();
    em.funds(funds);
    return { result: { ...funds }, events: em.events };
  }

  /**
   * Resets an account: every order, trade, position, holding and GTT rule is deleted (a `reset` event) and
   * the cash goes back to `fundsPaise` (default: the initial funds).
   */
  resetAccount(clientcode: string, ctx: { now: number }, fundsPaise?: number): CommandResult<FundsRecord> {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const cash = fundsPaise ?? acc.funds.initialcash;
    if (!Number.isSafeInteger(cash) || cash < 0)
      return { result: reject(INVALID_INPUT, 'Invalid funds'), events: [] };
    unindexAccount(this.state, acc);
    const funds: FundsRecord = {
      clientcode,
      cash,
      collateral: 0,
      initialcash: cash,
      tradingday: istDayStart(ctx.now),
    };
    this.state.accounts.set(clientcode, newAccount(funds));
    const em = new Emitter();
    em.events.push({ type: 'reset', clientcode });
    em.funds(funds);
    return { result: { ...funds }, events: em.events };
  }

  /** Adds a settled delivery holding (demo account seeding). Averages with an existing holding. */
  seedHolding(clientcode: string, input: SeedHoldingInput, ctx: QueryContext): CommandResult<HoldingRecord> {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const inst = ctx.market.instrument(input.exchange, input.symboltoken);
    if (inst?.segment !== 'EQ' || !inst.tradable)
      return { result: reject(ErrorCode.SYMBOL_NOT_FOUND), events: [] };
    if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0 || !(input.averageprice > 0)) {
      return { result: reject(INVALID_INPUT, 'Invalid holding'), events: [] };
    }
    const h = this.holdingFor(acc, inst);
    const held = holdingQty(h);
    h.averageprice = (h.averageprice * held + input.averageprice * input.quantity) / (held + input.quantity);
    h.quantity += input.quantity;
    acc.holdings.set(holdingKey(h), h);
    const em = new Emitter();
    em.holding(h);
    return { result: { ...h }, events: em.events };
  }

  // ───────────────────────────── orders ─────────────────────────────

  /**
   * `placeOrder` (docs/protocol/rest.md#place-order). Gateway-level input errors are synchronous rejections (no events);
   * RMS/exchange checks (product per segment, lot, tick, freeze, circuit, stop trigger vs LTP, holdings,
   * funds) create a `rejected` order row and answer with its ids, as the venue does.
   */
  placeOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<PlaceOrderResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const spec = parseBody(() => this.parseOrder(body, ctx));
    if (isRejection(spec)) return { result: spec, events: em.events };
    const o = this.submit(acc, spec, ctx, em, '', '');
    const ids = { script: o.tradingsymbol, orderid: o.orderid, uniqueorderid: o.uniqueorderid };
    if (o.status === 'rejected' && this.rmsRejections === 'error') {
      // Risk-check rejection: the row stays in the book (as at the venue) and the answer says so at once.
      return {
        result: { errorcode: ErrorCode.ORDER_REJECTED_BY_RMS, message: o.text, data: ids },
        events: em.events,
      };
    }
    return { result: ids, events: em.events };
  }

  /**
   * `modifyOrder` (docs/protocol/rest.md#modify-order): only working orders (open, trigger pending, AMO). A failed check answers
   * `status:false` and leaves the order as it was. A modified resting order reads `open` again in the book;
   * the feed gets AB11 (modify pending) then AB04 (modified) — AB08 for an AMO.
   */
  modifyOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<OrderIdResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body);
      f.enumOf('variety', Variety, ErrorCode.INVALID_VARIETY);
      const orderid = f.str('orderid', ErrorCode.ORDER_NOT_FOUND);
      const o = acc.orders.get(orderid);
      if (!o) fail(ErrorCode.ORDER_NOT_FOUND);
      if (!isWorking(o)) fail(INVALID_INPUT, `Order cannot be modified: it is ${o.status}`);
      const product = f.optEnumOf('producttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
      if (product !== undefined && product !== o.producttype)
        fail(ErrorCode.INVALID_PRODUCT_TYPE, 'Product type cannot be modified');
      const ordertype =
        f.optEnumOf('ordertype', OrderType, INVALID_INPUT, 'Invalid Order Type') ?? o.ordertype;
      const duration = f.optEnumOf('duration', Duration, INVALID_INPUT, 'Invalid Duration') ?? o.duration;
      const qty = f.optInt('quantity', INVALID_INPUT, 'Invalid Quantity') ?? o.quantity;
      if (qty <= o.filledshares + o.cancelsize || qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
      let price = f.optPaise('price', INVALID_INPUT, 'Invalid Price') ?? o.price;
      let trigger = f.optPaise('triggerprice', INVALID_INPUT, 'Invalid Trigger Price') ?? o.triggerprice;
      const disclosed =
        f.optInt('disclosedquantity', INVALID_INPUT, 'Invalid Disclosed Quantity') ?? o.disclosedquantity;
      if (ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET') price = 0;
      if (!isStop(ordertype)) trigger = 0;
      if (price < 0 || trigger < 0 || disclosed < 0 || disclosed > qty) fail(INVALID_INPUT, 'Invalid Price');
      if ((ordertype === 'LIMIT' || ordertype === 'STOPLOSS_LIMIT') && price <= 0)
        fail(INVALID_INPUT, 'Invalid Price');
      if (isStop(ordertype) && trigger <= 0 && !o.triggered) fail(INVALID_INPUT, 'Invalid Trigger Price');
      return { o, ordertype, duration, qty, price, trigger, disclosed };
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    const { o } = parsed;
    const inst = ctx.market.instrument(o.exchange, o.symboltoken);
    const candidate: OrderRecord = {
      ...o,
      ordertype: parsed.ordertype,
      duration: parsed.duration,
      quantity: parsed.qty,
      price: parsed.price,
      triggerprice: parsed.trigger,
      disclosedquantity: parsed.disclosed,
    };
    const text = inst ? this.rmsCheck(acc, candidate, inst, ctx, o.orderid) : 'Symbol details not available';
    if (text !== undefined) return { result: reject(INVALID_INPUT, text), events: em.events };
    const margin = this.orderMargin(acc, candidate, ctx.market, o.orderid);
    const available = this.availableFunds(acc, ctx.market) + o.blockedmargin;
    if (margin > available)
      return { result: reject(INVALID_INPUT, insufficientFunds(available, margin)), events: em.events };
    const { blockedmargin: _old, ...changes } = candidate;
    Object.assign(o, changes, { updatedat: ctx.now });
    setBlocked(acc, o, margin);
    if (o.amo) {
      em.order(o, 'AB08');
    } else {
      if (!isStop(o.ordertype)) o.triggered = false;
      const resting: OrderStatus = isStop(o.ordertype) && !o.triggered ? 'trigger pending' : 'open';
      o.status = resting;
      em.order(o, 'AB11');
      em.order(o, 'AB04');
      const quote = ctx.market.quote(o.exchange, o.symboltoken);
      if (quote && ctx.market.session(o.exchange, ctx.now) === 'open')
        this.work(acc, o, quote, true, ctx, em);
    }
    indexOrder(this.state, o);
    return { result: { orderid: o.orderid, uniqueorderid: o.uniqueorderid }, events: em.events };
  }

  /** `cancelOrder` (docs/protocol/rest.md#cancel-order): only working orders; cancelling a ROBO leg cancels its sibling. */
  cancelOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<OrderIdResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body);
      f.enumOf('variety', Variety, ErrorCode.INVALID_VARIETY);
      const orderid = f.str('orderid', ErrorCode.ORDER_NOT_FOUND);
      const o = acc.orders.get(orderid);
      if (!o) fail(ErrorCode.ORDER_NOT_FOUND);
      if (!isWorking(o)) fail(INVALID_INPUT, `Order cannot be cancelled: it is ${o.status}`);
      return o;
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    this.cancelRest(parsed, ctx, em, '');
    if (parsed.parentorderid) {
      for (const sib of this.legsOf(acc, parsed.parentorderid))
        if (isWorking(sib)) this.cancelRest(sib, ctx, em, '');
    }
    return { result: { orderid: parsed.orderid, uniqueorderid: parsed.uniqueorderid }, events: em.events };
  }

  // ───────────────────────────── positions ─────────────────────────────

  /**
   * `convertPosition` (docs/protocol/rest.md#convert-position): moves `quantity` of an open position to another product. Equity
   * delivery conversions move the quantity into / out of T1 holdings; short equity positions cannot become
   * delivery. Failures answer `AB1017` (or the field's code); success answers `data: null`.
   */
  convertPosition(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<null> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const conv = ErrorCode.POSITION_CONVERSION_FAILED;
    const parsed = parseBody(() => {
      const f = new Fields(body);
      const exchange = f.enumOf('exchange', Exchange, ErrorCode.SYMBOL_NOT_FOUND);
      const oldp = f.enumOf('oldproducttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
      const newp = f.enumOf('newproducttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
      const side = f.enumOf('transactiontype', TransactionType, INVALID_INPUT, 'Invalid Transaction Type');
      const qty = f.int('quantity', INVALID_INPUT, 'Invalid Quantity');
      if (qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
      const type = f.optStr('type', INVALID_INPUT, 'Invalid type') ?? 'DAY';
      if (type !== 'DAY' && type !== 'NET') fail(INVALID_INPUT, 'Invalid type');
      const token = f.optStr('symboltoken', ErrorCode.SYMBOL_NOT_FOUND);
      const symbol = f.optStr('tradingsymbol', ErrorCode.SYMBOL_NOT_FOUND);
      const inst =
        token !== undefined
          ? ctx.market.instrument(exchange, token)
          : symbol !== undefined
            ? ctx.market.instrumentBySymbol(exchange, symbol)
            : undefined;
      if (!inst) fail(ErrorCode.SYMBOL_NOT_FOUND);
      if (oldp === newp || oldp === 'BO' || newp === 'BO')
        fail(conv, 'Position conversion failed: invalid product types');
      if (productNotAllowed(inst, newp) !== undefined) fail(conv, productNotAllowed(inst, newp));
      const old = acc.positions.get(
        positionKey({ clientcode, exchange, symboltoken: inst.token, producttype: oldp }),
      );
      if (!old) fail(ErrorCode.POSITION_NOT_FOUND);
      const fig = positionFigures(old);
      const open = side === 'BUY' ? fig.netQty : -fig.netQty;
      if (open < qty) fail(conv, `Position conversion failed: open ${side} quantity is ${Math.max(0, open)}`);
      if (
        inst.segment === 'EQ' &&
        side === 'SELL' &&
        (isDeliveryProduct(inst, newp) || isDeliveryProduct(inst, oldp))
      ) {
        fail(conv, 'Position conversion failed: short positions cannot be converted to or from delivery');
      }
      const dayQty = side === 'BUY' ? old.buyqty : old.sellqty;
      if (type === 'DAY' && dayQty < qty)
        fail(conv, `Position conversion failed: day ${side} quantity is ${dayQty}`);
      if (isDeliveryProduct(inst, oldp) && !isDeliveryProduct(inst, newp)) {
        const h = acc.holdings.get(holdingKey({ clientcode, exchange, symboltoken: inst.token }));
        if (!h || h.t1quantity - h.usedquantity < qty)
          fail(conv, 'Position conversion failed: quantity not available');
      }
      return { inst, oldp, newp, side, qty, old };
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    const { inst, newp, side, qty, old } = parsed;
    // Move `qty` at the position's own averages (day first, then carried forward).
    const moved = takeFromPosition(old, side, qty);
    const target = this.positionFor(acc, inst, newp);
    const before = positionMargin(old, this.rates) + positionMargin(target, this.rates);
    const nextOld = { ...old };
    const nextNew = { ...target };
    applyTake(nextOld, side, moved, -1);
    applyTake(nextNew, side, moved, +1);
    const after = positionMargin(nextOld, this.rates) + positionMargin(nextNew, this.rates);
    const available = this.availableFunds(acc, ctx.market);
    if (after - before > available) {
      return {
        result: reject(ErrorCode.POSITION_CONVERSION_FAILED, insufficientFunds(available, after - before)),
        events: em.events,
      };
    }
    Object.assign(old, nextOld);
    Object.assign(target, nextNew);
    acc.positions.set(positionKey(target), target);
    em.position(old);
    em.position(target);
    const toDelivery = isDeliveryProduct(inst, newp);
    const fromDelivery = isDeliveryProduct(inst, parsed.oldp);
    if (toDelivery !== fromDelivery) {
      const h = this.holdingFor(acc, inst);
      const price = (moved.dayAmount + moved.cfAmount) / qty;
      if (toDelivery) {
        const held = holdingQty(h);
        h.averageprice = (h.averageprice * held + price * qty) / (held + qty);
        h.t1quantity += qty;
      } else {
        h.t1quantity -= qty;
      }
      acc.holdings.set(holdingKey(h), h);
      em.holding(h);
    }
    return { result: null, events: em.events };
  }

  // ───────────────────────────── GTT ─────────────────────────────

  /** gtt `createRule` (docs/protocol/rest.md#gtt): NSE/BSE, DELIVERY/MARGIN; answers `{ id }`. */
  gttCreate(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
      const { inst } = this.gttInstrument(f, ctx.market, true);
      const side = f.enumOf('transactiontype', TransactionType, ErrorCode.GTT_INVALID_ORDER_SIDE);
      const product = f.enumOf('producttype', ProductType, ErrorCode.GTT_INVALID_PRODUCT_TYPE);
      if (product !== 'DELIVERY' && product !== 'MARGIN') fail(ErrorCode.GTT_INVALID_PRODUCT_TYPE);
      const values = this.gttValues(f, inst, undefined);
      return { inst, side, product, ...values };
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    const { inst } = parsed;
    const rule: GttRuleRecord = {
      clientcode,
      id: ctx.ids.gttRuleId(),
      status: 'NEW',
      createdat: ctx.now,
      updatedat: ctx.now,
      expiresat: ctx.now + parsed.timeperiod * DAY_MS,
      exchange: inst.exchange,
      symboltoken: inst.token,
      tradingsymbol: inst.symbol,
      transactiontype: parsed.side,
      producttype: parsed.product,
      price: parsed.price,
      qty: parsed.qty,
      triggerprice: parsed.trigger,
      disclosedqty: parsed.disclosed,
      timeperiod: parsed.timeperiod,
      direction: gttDirection(parsed.side, parsed.trigger, ctx.market.quote(inst.exchange, inst.token)?.ltp),
      orderid: '',
    };
    acc.gttRules.set(rule.id, rule);
    indexGtt(this.state, rule);
    em.gtt(rule);
    return { result: { id: rule.id }, events: em.events };
  }

  /** gtt `modifyRule`: only armed (`NEW`) rules; answers `{ id }`. */
  gttModify(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
      const rule = this.gttRuleOf(acc, f);
      if (rule.status !== 'NEW') fail(ErrorCode.GTT_INVALID_RULE_ID);
      const { inst } = this.gttInstrument(f, ctx.market, false, rule);
      const values = this.gttValues(f, inst, rule);
      return { rule, inst, ...values };
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    const { rule } = parsed;
    Object.assign(rule, {
      price: parsed.price,
      qty: parsed.qty,
      triggerprice: parsed.trigger,
      disclosedqty: parsed.disclosed,
      timeperiod: parsed.timeperiod,
      updatedat: ctx.now,
      expiresat: rule.createdat + parsed.timeperiod * DAY_MS,
      direction: gttDirection(
        rule.transactiontype,
        parsed.trigger,
        ctx.market.quote(rule.exchange, rule.symboltoken)?.ltp,
      ),
    });
    em.gtt(rule);
    return { result: { id: rule.id }, events: em.events };
  }

  /** gtt `cancelRule`: only armed rules; answers `{ id }`. */
  gttCancel(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
      const rule = this.gttRuleOf(acc, f);
      if (rule.status !== 'NEW') fail(ErrorCode.GTT_INVALID_RULE_ID);
      this.gttInstrument(f, ctx.market, false, rule);
      return rule;
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    parsed.status = 'CANCELLED';
    parsed.updatedat = ctx.now;
    indexGtt(this.state, parsed);
    em.gtt(parsed);
    return { result: { id: parsed.id }, events: em.events };
  }

  /** gtt `ruleDetails` (`AB9013` for unknown ids). */
  gttDetails(clientcode: string, body: unknown): GttRule | Rejection {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
    return parseBody(() => gttRow(this.gttRuleOf(acc, new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS))));
  }

  /**
   * gtt `ruleList`: `status` a non-empty array of GTT statuses (`FORALL` = every rule; `ACTIVE` also matches
   * armed `NEW` rules), `page` ≥ 1, `count` 1–500. Newest first.
   */
  gttList(clientcode: string, body: unknown): GttRule[] | Rejection {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
    return parseBody(() => {
      const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
      const status = f.obj.status;
      if (!Array.isArray(status) || status.length === 0 || status.length > 5)
        fail(ErrorCode.GTT_INVALID_STATUS_ARRAY);
      const wanted = new Set<string>();
      for (const s of status) {
        if (typeof s !== 'string' || !Object.values(GttStatus).includes(s as GttStatus))
          fail(ErrorCode.GTT_INVALID_STATUS_ARRAY);
        wanted.add(s);
      }
      const page = f.int('page', ErrorCode.GTT_INVALID_PAGE);
      const count = f.int('count', ErrorCode.GTT_INVALID_COUNT);
      if (page < 1) fail(ErrorCode.GTT_INVALID_PAGE);
      if (count < 1 || count > 500) fail(ErrorCode.GTT_INVALID_COUNT);
      const all = [...acc.gttRules.values()].filter(
        (r) => wanted.has('FORALL') || wanted.has(r.status) || (r.status === 'NEW' && wanted.has('ACTIVE')),
      );
      all.reverse();
      return all.slice((page - 1) * count, page * count).map(gttRow);
    });
  }

  // ───────────────────────────── EDIS (simulated) ─────────────────────────────

  /**
   * EDIS `verifyDis` (simulated CDSL authorisation, granted at once). `AG1000` (with data) when the holding
   * was already authorised today; `AG2001` for an unknown ISIN.
   */
  verifyDis(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<VerifyDisResponse> {
    const begun = this.begin(clientcode, ctx);
    if (!begun) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
    const { acc, em } = begun;
    const parsed = parseBody(() => {
      const f = new Fields(body, ErrorCode.EDIS_FAILED);
      const isin = f.str('isin', ErrorCode.EDIS_FAILED);
      const qty = f.int('quantity', ErrorCode.EDIS_FAILED);
      if (qty <= 0) fail(ErrorCode.EDIS_FAILED);
      const h = [...acc.holdings.values()].find((x) => x.isin === isin && holdingQty(x) > 0);
      if (!h) fail(ErrorCode.EDIS_FAILED);
      return { h, qty };
    });
    if (isRejection(parsed)) return { result: parsed, events: em.events };
    const { h, qty } = parsed;
    const today = istDayStart(ctx.now);
    if (h.authorisedday === today) {
      const data: VerifyDisResponse = {
        ReqId: h.edisreqid,
        ReturnURL: null,
        DPId: null,
        BOID: null,
        TransDtls: null,
        version: null,
      };
      return { result: { ...reject(ErrorCode.EDIS_ALREADY_REGISTERED), data }, events: em.events };
    }
    const reqId = ctx.ids.exchangeOrderId();
    h.authorisedday = today;
    h.authorisedquantity = Math.min(qty, holdingQty(h));
    h.edisreqid = reqId;
    em.holding(h);
    const trans = btoa(
      JSON.stringify({ ReqId: reqId, ISIN: h.isin, Quantity: h.authorisedquantity, ClientCode: clientcode }),
    );
    return {
      result: {
        ReqId: reqId,
        ReturnURL: '',
        DPId: '33200',
        BOID: `12033200${clientcode.replace(/\D/g, '').padStart(8, '0').slice(-8)}`,
        TransDtls: trans,
        version: '1.1',
      },
      events: em.events,
    };
  }

  /** EDIS `generateTPIN` (simulated): `data: null` when `dpId`, `ReqId`, `boid` and `pan` are present. */
  generateTpin(_clientcode: string, body: unknown): null | Rejection {
    return parseBody(() => {
      const f = new Fields(body, ErrorCode.EDIS_FAILED);
      for (const k of ['dpId', 'ReqId', 'boid', 'pan']) f.str(k, ErrorCode.EDIS_FAILED);
      return null;
    });
  }

  /** EDIS `getTranStatus`: `Status` `"1"` when `ReqId` authorised a holding today, else `"0"`. */
  getTranStatus(clientcode: string, body: unknown, q: QueryContext): TranStatusResponse | Rejection {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
    return parseBody(() => {
      const f = new Fields(body, ErrorCode.EDIS_FAILED);
      const reqId = f.str('ReqId', ErrorCode.EDIS_FAILED);
      const today = istDayStart(q.now);
      const ok = [...acc.holdings.values()].some((h) => h.edisreqid === reqId && h.authorisedday === today);
      const t = new Date(q.now + 330 * 60_000).toISOString();
      const resTime = `${t.slice(8, 10)}${t.slice(5, 7)}${t.slice(0, 4)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
      return {
        TransResDtls: {
          ReqId: reqId,
          ReqType: 'D',
          ResId: reqId,
          ResStatus: ok ? '0' : '1',
          ResTime: resTime,
          ResError: ok ? '' : 'Request not found',
          Remarks: '',
          RecordResDtls: [
            { TxnReqId: reqId, TxnId: reqId, Status: ok ? '1' : '0', Errorcode: ok ? '' : 'NA' },
          ],
        },
      };
    });
  }

  // ───────────────────────────── drivers ─────────────────────────────

  /**
   * Market driver: one quote of one instrument. Releases AMOs once the session is open, triggers stop
   * orders on LTP, fills resting orders the market reached and fires GTT rules whose trigger the LTP
   * crossed. O(working orders + armed rules on that instrument).
   */
  onQuote(quote: Quote, ctx: EngineContext): DriverResult {
    const em = new Emitter();
    const key = instrumentKey(quote.exchange, quote.token);
    const open = ctx.market.session(quote.exchange, ctx.now) === 'open';
    const working = this.state.workingByInstrument.get(key);
    if (working && working.size > 0 && open) {
      const day = istDayStart(ctx.now);
      const fast = this.fillModel instanceof WalkTheBookFillModel;
      const ask = quote.asks[0];
      const bid = quote.bids[0];
      // Highest buy limit / lowest sell limit the quote can reach (trade-through or touch of the book).
      const buyReach = Math.min(
        ask && ask.quantity > 0 && ask.price > 0 ? ask.price : Number.POSITIVE_INFINITY,
        quote.ltp > 0 ? quote.ltp + 1 : Number.POSITIVE_INFINITY,
      );
      const sellReach = Math.max(
        bid && bid.quantity > 0 && bid.price > 0 ? bid.price : 0,
        quote.ltp > 0 ? quote.ltp - 1 : 0,
      );
      let acc: AccountState | undefined;
      for (const orderid of [...working]) {
        const owner = this.state.workingOwner.get(orderid);
        if (owner === undefined) continue;
        if (acc?.clientcode !== owner) {
          acc = this.state.accounts.get(owner);
          if (!acc) continue;
          if (acc.funds.tradingday < day) this.ensureDay(acc, ctx, em);
        }
        const o = acc.orders.get(orderid);
        if (!o) continue;
        if (o.amo) {
          if (open && isWorking(o)) this.release(acc, o, quote, ctx, em);
          continue;
        }
        if (!open) continue;
        if (fast && o.status === 'open' && o.ordertype === 'LIMIT') {
          // Resting limits the quote does not reach (the common case on every tick).
          if (o.transactiontype === 'BUY' ? o.price < buyReach : o.price > sellReach) continue;
        }
        if (isWorking(o)) this.work(acc, o, quote, false, ctx, em);
      }
    }
    const rules = this.state.gttByInstrument.get(key);
    if (open && rules && rules.size > 0 && quote.ltp > 0) {
      for (const id of [...rules]) {
        const owner = this.state.gttOwner.get(id);
        const acc = owner === undefined ? undefined : this.state.accounts.get(owner);
        const rule = acc?.gttRules.get(id);
        if (!acc || !rule || rule.status !== 'NEW') continue;
        this.ensureDay(acc, ctx, em);
        if (rule.expiresat <= ctx.now) {
          rule.status = 'CANCELLED';
          rule.updatedat = ctx.now;
          indexGtt(this.state, rule);
          em.gtt(rule);
          continue;
        }
        const hit = rule.direction === 'up' ? quote.ltp >= rule.triggerprice : quote.ltp <= rule.triggerprice;
        if (hit) this.fireGtt(acc, rule, ctx, em);
      }
    }
    return { events: em.events };
  }

  /**
   * Clock driver (call it periodically and at session changes): settles accounts whose trading day ended
   * (see {@link rollDay}), releases AMOs on exchanges whose session is open (using the latest quotes) and
   * expires GTT rules.
   */
  onClock(ctx: EngineContext): DriverResult {
    const em = new Emitter();
    for (const acc of this.state.accounts.values()) this.ensureDay(acc, ctx, em);
    for (const [orderid, owner] of [...this.state.workingOwner]) {
      const acc = this.state.accounts.get(owner);
      const o = acc?.orders.get(orderid);
      if (!acc || !o?.amo || !isWorking(o)) continue;
      if (ctx.market.session(o.exchange, ctx.now) !== 'open') continue;
      const quote = ctx.market.quote(o.exchange, o.symboltoken);
      if (quote) this.release(acc, o, quote, ctx, em);
    }
    for (const [id, owner] of [...this.state.gttOwner]) {
      const rule = this.state.accounts.get(owner)?.gttRules.get(id);
      if (rule && rule.status === 'NEW' && rule.expiresat <= ctx.now) {
        rule.status = 'CANCELLED';
        rule.updatedat = ctx.now;
        indexGtt(this.state, rule);
        em.gtt(rule);
      }
    }
    return { events: em.events };
  }

  /**
   * End-of-day settlement of every account whose trading day is before the day of `ctx.now` (commands do
   * this lazily per account too): working DAY orders expire (cancelled; AMOs stay queued), equity delivery
   * positions settle in cash (sell − buy value) and leave the book, T1 holdings become settled, MTM products
   * (intraday, F&O) settle realised + unrealised P&L at the LTP into cash and carry forward their net
   * quantity at that price (expired contracts close at it).
   */
  rollDay(ctx: EngineContext): DriverResult {
    const em = new Emitter();
    for (const acc of this.state.accounts.values()) this.ensureDay(acc, ctx, em);
    return { events: em.events };
  }

  // ───────────────────────────── queries ─────────────────────────────

  /**
   * Order book (docs/protocol/rest.md#order-book): today's orders plus working AMOs, oldest first; `null` when empty (the venue
   * answers an empty book with `data: null`).
   */
  orderBook(clientcode: string, q: { now: number }): Order[] | null {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return null;
    const day = istDayStart(q.now);
    const rows: Order[] = [];
    for (const o of acc.orders.values()) if (o.createdat >= day || isWorking(o)) rows.push(orderRow(o));
    return rows.length ? rows : null;
  }

  /** Trade book (docs/protocol/rest.md#trade-book): today's fills; `null` when empty. */
  tradeBook(clientcode: string, q: { now: number }): Trade[] | null {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return null;
    const day = istDayStart(q.now);
    const rows = acc.trades.filter((t) => t.time >= day).map(tradeRow);
    return rows.length ? rows : null;
  }

  /** Individual order details by `uniqueorderid` (docs/protocol/rest.md#order-details); `AB1013` when unknown. */
  orderDetails(clientcode: string, uniqueorderid: string): OrderDetails | Rejection {
    const acc = this.state.accounts.get(clientcode);
    if (acc)
      for (const o of acc.orders.values()) if (o.uniqueorderid === uniqueorderid) return orderDetailsRow(o);
    return reject(ErrorCode.ORDER_NOT_FOUND);
  }

  /** The order record by orderid (for the infrastructure, e.g. order-update fan-out). */
  order(clientcode: string, orderid: string): OrderRecord | undefined {
    return this.state.accounts.get(clientcode)?.orders.get(orderid);
  }

  /** Position book (docs/protocol/rest.md#positions) with live `ltp`, `close`, `realised`, `unrealised`; `null` when empty. */
  positions(clientcode: string, q: QueryContext): Position[] | null {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return null;
    const rows: Position[] = [];
    for (const p of acc.positions.values()) {
      if (isEmptyPosition(p)) continue;
      const quote = q.market.quote(p.exchange, p.symboltoken);
      rows.push(positionRow(p, quote?.ltp, quote?.close));
    }
    return rows.length ? rows : null;
  }

  /** Holdings (docs/protocol/rest.md#holdings); `[]` when none. */
  holdings(clientcode: string, q: QueryContext): Holding[] {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return [];
    const rows: Holding[] = [];
    for (const h of acc.holdings.values()) {
      const qty = holdingQty(h);
      if (qty <= 0) continue;
      const quote = q.market.quote(h.exchange, h.symboltoken);
      const ltp = quote?.ltp ?? 0;
      const avg = h.averageprice;
      const realisedQty = Math.max(0, h.quantity - h.usedquantity);
      rows.push({
        tradingsymbol: h.tradingsymbol,
        exchange: h.exchange,
        isin: h.isin,
        t1quantity: qty - realisedQty,
        realisedquantity: realisedQty,
        quantity: qty,
        authorisedquantity: h.authorisedday > 0 ? Math.min(h.authorisedquantity, qty) : 0,
        product: 'DELIVERY',
        collateralquantity: null,
        collateraltype: null,
        haircut: 0,
        averageprice: num2(avg),
        ltp: num2(ltp),
        symboltoken: h.symboltoken,
        close: num2(quote?.close ?? 0),
        profitandloss: ltp > 0 ? Math.round(((ltp - avg) * qty) / 100) : 0,
        pnlpercentage: ltp > 0 && avg > 0 ? Math.round(((ltp - avg) / avg) * 10_000) / 100 : 0,
      });
    }
    return rows;
  }

  /** All holdings with portfolio totals (docs/protocol/rest.md#all-holdings). */
  allHoldings(clientcode: string, q: QueryContext): AllHoldings {
    const holdings = this.holdings(clientcode, q);
    let value = 0;
    let inv = 0;
    const acc = this.state.accounts.get(clientcode);
    if (acc) {
      for (const h of acc.holdings.values()) {
        const qty = holdingQty(h);
        if (qty <= 0) continue;
        const ltp = q.market.quote(h.exchange, h.symboltoken)?.ltp ?? 0;
        value += ltp * qty;
        inv += h.averageprice * qty;
      }
    }
    const pnl = value - inv;
    return {
      holdings,
      totalholding: {
        totalholdingvalue: num2(value),
        totalinvvalue: num2(inv),
        totalprofitandloss: num2(pnl),
        totalpnlpercentage: inv > 0 ? Math.round((pnl / inv) * 10_000) / 100 : 0,
      },
    };
  }

  /** The RMS figures (paise) behind `getRMS`. */
  funds(clientcode: string, market: MarketView): FundsFigures | undefined {
    const acc = this.state.accounts.get(clientcode);
    return acc ? this.figures(acc, market) : undefined;
  }

  /**
   * `getRMS` (docs/protocol/rest.md#rms), strings with 2 decimals:
   * net = availablecash + collateral + m2mrealized + m2munrealized − utiliseddebits.
   */
  rms(clientcode: string, q: QueryContext): RmsLimits | Rejection {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
    const f = this.figures(acc, q.market);
    return {
      net: rs(f.net),
      availablecash: rs(f.availableCash),
      availableintradaypayin: '0.00',
      availablelimitmargin: '0.00',
      collateral: rs(f.collateral),
      m2munrealized: rs(f.unrealised),
      m2mrealized: rs(f.realised),
      utiliseddebits: rs(f.utilised),
      utilisedspan: rs(f.span),
      utilisedoptionpremium: rs(f.optionPremium),
      utilisedholdingsales: rs(f.holdingSales),
      utilisedexposure: '0.00',
      utilisedturnover: '0.00',
      utilisedpayout: '0.00',
    };
  }

  /**
   * `margin/v1/batch` (docs/protocol/rest.md#margin-batch): up to 50 positions priced with the engine's margin rules (price 0 =
   * the LTP). `AB1018` for unknown tokens.
   */
  marginBatch(body: unknown, q: QueryContext): MarginResponse | Rejection {
    return parseBody(() => {
      const f = new Fields(body);
      const list = f.obj.positions;
      if (!Array.isArray(list) || list.length === 0 || list.length > 50)
        fail(INVALID_INPUT, 'positions must hold 1 to 50 entries');
      let span = 0;
      let delivery = 0;
      let nonNfo = 0;
      let premium = 0;
      let netPremium = 0;
      const breakup = new Map<
        string,
        { exchange: string; productType: string; totalMarginRequired: number }
      >();
      const optionDetails: MarginResponse['optionsBuy']['optionDetails'] = [];
      for (const raw of list) {
        const p = new Fields(raw);
        const exchange = p.enumOf('exchange', Exchange, INVALID_INPUT, 'Invalid exchange');
        const product = p.enumOf('productType', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
        const side = p.enumOf('tradeType', TransactionType, INVALID_INPUT, 'Invalid tradeType');
        const qty = p.int('qty', INVALID_INPUT, 'Invalid qty');
        if (qty <= 0) fail(INVALID_INPUT, 'Invalid qty');
        const token = p.str('token', ErrorCode.SYMBOL_TOKEN_EMPTY);
        const inst = q.market.instrument(exchange, token);
        if (!inst?.tradable) fail(ErrorCode.SYMBOL_DETAILS_FAILED);
        let price = p.optPaise('price', INVALID_INPUT, 'Invalid price') ?? 0;
        if (price <= 0) price = q.market.quote(exchange, token)?.ltp ?? 0;
        const snap = snapshotOf(inst);
        const m = marginFor(snap, product, side, qty, price, this.rates);
        if (inst.segment === 'EQ') {
          if (isDeliveryProduct(snap, product)) delivery += m;
          else nonNfo += m;
        } else if (isOption(snap) && side === 'BUY') {
          premium += m;
          netPremium += m;
          optionDetails.push({
            exchange,
            productType: product,
            token,
            lotMultiplier: inst.lotSize,
            optionPremium: num2(m),
          });
        } else {
          if (isOption(snap)) netPremium -= price * qty;
          span += m;
        }
        const k = `${exchange}|${product}`;
        const b = breakup.get(k) ?? { exchange, productType: product, totalMarginRequired: 0 };
        b.totalMarginRequired += m;
        breakup.set(k, b);
      }
      const total = span + delivery + nonNfo + premium;
      return {
        totalMarginRequired: num2(total),
        marginComponents: {
          netPremium: num2(netPremium),
          spanMargin: num2(span),
          marginBenefit: 0,
          deliveryMargin: num2(delivery),
          nonNFOMargin: num2(nonNfo),
          totOptionsPremium: num2(premium),
        },
        marginBreakup: [...breakup.values()].map((b) => ({
          ...b,
          totalMarginRequired: num2(b.totalMarginRequired),
        })),
        optionsBuy: { totOptionsPremium: num2(premium), optionDetails },
      };
    });
  }

  /** `brokerage/v1/estimateCharges` (docs/protocol/rest.md#estimate-charges) from the dated rate table (docs/protocol/market-rules.md#charges). */
  estimateCharges(body: unknown, q: QueryContext): EstimateChargesResponse | Rejection {
    return estimateCharges(body, q);
  }

  /** Portfolio API `GET /report/holdings/` rows (docs/protocol/portfolio-api.md#holding-row), from the same holdings. */
  reportHoldings(clientcode: string, _q: QueryContext): PortfolioHolding[] {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return [];
    const rows: PortfolioHolding[] = [];
    for (const h of acc.holdings.values()) {
      if (holdingQty(h) <= 0) continue;
      rows.push({
        instrument: [
          {
            exchange_name: PortfolioExchangeCode[h.exchange],
            token: h.symboltoken,
            trading_symbol: h.tradingsymbol,
            lot_size: h.lotsize,
            tick_size: formatPaise(h.ticksize, 2),
          },
        ],
        used_quantity: String(h.usedquantity),
        avg_price: formatPaise(Math.round(h.averageprice), 2),
        holding_quantity: String(h.quantity),
        dp_quantity: '0',
        non_poa_dispaly_qty: '',
        collateral_quantity: '0',
        beneficiary_quantity: '0',
        unpledged_quantity: '0',
        broker_quantity: '0',
        btst_quantity: String(h.t1quantity),
        btst_collateral_quantity: '',
      });
    }
    return rows;
  }

  /** Portfolio API `GET /report/positions/` rows (docs/protocol/portfolio-api.md#position-row), from the same positions. */
  reportPositions(clientcode: string, q: QueryContext): PortfolioPosition[] {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return [];
    const rows: PortfolioPosition[] = [];
    for (const p of acc.positions.values()) {
      if (isEmptyPosition(p)) continue;
      const f = positionFigures(p);
      const d = precisionOf(p);
      const m = (x: number) => formatPaise(Math.round(x), d);
      const quote = q.market.quote(p.exchange, p.symboltoken);
      const ltp = quote?.ltp ?? 0;
      const open = this.openOrderTotals(acc, p);
      const inst = q.market.instrument(p.exchange, p.symboltoken);
      rows.push({
        order_type: PORTFOLIO_PRODUCT[p.producttype],
        price_factor: '1.000000',
        day_buy_quantity: String(p.buyqty),
        day_sell_quantity: String(p.sellqty),
        day_buy_amount: m(p.buyamount),
        day_buy_avg_price: m(f.dayBuyAvg),
        day_sell_amount: m(p.sellamount),
        day_sell_avg_amount: m(f.daySellAvg),
        day_sell_avg_price: m(f.daySellAvg),
        cf_buy_quantity: p.cfbuyqty || p.cfsellqty ? String(p.cfbuyqty) : '',
        cf_sell_quantity: p.cfbuyqty || p.cfsellqty ? String(p.cfsellqty) : '',
        cf_buy_amount: p.cfbuyqty ? m(p.cfbuyamount) : '',
        cf_avg_price: p.cfbuyqty ? m(f.cfBuyAvg) : '',
        cf_sell_amount: p.cfsellqty ? m(p.cfsellamount) : '',
        cf_sell_avg_price: p.cfsellqty ? m(f.cfSellAvg) : '',
        cf_org_avg_price: p.cfbuyqty || p.cfsellqty ? m(p.cfbuyqty ? f.cfBuyAvg : f.cfSellAvg) : '',
        open_buy_quantity: String(open.buyQty),
        open_sell_quantity: String(open.sellQty),
        open_buy_amount: m(open.buyValue),
        open_buy_avg_price: m(open.buyQty ? open.buyValue / open.buyQty : 0),
        open_sell_amount: m(open.sellValue),
        open_sell_avg_price: m(open.sellQty ? open.sellValue / open.sellQty : 0),
        net_quantity: String(f.netQty),
        net_avg_price: m(f.netAvg),
        last_trade_price: m(ltp),
        unrealized_mtom: m(unrealisedPnl(p, ltp, f)),
        realized_pnl: m(f.realised),
        frozen_quantity: inst && Number.isFinite(inst.freezeQty) ? String(inst.freezeQty) : '0',
        upload_price: m(p.cfbuyqty ? f.cfBuyAvg : p.cfsellqty ? f.cfSellAvg : 0),
        bep: m(breakEven(p, f)),
        exchange_name: PortfolioExchangeCode[p.exchange],
        trading_symbol: p.tradingsymbol,
        token: p.symboltoken,
        price_precision: String(d),
        tick_size: formatPaise(p.ticksize, d),
        lot_size: p.lotsize,
        multiply_factor: String(p.multiplier),
      });
    }
    return rows;
  }

  // ───────────────────────────── internals: validation ─────────────────────────────

  private parseOrder(body: unknown, ctx: EngineContext): OrderSpec {
    const f = new Fields(body);
    const variety = f.enumOf('variety', Variety, ErrorCode.INVALID_VARIETY);
    const product = f.enumOf('producttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
    const ordertag = f.optStr('ordertag', ErrorCode.ORDERTAG_TOO_LONG) ?? '';
    if (ordertag.length > MAX_ORDERTAG) fail(ErrorCode.ORDERTAG_TOO_LONG);
    const exchange = f.enumOf('exchange', Exchange, ErrorCode.SYMBOL_NOT_FOUND, 'Invalid Exchange');
    const token = f.optStr('symboltoken', ErrorCode.SYMBOL_TOKEN_EMPTY);
    if (token === undefined) fail(ErrorCode.SYMBOL_TOKEN_EMPTY);
    const symbol = f.str('tradingsymbol', ErrorCode.SYMBOL_NOT_FOUND);
    const side = f.enumOf('transactiontype', TransactionType, INVALID_INPUT, 'Invalid Transaction Type');
    const ordertype = f.enumOf('ordertype', OrderType, INVALID_INPUT, 'Invalid Order Type');
    const duration = f.enumOf('duration', Duration, INVALID_INPUT, 'Invalid Duration');
    const qty = f.int('quantity', INVALID_INPUT, 'Invalid Quantity');
    if (qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
    let price = f.optPaise('price', INVALID_INPUT, 'Invalid Price') ?? 0;
    let trigger = f.optPaise('triggerprice', INVALID_INPUT, 'Invalid Trigger Price') ?? 0;
    const disclosed = f.optInt('disclosedquantity', INVALID_INPUT, 'Invalid Disclosed Quantity') ?? 0;
    const squareoff = f.optPaise('squareoff', INVALID_INPUT, 'Invalid Squareoff') ?? 0;
    const stoploss = f.optPaise('stoploss', INVALID_INPUT, 'Invalid Stoploss') ?? 0;
    const trailing =
      f.optPaise('trailingStopLoss', INVALID_INPUT, 'Invalid Trailing Stoploss') ??
      f.optPaise('trailingstoploss', INVALID_INPUT, 'Invalid Trailing Stoploss') ??
      0;
    if (price < 0) fail(INVALID_INPUT, 'Invalid Price');
    if (trigger < 0) fail(INVALID_INPUT, 'Invalid Trigger Price');
    if (disclosed < 0 || disclosed > qty) fail(INVALID_INPUT, 'Invalid Disclosed Quantity');
    if (squareoff < 0 || stoploss < 0 || trailing < 0) fail(INVALID_INPUT, 'Invalid Squareoff/Stoploss');
    if (ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET') price = 0;
    else if (price <= 0) fail(INVALID_INPUT, 'Invalid Price');
    if (isStop(ordertype)) {
      if (trigger <= 0) fail(INVALID_INPUT, 'Invalid Trigger Price');
    } else trigger = 0;
    if (variety === 'STOPLOSS' && !isStop(ordertype)) fail(ErrorCode.INVALID_VARIETY);
    if (product === 'BO' && variety !== 'ROBO') fail(ErrorCode.INVALID_PRODUCT_TYPE);
    if (variety === 'ROBO' && product !== 'BO' && product !== 'INTRADAY')
      fail(ErrorCode.INVALID_PRODUCT_TYPE);
    const inst = ctx.market.instrument(exchange, token);
    if (!inst || inst.symbol.toUpperCase() !== symbol.toUpperCase() || !inst.tradable)
      fail(ErrorCode.SYMBOL_NOT_FOUND);
    if (inst.expiry !== undefined && inst.expiry < istDayStart(ctx.now)) fail(ErrorCode.SYMBOL_NOT_FOUND);
    if (variety === 'ROBO' && ctx.market.session(exchange, ctx.now) !== 'open') fail(ErrorCode.ROBO_BLOCKED);
    return {
      variety,
      inst,
      side,
      ordertype,
      product,
      duration,
      price,
      trigger,
      qty,
      disclosed,
      squareoff,
      stoploss,
      trailing,
      ordertag,
    };
  }

  /** RMS / exchange checks; returns the rejection text or undefined. */
  private rmsCheck(
    acc: AccountState,
    o: OrderRecord,
    inst: Instrument,
    ctx: QueryContext,
    exclude: string,
  ): string | undefined {
    const notAllowed = productNotAllowed(inst, o.producttype);
    if (notAllowed !== undefined) return notAllowed;
    if (o.variety === 'ROBO' && !o.parentorderid) {
      if (o.ordertype !== 'LIMIT') return 'Bracket (ROBO) orders must be LIMIT orders';
      if (o.squareoff <= 0 || o.stoploss <= 0) return 'Bracket (ROBO) orders need squareoff and stoploss';
    }
    if (o.duration === 'IOC' && inst.segment === 'COM')
      return 'IOC orders are not allowed for commodities segment';
    const lot = Math.max(1, inst.lotSize);
    if (o.quantity % lot !== 0)
      return `Order quantity ${o.quantity} is not a multiple of the lot size ${lot}`;
    if (o.quantity > inst.freezeQty) {
      return `Order quantity ${o.quantity} exceeds the freeze quantity ${maxLotMultiple(inst.freezeQty, lot)}`;
    }
    const tick = inst.tickSize;
    for (const [name, v] of [
      ['Price', o.price],
      ['Trigger price', o.triggerprice],
      ['Squareoff', o.squareoff],
      ['Stoploss', o.stoploss],
    ] as const) {
      if (tick > 0 && v % tick !== 0)
        return `${name} ${formatPaise(v, 2)} is not a multiple of the tick size ${formatPaise(tick, 2)}`;
    }
    const quote = ctx.market.quote(inst.exchange, inst.token);
    if (quote && quote.upperCircuit > 0 && quote.lowerCircuit > 0) {
      for (const v of [o.price, o.triggerprice]) {
        if (v > 0 && (v > quote.upperCircuit || v < quote.lowerCircuit)) {
          return `Order price ${formatPaise(v, 2)} is outside the circuit limits (${formatPaise(quote.lowerCircuit, 2)} - ${formatPaise(quote.upperCircuit, 2)})`;
        }
      }
    }
    if (isStop(o.ordertype) && !o.triggered) {
      if (o.ordertype === 'STOPLOSS_LIMIT') {
        if (o.transactiontype === 'BUY' && o.price < o.triggerprice)
          return 'Limit price of a stop loss buy order should be at or above the trigger price';
        if (o.transactiontype === 'SELL' && o.price > o.triggerprice)
          return 'Limit price of a stop loss sell order should be at or below the trigger price';
      }
      const ltp = quote?.ltp ?? 0;
      if (ltp > 0 && ctx.market.session(inst.exchange, ctx.now) === 'open') {
        if (o.transactiontype === 'BUY' && o.triggerprice <= ltp)
          return 'Trigger price for stop loss buy order should be higher than the last traded price';
        if (o.transactiontype === 'SELL' && o.triggerprice >= ltp)
          return 'Trigger price for stop loss sell order should be lower than the last traded price';
      }
    }
    if (o.transactiontype === 'SELL' && isDeliveryProduct(inst, o.producttype)) {
      const h = acc.holdings.get(
        holdingKey({ clientcode: acc.clientcode, exchange: inst.exchange, symboltoken: inst.token }),
      );
      const pending = this.pendingQty(acc, o, 'SELL', exclude);
      const avail = (h ? holdingQty(h) : 0) - pending;
      if (o.quantity - o.filledshares > avail) {
        return `Your order has been rejected due to Insufficient Holdings. Available quantity - ${Math.max(0, avail)} . You are trying to sell ${o.quantity - o.filledshares} quantity.`;
      }
    }
    return undefined;
  }

  private gttInstrument(
    f: Fields,
    market: MarketView,
    requireSymbol: boolean,
    rule?: GttRuleRecord,
  ): { inst: Instrument } {
    const exchange = f.enumOf('exchange', Exchange, ErrorCode.GTT_INVALID_EXCHANGE);
    if (exchange !== 'NSE' && exchange !== 'BSE') fail(ErrorCode.GTT_INVALID_EXCHANGE);
    const token = f.str('symboltoken', ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
    if (rule && (rule.exchange !== exchange || rule.symboltoken !== token)) {
      fail(rule.exchange !== exchange ? ErrorCode.GTT_INVALID_EXCHANGE : ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
    }
    const inst = market.instrument(exchange, token);
    if (!inst?.tradable || inst.segment !== 'EQ') fail(ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
    const symbol = requireSymbol
      ? f.str('tradingsymbol', ErrorCode.GTT_INVALID_TRADING_SYMBOL)
      : f.optStr('tradingsymbol', ErrorCode.GTT_INVALID_TRADING_SYMBOL);
    if (symbol !== undefined && symbol.toUpperCase() !== inst.symbol.toUpperCase())
      fail(ErrorCode.GTT_INVALID_TRADING_SYMBOL);
    return { inst };
  }

  private gttValues(
    f: Fields,
    inst: Instrument,
    rule: GttRuleRecord | undefined,
  ): { price: number; qty: number; trigger: number; disclosed: number; timeperiod: number } {
    const price = f.optPaise('price', ErrorCode.GTT_INVALID_PRICE) ?? rule?.price;
    const qty = f.optInt('qty', ErrorCode.GTT_INVALID_QUANTITY) ?? rule?.qty;
    const trigger = f.optPaise('triggerprice', ErrorCode.GTT_INVALID_TRIGGER_PRICE) ?? rule?.triggerprice;
    if (price === undefined || price <= 0) fail(ErrorCode.GTT_INVALID_PRICE);
    if (qty === undefined || qty <= 0 || qty > inst.freezeQty) fail(ErrorCode.GTT_INVALID_QUANTITY);
    if (trigger === undefined || trigger <= 0) fail(ErrorCode.GTT_INVALID_TRIGGER_PRICE);
    const tick = inst.tickSize;
    if (tick > 0 && price % tick !== 0) fail(ErrorCode.GTT_INVALID_PRICE);
    if (tick > 0 && trigger % tick !== 0) fail(ErrorCode.GTT_INVALID_TRIGGER_PRICE);
    const disclosed =
      f.optInt('disclosedqty', ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY) ??
      Math.min(rule?.disclosedqty ?? 0, qty);
    if (disclosed < 0 || disclosed > qty) fail(ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY);
    const timeperiod =
      f.optInt('timeperiod', ErrorCode.GTT_INVALID_TIME_PERIOD) ?? rule?.timeperiod ?? GTT_MAX_DAYS;
    if (timeperiod < 1 || timeperiod > GTT_MAX_DAYS) fail(ErrorCode.GTT_INVALID_TIME_PERIOD);
    return { price, qty, trigger, disclosed, timeperiod };
  }

  private gttRuleOf(acc: AccountState, f: Fields): GttRuleRecord {
    const id = f.optStr('id', ErrorCode.GTT_INVALID_RULE_ID);
    const rule = id === undefined ? undefined : acc.gttRules.get(id);
    if (!rule) fail(ErrorCode.GTT_INVALID_RULE_ID);
    return rule;
  }

  // ───────────────────────────── internals: order lifecycle ─────────────────────────────

  /** Creates the order row for a validated request and takes it as far as it goes now. */
  private submit(
    acc: AccountState,
    spec: OrderSpec,
    ctx: EngineContext,
    em: Emitter,
    parentorderid: string,
    gttruleid: string,
  ): OrderRecord {
    const snap = snapshotOf(spec.inst);
    // One explicit literal (no spread) so every order record shares one hidden class (hot in onQuote).
    const o: OrderRecord = cloneOrder({
      exchange: snap.exchange,
      symboltoken: snap.symboltoken,
      tradingsymbol: snap.tradingsymbol,
      name: snap.name,
      instrumenttype: snap.instrumenttype,
      segment: snap.segment,
      lotsize: snap.lotsize,
      ticksize: snap.ticksize,
      strike: snap.strike,
      optiontype: snap.optiontype,
      expiry: snap.expiry,
      clientcode: acc.clientcode,
      orderid: ctx.ids.orderId(),
      uniqueorderid: ctx.ids.uniqueOrderId(),
      exchangeorderid: '',
      variety: spec.variety,
      ordertype: spec.ordertype,
      producttype: spec.product,
      duration: spec.duration,
      transactiontype: spec.side,
      price: spec.price,
      triggerprice: spec.trigger,
      quantity: spec.qty,
      disclosedquantity: spec.disclosed,
      squareoff: spec.squareoff,
      stoploss: spec.stoploss,
      trailingstoploss: spec.trailing,
      ordertag: spec.ordertag,
      status: 'open',
      text: '',
      filledshares: 0,
      cancelsize: 0,
      filledvalue: 0,
      blockedmargin: 0,
      parentorderid,
      amo: false,
      triggered: false,
      fillid: '',
      filltime: 0,
      createdat: ctx.now,
      updatedat: ctx.now,
      gttruleid,
    });
    acc.orders.set(o.orderid, o);
    const open = ctx.market.session(o.exchange, ctx.now) === 'open';
    let text = this.rmsCheck(acc, o, spec.inst, ctx, o.orderid);
    if (text === undefined && !open && spec.variety !== 'AMO' && this.offHours === 'reject') {
      text = 'Orders cannot be placed outside market hours';
    }
    if (text === undefined && !parentorderid) {
      const margin = this.orderMargin(acc, o, ctx.market, o.orderid);
      const available = this.availableFunds(acc, ctx.market);
      if (margin > available) text = insufficientFunds(available, margin);
      else setBlocked(acc, o, margin);
    }
    if (text !== undefined) {
      o.status = 'rejected';
      o.text = text;
      setBlocked(acc, o, 0);
      em.order(o, 'AB03');
      return o;
    }
    if (!open) {
      o.amo = true;
      o.status = 'after market order req received';
      indexOrder(this.state, o);
      em.order(o, 'AB06');
      return o;
    }
    o.exchangeorderid = ctx.ids.exchangeOrderId();
    o.status = isStop(o.ordertype) ? 'trigger pending' : 'open';
    indexOrder(this.state, o);
    em.order(o, 'AB09');
    em.order(o, isStop(o.ordertype) ? 'AB10' : 'AB01');
    const quote = ctx.market.quote(o.exchange, o.symboltoken);
    if (quote) this.work(acc, o, quote, true, ctx, em);
    else if (o.duration === 'IOC') this.cancelRest(o, ctx, em, '');
    return o;
  }

  /** Releases an AMO at the open. */
  private release(acc: AccountState, o: OrderRecord, quote: Quote, ctx: EngineContext, em: Emitter): void {
    o.amo = false;
    o.exchangeorderid = ctx.ids.exchangeOrderId();
    o.updatedat = ctx.now;
    o.status = isStop(o.ordertype) ? 'trigger pending' : 'open';
    em.order(o, isStop(o.ordertype) ? 'AB10' : 'AB01');
    this.work(acc, o, quote, true, ctx, em);
  }

  /** Trigger check and matching of a working (non-AMO) order against a quote. */
  private work(
    acc: AccountState,
    o: OrderRecord,
    quote: Quote,
    aggressive: boolean,
    ctx: EngineContext,
    em: Emitter,
  ): void {
    if (o.status === 'trigger pending') {
      const ltp = quote.ltp;
      const hit = ltp > 0 && (o.transactiontype === 'BUY' ? ltp >= o.triggerprice : ltp <= o.triggerprice);
      if (!hit) return;
      o.triggered = true;
      o.status = 'open';
      o.updatedat = ctx.now;
      em.order(o, 'AB01');
      aggressive = true;
    }
    if (o.status !== 'open') return;
    const remaining = o.quantity - o.filledshares - o.cancelsize;
    if (remaining <= 0) return;
    const limit = o.ordertype === 'LIMIT' || o.ordertype === 'STOPLOSS_LIMIT' ? o.price : undefined;
    if (limit !== undefined && !aggressive && this.fillModel instanceof WalkTheBookFillModel) {
      // Fast path for resting limits the quote does not reach (the common case on every tick).
      const best = o.transactiontype === 'BUY' ? quote.asks[0] : quote.bids[0];
      const reach =
        best !== undefined &&
        best.quantity > 0 &&
        best.price > 0 &&
        (o.transactiontype === 'BUY' ? best.price <= limit : best.price >= limit);
      const through = quote.ltp > 0 && (o.transactiontype === 'BUY' ? quote.ltp < limit : quote.ltp > limit);
      if (!reach && !through) return;
    }
    const fills = this.fillModel.fill(
      { side: o.transactiontype, quantity: remaining, limit, aggressive, instrument: o },
      quote,
    );
    let left = remaining;
    for (const fill of fills) {
      const q = Math.min(fill.quantity, left);
      if (q <= 0 || fill.price <= 0) continue;
      if (limit !== undefined && (o.transactiontype === 'BUY' ? fill.price > limit : fill.price < limit))
        continue;
      this.applyFill(acc, o, fill.price, q, ctx, em);
      left -= q;
      if (left <= 0 || o.status !== 'open') break;
    }
    if (o.status === 'open' && o.duration === 'IOC') this.cancelRest(o, ctx, em, '');
  }

  /** Books one fill: trade, order, position, holding, fees; completes ROBO logic. */
  private applyFill(
    acc: AccountState,
    o: OrderRecord,
    price: number,
    qty: number,
    ctx: EngineContext,
    em: Emitter,
  ): void {
    const trade: TradeRecord = {
      exchange: o.exchange,
      symboltoken: o.symboltoken,
      tradingsymbol: o.tradingsymbol,
      name: o.name,
      instrumenttype: o.instrumenttype,
      segment: o.segment,
      lotsize: o.lotsize,
      ticksize: o.ticksize,
      strike: o.strike,
      optiontype: o.optiontype,
      expiry: o.expiry,
      clientcode: acc.clientcode,
      fillid: ctx.ids.tradeId(),
      orderid: o.orderid,
      producttype: o.producttype,
      transactiontype: o.transactiontype,
      price,
      quantity: qty,
      time: ctx.now,
    };
    acc.trades.push(trade);
    em.trade(trade);
    const remainingBefore = o.quantity - o.filledshares - o.cancelsize;
    o.filledshares += qty;
    o.filledvalue += price * qty;
    o.fillid = trade.fillid;
    o.filltime = ctx.now;
    o.updatedat = ctx.now;
    const remainingAfter = remainingBefore - qty;
    setBlocked(
      acc,
      o,
      remainingAfter > 0 ? Math.round((o.blockedmargin * remainingAfter) / remainingBefore) : 0,
    );
    // Position (and holdings for equity delivery).
    const p = this.positionFor(acc, o, o.producttype);
    const netBefore = positionFigures(p).netQty;
    if (o.transactiontype === 'BUY') {
      p.buyqty += qty;
      p.buyamount += price * qty;
    } else {
      p.sellqty += qty;
      p.sellamount += price * qty;
    }
    if (isDeliveryProduct(o, o.producttype)) {
      const h = this.holdingFor(acc, ctx.market.instrument(o.exchange, o.symboltoken) ?? o);
      if (o.transactiontype === 'BUY') {
        const held = holdingQty(h);
        h.averageprice = (h.averageprice * held + price * qty) / (held + qty);
        h.t1quantity += qty;
      } else {
        // The part not covered by today's long comes out of the holdings: book it as carried-forward buy
        // at the holding's average, so realised P&L = qty × (sell − average).
        const fromHoldings = qty - Math.min(qty, Math.max(0, netBefore));
        if (fromHoldings > 0) {
          p.cfbuyqty += fromHoldings;
          p.cfbuyamount += fromHoldings * h.averageprice;
        }
        h.usedquantity += qty;
      }
      acc.holdings.set(holdingKey(h), h);
      em.holding(h);
    }
    acc.positions.set(positionKey(p), p);
    em.position(p);
    const fee = this.feeModel.feeForFill(trade).amount;
    if (fee !== 0) {
      acc.funds.cash -= fee;
      em.funds(acc.funds);
    }
    const done = o.filledshares + o.cancelsize >= o.quantity;
    if (done) {
      o.status = 'complete';
      indexOrder(this.state, o);
      em.order(o, 'AB05');
    } else {
      em.order(o, 'AB01');
    }
    // ROBO: one leg's fill cancels as much of its sibling; a complete entry places the legs.
    if (o.variety === 'ROBO' && o.parentorderid) {
      for (const sib of this.legsOf(acc, o.parentorderid)) {
        if (sib.orderid === o.orderid || !isWorking(sib)) continue;
        sib.cancelsize = Math.min(sib.quantity - sib.filledshares, sib.cancelsize + qty);
        sib.updatedat = ctx.now;
        if (sib.filledshares + sib.cancelsize >= sib.quantity) {
          sib.status = 'cancelled';
          setBlocked(acc, sib, 0);
          indexOrder(this.state, sib);
          em.order(sib, 'AB02');
        } else {
          em.order(sib);
        }
      }
    } else if (o.variety === 'ROBO' && done) {
      this.placeRoboLegs(acc, o, ctx, em);
    }
  }

  private placeRoboLegs(acc: AccountState, entry: OrderRecord, ctx: EngineContext, em: Emitter): void {
    const inst = ctx.market.instrument(entry.exchange, entry.symboltoken);
    if (!inst || entry.filledshares <= 0) return;
    const avg = averagePrice(entry);
    const tick = Math.max(1, inst.tickSize);
    const exitSide: TransactionType = entry.transactiontype === 'BUY' ? 'SELL' : 'BUY';
    const dir = entry.transactiontype === 'BUY' ? 1 : -1;
    const target = Math.max(tick, Math.round((avg + dir * entry.squareoff) / tick) * tick);
    const stop = Math.max(tick, Math.round((avg - dir * entry.stoploss) / tick) * tick);
    const base = {
      variety: 'ROBO' as const,
      inst,
      side: exitSide,
      product: entry.producttype,
      duration: 'DAY' as const,
      qty: entry.filledshares,
      disclosed: 0,
      squareoff: 0,
      stoploss: 0,
      trailing: 0,
      ordertag: entry.ordertag,
    };
    this.submit(acc, { ...base, ordertype: 'LIMIT', price: target, trigger: 0 }, ctx, em, entry.orderid, '');
    this.submit(
      acc,
      { ...base, ordertype: 'STOPLOSS_MARKET', price: 0, trigger: stop },
      ctx,
      em,
      entry.orderid,
      '',
    );
  }

  private legsOf(acc: AccountState, parentorderid: string): OrderRecord[] {
    const out: OrderRecord[] = [];
    for (const o of acc.orders.values()) if (o.parentorderid === parentorderid) out.push(o);
    return out;
  }

  /** Cancels the unfilled rest of an order. */
  private cancelRest(o: OrderRecord, ctx: EngineContext, em: Emitter, text: string): void {
    const amo = o.amo;
    o.cancelsize = o.quantity - o.filledshares;
    const owner = this.state.accounts.get(o.clientcode);
    if (owner) setBlocked(owner, o, 0);
    else o.blockedmargin = 0;
    o.status = amo ? 'cancelled after market order' : 'cancelled';
    o.amo = false;
    o.updatedat = ctx.now;
    if (text) o.text = text;
    indexOrder(this.state, o);
    em.order(o, amo ? 'AB07' : 'AB02');
    // A partly filled ROBO entry still gets its exit legs for the filled quantity.
    const acc = this.state.accounts.get(o.clientcode);
    if (
      acc &&
      o.variety === 'ROBO' &&
      !o.parentorderid &&
      o.filledshares > 0 &&
      this.legsOf(acc, o.orderid).length === 0
    ) {
      this.placeRoboLegs(acc, o, ctx, em);
    }
  }

  private fireGtt(acc: AccountState, rule: GttRuleRecord, ctx: EngineContext, em: Emitter): void {
    const inst = ctx.market.instrument(rule.exchange, rule.symboltoken);
    rule.status = 'SENTTOEXCHANGE';
    rule.updatedat = ctx.now;
    indexGtt(this.state, rule);
    if (inst) {
      const o = this.submit(
        acc,
        {
          variety: 'NORMAL',
          inst,
          side: rule.transactiontype,
          ordertype: 'LIMIT',
          product: rule.producttype,
          duration: 'DAY',
          price: rule.price,
          trigger: 0,
          qty: rule.qty,
          disclosed: rule.disclosedqty,
          squareoff: 0,
          stoploss: 0,
          trailing: 0,
          ordertag: '',
        },
        ctx,
        em,
        '',
        rule.id,
      );
      rule.orderid = o.orderid;
    }
    em.gtt(rule);
  }

  // ───────────────────────────── internals: money ─────────────────────────────

  private positionFor(
    acc: AccountState,
    inst: InstrumentSnapshot | Instrument,
    product: ProductType,
  ): PositionRecord {
    const snap = 'token' in inst ? snapshotOf(inst) : inst;
    const key = positionKey({
      clientcode: acc.clientcode,
      exchange: snap.exchange,
      symboltoken: snap.symboltoken,
      producttype: product,
    });
    const existing = acc.positions.get(key);
    if (existing) return existing;
    return {
      exchange: snap.exchange,
      symboltoken: snap.symboltoken,
      tradingsymbol: snap.tradingsymbol,
      name: snap.name,
      instrumenttype: snap.instrumenttype,
      segment: snap.segment,
      lotsize: snap.lotsize,
      ticksize: snap.ticksize,
      strike: snap.strike,
      optiontype: snap.optiontype,
      expiry: snap.expiry,
      clientcode: acc.clientcode,
      producttype: product,
      multiplier: 1,
      buyqty: 0,
      buyamount: 0,
      sellqty: 0,
      sellamount: 0,
      cfbuyqty: 0,
      cfbuyamount: 0,
      cfsellqty: 0,
      cfsellamount: 0,
    };
  }

  private holdingFor(acc: AccountState, inst: InstrumentSnapshot | Instrument): HoldingRecord {
    const exchange = inst.exchange;
    const token = 'token' in inst ? inst.token : inst.symboltoken;
    const existing = acc.holdings.get(
      holdingKey({ clientcode: acc.clientcode, exchange, symboltoken: token }),
    );
    if (existing) return existing;
    const full = 'token' in inst ? inst : undefined;
    return {
      clientcode: acc.clientcode,
      exchange,
      symboltoken: token,
      tradingsymbol: 'token' in inst ? inst.symbol : inst.tradingsymbol,
      isin: full?.isin ?? '',
      quantity: 0,
      t1quantity: 0,
      usedquantity: 0,
      authorisedquantity: 0,
      authorisedday: 0,
      edisreqid: '',
      averageprice: 0,
      lotsize: 'token' in inst ? inst.lotSize : inst.lotsize,
      ticksize: 'token' in inst ? inst.tickSize : inst.ticksize,
    };
  }

  /** Unfilled quantity of the account's other working orders on the same instrument, product and side. */
  private pendingQty(acc: AccountState, o: OrderRecord, side: TransactionType, exclude: string): number {
    const ids = this.state.workingByInstrument.get(instrumentKey(o.exchange, o.symboltoken));
    if (!ids) return 0;
    let sum = 0;
    for (const id of ids) {
      if (id === exclude) continue;
      const w = acc.orders.get(id);
      if (!w || w.transactiontype !== side || w.producttype !== o.producttype || w.parentorderid) continue;
      sum += w.quantity - w.filledshares - w.cancelsize;
    }
    return sum;
  }

  /**
   * Margin blocked by an order: the part that does not reduce the existing position (net of other working
   * orders on the same side) at the limit price, the trigger (SL-M), or the best opposite price / LTP (MARKET).
   */
  private orderMargin(acc: AccountState, o: OrderRecord, market: MarketView, exclude: string): number {
    if (o.parentorderid) return 0;
    const remaining = o.quantity - o.filledshares - o.cancelsize;
    const p = acc.positions.get(
      positionKey({
        clientcode: acc.clientcode,
        exchange: o.exchange,
        symboltoken: o.symboltoken,
        producttype: o.producttype,
      }),
    );
    const net = p ? positionFigures(p).netQty : 0;
    const opposite = o.transactiontype === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
    const reducible =
      opposite === 0 ? 0 : Math.max(0, opposite - this.pendingQty(acc, o, o.transactiontype, exclude));
    const chargeable = Math.max(0, remaining - reducible);
    if (chargeable === 0) return 0;
    let price = o.price > 0 ? o.price : o.triggerprice;
    if (price <= 0) {
      const quote = market.quote(o.exchange, o.symboltoken);
      const best = o.transactiontype === 'BUY' ? quote?.asks[0]?.price : quote?.bids[0]?.price;
      price = best && best > 0 ? best : (quote?.ltp ?? 0);
    }
    return marginFor(o, o.producttype, o.transactiontype, chargeable, price, this.rates);
  }

  private figures(acc: AccountState, market: MarketView): FundsFigures {
    const orders = acc.blocked;
    let positionsMargin = 0;
    let span = 0;
    let optionPremium = 0;
    let realised = 0;
    let unrealised = 0;
    let holdingSales = 0;
    for (const p of acc.positions.values()) {
      const f = positionFigures(p);
      const m = positionMargin(p, this.rates);
      positionsMargin += m;
      if (p.segment !== 'EQ') {
        if (isOption(p) && f.netQty > 0) optionPremium += m;
        else span += m;
      }
      realised += f.realised;
      unrealised += unrealisedPnl(p, market.quote(p.exchange, p.symboltoken)?.ltp, f);
      if (isDeliveryProduct(p, p.producttype)) holdingSales += p.cfbuyamount;
    }
    const availableCash = acc.funds.cash + holdingSales;
    const utilised = orders + positionsMargin;
    const net = availableCash + acc.funds.collateral + realised + unrealised - utilised;
    return {
      availableCash,
      collateral: acc.funds.collateral,
      realised,
      unrealised,
      utilised,
      ordersMargin: orders,
      positionsMargin,
      span,
      optionPremium,
      holdingSales,
      net,
    };
  }

  private availableFunds(acc: AccountState, market: MarketView): number {
    return Math.floor(this.figures(acc, market).net);
  }

  private openOrderTotals(
    acc: AccountState,
    p: PositionRecord,
  ): { buyQty: number; buyValue: number; sellQty: number; sellValue: number } {
    const out = { buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
    const ids = this.state.workingByInstrument.get(instrumentKey(p.exchange, p.symboltoken));
    if (!ids) return out;
    for (const id of ids) {
      const o = acc.orders.get(id);
      if (!o || o.producttype !== p.producttype) continue;
      const q = o.quantity - o.filledshares - o.cancelsize;
      if (o.transactiontype === 'BUY') {
        out.buyQty += q;
        out.buyValue += q * o.price;
      } else {
        out.sellQty += q;
        out.sellValue += q * o.price;
      }
    }
    return out;
  }

  // ───────────────────────────── internals: day roll ─────────────────────────────

  /** Settles the account's previous trading day when `ctx.now` is in a later IST day. */
  /**
   * Starts a command for `clientcode`: its account and an emitter that already carries the end-of-day
   * settlement events when `ctx.now` falls on a new IST day. Undefined for an unknown account.
   */
  private begin(clientcode: string, ctx: EngineContext): { acc: AccountState; em: Emitter } | undefined {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return undefined;
    const em = new Emitter();
    this.ensureDay(acc, ctx, em);
    return { acc, em };
  }

  private ensureDay(acc: AccountState, ctx: QueryContext, em: Emitter): void {
    const day = istDayStart(ctx.now);
    if (acc.funds.tradingday >= day) return;
    // 1. Working day orders expire (AMOs placed after the close stay queued for the next session).
    for (const id of [...acc.working]) {
      const o = acc.orders.get(id);
      if (!o || !isWorking(o) || o.amo) continue;
      o.cancelsize = o.quantity - o.filledshares;
      setBlocked(acc, o, 0);
      o.status = 'cancelled';
      o.text = 'Order expired at the end of the trading day';
      o.updatedat = ctx.now;
      indexOrder(this.state, o);
      em.order(o, 'AB02');
    }
    // 2. Positions settle.
    for (const p of acc.positions.values()) {
      if (isEmptyPosition(p)) continue;
      const f = positionFigures(p);
      if (isDeliveryProduct(p, p.producttype)) {
        acc.funds.cash += Math.round(p.sellamount - p.buyamount);
        Object.assign(p, ZERO_POSITION);
      } else {
        const ltp = ctx.market.quote(p.exchange, p.symboltoken)?.ltp ?? 0;
        const settle = ltp > 0 ? ltp : f.netAvg;
        acc.funds.cash += Math.round(f.realised + unrealisedPnl(p, settle, f));
        const expired = p.expiry > 0 && p.expiry < day;
        Object.assign(p, ZERO_POSITION);
        if (!expired && f.netQty > 0) {
          p.cfbuyqty = f.netQty;
          p.cfbuyamount = f.netQty * settle;
        } else if (!expired && f.netQty < 0) {
          p.cfsellqty = -f.netQty;
          p.cfsellamount = -f.netQty * settle;
        }
      }
      em.position(p);
    }
    // 3. T1 holdings settle; today's sales leave.
    for (const h of acc.holdings.values()) {
      if (h.t1quantity === 0 && h.usedquantity === 0) continue;
      h.quantity = h.quantity + h.t1quantity - h.usedquantity;
      h.t1quantity = 0;
      h.usedquantity = 0;
      h.authorisedquantity = 0;
      em.holding(h);
    }
    acc.funds.tradingday = day;
    em.funds(acc.funds);
  }
}

/** RMS figures of an account (paise; P&L fractional). */
export interface FundsFigures {
  /** Ledger cash + cost of holdings sold today (their sale value is usable the same day). */
  availableCash: number;
  collateral: number;
  realised: number;
  unrealised: number;
  /** Blocked by working orders + held by open positions. */
  utilised: number;
  ordersMargin: number;
  positionsMargin: number;
  span: number;
  optionPremium: number;
  holdingSales: number;
  net: number;
}

const ZERO_POSITION = {
  buyqty: 0,
  buyamount: 0,
  sellqty: 0,
  sellamount: 0,
  cfbuyqty: 0,
  cfbuyamount: 0,
  cfsellqty: 0,
  cfsellamount: 0,
} as const;

/** Product → Portfolio API `order_type` integers (1 = CNC per the annexure; the rest are our choice). */
const PORTFOLIO_PRODUCT: Readonly<Record<ProductType, number>> = {
  DELIVERY: 1,
  INTRADAY: 2,
  CARRYFORWARD: 3,
  MARGIN: 4,
  BO: 5,
};

function holdingQty(h: HoldingRecord): number {
  return h.quantity + h.t1quantity - h.usedquantity;
}

function maxLotMultiple(freeze: number, lot: number): number {
  return Math.floor(freeze / lot) * lot;
}

/** The venue's text for an insufficient-funds rejection (amounts in rupees, 2 decimals). */
export function insufficientFunds(availablePaise: number, requiredPaise: number): string {
  return `Your order has been rejected due to Insufficient Funds. Available funds - Rs. ${formatPaise(Math.floor(availablePaise), 2)} . You require Rs. ${formatPaise(Math.ceil(requiredPaise), 2)} funds to execute this order.`;
}

/** Product rules per segment; returns the rejection text or undefined. */
export function productNotAllowed(
  inst: Pick<Instrument, 'segment' | 'exchange'>,
  product: ProductType,
): string | undefined {
  const seg = SEGMENT_CODE[inst.exchange];
  if (inst.segment === 'EQ' && product === 'CARRYFORWARD') return `NRML product not allowed in ${seg}`;
  if (inst.segment !== 'EQ' && product === 'DELIVERY') return `CNC product not allowed in ${seg}`;
  return undefined;
}

function gttDirection(side: TransactionType, trigger: number, ltp: number | undefined): 'up' | 'down' {
  if (ltp !== undefined && ltp > 0) return trigger >= ltp ? 'up' : 'down';
  return side === 'BUY' ? 'down' : 'up';
}

/** Quantities and values taken out of one side of a position (day first, then carried forward). */
interface Taken {
  dayQty: number;
  dayAmount: number;
  cfQty: number;
  cfAmount: number;
}

function takeFromPosition(p: PositionRecord, side: TransactionType, qty: number): Taken {
  const buy = side === 'BUY';
  const dayQtyAvail = buy ? p.buyqty : p.sellqty;
  const dayAmt = buy ? p.buyamount : p.sellamount;
  const cfQtyAvail = buy ? p.cfbuyqty : p.cfsellqty;
  const cfAmt = buy ? p.cfbuyamount : p.cfsellamount;
  const dayQty = Math.min(qty, dayQtyAvail);
  const cfQty = qty - dayQty;
  return {
    dayQty,
    dayAmount: dayQtyAvail ? (dayAmt * dayQty) / dayQtyAvail : 0,
    cfQty,
    cfAmount: cfQtyAvail ? (cfAmt * cfQty) / cfQtyAvail : 0,
  };
}

function applyTake(p: PositionRecord, side: TransactionType, t: Taken, sign: 1 | -1): void {
  if (side === 'BUY') {
    p.buyqty += sign * t.dayQty;
    p.buyamount += sign * t.dayAmount;
    p.cfbuyqty += sign * t.cfQty;
    p.cfbuyamount += sign * t.cfAmount;
  } else {
    p.sellqty += sign * t.dayQty;
    p.sellamount += sign * t.dayAmount;
    p.cfsellqty += sign * t.cfQty;
    p.cfsellamount += sign * t.cfAmount;
  }
}

export { InputRejection };
