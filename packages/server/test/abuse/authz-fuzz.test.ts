/**
 * Abuse suite — authorisation across two accounts and REST fuzzing with state comparison: B can neither
 * see nor change A's orders, A's token never works with B's api key, and random bodies on every route
 * never answer 5xx, always answer an envelope, and change nothing when refused (the whole store is
 * compared before and after each refused request). Seeds are logged (testkit propertyOptions).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTE_LIST, ROUTES, type SessionTokens } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, propertyOptions, startPaperBroker } from '@smartapi-ts/testkit';
import fc from 'fast-check';
import type { AccountCredentials } from '../../src/identity/accounts.js';
import { ist, sbinOrder, venue } from '../admin-helpers.js';

describe('abuse: authz matrix and REST fuzzing', () => {
  let broker: PaperBroker;
  let a: SessionTokens;
  let bCreds: AccountCredentials;
  let b: SessionTokens;
  let orderid: string;
  let uniqueorderid: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    a = await broker.login();
    bCreds = await broker.createAccount();
    b = await broker.login(bCreds);
    // A resting order of A (a limit far below the market).
    const r = await venue(
      broker,
      a.jwtToken,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: '700', quantity: '1' }),
    );
    assert.equal(r.body?.status, true, r.text);
    orderid = r.body?.data.orderid;
    uniqueorderid = r.body?.data.uniqueorderid;
  });
  after(() => broker.close());

  const dump = () => JSON.stringify(broker.server.store.snapshots.dump());

  async function call(
    route: (typeof ROUTE_LIST)[number],
    jwt: string | undefined,
    apiKey: string,
    body: unknown,
    param = 'x',
  ): Promise<{ status: number; json: Record<string, unknown> }> {
    const path = route.path.replace('{uniqueorderid}', encodeURIComponent(param));
    const res = await fetch(broker.url + path, {
      method: route.method,
      headers: { ...broker.headers(jwt), 'X-PrivateKey': apiKey },
      ...(route.method === 'POST' ? { body: JSON.stringify(body) } : {}),
    });
    const text = await res.text();
    assert.ok(res.status < 500, `${route.name} answered ${res.status}: ${text.slice(0, 200)}`);
    let json: Record<string, unknown> = {};
    try {
      json = JSON.parse(text) as Record<string, unknown>;
    } catch {
      // the venue's plain-text rate-limit answer is the only non-JSON one (limits are off here)
      assert.fail(`${route.name}: not JSON: ${text.slice(0, 100)}`);
    }
    return { status: res.status, json };
  }

  it("B cannot see, modify or cancel A's order; nothing changes", async () => {
    // B's first request creates B's funds row (lazily, on first use): do it before the comparison.
    await call(ROUTES.getRMS, b.jwtToken, bCreds.apiKey, undefined);
    await eventually(() => assert.ok(dump().includes(`"key":"${bCreds.clientcode}"`), "B's funds row"));
    const before = dump();
    const bKey = bCreds.apiKey;
    const mod = await call(ROUTES.modifyOrder, b.jwtToken, bKey, {
      ...sbinOrder({ ordertype: 'LIMIT', price: '701', quantity: '1' }),
      orderid,
    });
    assert.equal(mod.json.status, false, JSON.stringify(mod.json));
    const cancel = await call(ROUTES.cancelOrder, b.jwtToken, bKey, { variety: 'NORMAL', orderid });
    assert.equal(cancel.json.status, false, JSON.stringify(cancel.json));
    const details = await call(ROUTES.orderDetails, b.jwtToken, bKey, undefined, uniqueorderid);
    assert.equal(details.json.status, false, JSON.stringify(details.json));
    const book = await call(ROUTES.getOrderBook, b.jwtToken, bKey, undefined);
    assert.ok(!JSON.stringify(book.json).includes(orderid), "A's order in B's book");
    assert.equal(dump(), before, 'state unchanged');
  });

  it("A's token with B's api key is refused (AG8004) on every secure route", async () => {
    const before = dump();
    for (const route of ROUTE_LIST) {
      if (!route.auth) continue;
      const r = await call(route, a.jwtToken, bCreds.apiKey, { orderid }, uniqueorderid);
      assert.equal(
        r.json.errorCode ?? r.json.errorcode,
        'AG8004',
        `${route.name}: ${JSON.stringify(r.json)}`,
      );
    }
    assert.equal(dump(), before);
  });

  it('random bodies on every POST route: no 5xx, always an envelope, refused = no state change', async (t) => {
    const opts = propertyOptions(t, { numRuns: 12 });
    const value = fc.oneof(
      fc.string(),
      fc.integer(),
      fc.double(),
      fc.constant(null),
      fc.boolean(),
      fc.constantFrom(
        'NORMAL',
        'SBIN-EQ',
        '3045',
        'NSE',
        'BUY',
        'LIMIT',
        'DELIVERY',
        'DAY',
        '-1',
        '1e309',
        orderid,
      ),
    );
    const keys = fc.constantFrom(
      'variety',
      'tradingsymbol',
      'symboltoken',
      'transactiontype',
      'exchange',
      'ordertype',
      'producttype',
      'duration',
      'price',
      'quantity',
      'orderid',
      'triggerprice',
      'clientcode',
      'password',
      'totp',
      'refreshToken',
      'mode',
      'exchangeTokens',
      'id',
      'status',
      '__proto__',
      'constructor',
    );
    const body = fc.oneof(fc.dictionary(keys, value, { maxKeys: 8 }), fc.jsonValue());
    const samples = fc.sample(body, { seed: opts.seed, numRuns: opts.numRuns });
    let requests = 0;
    let refused = 0;
    for (const route of ROUTE_LIST) {
      if (route.method !== 'POST' || route.name === 'logout') continue;
      for (const s of samples) {
        const before = dump();
        const r = await call(route, a.jwtToken, broker.account.apiKey, s);
        requests++;
        const ok = r.json.status === true || r.json.success === true;
        assert.ok('message' in r.json, `${route.name}: envelope ${JSON.stringify(r.json)}`);
        if (!ok) {
          refused++;
          assert.equal(dump(), before, `${route.name} refused ${JSON.stringify(s)} but changed state`);
        }
      }
    }
    t.diagnostic(`${requests} fuzzed requests, ${refused} refused with no state change`);
    // The session still works.
    const book = await call(ROUTES.getOrderBook, a.jwtToken, broker.account.apiKey, undefined);
    assert.equal(book.json.status, true);
  });
});
