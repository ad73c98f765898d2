import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { checkRequest, REQUEST_RULES, ROUTE_LIST, ROUTES } from '@smartapi-ts/protocol';
import { pathOf, startTestBroker, type TestBroker } from './app-helpers.js';

const ORDER = {
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
};

/**
 * Fastify validates every SmartAPI body with the protocol's request rules: after the gateway checks,
 * before the handler, answered in the venue envelope; the aliases the official clients use go
 * through the same rules; the OpenAPI document shows the same schemas and the response shapes.
 */
describe('fastify validation with the protocol request rules', () => {
  let t: TestBroker;
  let jwt: string;
  before(async () => {
    t = await startTestBroker({}, { docs: true });
    jwt = (await t.login()).jwtToken;
  });
  after(() => t.close());

  it('every POST route has the protocol rule schema as its fastify body schema', () => {
    for (const r of ROUTE_LIST) {
      if (r.method !== 'POST') continue;
      assert.ok(r.name in REQUEST_RULES, `${r.name} has rules`);
      const found = t.server.app.hasRoute({ method: 'POST', url: r.path });
      assert.ok(found, `${r.name} is a fastify route`);
    }
  });

  it('a broken rule answers HTTP 200 with the venue envelope and the rule’s code and message', async () => {
    for (const [over, code, message] of [
      [{ variety: 'FAST' }, 'AB1008', 'Invalid Order Variety'],
      [{ ordertag: 'x'.repeat(20) }, 'AB4008', 'ordertag length should be less than 20 characters'],
      [{ quantity: 'ten' }, 'AB9001', 'Invalid Quantity'],
      [{ symboltoken: null }, 'AB4018', 'Symbol token cannot be empty'],
    ] as const) {
      const res = await t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: { ...ORDER, ...over },
      });
      assert.equal(res.statusCode, 200);
      assert.deepEqual(res.json(), { status: false, message, errorcode: code, data: null });
    }
    const book = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getOrderBook'),
      headers: t.headers(jwt),
    });
    const data = book.json().data as unknown[] | null;
    assert.equal(data?.length ?? 0, 0, 'no order was created');
  });

  it('the gateway checks come first: a bad body without a token is AG8003, with a bad key AG8004', async () => {
    const noToken = await t.server.app.inject({
      method: 'POST',
      url: pathOf('placeOrder'),
      headers: t.headers(),
      payload: { variety: 'FAST' },
    });
    assert.equal(noToken.json().errorCode, 'AG8003');
    const badKey = await t.server.app.inject({
      method: 'POST',
      url: pathOf('placeOrder'),
      headers: { ...t.headers(jwt), 'x-privatekey': 'nope' },
      payload: { variety: 'FAST' },
    });
    assert.equal(badKey.json().errorCode, 'AG8004');
  });

  it('aliases (prefix, trailing and doubled slashes) go through the same rules', async () => {
    for (const url of [
      `/order-service${ROUTES.placeOrder.path}`,
      `${ROUTES.placeOrder.path}/`,
      ROUTES.placeOrder.path.replace('/order/', '//order/'),
    ]) {
      const res = await t.server.app.inject({
        method: 'POST',
        url,
        headers: t.headers(jwt),
        payload: { ...ORDER, ordertag: 'x'.repeat(20) },
      });
      assert.equal(res.statusCode, 200, url);
      assert.equal(res.json().errorcode, 'AB4008', url);
    }
    const gtt = await t.server.app.inject({
      method: 'POST',
      url: `/gtt-service${ROUTES.gttCreateRule.path}`,
      headers: t.headers(jwt),
      payload: { exchange: 'NFO' },
    });
    const rule = checkRequest('gttCreateRule', { exchange: 'NFO' });
    assert.equal(rule.ok, false);
    assert.deepEqual(gtt.json(), {
      status: false,
      message: 'Invalid Exchange Segment',
      errorcode: 'AB9010',
      data: null,
    });
  });

  it('a valid body reaches the handler unchanged (numbers as strings or numbers, extra keys)', async () => {
    const res = await t.server.app.inject({
      method: 'POST',
      url: pathOf('placeOrder'),
      headers: t.headers(jwt),
      payload: { ...ORDER, quantity: 1, price: 500, ordertag: ' tag-19-characters! ', extra: [1, 2] },
    });
    const body = res.json();
    assert.equal(body.errorcode === '' || body.errorcode === 'AB4001', true, JSON.stringify(body));
    const book = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getOrderBook'),
      headers: t.headers(jwt),
    });
    const rows = book.json().data as { ordertag: string }[];
    assert.ok(
      rows.some((r) => r.ordertag === 'tag-19-characters!'),
      'the engine trims as before',
    );
  });

  it('GET routes ignore the query string and any body', async () => {
    const res = await t.server.app.inject({
      method: 'GET',
      url: `${pathOf('getRMS')}?%7B%7D`,
      headers: t.headers(jwt),
      payload: '{"variety":"nonsense"}',
    });
    assert.equal(res.json().status, true);
  });

  it('the OpenAPI document carries the rule schemas and the response shapes', async () => {
    const doc = (await t.server.app.inject({ method: 'GET', url: '/docs/json' })).json() as {
      openapi: string;
      paths: Record<string, Record<string, Record<string, unknown>>>;
    };
    assert.match(doc.openapi, /^3\.1/);
    const op = doc.paths[ROUTES.placeOrder.path]?.post as {
      requestBody: { content: Record<string, { schema: Record<string, unknown> }> };
      responses: Record<string, { content: Record<string, { schema: Record<string, unknown> }> }>;
    };
    const req = op.requestBody.content['application/json']?.schema as {
      properties: Record<string, Record<string, unknown>>;
      required: string[];
    };
    assert.equal(req.properties.ordertag?.maxLength, 19);
    assert.equal(req.properties.ordertag?.['x-errorcode'], 'AB4008');
    assert.ok(req.required.includes('quantity'));
    const ok = op.responses['200']?.content['application/json']?.schema as {
      properties: { data: { properties: Record<string, unknown> } };
    };
    assert.deepEqual(Object.keys(ok.properties.data.properties), ['script', 'orderid', 'uniqueorderid']);
    const rms = doc.paths[ROUTES.getRMS.path]?.get as {
      responses: Record<string, { content: Record<string, { schema: { properties: { data: unknown } } }> }>;
    };
    assert.ok(rms.responses['200']?.content['application/json']?.schema.properties.data);
  });
});
