/**
 * The HTTP side of the fault registry: a fastify `preHandler` hook in front of every venue route that
 * fires armed faults by route name (the protocol table's) and client code, before the venue's own
 * checks. The client code is read from the request's JWT (`username`) or the login body; it only
 * selects faults, it authenticates nothing.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { ErrorCode, Header, matchRoute } from '@smartapi-ts/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { sendFailure, sendRateLimited } from '../http/reply.js';
import type { SessionService } from '../identity/sessions.js';
import type { Store } from '../storage/types.js';
import { type FaultRegistry, HTTP_FAULT_KINDS } from './registry.js';

/** Collaborators of {@link registerFaultHook}. */
export interface FaultHookOptions {
  faults: FaultRegistry;
  store: Store;
  sessions: SessionService;
  /** Market time (fault `until`). */
  now: () => number;
  /** Wall clock (session revocation). */
  wallNow: () => number;
}

function jwtUser(token: string | undefined): string | undefined {
  if (!token) return undefined;
  const payload = token.replace(/^bearer\s+/i, '').split('.')[1];
  if (!payload) return undefined;
  try {
    const u = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { username?: unknown })
      .username;
    return typeof u === 'string' ? u.toUpperCase() : undefined;
  } catch {
    return undefined;
  }
}

function clientOf(req: FastifyRequest): string | undefined {
  const h = req.headers[Header.AUTHORIZATION.toLowerCase()];
  const fromJwt = jwtUser(Array.isArray(h) ? h[0] : h);
  if (fromJwt) return fromJwt;
  const body = req.body as { clientcode?: unknown; refreshToken?: unknown } | undefined;
  if (typeof body?.clientcode === 'string') return body.clientcode.toUpperCase();
  if (typeof body?.refreshToken === 'string') return jwtUser(body.refreshToken);
  return undefined;
}

/** Registers the hook (call before the venue routes are registered). */
export function registerFaultHook(app: FastifyInstance, opts: FaultHookOptions): void {
  const { faults } = opts;
  // A callback hook: with no armed HTTP fault (the usual case) a request costs one check, no promise.
  app.addHook('preHandler', (req, reply, done) => {
    if (!faults.has(HTTP_FAULT_KINDS) || req.url.startsWith('/paper/')) {
      done();
      return;
    }
    fire(req, reply).then(
      (answered) => {
        if (answered === undefined) done();
      },
      (err: Error) => done(err),
    );
  });

  /** Fires the fault armed for the request, if any; returns the reply when it answered (or hijacked) it. */
  async function fire(req: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | undefined> {
    const m = matchRoute(req.url);
    if (!m) return;
    const clientcode = clientOf(req);
    const f = faults.take(HTTP_FAULT_KINDS, { route: m.route.name, clientcode }, opts.now());
    if (!f) return;
    switch (f.kind) {
      case 'http500':
        return sendFailure(reply, ErrorCode.INTERNAL_ERROR, 'Internal Server Error (paper fault)', {
          httpStatus: 500,
        });
      case 'ab1004':
        return sendFailure(reply, ErrorCode.SOMETHING_WENT_WRONG);
      case 'rateLimit':
        return sendRateLimited(reply);
      case 'sessionExpired':
        if (clientcode) {
          opts.store.sessions.revokeAll(clientcode, opts.wallNow());
          opts.sessions.clearCache();
        }
        return sendFailure(reply, ErrorCode.INVALID_TOKEN);
      case 'slow':
        await sleep(f.ms ?? 0);
        return;
      case 'timeout':
        // No answer at all: the connection stays open until the client gives up (or the server closes).
        reply.hijack();
        return reply;
      default:
        return;
    }
  }
}
