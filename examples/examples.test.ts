// Smoke test: runs every example as a child process (as a user would, through tsx) against a paper
// broker with a fast simulated clock, and checks its exit code and output. Each example gets its own
// account so positions and orders of one never disturb another, and the examples run concurrently.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';

const root = new URL('..', import.meta.url).pathname;
let broker: PaperBroker;
let cacheDir: string;

before(async () => {
  // A market that moves by itself (60× real time) so the feeds get ticks and MARKET orders fill.
  broker = await startPaperBroker({ clock: 'fast', speed: 60 });
  cacheDir = mkdtempSync(join(tmpdir(), 'smartapi-examples-'));
});

after(async () => {
  await broker?.close();
  if (cacheDir) rmSync(cacheDir, { recursive: true, force: true });
});

interface RunResult {
  code: number | null;
  out: string;
  err: string;
}

// At most two example processes at a time: each compiles the SDK's sources through tsx, and eight of
// them at once on a 2-core machine starve each other (and the broker) into the hang guard below.
let running = 0;
const queue: (() => void)[] = [];
async function slot(): Promise<() => void> {
  if (running >= 2) await new Promise<void>((resolve) => queue.push(resolve));
  running++;
  return () => {
    running--;
    queue.shift()?.();
  };
}

/**
 * Runs `examples/<name>.ts` with a fresh account's env vars; kills it after `limitMs` (a hang guard,
 * not a speed target: the clock starts when the process does).
 */
async function runExample(name: string, args: string[] = [], limitMs = 90_000): Promise<RunResult> {
  const release = await slot();
  try {
    return await spawnExample(name, args, limitMs);
  } finally {
    release();
  }
}

async function spawnExample(name: string, args: string[], limitMs: number): Promise<RunResult> {
  const a = await broker.createAccount();
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    SMARTAPI_ROOT: broker.url,
    SMARTAPI_API_KEY: a.apiKey,
    SMARTAPI_CLIENT_CODE: a.clientcode,
    SMARTAPI_PIN: a.password,
    SMARTAPI_TOTP_SECRET: a.totpSecret,
    SMARTAPI_CACHE_DIR: join(cacheDir, name),
  };
  const child = spawn(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join('examples', `${name}.ts`), ...args],
    { cwd: root, env, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let out = '';
  let err = '';
  child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const killer = setTimeout(() => child.kill('SIGKILL'), limitMs);
  const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
  clearTimeout(killer);
  return { code, out, err };
}

function ok(r: RunResult): void {
  assert.equal(r.code, 0, `exit ${r.code}\nstdout:\n${r.out}\nstderr:\n${r.err}`);
}

