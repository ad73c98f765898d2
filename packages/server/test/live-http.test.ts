/**
 * The live source (`serve --market live --upstream <root>`) against a second paper broker as the
 * upstream: quotes and LTP equal the upstream's at the same instant (the upstream's manual clock is
 * driven through its admin API), feed ticks flow through, a local order fills against the mirrored
 * quote while the upstream's order book stays empty, the live clock cannot be moved, the credentials
 * never reach the logs, and a bad upstream, bad credentials or bad flags stop `serve` with a clear error.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeFeedPacket, type FeedTick, istToEpoch, ROUTES } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { buildServer, type PaperServer } from '../src/app.js';
import { type AccountCredentials, createAccount } from '../src/identity/accounts.js';
import { totpCode } from '../src/identity/totp.js';
import { main } from '../src/main.js';
import { SystemClock } from '../src/market/clock.js';
import {
  createLiveMarket,
  type LiveMarket,
  readUpstreamCredentials,
  UPSTREAM_ENV,
} from '../src/market/sources/live/index.js';
import { orderBook, sbinOrder, venue } from './admin-helpers.js';
import { startServe } from './cli-helpers.js';

/** Tue 20 Jan 2026 10:00 IST: a trading day, in session, whatever day the suite runs. */
const START = istToEpoch(2026, 1, 20, 10, 0);

/** A decoded tick's LTP in paise. */
const ltpOf = (t: FeedTick | undefined) =>
  t && 'lastTradedPrice' in t ? Math.round(t.lastTradedPrice * 100) : undefined;

interface Local {
  server: PaperServer;
  market: LiveMarket;
  /** A PaperBroker-shaped handle for the venue helpers (url + headers). */
  handle: PaperBroker;
  creds: AccountCredentials;
  jwt: string;
  feedToken: string;
}

function headersOf(c: { apiKey: string }, jwt?: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': c.apiKey,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  };
}

/** Runs the CLI in-process (a failing `serve` returns before it listens). */
async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, { out: (t) => (stdout += t), err: (t) => (stderr += t) });
  return { code, stdout, stderr };
}

