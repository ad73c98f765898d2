/**
 * Brokerage and statutory charges estimate.
 */
import {
  type EstimateChargesRequest,
  type EstimateChargesResponse,
  Exchange,
  ProductType,
  TransactionType,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { buildBody, fail, numStr, obj, reqEnum, reqStr } from './validate.js';

/** Most orders one estimate may carry. */
export const MAX_CHARGE_ORDERS = 50;

/** The charges resource (`api.charges`). */
export class Charges {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Charges of a list of orders (snake_case fields, as the venue spells them; quantity and price sent
   * as strings). Amounts in rupees.
   * @venue POST /rest/secure/angelbroking/brokerage/v1/estimateCharges
   */
  async estimate(params: EstimateChargesRequest, opts?: RequestOptions): Promise<EstimateChargesResponse> {
    const R = 'estimateCharges';
    const o = obj(R, params);
    if (!Array.isArray(o.orders) || o.orders.length === 0) fail(R, 'orders must be a non-empty array');
    if (o.orders.length > MAX_CHARGE_ORDERS) fail(R, `at most ${MAX_CHARGE_ORDERS} orders per request`);
    const orders = o.orders.map((x: unknown) => {
      const q = obj(R, x, 'each order');
      return buildBody(q, {
        product_type: reqEnum(R, q, 'product_type', ProductType),
        transaction_type: reqEnum(R, q, 'transaction_type', TransactionType),
        quantity: numStr(R, q, 'quantity', { integer: true, positive: true }),
        price: numStr(R, q, 'price'),
        exchange: reqEnum(R, q, 'exchange', Exchange),
        symbol_name: reqStr(R, q, 'symbol_name'),
        token: reqStr(R, q, 'token'),
      });
    });
    return (await this.#ctx.core.call(R, { body: { orders } }, opts)).data as EstimateChargesResponse;
  }
}
