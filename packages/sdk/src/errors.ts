/**
 * The SDK's error tree (docs/sdk/errors.md). Every error extends `Error`, sets `name`, and keeps `cause`.
 * API errors are classified from the protocol's error-code table, so the same venue code means the same
 * class everywhere.
 *
 * ```
 * SmartApiError
 * ├─ ApiError (code, httpStatus, route)
 * │  ├─ AuthenticationError   ├─ PermissionError   ├─ InputError   ├─ OrderRejectedError
 * │  ├─ NotFoundError         ├─ RateLimitError    └─ ServerError
 * ├─ ConnectionError ─ TimeoutError
 * ├─ AbortError
 * ├─ FeedError ─ FeedAuthError, FeedDecodeError
 * └─ UnknownOutcomeError (an order write whose result is unknown; see `reconciliation`)
 * ```
 */
import { type ErrorCategory, errorInfo } from '@smartapi-ts/protocol';

/**
 * The brand of the SDK's error classes: a registry symbol (`Symbol.for`, so every copy of the SDK in a
 * process — the ESM build, the CommonJS bundle, two installed versions — uses the same key). Each
 * class's prototype carries its own kind under it (`'RateLimitError'`, `'ApiError'`, …), so walking an
 * error's prototype chain yields its kind and every ancestor's kind, whichever copy created it.
 */
export const ERROR_KIND = Symbol.for('smartapi-ts.error');

/** Brands a class's prototype with its kind (non-enumerable, so logs and JSON do not show it). */
function brand(cls: abstract new (...args: never[]) => Error, kind: string): void {
  Object.defineProperty(cls.prototype, ERROR_KIND, { value: kind, enumerable: false, writable: false });
}

/**
 * True when `e` is an error of the SDK class called `kind` or of a subclass, created by any copy of the
 * SDK. It walks the prototype chain for the brand and also requires `name` to be a string, so a foreign
 * error that happens to share a name (the DOM's `TimeoutError`, `AbortError`) never matches.
 */
function isKind(e: unknown, kind: string): boolean {
  if (typeof e !== 'object' || e === null || typeof (e as { name?: unknown }).name !== 'string') return false;
  for (let p: object | null = Object.getPrototypeOf(e); p !== null; p = Object.getPrototypeOf(p)) {
    if (Object.hasOwn(p, ERROR_KIND) && (p as Record<symbol, unknown>)[ERROR_KIND] === kind) return true;
  }
  return false;
}

