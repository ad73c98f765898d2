/**
 * User: profile and funds (RMS limits).
 */
import type { Profile, RmsLimits } from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';

/** The user resource (`api.user`). */
export class User {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * The logged-in client's profile.
   * @venue GET /rest/secure/angelbroking/user/v1/getProfile
   */
  async profile(opts?: RequestOptions): Promise<Profile> {
    return (await this.#ctx.core.call('getProfile', {}, opts)).data as Profile;
  }

  /**
   * Funds and margins. Values are decimal strings (or `null`) exactly as the venue sends them; use
   * `rupeesToPaise()` from the protocol package to compute with them.
   * @venue GET /rest/secure/angelbroking/user/v1/getRMS
   */
  async rms(opts?: RequestOptions): Promise<RmsLimits> {
    return (await this.#ctx.core.call('getRMS', {}, opts)).data as RmsLimits;
  }
}
