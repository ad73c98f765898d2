/**
 * Server benchmark: acknowledged placeOrder/s at 32 concurrent keep-alive connections against the
 * paper broker (child process, SQLite file database in WAL, group commits flushed by an off-loop fdatasync, rate limits off),
 * versus a bare fastify route answering a constant envelope (another child process) in the same run.
 * The load generator is this process (`node:http` keep-alive agent, closed loop).
 *
 * Run: `npm run bench server` (or `node --conditions=source --import tsx benchmarks/server/run.ts`).
 * Options: `--quick` (shorter windows), `--profile` (the broker runs with `--cpu-prof`; the top
 * self-time functions are printed and the .cpuprofile is kept under benchmarks/.work/).
 * Writes benchmarks/.work/server.json.
 */
import {
  closeSync,
  copyFileSync,
  fsyncSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '@smartapi-ts/protocol';
import Database from 'better-sqlite3';
import {
  apiHeaders,
  type LoadResult,
  login,
  ROOT,
  type Row,
  round,
  runLoad,
  spawnTs,
  startBroker,
  writeSuite,
} from './harness.js';
import { summarizeProfile } from './profile.js';

const QUICK = process.argv.includes('--quick');
const PROFILE = process.argv.includes('--profile');
const CONNECTIONS = 32;
const WARMUP_MS = QUICK ? 1000 : 2000;
const DURATION_MS = QUICK ? 3000 : 8000;

interface QuoteFullRow {
  ltp: number;
  lowerCircuit: number;
  upperCircuit: number;
}

/**
 * The disk's floor for a one-commit-per-order design: single-row SQLite transactions per second in WAL
 * mode with synchronous=FULL (each commit fsyncs the WAL), in a temp file, for `ms`.
 */
function sqliteCommitFloor(ms: number): number {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-fsync-'));
  try {
    const db = new Database(join(dir, 'floor.db'));
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.exec('CREATE TABLE t (id INTEGER PRIMARY KEY, body TEXT NOT NULL)');
    const ins = db.prepare('INSERT INTO t (body) VALUES (?)');
    const tx = db.transaction((b: string) => ins.run(b));
    const body = JSON.stringify({ orderid: '250125000000001', status: 'open', price: 2900.5, qty: 1 });
    let n = 0;
    const t0 = performance.now();
    while (performance.now() - t0 < ms) {
      tx.immediate(body);
      n++;
    }
    const secs = (performance.now() - t0) / 1000;
    db.close();
    return n / secs;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** p50 / p99 of a list of durations, ms. */
function pcts(ms: number[]): { p50: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.floor(p * (s.length - 1))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/**
 * How long a group commit of `rows` order rows blocks the event loop (better-sqlite3 is synchronous):
 * the transaction under synchronous=FULL (COMMIT fsyncs the WAL on the loop, the design before issue 16),
 * and, for comparison, the same transaction under synchronous=NORMAL (no fsync in COMMIT) followed by
 * an fsync of the WAL file (what the broker now waits for off the loop).
 */
function commitBlocking(
  rows: number,
  commits: number,
): {
  full: { p50: number; p99: number };
  normal: { p50: number; p99: number };
  walFsync: { p50: number; p99: number };
} {
  const run = (mode: 'FULL' | 'NORMAL') => {
    const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-commit-'));
    try {
      const db = new Database(join(dir, 'commit.db'));
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${mode}`);
      db.exec('CREATE TABLE t (k TEXT PRIMARY KEY, body TEXT NOT NULL)');
      const up = db.prepare(
        'INSERT INTO t (k, body) VALUES (?, ?) ON CONFLICT(k) DO UPDATE SET body = excluded.body',
      );
      const body = JSON.stringify({ orderid: '250125000000001', status: 'open', price: 2900.5, qty: 1 });
      const tx = db.transaction((base: number) => {
        for (let i = 0; i < rows; i++) up.run(String(base + i), body);
      });
      const block: number[] = [];
      const sync: number[] = [];
      let fd: number | undefined;
      for (let j = 0; j < commits; j++) {
        const t0 = performance.now();
        tx.immediate(j * rows);
        block.push(performance.now() - t0);
        if (mode === 'NORMAL') {
          fd ??= openSync(join(dir, 'commit.db-wal'), 'r');
          const t1 = performance.now();
          fsyncSync(fd);
          sync.push(performance.now() - t1);
        }
      }
      if (fd !== undefined) closeSync(fd);
      db.close();
      return { block: pcts(block), sync: pcts(sync) };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  };
  const full = run('FULL');
  const normal = run('NORMAL');
  return { full: full.block, normal: normal.block, walFsync: normal.sync };
}

async function main(): Promise<void> {
  const profDir = join(ROOT, 'benchmarks', '.work', 'server-profile');
  if (PROFILE) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const rows: Row[] = [];
  const notes: string[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  const common = {
    method: 'POST' as const,
    path: ROUTES.placeOrder.path,
    connections: CONNECTIONS,
    warmupMs: WARMUP_MS,
    durationMs: DURATION_MS,
  };
  const acked = (_s: number, body: string): boolean => {
    const b = JSON.parse(body) as { status?: boolean; data?: { orderid?: string } | null };
    return b.status === true && typeof b.data?.orderid === 'string' && b.data.orderid.length > 0;
  };
  // The two servers run one after the other, so the idle one never takes CPU from the measured one.
  const bare = spawnTs(join(ROOT, 'benchmarks/server/bare-child.ts'), []);
  let bareRes: LoadResult;
  try {
    const bareUrl = ((await bare.line(0)) as { url: string }).url;
    bareRes = await runLoad({
      ...common,
      url: bareUrl,
      headers: apiHeaders('bench', 'bench'),
      body: () =>
        JSON.stringify({
          variety: 'NORMAL',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          transactiontype: 'BUY',
          exchange: 'NSE',
          ordertype: 'LIMIT',
          producttype: 'DELIVERY',
          duration: 'DAY',
          price: '2800.00',
          quantity: '1',
          squareoff: '0',
          stoploss: '0',
        }),
      check: acked,
    });
  } finally {
    await bare.stop();
  }
  const broker = await startBroker({
    fundsRupees: 10_000_000_000,
    ...(process.env.BENCH_SERVE_ARGS ? { serveArgs: process.env.BENCH_SERVE_ARGS.split(' ') } : {}),
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {}),
  });
  try {
    const tokens = await login(broker.url, broker.account);
    const headers = apiHeaders(broker.account.apiKey, tokens.jwtToken);

    // A price inside the circuit band but well below the market, so BUY LIMIT orders rest.
    const q = (await (
      await fetch(broker.url + ROUTES.quote.path, {
        method: 'POST',
        headers,
        body: JSON.stringify({ mode: 'FULL', exchangeTokens: { NSE: ['3045'] } }),
      })
    ).json()) as { status: boolean; data: { fetched: QuoteFullRow[] } | null };
    const sbin = q.data?.fetched[0];
    if (!q.status || !sbin) throw new Error(`quote failed: ${JSON.stringify(q)}`);
    const tickPaise = 5;
    const basePaise = Math.round((sbin.ltp * 0.94 * 100) / tickPaise) * tickPaise;
    const lowestPaise = Math.round(sbin.lowerCircuit * 100) + 100 * tickPaise;
    const orderBody = (i: number): string => {
      const paise = Math.max(lowestPaise, basePaise - (i % 100) * tickPaise);
      return JSON.stringify({
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price: (paise / 100).toFixed(2),
        quantity: '1',
        squareoff: '0',
        stoploss: '0',
      });
    };
    const brokerRes = await runLoad({ ...common, url: broker.url, headers, body: orderBody, check: acked });
    console.error('bare', bareRes);
    console.error('broker', brokerRes);

    // Every acknowledged order must be in the order book (durability is the broker's own contract).
    const book = (await (await fetch(broker.url + ROUTES.getOrderBook.path, { headers })).json()) as {
      data: { orderstatus: string }[] | null;
    };
    const resting = book.data?.filter((o) => o.orderstatus === 'open').length ?? 0;

    const floor = sqliteCommitFloor(QUICK ? 1000 : 2000);
    const blocking = commitBlocking(CONNECTIONS, QUICK ? 100 : 300);
    const ratio = brokerRes.perSec / bareRes.perSec;
    rows.push(
      {
        name: `placeOrder acknowledged, paper broker (file DB, WAL flushed off the event loop), ${CONNECTIONS} connections`,
        value: Math.round(brokerRes.perSec),
        unit: 'orders/s',
        baseline: 'bare fastify route, constant envelope',
        ratio: round(ratio),
        target: '>= 2,000 orders/s and >= 0.25x bare route',
        pass: brokerRes.perSec >= 2000 && ratio >= 0.25,
      },
      {
        name: 'placeOrder latency p50, paper broker',
        value: round(brokerRes.p50),
        unit: 'ms',
      },
      {
        name: 'placeOrder latency p99, paper broker',
        value: round(brokerRes.p99),
        unit: 'ms',
        target: '< 25 ms',
        pass: brokerRes.p99 < 25,
      },
      {
        name: 'placeOrder latency p99.9, paper broker',
        value: round(brokerRes.p999),
        unit: 'ms',
      },
      {
        name: `bare fastify route (constant envelope), ${CONNECTIONS} connections`,
        value: Math.round(bareRes.perSec),
        unit: 'req/s',
      },
      { name: 'bare fastify route latency p50', value: round(bareRes.p50), unit: 'ms' },
      { name: 'bare fastify route latency p99', value: round(bareRes.p99), unit: 'ms' },
      { name: 'bare fastify route latency p99.9', value: round(bareRes.p999), unit: 'ms' },
      {
        name: 'disk floor: one-row SQLite commits/s (WAL, synchronous=FULL), one thread, no HTTP',
        value: Math.round(floor),
        unit: 'commits/s',
      },
    );
    rows.push(
      {
        name: `event-loop block per group commit of ${CONNECTIONS} order rows (WAL, synchronous=FULL), p50`,
        value: round(blocking.full.p50),
        unit: `ms (p99 ${round(blocking.full.p99)} ms)`,
      },
      {
        name: `same commit under synchronous=NORMAL (no fsync in COMMIT), p50`,
        value: round(blocking.normal.p50),
        unit: `ms (p99 ${round(blocking.normal.p99)} ms)`,
      },
      {
        name: 'fdatasync of the WAL after that commit (the broker runs it off the event loop), p50',
        value: round(blocking.walFsync.p50),
        unit: `ms (p99 ${round(blocking.walFsync.p99)} ms)`,
      },
    );
    notes.push(
      `Closed loop: ${CONNECTIONS} keep-alive node:http connections from the benchmark process, each sending the next request when the previous answer arrives; ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured per target. Broker and bare route each run in their own child process, one after the other; the load generator shares the same 2 cores.`,
      `Orders: BUY LIMIT DELIVERY SBIN-EQ qty 1 at 94% of the LTP (a ladder of 100 prices, inside the circuit band), so every order is accepted and rests open; an order counts only when the answer is status:true with an orderid. ${resting.toLocaleString('en-US')} orders were open at the end (warm-up included); ${brokerRes.failed} failed in the measured window${brokerRes.firstFailure ? ` (first: ${brokerRes.firstFailure.slice(0, 160)})` : ''}.`,
      'The broker runs with --clock sim (speed 1), so its market simulator ticks during the run as it would in use.',
      "Durability: each answer waits for the SQLite transaction holding its order and for an fdatasync of the WAL covering it. Commands that arrive in the same event-loop turn share one transaction (group commit, synchronous=NORMAL: the COMMIT writes the WAL without fsync); the fdatasync runs on libuv's thread pool, one at a time, and the batches committed meanwhile share the next one, so the event loop never waits for the disk (docs/paper-broker.md#durability). Order updates are published only after that flush too. The broker runs the CLI default execution preset (realistic).",
    );
  } finally {
    await broker.stop();
  }
  if (PROFILE) {
    // The main thread's profile is the largest (tsx's loader thread writes a small one too).
    const file = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ f, size: statSync(join(profDir, f)).size }))
      .sort((a, b) => b.size - a.size)[0]?.f;
    if (file) {
      const p = join(profDir, file);
      copyFileSync(p, join(ROOT, 'benchmarks', '.work', 'server.cpuprofile'));
      const profile = JSON.parse(readFileSync(p, 'utf8')) as Parameters<typeof summarizeProfile>[0];
      rmSync(profDir, { recursive: true, force: true });
      console.log(summarizeProfile(profile));
    }
  }
  if (PROFILE) console.log('--profile: figures not written (profiling slows the broker)');
  else {
    notes.push(
      `Machine load: 1-minute load average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end, on ${cpus().length} cores (other jobs share the machine: read the ratios to the same-run baseline).`,
    );
    writeSuite('server', rows, notes);
  }
}

await main();
