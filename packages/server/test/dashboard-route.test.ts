/**
 * What the paper broker adds for the web dashboard: `/dashboard` (redirect, static files or a "not
 * built" page), `/dashboard/capabilities.json`, `GET /paper/v1/accounts` for the operator view, and the
 * order feed's `?jwttoken=` query form (a browser cannot set WebSocket headers).
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { ORDER_FEED_PATH } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { eventually } from '@smartapi-ts/testkit/timing';
import Fastify from 'fastify';
import WebSocket from 'ws';
import { registerDashboard } from '../src/http/dashboard.js';

describe('dashboard static route', () => {
  let dir: string;
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'dash-static-'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  test('serves the built files under /dashboard/ and redirects /dashboard', async () => {
    writeFileSync(join(dir, 'index.html'), '<!doctype html><title>x</title>');
    writeFileSync(join(dir, 'app.js'), 'console.log(1)');
    const app = Fastify();
    await registerDashboard(app, { dir });
    const r = await app.inject('/dashboard');
    assert.equal(r.statusCode, 302);
    assert.equal(r.headers.location, '/dashboard/');
    const index = await app.inject('/dashboard/');
    assert.equal(index.statusCode, 200);
    assert.match(index.headers['content-type'] as string, /text\/html/);
    const js = await app.inject('/dashboard/app.js');
    assert.equal(js.statusCode, 200);
    assert.match(js.headers['content-type'] as string, /javascript/);
    assert.equal((await app.inject('/dashboard/../package.json')).statusCode, 404);
    const caps = await app.inject('/dashboard/capabilities.json');
    assert.deepEqual(caps.json(), { execution: false });
    await app.close();
  });

  test('capabilities report the execution route once it is registered', async () => {
    const app = Fastify();
    app.get('/paper/v1/execution', () => ({}));
    await registerDashboard(app, { dir });
    assert.deepEqual((await app.inject('/dashboard/capabilities.json')).json(), { execution: true });
    await app.close();
  });

  test('without a build, /dashboard/ says how to build it', async () => {
    const app = Fastify();
    await registerDashboard(app, { dir: join(dir, 'missing') });
    const r = await app.inject('/dashboard/');
    assert.equal(r.statusCode, 503);
    assert.match(r.body, /npm run build/);
    await app.close();
  });
});

describe('operator accounts list and the order feed query token', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: Date.parse('2026-12-03T10:00:00+05:30') });
  });
  after(() => broker.close());

  test('GET /paper/v1/accounts lists every account (admin token only)', async () => {
    const other = await broker.createAccount(250_000);
    const r = await broker.admin('GET', 'accounts');
    assert.equal(r.status, 200);
    const codes = (r.body.data as { clientcode: string; funds: number }[]).map((a) => a.clientcode);
    assert.ok(codes.includes(broker.account.clientcode));
    assert.ok(codes.includes(other.clientcode));
    const row = (r.body.data as { clientcode: string; funds: number }[]).find(
      (a) => a.clientcode === other.clientcode,
    );
    assert.equal(row?.funds, 250_000);
    const { jwtToken } = await broker.login();
    const refused = await fetch(`${broker.url}/paper/v1/accounts`, {
      headers: { Authorization: `Bearer ${jwtToken}` },
    });
    assert.equal(refused.status, 401);
  });

  test('the order feed takes ?jwttoken= when no Authorization header is sent; a bad one is refused', async () => {
    const { jwtToken } = await broker.login();
    const ws = new WebSocket(`${broker.wsUrl}${ORDER_FEED_PATH}?jwttoken=${encodeURIComponent(jwtToken)}`);
    const first = await new Promise<string>((resolve, reject) => {
      ws.once('message', (d) => resolve(String(d)));
      ws.once('error', reject);
    });
    assert.equal(JSON.parse(first)['order-status'], 'AB00');
    ws.close();
    const bad = new WebSocket(`${broker.wsUrl}${ORDER_FEED_PATH}?jwttoken=nope`);
    let status = 0;
    bad.on('unexpected-response', (_req, res) => {
      status = res.statusCode ?? 0;
      bad.terminate();
    });
    bad.on('error', () => undefined);
    await eventually(() => assert.equal(status, 401));
  });
});
