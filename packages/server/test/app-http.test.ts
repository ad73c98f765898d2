import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { RATE_LIMIT_TEXT, ROUTES, SCRIP_MASTER_PATH } from '@smartapi-ts/protocol';
import { capture, pathOf, startTestBroker, type TestBroker } from './app-helpers.js';

/** Replaces the fake credentials of a captured request with live ones; keeps case, order and quirks. */
function replayHeaders(h: Record<string, string>, apiKey: string, jwt?: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(h)) {
    const lk = k.toLowerCase();
    if (lk === 'host' || lk === 'content-length' || lk === 'connection') continue;
    if (lk === 'x-privatekey') out[k] = apiKey;
    else if (lk === 'authorization') out[k] = jwt ? `Bearer ${jwt}` : v;
    else out[k] = v;
  }
  return out;
}

describe('HTTP surface: envelopes, auth and quirks', () => {
  let t: TestBroker;
  let jwt: string;
  before(async () => {
    t = await startTestBroker({}, { docs: true });
    jwt = (await t.login()).jwtToken;
  });
  after(() => t.close());

  it('Python login capture (Content-type spelling, spaced JSON) logs in', async () => {
    const rec = capture('python', 'generateSession');
    const { totpCode } = await import('../src/identity/totp.js');
    const res = await t.server.app.inject({
      method: 'POST',
      url: rec.path,
      headers: replayHeaders(rec.headers, t.creds.apiKey),
      payload: JSON.stringify(
        { clientcode: t.creds.clientcode, password: t.creds.password, totp: totpCode(t.creds.totpSecret) },
        null,
        1,
      ).replace(/\n/g, ' '),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, true);
    assert.equal(body.message, 'SUCCESS');
    assert.equal(body.errorcode, '');
    assert.match(body.data.jwtToken, /^eyJhbGciOiJIUzUxMiJ9\./);
    assert.equal(typeof body.data.refreshToken, 'string');
    assert.equal(typeof body.data.feedToken, 'string');
  });

  it('Python GET: JSON in the query string, no body (getProfile with refreshToken)', async () => {
    const rec = capture('python', 'getProfile');
    assert.ok(rec.query?.startsWith('%7B'));
    const res = await t.server.app.inject({
      method: 'GET',
      url: `${rec.path}?${rec.query}`,
      headers: replayHeaders(rec.headers, t.creds.apiKey, jwt),
    });
    assert.equal(res.statusCode, 200);
    const body = res.json();
    assert.equal(body.status, true);
    assert.equal(body.data.clientcode, t.creds.clientcode);
    assert.ok(Array.isArray(body.data.exchanges));
  });

  it('JS GET: a `{}` JSON body and a `null` body are ignored', async () => {
    const rec = capture('js', 'getProfile');
    assert.equal(rec.body_raw, '{}');
    for (const payload of ['{}', 'null', '{"refreshToken":"x"}']) {
      const res = await t.server.app.inject({
        method: 'GET',
        url: rec.path,
        headers: replayHeaders(rec.headers, t.creds.apiKey, jwt),
        payload,
      });
      assert.equal(res.statusCode, 200, payload);
      assert.equal(res.json().data.clientcode, t.creds.clientcode);
    }
  });

  it('doubled and trailing slashes and the /order-service prefix reach the route', async () => {
    for (const url of [
      '/rest/secure/angelbroking//user/v1/getProfile',
      '/rest/secure/angelbroking/user/v1/getProfile/',
      `${pathOf('getProfile')}?%7B%7D`,
    ]) {
      const res = await t.server.app.inject({ method: 'GET', url, headers: t.headers(jwt) });
      assert.equal(res.json().status, true, url);
    }
  });

  it('token errors use the gateway envelope and the protocol HTTP status', async () => {
    const url = pathOf('getProfile');
    const missing = await t.server.app.inject({ method: 'GET', url, headers: t.headers() });
    assert.equal(missing.statusCode, 401);
    assert.deepEqual(missing.json(), {
      success: false,
      message: 'Token missing',
      errorCode: 'AG8003',
      data: '',
    });
    const bare = await t.server.app.inject({
      method: 'GET',
      url,
      headers: { ...t.headers(), Authorization: 'Bearer ' },
    });
    assert.equal(bare.json().errorCode, 'AG8003');
    const invalid = await t.server.app.inject({ method: 'GET', url, headers: t.headers('eyJ.bad.token') });
    assert.equal(invalid.statusCode, 401);
    assert.deepEqual(invalid.json(), {
      success: false,
      message: 'Invalid Token',
      errorCode: 'AG8001',
      data: '',
    });
    // The JWT without "Bearer" is accepted too.
    const raw = await t.server.app.inject({
      method: 'GET',
      url,
      headers: { ...t.headers(), Authorization: jwt },
    });
    assert.equal(raw.json().status, true);
  });

  it('a wrong or missing api key answers AG8004', async () => {
    const url = pathOf('getProfile');
    for (const key of ['nope', '']) {
      const res = await t.server.app.inject({
        method: 'GET',
        url,
        headers: { ...t.headers(jwt), 'X-PrivateKey': key },
      });
      assert.equal(res.statusCode, 401);
      assert.equal(res.json().errorCode, 'AG8004');
      assert.equal(res.json().success, false);
    }
    // Another account's (valid) key with this account's token.
    const other = await t.newAccount();
    const res = await t.server.app.inject({
      method: 'GET',
      url,
      headers: { ...t.headers(jwt), 'X-PrivateKey': other.apiKey },
    });
    assert.equal(res.json().errorCode, 'AG8004');
  });

  it('X-UserType other than USER answers AB1005 (HTTP 200, status:false)', async () => {
    const res = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getRMS'),
      headers: { ...t.headers(jwt), 'X-UserType': 'ADMIN' },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: false,
      message: 'User Type Must Be USER',
      errorcode: 'AB1005',
      data: null,
    });
  });

  it('login failures are business errors: HTTP 200 + status:false + AB code', async () => {
    const res = await t.server.app.inject({
      method: 'POST',
      url: pathOf('loginByPassword'),
      headers: t.headers(),
      payload: {
        clientcode: t.creds.clientcode,
        password: '0000' === t.creds.password ? '1111' : '0000',
        totp: '123456',
      },
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(res.json(), {
      status: false,
      message: 'Login Id or password is invalid',
      errorcode: 'AB1007',
      data: null,
    });
  });

  it('malformed JSON, wrong content type, huge bodies and unknown routes get the envelope, never a 500', async () => {
    const url = pathOf('placeOrder');
    const cases = [
      { payload: '{"variety":', headers: t.headers(jwt), status: 400 },
      {
        payload: 'variety=NORMAL',
        headers: { ...t.headers(jwt), 'Content-Type': 'application/x-www-form-urlencoded' },
        status: 415,
      },
      { payload: 'hello', headers: { ...t.headers(jwt), 'Content-Type': 'text/plain' }, status: 415 },
      { payload: `{"x":"${'a'.repeat(1_100_000)}"}`, headers: t.headers(jwt), status: 413 },
    ];
    for (const c of cases) {
      const res = await t.server.app.inject({ method: 'POST', url, headers: c.headers, payload: c.payload });
      assert.equal(res.statusCode, c.status, c.payload.slice(0, 20));
      const body = res.json();
      assert.equal(body.status, false);
      assert.equal(typeof body.errorcode, 'string');
      assert.ok(body.errorcode.length > 0);
      assert.ok(!JSON.stringify(body).includes('    at '), 'no stack trace');
    }
    const unknown = await t.server.app.inject({
      method: 'POST',
      url: '/rest/secure/angelbroking/order/v1/nope',
      headers: t.headers(jwt),
      payload: '{}',
    });
    assert.equal(unknown.statusCode, 404);
    assert.equal(unknown.json().status, false);
    const wrongMethod = await t.server.app.inject({ method: 'GET', url, headers: t.headers(jwt) });
    assert.equal(wrongMethod.statusCode, 405);
    assert.equal(wrongMethod.json().errorcode, 'AB9002');
    const put = await t.server.app.inject({ method: 'PUT', url, headers: t.headers(jwt), payload: '{}' });
    assert.equal(put.statusCode, 405);
  });

  it('serves the scrip master without auth and the OpenAPI document at /docs', async () => {
    const sm = await t.server.app.inject({ method: 'GET', url: SCRIP_MASTER_PATH });
    assert.equal(sm.statusCode, 200);
    const rows = sm.json() as { token: string; symbol: string }[];
    assert.ok(rows.some((r) => r.token === '3045' && r.symbol === 'SBIN-EQ'));
    const doc = await t.server.app.inject({ method: 'GET', url: '/docs/json' });
    assert.equal(doc.statusCode, 200);
    const paths = Object.keys(doc.json().paths as object);
    assert.ok(paths.includes(ROUTES.placeOrder.path));
    assert.ok(paths.includes('/report/holdings/'));
    assert.ok(paths.includes(ROUTES.orderDetails.path));
    const ui = await t.server.app.inject({ method: 'GET', url: '/docs/' });
    assert.equal(ui.statusCode, 200);
  });

  it('logout invalidates the session', async () => {
    const tokens = await t.login();
    const out = await t.server.app.inject({
      method: 'POST',
      url: pathOf('logout'),
      headers: t.headers(tokens.jwtToken),
      payload: { clientcode: t.creds.clientcode },
    });
    assert.deepEqual(out.json(), { status: true, message: 'SUCCESS', errorcode: '', data: '' });
    const again = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getProfile'),
      headers: t.headers(tokens.jwtToken),
    });
    assert.equal(again.json().errorCode, 'AG8001');
    // The other session (jwt) is untouched.
    const other = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getProfile'),
      headers: t.headers(jwt),
    });
    assert.equal(other.json().status, true);
  });

  it('generateTokens works through HTTP (Python renewAccessToken body shape too)', async () => {
    const tokens = await t.login();
    const rec = capture('python', 'renewAccessToken');
    const res = await t.server.app.inject({
      method: 'POST',
      url: rec.path,
      headers: replayHeaders(rec.headers, t.creds.apiKey, tokens.jwtToken),
      payload: { jwtToken: tokens.jwtToken, refreshToken: tokens.refreshToken },
    });
    const body = res.json();
    assert.equal(body.status, true);
    const p = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getProfile'),
      headers: t.headers(body.data.jwtToken),
    });
    assert.equal(p.json().status, true);
    const bad = await t.server.app.inject({
      method: 'POST',
      url: rec.path,
      headers: t.headers(),
      payload: { refreshToken: 'nope' },
    });
    assert.equal(bad.statusCode, 200);
    assert.equal(bad.json().errorcode, 'AB8050');
  });
});

describe('rate limits', () => {
  let t: TestBroker;
  before(async () => {
    t = await startTestBroker({ rateLimits: true });
  });
  after(() => t.close());

  it('answer the venue 403 plain text once a per-second budget is used up', async () => {
    const { jwtToken } = await t.login();
    // getProfile: 3/s per client code.
    const statuses: number[] = [];
    let text = '';
    for (let i = 0; i < 5; i++) {
      const res = await t.server.app.inject({
        method: 'GET',
        url: pathOf('getProfile'),
        headers: t.headers(jwtToken),
      });
      statuses.push(res.statusCode);
      if (res.statusCode === 403) {
        text = res.body;
        assert.match(String(res.headers['content-type']), /^text\/plain/);
      }
    }
    assert.deepEqual(statuses.slice(0, 3), [200, 200, 200]);
    assert.equal(statuses[4], 403);
    assert.equal(text, RATE_LIMIT_TEXT);
  });

  it('budgets are per client code', async () => {
    const other = await t.newAccount();
    const { jwtToken } = await t.login(other);
    const res = await t.server.app.inject({
      method: 'GET',
      url: pathOf('getProfile'),
      headers: t.headers(jwtToken, other),
    });
    assert.equal(res.statusCode, 200);
  });
});
