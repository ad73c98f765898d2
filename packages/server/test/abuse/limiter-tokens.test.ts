/**
 * Abuse suite — rate-limiter state and tokens: the limiter's memory stays bounded whatever keys an
 * attacker chooses (huge client codes, forged refresh tokens), a forged refresh token naming another
 * client never spends that client's generateTokens budget, and generateTokens refuses a refresh token
 * presented with another client's api key (AG8004), as login does.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { RateLimiter } from '../../src/http/rate-limit.js';

const LOGIN = ROUTES.loginByPassword.path;
const GENERATE = ROUTES.generateTokens.path;

/** A JWT-shaped token naming `username` with a garbage signature. */
function forgedRefresh(username: string): string {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  return `eyJhbGciOiJIUzUxMiJ9.${b64({ username, sid: 'x', typ: 'refresh', iat: 1, exp: 4_000_000_000, jti: 'j' })}.${'A'.repeat(86)}`;
}

describe('abuse: limiter state', () => {
  it('keeps at most maxKeys buckets and forgets buckets that have refilled', () => {
    let t = 0;
    const rl = new RateLimiter(() => t, 100);
    const limit = { group: 'g', perSecond: 1, perMinute: 10 } as const;
    for (let i = 0; i < 1000; i++) rl.take(`k${i}`, limit as never);
    assert.equal(rl.size, 100);
    // Once a minute has passed every bucket is full again: they are dropped as new requests come in.
    t += 60_000;
    for (let i = 0; i < 100; i++) rl.take('fresh', limit as never);
    assert.equal(rl.size, 1);
    // The LRU order: a key in use is never the one evicted.
    const rl2 = new RateLimiter(() => t, 3);
    assert.equal(rl2.take('A', limit as never), true);
    rl2.take('B', limit as never);
    rl2.take('C', limit as never);
    assert.equal(rl2.take('A', limit as never), false, 'A spent its 1/s');
    rl2.take('D', limit as never); // evicts B, the least recently used
    assert.equal(rl2.take('A', limit as never), false, 'A kept its state');
  });
});

describe('abuse: limiter and tokens over HTTP', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ market: 'static', rateLimits: true });
  });
  after(() => broker.close());

  const post = (path: string, body: unknown, apiKey = broker.account.apiKey) =>
    fetch(broker.url + path, {
      method: 'POST',
      headers: { ...broker.headers(undefined), 'X-PrivateKey': apiKey },
      body: JSON.stringify(body),
    });

  it('600 logins with distinct huge client codes share one source bucket (no memory per code)', async () => {
    const started = Date.now();
    const statuses = new Map<number, number>();
    for (let i = 0; i < 600; i++) {
      const res = await post(LOGIN, {
        clientcode: `Z${i}${'Q'.repeat(8_000)}`,
        password: '1234',
        totp: '000000',
      });
      await res.arrayBuffer();
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
    }
    // loginByPassword allows 1/s per key: the codes are not plausible client codes, so all 600 spend the
    // budget of this source — about one per elapsed second passes (AB1007), the rest get the 403 text.
    const seconds = Math.ceil((Date.now() - started) / 1000);
    assert.ok((statuses.get(200) ?? 0) <= seconds + 1, JSON.stringify([...statuses]));
    assert.ok((statuses.get(403) ?? 0) >= 600 - seconds - 1, JSON.stringify([...statuses]));
    // The failures that passed the limiter count towards this source's lockout: clear it.
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
  });

  it("forged refresh tokens naming B never spend B's generateTokens budget", async () => {
    const b = await broker.createAccount();
    const tokens = await broker.login(b);
    for (let i = 0; i < 50; i++) {
      const r = await post(GENERATE, { refreshToken: forgedRefresh(b.clientcode) });
      await r.arrayBuffer();
    }
    const res = await post(GENERATE, { refreshToken: tokens.refreshToken }, b.apiKey);
    assert.equal(res.status, 200);
    const body = (await res.json()) as { status: boolean };
    assert.equal(body.status, true, JSON.stringify(body));
  });

  it("generateTokens refuses A's refresh token with B's api key (AG8004)", async () => {
    const b = await broker.createAccount();
    const a = await broker.login();
    const res = await post(GENERATE, { refreshToken: a.refreshToken }, b.apiKey);
    const body = (await res.json()) as { errorCode?: string; errorcode?: string };
    assert.equal(body.errorCode ?? body.errorcode, 'AG8004');
  });
});
