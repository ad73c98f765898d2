/**
 * Portfolio: holdings, all holdings with totals, positions, position conversion.
 */
import type { AllHoldings, ConvertPositionRequest, Holding, Position } from '@smartapi-ts/protocol';
import { NotFoundError } from '../errors.js';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, buildBody, check, coerceFields, enumStr, numVal, obj, str } from './validate.js';

/** `portfolio.convertPosition()` parameters. */
export type ConvertPositionParams = ConvertPositionRequest;

const HOLDING_NUMBERS = [
  't1quantity',
  'realisedquantity',
  'quantity',
  'authorisedquantity',
  'collateralquantity',
  'haircut',
  'averageprice',
  'ltp',
  'close',
  'profitandloss',
  'pnlpercentage',
] as const;
const TOTAL_NUMBERS = [
  'totalholdingvalue',
  'totalinvvalue',
  'totalprofitandloss',
  'totalpnlpercentage',
] as const;

/** The portfolio resource (`api.portfolio`). */
export class Portfolio {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Demat holdings; numeric fields are numbers (coerced if the venue sent strings). `[]` when empty
   * (also for AB1015 "Holding not found").
   * @venue GET /rest/secure/angelbroking/portfolio/v1/getHolding
   */
  async holdings(opts?: RequestOptions): Promise<Holding[]> {
    try {
      const rows = asArray<Holding>((await this.#ctx.core.call('getHolding', {}, opts)).data);
      for (const r of rows) coerceFields(r, HOLDING_NUMBERS);
      return rows;
    } catch (e) {
      if (e instanceof NotFoundError && e.code === 'AB1015') return [];
      throw e;
    }
  }

  /**
   * Holdings plus portfolio totals (`totalholding`); numbers coerced as in {@link Portfolio.holdings}.
   * @venue GET /rest/secure/angelbroking/portfolio/v1/getAllHolding
   */
  async allHoldings(opts?: RequestOptions): Promise<AllHoldings> {
    let data: Partial<AllHoldings> | null;
    try {
      data = (await this.#ctx.core.call('getAllHolding', {}, opts)).data as Partial<AllHoldings> | null;
    } catch (e) {
      if (!(e instanceof NotFoundError && e.code === 'AB1015')) throw e;
      data = null;
    }
    const holdings = asArray<Holding>(data?.holdings);
    for (const r of holdings) coerceFields(r, HOLDING_NUMBERS);
    const totalholding = coerceFields(
      {
        totalholdingvalue: 0,
        totalinvvalue: 0,
        totalprofitandloss: 0,
        totalpnlpercentage: 0,
        ...(data?.totalholding ?? {}),
      },
      TOTAL_NUMBERS,
    );
    return { holdings, totalholding };
  }

  /**
   * Net and day positions (strings, as the venue sends them). `[]` when flat (also for AB1016).
   * @venue GET /rest/secure/angelbroking/order/v1/getPosition
   */
  async positions(opts?: RequestOptions): Promise<Position[]> {
    try {
      return asArray<Position>((await this.#ctx.core.call('getPosition', {}, opts)).data);
    } catch (e) {
      if (e instanceof NotFoundError && e.code === 'AB1016') return [];
      throw e;
    }
  }

  /**
   * Converts a position's product type (e.g. INTRADAY → DELIVERY). Resolves when the venue accepts.
   * Not retried blindly; an unknown outcome throws `UnknownOutcomeError` (check `positions()`).
   * @venue POST /rest/secure/angelbroking/order/v1/convertPosition
   */
  async convertPosition(params: ConvertPositionParams, opts?: RequestOptions): Promise<void> {
    const R = 'convertPosition';
    const o = obj(R, params);
    const body = buildBody(o, {
      exchange: enumStr(o, 'exchange'),
      oldproducttype: enumStr(o, 'oldproducttype'),
      newproducttype: enumStr(o, 'newproducttype'),
      tradingsymbol: str(o, 'tradingsymbol'),
      transactiontype: enumStr(o, 'transactiontype'),
      quantity: numVal(o, 'quantity'),
      type: enumStr(o, 'type'),
    });
    check(R, body);
    await this.#ctx.core.call(R, { body }, opts);
  }
}
