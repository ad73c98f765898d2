/**
 * The fastify instance of the paper broker: a strict JSON body parser (empty body = no body), a body
 * size limit, and error / not-found handlers that always answer with the venue's envelope — never a
 * 500 with a stack trace. Transport-level failures (the request never reached a route handler) use
 * HTTP 4xx with the `status:false` envelope: malformed JSON 400, unsupported media type 415, body too
 * large 413, unknown route 404, wrong method 405.
 *
 * Errors before fastify (the node HTTP parser: bad or duplicate Content-Length, Content-Length with
 * Transfer-Encoding, oversized headers, garbage) are answered by the `clientError` handler with the
 * same envelope (400 / 431 / 408) before the connection closes; a bad URL (`%zz`) goes through
 * `frameworkErrors`; a request without a Host header is served like any other (node would answer a
 * bare 400). The request logger never writes query strings (the Python client sends its refresh
 * token as one) nor bodies nor headers: see {@link redactUrl}.
 */

import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorCode, failureEnvelope } from '@smartapi-ts/protocol';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import type { LogLevel } from '../config.js';
import { type Answer, failureAnswer, sendAnswer, sendFailure } from './reply.js';
import { RuleViolation, validatorCompiler } from './validation.js';

/** Options of {@link createHttpApp}. */
export interface HttpAppOptions {
  bodyLimit: number;
  logLevel: LogLevel;
  /** Serve the OpenAPI document and Swagger UI at `/docs`. @default true */
  docs?: boolean;
}

class BadJsonError extends Error {
  readonly statusCode = 400;
  readonly code = 'PAPER_BAD_JSON';
}

/**
 * The URL as the request log shows it: the path only, a query string replaced by its length (query
 * strings can carry tokens: the Python client sends `getProfile?{"refreshToken": …}`).
 */
export function redactUrl(url: string | undefined): string {
  const u = url ?? '';
  const q = u.indexOf('?');
  return q < 0 ? u : `${u.slice(0, q)}?[redacted ${u.length - q - 1} chars]`;
}

/** A raw HTTP answer in the venue's failure envelope (for errors before fastify has a reply). */
export function rawFailure(status: number, statusText: string, message: string): string {
  const body = JSON.stringify(failureEnvelope(ErrorCode.ERROR_NOT_SPECIFIED, message, 'status', null));
  return (
    `HTTP/1.1 ${status} ${statusText}\r\nConnection: close\r\n` +
    `Content-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
  );
}

/** node's `clientError`: the parser refused the bytes; answer in the envelope, then close. */
function onClientError(err: Error & { code?: string }, socket: Socket): void {
  if (err.code === 'ECONNRESET' || socket.destroyed) return;
  let answer: string;
  if (err.code === 'HPE_HEADER_OVERFLOW') {
    answer = rawFailure(431, 'Request Header Fields Too Large', 'Request headers are too large');
  } else if (err.code === 'ERR_HTTP_REQUEST_TIMEOUT') {
    answer = rawFailure(408, 'Request Timeout', 'Request timeout');
  } else {
    answer = rawFailure(400, 'Bad Request', `Malformed HTTP request (${err.code ?? 'parse error'})`);
  }
  if (socket.writable) socket.end(answer);
  socket.destroy();
}

/** fastify's own refusals before routing (a bad URL `%zz`, an over-long parameter). */
// biome-ignore lint/suspicious/noExplicitAny: fastify types frameworkErrors' reply for every server kind
function onFrameworkError(err: Error & { code?: string }, _req: unknown, reply: any): void {
  const message =
    err.code === 'FST_ERR_BAD_URL' ? 'Invalid URL: malformed percent-encoding' : 'Invalid request URL';
  sendFailure(reply as FastifyReply, ErrorCode.ERROR_NOT_SPECIFIED, message, { httpStatus: 400 });
}

/**
 * The answer to an error thrown while serving a request (fastify's error handler, and the fast read path
 * for a handler that throws): the venue's envelope, never a stack trace. `unexpected`: not a refusal of
 * the request but a fault of the broker (HTTP 500), to be logged.
 */
export function errorAnswer(
  err: unknown,
  contentType: string | string[] | undefined,
): { answer: Answer; unexpected: boolean } {
  // A broken request rule: the venue's code and message, in the envelope and HTTP status of the
  // protocol's error table (business codes answer HTTP 200 with status:false).
  if (err instanceof RuleViolation)
    return { answer: failureAnswer(err.errorcode, err.message), unexpected: false };
  const e = (err ?? {}) as { code?: string; statusCode?: number; message?: string };
  const refusal = (message: string, httpStatus: number) => ({
    answer: failureAnswer(ErrorCode.ERROR_NOT_SPECIFIED, message, { httpStatus }),
    unexpected: false,
  });
  switch (e.code) {
    case 'PAPER_BAD_JSON':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return refusal(e.message ?? 'Invalid request body', 400);
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return refusal('Request body is too large', 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return refusal(
        `Unsupported Content-Type ${JSON.stringify(contentType ?? '')}: send application/json`,
        415,
      );
    default:
      break;
  }
  const status = e.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return refusal(e.message ?? 'Bad request', status);
  }
  return {
    answer: failureAnswer(ErrorCode.INTERNAL_ERROR, undefined, { httpStatus: 500 }),
    unexpected: true,
  };
}

/** Log levels at which fastify logs every request ("incoming request", "request completed"). */
const LOGS_REQUESTS: ReadonlySet<LogLevel> = new Set(['info', 'debug', 'trace']);

/** Requests answered by the front of each app (see {@link frontServed}). */
const served = new WeakMap<FastifyInstance, { count: number }>();

/** How many requests `front` answered on this app (diagnostics and tests: which path served a request). */
export function frontServed(app: FastifyInstance): number {
  return served.get(app)?.count ?? 0;
}

/**
 * Puts `front` in front of fastify on the app's HTTP server: each request goes to `front` first, and to
 * fastify when `front` returns false (not its request) or when `bypass()` is true (e.g. an HTTP fault is
 * armed: the fault hook lives in fastify), and always once the app is closing (fastify then answers 503
 * and closes the connection). Call before `app.ready()` (it adds a `preClose` hook).
 *
 * Only requests fastify would answer without any per-request logging may be served by `front`: with a
 * log level that logs requests (info and below), fastify serves everything.
 */
export function frontRequests(
  app: FastifyInstance,
  front: (req: IncomingMessage, res: ServerResponse) => boolean,
  opts: { logLevel: LogLevel; bypass?: () => boolean },
): void {
  if (LOGS_REQUESTS.has(opts.logLevel)) return;
  const bypass = opts.bypass ?? (() => false);
  let closing = false;
  app.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  const server = app.server;
  const listeners = server.listeners('request');
  const fastify = listeners[0] as ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  if (!fastify || listeners.length !== 1) {
    throw new Error(`frontRequests: expected fastify's request listener alone, found ${listeners.length}`);
  }
  const stats = { count: 0 };
  served.set(app, stats);
  server.removeListener('request', fastify);
  server.on('request', (req: IncomingMessage, res: ServerResponse) => {
    if (!closing && !bypass() && front(req, res)) stats.count++;
    else fastify.call(server, req, res);
  });
}

