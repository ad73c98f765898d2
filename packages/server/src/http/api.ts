/**
 * The SmartAPI REST surface: every route of the protocol's route table, reachable by every spelling
 * the official clients use (`/gtt-service` and `/order-service` prefixes, doubled and trailing
 * slashes), with the venue's header checks, envelopes, error forms and per-client rate limits.
 *
 * Order of checks for a secure route: `X-PrivateKey` names a known api key (else AG8004), the
 * `Authorization` JWT is present (AG8003), valid (AG8001) and not expired (AG8002), the api key
 * belongs to the token's client (AG8004), `X-UserType` is `USER` (AB1005), then the rate limit
 * (HTTP 403 text) and the handler. GET routes ignore the query string and any body.
 */

import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import type {} from '@fastify/swagger';
import {
  ErrorCode,
  GATEWAY_ENVELOPE_SCHEMA,
  Header,
  matchRoute,
  ROUTE_LIST,
  type RouteDef,
  type RouteName,
  successEnvelopeSchema,
  USER_TYPE,
} from '@smartapi-ts/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { normaliseClientCode, plausibleClientCode, sourceKey } from '../identity/normalise.js';
import type { Principal, SessionService } from '../identity/sessions.js';
import type { RateLimiter } from './rate-limit.js';
import {
  type Answer,
  failureAnswer,
  type HandlerResult,
  RATE_LIMITED,
  resultAnswer,
  sendAnswer,
  sendFailure,
  sendResult,
  writeAnswer,
} from './reply.js';
import { errorAnswer } from './server.js';
import { bodySchema, violation } from './validation.js';

/** What a route handler receives. */
export interface RequestContext {
  route: RouteDef;
  /** Path parameters (`uniqueorderid`). */
  params: Readonly<Record<string, string>>;
  /** Parsed JSON body of a POST (`undefined` when empty); always `undefined` for GET. */
  body: unknown;
  /** The `X-PrivateKey` value. */
  apiKey: string;
  /** The authenticated client (every route with `auth: true`). */
  principal: Principal | undefined;
  /** The request's source (peer address), for per-source limits. */
  source: string;
}

/** A route handler: returns the envelope's data or a business failure. */
export type Handler = (ctx: RequestContext) => HandlerResult | Promise<HandlerResult>;

/** Handlers by route name; routes without one answer AB2001. */
export type Handlers = Partial<Record<RouteName, Handler>>;

/** Options of {@link registerApi}. */
export interface ApiOptions {
  sessions: SessionService;
  handlers: Handlers;
  /** Undefined = rate limits off. */
  rateLimiter: RateLimiter | undefined;
}

function header(headers: IncomingHttpHeaders, name: string): string {
  const v = headers[name];
  if (Array.isArray(v)) return v[0] ?? '';
  return v ?? '';
}

function tagOf(route: RouteDef): string {
  const m = /^\/rest\/(auth|secure)\/angelbroking\/([^/]+)\//.exec(route.path);
  if (!m) return 'other';
  return m[1] === 'auth' ? 'session' : (m[2] ?? 'other');
}

/**
 * Rate-limit key of loginByPassword: the normalised client code when it has the shape of one (so
 * `" P123456"` and `"p123456\t"` share P123456's budget), else the request's source.
 */
function rateKeyForLogin(body: unknown, ip: string | undefined): string {
  const cc = normaliseClientCode((body as { clientcode?: unknown } | undefined)?.clientcode);
  return plausibleClientCode(cc) ? cc : sourceKey(ip);
}

/** The caller a request's gateway checks found. */
interface Who {
  apiKey: string;
  principal: Principal | undefined;
}

/** The outcome of the gateway checks: the caller, or the answer refusing the request. */
type Gate = (Who & { answer: undefined }) | { answer: Answer };

/**
 * Serves a request without fastify when it is one the fast read path answers (see
 * {@link registerApi}); returns false, having touched nothing, when it is not (fastify serves it).
 */
export type FastReads = (req: IncomingMessage, res: ServerResponse) => boolean;

/** Path parameters of the fast read routes (none). */
const NO_PARAMS: Readonly<Record<string, string>> = Object.freeze({});

/**
 * Registers the SmartAPI routes (documented canonical routes plus a catch-all for the aliases), and
 * returns the fast read path of the same routes: the secure GET routes without path parameters
 * (getOrderBook, getTradeBook, getPosition, getHolding, getAllHolding, getRMS, getProfile) at their
 * canonical path, answered on node's request and response with the same gateway checks, handler and
 * answer as through fastify, minus fastify's per-request work. The caller decides when it may run
 * (http/server.ts {@link frontRequests}: never while an HTTP fault is armed or the server closes).
 */
