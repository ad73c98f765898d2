/**
 * The paper broker's admin API under `/paper/v1/` (outside the venue's routes): clock, accounts,
 * contract notes, snapshots, faults and the execution model. JSON in and out with the venue's envelope (`{status, message, errorcode,
 * data}`); paper-only error codes `PA1xxx`. Every route needs `Authorization: Bearer <admin token>`
 * (compared in constant time); a user's JWT never opens one.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { type Fault, FaultSpecError, parseFaultSpec } from '../faults/registry.js';
import {
  AdminErrorCode,
  formatIst,
  parseIsoTime,
  type ScenarioController,
  ScenarioError,
} from '../scenario/controller.js';
import { parseNoteDate } from './contract-note.js';

/** Options of {@link registerAdminApi}. */
export interface AdminApiOptions {
  scenario: ScenarioController;
  /** The admin bearer token (non-empty). */
  token: string;
  /** Market time. */
  now: () => number;
}

/** Path prefix of the admin API. */
export const ADMIN_PREFIX = '/paper/v1';

const JSON_TYPE = 'application/json; charset=utf-8';

function ok(reply: FastifyReply, data: unknown): FastifyReply {
  return reply
    .code(200)
    .type(JSON_TYPE)
    .send(JSON.stringify({ status: true, message: 'SUCCESS', errorcode: '', data }));
}

function fail(reply: FastifyReply, status: number, errorcode: string, message: string): FastifyReply {
  return reply
    .code(status)
    .type(JSON_TYPE)
    .send(JSON.stringify({ status: false, message, errorcode, data: null }));
}

const digest = (s: string) => createHash('sha256').update(s, 'utf8').digest();

/** Registers the admin routes on the app (not encapsulated from the venue's error handlers). */
export async function registerAdminApi(app: FastifyInstance, opts: AdminApiOptions): Promise<void> {
  if (opts.token === '') throw new TypeError('the admin API needs a non-empty token');
  const expected = digest(opts.token);
  const { scenario } = opts;

  await app.register(
    async (admin) => {
      admin.addHook('onRequest', async (req, reply) => {
        const h = req.headers.authorization;
        const raw = Array.isArray(h) ? h[0] : h;
        const m = /^bearer\s+(.+)$/i.exec(raw?.trim() ?? '');
        if (!m?.[1] || !timingSafeEqual(digest(m[1].trim()), expected)) {
          reply.header('www-authenticate', 'Bearer realm="paper-admin"');
          return fail(
            reply,
            401,
            AdminErrorCode.UNAUTHORIZED,
            m ? 'Invalid admin token' : 'Missing admin token: send Authorization: Bearer <admin token>',
          );
        }
        return undefined;
      });

      const handle =
        (fn: (req: FastifyRequest) => unknown | Promise<unknown>) =>
        async (req: FastifyRequest, reply: FastifyReply) => {
          try {
            return ok(reply, await fn(req));
          } catch (err) {
            if (err instanceof ScenarioError) return fail(reply, err.status, err.code, err.message);
            if (err instanceof FaultSpecError) return fail(reply, 400, AdminErrorCode.BAD_INPUT, err.message);
            if (err instanceof Error && err.name === 'AccountError') {
              return fail(reply, 400, AdminErrorCode.BAD_INPUT, err.message);
            }
            throw err;
          }
        };
      const param = (req: FastifyRequest, name: string) => (req.params as Record<string, string>)[name] ?? '';
      const hidden = { schema: { hide: true } };

      admin.get(
        '/clock',
        hidden,
        handle(() => scenario.clockView()),
      );
      admin.post(
        '/clock',
        hidden,
        handle((req) => scenario.changeClock(scenario.parseClockChange(req.body))),
      );

      admin.get(
        '/accounts',
        hidden,
        handle(() => scenario.listAccounts()),
      );
      admin.post(
        '/accounts',
        hidden,
        handle((req) => scenario.createAccount(req.body)),
      );
      admin.post(
        '/accounts/:clientcode/reset',
        hidden,
        handle((req) => scenario.resetAccount(param(req, 'clientcode'), req.body)),
      );
      admin.post(
        '/accounts/:clientcode/unlock',
        hidden,
        handle((req) => scenario.unlockAccount(param(req, 'clientcode'))),
      );
      admin.post(
        '/accounts/:clientcode/funds',
        hidden,
        handle((req) => scenario.addFunds(param(req, 'clientcode'), req.body)),
      );

      admin.get(
        '/accounts/:clientcode/contract-note',
        hidden,
        handle((req) =>
          scenario.contractNote(
            param(req, 'clientcode'),
            parseNoteDate((req.query as { date?: unknown }).date),
          ),
        ),
      );

      admin.get(
        '/snapshots',
        hidden,
        handle(() => scenario.listSnapshots()),
      );
      admin.post(
        '/snapshots',
        hidden,
        handle((req) => scenario.createSnapshot(req.body)),
      );
      admin.post(
        '/snapshots/:id/restore',
        hidden,
        handle((req) => scenario.restoreSnapshot(param(req, 'id'))),
      );

      admin.get(
        '/execution',
        hidden,
        handle(() => scenario.executionView()),
      );
      admin.get(
        '/execution/orders/:orderid',
        hidden,
        handle((req) => scenario.executionOfOrder(param(req, 'orderid'))),
      );
      admin.put(
        '/execution',
        hidden,
        handle((req) => scenario.changeExecution(req.body)),
      );

      admin.get(
        '/faults',
        hidden,
        handle(() => scenario.faults.list(opts.now()).map(faultView)),
      );
      admin.post(
        '/faults',
        hidden,
        handle((req) =>
          faultView({ ...scenario.armFault(parseFaultSpec(req.body, parseIsoTime)), active: true }),
        ),
      );
      admin.delete(
        '/faults/:id',
        hidden,
        handle((req) => {
          const id = param(req, 'id');
          if (!scenario.faults.remove(id)) {
            throw new ScenarioError(AdminErrorCode.NOT_FOUND, 404, `no such fault: ${id}`);
          }
          return { id, deleted: true };
        }),
      );
    },
    { prefix: ADMIN_PREFIX },
  );
}

function faultView(f: Fault & { active: boolean }): Record<string, unknown> {
  const { until, ...rest } = f;
  return until === undefined ? rest : { ...rest, until: formatIst(until) };
}
