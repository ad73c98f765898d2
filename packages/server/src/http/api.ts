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
import { type HandlerResult, sendFailure, sendRateLimited, sendResult } from './reply.js';
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

function header(req: FastifyRequest, name: string): string {
  const v = req.headers[name];
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
function rateKeyForLogin(body: unknown, req: FastifyRequest): string {
  const cc = normaliseClientCode((body as { clientcode?: unknown } | undefined)?.clientcode);
  return plausibleClientCode(cc) ? cc : sourceKey(req.ip);
}

/** Registers the SmartAPI routes (documented canonical routes plus a catch-all for the aliases). */
export function registerApi(app: FastifyInstance, opts: ApiOptions): void {
  const { sessions, handlers, rateLimiter } = opts;

  /**
   * The gateway checks of a route (api key, JWT, user type, rate limit). Sends the failure and returns
   * undefined when one fails, else the caller's identity.
   */
  function gate(
    route: RouteDef,
    req: FastifyRequest,
    reply: FastifyReply,
  ): { apiKey: string; principal: Principal | undefined } | undefined {
    const body = route.method === 'GET' ? undefined : req.body;
    const apiKey = header(req, Header.PRIVATE_KEY).trim();
    if (apiKey === '' || !sessions.accountByApiKey(apiKey)) {
      sendFailure(reply, ErrorCode.INVALID_API_KEY);
      return undefined;
    }
    let principal: Principal | undefined;
    let rateClient: string;
    if (route.auth) {
      const auth = header(req, Header.AUTHORIZATION);
      if (auth.trim() === '' || /^bearer\s*$/i.test(auth.trim())) {
        sendFailure(reply, ErrorCode.TOKEN_MISSING);
        return undefined;
      }
      const chk = sessions.checkAccessToken(auth);
      if (!chk.ok) {
        sendFailure(reply, chk.code, chk.message);
        return undefined;
      }
      principal = chk.principal;
      if (principal.account.apiKey !== apiKey) {
        sendFailure(reply, ErrorCode.INVALID_API_KEY);
        return undefined;
      }
      rateClient = principal.clientcode;
    } else if (route.name === 'loginByPassword') {
      rateClient = rateKeyForLogin(body, req);
    } else {
      // generateTokens: the owner of a refresh token whose signature verifies; a forged token names no
      // one and spends its source's budget, never another client's.
      rateClient = sessions.refreshTokenOwner(body) ?? sourceKey(req.ip);
    }
    if (header(req, Header.USER_TYPE).trim().toUpperCase() !== USER_TYPE) {
      sendFailure(reply, ErrorCode.USER_TYPE_MUST_BE_USER);
      return undefined;
    }
    if (rateLimiter && !rateLimiter.take(rateClient, route.rateLimit)) {
      sendRateLimited(reply);
      return undefined;
    }
    return { apiKey, principal };
  }

  async function handle(
    route: RouteDef,
    params: Readonly<Record<string, string>>,
    req: FastifyRequest,
    reply: FastifyReply,
    who: { apiKey: string; principal: Principal | undefined },
  ): Promise<FastifyReply> {
    const body = route.method === 'GET' ? undefined : req.body;
    const handler = handlers[route.name];
    if (!handler) return sendFailure(reply, ErrorCode.INTERNAL_ERROR, `${route.name} is not available`);
    const result = await handler({ route, params, body, source: sourceKey(req.ip), ...who });
    return sendResult(reply, result);
  }

  /** Identity found by the preValidation gate of a canonical route. */
  const identities = new WeakMap<FastifyRequest, { apiKey: string; principal: Principal | undefined }>();

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
        const who = gate(route, req, reply);
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
      const who = gate(m.route, req, reply);
      if (!who) return reply;
      if (m.route.method === 'POST') {
        const v = violation(m.route.name, req.body);
        if (v) return sendFailure(reply, v.errorcode, v.message);
      }
      return handle(m.route, m.params, req, reply, who);
    },
  });
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
