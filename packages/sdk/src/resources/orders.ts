/**
 * Orders: place, modify, cancel, order book, trade book, individual order details.
 *
 * Placement, modification and cancellation are never retried blindly (the venue has no idempotency
 * key). If the answer is lost (timeout, connection dropped mid-request) the SDK reads the order book:
 * - `place()`: when you gave no `ordertag`, the SDK adds a unique one (`st` + 14 random base-36
 *   characters). If exactly one order carries it, `place()` resolves normally with that order's ids.
 *   Otherwise it throws `UnknownOutcomeError` whose `reconciliation` says `found` (with the row) or
 *   `absent` (the order is not in the book: safe to place again) or `unknown` (the book was unreadable).
 * - `modify()` / `cancel()`: when the order shows the requested change (new price/quantity, or a
 *   cancelled status), they resolve normally; otherwise `UnknownOutcomeError` with the row found.
 */
import {
  type ModifyOrderRequest,
  type Order,
  type OrderDetails,
  type OrderIdResponse,
  OrderStatus,
  OrderType,
  type PlaceOrderRequest,
  type PlaceOrderResponse,
  MAX_ORDERTAG_LENGTH as PROTOCOL_MAX_ORDERTAG_LENGTH,
  type Trade,
  type Variety,
} from '@smartapi-ts/protocol';
import { type ConnectionError, NotFoundError, UnknownOutcomeError } from '../errors.js';
import { sleep } from '../internal/clock.js';
import type { Decoded, RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import {
  asArray,
  buildBody,
  check,
  coerceFields,
  enumStr,
  fail,
  numStr,
  type Obj,
  obj,
  str,
} from './validate.js';

/**
 * Longest `ordertag` the venue accepts (19: AB4008 "ordertag length should be less than 20
 * characters"); the protocol's rule.
 */
export const MAX_ORDERTAG_LENGTH = PROTOCOL_MAX_ORDERTAG_LENGTH;

/** `orders.place()` parameters: the venue's placeOrder fields; numerics as numbers or decimal strings. */
export type PlaceOrderParams = PlaceOrderRequest;
/** `orders.modify()` parameters. */
export type ModifyOrderParams = ModifyOrderRequest;
/** `orders.cancel()` parameters. */
export interface CancelOrderParams {
  orderid: string;
  variety: Variety;
}

const NUMERIC_ORDER_FIELDS = [
  'price',
  'triggerprice',
  'quantity',
  'disclosedquantity',
  'squareoff',
  'stoploss',
  'trailingStopLoss',
] as const;
const ENUM_ORDER_FIELDS = [
  'variety',
  'transactiontype',
  'exchange',
  'ordertype',
  'producttype',
  'duration',
] as const;
const DETAIL_NUMBERS = [
  'price',
  'triggerprice',
  'squareoff',
  'stoploss',
  'trailingstoploss',
  'strikeprice',
  'averageprice',
] as const;

/** The wire form of order params: numerics as decimal strings (as the official clients send them). */
function orderFields(o: Obj, extra: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ENUM_ORDER_FIELDS) if (k in o) out[k] = enumStr(o, k);
  for (const k of NUMERIC_ORDER_FIELDS) if (k in o) out[k] = numStr(o, k);
  for (const k of ['tradingsymbol', 'symboltoken', 'orderid', ...extra]) if (k in o) out[k] = str(o, k);
  return out;
}

function placeBody(p: unknown, tag: string | undefined): Record<string, unknown> {
  const R = 'placeOrder';
  const o = obj(R, p);
  const fields = orderFields(o, ['ordertag']);
  const body = buildBody(o, fields);
  if (body.ordertype === OrderType.MARKET && body.price === undefined) body.price = '0';
  if (body.ordertag === undefined && tag !== undefined) body.ordertag = tag;
  check(R, body);
  return body;
}

function modifyBody(p: unknown): Record<string, unknown> {
  const R = 'modifyOrder';
  const o = obj(R, p);
  const body = buildBody(o, orderFields(o));
  check(R, body);
  return body;
}

const sameNum = (a: unknown, b: unknown) => b === undefined || Number(a) === Number(b);

