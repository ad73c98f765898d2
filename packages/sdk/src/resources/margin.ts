/**
 * Margin calculator for a basket of positions.
 */
import type { MarginRequest, MarginResponse } from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { buildBody, check, enumStr, numVal, type Obj, obj, str } from './validate.js';

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
    const positions = Array.isArray(o.positions)
      ? o.positions.map((p: unknown) => {
          if (p === null || typeof p !== 'object' || Array.isArray(p)) return p;
          const q = p as Obj;
          return buildBody(q, {
            exchange: enumStr(q, 'exchange'),
            qty: numVal(q, 'qty'),
            price: numVal(q, 'price'),
            productType: enumStr(q, 'productType'),
            token: str(q, 'token'),
            tradeType: enumStr(q, 'tradeType'),
            orderType: enumStr(q, 'orderType'),
          });
        })
      : o.positions;
    check(R, { positions });
    return (await this.#ctx.core.call(R, { body: { positions } }, opts)).data as MarginResponse;
  }
}
