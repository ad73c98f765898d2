/**
 * Serves the web dashboard (`packages/dashboard`, built to static files by the root `npm run build`)
 * at `/dashboard/`. The files are read from `dir` (default: the dashboard package's `dist/public`
 * beside this package in the repository); when they are not built, `/dashboard/` answers a short
 * HTML page saying how to build them. The dashboard talks to the broker through its public REST,
 * WebSocket and admin routes only: nothing here reads broker state.
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';

/** Path prefix of the dashboard. */
export const DASHBOARD_PATH = '/dashboard/';

/** Where the built dashboard is, relative to this file (src/http or dist/http of the server package). */
export function defaultDashboardDir(): string {
  return fileURLToPath(new URL('../../../dashboard/dist/public/', import.meta.url));
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Dashboard not built</title></head>
<body><h1>The dashboard is not built</h1><p>Run <code>npm run build</code> in the repository, then reload.</p></body></html>`;

/** Registers `/dashboard` (redirect) and `/dashboard/*` (the static files). */
export async function registerDashboard(
  app: FastifyInstance,
  opts: { dir?: string | undefined } = {},
): Promise<void> {
  const dir = opts.dir ?? defaultDashboardDir();
  app.get('/dashboard', { schema: { hide: true } }, (_req, reply) => reply.redirect(DASHBOARD_PATH));
  // Which optional admin routes this broker serves, so the page never probes one into a 404.
  app.get(`${DASHBOARD_PATH}capabilities.json`, { schema: { hide: true } }, (_req, reply) =>
    reply.send({ execution: app.hasRoute({ method: 'GET', url: '/paper/v1/execution' }) }),
  );
  if (!existsSync(`${dir}/index.html`)) {
    app.get(`${DASHBOARD_PATH}*`, { schema: { hide: true } }, (_req, reply) =>
      reply.code(503).type('text/html; charset=utf-8').send(NOT_BUILT),
    );
    return;
  }
  await app.register(fastifyStatic, {
    root: dir,
    prefix: DASHBOARD_PATH,
    decorateReply: false,
    index: ['index.html'],
    schemaHide: true,
    cacheControl: false,
  });
}