/** Base class of every error the SDK throws. */
export class SmartApiError extends Error {
  static {
    brand(SmartApiError, 'SmartApiError');
  }
  override name = 'SmartApiError';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Details common to errors built from a venue response. */
export interface ApiErrorInit {
  /** The venue's error code (`AB1009`, `AG8001`, …); `''` when the venue sent none. */
  code: string;
  /** The venue's message. */
  message: string;
  /** HTTP status of the response. */
  httpStatus: number;
  /** Route name from the protocol route table (`placeOrder`, …). */
  route: string;
  /** Raw response text for non-JSON or malformed answers (truncated to 2 kB). */
  rawBody?: string;
  /** `data` of a failure envelope, when the venue sent any. */
  data?: unknown;
  /** Seconds to wait before retrying, when the venue or the SDK knows it. */
  retryAfter?: number;
  cause?: unknown;
}

/** An error answer from the venue (or the paper broker). */
export class ApiError extends SmartApiError {
  static {
    brand(ApiError, 'ApiError');
  }
  override name = 'ApiError';
  /** The venue's error code. */
  readonly code: string;
  readonly httpStatus: number;
  /** Route name from the protocol route table. */
  readonly route: string;
  readonly rawBody?: string;
  readonly data?: unknown;
  readonly retryAfter?: number;
  constructor(init: ApiErrorInit) {
    super(
      `${init.route}: ${init.message || 'request failed'}${init.code ? ` (${init.code})` : ''} [HTTP ${init.httpStatus}]`,
      init.cause === undefined ? undefined : { cause: init.cause },
    );
    this.code = init.code;
    this.httpStatus = init.httpStatus;
    this.route = init.route;
    if (init.rawBody !== undefined) this.rawBody = init.rawBody.slice(0, 2048);
    if (init.data !== undefined) this.data = init.data;
    if (init.retryAfter !== undefined) this.retryAfter = init.retryAfter;
  }
  /** True when the venue says retrying the same request later may succeed. */
  get retryable(): boolean {
    return errorInfo(this.code).retryable;
  }
  /** A plain object for logs and JSON (no secrets: only code, status, route and message). */
  toJSON(): Record<string, unknown> {
    return {
      name: this.name,
      message: this.message,
      code: this.code,
      httpStatus: this.httpStatus,
      route: this.route,
    };
  }
}

/** Credentials, tokens or sessions were rejected (AG8001–AG8004, AB8050, AB1007, AB1050, …). */
export class AuthenticationError extends ApiError {
  static {
    brand(AuthenticationError, 'AuthenticationError');
  }
  override name = 'AuthenticationError';
}
/** The account may not do this (AB1006, …). */
export class PermissionError extends ApiError {
  static {
    brand(PermissionError, 'PermissionError');
  }
  override name = 'PermissionError';
}
/** Invalid parameters, detected by the venue or by the SDK before sending (then `httpStatus` is 0). */
export class InputError extends ApiError {
  static {
    brand(InputError, 'InputError');
  }
  override name = 'InputError';
  /**
   * False for the SDK's pre-send checks (httpStatus 0: the same request fails the same rule again),
   * else as the venue code says.
   */
  override get retryable(): boolean {
    return this.httpStatus === 0 ? false : super.retryable;
  }
}
/** The venue refused an order, GTT rule or conversion (AB2002, AB1017, …). */
export class OrderRejectedError extends ApiError {
  static {
    brand(OrderRejectedError, 'OrderRejectedError');
  }
  override name = 'OrderRejectedError';
}
/** An id or book was not found (AB1013–AB1016, AB9013). */
export class NotFoundError extends ApiError {
  static {
    brand(NotFoundError, 'NotFoundError');
  }
  override name = 'NotFoundError';
}
/** The venue's rate limit answer (HTTP 403 with a plain-text body). */
export class RateLimitError extends ApiError {
  static {
    brand(RateLimitError, 'RateLimitError');
  }
  override name = 'RateLimitError';
}
/** The venue failed (5xx, AB1004, AB2001, non-JSON or malformed body). */
export class ServerError extends ApiError {
  static {
    brand(ServerError, 'ServerError');
  }
  override name = 'ServerError';
}

/** The request never got an answer (DNS, refused, reset, TLS). */
export class ConnectionError extends SmartApiError {
  static {
    brand(ConnectionError, 'ConnectionError');
  }
  override name = 'ConnectionError';
  /** Route name, when the error happened during a REST call. */
  readonly route?: string;
  /**
   * False when the request certainly never reached the venue (connection refused, DNS failure, TLS
   * failure before sending); true when it may have (timeout, connection reset mid-request).
   * @default true
   */
  readonly maybeDelivered: boolean;
  constructor(message: string, options?: { cause?: unknown; route?: string; maybeDelivered?: boolean }) {
    super(message, options?.cause === undefined ? undefined : { cause: options.cause });
    if (options?.route !== undefined) this.route = options.route;
    this.maybeDelivered = options?.maybeDelivered ?? true;
  }
}
/** No answer within the timeout. */
export class TimeoutError extends ConnectionError {
  static {
    brand(TimeoutError, 'TimeoutError');
  }
  override name = 'TimeoutError';
}
/** The caller aborted the operation through its `AbortSignal`. */
export class AbortError extends SmartApiError {
  static {
    brand(AbortError, 'AbortError');
  }
  override name = 'AbortError';
}

/** What reconciliation found after an order write whose outcome was unknown. */
export interface Reconciliation {
  /** `found`: the order exists at the venue; `absent`: it does not; `unknown`: reconciliation failed too. */
  outcome: 'found' | 'absent' | 'unknown';
  /** The matching order-book row, when found. */
  order?: unknown;
  /** Why reconciliation could not decide. */
  reason?: string;
  /**
   * For a modification or cancellation found in the order book: whether the order already shows the
   * requested change (new price/quantity, or a cancelled status).
   */
  applied?: boolean;
  /** The `ordertag` reconciliation searched for (placements). */
  ordertag?: string;
  /** Every order-book row that matched, when more than one did. */
  matches?: unknown[];
}

/**
 * An order placement/modification/cancellation or GTT write timed out or lost its connection, so the
 * SDK does not know whether the venue applied it. `reconciliation` says what the order book showed.
 */
export class UnknownOutcomeError extends SmartApiError {
  static {
    brand(UnknownOutcomeError, 'UnknownOutcomeError');
  }
  override name = 'UnknownOutcomeError';
  readonly route: string;
  readonly reconciliation: Reconciliation;
  constructor(route: string, reconciliation: Reconciliation, options?: { cause?: unknown }) {
    const what =
      reconciliation.outcome === 'found'
        ? `the order IS in the order book${
            reconciliation.applied === undefined
              ? ''
              : reconciliation.applied
                ? ' and shows the change'
                : ' but does not show the change'
          }`
        : reconciliation.outcome === 'absent'
          ? 'the order is NOT in the order book'
          : `reconciliation failed${reconciliation.reason ? `: ${reconciliation.reason}` : ''}`;
    super(`${route}: outcome unknown after a connection failure; ${what}`, options);
    this.route = route;
    this.reconciliation = reconciliation;
  }
}

/** A WebSocket feed failed. */
export class FeedError extends SmartApiError {
  static {
    brand(FeedError, 'FeedError');
  }
  override name = 'FeedError';
  /** Venue error code (`E1001`, `E1002`), HTTP status of a refused upgrade as a string, or a local code. */
  readonly code: string;
  constructor(message: string, code = '', options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
  }
}
/** The feed refused our credentials (HTTP 401/403 on upgrade, `x-error-message`). Not retried. */
export class FeedAuthError extends FeedError {
  static {
    brand(FeedAuthError, 'FeedAuthError');
  }
  override name = 'FeedAuthError';
}
/** A binary frame could not be decoded. */
export class FeedDecodeError extends FeedError {
  static {
    brand(FeedDecodeError, 'FeedDecodeError');
  }
  override name = 'FeedDecodeError';
}

const CATEGORY_CLASS: Record<ErrorCategory, new (init: ApiErrorInit) => ApiError> = {
  auth: AuthenticationError,
  permission: PermissionError,
  input: InputError,
  order: OrderRejectedError,
  not_found: NotFoundError,
  rate_limit: RateLimitError,
  server: ServerError,
  feed: ServerError,
};

/** Builds the right `ApiError` subclass for a venue error code. */
export function apiErrorFromCode(init: ApiErrorInit): ApiError {
  const info = errorInfo(init.code);
  const Cls = CATEGORY_CLASS[info.category];
  return new Cls({ ...init, message: init.message || info.message });
}

/*
 * Type guards. Each one recognises errors of its class and subclasses from any copy of the SDK loaded in
 * the process: `instanceof` first (same copy), then the {@link ERROR_KIND} brand on the prototype chain
 * (an error created by the CommonJS build seen by the ESM build's guard, or vice versa). Prefer them to
 * `instanceof` in code that may receive errors from another copy.
 */
/** True for every error the SDK throws. */
export const isSmartApiError = (e: unknown): e is SmartApiError =>
  e instanceof SmartApiError || isKind(e, 'SmartApiError');
/** True for an error answer from the venue (any {@link ApiError} subclass). */
export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError || isKind(e, 'ApiError');
/** True for {@link AuthenticationError}. */
export const isAuthenticationError = (e: unknown): e is AuthenticationError =>
  e instanceof AuthenticationError || isKind(e, 'AuthenticationError');
/** True for {@link PermissionError}. */
export const isPermissionError = (e: unknown): e is PermissionError =>
  e instanceof PermissionError || isKind(e, 'PermissionError');
/** True for {@link RateLimitError}. */
export const isRateLimitError = (e: unknown): e is RateLimitError =>
  e instanceof RateLimitError || isKind(e, 'RateLimitError');
/** True for {@link InputError}. */
export const isInputError = (e: unknown): e is InputError =>
  e instanceof InputError || isKind(e, 'InputError');
/** True for {@link OrderRejectedError}. */
export const isOrderRejectedError = (e: unknown): e is OrderRejectedError =>
  e instanceof OrderRejectedError || isKind(e, 'OrderRejectedError');
/** True for {@link NotFoundError}. */
export const isNotFoundError = (e: unknown): e is NotFoundError =>
  e instanceof NotFoundError || isKind(e, 'NotFoundError');
/** True for {@link ServerError}. */
export const isServerError = (e: unknown): e is ServerError =>
  e instanceof ServerError || isKind(e, 'ServerError');
/** True for {@link ConnectionError} (and {@link TimeoutError}). */
export const isConnectionError = (e: unknown): e is ConnectionError =>
  e instanceof ConnectionError || isKind(e, 'ConnectionError');
/** True for {@link TimeoutError}. */
export const isTimeoutError = (e: unknown): e is TimeoutError =>
  e instanceof TimeoutError || isKind(e, 'TimeoutError');
/** True for {@link AbortError}. */
export const isAbortError = (e: unknown): e is AbortError =>
  e instanceof AbortError || isKind(e, 'AbortError');
/** True for {@link FeedError} (and its subclasses). */
export const isFeedError = (e: unknown): e is FeedError => e instanceof FeedError || isKind(e, 'FeedError');
/** True for {@link FeedAuthError}. */
export const isFeedAuthError = (e: unknown): e is FeedAuthError =>
  e instanceof FeedAuthError || isKind(e, 'FeedAuthError');
/** True for {@link FeedDecodeError}. */
export const isFeedDecodeError = (e: unknown): e is FeedDecodeError =>
  e instanceof FeedDecodeError || isKind(e, 'FeedDecodeError');
/** True for {@link UnknownOutcomeError}. */
export const isUnknownOutcomeError = (e: unknown): e is UnknownOutcomeError =>
  e instanceof UnknownOutcomeError || isKind(e, 'UnknownOutcomeError');
