import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { nextIstMidnight, ROUTES } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { Secret, TOTP } from 'otpauth';
import {
  AuthenticationError,
  InputError,
  MemorySessionStore,
  RELOGIN_DELAY_MS,
  type Session,
  SmartApi,
  type SmartApiError,
} from '../src/index.js';
import {
  type FakeVenue,
  fail,
  gateway,
  ManualClock,
  ok,
  type Recorded,
  startFakeVenue,
  TOKENS,
  TOKENS2,
  TOTP_SECRET,
} from './support/rest-fakes.js';

let venue: FakeVenue;
/** jwt the fake venue currently accepts */
let validJwt = TOKENS2.jwtToken;
let refreshReply: () => unknown = () => ok(TOKENS2);
let loginReply: (r: Recorded) => unknown = () => ok(TOKENS);

before(async () => {
  venue = await startFakeVenue((req) => {
    if (req.path === ROUTES.loginByPassword.path) return { body: loginReply(req) };
    if (req.path === ROUTES.generateTokens.path) return { body: refreshReply(), delayMs: 20 };
    if (req.path === ROUTES.logout.path) return { body: ok('') };
    if (req.headers.authorization !== `Bearer ${validJwt}`) return { status: 401, body: gateway('AG8001') };
    return { body: ok({ net: '100.00' }) };
  });
});
after(() => venue.close());
beforeEach(() => {
  venue.requests.length = 0;
  validJwt = TOKENS2.jwtToken;
  refreshReply = () => ok(TOKENS2);
  loginReply = () => ok(TOKENS);
});

let n = 0;
function client(clock = new ManualClock(), extra: Record<string, unknown> = {}): SmartApi {
  return new SmartApi({ apiKey: 'session-key-xyz', root: venue.url, rateLimit: false, clock, ...extra });
}

test('login with a TOTP secret sends the RFC 6238 code for the clock time and installs the tokens', async () => {
  const clock = new ManualClock();
  const api = client(clock);
  const events: Session[] = [];
  api.on('session', (s) => events.push(s));
  try {
    const s = await api.login({ clientCode: 'A123456', password: '1234', totpSecret: TOTP_SECRET });
    const req = venue.requests[0];
    assert.ok(req);
    const expected = new TOTP({ secret: Secret.fromBase32(TOTP_SECRET) }).generate({
      timestamp: clock.now(),
    });
    assert.deepEqual(req.json, { clientcode: 'A123456', password: '1234', totp: expected });
    assert.equal(req.headers.authorization, undefined);
    assert.equal(s.jwtToken, TOKENS.jwtToken);
    assert.equal(s.feedToken, TOKENS.feedToken);
    assert.equal(s.clientCode, 'A123456');
    assert.equal(s.apiKey, 'session-key-xyz');
    assert.equal(s.expiresAt, nextIstMidnight(clock.now()));
    assert.equal(api.session, s);
    assert.equal(events.length, 1);
  } finally {
    api.close();
  }
});

test('login with a ready code; bad inputs are rejected before sending', async () => {
  const api = client();
  try {
    await api.login({ clientCode: 'A1', password: '1234', totp: '654321', state: 'x' });
    assert.deepEqual(venue.requests[0]?.json, {
      clientcode: 'A1',
      password: '1234',
      totp: '654321',
      state: 'x',
    });
    venue.requests.length = 0;
    const bad: unknown[] = [
      { clientCode: '', password: '1', totp: '123456' },
      { clientCode: 'A', password: '', totp: '123456' },
      { clientCode: 'A', password: '1' },
      { clientCode: 'A', password: '1', totp: '12345' },
      { clientCode: 'A', password: '1', totp: '123456', totpSecret: TOTP_SECRET },
      { clientCode: 'A', password: '1', totpSecret: 'not base32 !!' },
    ];
    for (const p of bad) await assert.rejects(api.login(p as never), InputError);
    assert.equal(venue.requests.length, 0);
  } finally {
    api.close();
  }
});

test('a rejected login (AB1050) throws AuthenticationError', async () => {
  loginReply = () => fail('AB1050', 'Invalid totp');
  const api = client();
  try {
    const e = await api
      .login({ clientCode: 'A1', password: '1234', totp: '111111' })
      .catch((x: unknown) => x);
    assert.ok(e instanceof AuthenticationError);
    assert.equal(e.code, 'AB1050');
    assert.equal(api.session, undefined);
  } finally {
    api.close();
  }
});

