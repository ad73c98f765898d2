/**
 * Market data over REST: LTP, quotes (LTP / OHLC / FULL, up to 50 tokens), scrip search.
 */
import {
  Exchange,
  type LtpRequest,
  type QuoteMode,
  QuoteMode as QuoteModes,
  type QuoteResponse,
  type ScripSearchResult,
  type SearchScripRequest,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, coerceFields, fail, obj, reqEnum, reqStr } from './validate.js';

/** Most tokens one quote request may carry. */
export const MAX_QUOTE_TOKENS = 50;

/** LTP data with numeric prices (the venue sends strings or numbers). */
export interface Ltp {
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
  open: number;
  high: number;
  low: number;
  /** Previous close. */
  close: number;
  ltp: number;
}

/** `market.quote()` parameters. */
export interface QuoteParams<M extends QuoteMode = QuoteMode> {
  mode: M;
  /** Tokens per exchange, e.g. `{ NSE: ['3045', '881'] }`; at most 50 in all. */
  exchangeTokens: Partial<Record<Exchange, string[]>>;
}

/** The market resource (`api.market`). */
export class Market {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Last traded price and day OHLC of one instrument; prices returned as numbers (rupees).
   * @venue POST /rest/secure/angelbroking/order/v1/getLtpData
   */
  async ltp(params: LtpRequest, opts?: RequestOptions): Promise<Ltp> {
    const R = 'getLtpData';
    const o = obj(R, params);
    const body = {
      exchange: reqEnum(R, o, 'exchange', Exchange),
      tradingsymbol: reqStr(R, o, 'tradingsymbol'),
      symboltoken: reqStr(R, o, 'symboltoken'),
    };
    let data = (await this.#ctx.core.call(R, { body }, opts)).data;
    if (Array.isArray(data)) data = data[0];
    const row = coerceFields(data as Ltp, ['open', 'high', 'low', 'close', 'ltp']);
    if (row && typeof row === 'object' && typeof row.symboltoken === 'number')
      row.symboltoken = String(row.symboltoken);
    return row;
  }

  /**
   * Quotes of up to 50 tokens across exchanges. `fetched` rows have numeric fields as the venue sends
   * them (JSON numbers); tokens the venue could not serve are in `unfetched`.
   * @venue POST /rest/secure/angelbroking/market/v1/quote
   */
  async quote<M extends QuoteMode>(params: QuoteParams<M>, opts?: RequestOptions): Promise<QuoteResponse<M>> {
    const R = 'quote';
    const o = obj(R, params);
    const mode = reqEnum(R, o, 'mode', QuoteModes);
    const et = o.exchangeTokens;
    if (et === null || typeof et !== 'object' || Array.isArray(et))
      fail(R, 'exchangeTokens must be an object');
    let total = 0;
    const exchangeTokens: Record<string, string[]> = {};
    for (const [ex, tokens] of Object.entries(et as Record<string, unknown>)) {
      if (!Object.values(Exchange).includes(ex as Exchange)) {
        fail(R, `exchangeTokens keys must be one of ${Object.values(Exchange).join(', ')}`);
      }
      if (!Array.isArray(tokens)) fail(R, `exchangeTokens.${ex} must be an array of tokens`);
      const list: string[] = [];
      for (const t of tokens) {
        const s = typeof t === 'number' && Number.isInteger(t) ? String(t) : t;
        if (typeof s !== 'string' || s.trim() === '')
          fail(R, `exchangeTokens.${ex} must hold non-empty tokens`);
        list.push(s);
      }
      if (list.length === 0) continue;
      total += list.length;
      exchangeTokens[ex] = list;
    }
    if (total === 0) fail(R, 'exchangeTokens must list at least one token');
    if (total > MAX_QUOTE_TOKENS) fail(R, `a quote takes at most ${MAX_QUOTE_TOKENS} tokens (got ${total})`);
    const data = (await this.#ctx.core.call(R, { body: { mode, exchangeTokens } }, opts)).data as Partial<
      QuoteResponse<M>
    > | null;
    return { fetched: asArray(data?.fetched), unfetched: asArray(data?.unfetched) } as QuoteResponse<M>;
  }

  /**
   * Instruments whose symbol matches `searchscrip` on one exchange; `[]` when none.
   * @venue POST /rest/secure/angelbroking/order/v1/searchScrip
   */
  async searchScrip(params: SearchScripRequest, opts?: RequestOptions): Promise<ScripSearchResult[]> {
    const R = 'searchScrip';
    const o = obj(R, params);
    const body = { exchange: reqEnum(R, o, 'exchange', Exchange), searchscrip: reqStr(R, o, 'searchscrip') };
    return asArray<ScripSearchResult>((await this.#ctx.core.call(R, { body }, opts)).data);
  }
}
