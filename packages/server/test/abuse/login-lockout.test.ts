/**
 * Abuse suite — credentials: no PIN / TOTP / client-code oracle (one answer for every bad credential),
 * the same identity whatever its spelling, progressive lockout per account and per source, TOTP
 * guessing throttled, and the admin unlock (docs/security.md#login-lockout).
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { LOCKOUT_RULE } from '../../src/identity/login-guard.js';
import { totpCode } from '../../src/identity/totp.js';
import { main } from '../../src/main.js';

const LOGIN = '/rest/auth/angelbroking/user/v1/loginByPassword';

interface Envelope {
  status: boolean;
  message: string;
  errorcode: string;
  data: unknown;
}

describe('abuse: login oracle, lockout and unlock', () => {
  let broker: PaperBroker;
  let wall = istToEpoch(2024, 1, 25, 9, 30);
  const clock = () => wall;

  before(async () => {
    broker = await startPaperBroker({ market: 'static', wallClock: clock });
  });
  after(() => broker.close());

  async function login(body: Record<string, unknown>, apiKey = broker.account.apiKey): Promise<Envelope> {
    const res = await fetch(broker.url + LOGIN, {
      method: 'POST',
      headers: { ...broker.headers(undefined), 'X-PrivateKey': apiKey },
      body: JSON.stringify(body),
    });
    const answer = (await res.json()) as Envelope & { errorCode?: string };
    // Login failures answer HTTP 200 + status:false; only an api-key refusal is a 401 gateway envelope.
    if (answer.errorCode !== undefined) return { ...answer, errorcode: answer.errorCode };
    assert.equal(res.status, 200);
    return answer;
  }
  const good = (over: Record<string, unknown> = {}) => ({
    clientcode: broker.account.clientcode,
    password: broker.account.password,
    totp: totpCode(broker.account.totpSecret, wall),
    ...over,
  });
  const wrongTotp = () => {
    const right = totpCode(broker.account.totpSecret, wall);
    return right === '000000' ? '111111' : '000000';
  };
  const wrongPin = () => (broker.account.password === '0000' ? '1111' : '0000');

  it('answers a wrong PIN, a wrong TOTP and an unknown client identically (AB1007)', async () => {
    const answers = [
      await login(good({ password: wrongPin() })),
      await login(good({ totp: wrongTotp() })),
      await login(good({ clientcode: 'Z9999999' })),
      await login(good({ clientcode: 'Z9999999', password: wrongPin() })),
    ];
    for (const a of answers) {
      assert.deepEqual(a, {
        status: false,
        message: 'Login Id or password is invalid',
        errorcode: 'AB1007',
        data: null,
      });
    }
    // Another account's api key is only told once the credentials are right.
    const other = await broker.createAccount();
    assert.equal((await login(good({ password: wrongPin() }), other.apiKey)).errorcode, 'AB1007');
    assert.equal((await login(good(), other.apiKey)).errorcode, 'AG8004');
    const ok = await login(good());
    assert.equal(ok.status, true, JSON.stringify(ok));
  });

  it('locks an account after repeated failures whatever the spelling of its code, progressively', async () => {
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
    const cc = broker.account.clientcode;
    const spellings = [` ${cc}`, `${cc}\t`, cc.toLowerCase(), `\n${cc} `, cc];
    for (let i = 0; i < LOCKOUT_RULE.accountThreshold; i++) {
      const r = await login(good({ clientcode: spellings[i % spellings.length], totp: wrongTotp() }));
      assert.equal(r.errorcode, 'AB1007');
    }
    // Locked: even the right PIN and TOTP are refused, with a clear message.
    const locked = await login(good());
    assert.equal(locked.status, false);
    assert.equal(locked.errorcode, 'AB1007');
    assert.match(locked.message, /Too many failed login attempts: login is locked for 60 s/);
    // A lowercase or padded spelling is the same account: also locked.
    assert.match((await login(good({ clientcode: ` ${cc.toLowerCase()} ` }))).message, /locked/);
    // The lock ends after 60 s.
    wall += 60_000;
    // One more failure while above the threshold doubles the lock.
    assert.equal((await login(good({ password: wrongPin() }))).errorcode, 'AB1007');
    assert.match((await login(good())).message, /locked for 120 s/);
    wall += 120_000;
    const ok = await login(good());
    assert.equal(ok.status, true, JSON.stringify(ok));
    // Success starts the count again.
    assert.equal((await login(good({ password: wrongPin() }))).message, 'Login Id or password is invalid');
    assert.equal((await login(good())).status, true);
  });

  it('locks a source that guesses across many client codes; the admin unlock (API and counts) clears it', async () => {
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
    for (let i = 0; i < LOCKOUT_RULE.sourceThreshold; i++) {
      const r = await login({ clientcode: `X${100000 + i}`, password: '1234', totp: '123456' });
      assert.equal(r.errorcode, 'AB1007');
    }
    // Now every login from this source is refused, even a correct one of an untouched account.
    const locked = await login(good());
    assert.match(locked.message, /locked/);
    const unlock = await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
    assert.equal(unlock.status, 200);
    assert.deepEqual(unlock.body.data, { clientcode: broker.account.clientcode, wasLocked: true });
    assert.equal((await login(good())).status, true);
  });

  it('`smartapi-paper accounts unlock <clientcode>` clears the lock through the admin API', async () => {
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
    for (let i = 0; i < LOCKOUT_RULE.accountThreshold; i++) await login(good({ password: wrongPin() }));
    assert.match((await login(good())).message, /locked/);
    let out = '';
    let err = '';
    const code = await main(
      [
        'accounts',
        'unlock',
        broker.account.clientcode.toLowerCase(),
        '--url',
        broker.url,
        '--admin-token',
        broker.adminToken,
      ],
      { out: (t) => (out += t), err: (t) => (err += t) },
    );
    assert.equal(code, 0, err);
    assert.deepEqual(JSON.parse(out.trim()), { clientcode: broker.account.clientcode, wasLocked: true });
    assert.equal((await login(good())).status, true);
  });

  it('throttles TOTP guessing with the right PIN: 6-digit space cannot be walked', async () => {
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
    let refused = 0;
    let tried = 0;
    for (let code = 0; code < 40; code++) {
      const totp = String(code).padStart(6, '0');
      if (totp === totpCode(broker.account.totpSecret, wall)) continue;
      tried++;
      const r = await login(good({ totp }));
      assert.equal(r.status, false);
      if (/locked/.test(r.message)) refused++;
    }
    // Only the first `accountThreshold` guesses were checked at all.
    assert.equal(refused, tried - LOCKOUT_RULE.accountThreshold);
    await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
  });
});