/** Creates the fastify instance with the error handling and docs plugins registered. */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger:
      opts.logLevel === 'silent'
        ? false
        : {
            level: opts.logLevel,
            stream: process.stderr,
            // Never a query string, a body or a header in the log (tokens, PINs, TOTPs).
            serializers: {
              req: (req: FastifyRequest) => ({
                method: req.method,
                url: redactUrl(req.url),
                hostname: req.hostname,
                remoteAddress: req.ip,
                remotePort: req.socket?.remotePort ?? 0,
              }),
            },
          },
    bodyLimit: opts.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: true,
    // A request without Host is served (and answered in the envelope) instead of node's bare 400.
    http: { requireHostHeader: false },
    clientErrorHandler: onClientError,
    frameworkErrors: onFrameworkError,
  });
  // SmartAPI bodies are validated with the protocol's request rules (see validation.ts).
  app.setValidatorCompiler(validatorCompiler);
  // Response schemas document the answers in /docs only: answers are serialised by the handlers, so
  // a route's output never depends on its documented schema.
  app.setSerializerCompiler(() => (data) => JSON.stringify(data));

  app.removeAllContentTypeParsers();
  app.addContentTypeParser('application/json', { parseAs: 'string' }, (_req, text, done) => {
    const s = typeof text === 'string' ? text : text.toString('utf8');
    if (s.trim() === '') {
      done(null, undefined);
      return;
    }
    try {
      done(null, JSON.parse(s));
    } catch (err) {
      done(new BadJsonError(`Invalid JSON body: ${(err as Error).message}`), undefined);
    }
  });

  app.setErrorHandler((err, req, reply) => {
    const { answer, unexpected } = errorAnswer(err, req.headers['content-type']);
    if (unexpected) req.log.error({ err }, 'unhandled error');
    return sendAnswer(reply, answer);
  });

  app.setNotFoundHandler((req, reply) =>
    sendFailure(
      reply,
      ErrorCode.ERROR_NOT_SPECIFIED,
      `Route not found: ${req.method} ${req.url.split('?')[0]}`,
      {
        httpStatus: 404,
      },
    ),
  );

  if (opts.docs !== false) {
    await app.register(swagger, {
      openapi: {
        // 3.1: the request and response schemas are JSON Schema (TypeBox) with `const` and `null`.
        openapi: '3.1.0',
        info: {
          title: 'smartapi-ts paper broker',
          description:
            'A local broker that speaks Angel One SmartAPI. Log in with loginByPassword (clientcode, PIN, TOTP), ' +
            'then send `Authorization: Bearer <jwtToken>`, `X-PrivateKey: <api key>` and `X-UserType: USER` ' +
            'on every request. Answers use the venue envelope `{status, message, errorcode, data}`. ' +
            'Request bodies follow the protocol request rules: `null` and blank strings count as absent, strings ' +
            'are trimmed, numbers may be sent as JSON numbers or decimal strings, unknown keys are ignored; a ' +
            'broken rule answers HTTP 200 with `status:false` and the venue code named by `x-errorcode` on the field.',
          version: '0.1.0',
        },
        components: {
          securitySchemes: {
            apiKey: { type: 'apiKey', in: 'header', name: 'X-PrivateKey' },
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            accessToken: { type: 'apiKey', in: 'header', name: 'access-token' },
          },
        },
      },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  }
  return app;
}
