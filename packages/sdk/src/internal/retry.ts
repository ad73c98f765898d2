/**
 * Retry policy. Reads retry on connection failures, timeouts, HTTP 5xx, retryable venue codes (AB1004,
 * AB2001, …) and the rate-limit answer, with exponential backoff and full jitter, honouring
 * `Retry-After`. Unsafe writes (orders, GTT writes, conversions) retry only when the venue certainly did
 * not act: the rate-limit answer, or a connection that was never established.
 */
import { errorInfo } from '@smartapi-ts/protocol';
import { ApiError, ConnectionError, RateLimitError, ServerError } from '../errors.js';

/** Retry settings. */
export interface RetryOptions {
  /** Retries after the first attempt. @default 3 */
  retries?: number;
  /** Backoff base in ms: attempt n waits a random time in [0, base × 2ⁿ]. @default 250 */
  baseDelayMs?: number;
  /** Upper bound of one backoff wait in ms. @default 8000 */
  maxDelayMs?: number;
}

/** Resolved retry settings. */
export interface RetryPolicy {
  readonly retries: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
}

/** Builds the policy from the client option (`false` disables retries). */
export function retryPolicy(opt: RetryOptions | false | undefined): RetryPolicy {
  if (opt === false) return { retries: 0, baseDelayMs: 0, maxDelayMs: 0 };
  return {
    retries: Math.max(0, Math.floor(opt?.retries ?? 3)),
    baseDelayMs: Math.max(0, opt?.baseDelayMs ?? 250),
    maxDelayMs: Math.max(0, opt?.maxDelayMs ?? 8000),
  };
}

/** True when `err` may be retried for a route of the given safety. */
export function isRetryable(err: unknown, unsafeWrite: boolean): boolean {
  if (err instanceof RateLimitError) return true;
  if (err instanceof ConnectionError) return unsafeWrite ? !err.maybeDelivered : true;
  if (unsafeWrite) return false;
  if (err instanceof ServerError)
    return err.httpStatus >= 500 || err.code === '' || errorInfo(err.code).retryable;
  if (err instanceof ApiError) return errorInfo(err.code).retryable;
  return false;
}

/** Backoff before retry number `attempt` (0-based): full jitter, at least the venue's `Retry-After`. */
export function backoffMs(policy: RetryPolicy, attempt: number, err: unknown, random: () => number): number {
  const cap = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** attempt);
  let ms = Math.floor(random() * cap);
  if (err instanceof ApiError && err.retryAfter !== undefined)
    ms = Math.max(ms, Math.ceil(err.retryAfter * 1000));
  return ms;
}