export function registerApi(app: FastifyInstance, opts: ApiOptions): FastReads {
  const { sessions, handlers, rateLimiter } = opts;

  /**
   * The gateway checks of a route (api key, JWT, user type, rate limit) on the request's headers: the
   * caller's identity, or the answer refusing the request. `body`: the parsed body of a POST (login and
   * token refresh read their client from it); `ip`: the peer address.
   */
  function gate(route: RouteDef, headers: IncomingHttpHeaders, body: unknown, ip: string | undefined): Gate {
    const apiKey = header(headers, Header.PRIVATE_KEY).trim();
    if (apiKey === '' || !sessions.accountByApiKey(apiKey)) {
      return { answer: failureAnswer(ErrorCode.INVALID_API_KEY) };
    }
    let principal: Principal | undefined;
    let rateClient: string;
    if (route.auth) {
      const auth = header(headers, Header.AUTHORIZATION);
      if (auth.trim() === '' || /^bearer\s*$/i.test(auth.trim())) {
        return { answer: failureAnswer(ErrorCode.TOKEN_MISSING) };
      }
      const chk = sessions.checkAccessToken(auth);
      if (!chk.ok) return { answer: failureAnswer(chk.code, chk.message) };
      principal = chk.principal;
      if (principal.account.apiKey !== apiKey) return { answer: failureAnswer(ErrorCode.INVALID_API_KEY) };
      rateClient = principal.clientcode;
    } else if (route.name === 'loginByPassword') {
      rateClient = rateKeyForLogin(body, ip);
    } else {
      // generateTokens: the owner of a refresh token whose signature verifies; a forged token names no
      // one and spends its source's budget, never another client's.
      rateClient = sessions.refreshTokenOwner(body) ?? sourceKey(ip);
    }
    if (header(headers, Header.USER_TYPE).trim().toUpperCase() !== USER_TYPE) {
      return { answer: failureAnswer(ErrorCode.USER_TYPE_MUST_BE_USER) };
    }
    if (rateLimiter && !rateLimiter.take(rateClient, route.rateLimit)) return { answer: RATE_LIMITED };
    return { apiKey, principal, answer: undefined };
  }

  /** The gate of a request fastify parsed: sends the refusal and returns undefined, or the identity. */
  function gateReply(route: RouteDef, req: FastifyRequest, reply: FastifyReply): Who | undefined {
    const g = gate(route, req.headers, route.method === 'GET' ? undefined : req.body, req.ip);
    if (g.answer) {
      sendAnswer(reply, g.answer);
      return undefined;
    }
    return g;
  }

  /** The handler's answer (a missing handler answers AB1004 with the route named). */
  function run(
    route: RouteDef,
    params: Readonly<Record<string, string>>,
    body: unknown,
    ip: string | undefined,
    who: Who,
  ): HandlerResult | Promise<HandlerResult> {
    const handler = handlers[route.name];
    if (!handler)
      return { ok: false, errorcode: ErrorCode.INTERNAL_ERROR, message: `${route.name} is not available` };
    return handler({
      route,
      params,
      body,
      source: sourceKey(ip),
      apiKey: who.apiKey,
      principal: who.principal,
    });
  }

  async function handle(
    route: RouteDef,
    params: Readonly<Record<string, string>>,
    req: FastifyRequest,
    reply: FastifyReply,
    who: Who,
  ): Promise<FastifyReply> {
    const body = route.method === 'GET' ? undefined : req.body;
    return sendResult(reply, await run(route, params, body, req.ip, who));
  }

  /** Identity found by the preValidation gate of a canonical route. */
  const identities = new WeakMap<FastifyRequest, Who>();

  for (const route of ROUTE_LIST) {
    const url = route.path.replace(/\{(\w+)\}/g, ':$1');
    app.route({
      method: route.method,
      url,
      schema: {
        operationId: route.name,
        summary: route.name,
        tags: [tagOf(route)],
        description:
          `${route.method} ${route.path}` +
          (route.prefixes.length ? ` (also under ${route.prefixes.join(', ')})` : '') +
          `. Rate limit per client code: ${route.rateLimit.perSecond}/s` +
          (route.rateLimit.perMinute ? `, ${route.rateLimit.perMinute}/min` : '') +
          (route.rateLimit.perHour ? `, ${route.rateLimit.perHour}/h` : '') +
          (route.rateLimit.group !== route.name ? ` (shared group "${route.rateLimit.group}")` : '') +
          '.',
        ...(route.auth ? { security: [{ apiKey: [], bearer: [] }] } : { security: [{ apiKey: [] }] }),
        ...(route.method === 'POST'
          ? { body: bodySchema(route.name) ?? { type: 'object', additionalProperties: true } }
          : {}),
        ...(url.includes(':uniqueorderid')
          ? {
              params: {
                type: 'object',
                properties: { uniqueorderid: { type: 'string', minLength: 1 } },
                required: ['uniqueorderid'],
              },
            }
          : {}),
        response: responseSchemas(route),
      },
      // The gateway checks run before fastify validates the body, as at the venue: a request without
      // a valid token gets AG8003/AG8001 whatever its body.
      // A callback hook, not an async one: no promise per request on the hot path.
      preValidation: (req, reply, done) => {
        const who = gateReply(route, req, reply);
        if (!who) return; // answered: the chain stops here
        identities.set(req, who);
        done();
      },
      handler: (req, reply) => {
        const who = identities.get(req);
        if (!who) return reply;
        const params = (req.params ?? {}) as Record<string, string>;
        return handle(route, params, req, reply, who);
      },
    });
  }

  // Every other spelling (prefixes, doubled or trailing slashes) and wrong methods.
  app.route({
    method: ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'OPTIONS'],
    url: '/*',
    schema: { hide: true },
    handler: (req, reply) => {
      const m = matchRoute(req.url);
      if (!m)
        return sendFailure(
          reply,
          ErrorCode.ERROR_NOT_SPECIFIED,
          `Route not found: ${req.method} ${pathOf(req.url)}`,
          { httpStatus: 404 },
        );
      if (m.route.method !== req.method && !(req.method === 'HEAD' && m.route.method === 'GET')) {
        reply.header('allow', m.route.method);
        return sendFailure(
          reply,
          ErrorCode.GTT_METHOD_NOT_ALLOWED,
          `Method Not Allowed: use ${m.route.method}`,
          { httpStatus: 405 },
        );
      }
      // The same gateway checks and the same protocol rules as the canonical routes.
      const who = gateReply(m.route, req, reply);
      if (!who) return reply;
      if (m.route.method === 'POST') {
        const v = violation(m.route.name, req.body);
        if (v) return sendFailure(reply, v.errorcode, v.message);
      }
      return handle(m.route, m.params, req, reply, who);
    },
  });

  // ── the fast read path ──
  const fastRoutes = new Map<string, RouteDef>();
  for (const route of ROUTE_LIST) {
    if (route.method === 'GET' && route.auth && !route.path.includes('{')) fastRoutes.set(route.path, route);
  }
  /** As fastify's error handler (http/server.ts) for an error thrown while serving a fast read. */
  const fail = (req: IncomingMessage, res: ServerResponse, err: unknown): void => {
    const { answer, unexpected } = errorAnswer(err, req.headers['content-type']);
    if (unexpected) app.log.error({ err }, 'unhandled error');
    if (!res.headersSent) writeAnswer(res, answer);
  };
  const send = (req: IncomingMessage, res: ServerResponse, r: HandlerResult): void => {
    try {
      writeAnswer(res, resultAnswer(r));
    } catch (err) {
      fail(req, res, err);
    }
  };
  // no closure or promise per request on the synchronous path (all the fast routes' handlers)
  return (req, res) => {
    // GET only (HEAD and the other methods: fastify); a body is ignored, as fastify ignores GET bodies
    if (req.method !== 'GET') return false;
    // the canonical path exactly (the query string is ignored, as on every GET route); any other
    // spelling (prefix, slashes, percent-encoding, '#') goes to fastify's router
    const url = req.url ?? '';
    const q = url.indexOf('?');
    const route = fastRoutes.get(q < 0 ? url : url.slice(0, q));
    if (route === undefined) return false;
    try {
      const ip = req.socket.remoteAddress;
      const g = gate(route, req.headers, undefined, ip);
      if (g.answer) {
        writeAnswer(res, g.answer);
        return true;
      }
      const result = run(route, NO_PARAMS, undefined, ip, g);
      if (result instanceof Promise) {
        result.then(
          (r) => send(req, res, r),
          (err: unknown) => fail(req, res, err),
        );
      } else send(req, res, result);
    } catch (err) {
      fail(req, res, err);
    }
    return true;
  };
}

/**
 * Documentation-only response schemas (never used to serialise: handlers send pre-serialised JSON):
 * the success envelope with the route's data shape, the business-failure envelope, and the gateway
 * envelope of token errors.
 */
function responseSchemas(route: RouteDef): Record<string, unknown> {
  return {
    200: {
      description:
        'Success (`status:true`, `data` below) or a business failure (`status:false`, `errorcode` AB…/AG…, HTTP 200)',
      ...successEnvelopeSchema(route.name),
    },
    ...(route.auth
      ? {
          401: {
            description: 'AG8001 Invalid Token / AG8003 Token missing / AG8004 api key',
            ...GATEWAY_ENVELOPE_SCHEMA,
          },
          403: {
            description: 'AG8002 Token Expired (gateway envelope), or the plain-text rate-limit answer',
            ...GATEWAY_ENVELOPE_SCHEMA,
          },
        }
      : {}),
  };
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
