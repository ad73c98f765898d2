/**
 * `SmartApi`: the idiomatic client. Options, resources and session wiring; no request logic here.
 */
import { EventEmitter } from 'node:events';
import { DEFAULT_ROOT_URL } from '@smartapi-ts/protocol';
import { InputError } from './errors.js';
import { type Clock, systemClock } from './internal/clock.js';
import { type RequestOptions, RestCore } from './internal/core.js';
import { HeaderBuilder } from './internal/headers.js';
import { type Logger, safeLogger } from './internal/logger.js';
import { Redactor } from './internal/redact.js';
import { type RetryOptions, retryPolicy } from './internal/retry.js';
import {
  createFetchTransport,
  createUndiciTransport,
  type FetchLike,
  type Transport,
} from './internal/transport.js';
import { Analytics } from './resources/analytics.js';
import { Charges } from './resources/charges.js';
import type { ResourceContext } from './resources/context.js';
import { Edis } from './resources/edis.js';
import { Gtt } from './resources/gtt.js';
import { Historical } from './resources/historical.js';
import { Margin } from './resources/margin.js';
import { Market } from './resources/market.js';
import { Orders } from './resources/orders.js';
import { Portfolio } from './resources/portfolio.js';
import { User } from './resources/user.js';
import {
  type LoginParams,
  type Session,
  type SessionEvents,
  SessionManager,
  type SessionTokensInit,
} from './session/session.js';
import { MemorySessionStore, type SessionStore } from './session/store.js';

/** Options of {@link SmartApi}. */
export interface SmartApiOptions {
  /** Your SmartAPI key (sent as `X-PrivateKey`). */
  apiKey: string;
  /** REST root. @default 'https://apiconnect.angelone.in' */
  root?: string;
  /** Timeout of each HTTP attempt in ms. @default 7000 */
  timeout?: number;
  /**
   * Client-side rate limiting per the venue's published limits (per client code, shared by every
   * client of that code in this process). `{ scale }` multiplies every budget. @default true
   */
  rateLimit?: boolean | { scale?: number };
  /** Retry policy of reads (and of writes that certainly did not reach the venue); `false` = none. */
  retry?: RetryOptions | false;
  /** A `fetch` to use instead of the built-in keep-alive node:http transport (tests, browsers, proxies). */
  fetch?: FetchLike;
  /** Time source for backoff, rate-limit waits, TOTP codes and the daily re-login. @default system clock */
  clock?: Clock;
  /** Receives one redacted debug line per request and warnings; `console` works. @default silent */
  logger?: Partial<Logger>;
  /** `X-ClientLocalIP`. @default the host's first non-internal IPv4 address (127.0.0.1 if none) */
  clientLocalIp?: string;
  /** `X-ClientPublicIP`. @default the local IP (the SDK never calls an IP-echo service) */
  clientPublicIp?: string;
  /** `X-MACAddress`. @default the MAC of that interface (00:00:00:00:00:00 if none) */
  macAddress?: string;
  /** Where tokens are kept. @default an in-memory store */
  sessionStore?: SessionStore;
  /** Tag untagged placements with a unique `ordertag` so lost answers can be reconciled. @default true */
  autoOrderTag?: boolean;
  /** Log in again right after the daily 00:00 IST expiry when `totpSecret` was given. @default true */
  autoRelogin?: boolean;
  /** Identical GET calls waiting for the rate limiter share one request. @default true */
  coalesceReads?: boolean;
  /** Pooled keep-alive connections of the built-in transport (undici `Pool`). @default 64 */
  maxSockets?: number;
  /** Random source in [0, 1) for backoff jitter and order tags (tests). @default Math.random */
  random?: () => number;
  /** Order-book reads, 1 s apart, used to reconcile an order write with a lost answer. @default 3 */
  reconcileAttempts?: number;
}

/** Events of {@link SmartApi}. */
export type SmartApiEvents = SessionEvents;

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The SmartAPI REST client.
 *
 * ```ts
 * const api = new SmartApi({ apiKey });
 * await api.login({ clientCode, password, totpSecret });
 * const { orderid } = await api.orders.place({ ... });
 * ```
 *
 * Construction has no side effects (no network, no files, no timers). Events: `session` (new tokens),
 * `sessionExpired` (the venue rejected the session and refresh/re-login failed), `logout`.
 */
export class SmartApi extends EventEmitter<SmartApiEvents> {
  /** Profile and funds. */
  readonly user: User;
  /** Orders, order book, trade book. */
  readonly orders: Orders;
  /** Holdings, positions, conversion. */
  readonly portfolio: Portfolio;
  /** GTT rules. */
  readonly gtt: Gtt;
  /** LTP, quotes, scrip search. */
  readonly market: Market;
  /** Candles and OI history. */
  readonly historical: Historical;
  /** Margin calculator. */
  readonly margin: Margin;
  /** Brokerage/charges estimate. */
  readonly charges: Charges;
  /** EDIS authorisation. */
  readonly edis: Edis;
  /** Option greeks, gainers/losers, PCR, OI build-up, intraday lists. */
  readonly analytics: Analytics;

  readonly #sessions: SessionManager;
  readonly #transport: Transport;
  readonly #root: string;
  readonly #apiKey: string;

