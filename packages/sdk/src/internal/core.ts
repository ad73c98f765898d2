/**
 * The request pipeline every REST method goes through:
 * input body → rate limiter → headers → transport → envelope decoding → typed error →
 * (session refresh + one replay) → (retry with backoff) → (reconciliation of unsafe writes).
 */
import { createHash } from 'node:crypto';
import {
  ErrorCode,
  errorInfo,
  ROUTES,
  type RouteDef,
  type RouteName,
  routePath,
} from '@smartapi-ts/protocol';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  ConnectionError,
  UnknownOutcomeError,
} from '../errors.js';
import { type Clock, sleep } from './clock.js';
import { type Decoded, decodeResponse } from './envelope.js';
import type { HeaderBuilder } from './headers.js';
import type { Logger } from './logger.js';
import { limiterFor, type RateLimiter } from './rate-limiter.js';
import type { Redactor } from './redact.js';
import { backoffMs, isRetryable, type RetryPolicy } from './retry.js';
import type { Transport } from './transport.js';

export type { Decoded } from './envelope.js';

/** Per-call options every REST method accepts. */
export interface RequestOptions {
  /** Aborts the call (also while it waits for the rate limiter or a backoff). */
  signal?: AbortSignal;
  /** Timeout of each HTTP attempt in ms. @default the client's `timeout` (7000) */
  timeout?: number;
}

/** What the pipeline needs from the session layer. */
export interface SessionHooks {
  /** Current JWT, if logged in. */
  jwt(): string | undefined;
  /** Current client code, if known. */
  clientCode(): string | undefined;
  /**
   * Called when a call that used `usedJwt` failed with a session-invalid code. Resolves when a new JWT
   * is in place (refreshed by this call or by a concurrent one); throws when the session is lost.
   */
  recover(usedJwt: string, err: ApiError, signal?: AbortSignal): Promise<void>;
}

/** How to perform one call. */
export interface CallSpec {
  /** Path parameters (`uniqueorderid`). */
  pathParams?: Readonly<Record<string, string>>;
  /** JSON body of a POST, or a factory evaluated per attempt (fresh TOTP codes on retries). */
  body?: object | (() => object);
  /** Do not try a session refresh on auth errors (login, token refresh, logout). */
  noRecover?: boolean;
  /** JWT to send on a route that does not require one (generateTokens sends the current, maybe expired, JWT). */
  bearer?: string;
  /** Rate-limiter client code, when the session does not know it yet (login). */
  clientCode?: string;
  /**
   * Resolves an unsafe write whose outcome is unknown (timeout, connection lost mid-request). Without
   * it such a failure throws `UnknownOutcomeError` with `outcome: 'unknown'`.
   */
  reconcile?: (err: ConnectionError) => Promise<Decoded>;
}

/** Static configuration of the pipeline. */
export interface CoreConfig {
  apiKey: string;
  root: string;
  timeoutMs: number;
  transport: Transport;
  clock: Clock;
  logger: Logger & { enabled: boolean };
  redactor: Redactor;
  headers: HeaderBuilder;
  /** `false` disables client-side rate limiting. */
  rateLimit: false | { scale: number };
  retry: RetryPolicy;
  random: () => number;
  /** Let identical concurrent GETs that are still queued share one request. */
  coalesceReads: boolean;
}

/** The REST request pipeline of one client. */
export class RestCore {
  readonly config: CoreConfig;
  /** Set by the session layer. */
  session: SessionHooks | undefined;
  #limiterKey: string | undefined;
  #limiter: RateLimiter | undefined;
  #apiKeyTag: string | undefined;
  readonly #pending = new Map<string, Promise<Decoded>>();

  constructor(config: CoreConfig) {
    this.config = config;
  }

  /** The rate limiter shared by every client of this root + client code (or API key before login). */
  limiter(clientCode?: string): RateLimiter | undefined {
    const rl = this.config.rateLimit;
    if (rl === false) return undefined;
    const code = clientCode ?? this.session?.clientCode();
    let who: string;
    if (code) who = `client:${code.toUpperCase()}`;
    else {
      this.#apiKeyTag ??= createHash('sha256').update(this.config.apiKey).digest('hex').slice(0, 16);
      who = `key:${this.#apiKeyTag}`;
    }
    const key = `${this.config.root}|${who}`;
    if (key !== this.#limiterKey || !this.#limiter) {
      this.#limiter = limiterFor(key, this.config.clock, rl.scale);
      this.#limiterKey = key;
    }
    return this.#limiter;
  }

