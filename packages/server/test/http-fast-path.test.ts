/**
 * The fast read path (http/api.ts, taken from node:http before fastify) answers exactly as fastify does:
 * for every fast route and every refusal (bad api key, missing / invalid / expired token, logged-out
 * session, another client's api key, user type, rate limit), the same status, the same headers in the same
 * order (but `date`) and the same bytes. The slow side of each comparison is the same broker while an HTTP
 * fault is armed for another route and client: every request then goes through fastify (and its fault
 * hook), which `frontServed` proves. A fault that fires is fastify's alone.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import { after, before, describe, it } from 'node:test';
import { ROUTES, type RouteName } from '@smartapi-ts/protocol';
import { frontServed } from '../src/http/server.js';
import { totpCode } from '../src/identity/totp.js';
import { startTestBroker, type TestBroker } from './app-helpers.js';

interface Raw {
  status: number;
  /** Raw header lines in order (name, value), without `date`. */
  headers: string[];
  body: Buffer;
}

const FAST_ROUTES: RouteName[] = [
  'getOrderBook',
  'getTradeBook',
  'getPosition',
  'getHolding',
  'getAllHolding',
  'getRMS',
  'getProfile',
];

describe('fast read path', () => {
  let b: TestBroker;
  let url: string;
  let jwt: string;
  let wall = Date.now();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

  before(async () => {
    b = await startTestBroker({ rateLimits: true, wallClock: () => wall });
    url = await b.server.listen();
    jwt = await login();
    // a resting order and a fill, so the books are not empty
    const place = await b.server.app.inject({
      method: 'POST',
      url: ROUTES.placeOrder.path,
      headers: b.headers(jwt),
      payload: JSON.stringify({
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price: '690',
        quantity: '2',
      }),
    });
    assert.equal((JSON.parse(place.body) as { status: boolean }).status, true, place.body);
  });
  after(async () => {
    agent.destroy();
    await b.close();
  });

  /** Logs in at the broker's wall clock (the TOTP of that time). */
  const login = async (): Promise<string> => {
    const res = await b.server.app.inject({
      method: 'POST',
      url: ROUTES.loginByPassword.path,
      headers: b.headers(),
      payload: JSON.stringify({
        clientcode: b.creds.clientcode,
        password: b.creds.password,
        totp: totpCode(b.creds.totpSecret, wall),
      }),
    });
    const body = JSON.parse(res.body) as { status: boolean; data: { jwtToken: string } };
    assert.ok(body.status, res.body);
    return body.data.jwtToken;
  };

  const get = (path: string, headers: Record<string, string>, body?: string): Promise<Raw> =>
    new Promise((resolve, reject) => {
      const req = http.request(`${url}${path}`, { method: 'GET', headers, agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const headers: string[] = [];
          for (let i = 0; i < res.rawHeaders.length; i += 2) {
            const name = res.rawHeaders[i] ?? '';
            if (name.toLowerCase() !== 'date') headers.push(name, res.rawHeaders[i + 1] ?? '');
          }
          resolve({ status: res.statusCode ?? 0, headers, body: Buffer.concat(chunks) });
        });
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end(body);
    });

  const admin = async (method: 'POST' | 'DELETE', path: string, payload?: unknown) => {
    const res = await b.server.app.inject({
      method,
      url: `/paper/v1/${path}`,
      headers: { authorization: `Bearer ${b.server.adminToken}`, 'content-type': 'application/json' },
      ...(payload === undefined ? {} : { payload: JSON.stringify(payload) }),
    });
    assert.ok(res.statusCode < 300, res.body);
    return JSON.parse(res.body) as { data: { id: string } };
  };

  /** Runs `requests` on the fast path, then again through fastify; both series must be equal. */
  const compare = async (requests: () => Promise<Raw[]>, reset: () => void = () => {}): Promise<Raw[]> => {
    reset();
    const servedBefore = frontServed(b.server.app);
    const fast = await requests();
    assert.equal(frontServed(b.server.app) - servedBefore, fast.length, 'every request on the fast path');
    const fault = await admin('POST', 'faults', {
      kind: 'http500',
      route: 'cancelOrder',
      clientcode: 'Z9999999',
    });
    try {
      reset();
      const servedMid = frontServed(b.server.app);
      const slow = await requests();
      assert.equal(frontServed(b.server.app), servedMid, 'no request on the fast path');
      assert.deepEqual(fast, slow);
    } finally {
      await admin('DELETE', `faults/${fault.data.id}`);
    }
    return fast;
  };
  /** A fresh rate-limit budget (the limiter runs on the wall clock; these routes allow 1/s … 3/s). */
  const nextSecond = () => {
    wall += 1_100;
  };
  const one = (path: string, headers: Record<string, string>, body?: string) => () =>
    get(path, headers, body).then((r) => [r]);

  it('answers every fast route as fastify does', async () => {
    for (const name of FAST_ROUTES) {
      const [r] = await compare(one(ROUTES[name].path, b.headers(jwt)), nextSecond);
      assert.equal(r?.status, 200, name);
      assert.equal((JSON.parse(r?.body.toString() ?? '') as { status: boolean }).status, true, name);
    }
    const [book] = await compare(one(ROUTES.getOrderBook.path, b.headers(jwt)), nextSecond);
    assert.equal((JSON.parse(book?.body.toString() ?? '') as { data: unknown[] }).data.length, 1);
  });

  it('ignores a GET body and a query string, as the official clients send them', async () => {
    const path = ROUTES.getOrderBook.path;
    // the JS client: Content-Length 2, body {}; the Python client: ?%7B%7D
    await compare(one(path, { ...b.headers(jwt), 'Content-Length': '2' }, '{}'), nextSecond);
    await compare(one(`${path}?%7B%7D`, b.headers(jwt)), nextSecond);
  });

  it('refuses exactly as fastify does', async () => {
    const path = ROUTES.getOrderBook.path;
    const h = b.headers(jwt);
    const other = await b.newAccount();
    const cases: [string, Record<string, string>, string][] = [
      ['unknown api key', { ...h, 'X-PrivateKey': 'nope' }, 'AG8004'],
      ['no api key', Object.fromEntries(Object.entries(h).filter(([k]) => k !== 'X-PrivateKey')), 'AG8004'],
      ['another client api key', { ...h, 'X-PrivateKey': other.apiKey }, 'AG8004'],
      ['no token', b.headers(), 'AG8003'],
      ['bare Bearer', { ...h, Authorization: 'Bearer ' }, 'AG8003'],
      ['garbage token', { ...h, Authorization: 'Bearer abc.def.ghi' }, 'AG8001'],
      ['tampered token', { ...h, Authorization: `Bearer ${jwt.slice(0, -2)}xx` }, 'AG8001'],
      ['user type', { ...h, 'X-UserType': 'ADMIN' }, 'AB1005'],
    ];
    for (const [what, headers, code] of cases) {
      const [r] = await compare(one(path, headers), nextSecond);
      assert.ok(r?.body.toString().includes(code), `${what}: ${r?.body.toString()}`);
    }
  });

  it('rate-limits exactly as fastify does', async () => {
    const series = await compare(async () => {
      const h = b.headers(jwt);
      return [await get(ROUTES.getOrderBook.path, h), await get(ROUTES.getOrderBook.path, h)];
    }, nextSecond);
    assert.equal(series[0]?.status, 200);
    assert.equal(series[1]?.status, 403);
    assert.match(series[1]?.headers.join(' ') ?? '', /text\/plain/);
  });

  it('refuses a logged-out session and an expired token exactly as fastify does', async () => {
    const session = await login();
    const out = await b.server.app.inject({
      method: 'POST',
      url: ROUTES.logout.path,
      headers: b.headers(session),
      payload: JSON.stringify({ clientcode: b.creds.clientcode }),
    });
    assert.equal((JSON.parse(out.body) as { status: boolean }).status, true, out.body);
    const [loggedOut] = await compare(one(ROUTES.getRMS.path, b.headers(session)), nextSecond);
    assert.ok(loggedOut?.body.toString().includes('AG8001'), loggedOut?.body.toString());
    const later = wall + 3 * 86_400_000;
    const [expired] = await compare(one(ROUTES.getPosition.path, b.headers(jwt)), () => {
      wall = later;
    });
    assert.ok(expired?.body.toString().includes('AG8002'), expired?.body.toString());
  });

  it('leaves a request an armed fault fires on to fastify', async () => {
    const fault = await admin('POST', 'faults', { kind: 'ab1004', route: 'getOrderBook', count: 1 });
    try {
      nextSecond();
      const jwt2 = await login();
      const served = frontServed(b.server.app);
      const r = await get(ROUTES.getOrderBook.path, b.headers(jwt2));
      assert.equal(frontServed(b.server.app), served);
      assert.equal(r.status, 200);
      assert.ok(r.body.toString().includes('AB1004'), r.body.toString());
    } finally {
      await admin('DELETE', `faults/${fault.data.id}`);
    }
    nextSecond();
    const served = frontServed(b.server.app);
    const jwt3 = await login();
    assert.equal((await get(ROUTES.getOrderBook.path, b.headers(jwt3))).status, 200);
    assert.equal(frontServed(b.server.app), served + 1);
  });

  it('leaves aliases, HEAD and other spellings to fastify', async () => {
    nextSecond();
    const h = b.headers(await login()); // (the first token expired in the test above)
    const served = frontServed(b.server.app);
    const alias = await get(`/order-service${ROUTES.getOrderBook.path}`, h);
    assert.equal(alias.status, 200);
    nextSecond();
    const trailing = await get(`${ROUTES.getOrderBook.path}/`, h);
    assert.equal(trailing.status, 200);
    const head = await new Promise<number>((resolve, reject) => {
      const req = http.request(
        `${url}${ROUTES.getTradeBook.path}`,
        { method: 'HEAD', headers: h, agent },
        (res) => {
          res.resume();
          res.on('end', () => resolve(res.statusCode ?? 0));
        },
      );
      req.on('error', reject);
      req.end();
    });
    assert.equal(head, 200);
    assert.equal(frontServed(b.server.app), served);
  });
});