/** The orders resource (`api.orders`). */
export class Orders {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /** A fresh unique order tag (16 characters). */
  newOrderTag(): string {
    let s = 'st';
    while (s.length < 16) s += Math.floor(this.#ctx.random() * 36).toString(36);
    return s;
  }

  /**
   * Places an order. Resolves to `{ script, orderid, uniqueorderid }` (the order reached the OMS; read
   * its status from the book or the order feed). See the module notes for unknown outcomes.
   * @venue POST /rest/secure/angelbroking/order/v1/placeOrder
   */
  async place(params: PlaceOrderParams, opts?: RequestOptions): Promise<PlaceOrderResponse> {
    const userTag = (params as { ordertag?: unknown } | null)?.ordertag;
    const generated = (userTag === undefined || userTag === null || userTag === '') && this.#ctx.autoOrderTag;
    const body = placeBody(params, generated ? this.newOrderTag() : undefined);
    const tag = body.ordertag as string | undefined;
    const res = await this.#ctx.core.call(
      'placeOrder',
      { body, reconcile: (err) => this.#reconcilePlace(err, tag, generated, opts) },
      opts,
    );
    return res.data as PlaceOrderResponse;
  }

  /**
   * Modifies an open order. Resolves to `{ orderid, uniqueorderid }`.
   * @venue POST /rest/secure/angelbroking/order/v1/modifyOrder
   */
  async modify(params: ModifyOrderParams, opts?: RequestOptions): Promise<OrderIdResponse> {
    const body = modifyBody(params);
    const res = await this.#ctx.core.call(
      'modifyOrder',
      {
        body,
        reconcile: (err) =>
          this.#reconcileChange(
            'modifyOrder',
            err,
            String(body.orderid),
            opts,
            (row) =>
              sameNum(row.price, body.price) &&
              sameNum(row.quantity, body.quantity) &&
              sameNum(row.triggerprice, body.triggerprice) &&
              (body.ordertype === undefined || row.ordertype === body.ordertype),
          ),
      },
      opts,
    );
    return res.data as OrderIdResponse;
  }

  /**
   * Cancels an open order. Resolves to `{ orderid, uniqueorderid }`.
   * @venue POST /rest/secure/angelbroking/order/v1/cancelOrder
   */
  async cancel(params: CancelOrderParams, opts?: RequestOptions): Promise<OrderIdResponse> {
    const R = 'cancelOrder';
    const o = obj(R, params);
    const body = { variety: enumStr(o, 'variety'), orderid: str(o, 'orderid') };
    check(R, body);
    const res = await this.#ctx.core.call(
      R,
      {
        body,
        reconcile: (err) =>
          this.#reconcileChange(
            R,
            err,
            String(body.orderid),
            opts,
            (row) => row.status === OrderStatus.CANCELLED || row.status === OrderStatus.AMO_CANCELLED,
          ),
      },
      opts,
    );
    return res.data as OrderIdResponse;
  }

  /**
   * Today's orders (rows as the venue sends them: every value a string). An empty book is `[]` (the
   * venue's `null` data and its AB1013 "Order not found" both map to `[]`).
   * @venue GET /rest/secure/angelbroking/order/v1/getOrderBook
   */
  async book(opts?: RequestOptions): Promise<Order[]> {
    try {
      return asArray<Order>((await this.#ctx.core.call('getOrderBook', {}, opts)).data);
    } catch (e) {
      if (e instanceof NotFoundError && e.code === 'AB1013') return [];
      throw e;
    }
  }

  /**
   * Today's trades (strings, as the venue sends them); `[]` when there are none (also for AB1014).
   * @venue GET /rest/secure/angelbroking/order/v1/getTradeBook
   */
  async trades(opts?: RequestOptions): Promise<Trade[]> {
    try {
      return asArray<Trade>((await this.#ctx.core.call('getTradeBook', {}, opts)).data);
    } catch (e) {
      if (e instanceof NotFoundError && e.code === 'AB1014') return [];
      throw e;
    }
  }

  /**
   * One order by its `uniqueorderid`. Price fields (`price`, `triggerprice`, `squareoff`, `stoploss`,
   * `trailingstoploss`, `strikeprice`, `averageprice`) are returned as numbers whatever the venue sent.
   * @venue GET /rest/secure/angelbroking/order/v1/details/{uniqueorderid}
   */
  async details(uniqueorderid: string, opts?: RequestOptions): Promise<OrderDetails> {
    if (typeof uniqueorderid !== 'string' || uniqueorderid.trim() === '')
      fail('orderDetails', 'uniqueorderid is required');
    const res = await this.#ctx.core.call(
      'orderDetails',
      { pathParams: { uniqueorderid: uniqueorderid.trim() } },
      opts,
    );
    return coerceFields(res.data as OrderDetails, DETAIL_NUMBERS);
  }

  /** Reads the order book for reconciliation: up to `reconcileAttempts` reads 1 s apart until `decide` settles. */
  async #poll<T>(
    opts: RequestOptions | undefined,
    decide: (rows: Order[]) => T | undefined,
  ): Promise<{ result: T | undefined; rows: Order[] | undefined; error: unknown }> {
    let rows: Order[] | undefined;
    let error: unknown;
    const signal = opts?.signal;
    for (let i = 0; i < this.#ctx.reconcileAttempts; i++) {
      if (i > 0) await sleep(this.#ctx.clock, 1000, signal);
      try {
        rows = await this.book(signal ? { signal } : undefined);
      } catch (e) {
        error = e;
        continue;
      }
      const r = decide(rows);
      if (r !== undefined) return { result: r, rows, error: undefined };
    }
    return { result: undefined, rows, error };
  }

  async #reconcilePlace(
    err: ConnectionError,
    tag: string | undefined,
    generated: boolean,
    opts: RequestOptions | undefined,
  ): Promise<Decoded> {
    const R = 'placeOrder';
    if (tag === undefined) {
      throw new UnknownOutcomeError(
        R,
        { outcome: 'unknown', reason: 'the order has no ordertag to look it up by (autoOrderTag is off)' },
        { cause: err },
      );
    }
    const { result, rows, error } = await this.#poll(opts, (book) => {
      const m = book.filter((r) => r.ordertag === tag);
      return m.length > 0 ? m : undefined;
    });
    if (result && result.length === 1 && generated) {
      const row = result[0] as Order;
      return {
        data: { script: row.tradingsymbol, orderid: row.orderid, uniqueorderid: row.uniqueorderid },
        message: 'SUCCESS',
      };
    }
    if (result) {
      throw new UnknownOutcomeError(
        R,
        result.length === 1
          ? { outcome: 'found', order: result[0], ordertag: tag }
          : { outcome: 'found', order: result[0], matches: result, ordertag: tag },
        { cause: err },
      );
    }
    if (rows === undefined) {
      throw new UnknownOutcomeError(
        R,
        {
          outcome: 'unknown',
          ordertag: tag,
          reason: `the order book could not be read${error instanceof Error ? ` (${error.name})` : ''}`,
        },
        { cause: err },
      );
    }
    throw new UnknownOutcomeError(R, { outcome: 'absent', ordertag: tag }, { cause: err });
  }

  async #reconcileChange(
    route: 'modifyOrder' | 'cancelOrder',
    err: ConnectionError,
    orderid: string,
    opts: RequestOptions | undefined,
    applied: (row: Order) => boolean,
  ): Promise<Decoded> {
    let last: Order | undefined;
    const { result, rows, error } = await this.#poll(opts, (book) => {
      const row = book.find((r) => r.orderid === orderid);
      last = row;
      return row && applied(row) ? row : undefined;
    });
    if (result) {
      return { data: { orderid: result.orderid, uniqueorderid: result.uniqueorderid }, message: 'SUCCESS' };
    }
    if (last)
      throw new UnknownOutcomeError(route, { outcome: 'found', order: last, applied: false }, { cause: err });
    if (rows === undefined) {
      throw new UnknownOutcomeError(
        route,
        {
          outcome: 'unknown',
          reason: `the order book could not be read${error instanceof Error ? ` (${error.name})` : ''}`,
        },
        { cause: err },
      );
    }
    throw new UnknownOutcomeError(route, { outcome: 'absent' }, { cause: err });
  }
}
