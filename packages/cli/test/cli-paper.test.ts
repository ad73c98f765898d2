import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { sessionFile } from '../src/config.js';
import { main, parseInterval } from '../src/main.js';

let broker: PaperBroker;
let dir: string;
let env: NodeJS.ProcessEnv;

/** Runs the CLI in-process with captured output. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  return runIn(env, ...argv);
}

/** Runs the CLI in-process with captured output and the given environment. */
async function runIn(
  runEnv: NodeJS.ProcessEnv,
  ...argv: string[]
): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    env: runEnv,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

before(async () => {
  broker = await startPaperBroker({ market: 'static' });
  dir = mkdtempSync(join(tmpdir(), 'smartapi-cli-'));
  env = { SMARTAPI_CONFIG_DIR: join(dir, 'config'), SMARTAPI_CACHE_DIR: join(dir, 'cache') };
});

after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

test('usage errors exit 2; commands needing a session say how to log in', async () => {
  assert.equal((await run('no-such-command')).code, 2);
  assert.equal((await run('candles')).code, 2, 'missing argument');
  const r = await run('orders');
  assert.equal(r.code, 1);
  assert.match(r.err, /not logged in: run `smartapi login`/);
  const l = await run('login', '--root', broker.url);
  assert.equal(l.code, 1);
  assert.match(l.err, /login needs --api-key/);
  assert.equal(parseInterval('5m'), 'FIVE_MINUTE');
  assert.equal(parseInterval('one_hour'), 'ONE_HOUR');
  assert.throws(() => parseInterval('7m'));
});

test('login stores a 0600 session; books, instruments and quotes work against the paper broker', async () => {
  const a = broker.account;
  const login = await run(
    '--root',
    broker.url,
    '--api-key',
    a.apiKey,
    'login',
    '--client-code',
    a.clientcode,
    '--pin',
    a.password,
    '--totp-secret',
    a.totpSecret,
  );
  assert.equal(login.code, 0, login.err);
  assert.match(login.out, new RegExp(`Logged in as ${a.clientcode}`));
  const st = statSync(sessionFile(env));
  assert.equal(st.mode & 0o777, 0o600);
  assert.equal(statSync(env.SMARTAPI_CONFIG_DIR!).mode & 0o077, 0, 'config dir not readable by others');

  const sync = await run('--json', 'instruments', 'sync');
  assert.equal(sync.code, 0, sync.err);
  const info = JSON.parse(sync.out) as { instruments: number; source: string; url: string };
  assert.ok(info.instruments > 0);
  assert.equal(
    info.url,
    `${broker.url}/OpenAPI_File/files/OpenAPIScripMaster.json`,
    'URL derived from the saved root',
  );

  const search = await run('--json', 'instruments', 'search', 'sbin');
  assert.equal(search.code, 0, search.err);
  const hits = JSON.parse(search.out) as { symbol: string; token: string }[];
  assert.ok(hits.some((h) => h.symbol === 'SBIN-EQ' && h.token === '3045'));
  const table = await run('instruments', 'search', 'sbin', '-n', '2');
  assert.match(table.out, /SBIN-EQ/);
  assert.match(table.out, /Exchange/);

  const quote = await run('--json', 'quote', 'NSE:SBIN', '--mode', 'LTP');
  assert.equal(quote.code, 0, quote.err);
  const q = JSON.parse(quote.out) as { fetched: { symbolToken: string; ltp: number }[] };
  assert.equal(q.fetched[0]?.symbolToken, '3045');
  assert.ok(q.fetched[0]!.ltp > 0);

  const unknown = await run('quote', 'NSE:NOSUCHTHING');
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown instrument "NSE:NOSUCHTHING"/);

  // 75 days of 1-minute candles: three requests, each within the broker's 30-day limit.
  const candles = await run(
    'candles',
    'NSE:SBIN',
    '-i',
    '1m',
    '-f',
    '2024-01-01 09:15',
    '-t',
    '2024-03-15 15:30',
    '--csv',
  );
  assert.equal(candles.code, 0, candles.err);
  assert.ok(candles.out.startsWith('time,open,high,low,close,volume\n'));
  const badInterval = await run('candles', 'NSE:SBIN', '-i', '7m', '-f', '2024-01-01');
  assert.equal(badInterval.code, 1);
  assert.match(badInterval.err, /unknown interval "7m"/);

  const orders = await run('--json', 'orders');
  assert.equal(orders.code, 0, orders.err);
  assert.ok(Array.isArray(JSON.parse(orders.out)));
  assert.equal((await run('positions')).code, 0);
  assert.equal((await run('holdings')).code, 0);

  const wrongRoot = await run('--root', 'http://127.0.0.1:9', 'orders');
  assert.equal(wrongRoot.code, 1);
  assert.match(wrongRoot.err, /saved session is for/);

  // stream: ticks arrive when the static market's price moves; exit after --count ticks.
  let price = 60_000; // paise
  const mover = setInterval(() => {
    price += 5;
    broker.staticMarket?.setPrice('NSE', '3045', price);
  }, 25);
  try {
    const stream = await run('--json', 'stream', 'NSE:SBIN', '--count', '2');
    assert.equal(stream.code, 0, stream.err);
    const lines = stream.out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as { symbol: string; token: string; lastTradedPrice: number });
    assert.equal(lines.length, 2);
    assert.equal(lines[0]?.symbol, 'NSE:SBIN-EQ');
    assert.equal(lines[0]?.token, '3045');
    assert.ok(lines[0]!.lastTradedPrice > 0);
  } finally {
    clearInterval(mover);
  }

  // --mode quote: the ticks are Quote packets (mode 2, with OHLC fields).
  const quoteMover = setInterval(() => {
    price += 5;
    broker.staticMarket?.setPrice('NSE', '3045', price);
  }, 25);
  try {
    const stream = await run('--json', 'stream', 'NSE:SBIN', '--mode', 'quote', '--count', '1');
    assert.equal(stream.code, 0, stream.err);
    const tick = JSON.parse(stream.out.trim()) as { mode: number; closePrice: number; token: string };
    assert.equal(tick.mode, 2);
    assert.equal(tick.token, '3045');
    assert.equal(typeof tick.closePrice, 'number');
  } finally {
    clearInterval(quoteMover);
  }
  assert.equal((await run('stream', 'NSE:SBIN', '--mode', 'full')).code, 2, 'bad --mode is a usage error');

  // --count is exact even when several ticks arrive in one socket read (two symbols moved together).
  assert.equal((await run('stream', 'NSE:SBIN', '--count', 'x')).code, 1, 'bad --count');
  const both = setInterval(() => {
    price += 5;
    broker.staticMarket?.setPrice('NSE', '3045', price);
    broker.staticMarket?.setPrice('NSE', '2885', price * 2);
  }, 25);
  try {
    const stream = await run('--json', 'stream', 'NSE:SBIN', 'NSE:RELIANCE', '--count', '1');
    assert.equal(stream.code, 0, stream.err);
    assert.equal(stream.out.trim().split('\n').length, 1, stream.out);
  } finally {
    clearInterval(both);
  }

  const logout = await run('logout');
  assert.equal(logout.code, 0, logout.err);
  assert.equal((await run('orders')).code, 1, 'session removed');
});

