/**
 * Order requests → validated specs. Gateway-level input errors throw an `InputRejection` (turned into a
 * rejection by `parseBody`); nothing here changes state.
 */
import {
  Duration,
  ErrorCode,
  Exchange,
  istDayStart,
  MAX_ORDERTAG_LENGTH,
  OrderType,
  ProductType,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';
import type { Instrument } from '../ports.js';
import { isStop } from '../risk/checks.js';
import { isWorking } from '../state.js';
import type { AccountState, EngineContext, OrderRecord, OrderTerms } from '../types.js';
import {
  bodyObject,
  fail,
  INVALID_INPUT,
  intOf,
  oneOf,
  optIntOf,
  optOneOf,
  optPaiseOf,
  optStrOf,
  strOf,
} from '../validate.js';

// The enums' values, listed once for the parsers below.
const VARIETIES = Object.values(Variety);
const PRODUCTS = Object.values(ProductType);
const EXCHANGES = Object.values(Exchange);
const SIDES = Object.values(TransactionType);
const ORDER_TYPES = Object.values(OrderType);
const DURATIONS = Object.values(Duration);

/** A validated order request (prices in paise). */
export interface OrderSpec {
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

/** A validated `modifyOrder`: the working order and its new values. */
export interface ModifySpec extends OrderTerms {
  o: OrderRecord;
}

/**
 * The fields of an order request the parsers read. The body is read once by name (`readOrderBody`), so
 * every property access is a named one the JIT caches (cheaper than a look-up by a variable key).
 */
interface OrderBody {
  variety: unknown;
  producttype: unknown;
  ordertag: unknown;
  exchange: unknown;
  symboltoken: unknown;
  tradingsymbol: unknown;
  transactiontype: unknown;
  ordertype: unknown;
  duration: unknown;
  quantity: unknown;
  price: unknown;
  triggerprice: unknown;
  disclosedquantity: unknown;
  squareoff: unknown;
  stoploss: unknown;
  trailingStopLoss: unknown;
  trailingstoploss: unknown;
  orderid: unknown;
}

/** Parses a `placeOrder` body (docs/protocol/rest.md#place-order). */
export function parseOrder(body: unknown, ctx: EngineContext): OrderSpec {
  const b = bodyObject(body) as unknown as OrderBody;
  const variety = oneOf(b.variety, VARIETIES, ErrorCode.INVALID_VARIETY);
  const product = oneOf(b.producttype, PRODUCTS, ErrorCode.INVALID_PRODUCT_TYPE);
  const ordertag = optStrOf(b.ordertag, ErrorCode.ORDERTAG_TOO_LONG) ?? '';
  if (ordertag.length > MAX_ORDERTAG_LENGTH) fail(ErrorCode.ORDERTAG_TOO_LONG);
  const exchange = oneOf(b.exchange, EXCHANGES, ErrorCode.SYMBOL_NOT_FOUND, 'Invalid Exchange');
  const token = optStrOf(b.symboltoken, ErrorCode.SYMBOL_TOKEN_EMPTY);
  if (token === undefined) fail(ErrorCode.SYMBOL_TOKEN_EMPTY);
  const symbol = strOf(b.tradingsymbol, ErrorCode.SYMBOL_NOT_FOUND);
  const side = oneOf(b.transactiontype, SIDES, INVALID_INPUT, 'Invalid Transaction Type');
  const ordertype = oneOf(b.ordertype, ORDER_TYPES, INVALID_INPUT, 'Invalid Order Type');
  const duration = oneOf(b.duration, DURATIONS, INVALID_INPUT, 'Invalid Duration');
  const qty = intOf(b.quantity, INVALID_INPUT, 'Invalid Quantity');
  if (qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
  let price = optPaiseOf(b.price, INVALID_INPUT, 'Invalid Price') ?? 0;
  let trigger = optPaiseOf(b.triggerprice, INVALID_INPUT, 'Invalid Trigger Price') ?? 0;
  const disclosed = optIntOf(b.disclosedquantity, INVALID_INPUT, 'Invalid Disclosed Quantity') ?? 0;
  const squareoff = optPaiseOf(b.squareoff, INVALID_INPUT, 'Invalid Squareoff') ?? 0;
  const stoploss = optPaiseOf(b.stoploss, INVALID_INPUT, 'Invalid Stoploss') ?? 0;
  const trailing =
    optPaiseOf(b.trailingStopLoss, INVALID_INPUT, 'Invalid Trailing Stoploss') ??
    optPaiseOf(b.trailingstoploss, INVALID_INPUT, 'Invalid Trailing Stoploss') ??
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
  if (variety === 'ROBO' && product !== 'BO' && product !== 'INTRADAY') fail(ErrorCode.INVALID_PRODUCT_TYPE);
  const inst = ctx.market.instrument(exchange, token);
  // Case-insensitive symbol match (the exact spelling, the common case, needs no upper-cased copies).
  if (
    !inst ||
    (inst.symbol !== symbol && inst.symbol.toUpperCase() !== symbol.toUpperCase()) ||
    !inst.tradable
  )
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

/** The working order a `modifyOrder` / `cancelOrder` body names (`AB1013` unknown, not working). */
function workingOrder(acc: AccountState, b: OrderBody, what: 'modified' | 'cancelled'): OrderRecord {
  oneOf(b.variety, VARIETIES, ErrorCode.INVALID_VARIETY);
  const orderid = strOf(b.orderid, ErrorCode.ORDER_NOT_FOUND);
  const o = acc.orders.get(orderid);
  if (!o) fail(ErrorCode.ORDER_NOT_FOUND);
  if (!isWorking(o)) fail(INVALID_INPUT, `Order cannot be ${what}: it is ${o.status}`);
  return o;
}

/** Parses a `modifyOrder` body (docs/protocol/rest.md#modify-order): absent fields keep the order's values. */
export function parseModify(acc: AccountState, body: unknown): ModifySpec {
  const b = bodyObject(body) as unknown as OrderBody;
  const o = workingOrder(acc, b, 'modified');
  const product = optOneOf(b.producttype, PRODUCTS, ErrorCode.INVALID_PRODUCT_TYPE);
  if (product !== undefined && product !== o.producttype)
    fail(ErrorCode.INVALID_PRODUCT_TYPE, 'Product type cannot be modified');
  const ordertype = optOneOf(b.ordertype, ORDER_TYPES, INVALID_INPUT, 'Invalid Order Type') ?? o.ordertype;
  const duration = optOneOf(b.duration, DURATIONS, INVALID_INPUT, 'Invalid Duration') ?? o.duration;
  const qty = optIntOf(b.quantity, INVALID_INPUT, 'Invalid Quantity') ?? o.quantity;
  if (qty <= o.filledshares + o.cancelsize || qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
  let price = optPaiseOf(b.price, INVALID_INPUT, 'Invalid Price') ?? o.price;
  let trigger = optPaiseOf(b.triggerprice, INVALID_INPUT, 'Invalid Trigger Price') ?? o.triggerprice;
  const disclosed =
    optIntOf(b.disclosedquantity, INVALID_INPUT, 'Invalid Disclosed Quantity') ?? o.disclosedquantity;
  if (ordertype === 'MARKET' || ordertype === 'STOPLOSS_MARKET') price = 0;
  if (!isStop(ordertype)) trigger = 0;
  if (price < 0 || trigger < 0 || disclosed < 0 || disclosed > qty) fail(INVALID_INPUT, 'Invalid Price');
  if ((ordertype === 'LIMIT' || ordertype === 'STOPLOSS_LIMIT') && price <= 0)
    fail(INVALID_INPUT, 'Invalid Price');
  if (isStop(ordertype) && trigger <= 0 && !o.triggered) fail(INVALID_INPUT, 'Invalid Trigger Price');
  return { o, ordertype, duration, qty, price, trigger, disclosed };
}

/** Parses a `cancelOrder` body (docs/protocol/rest.md#cancel-order): the working order to cancel. */
export function parseCancel(acc: AccountState, body: unknown): OrderRecord {
  return workingOrder(acc, bodyObject(body) as unknown as OrderBody, 'cancelled');
}
