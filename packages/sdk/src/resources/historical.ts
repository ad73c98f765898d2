/**
 * Historical candles and open interest (one venue request per call; each request may span at most
 * the interval's maximum number of days, `INTERVAL_MAX_DAYS`).
 */
import {
  type CandleRequest,
  type CandleRow,
  Exchange,
  formatIstDateTime,
  INTERVAL_MAX_DAYS,
  Interval,
  type OiDataPoint,
  parseIstDateTime,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, fail, obj, reqEnum, reqStr } from './validate.js';

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

const DATE_RE = /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}$/;
const DAY_MS = 86_400_000;

function dateField(
  route: 'getCandleData' | 'getOIData',
  o: Record<string, unknown>,
  key: string,
): [string, number] {
  const v = o[key];
  if (v instanceof Date || typeof v === 'number') {
    const ms = v instanceof Date ? v.getTime() : v;
    if (!Number.isFinite(ms)) fail(route, `${key} is not a valid date`);
    return [formatIstDateTime(ms), ms];
  }
  if (typeof v !== 'string' || v === '') fail(route, `${key} is required`);
  const ms = DATE_RE.test(v) ? parseIstDateTime(v) : undefined;
  if (ms === undefined) fail(route, `${key} must be "yyyy-MM-dd HH:mm" (IST), a Date or epoch ms`);
  return [v, ms];
}

/** Validates a candle/OI request and returns the wire body. */
export function candleBody(route: 'getCandleData' | 'getOIData', params: unknown): CandleRequest {
  const o = obj(route, params);
  const exchange = reqEnum(route, o, 'exchange', Exchange, HISTORICAL_EXCHANGES);
  const symboltoken = reqStr(route, o, 'symboltoken');
  const interval = reqEnum(route, o, 'interval', Interval);
  const [fromdate, from] = dateField(route, o, 'fromdate');
  const [todate, to] = dateField(route, o, 'todate');
  if (to < from) fail(route, 'todate must not be before fromdate');
  const max = INTERVAL_MAX_DAYS[interval];
  if (to - from > max * DAY_MS) fail(route, `${interval} requests may span at most ${max} days`);
  return { exchange, symboltoken, interval, fromdate, todate };
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
