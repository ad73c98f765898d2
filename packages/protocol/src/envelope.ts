/**
 * The two response envelope forms of the venue (docs/protocol/rest.md#envelope) and a tolerant parser.
 */
import type { EnvelopeForm } from './errors.js';

/** Success envelope: `{ status: true, message: "SUCCESS", errorcode: "", data }`. */
export interface SuccessEnvelope<T> {
  status: true;
  message: string;
  errorcode: string;
  data: T;
}

/** Business-failure envelope (HTTP 200): `{ status: false, message, errorcode: "AB…", data: null }`. */
export interface FailureEnvelope {
  status: false;
  message: string;
  errorcode: string;
  data: unknown;
}

/** Gateway envelope (token errors): `{ success: false, message, errorCode: "AG…", data: "" }`. */
export interface GatewayEnvelope {
  success: boolean;
  message: string;
  errorCode: string;
  data: unknown;
}

/** Any envelope the venue sends. */
export type Envelope<T = unknown> = SuccessEnvelope<T> | FailureEnvelope | GatewayEnvelope;

/** Result of {@link parseEnvelope}. */
export type ParsedEnvelope =
  | { ok: true; message: string; data: unknown }
  | { ok: false; code: string; message: string; data: unknown; form: EnvelopeForm }
  | { ok: 'invalid'; reason: string };

/**
 * Classifies a decoded JSON body: success when `status === true || success === true` (also the
 * string "true"), else failure with `errorcode ?? errorCode`. Anything that is not an envelope
 * (not an object, or neither `status` nor `success` present) is `invalid`.
 */
export function parseEnvelope(body: unknown): ParsedEnvelope {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    return { ok: 'invalid', reason: 'response body is not a JSON object' };
  }
  const o = body as Record<string, unknown>;
  const hasStatus = 'status' in o;
  const hasSuccess = 'success' in o;
  if (!hasStatus && !hasSuccess) return { ok: 'invalid', reason: 'response has neither status nor success' };
  const flag = hasStatus ? o.status : o.success;
  const message = typeof o.message === 'string' ? o.message : '';
  if (flag === true || flag === 'true') return { ok: true, message, data: o.data };
  const rawCode = o.errorcode ?? o.errorCode;
  const code = typeof rawCode === 'string' ? rawCode : rawCode == null ? '' : String(rawCode);
  return { ok: false, code, message, data: o.data, form: hasStatus ? 'status' : 'success' };
}

/** Builds a success envelope. */
export function successEnvelope<T>(data: T, message = 'SUCCESS'): SuccessEnvelope<T> {
  return { status: true, message, errorcode: '', data };
}

/** Builds a failure envelope in the given form. */
export function failureEnvelope(
  code: string,
  message: string,
  form: EnvelopeForm = 'status',
  data: unknown = null,
): FailureEnvelope | GatewayEnvelope {
  return form === 'status'
    ? { status: false, message, errorcode: code, data }
    : { success: false, message, errorCode: code, data: data ?? '' };
}
