/**
 * Writing the venue's answers: the success envelope, the business-failure envelope (HTTP 200,
 * `status:false`), the gateway envelope (`success/errorCode`, HTTP status from the protocol's error
 * table) and the plain-text rate-limit 403.
 */
import {
  errorInfo,
  failureEnvelope,
  RATE_LIMIT_HTTP_STATUS,
  RATE_LIMIT_TEXT,
  successEnvelope,
} from '@smartapi-ts/protocol';
import type { FastifyReply } from 'fastify';

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * A handler's answer: the `data` of a success envelope, or the whole success envelope already encoded
 * (`body`, from {@link encodeSuccess}: a cached read view), or a business failure.
 */
export type HandlerResult =
  | { ok: true; data: unknown; message?: string }
  | { ok: true; body: Uint8Array; data?: undefined; message?: undefined }
  | { ok: false; errorcode: string; message: string; data?: unknown };

/**
 * The success envelope around `dataJson` (the JSON text of `data`) as UTF-8 bytes, byte for byte what
 * {@link sendSuccess} sends for the same data: for answers kept ready to send.
 */
export function encodeSuccess(dataJson: string, message = 'SUCCESS'): Uint8Array {
  return Buffer.from(
    `{"status":true,"message":${JSON.stringify(message)},"errorcode":"","data":${dataJson}}`,
    'utf8',
  );
}

/** Sends `{status:true, message:"SUCCESS", errorcode:"", data}`. */
export function sendSuccess(reply: FastifyReply, data: unknown, message?: string): FastifyReply {
  return reply
    .code(200)
    .type(JSON_TYPE)
    .send(JSON.stringify(successEnvelope(data === undefined ? null : data, message)));
}

/**
 * Sends a failure for a venue code: the envelope form and HTTP status come from the protocol's error
 * table (business codes: HTTP 200 + `status:false`; gateway codes: `success:false` + 401/403), unless
 * `httpStatus` overrides the status.
 */
export function sendFailure(
  reply: FastifyReply,
  code: string,
  message?: string,
  opts: { data?: unknown; httpStatus?: number } = {},
): FastifyReply {
  const info = errorInfo(code);
  const body = failureEnvelope(code, message ?? info.message, info.envelope, opts.data ?? null);
  return reply
    .code(opts.httpStatus ?? info.httpStatus)
    .type(JSON_TYPE)
    .send(JSON.stringify(body));
}

/** Sends a handler result. */
export function sendResult(reply: FastifyReply, r: HandlerResult): FastifyReply {
  if (r.ok && 'body' in r) return reply.code(200).type(JSON_TYPE).send(r.body);
  if (r.ok) return sendSuccess(reply, r.data, r.message);
  return sendFailure(reply, r.errorcode, r.message, r.data === undefined ? {} : { data: r.data });
}

/** Sends the venue's rate-limit answer: HTTP 403 with a plain-text body (not JSON). */
export function sendRateLimited(reply: FastifyReply): FastifyReply {
  return reply.code(RATE_LIMIT_HTTP_STATUS).type('text/plain; charset=utf-8').send(RATE_LIMIT_TEXT);
}
