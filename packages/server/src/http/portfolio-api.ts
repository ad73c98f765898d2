/**
 * The Portfolio API (docs/protocol/portfolio-api.md): `GET /report/holdings/` and
 * `GET /report/positions/` with the `access-token` header (the login JWT, raw or with `Bearer`),
 * answering bare JSON arrays. A missing or bad token answers HTTP 401 with
 * `{"message": "...", "errorcode": "AG8003" | "AG8001" | "AG8002"}` (the spec leaves the error body open).
 */
import { ErrorCode, Header, PORTFOLIO_ROUTES } from '@smartapi-ts/protocol';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { SessionService } from '../identity/sessions.js';

/** Portfolio rows of one client. */
export interface PortfolioSource {
  portfolioHoldings(clientcode: string): unknown[];
  portfolioPositions(clientcode: string): unknown[];
}

function pathVariants(path: string): string[] {
  return path.endsWith('/') ? [path, path.slice(0, -1)] : [path, `${path}/`];
}

/** Registers the two Portfolio API routes (with and without the trailing slash). */
export function registerPortfolioApi(
  app: FastifyInstance,
  opts: { sessions: SessionService; broker: PortfolioSource },
): void {
  const { sessions, broker } = opts;
  const authed = (rows: (clientcode: string) => unknown[]) => (req: FastifyRequest, reply: FastifyReply) => {
    const raw = req.headers[Header.ACCESS_TOKEN];
    const token = (Array.isArray(raw) ? raw[0] : raw) ?? '';
    if (token.trim() === '') {
      return reply.code(401).send({ message: 'Token missing', errorcode: ErrorCode.TOKEN_MISSING });
    }
    const chk = sessions.checkAccessToken(token);
    if (!chk.ok) return reply.code(401).send({ message: chk.message, errorcode: chk.code });
    return reply.type('application/json; charset=utf-8').send(JSON.stringify(rows(chk.principal.clientcode)));
  };
  const routes = [
    [
      PORTFOLIO_ROUTES.holdings.path,
      'Holdings (Portfolio API, bare JSON array)',
      (cc: string) => broker.portfolioHoldings(cc),
    ],
    [
      PORTFOLIO_ROUTES.positions.path,
      'Net positions (Portfolio API, bare JSON array)',
      (cc: string) => broker.portfolioPositions(cc),
    ],
  ] as const;
  for (const [path, summary, rows] of routes) {
    pathVariants(path).forEach((url, i) => {
      app.get(url, {
        schema:
          i === 0 ? { tags: ['portfolio-api'], summary, security: [{ accessToken: [] }] } : { hide: true },
        handler: authed(rows),
      });
    });
  }
}
