import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import {
  AuthenticationError,
  InputError,
  OrderRejectedError,
  PUBLISHER_LOGIN_URL,
  SmartConnect,
} from '../src/index.js';
import {
  type FakeVenue,
  fail,
  gateway,
  ok,
  SBIN_LIMIT_ORDER,
  startFakeVenue,
  TOKENS,
  TOKENS2,
} from './support/rest-fakes.js';

/** SmartConnect takes the official clients' loose dicts. */
const ORDER: Record<string, unknown> = { ...SBIN_LIMIT_ORDER };

const PROFILE = {
  clientcode: 'D88311',
  name: 'X',
  email: '',
  mobileno: '',
  exchanges: ['NSE'],
  products: [],
  lastlogintime: '',
  brokerid: 'B2C',
};
let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue((req) => {
    switch (req.path) {
      case ROUTES.loginByPassword.path:
        return { body: ok({ ...TOKENS, jwtToken: `Bearer ${TOKENS.jwtToken}` }) };
      case ROUTES.generateTokens.path:
        return { body: ok(TOKENS2) };
      case ROUTES.getProfile.path:
        return req.headers.authorization === 'Bearer expired'
          ? { status: 401, body: gateway('AG8001') }
          : { body: ok(PROFILE) };
      case ROUTES.placeOrder.path:
        return (req.json as { tradingsymbol: string }).tradingsymbol === 'BAD'
          ? { body: fail('AB2002', 'ROBO order is block') }
          : { body: ok({ script: 'SBIN-EQ', orderid: '250101000000123', uniqueorderid: 'u1' }) };
      case ROUTES.gttCreateRule.path:
        return { body: ok({ id: 77 }) };
      case ROUTES.cancelOrder.path:
        return { body: ok({ orderid: (req.json as { orderid: string }).orderid, uniqueorderid: 'u1' }) };
      default:
        return { body: ok([]) };
    }
  });
});
after(() => venue.close());

test('generateSession resolves to the profile envelope with the tokens (no Bearer prefix)', async () => {
  const sc = new SmartConnect({ api_key: 'compat-key', root: venue.url, rateLimit: false });
  try {
    const r = await sc.generateSession('D88311', '1234', '123456');
    assert.equal(r.status, true);
    assert.equal(r.errorcode, '');
    assert.equal(r.data.clientcode, 'D88311');
    assert.equal(r.data.jwtToken, TOKENS.jwtToken);
    assert.equal(r.data.refreshToken, TOKENS.refreshToken);
    assert.equal(r.data.feedToken, TOKENS.feedToken);
    assert.equal(sc.getfeedToken(), TOKENS.feedToken);
    assert.equal(sc.getUserId(), 'D88311');
    assert.equal(sc.login_url(), `${PUBLISHER_LOGIN_URL}?api_key=compat-key`);
    assert.equal(sc.getLoginURL(), sc.login_url());
    // ids where the official client returns ids, envelopes elsewhere
    assert.equal(await sc.placeOrder(ORDER), '250101000000123');
    const full = await sc.placeOrderFullResponse(ORDER);
    assert.deepEqual(full, {
      status: true,
      message: 'SUCCESS',
      errorcode: '',
      data: { script: 'SBIN-EQ', orderid: '250101000000123', uniqueorderid: 'u1' },
    });
    assert.equal(
      await sc.gttCreateRule({
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        exchange: 'NSE',
        transactiontype: 'BUY',
        producttype: 'DELIVERY',
        price: 1,
        qty: 1,
        triggerprice: 1,
      }),
      '77',
    );
    assert.equal((await sc.cancelOrder('9', 'NORMAL')).data.orderid, '9');
    assert.equal((await sc.cancelOrder({ orderid: '8', variety: 'NORMAL' })).data.orderid, '8');
    assert.deepEqual((await sc.orderBook()).data, []);
    // failures reject with typed errors instead of returning a dict / None
    await assert.rejects(sc.placeOrder({ ...ORDER, tradingsymbol: 'BAD' }), OrderRejectedError);
    await assert.rejects(sc.placeOrder({ ...ORDER, quantity: 'abc' }), InputError);
    // a single status string is accepted by gttLists
    venue.requests.length = 0;
    await sc.gttLists('FORALL', 1, 10);
    assert.deepEqual(venue.requests[0]?.json, { status: ['FORALL'], page: 1, count: 10 });
    const out = await sc.terminateSession('D88311');
    assert.equal(out.status, true);
    assert.deepEqual(venue.requests.at(-1)?.json, { clientcode: 'D88311' });
  } finally {
    sc.close();
  }
});

test('snake_case options: access_token/refresh_token are installed; the expiry hook fires when refresh fails', async () => {
  const sc = new SmartConnect({
    api_key: 'compat-key',
    access_token: 'expired',
    refresh_token: 'r-old',
    client_code: 'D88311',
    root: venue.url,
    rateLimit: false,
    timeout: 7,
  });
  try {
    // the JWT is rejected → refresh with r-old → new tokens → replay succeeds
    const r = await sc.getProfile();
    assert.equal(r.data && (r.data as { clientcode: string }).clientcode, 'D88311');
    assert.equal(sc.api.session?.jwtToken, TOKENS2.jwtToken);
    assert.throws(() => sc.setSessionExpiryHook('nope' as never), TypeError);
    const seen: unknown[] = [];
    sc.setSessionExpiryHook((e) => seen.push(e));
    sc.setAccessToken('expired');
    sc.setRefreshToken('');
    const e = await sc.getProfile().catch((x: unknown) => x);
    assert.ok(e instanceof AuthenticationError);
    assert.equal(seen.length, 1);
  } finally {
    sc.close();
  }
});

test('generateToken and renewAccessToken install the new tokens', async () => {
  const sc = new SmartConnect({
    apiKey: 'compat-key',
    accessToken: TOKENS.jwtToken,
    root: venue.url,
    rateLimit: false,
  });
  try {
    const r = await sc.generateToken(TOKENS.refreshToken);
    assert.equal(r.data.jwtToken, TOKENS2.jwtToken);
    venue.requests.length = 0;
    await sc.renewAccessToken();
    assert.deepEqual(venue.requests[0]?.json, {
      jwtToken: TOKENS2.jwtToken,
      refreshToken: TOKENS2.refreshToken,
    });
  } finally {
    sc.close();
  }
});
