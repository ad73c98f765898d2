/**
 * EDIS: authorising holdings for sale without a POA (CDSL TPIN flow).
 */
import type {
  GenerateTpinRequest,
  TranStatusRequest,
  TranStatusResponse,
  VerifyDisRequest,
  VerifyDisResponse,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { check, numStr, obj, str } from './validate.js';

const _ISIN_RE = /^[A-Z]{2}[A-Z0-9]{9}\d$/;

/** The EDIS resource (`api.edis`). */
export class Edis {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Starts an authorisation for `quantity` shares of `isin`; returns the CDSL form fields. "Already
   * authorised today" (AG1000) throws `OrderRejectedError` whose `data` holds the venue's answer.
   * @venue POST /rest/secure/angelbroking/edis/v1/verifyDis
   */
  async verifyDis(params: VerifyDisRequest, opts?: RequestOptions): Promise<VerifyDisResponse> {
    const R = 'verifyDis';
    const o = obj(R, params);
    const isin = typeof o.isin === 'string' ? o.isin.trim().toUpperCase() : o.isin;
    const body = { isin, quantity: numStr(o, 'quantity') };
    check(R, body);
    return (await this.#ctx.core.call(R, { body }, opts)).data as VerifyDisResponse;
  }

  /**
   * Asks CDSL to send the TPIN to the account holder.
   * @venue POST /rest/secure/angelbroking/edis/v1/generateTPIN
   */
  async generateTpin(params: GenerateTpinRequest, opts?: RequestOptions): Promise<void> {
    const R = 'generateTPIN';
    const o = obj(R, params);
    const body = { dpId: str(o, 'dpId'), ReqId: str(o, 'ReqId'), boid: str(o, 'boid'), pan: str(o, 'pan') };
    check(R, body);
    await this.#ctx.core.call(R, { body }, opts);
  }

  /**
   * Status of an authorisation request.
   * @venue POST /rest/secure/angelbroking/edis/v1/getTranStatus
   */
  async transactionStatus(params: TranStatusRequest, opts?: RequestOptions): Promise<TranStatusResponse> {
    const R = 'getTranStatus';
    const o = obj(R, params);
    const body = { ReqId: str(o, 'ReqId') };
    check(R, body);
    return (await this.#ctx.core.call(R, { body }, opts)).data as TranStatusResponse;
  }
}
