import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { istToEpoch, nextIstMidnight } from '@smartapi-ts/protocol';
import { createAccount } from '../src/identity/accounts.js';
import { signJwt, verifyJwt } from '../src/identity/jwt.js';
import { SessionService } from '../src/identity/sessions.js';
import { newTotpSecret, totpCode, verifyTotp } from '../src/identity/totp.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-session-'));
after(() => rmSync(dir, { recursive: true, force: true }));

/** A settable wall clock. */
function clock(start: number) {
  let t = start;
  return { now: () => t, set: (v: number) => (t = v) };
}

describe('TOTP (RFC 6238)', () => {
  it('matches the RFC 6238 SHA-1 test vector', () => {
    // RFC 6238 appendix B secret "12345678901234567890" (base32 GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ), T = 59 s → 94287082 (8 digits) → 287082.
    assert.equal(totpCode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ', 59_000), '287082');
  });
  it('accepts the previous and next step only', () => {
    const s = newTotpSecret();
    const t = 1_700_000_000_000;
    assert.ok(verifyTotp(s, totpCode(s, t), t));
    assert.ok(verifyTotp(s, totpCode(s, t - 30_000), t));
    assert.ok(verifyTotp(s, totpCode(s, t + 30_000), t));
    assert.equal(verifyTotp(s, totpCode(s, t - 90_000), t), false);
    assert.equal(verifyTotp(s, 'abcdef', t), false);
  });
});

describe('JWT', () => {
  const secret = Buffer.from('k'.repeat(64));
  const claims = { username: 'A1', sid: 's', typ: 'access' as const, iat: 1, exp: 2_000_000_000, jti: 'j' };
  it('uses the venue header and rejects tampering', () => {
    const t = signJwt(claims, secret);
    assert.ok(t.startsWith('eyJhbGciOiJIUzUxMiJ9.'));
    assert.deepEqual(verifyJwt(t, secret, 0), { ok: true, claims });
    const [h, p, s] = t.split('.') as [string, string, string];
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...claims, username: 'B2' })).toString('base64url')}.${s}`;
    assert.equal(verifyJwt(forged, secret, 0).ok, false);
    assert.equal(verifyJwt(`${h}.${p}.${s}x`, secret, 0).ok, false);
    assert.equal(verifyJwt(t, Buffer.from('other'), 0).ok, false);
    assert.equal(verifyJwt('garbage', secret, 0).ok, false);
  });
  it('reports expiry separately', () => {
    const t = signJwt(claims, secret);
    const v = verifyJwt(t, secret, 2_000_000_000_000);
    assert.equal(v.ok, false);
    assert.equal(!v.ok && v.reason, 'expired');
  });
});

describe('SessionService', () => {
  const morning = istToEpoch(2024, 1, 25, 9, 30);

  async function setup(file = ':memory:') {
    const store = openSqliteStore(file);
    const c = clock(morning);
    const sessions = new SessionService(store, { now: c.now });
    const { credentials } = await createAccount(store, { pin: '1234' });
    const body = (over: Record<string, unknown> = {}) => ({
      clientcode: credentials.clientcode,
      password: '1234',
      totp: totpCode(credentials.totpSecret, c.now()),
      ...over,
    });
    return { store, c, sessions, credentials, body };
  }

  it('logs in with PIN + TOTP and echoes state', async () => {
    const { sessions, credentials, body, store } = await setup();
    const r = await sessions.login(body({ state: 'live' }), credentials.apiKey);
    assert.ok(r.ok);
    assert.equal(r.ok && r.data.state, 'live');
    const chk = r.ok ? sessions.checkAccessToken(`Bearer ${r.data.jwtToken}`) : undefined;
    assert.equal(chk?.ok && chk.principal.clientcode, credentials.clientcode);
    // Also without the Bearer prefix (Python passes the prefixed token on, JS the raw one).
    assert.equal(r.ok && sessions.checkAccessToken(r.data.jwtToken).ok, true);
    store.close();
  });

  it('answers every bad credential alike (AB1007), then the api key and blocked checks', async () => {
    const { sessions, credentials, body, store } = await setup();
    const code = async (b: unknown, key = credentials.apiKey) => {
      const r = await sessions.login(b, key);
      return r.ok ? 'ok' : r.errorcode;
    };
    // Wrong PIN, wrong TOTP and unknown client: one answer, no oracle.
    assert.equal(await code(body({ password: '9999' })), 'AB1007');
    assert.equal(
      await code(
        body({ totp: '000000' === totpCode(credentials.totpSecret, morning) ? '111111' : '000000' }),
      ),
      'AB1007',
    );
    assert.equal(await code(body({ clientcode: 'Z999999' })), 'AB1007');
    // Only proven credentials learn about the api key and the blocked flag.
    assert.equal(await code(body(), 'wrongkey'), 'AG8004');
    assert.equal(await code(body({ password: '9999' }), 'wrongkey'), 'AB1007');
    assert.equal(await code({}), 'AB1007');
    assert.equal(await code(null), 'AB1007');
    store.accounts.setBlocked(credentials.clientcode, true);
    assert.equal(await code(body()), 'AB1006');
    store.close();
  });

  it("generateTokens refuses a refresh token with another client's api key (AG8004)", async () => {
    const { sessions, credentials, body, store } = await setup();
    const other = await createAccount(store, { pin: '4321' });
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const g = sessions.generateTokens({ refreshToken: r.data.refreshToken }, other.credentials.apiKey);
    assert.equal(!g.ok && g.errorcode, 'AG8004');
    assert.equal(sessions.generateTokens({ refreshToken: r.data.refreshToken }, credentials.apiKey).ok, true);
    store.close();
  });

  it('expires every token at the next midnight IST (AG8002 / AB8051)', async () => {
    const { sessions, credentials, body, c, store } = await setup();
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const midnight = nextIstMidnight(morning);
    c.set(midnight - 1);
    assert.equal(sessions.checkAccessToken(r.data.jwtToken).ok, true);
    c.set(midnight);
    const chk = sessions.checkAccessToken(r.data.jwtToken);
    assert.equal(!chk.ok && chk.code, 'AG8002');
    const g = sessions.generateTokens({ refreshToken: r.data.refreshToken });
    assert.equal(!g.ok && g.errorcode, 'AB8051');
    assert.equal(
      sessions.authenticateFeed({ clientCode: credentials.clientcode, feedToken: r.data.feedToken }).ok,
      false,
    );
    store.close();
  });

  it('generateTokens issues working tokens; bad refresh tokens get AB8050', async () => {
    const { sessions, credentials, body, store } = await setup();
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const g = sessions.generateTokens({ refreshToken: r.data.refreshToken, jwtToken: r.data.jwtToken });
    assert.ok(g.ok);
    assert.equal(g.ok && sessions.checkAccessToken(g.data.jwtToken).ok, true);
    for (const bad of [
      {},
      { refreshToken: 'x.y.z' },
      { refreshToken: r.data.jwtToken },
      { refreshToken: r.data.feedToken },
    ]) {
      const b = sessions.generateTokens(bad);
      assert.equal(!b.ok && b.errorcode, 'AB8050', JSON.stringify(bad));
    }
    // An access token is not a refresh token and vice versa.
    const chk = sessions.checkAccessToken(r.data.refreshToken);
    assert.equal(!chk.ok && chk.code, 'AG8001');
    store.close();
  });

  it('logout ends the session: its tokens become invalid (AG8001)', async () => {
    const { sessions, credentials, body, store } = await setup();
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const chk = sessions.checkAccessToken(r.data.jwtToken);
    assert.ok(chk.ok);
    if (!chk.ok) return;
    sessions.logout(chk.principal);
    const after = sessions.checkAccessToken(r.data.jwtToken);
    assert.equal(!after.ok && after.code, 'AG8001');
    assert.equal(sessions.generateTokens({ refreshToken: r.data.refreshToken }).ok, false);
    store.close();
  });

  it('remembers verified tokens, yet logout, a cleared cache and expiry apply at once', async () => {
    const { sessions, credentials, body, c, store } = await setup();
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const cc = credentials.clientcode;
    // Verified once, then from memory: the same principal every time.
    for (let i = 0; i < 3; i++) assert.equal(sessions.checkAccessToken(r.data.jwtToken).ok, true);
    assert.equal(sessions.authenticateFeed({ clientCode: cc, feedToken: r.data.feedToken }).ok, true);
    // A remembered token is still an access token only, and a changed byte is a different token.
    assert.equal(sessions.checkAccessToken(r.data.feedToken).ok, false);
    const tampered = `${r.data.jwtToken.slice(0, -2)}${r.data.jwtToken.endsWith('A') ? 'BB' : 'AA'}`;
    assert.equal(sessions.checkAccessToken(tampered).ok, false);
    // A session ended outside logout (the sessionExpired fault) counts once the cache is cleared.
    const second = await sessions.login(body(), credentials.apiKey);
    assert.ok(second.ok);
    if (!second.ok) return;
    assert.equal(sessions.checkAccessToken(second.data.jwtToken).ok, true);
    store.sessions.revokeAll(cc, c.now());
    sessions.clearCache();
    const revoked = sessions.checkAccessToken(second.data.jwtToken);
    assert.equal(!revoked.ok && revoked.code, 'AG8001');
    assert.equal(sessions.authenticateFeed({ clientCode: cc, feedToken: second.data.feedToken }).ok, false);
    // Logout: every remembered token of the session is refused on the next check.
    const third = await sessions.login(body(), credentials.apiKey);
    assert.ok(third.ok);
    if (!third.ok) return;
    const chk = sessions.checkAccessToken(third.data.jwtToken);
    assert.ok(chk.ok);
    if (!chk.ok) return;
    sessions.logout(chk.principal);
    assert.equal(sessions.checkAccessToken(third.data.jwtToken).ok, false);
    assert.equal(sessions.authenticateFeed({ clientCode: cc, feedToken: third.data.feedToken }).ok, false);
    assert.equal(sessions.generateTokens({ refreshToken: third.data.refreshToken }).ok, false);
    // Expiry is checked on every hit.
    const fourth = await sessions.login(body(), credentials.apiKey);
    assert.ok(fourth.ok);
    if (!fourth.ok) return;
    assert.equal(sessions.checkAccessToken(fourth.data.jwtToken).ok, true);
    c.set(nextIstMidnight(morning));
    const expired = sessions.checkAccessToken(fourth.data.jwtToken);
    assert.equal(!expired.ok && expired.code, 'AG8002');
    store.close();
  });

  it('authenticates the market feed by client code + feed token', async () => {
    const { sessions, credentials, body, store } = await setup();
    const r = await sessions.login(body(), credentials.apiKey);
    assert.ok(r.ok);
    if (!r.ok) return;
    const cc = credentials.clientcode;
    const ok = sessions.authenticateFeed({ clientCode: cc, feedToken: r.data.feedToken });
    assert.equal(ok.ok && ok.clientCode, cc);
    assert.equal(ok.ok && typeof ok.sid, 'string');
    assert.equal(
      sessions.authenticateFeed({
        authorization: `Bearer ${r.data.jwtToken}`,
        apiKey: credentials.apiKey,
        clientCode: cc,
        feedToken: r.data.feedToken,
      }).ok,
      true,
    );
    assert.deepEqual(sessions.authenticateFeed({ clientCode: cc, feedToken: r.data.jwtToken }), {
      ok: false,
      message: 'Invalid Header - Invalid Feed Token',
    });
    assert.deepEqual(sessions.authenticateFeed({ clientCode: 'NOPE1', feedToken: r.data.feedToken }), {
      ok: false,
      message: 'Invalid Header - Invalid Client Code',
    });
    // Any x-api-key value is accepted (the venue streams to a placeholder key).
    assert.equal(
      sessions.authenticateFeed({ clientCode: cc, apiKey: 'bad', feedToken: r.data.feedToken }).ok,
      true,
    );
    assert.deepEqual(
      sessions.authenticateFeed({
        authorization: 'Bearer junk',
        clientCode: cc,
        feedToken: r.data.feedToken,
      }),
      {
        ok: false,
        message: 'Invalid Header - Invalid Auth token',
      },
    );
    store.close();
  });

  it('tokens survive a restart (the signing secret is stored in the database)', async () => {
    const file = join(dir, 'restart.db');
    const first = await setup(file);
    const r = await first.sessions.login(first.body(), first.credentials.apiKey);
    first.store.close();
    assert.ok(r.ok);
    if (!r.ok) return;
    const store = openSqliteStore(file);
    const sessions = new SessionService(store, { now: () => morning + 60_000 });
    assert.equal(sessions.checkAccessToken(r.data.jwtToken).ok, true);
    assert.equal(
      sessions.authenticateFeed({ clientCode: first.credentials.clientcode, feedToken: r.data.feedToken }).ok,
      true,
    );
    store.close();
  });
});
