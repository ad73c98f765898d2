/**
 * Writing the venue's answers: the success envelope, the business-failure envelope (HTTP 200,
 * `status:false`), the gateway envelope (`success/errorCode`, HTTP status from the protocol's error
 * table) and the plain-text rate-limit 403.
 *
 * Every answer is first an {@link Answer} (status, content type, body), then sent either through fastify
 * ({@link sendAnswer}) or straight on node's response by the fast read path ({@link writeAnswer}, see
 * fast-path.ts): both write the same status line, the same `content-type` and `content-length` headers in
 * the same order, and the same bytes.
 */
import type { ServerResponse } from 'node:http';
import {
  errorInfo,
  failureEnvelope,
  RATE_LIMIT_HTTP_STATUS,
  RATE_LIMIT_TEXT,
  successEnvelope,
} from '@smartapi-ts/protocol';
import type { FastifyReply } from 'fastify';

export const JSON_TYPE = 'application/json; charset=utf-8';
const TEXT_TYPE = 'text/plain; charset=utf-8';

/**
 * A handler's answer: the `data` of a success envelope, or the whole success envelope already encoded
 * (`body`, from {@link encodeSuccess}: a cached read view), or a business failure.
 */
export type HandlerResult =
  | { ok: true; data: unknown; message?: string }
  | { ok: true; body: Uint8Array; data?: undefined; message?: undefined }
  | { ok: false; errorcode: string; message: string; data?: unknown };

/** An HTTP answer: status, `content-type` and body (a string is sent as UTF-8). */
export interface Answer {
  readonly status: number;
  readonly type: string;
  readonly body: string | Uint8Array;
}

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

/** `{status:true, message:"SUCCESS", errorcode:"", data}`. */
export function successAnswer(data: unknown, message?: string): Answer {
  return {
    status: 200,
    type: JSON_TYPE,
    body: JSON.stringify(successEnvelope(data === undefined ? null : data, message)),
  };
}

/**
 * A failure for a venue code: the envelope form and HTTP status come from the protocol's error table
 * (business codes: HTTP 200 + `status:false`; gateway codes: `success:false` + 401/403), unless
 * `httpStatus` overrides the status.
 */
export function failureAnswer(
  code: string,
  message?: string,
  opts: { data?: unknown; httpStatus?: number } = {},
): Answer {
  const info = errorInfo(code);
  const body = failureEnvelope(code, message ?? info.message, info.envelope, opts.data ?? null);
  return { status: opts.httpStatus ?? info.httpStatus, type: JSON_TYPE, body: JSON.stringify(body) };
}

/** The answer of a handler result. */
export function resultAnswer(r: HandlerResult): Answer {
  if (r.ok && 'body' in r) return { status: 200, type: JSON_TYPE, body: r.body };
  if (r.ok) return successAnswer(r.data, r.message);
  return failureAnswer(r.errorcode, r.message, r.data === undefined ? {} : { data: r.data });
}

/** The venue's rate-limit answer: HTTP 403 with a plain-text body (not JSON). */
export const RATE_LIMITED: Answer = {
  status: RATE_LIMIT_HTTP_STATUS,
  type: TEXT_TYPE,
  body: RATE_LIMIT_TEXT,
};

/** Sends an answer through fastify. */
export function sendAnswer(reply: FastifyReply, a: Answer): FastifyReply {
  return reply.code(a.status).type(a.type).send(a.body);
}

/**
 * Writes an answer on node's response, as fastify's `reply.code(status).type(type).send(body)` does for a
 * string or bytes: `writeHead(status, {content-type, content-length})` then `end(body)` (one write).
 */
export function writeAnswer(res: ServerResponse, a: Answer): void {
  const { body } = a;
  res.writeHead(a.status, {
    'content-type': a.type,
    'content-length': typeof body === 'string' ? String(Buffer.byteLength(body)) : String(body.byteLength),
  });
  res.end(body);
}

/** Sends `{status:true, message:"SUCCESS", errorcode:"", data}`. */
export function sendSuccess(reply: FastifyReply, data: unknown, message?: string): FastifyReply {
  return sendAnswer(reply, successAnswer(data, message));
}

/** Sends a failure for a venue code (see {@link failureAnswer}). */
export function sendFailure(
  reply: FastifyReply,
  code: string,
  message?: string,
  opts: { data?: unknown; httpStatus?: number } = {},
): FastifyReply {
  return sendAnswer(reply, failureAnswer(code, message, opts));
}

/** Sends a handler result. */
export function sendResult(reply: FastifyReply, r: HandlerResult): FastifyReply {
  return sendAnswer(reply, resultAnswer(r));
}

/** Sends the venue's rate-limit answer: HTTP 403 with a plain-text body (not JSON). */
export function sendRateLimited(reply: FastifyReply): FastifyReply {
  return sendAnswer(reply, RATE_LIMITED);
}
