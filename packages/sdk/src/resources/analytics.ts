/**
 * Derivatives analytics: option greeks, top gainers/losers, put-call ratio, OI build-up, and the
 * intraday-allowed scrip lists.
 */
import type {
  CautionaryScrip,
  GainerLoser,
  GainersLosersRequest,
  IntradayScrip,
  OiBuildup,
  OiBuildupRequest,
  OptionGreek,
  OptionGreekRequest,
  PutCallRatio,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, check, enumStr, obj } from './validate.js';

const _EXPIRY_RE = /^\d{2}[A-Z]{3}\d{4}$/;

/** The analytics resource (`api.analytics`). */
export class Analytics {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Greeks and IV per strike and option type of an NSE underlying (strings with 6 decimals, as sent).
   * @venue POST /rest/secure/angelbroking/marketData/v1/optionGreek
   */
  async optionGreek(params: OptionGreekRequest, opts?: RequestOptions): Promise<OptionGreek[]> {
    const R = 'optionGreek';
    const o = obj(R, params);
    const name = o.name;
    const expirydate = typeof o.expirydate === 'string' ? o.expirydate.trim().toUpperCase() : o.expirydate;
    check(R, { name, expirydate });
    return asArray<OptionGreek>((await this.#ctx.core.call(R, { body: { name, expirydate } }, opts)).data);
  }

  /**
   * Top gainers/losers by price or OI change among NSE derivatives (≈10 rows).
   * @venue POST /rest/secure/angelbroking/marketData/v1/gainersLosers
   */
  async gainersLosers(params: GainersLosersRequest, opts?: RequestOptions): Promise<GainerLoser[]> {
    const R = 'gainersLosers';
    const o = obj(R, params);
    const body = { datatype: enumStr(o, 'datatype'), expirytype: enumStr(o, 'expirytype') };
    check(R, body);
    return asArray<GainerLoser>((await this.#ctx.core.call(R, { body }, opts)).data);
  }

  /**
   * Options put-call ratio per underlying (keyed by its futures symbol).
   * @venue GET /rest/secure/angelbroking/marketData/v1/putCallRatio
   */
  async putCallRatio(opts?: RequestOptions): Promise<PutCallRatio[]> {
    return asArray<PutCallRatio>((await this.#ctx.core.call('putCallRatio', {}, opts)).data);
  }

  /**
   * Long/short build-up, short covering or long unwinding (values as the venue sends them).
   * @venue POST /rest/secure/angelbroking/marketData/v1/OIBuildup
   */
  async oiBuildup(params: OiBuildupRequest, opts?: RequestOptions): Promise<OiBuildup[]> {
    const R = 'oiBuildup';
    const o = obj(R, params);
    const body = { expirytype: enumStr(o, 'expirytype'), datatype: enumStr(o, 'datatype') };
    check(R, body);
    return asArray<OiBuildup>((await this.#ctx.core.call(R, { body }, opts)).data);
  }

  /**
   * NSE scrips allowed for intraday, with their leverage (`Multiplier`).
   * @venue GET /rest/secure/angelbroking/marketData/v1/nseIntraday
   */
  async nseIntraday(opts?: RequestOptions): Promise<IntradayScrip[]> {
    return asArray<IntradayScrip>((await this.#ctx.core.call('nseIntraday', {}, opts)).data);
  }

  /**
   * BSE scrips allowed for intraday, with their leverage.
   * @venue GET /rest/secure/angelbroking/marketData/v1/bseIntraday
   */
  async bseIntraday(opts?: RequestOptions): Promise<IntradayScrip[]> {
    return asArray<IntradayScrip>((await this.#ctx.core.call('bseIntraday', {}, opts)).data);
  }

  /**
   * Scrips under surveillance (ASM/GSM, trade-for-trade) with the venue's notes.
   * @venue GET /rest/secure/angelbroking/securities/v1/cautionaryScrips
   */
  async cautionaryScrips(opts?: RequestOptions): Promise<CautionaryScrip[]> {
    return asArray<CautionaryScrip>((await this.#ctx.core.call('cautionaryScrips', {}, opts)).data);
  }
}
