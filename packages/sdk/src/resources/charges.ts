/**
 * Brokerage and statutory charges estimate.
 */
import type { EstimateChargesRequest, EstimateChargesResponse } from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { buildBody, check, enumStr, numStr, type Obj, obj, str } from './validate.js';

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
    const orders = Array.isArray(o.orders)
      ? o.orders.map((x: unknown) => {
          if (x === null || typeof x !== 'object' || Array.isArray(x)) return x;
          const q = x as Obj;
          return buildBody(q, {
            product_type: enumStr(q, 'product_type'),
            transaction_type: enumStr(q, 'transaction_type'),
            quantity: numStr(q, 'quantity'),
            price: numStr(q, 'price'),
            exchange: enumStr(q, 'exchange'),
            symbol_name: str(q, 'symbol_name'),
            token: str(q, 'token'),
          });
        })
      : o.orders;
    check(R, { orders });
    return (await this.#ctx.core.call(R, { body: { orders } }, opts)).data as EstimateChargesResponse;
  }
}
