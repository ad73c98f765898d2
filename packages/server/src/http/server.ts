/**
 * The fastify instance of the paper broker: a strict JSON body parser (empty body = no body), a body
 * size limit, and error / not-found handlers that always answer with the venue's envelope — never a
 * 500 with a stack trace. Transport-level failures (the request never reached a route handler) use
 * HTTP 4xx with the `status:false` envelope: malformed JSON 400, unsupported media type 415, body too
 * large 413, unknown route 404, wrong method 405.
 */
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ErrorCode } from '@smartapi-ts/protocol';
import Fastify, { type FastifyInstance } from 'fastify';
import type { LogLevel } from '../config.js';
import { sendFailure } from './reply.js';
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

/** Creates the fastify instance with the error handling and docs plugins registered. */
export async function createHttpApp(opts: HttpAppOptions): Promise<FastifyInstance> {
  const app = Fastify({
    logger: opts.logLevel === 'silent' ? false : { level: opts.logLevel, stream: process.stderr },
    bodyLimit: opts.bodyLimit,
    return503OnClosing: true,
    forceCloseConnections: true,
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
    // A broken request rule: the venue's code and message, in the envelope and HTTP status of the
    // protocol's error table (business codes answer HTTP 200 with status:false).
    if (err instanceof RuleViolation) return sendFailure(reply, err.errorcode, err.message);
    const e = err as { code?: string; statusCode?: number; message?: string };
    switch (e.code) {
      case 'PAPER_BAD_JSON':
      case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
      case 'FST_ERR_CTP_EMPTY_JSON_BODY':
        return sendFailure(reply, ErrorCode.ERROR_NOT_SPECIFIED, e.message ?? 'Invalid request body', {
          httpStatus: 400,
        });
      case 'FST_ERR_CTP_BODY_TOO_LARGE':
        return sendFailure(reply, ErrorCode.ERROR_NOT_SPECIFIED, 'Request body is too large', {
          httpStatus: 413,
        });
      case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      case 'FST_ERR_CTP_INVALID_TYPE':
        return sendFailure(
          reply,
          ErrorCode.ERROR_NOT_SPECIFIED,
          `Unsupported Content-Type ${JSON.stringify(req.headers['content-type'] ?? '')}: send application/json`,
          { httpStatus: 415 },
        );
      default:
        break;
    }
    const status = e.statusCode;
    if (typeof status === 'number' && status >= 400 && status < 500) {
      return sendFailure(reply, ErrorCode.ERROR_NOT_SPECIFIED, e.message ?? 'Bad request', {
        httpStatus: status,
      });
    }
    req.log.error({ err }, 'unhandled error');
    return sendFailure(reply, ErrorCode.INTERNAL_ERROR, undefined, { httpStatus: 500 });
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