describe('examples', { concurrency: true }, () => {
  it('quickstart: login, LIMIT order, order book, cancel', async () => {
    const r = await runExample('quickstart');
    ok(r);
    const id = /placed order (\d+)/.exec(r.out)?.[1];
    assert.ok(id, r.out);
    assert.match(r.out, new RegExp(`${id} is open`));
    assert.match(r.out, new RegExp(`cancelled ${id}: status cancelled`));
  });

  it('stream-ticks: receives ticks and stops after --seconds', async () => {
    const r = await runExample('stream-ticks', ['--seconds', '2']);
    ok(r);
    const n = Number(/received (\d+) ticks in 2 s/.exec(r.out)?.[1]);
    assert.ok(n >= 1, r.out);
    assert.match(r.out, /^3045 ltp \d+(\.\d+)? bid /m);
  });

  it('order-updates: pushes for a cancelled LIMIT and a complete MARKET order', async () => {
    const r = await runExample('order-updates', ['--timeout', '15']);
    ok(r);
    assert.match(r.out, /order feed ready \(AB00\)/);
    assert.match(r.out, /^AB02 cancelled/m);
    assert.match(r.out, /^AB05 complete/m);
    assert.match(r.out, /final: \d+ cancelled/);
    assert.match(r.out, /final: \d+ complete/);
  });

  it('option-chain: nearest NIFTY expiry, ATM strike and quoted legs', async () => {
    const r = await runExample('option-chain', ['--strikes', '2']);
    ok(r);
    assert.match(r.out, /NIFTY spot [\d.]+, expiry \d{2}[A-Z]{3}\d{4} \(NFO, lot \d+\), ATM \d+/);
    assert.equal((r.out.match(/^\s+[\d.]+ \| +\d+[* ]\| +[\d.]+$/gm) ?? []).length, 5, r.out);
    assert.match(r.out, /ATM call: NIFTY\d{2}[A-Z]{3}\d{2}\d+CE token \d+/);
  });

  it('backfill-candles: a range split into two requests, then resampled', async () => {
    const r = await runExample('backfill-candles', ['--days', '35']);
    ok(r);
    assert.match(r.out, /window 2\/2: \d+ rows/);
    const n = Number(/(\d+) one-minute candles/.exec(r.out)?.[1]);
    assert.ok(n > 1000, r.out);
    assert.match(r.out, /\d+ hourly bars, \d+ daily bars/);
  });

  it('ma-crossover-bot: trades on crossovers within its limit and exits flat', async () => {
    const r = await runExample('ma-crossover-bot', ['--ticks', '40', '--fast', '3', '--slow', '8']);
    ok(r);
    assert.match(r.out, /bot running: SMA 3\/8/);
    assert.match(r.out, /bot stopped \(40 ticks\) after 40 ticks, \d+ orders, final position 0/);
    for (const m of r.out.matchAll(/position (-?\d+)$/gm)) assert.ok(Math.abs(Number(m[1])) <= 2, r.out);
  });

  it('replay-day: backfills a day, replays it in a second broker and runs the MA bot over it', async () => {
    const r = await runExample('replay-day', ['--ticks', '30'], 120_000);
    ok(r);
    const n = Number(
      /backfilled (\d+) one-minute candles of NSE:SBIN-EQ on \d{4}-\d{2}-\d{2}/.exec(r.out)?.[1],
    );
    assert.ok(n > 300, r.out);
    assert.match(
      r.out,
      /replay broker on http:\/\/127\.0\.0\.1:\d+, replaying from \d{4}-\d{2}-\d{2}T09:15:00\+05:30/,
    );
    assert.match(r.out, /bot stopped \(30 ticks\) after 30 ticks, \d+ orders, final position 0/);
    assert.match(r.out, /bot exit 0/);
  });

  it('smartconnect-migration: the official method names end to end', async () => {
    const r = await runExample('smartconnect-migration');
    ok(r);
    assert.match(r.out, /generateSession: SUCCESS/);
    assert.match(r.out, /placeOrder: \d+/);
    assert.match(r.out, /cancelOrder: SUCCESS \d+/);
  });

  it('a missing setting exits 2 with a hint', async () => {
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', 'examples/quickstart.ts'],
      {
        cwd: root,
        env: { PATH: process.env.PATH },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let err = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const code = await new Promise<number | null>((resolve) => child.on('close', resolve));
    assert.equal(code, 2);
    assert.match(err, /missing env SMARTAPI_API_KEY/);
  });
});

describe('scenario example (manual clock + admin API)', () => {
  let manual: PaperBroker;
  before(async () => {
    // 15:00 IST today on a manual clock: the example moves it to 15:14 and 15:15 itself.
    const ist = 330 * 60_000;
    const day = Math.floor((Date.now() + ist) / 86_400_000) * 86_400_000 - ist;
    manual = await startPaperBroker({ start: day + 15 * 3_600_000, adminToken: 'example-admin' });
  });
  after(() => manual?.close());

  it('square-off-bot-scenario: retries a rate-limited entry, squares off at 15:15 with an AB1004 in the way', async () => {
    const a = await manual.createAccount();
    const child = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', join('examples', 'square-off-bot-scenario.ts')],
      {
        cwd: root,
        env: {
          PATH: process.env.PATH,
          HOME: process.env.HOME,
          SMARTAPI_ROOT: manual.url,
          SMARTAPI_API_KEY: a.apiKey,
          SMARTAPI_CLIENT_CODE: a.clientcode,
          SMARTAPI_PIN: a.password,
          SMARTAPI_TOTP_SECRET: a.totpSecret,
          PAPER_ADMIN_TOKEN: 'example-admin',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
    const killer = setTimeout(() => child.kill('SIGKILL'), 60_000);
    const code = await new Promise<number | null>((resolve) => child.on('close', (c) => resolve(c)));
    clearTimeout(killer);
    ok({ code, out, err });
    assert.match(out, /entered with 5 after 3 attempts \(2 rate-limited\)/);
    assert.match(out, /squared off at \d{4}-\d{2}-\d{2}T15:15:00\+05:30 after 2 attempts/);
    assert.match(out, /# pass 2/);
  });
});