  /** Performs a call of route `name`; resolves to the envelope's `data` and `message`. */
  call(name: RouteName, spec: CallSpec = {}, opts?: RequestOptions): Promise<Decoded> {
    const route = ROUTES[name];
    const path = spec.pathParams ? routePath(name, spec.pathParams) : route.path;
    if (this.config.coalesceReads && route.method === 'GET' && !spec.pathParams && !opts?.signal) {
      const joined = this.#pending.get(path);
      // each joiner gets its own copy, so one caller mutating its result cannot affect another
      if (joined) return joined.then((d) => ({ data: structuredClone(d.data), message: d.message }));
      // Only calls still waiting for the rate limiter are shared: a joiner's answer is always produced
      // after the joiner was called, so coalescing never returns a stale book.
      let dispatched = false;
      let p: Promise<Decoded> | undefined;
      p = this.#run(route, path, spec, opts, () => {
        if (dispatched) return;
        dispatched = true;
        if (p !== undefined && this.#pending.get(path) === p) this.#pending.delete(path);
      });
      if (!dispatched) this.#pending.set(path, p);
      return p;
    }
    return this.#run(route, path, spec, opts, undefined);
  }

  async #run(
    route: RouteDef,
    path: string,
    spec: CallSpec,
    opts: RequestOptions | undefined,
    onDispatch: (() => void) | undefined,
  ): Promise<Decoded> {
    const { config } = this;
    const name = route.name;
    const signal = opts?.signal;
    const timeoutMs = opts?.timeout ?? config.timeoutMs;
    let attempt = 0;
    let recovered = false;
    for (;;) {
      let jwt: string | undefined;
      if (route.auth) {
        jwt = this.session?.jwt();
        if (!jwt) {
          onDispatch?.();
          throw new AuthenticationError({
            code: ErrorCode.TOKEN_MISSING,
            message: 'not logged in: call login() (or set the session tokens) first',
            httpStatus: 0,
            route: name,
          });
        }
      }
      const limiter = this.limiter(spec.clientCode);
      if (limiter) {
        const wait = limiter.acquire(route.rateLimit, signal);
        if (wait) {
          try {
            await wait;
          } catch (e) {
            onDispatch?.();
            throw e;
          }
        }
      }
      onDispatch?.();
      let body: string | undefined;
      if (route.method === 'POST') {
        const b = typeof spec.body === 'function' ? spec.body() : spec.body;
        body = b === undefined ? '{}' : JSON.stringify(b);
      }
      const bearer = jwt ?? spec.bearer;
      const headers = bearer === undefined ? config.headers.base() : config.headers.withAuth(bearer);
      const started = config.logger.enabled ? config.clock.now() : 0;
      try {
        const res = await config.transport.send({
          method: route.method,
          path,
          headers,
          body,
          timeoutMs,
          signal,
          route: name,
        });
        const decoded = decodeResponse(name, res, config.redactor, config.clock.now());
        if (config.logger.enabled) {
          config.logger.debug('smartapi request', {
            route: name,
            status: res.status,
            attempt,
            ms: config.clock.now() - started,
          });
        }
        return decoded;
      } catch (err) {
        if (err instanceof AbortError) throw err;
        if (
          jwt !== undefined &&
          !spec.noRecover &&
          !recovered &&
          err instanceof ApiError &&
          errorInfo(err.code).sessionInvalid &&
          this.session
        ) {
          recovered = true;
          config.logger.warn('smartapi session invalid; refreshing', { route: name, code: err.code });
          await this.session.recover(jwt, err, signal);
          continue;
        }
        if (attempt < config.retry.retries && isRetryable(err, route.unsafeWrite)) {
          const wait = backoffMs(config.retry, attempt, err, config.random);
          config.logger.warn('smartapi retry', {
            route: name,
            attempt: attempt + 1,
            waitMs: wait,
            error: err instanceof Error ? err.name : 'unknown',
            code: err instanceof ApiError ? err.code : undefined,
          });
          await sleep(config.clock, wait, signal);
          attempt++;
          continue;
        }
        if (route.unsafeWrite && err instanceof ConnectionError && err.maybeDelivered) {
          if (spec.reconcile) return spec.reconcile(err);
          throw new UnknownOutcomeError(
            name,
            {
              outcome: 'unknown',
              reason: 'the venue offers no way to look this write up; check before retrying',
            },
            { cause: err },
          );
        }
        throw err;
      }
    }
  }
}
