/**
 * Response → data | typed error. Handles both envelope forms (`status/errorcode` and the gateway's
 * `success/errorCode`), the venue's plain-text HTTP 403 rate-limit answer and non-JSON bodies.
 */
import { parseEnvelope, RATE_LIMIT_HTTP_STATUS, RATE_LIMIT_TEXT } from '@smartapi-ts/protocol';
import {
  type ApiError,
  type ApiErrorInit,
  AuthenticationError,
  apiErrorFromCode,
  NotFoundError,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../errors.js';
import type { Redactor } from './redact.js';
import type { TransportResponse } from './transport.js';

/** The decoded success: `data` plus the envelope's `message`. */
export interface Decoded {
  readonly data: unknown;
  readonly message: string;
}

/** Parses a `Retry-After` value (seconds or an HTTP date) into seconds. */
export function parseRetryAfter(value: string | undefined, now: number): number | undefined {
  if (!value) return undefined;
  const n = Number(value);
  if (Number.isFinite(n) && n >= 0) return n;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, (at - now) / 1000);
}

function byStatus(init: ApiErrorInit): ApiError {
  const s = init.httpStatus;
  if (s === 401) return new AuthenticationError(init);
  if (s === 403) return new PermissionError(init);
  if (s === 404) return new NotFoundError(init);
  if (s === 429) return new RateLimitError(init);
  return new ServerError(init);
}

/**
 * Turns a transport response into the envelope's `data`, or throws the `ApiError` subclass the
 * protocol's error table assigns to the venue code. Text that leaves here is redacted.
 */
export function decodeResponse(
  route: string,
  res: TransportResponse,
  redactor: Redactor,
  now: number,
): Decoded {
  const { status, body } = res;
  const text = body.trim();
  const first = text.charCodeAt(0);
  const looksJson = first === 123 /* { */ || first === 91; /* [ */
  if (!looksJson) {
    const retryAfter = parseRetryAfter(res.retryAfter, now);
    const raw = redactor.text(body);
    if (status === 429 || (status === RATE_LIMIT_HTTP_STATUS && (text === '' || /exceeding/i.test(text)))) {
      const init: ApiErrorInit = {
        code: '',
        message: text || RATE_LIMIT_TEXT,
        httpStatus: status,
        route,
        rawBody: raw,
      };
      if (retryAfter !== undefined) init.retryAfter = retryAfter;
      throw new RateLimitError({ ...init, message: redactor.text(init.message) });
    }
    const init: ApiErrorInit = {
      code: '',
      message: `non-JSON response${status >= 200 && status < 300 ? '' : ` (HTTP ${status})`}`,
      httpStatus: status,
      route,
      rawBody: raw,
    };
    if (retryAfter !== undefined) init.retryAfter = retryAfter;
    throw status === 401 || status === 404 ? byStatus(init) : new ServerError(init);
  }
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch (e) {
    throw new ServerError({
      code: '',
      message: 'malformed JSON response',
      httpStatus: status,
      route,
      rawBody: redactor.text(body),
      cause: redactor.cause(e),
    });
  }
  const env = parseEnvelope(json);
  if (env.ok === true) {
    if (status >= 200 && status < 300) return { data: env.data, message: env.message };
    throw byStatus({
      code: '',
      message: env.message,
      httpStatus: status,
      route,
      rawBody: redactor.text(body),
    });
  }
  if (env.ok === 'invalid') {
    throw new ServerError({
      code: '',
      message: `malformed response: ${env.reason}`,
      httpStatus: status,
      route,
      rawBody: redactor.text(body),
    });
  }
  const init: ApiErrorInit = {
    code: env.code,
    message: redactor.text(env.message),
    httpStatus: status,
    route,
  };
  if (env.data !== undefined && env.data !== null && env.data !== '') init.data = redactor.value(env.data);
  const retryAfter = parseRetryAfter(res.retryAfter, now);
  if (retryAfter !== undefined) init.retryAfter = retryAfter;
  if (!env.code) {
    // A failure without a code: classify by HTTP status (200 → the venue failed without saying why).
    throw status >= 200 && status < 300 ? new ServerError(init) : byStatus(init);
  }
  throw apiErrorFromCode(init);
}