describe('live source over HTTP and WebSocket, mirroring a second paper broker', () => {
  let upstream: PaperBroker;
  let upJwt: string;
  let local: Local;
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-live-'));
  const credFile = join(dir, 'upstream.json');

  before(async () => {
    upstream = await startPaperBroker({ market: 'sim', clock: 'manual', start: START });
    upJwt = (await upstream.login()).jwtToken;
    const a = upstream.account;
    writeFileSync(
      credFile,
      JSON.stringify({
        clientCode: a.clientcode,
        pin: a.password,
        totpSecret: a.totpSecret,
        apiKey: a.apiKey,
      }),
    );
    // The local clock reads the upstream's clock, as the real clock agrees with the live venue's.
    const market = await createLiveMarket({
      upstream: upstream.url,
      credentials: readUpstreamCredentials(credFile),
      clock: new SystemClock({ source: () => upstream.market.now() }),
    });
    const server = await buildServer(
      { db: ':memory:', port: 0, logLevel: 'silent', rateLimits: false, fills: 'ideal' },
      { market, docs: false },
    );
    const url = await server.listen();
    const { credentials: creds } = await createAccount(server.store, { funds: 100_000_000 });
    const res = await fetch(url + ROUTES.loginByPassword.path, {
      method: 'POST',
      headers: headersOf(creds),
      body: JSON.stringify({
        clientcode: creds.clientcode,
        password: creds.password,
        totp: totpCode(creds.totpSecret),
      }),
    });
    const login = (await res.json()) as { status: boolean; data: { jwtToken: string; feedToken: string } };
    assert.equal(login.status, true);
    const handle = { url, headers: (jwt?: string) => headersOf(creds, jwt) } as unknown as PaperBroker;
    local = { server, market, handle, creds, jwt: login.data.jwtToken, feedToken: login.data.feedToken };
  });

  after(async () => {
    await local?.server.close();
    await local?.market.close();
    await upstream?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const ltp = async (b: PaperBroker, jwt: string, token = '3045') => {
    const r = await venue(b, jwt, 'getLtpData', {
      exchange: 'NSE',
      tradingsymbol: token === '3045' ? 'SBIN-EQ' : 'RELIANCE-EQ',
      symboltoken: token,
    });
    assert.equal(r.body?.status, true, r.text);
    return r.body?.data.ltp as number;
  };
  const quoteFull = async (b: PaperBroker, jwt: string, tokens: string[]) => {
    const r = await venue(b, jwt, 'quote', { mode: 'FULL', exchangeTokens: { NSE: tokens } });
    assert.equal(r.body?.status, true, r.text);
    // biome-ignore lint/suspicious/noExplicitAny: quote rows
    return r.body?.data.fetched as any[];
  };

  test("LTP and full quotes equal the upstream's at the same instant, before and after its clock moves", async () => {
    // the first request subscribes the instrument upstream and waits for its first tick
    assert.equal(await ltp(local.handle, local.jwt), await ltp(upstream, upJwt));
    assert.deepEqual(
      await quoteFull(local.handle, local.jwt, ['3045', '2885']),
      await quoteFull(upstream, upJwt, ['3045', '2885']),
    );
    const seen = new Set<number>([await ltp(upstream, upJwt)]);
    for (let i = 0; i < 5; i++) {
      const r = await upstream.admin('POST', 'clock', { advanceBy: 120 });
      assert.equal(r.status, 200);
      const want = await ltp(upstream, upJwt);
      seen.add(want);
      await eventually(async () => assert.equal(await ltp(local.handle, local.jwt), want), {
        message: 'the mirrored LTP follows the upstream',
        timeout: 20_000,
      });
      const [up] = await quoteFull(upstream, upJwt, ['2885']);
      await eventually(
        async () => assert.deepEqual((await quoteFull(local.handle, local.jwt, ['2885']))[0], up),
        {
          message: 'the mirrored full quote follows the upstream',
          timeout: 20_000,
        },
      );
    }
    assert.ok(seen.size > 1, 'the upstream price moved while the test drove its clock');
  });

  test('an instrument the upstream does not list is refused locally and never subscribed', async () => {
    const r = await venue(local.handle, local.jwt, 'getLtpData', {
      exchange: 'NSE',
      tradingsymbol: 'NOPE-EQ',
      symboltoken: '99999991',
    });
    assert.equal(r.body?.status, false, r.text);
    assert.equal(local.market.isWatched('NSE', '99999991'), false);
    const o = await venue(local.handle, local.jwt, 'placeOrder', sbinOrder({ symboltoken: '99999991' }));
    assert.equal(o.body?.status, false, o.text);
    assert.deepEqual(await orderBook(upstream, upJwt), []);
  });

  test('feed ticks flow through the local /smart-stream', async () => {
    const ws = new WebSocket(`${local.handle.url.replace(/^http/, 'ws')}/smart-stream`, {
      headers: {
        Authorization: `Bearer ${local.jwt}`,
        'x-api-key': local.creds.apiKey,
        'x-client-code': local.creds.clientcode,
        'x-feed-token': local.feedToken,
      },
    });
    const ticks: FeedTick[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) ticks.push(decodeFeedPacket(new Uint8Array(data as Buffer)));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    try {
      // 1594 (INFY) was never asked for: the subscription itself subscribes it upstream
      ws.send(
        JSON.stringify({
          correlationID: 'live1',
          action: 1,
          params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['1594'] }] },
        }),
      );
      await upstream.admin('POST', 'clock', { advanceBy: 60 });
      const upLtp = async () => {
        const r = await venue(upstream, upJwt, 'getLtpData', {
          exchange: 'NSE',
          tradingsymbol: 'INFY-EQ',
          symboltoken: '1594',
        });
        return Math.round((r.body?.data.ltp as number) * 100);
      };
      let want = await upLtp();
      await eventually(() => assert.ok(ticks.some((t) => t.token === '1594' && ltpOf(t) === want)), {
        message: 'a tick with the upstream LTP',
        timeout: 20_000,
      });
      for (let i = 0; i < 3; i++) {
        await upstream.admin('POST', 'clock', { advanceBy: 120 });
        want = await upLtp();
        await eventually(() => assert.equal(ltpOf(ticks.filter((t) => t.token === '1594').at(-1)), want), {
          message: `tick ${i} follows the upstream`,
          timeout: 20_000,
        });
      }
    } finally {
      ws.close();
    }
  });

  test('a local order fills against the mirrored quote; the upstream order book stays empty', async () => {
    const [q] = await quoteFull(local.handle, local.jwt, ['3045']);
    const r = await venue(local.handle, local.jwt, 'placeOrder', sbinOrder({ quantity: '5' }));
    assert.equal(r.body?.status, true, r.text);
    const id = r.body?.data.orderid as string;
    await eventually(
      async () => {
        const row = (await orderBook(local.handle, local.jwt)).find((o) => o.orderid === id);
        assert.equal(row?.orderstatus, 'complete', JSON.stringify(row));
        assert.equal(Number(row.averageprice), q.depth.sell[0].price);
      },
      { message: 'the MARKET buy fills at the mirrored best ask', timeout: 20_000 },
    );
    // a limit order rests locally: nothing of it reaches the upstream either
    const lim = await venue(
      local.handle,
      local.jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: String(Math.floor(q.ltp * 0.9)) }),
    );
    assert.equal(lim.body?.status, true, lim.text);
    assert.deepEqual(await orderBook(upstream, upJwt), []);
    const trades = await venue(upstream, upJwt, 'getTradeBook');
    assert.equal((trades.body?.data as unknown[] | null)?.length ?? 0, 0);
  });

  test('the admin clock API refuses to move the live (real) clock', async () => {
    const res = await fetch(`${local.handle.url}/paper/v1/clock`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${local.server.adminToken}`, 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceBy: 60 }),
    });
    const body = (await res.json()) as { errorcode: string; message: string; data: unknown };
    assert.equal(res.status, 409);
    assert.equal(body.errorcode, 'PA1004');
    assert.match(body.message, /live market runs on the real clock/);
    const view = (await (
      await fetch(`${local.handle.url}/paper/v1/clock`, {
        headers: { Authorization: `Bearer ${local.server.adminToken}` },
      })
    ).json()) as { data: { mode: string } };
    assert.equal(view.data.mode, 'real');
  });

  test("getCandleData answers the upstream's bars (fetched from the upstream on first use)", async () => {
    const body = {
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'FIVE_MINUTE',
      fromdate: '2026-01-19 09:15',
      todate: '2026-01-20 10:00',
    };
    const up = await venue(upstream, upJwt, 'getCandleData', body);
    assert.equal(up.body?.status, true, up.text);
    assert.ok(((up.body?.data as unknown[] | undefined)?.length ?? 0) > 10, up.text);
    const mine = await venue(local.handle, local.jwt, 'getCandleData', body);
    assert.deepEqual(mine.body?.data, up.body?.data);
  });

  test('serve --market live: the credentials never appear in its output, even at log level trace', async () => {
    const a = upstream.account;
    const s = await startServe([
      '--market',
      'live',
      '--upstream',
      upstream.url,
      '--upstream-credentials',
      credFile,
      '--port',
      '0',
      '--db',
      ':memory:',
      '--log-level',
      'trace',
      '--demo',
    ]);
    try {
      await eventually(() => assert.match(s.stderr(), /market: +live mirrored from/), { timeout: 20_000 });
      // requests that reach the logger (a bad login, a scrip master download)
      await fetch(s.url + ROUTES.loginByPassword.path, {
        method: 'POST',
        headers: headersOf({ apiKey: a.apiKey }),
        body: JSON.stringify({ clientcode: a.clientcode, password: a.password, totp: '000000' }),
      });
      await fetch(`${s.url}/OpenAPI_File/files/OpenAPIScripMaster.json`);
    } finally {
      s.child.kill('SIGTERM');
      await s.exited;
    }
    const out = s.stdout() + s.stderr();
    for (const secret of [a.password, a.totpSecret, a.apiKey])
      assert.ok(!out.includes(secret), 'a credential in the log');
    // the upstream's answer may be logged, never what was sent to it
    assert.ok(out.length > 0);
  });

  test('bad upstream, bad credentials or bad flags: serve stops with a clear error', async () => {
    const a = upstream.account;
    const bad = join(dir, 'bad.json');
    writeFileSync(
      bad,
      JSON.stringify({ clientCode: a.clientcode, pin: '9999', totpSecret: a.totpSecret, apiKey: a.apiKey }),
    );
    const partial = join(dir, 'partial.json');
    writeFileSync(partial, JSON.stringify({ clientCode: a.clientcode, pin: a.password }));
    const cases: [string[], RegExp][] = [
      [
        ['--upstream', upstream.url, '--upstream-credentials', bad],
        /upstream login at http:\/\/127\.0\.0\.1:\d+ failed/,
      ],
      [
        ['--upstream', 'http://127.0.0.1:9', '--upstream-credentials', credFile],
        /upstream login at http:\/\/127\.0\.0\.1:9 failed/,
      ],
      [
        ['--upstream', upstream.url, '--upstream-credentials', partial],
        /missing "totpSecret" in .*partial\.json, "apiKey"/,
      ],
      [
        ['--upstream', upstream.url, '--upstream-credentials', join(dir, 'nope.json')],
        /cannot read --upstream-credentials .*nope\.json \(ENOENT\)/,
      ],
      [['--upstream', 'ftp://example'], /--upstream must be an http\(s\) URL/],
      [[], /--market live needs --upstream <url>/],
      [
        ['--upstream', upstream.url, '--upstream-credentials', credFile, '--clock', 'manual'],
        /runs on the real clock: --clock manual/,
      ],
    ];
    for (const [args, want] of cases) {
      const r = await cli(['serve', '--market', 'live', '--port', '0', '--db', ':memory:', ...args]);
      assert.equal(r.code, 1, `${args.join(' ')}: ${r.stderr}`);
      assert.match(r.stderr, want);
      assert.equal(r.stdout, '', 'nothing listened');
      for (const secret of [a.password, '9999', a.totpSecret, a.apiKey])
        assert.ok(!r.stderr.includes(secret), `${args.join(' ')}: a credential in ${r.stderr}`);
    }
    // without a file, the environment is read (and its absence named)
    const saved = Object.values(UPSTREAM_ENV).map((k) => [k, process.env[k]] as const);
    for (const [k] of saved) delete process.env[k];
    let env: Awaited<ReturnType<typeof cli>>;
    try {
      env = await cli([
        'serve',
        '--market',
        'live',
        '--upstream',
        upstream.url,
        '--port',
        '0',
        '--db',
        ':memory:',
      ]);
      assert.equal(env.code, 1);
    } finally {
      for (const [k, v] of saved) if (v !== undefined) process.env[k] = v;
    }
    assert.match(env.stderr, /SMARTAPI_UPSTREAM_CLIENT/);
  });
});