  constructor(options: SmartApiOptions) {
    super();
    if (!options || typeof options.apiKey !== 'string' || options.apiKey === '') {
      throw new InputError({ code: '', message: 'apiKey is required', httpStatus: 0, route: 'SmartApi' });
    }
    const root = (options.root ?? DEFAULT_ROOT_URL).replace(/\/+$/, '');
    this.#root = root;
    this.#apiKey = options.apiKey;
    const redactor = new Redactor();
    redactor.add(options.apiKey);
    const clock = options.clock ?? systemClock;
    const logger = safeLogger(options.logger, redactor);
    this.#transport = options.fetch
      ? createFetchTransport(options.fetch as FetchLike, root)
      : createUndiciTransport(
          options.maxSockets === undefined ? { root } : { root, maxSockets: options.maxSockets },
        );
    const identity: { clientLocalIp?: string; clientPublicIp?: string; macAddress?: string } = {};
    if (options.clientLocalIp !== undefined) identity.clientLocalIp = options.clientLocalIp;
    if (options.clientPublicIp !== undefined) identity.clientPublicIp = options.clientPublicIp;
    if (options.macAddress !== undefined) identity.macAddress = options.macAddress;
    const rl = options.rateLimit ?? true;
    const random = options.random ?? Math.random;
    const core = new RestCore({
      apiKey: options.apiKey,
      root,
      timeoutMs: options.timeout ?? 7000,
      transport: this.#transport,
      clock,
      logger,
      redactor,
      headers: new HeaderBuilder(options.apiKey, identity),
      rateLimit: rl === false ? false : { scale: rl === true ? 1 : (rl.scale ?? 1) },
      retry: retryPolicy(options.retry),
      random,
      coalesceReads: options.coalesceReads ?? true,
    });
    this.#sessions = new SessionManager({
      apiKey: options.apiKey,
      core,
      clock,
      store: options.sessionStore ?? new MemorySessionStore(),
      logger,
      redactor,
      autoRelogin: options.autoRelogin ?? true,
      emit: (event, ...args) => {
        this.emit(event, ...(args as never));
      },
    });
    core.session = this.#sessions;
    const ctx: ResourceContext = {
      core,
      clock,
      random,
      autoOrderTag: options.autoOrderTag ?? true,
      reconcileAttempts: Math.max(1, options.reconcileAttempts ?? 3),
    };
    this.user = new User(ctx);
    this.orders = new Orders(ctx);
    this.portfolio = new Portfolio(ctx);
    this.gtt = new Gtt(ctx);
    this.market = new Market(ctx);
    this.historical = new Historical(ctx);
    this.margin = new Margin(ctx);
    this.charges = new Charges(ctx);
    this.edis = new Edis(ctx);
    this.analytics = new Analytics(ctx);
  }

  /** REST root this client talks to. */
  get root(): string {
    return this.#root;
  }

  /**
   * The current session (tokens, client code, API key), or `undefined` before login. Feeds read
   * `jwtToken`, `feedToken`, `clientCode` and `apiKey` from it and listen to `session` for refreshes.
   */
  get session(): Session | undefined {
    return this.#sessions.current;
  }

  /**
   * Logs in with the client code, trading PIN and a TOTP: give `totpSecret` (the base32 secret; the
   * SDK computes codes and can log in again by itself) or a ready 6-digit `totp`.
   * @venue POST /rest/auth/angelbroking/user/v1/loginByPassword
   */
  login(params: LoginParams, opts?: RequestOptions): Promise<Session> {
    return this.#sessions.login(params, opts);
  }

  /**
   * Exchanges the refresh token for fresh tokens now (the SDK also does this by itself when the venue
   * rejects the JWT).
   * @venue POST /rest/auth/angelbroking/jwt/v1/generateTokens
   */
  refreshSession(opts?: RequestOptions): Promise<Session> {
    return this.#sessions.refresh(opts);
  }

  /** Installs tokens obtained elsewhere (publisher login redirect, another process). */
  setSession(tokens: SessionTokensInit): Session {
    return this.#sessions.setTokens(tokens);
  }

  /** Restores the stored session of `clientCode` if the store has one that has not expired. */
  resumeSession(clientCode: string): Promise<Session | undefined> {
    return this.#sessions.resume(clientCode);
  }

  /**
   * Logs out at the venue and forgets the tokens, credentials and the re-login timer.
   * @venue POST /rest/secure/angelbroking/user/v1/logout
   */
  logout(opts?: RequestOptions): Promise<void> {
    return this.#sessions.logout(opts);
  }

  /** Stops timers and closes pooled connections (the session stays usable until it expires). */
  close(): void {
    this.#sessions.close();
    this.#transport.close();
  }

  /** @internal the session manager (compat layer). */
  get _sessions(): SessionManager {
    return this.#sessions;
  }

  override toString(): string {
    return `SmartApi(${this.#root})`;
  }

  [INSPECT](): string {
    const s = this.#sessions.current;
    return `SmartApi { root: ${JSON.stringify(this.#root)}, apiKey: '[REDACTED]', session: ${s ? JSON.stringify(s.clientCode) : 'none'} }`;
  }

  /** Redacted JSON form. */
  toJSON(): Record<string, unknown> {
    return { root: this.#root, apiKey: '[REDACTED]', clientCode: this.#sessions.current?.clientCode };
  }
}