test('candles against the sim market: a 3-window range prints every bar once, oldest first', async () => {
  const sim = await startPaperBroker({ market: 'sim' });
  const simEnv = {
    SMARTAPI_CONFIG_DIR: join(dir, 'config-sim'),
    SMARTAPI_CACHE_DIR: join(dir, 'cache-sim'),
  };
  try {
    const a = sim.account;
    const login = await runIn(
      simEnv,
      '--root',
      sim.url,
      '--api-key',
      a.apiKey,
      'login',
      '--client-code',
      a.clientcode,
      '--pin',
      a.password,
      '--totp-secret',
      a.totpSecret,
    );
    assert.equal(login.code, 0, login.err);
    // 75 days of 1-minute candles: three requests within the 30-day limit.
    const args = ['NSE:SBIN', '-i', '1m', '-f', '2024-01-01 09:15', '-t', '2024-03-15 15:30'];
    const csv = await runIn(simEnv, 'candles', ...args, '--csv');
    assert.equal(csv.code, 0, csv.err);
    const lines = csv.out.trim().split('\n');
    assert.equal(lines[0], 'time,open,high,low,close,volume');
    const times = lines.slice(1).map((l) => l.split(',')[0] ?? '');
    assert.ok(times.length > 40 * 375, `about 55 sessions of minute bars, got ${times.length}`);
    for (let i = 1; i < times.length; i++) {
      assert.ok(times[i - 1]! < times[i]!, `oldest first, no chunk-edge duplicate at ${times[i]}`);
    }
    assert.ok(times[0]!.startsWith('2024-01-'), `first window included: ${times[0]}`);
    assert.ok(times.at(-1)!.startsWith('2024-03-15'), `last window included: ${times.at(-1)}`);
    assert.ok(
      times.some((t) => t.startsWith('2024-02-')),
      'middle window included',
    );

    // On a terminal a progress bar counts the requests (on stderr, so stdout stays clean CSV).
    let tty = '';
    let ttyOut = '';
    const ttyCode = await main(['candles', ...args, '--csv'], {
      env: simEnv,
      stdout: { write: (c: string) => (ttyOut += c) },
      stderr: { write: (c: string) => (tty += c), isTTY: true },
    });
    assert.equal(ttyCode, 0, tty);
    assert.match(tty, /candles \[.*\] 3\/3 requests/);
    assert.equal(ttyOut, csv.out);

    const daily = await runIn(simEnv, '--json', 'candles', ...args, '--resample', '1d');
    assert.equal(daily.code, 0, daily.err);
    const days = JSON.parse(daily.out) as { time: string; volume: number }[];
    const sessions = new Set(times.map((t) => t.slice(0, 10)));
    assert.equal(days.length, sessions.size, 'one resampled bar per session day');
  } finally {
    await sim.close();
  }
});
