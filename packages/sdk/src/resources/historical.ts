/**
 * Historical candles and open interest (one venue request per call; each request may span at most
 * the interval's maximum number of days, `INTERVAL_MAX_DAYS`).
 */
import {
  type CandleRequest,
  type CandleRow,
  Exchange,
  formatIstDateTime,
  type OiDataPoint,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, check, enumStr, obj } from './validate.js';

/** Exchanges with historical data. */
export const HISTORICAL_EXCHANGES = [
  Exchange.NSE,
  Exchange.NFO,
  Exchange.BSE,
  Exchange.BFO,
  Exchange.MCX,
] as const;

/** `historical.candles()` / `oiData()` parameters; dates as `yyyy-MM-dd HH:mm` (IST), `Date` or epoch ms. */
export interface CandleParams extends Omit<CandleRequest, 'fromdate' | 'todate'> {
  fromdate: string | Date | number;
  todate: string | Date | number;
}

/** A date field on the wire: `Date` and epoch ms become `yyyy-MM-dd HH:mm` (IST); text goes as is. */
function dateField(o: Record<string, unknown>, key: string): unknown {
  const v = o[key];
  if (v instanceof Date || typeof v === 'number') {
    const ms = v instanceof Date ? v.getTime() : v;
    return Number.isFinite(ms) ? formatIstDateTime(ms) : String(v);
  }
  return v;
}

/**
 * The wire body of a candle/OI request, checked with the protocol's rules (exchange, token, interval,
 * `yyyy-MM-dd HH:mm` dates, `fromdate <= todate`, the interval's maximum span).
 */
export function candleBody(route: 'getCandleData' | 'getOIData', params: unknown): CandleRequest {
  const o = obj(route, params);
  const body = {
    exchange: enumStr(o, 'exchange'),
    symboltoken: o.symboltoken,
    interval: enumStr(o, 'interval'),
    fromdate: dateField(o, 'fromdate'),
    todate: dateField(o, 'todate'),
  };
  check(route, body);
  return body as CandleRequest;
}

/** The historical-data resource (`api.historical`). */
export class Historical {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * OHLCV candles `[timestamp (ISO, +05:30), open, high, low, close, volume]`, prices in rupees;
   * `[]` when there is no data.
   * @venue POST /rest/secure/angelbroking/historical/v1/getCandleData
   */
  async candles(params: CandleParams, opts?: RequestOptions): Promise<CandleRow[]> {
    const body = candleBody('getCandleData', params);
    return asArray<CandleRow>((await this.#ctx.core.call('getCandleData', { body }, opts)).data);
  }

  /**
   * Open interest points `{ time, oi }` of a live F&O contract; `[]` when none.
   * @venue POST /rest/secure/angelbroking/historical/v1/getOIData
   */
  async oiData(params: CandleParams, opts?: RequestOptions): Promise<OiDataPoint[]> {
    const body = candleBody('getOIData', params);
    return asArray<OiDataPoint>((await this.#ctx.core.call('getOIData', { body }, opts)).data);
  }
}
