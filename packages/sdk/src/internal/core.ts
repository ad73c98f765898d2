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
  WireHeader,
} from '@smartapi-ts/protocol';
import {
  AbortError,
  ApiError,
  AuthenticationError,
  ConnectionError,
  InputError,
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
  /**
   * Retries after the first attempt for this call, overriding the client's `retry.retries` (`0`: no
   * retry). It only changes how many times; what is retried stays the same: reads retry on connection
   * failures, timeouts, 5xx, retryable venue codes and the rate-limit answer, while order and GTT writes
   * and conversions are still never retried blindly — only when the venue certainly did not act (the
   * rate-limit answer, or a connection that was never established). Backoff delays are the client's.
   * A session refresh and its one replay do not count as a retry.
   * @default the client's `retry.retries` (3)
   */
  maxRetries?: number;
  /**
   * Extra request headers for this call (a tracing id, a header your proxy needs), sent on every
   * attempt. The SDK's own headers cannot be replaced: naming `Authorization`, `X-PrivateKey`,
   * `X-UserType`, `X-SourceID`, `X-ClientLocalIP`, `X-ClientPublicIP`, `X-MACAddress`,
   * `Content-Type`, `Accept` or a header the transport manages (`Host`, `Content-Length`,
   * `Connection`, …), in any letter case, fails with an `InputError` before anything is sent. Set the
   * identity headers with the client options instead.
   */
  headers?: Readonly<Record<string, string>>;
}

/**
 * Header names (lower case) a caller may not set through {@link RequestOptions.headers}: the SDK's
 * identity and auth headers, and the headers the HTTP transport manages.
 */
export const RESERVED_HEADERS: ReadonlySet<string> = new Set([
  ...Object.values(WireHeader).map((h) => h.toLowerCase()),
  'host',
  'content-length',
  'connection',
  'keep-alive',
  'transfer-encoding',
  'te',
  'trailer',
  'upgrade',
  'expect',
  'proxy-authorization',
]);

/** RFC 9110 token characters of a header name. */
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;

/** Checks the per-call options that need it; throws `InputError` (nothing sent). */
function checkRequestOptions(route: string, opts: RequestOptions): Record<string, string> | undefined {
  const bad = (message: string): never => {
    throw new InputError({ code: '', message, httpStatus: 0, route });
  };
  const n = opts.maxRetries;
  if (n !== undefined && !(typeof n === 'number' && Number.isSafeInteger(n) && n >= 0))
    bad(`maxRetries must be a whole number ≥ 0, got ${String(n)}`);
  const h: unknown = opts.headers;
  if (h === undefined) return undefined;
  if (h === null || typeof h !== 'object' || Array.isArray(h)) return bad('headers must be an object');
  const extra: Record<string, string> = {};
  for (const [name, value] of Object.entries(h)) {
    if (!HEADER_NAME.test(name)) bad(`headers: ${JSON.stringify(name)} is not a valid header name`);
    if (RESERVED_HEADERS.has(name.toLowerCase()))
      bad(`headers: ${name} is set by the SDK and cannot be overridden per call`);
    if (typeof value !== 'string' || /[\r\n\0]/.test(value))
      bad(`headers: the value of ${name} must be a string without line breaks`);
    extra[name] = value;
  }
  return Object.keys(extra).length > 0 ? extra : undefined;
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
    let extra: Record<string, string> | undefined;
    if (opts) {
      try {
        extra = checkRequestOptions(name, opts);
      } catch (e) {
        return Promise.reject(e);
      }
    }
    // Calls with their own headers or retry count never share a request with other callers.
    const shareable = !opts?.signal && !extra && opts?.maxRetries === undefined;
    if (this.config.coalesceReads && route.method === 'GET' && !spec.pathParams && shareable) {
      const joined = this.#pending.get(path);
      // each joiner gets its own copy, so one caller mutating its result cannot affect another
      if (joined) return joined.then((d) => ({ data: structuredClone(d.data), message: d.message }));
      // Only calls still waiting for the rate limiter are shared: a joiner's answer is always produced
      // after the joiner was called, so coalescing never returns a stale book.
      let dispatched = false;
      let p: Promise<Decoded> | undefined;
      p = this.#run(route, path, spec, opts, extra, () => {
        if (dispatched) return;
        dispatched = true;
        if (p !== undefined && this.#pending.get(path) === p) this.#pending.delete(path);
      });
      if (!dispatched) this.#pending.set(path, p);
      return p;
    }
    return this.#run(route, path, spec, opts, extra, undefined);
  }

  async #run(
    route: RouteDef,
    path: string,
    spec: CallSpec,
    opts: RequestOptions | undefined,
    extra: Readonly<Record<string, string>> | undefined,
    onDispatch: (() => void) | undefined,
  ): Promise<Decoded> {
    const { config } = this;
    const name = route.name;
    const signal = opts?.signal;
    const timeoutMs = opts?.timeout ?? config.timeoutMs;
    const retries = opts?.maxRetries ?? config.retry.retries;
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
      const own = bearer === undefined ? config.headers.base() : config.headers.withAuth(bearer);
      const headers = extra ? { ...extra, ...own } : own;
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
        if (attempt < retries && isRetryable(err, route.unsafeWrite)) {
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
