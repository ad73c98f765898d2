/**
 * Market data over REST: LTP, quotes (LTP / OHLC / FULL, up to 50 tokens), scrip search.
 */
import {
  type Exchange,
  type LtpRequest,
  MAX_QUOTE_TOKENS as PROTOCOL_MAX_QUOTE_TOKENS,
  type QuoteMode,
  type QuoteResponse,
  type ScripSearchResult,
  type SearchScripRequest,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, buildBody, check, coerceFields, enumStr, obj } from './validate.js';

/** Most tokens one quote request may carry (the protocol's rule). */
export const MAX_QUOTE_TOKENS = PROTOCOL_MAX_QUOTE_TOKENS;

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
    const body = buildBody(o, {
      exchange: enumStr(o, 'exchange'),
      tradingsymbol: o.tradingsymbol,
      symboltoken: o.symboltoken,
    });
    check(R, body);
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
    const et = o.exchangeTokens;
    let exchangeTokens: unknown = et;
    if (et !== null && typeof et === 'object' && !Array.isArray(et)) {
      // Tokens as strings (as the official clients send them); exchanges without tokens left out.
      const out: Record<string, unknown> = {};
      for (const [ex, tokens] of Object.entries(et as Record<string, unknown>)) {
        if (Array.isArray(tokens) && tokens.length === 0) continue;
        out[ex] = Array.isArray(tokens)
          ? tokens.map((t) => (typeof t === 'number' && Number.isSafeInteger(t) && t >= 0 ? String(t) : t))
          : tokens;
      }
      exchangeTokens = out;
    }
    const mode = enumStr(o, 'mode');
    check(R, { mode, exchangeTokens });
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
    const body = buildBody(o, { exchange: enumStr(o, 'exchange'), searchscrip: o.searchscrip });
    check(R, body);
    return asArray<ScripSearchResult>((await this.#ctx.core.call(R, { body }, opts)).data);
  }
}
