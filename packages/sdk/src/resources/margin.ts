/**
 * Margin calculator for a basket of positions.
 */
import {
  Exchange,
  type MarginRequest,
  type MarginResponse,
  OrderType,
  ProductType,
  TransactionType,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { buildBody, enumValue, fail, numVal, obj, reqEnum, reqStr } from './validate.js';

/** Most positions one margin request may carry. */
export const MAX_MARGIN_POSITIONS = 50;

/** The margin resource (`api.margin`). */
export class Margin {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Margin required for up to 50 positions (`qty` in units, `price` 0 for market). Amounts in rupees.
   * @venue POST /rest/secure/angelbroking/margin/v1/batch
   */
  async calculate(params: MarginRequest, opts?: RequestOptions): Promise<MarginResponse> {
    const R = 'marginBatch';
    const o = obj(R, params);
    if (!Array.isArray(o.positions) || o.positions.length === 0)
      fail(R, 'positions must be a non-empty array');
    if (o.positions.length > MAX_MARGIN_POSITIONS)
      fail(R, `at most ${MAX_MARGIN_POSITIONS} positions per request`);
    const positions = o.positions.map((p: unknown) => {
      const q = obj(R, p, 'each position');
      return buildBody(q, {
        exchange: reqEnum(R, q, 'exchange', Exchange),
        qty: numVal(R, q, 'qty', { integer: true, positive: true }),
        price: numVal(R, q, 'price'),
        productType: reqEnum(R, q, 'productType', ProductType),
        token: reqStr(R, q, 'token'),
        tradeType: reqEnum(R, q, 'tradeType', TransactionType),
        orderType: enumValue(R, q, 'orderType', OrderType, { optional: true }),
      });
    });
    return (await this.#ctx.core.call(R, { body: { positions } }, opts)).data as MarginResponse;
  }
}
