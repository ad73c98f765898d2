import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, test } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { AbortError, ConnectionError, SmartApi, TimeoutError } from '../src/index.js';
import { type FakeVenue, ManualClock, ok, startFakeVenue, TOKENS } from './support/rest-fakes.js';

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue((req) => {
    if (req.path.endsWith('/slow')) return { delayMs: 2000 };
    if (req.path === ROUTES.getRMS.path && req.headers['x-test'] === undefined)
      return { body: ok({ net: '1' }) };
    return undefined;
  });
});
after(() => venue.close());

function client(extra: Partial<ConstructorParameters<typeof SmartApi>[0]> = {}): SmartApi {
  const api = new SmartApi({
    apiKey: 'test-api-key-001',
    root: venue.url,
    rateLimit: false,
    clientLocalIp: '10.1.2.3',
    macAddress: '02:00:00:00:00:01',
    ...extra,
  });
  api.setSession({ clientCode: 'T1', ...TOKENS });
  return api;
}

test('sends the headers of docs/protocol/rest.md#headers; GETs carry no query string and no body', async () => {
  const api = client();
  try {
    venue.requests.length = 0;
    await api.user.rms();
    const r = venue.requests[0];
    assert.ok(r);
    assert.equal(r.method, 'GET');
    assert.equal(r.url, ROUTES.getRMS.path);
    assert.equal(r.query, null);
    assert.equal(r.body, '');
    assert.equal(r.headers['x-privatekey'], 'test-api-key-001');
    assert.equal(r.headers['x-usertype'], 'USER');
    assert.equal(r.headers['x-sourceid'], 'WEB');
    assert.equal(r.headers.accept, 'application/json');
    assert.equal(r.headers['content-type'], 'application/json');
    assert.equal(r.headers['x-clientlocalip'], '10.1.2.3');
    assert.equal(r.headers['x-clientpublicip'], '10.1.2.3', 'public IP defaults to the local one');
    assert.equal(r.headers['x-macaddress'], '02:00:00:00:00:01');
    assert.equal(r.headers.authorization, `Bearer ${TOKENS.jwtToken}`);
    assert.ok(r.rawHeaderNames.includes('X-PrivateKey'), 'wire spelling of header names');
  } finally {
    api.close();
  }
});

test('detected identity values are real interface values, never a stranger IP', async () => {
  const api = new SmartApi({ apiKey: 'k-identity', root: venue.url, rateLimit: false });
  api.setSession({ clientCode: 'T2', ...TOKENS });
  try {
    venue.requests.length = 0;
    await api.user.rms();
    const h = venue.requests[0]?.headers ?? {};
    assert.notEqual(h['x-clientpublicip'], '106.193.147.98');
    assert.match(h['x-clientlocalip'] ?? '', /^\d+\.\d+\.\d+\.\d+$/);
    assert.match(h['x-macaddress'] ?? '', /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/i);
  } finally {
    api.close();
  }
});

test('the default transport reuses one keep-alive connection', async () => {
  const api = client();
  try {
    venue.requests.length = 0;
    for (let i = 0; i < 5; i++) await api.user.rms();
    const ports = new Set(venue.requests.map((r) => r.remotePort));
    assert.equal(venue.requests.length, 5);
    assert.equal(ports.size, 1);
  } finally {
    api.close();
  }
});

test('timeout → TimeoutError (maybeDelivered); per-call timeout overrides the client one', async () => {
  // a server that never answers
  const server = http.createServer(() => {});
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = new SmartApi({ apiKey: 'k', root, rateLimit: false, retry: false, timeout: 60_000 });
  api.setSession({ clientCode: 'T3', ...TOKENS });
  try {
    const e = await api.user.rms({ timeout: 50 }).catch((x: unknown) => x);
    assert.ok(e instanceof TimeoutError, String(e));
    assert.equal(e.maybeDelivered, true);
    assert.equal(e.route, 'getRMS');
  } finally {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('an AbortSignal aborts a request in flight and one aborted before sending sends nothing', async () => {
  const server = http.createServer(() => {});
  let hits = 0;
  server.on('request', () => hits++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const api = new SmartApi({ apiKey: 'k', root, rateLimit: false });
  api.setSession({ clientCode: 'T4', ...TOKENS });
  try {
    const ctl = new AbortController();
    const p = api.orders.book({ signal: ctl.signal });
    setTimeout(() => ctl.abort(), 30);
    await assert.rejects(p, AbortError);
    const pre = new AbortController();
    pre.abort();
    const before = hits;
    await assert.rejects(api.user.profile({ signal: pre.signal }), AbortError);
    assert.equal(hits, before);
  } finally {
    api.close();
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  }
});

test('connection refused → ConnectionError that says the request was not delivered', async () => {
  const server = http.createServer();
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  await new Promise((r) => server.close(r));
  const api = new SmartApi({ apiKey: 'k', root: `http://127.0.0.1:${port}`, rateLimit: false, retry: false });
  api.setSession({ clientCode: 'T5', ...TOKENS });
  try {
    const e = await api.user.rms().catch((x: unknown) => x);
    assert.ok(e instanceof ConnectionError);
    assert.equal(e.maybeDelivered, false);
    assert.match(e.message, /ECONNREFUSED/);
  } finally {
    api.close();
  }
});

test('an injected fetch is used instead of node:http, with the same wire request', async () => {
  const calls: { url: string; init: { method: string; headers: Record<string, string>; body?: string } }[] =
    [];
  const api = new SmartApi({
    apiKey: 'k-fetch',
    root: 'http://venue.invalid/',
    rateLimit: false,
    clientLocalIp: '10.0.0.9',
    macAddress: '02:00:00:00:00:02',
    fetch: async (url, init) => {
      calls.push({ url, init });
      return new Response(JSON.stringify(ok({ script: 'SBIN-EQ', orderid: '1', uniqueorderid: 'u' })));
    },
  });
  api.setSession({ clientCode: 'T6', ...TOKENS });
  const res = await api.orders.place({
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: 500,
    quantity: 1,
    ordertag: 'mytag',
  });
  assert.equal(res.orderid, '1');
  assert.equal(calls.length, 1);
  assert.equal(calls[0]?.url, `http://venue.invalid${ROUTES.placeOrder.path}`);
  assert.equal(calls[0]?.init.method, 'POST');
  assert.equal(calls[0]?.init.headers['X-PrivateKey'], 'k-fetch');
  assert.deepEqual(JSON.parse(calls[0]?.init.body ?? ''), {
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: '500',
    quantity: '1',
    ordertag: 'mytag',
  });
});

test('construction has no side effects: no request, no timer', () => {
  let fetched = 0;
  const clock = new ManualClock();
  const api = new SmartApi({
    apiKey: 'k',
    clock,
    fetch: async () => {
      fetched++;
      return new Response('{}');
    },
  });
  assert.equal(fetched, 0);
  assert.equal(clock.scheduled.length, 0);
  assert.equal(api.session, undefined);
  api.close();
});
