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

/** Base class of every error the SDK throws. */
export class SmartApiError extends Error {
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
  override name = 'AuthenticationError';
}
/** The account may not do this (AB1006, …). */
export class PermissionError extends ApiError {
  override name = 'PermissionError';
}
/** Invalid parameters, detected by the venue or by the SDK before sending (then `httpStatus` is 0). */
export class InputError extends ApiError {
  override name = 'InputError';
}
/** The venue refused an order, GTT rule or conversion (AB2002, AB1017, …). */
export class OrderRejectedError extends ApiError {
  override name = 'OrderRejectedError';
}
/** An id or book was not found (AB1013–AB1016, AB9013). */
export class NotFoundError extends ApiError {
  override name = 'NotFoundError';
}
/** The venue's rate limit answer (HTTP 403 with a plain-text body). */
export class RateLimitError extends ApiError {
  override name = 'RateLimitError';
}
/** The venue failed (5xx, AB1004, AB2001, non-JSON or malformed body). */
export class ServerError extends ApiError {
  override name = 'ServerError';
}

/** The request never got an answer (DNS, refused, reset, TLS). */
export class ConnectionError extends SmartApiError {
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
  override name = 'TimeoutError';
}
/** The caller aborted the operation through its `AbortSignal`. */
export class AbortError extends SmartApiError {
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
  override name = 'FeedAuthError';
}
/** A binary frame could not be decoded. */
export class FeedDecodeError extends FeedError {
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

/** Type guards. */
export const isApiError = (e: unknown): e is ApiError => e instanceof ApiError;
export const isAuthenticationError = (e: unknown): e is AuthenticationError =>
  e instanceof AuthenticationError;
export const isRateLimitError = (e: unknown): e is RateLimitError => e instanceof RateLimitError;
export const isInputError = (e: unknown): e is InputError => e instanceof InputError;
export const isOrderRejectedError = (e: unknown): e is OrderRejectedError => e instanceof OrderRejectedError;
export const isNotFoundError = (e: unknown): e is NotFoundError => e instanceof NotFoundError;
export const isServerError = (e: unknown): e is ServerError => e instanceof ServerError;
export const isConnectionError = (e: unknown): e is ConnectionError => e instanceof ConnectionError;
export const isTimeoutError = (e: unknown): e is TimeoutError => e instanceof TimeoutError;
export const isAbortError = (e: unknown): e is AbortError => e instanceof AbortError;
export const isFeedError = (e: unknown): e is FeedError => e instanceof FeedError;
export const isUnknownOutcomeError = (e: unknown): e is UnknownOutcomeError =>
  e instanceof UnknownOutcomeError;
