import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { inspect } from 'node:util';
import { ROUTES } from '@smartapi-ts/protocol';
import { ServerError, SmartApi } from '../src/index.js';
import {
  type FakeVenue,
  fail,
  gateway,
  ok,
  startFakeVenue,
  TOKENS,
  TOTP_SECRET,
} from './support/rest-fakes.js';

const API_KEY = 'apikey-SECRET-9f8e7d';
const PIN = '8642';
const SECRETS = [API_KEY, PIN, TOTP_SECRET, TOKENS.jwtToken, TOKENS.refreshToken, TOKENS.feedToken];

let venue: FakeVenue;
let mode = '';
before(async () => {
  venue = await startFakeVenue((req) => {
    if (req.path === ROUTES.loginByPassword.path) {
      if (mode === 'login-echo') {
        // a misbehaving gateway echoing the request (password, totp) back in its error
        return { body: fail('AB1050', `Invalid totp for ${req.body}`, { request: req.json }) };
      }
      return { body: ok(TOKENS) };
    }
    if (req.path === ROUTES.generateTokens.path) {
      return {
        status: 500,
        body: `upstream error; request was ${req.body}; auth ${req.headers.authorization}`,
      };
    }
    if (mode === 'echo-headers')
      return { status: 502, body: `bad gateway; headers=${JSON.stringify(req.headers)}` };
    if (mode === 'malformed')
      return { body: `{"jwtToken":"${TOKENS.jwtToken}", "feedToken": "${TOKENS.feedToken}"` };
    if (mode === 'expired') return { status: 401, body: gateway('AG8001') };
    return { body: ok({}) };
  });
});
after(() => venue.close());

function assertClean(label: string, e: unknown): void {
  assert.ok(e instanceof Error, `${label}: expected an Error`);
  const views = [
    String(e),
    e.message,
    e.stack ?? '',
    JSON.stringify(e),
    inspect(e, { depth: 10 }),
    inspect(e, { depth: 10, showHidden: true }),
  ];
  for (const v of views) {
    for (const s of SECRETS) assert.ok(!v.includes(s), `${label}: a secret leaked into ${v.slice(0, 200)}`);
  }
}

async function loggedIn(logLines: string[], withSecret = true): Promise<SmartApi> {
  const log = (m: string, f?: unknown) => logLines.push(`${m} ${inspect(f, { depth: 10 })}`);
  const api = new SmartApi({
    apiKey: API_KEY,
    root: venue.url,
    rateLimit: false,
    retry: { retries: 1, baseDelayMs: 1 },
    logger: { debug: log, info: log, warn: log, error: log },
  });
  mode = '';
  await api.login(
    withSecret
      ? { clientCode: 'RD1', password: PIN, totpSecret: TOTP_SECRET }
      : { clientCode: 'RD1', password: PIN, totp: '135790' },
  );
  return api;
}

test('errors from realistic failures never show a secret (message, stack, String, JSON, inspect)', async () => {
  const lines: string[] = [];
  const api = await loggedIn(lines, false);
  try {
    mode = 'echo-headers';
    assertClean('echoed headers', await api.orders.book().catch((e: unknown) => e));
    mode = 'malformed';
    assertClean('malformed body with tokens', await api.user.profile().catch((e: unknown) => e));
    mode = 'expired';
    // the JWT is rejected; the refresh fails with a body echoing the refresh token and the JWT
    const failed = await api.user.rms().catch((e: unknown) => e);
    assertClean('refresh failure', failed);
    assert.ok(failed instanceof ServerError, 'a venue failure during refresh surfaces as is');
    assert.ok(api.session, 'a 5xx on refresh does not drop the session');
    for (const l of lines)
      for (const s of SECRETS) assert.ok(!l.includes(s), `log line leaked: ${l.slice(0, 200)}`);
    assert.ok(lines.length > 0, 'the logger was used');
  } finally {
    api.close();
  }
});

test('a failed login does not leak the PIN, TOTP code or secret even when the venue echoes them', async () => {
  const api = new SmartApi({ apiKey: API_KEY, root: venue.url, rateLimit: false });
  mode = 'login-echo';
  try {
    const e = await api
      .login({ clientCode: 'RD2', password: PIN, totpSecret: TOTP_SECRET })
      .catch((x: unknown) => x);
    assertClean('login echo', e);
    const totp = JSON.parse(venue.requests.at(-1)?.body ?? '{}').totp as string;
    assert.ok(!inspect(e, { depth: 10 }).includes(totp), 'the TOTP code is redacted too');
  } finally {
    api.close();
    mode = '';
  }
});

test('the client and session objects print without secrets', async () => {
  const api = await loggedIn([]);
  try {
    for (const v of [
      inspect(api),
      String(api),
      JSON.stringify(api),
      inspect(api.session),
      JSON.stringify(api.session),
    ]) {
      for (const s of SECRETS) assert.ok(!v.includes(s), `leak in ${v}`);
    }
    // the properties themselves are usable
    assert.equal(api.session?.feedToken, TOKENS.feedToken);
  } finally {
    api.close();
  }
});
