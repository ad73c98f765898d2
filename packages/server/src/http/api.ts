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
  Header,
  matchRoute,
  ROUTE_LIST,
  type RouteDef,
  type RouteName,
  USER_TYPE,
} from '@smartapi-ts/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Principal, SessionService } from '../identity/sessions.js';
import type { RateLimiter } from './rate-limit.js';
import { type HandlerResult, sendFailure, sendRateLimited, sendResult } from './reply.js';

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

function rateKeyForLogin(body: unknown, req: FastifyRequest): string {
  const cc = (body as { clientcode?: unknown } | undefined)?.clientcode;
  return typeof cc === 'string' && cc !== '' ? cc.toUpperCase() : `ip:${req.ip}`;
}

function refreshClient(body: unknown): string | undefined {
  const t = (body as { refreshToken?: unknown } | undefined)?.refreshToken;
  if (typeof t !== 'string') return undefined;
  const payload = t.replace(/^bearer\s+/i, '').split('.')[1];
  if (!payload) return undefined;
  try {
    const u = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { username?: unknown })
      .username;
    return typeof u === 'string' ? u : undefined;
  } catch {
    return undefined;
  }
}

/** Registers the SmartAPI routes (documented canonical routes plus a catch-all for the aliases). */
export function registerApi(app: FastifyInstance, opts: ApiOptions): void {
  const { sessions, handlers, rateLimiter } = opts;

  async function dispatch(
    route: RouteDef,
    params: Readonly<Record<string, string>>,
    req: FastifyRequest,
    reply: FastifyReply,
  ): Promise<FastifyReply> {
    const body = route.method === 'GET' ? undefined : req.body;
    const apiKey = header(req, Header.PRIVATE_KEY).trim();
    if (apiKey === '' || !sessions.accountByApiKey(apiKey))
      return sendFailure(reply, ErrorCode.INVALID_API_KEY);
    let principal: Principal | undefined;
    let rateClient: string;
    if (route.auth) {
      const auth = header(req, Header.AUTHORIZATION);
      if (auth.trim() === '' || /^bearer\s*$/i.test(auth.trim()))
        return sendFailure(reply, ErrorCode.TOKEN_MISSING);
      const chk = sessions.checkAccessToken(auth);
      if (!chk.ok) return sendFailure(reply, chk.code, chk.message);
      principal = chk.principal;
      if (principal.account.apiKey !== apiKey) return sendFailure(reply, ErrorCode.INVALID_API_KEY);
      rateClient = principal.clientcode;
    } else if (route.name === 'loginByPassword') {
      rateClient = rateKeyForLogin(body, req);
    } else {
      rateClient = refreshClient(body) ?? `ip:${req.ip}`;
    }
    if (header(req, Header.USER_TYPE).trim().toUpperCase() !== USER_TYPE) {
      return sendFailure(reply, ErrorCode.USER_TYPE_MUST_BE_USER);
    }
    if (rateLimiter && !rateLimiter.take(rateClient, route.rateLimit)) return sendRateLimited(reply);
    const handler = handlers[route.name];
    if (!handler) return sendFailure(reply, ErrorCode.INTERNAL_ERROR, `${route.name} is not available`);
    const result = await handler({ route, params, body, apiKey, principal });
    return sendResult(reply, result);
  }

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
        ...(route.method === 'POST' ? { body: { type: 'object', additionalProperties: true } } : {}),
        ...(url.includes(':uniqueorderid')
          ? { params: { type: 'object', properties: { uniqueorderid: { type: 'string' } } } }
          : {}),
      },
      handler: (req, reply) => {
        const params = (req.params ?? {}) as Record<string, string>;
        return dispatch(route, params, req, reply);
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
      return dispatch(m.route, m.params, req, reply);
    },
  });
}

function pathOf(url: string): string {
  const q = url.indexOf('?');
  return q >= 0 ? url.slice(0, q) : url;
}
