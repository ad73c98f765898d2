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
import type { AccountState, EngineContext, OrderRecord } from '../types.js';
import { Fields, fail, INVALID_INPUT } from '../validate.js';

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
export interface ModifySpec {
  o: OrderRecord;
  ordertype: OrderType;
  duration: Duration;
  qty: number;
  price: number;
  trigger: number;
  disclosed: number;
}

/** Parses a `placeOrder` body (docs/protocol/rest.md#place-order). */
export function parseOrder(body: unknown, ctx: EngineContext): OrderSpec {
  const f = new Fields(body);
  const variety = f.enumOf('variety', Variety, ErrorCode.INVALID_VARIETY);
  const product = f.enumOf('producttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
  const ordertag = f.optStr('ordertag', ErrorCode.ORDERTAG_TOO_LONG) ?? '';
  if (ordertag.length > MAX_ORDERTAG_LENGTH) fail(ErrorCode.ORDERTAG_TOO_LONG);
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
  if (variety === 'ROBO' && product !== 'BO' && product !== 'INTRADAY') fail(ErrorCode.INVALID_PRODUCT_TYPE);
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

/** The working order a `modifyOrder` / `cancelOrder` body names (`AB1013` unknown, not working). */
function workingOrder(acc: AccountState, f: Fields, what: 'modified' | 'cancelled'): OrderRecord {
  f.enumOf('variety', Variety, ErrorCode.INVALID_VARIETY);
  const orderid = f.str('orderid', ErrorCode.ORDER_NOT_FOUND);
  const o = acc.orders.get(orderid);
  if (!o) fail(ErrorCode.ORDER_NOT_FOUND);
  if (!isWorking(o)) fail(INVALID_INPUT, `Order cannot be ${what}: it is ${o.status}`);
  return o;
}

/** Parses a `modifyOrder` body (docs/protocol/rest.md#modify-order): absent fields keep the order's values. */
export function parseModify(acc: AccountState, body: unknown): ModifySpec {
  const f = new Fields(body);
  const o = workingOrder(acc, f, 'modified');
  const product = f.optEnumOf('producttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
  if (product !== undefined && product !== o.producttype)
    fail(ErrorCode.INVALID_PRODUCT_TYPE, 'Product type cannot be modified');
  const ordertype = f.optEnumOf('ordertype', OrderType, INVALID_INPUT, 'Invalid Order Type') ?? o.ordertype;
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
}

/** Parses a `cancelOrder` body (docs/protocol/rest.md#cancel-order): the working order to cancel. */
export function parseCancel(acc: AccountState, body: unknown): OrderRecord {
  return workingOrder(acc, new Fields(body), 'cancelled');
}