test('50 concurrent calls with an invalid JWT trigger ONE refresh and are all replayed once', async () => {
  const api = client();
  try {
    await api.login({ clientCode: `SF${n++}`, password: '1234', totp: '123456' });
    venue.requests.length = 0;
    const results = await Promise.all(Array.from({ length: 50 }, () => api.user.rms()));
    assert.equal(results.length, 50);
    for (const r of results) assert.equal(r.net, '100.00');
    assert.equal(venue.count('/generateTokens'), 1);
    const refresh = venue.requests.find((r) => r.path === ROUTES.generateTokens.path);
    assert.deepEqual(refresh?.json, { refreshToken: TOKENS.refreshToken });
    assert.equal(refresh?.headers.authorization, `Bearer ${TOKENS.jwtToken}`, 'refresh carries the old JWT');
    assert.equal(venue.count('/getRMS'), 100);
    assert.equal(api.session?.jwtToken, TOKENS2.jwtToken);
  } finally {
    api.close();
  }
});

test('when refresh fails and no secret is known: sessionExpired fires and calls reject', async () => {
  refreshReply = () => fail('AB8051', 'Refresh Token Expired');
  const api = client();
  const expired: SmartApiError[] = [];
  api.on('sessionExpired', (e) => expired.push(e));
  try {
    await api.login({ clientCode: `EX${n++}`, password: '1234', totp: '123456' });
    const errs = await Promise.all(Array.from({ length: 5 }, () => api.user.rms().catch((e: unknown) => e)));
    for (const e of errs) {
      assert.ok(e instanceof AuthenticationError);
      assert.equal(e.code, 'AG8001');
    }
    assert.equal(venue.count('/generateTokens'), 1);
    assert.equal(expired.length, 1);
    assert.ok(expired[0] instanceof AuthenticationError);
    assert.equal(api.session, undefined);
    // the session is gone: the next call fails fast without a request
    const before = venue.requests.length;
    await assert.rejects(api.user.rms(), AuthenticationError);
    assert.equal(venue.requests.length, before);
  } finally {
    api.close();
  }
});

test('when refresh fails but the TOTP secret is known, the client logs in again and replays', async () => {
  refreshReply = () => fail('AB8051', 'Refresh Token Expired');
  let logins = 0;
  loginReply = () => (++logins === 1 ? ok(TOKENS) : ok(TOKENS2));
  const api = client();
  try {
    await api.login({ clientCode: `RL${n++}`, password: '1234', totpSecret: TOTP_SECRET });
    const r = await api.user.rms();
    assert.equal(r.net, '100.00');
    assert.equal(logins, 2);
    assert.equal(api.session?.jwtToken, TOKENS2.jwtToken);
  } finally {
    api.close();
  }
});

test('daily re-login is scheduled right after 00:00 IST, only with a secret, and cleared by logout', async () => {
  const clock = new ManualClock();
  const api = client(clock);
  try {
    await api.login({ clientCode: 'TM1', password: '1234', totp: '123456' });
    assert.equal(clock.timers.size, 0, 'no timer without a secret');
    await api.login({ clientCode: 'TM1', password: '1234', totpSecret: TOTP_SECRET });
    assert.equal(clock.timers.size, 1);
    const [timer] = [...clock.timers.values()];
    assert.equal(timer?.at, nextIstMidnight(clock.now()) + RELOGIN_DELAY_MS);
    venue.requests.length = 0;
    loginReply = () => ok(TOKENS2);
    clock.advance((timer?.at ?? 0) - clock.now());
    await eventually(() => assert.equal(api.session?.jwtToken, TOKENS2.jwtToken), { message: 're-login' });
    assert.equal(venue.count('/loginByPassword'), 1);
    assert.equal(clock.timers.size, 1, 'the next day is scheduled');
    await api.logout();
    assert.equal(clock.timers.size, 0);
  } finally {
    api.close();
  }
});

test('logout posts the client code, forgets the session, clears the store and emits logout', async () => {
  const store = new MemorySessionStore();
  const api = client(new ManualClock(), { sessionStore: store });
  const out: string[] = [];
  api.on('logout', (c) => out.push(c));
  try {
    await api.login({ clientCode: 'LO1', password: '1234', totp: '123456' });
    assert.ok(store.get('LO1'));
    await api.logout();
    const req = venue.requests.find((r) => r.path === ROUTES.logout.path);
    assert.deepEqual(req?.json, { clientcode: 'LO1' });
    assert.equal(api.session, undefined);
    assert.equal(store.get('LO1'), undefined);
    assert.deepEqual(out, ['LO1']);
  } finally {
    api.close();
  }
});

test('a stored session can be resumed by another client; expired ones are not', async () => {
  const store = new MemorySessionStore();
  const clock = new ManualClock();
  const a = client(clock, { sessionStore: store });
  const b = client(clock, { sessionStore: store });
  try {
    await a.login({ clientCode: 'RS1', password: '1234', totp: '123456' });
    const s = await b.resumeSession('RS1');
    assert.equal(s?.jwtToken, TOKENS.jwtToken);
    clock.advance(2 * 86_400_000);
    const c = client(clock, { sessionStore: store });
    assert.equal(await c.resumeSession('RS1'), undefined);
    c.close();
  } finally {
    a.close();
    b.close();
  }
});
