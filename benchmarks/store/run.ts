/**
 * Store benchmark: the Postgres store (`--db postgres://…`, synchronous bridge to a worker thread that
 * owns the `pg` connection) against the SQLite store (file, WAL, synchronous=FULL) in the same run.
 *
 * 1. In process, through the real stores: how long the ledger's group commit of 32 order rows plus the
 *    id counter (one `store.transaction`) blocks the event loop, and one bridge round trip (a read).
 * 2. Over HTTP: acknowledged placeOrder/s at 32 keep-alive connections against `smartapi-paper serve`
 *    on a SQLite file, then on Postgres (each in its own child process, one after the other).
 *
 * Postgres: a temp cluster started by `@smartapi-ts/testkit/postgres` (Debian's packages, loopback,
 * fsync on, synchronous_commit on), stopped at the end.
 * Run: `npm run bench store` (`--quick` for shorter windows). Writes benchmarks/.work/store.json.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '@smartapi-ts/protocol';
import { startPostgres } from '@smartapi-ts/testkit/postgres';
import { openPostgresStore } from '../../packages/server/src/storage/postgres/store.js';
import { openSqliteStore } from '../../packages/server/src/storage/sqlite/store.js';
import type { Store } from '../../packages/server/src/storage/types.js';
import {
  type Account,
  apiHeaders,
  type LoadResult,
  login,
  ROOT,
  type Row,
  round,
  runLoad,
  spawnTs,
  writeSuite,
} from '../server/harness.js';

const QUICK = process.argv.includes('--quick');
const CONNECTIONS = 32;
const WARMUP_MS = QUICK ? 1000 : 2000;
const DURATION_MS = QUICK ? 3000 : 6000;
const COMMITS = QUICK ? 60 : 200;
const ROWS = 32;
const PASSPHRASE = 'store benchmark passphrase';

function pcts(ms: number[]): { p50: number; p99: number } {
  const s = [...ms].sort((a, b) => a - b);
  const at = (p: number) => s[Math.floor(p * (s.length - 1))] ?? Number.NaN;
  return { p50: at(0.5), p99: at(0.99) };
}

/** The ledger's write: `ROWS` order upserts and the id counter in one transaction, timed. */
function groupCommits(store: Store): { p50: number; p99: number } {
  const data = { orderid: '250125000000001', status: 'open', price: 290050, qty: 1, pad: 'x'.repeat(300) };
  const times: number[] = [];
  for (let j = 0; j < COMMITS; j++) {
    const t0 = performance.now();
    store.transaction(() => {
      store.rows.apply(
        Array.from({ length: ROWS }, (_, i) => ({
          kind: 'order' as const,
          key: String(j * ROWS + i),
          clientcode: 'B1',
          data,
        })),
      );
      store.counters.set('order', j);
    });
    times.push(performance.now() - t0);
  }
  return pcts(times);
}

function reads(store: Store, n: number): { p50: number; p99: number } {
  const times: number[] = [];
  for (let i = 0; i < n; i++) {
    const t0 = performance.now();
    store.counters.get('order');
    times.push(performance.now() - t0);
  }
  return pcts(times);
}

async function placeOrders(db: string): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-store-'));
  const child = spawnTs(
    join(ROOT, 'benchmarks/server/broker-child.ts'),
    [db, '10000000000', '1', '--seed', '3', '--fills', 'ideal'],
    { cwd: dir, env: { ...process.env, PAPER_SECRET_PASSPHRASE: PASSPHRASE } },
  );
  try {
    const account = (await child.line(0)) as Account;
    const { url } = (await child.line(1)) as { url: string };
    const tokens = await login(url, account);
    const body = JSON.stringify({
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'MARKET',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: '0',
      quantity: '1',
    });
    return await runLoad({
      url,
      method: 'POST',
      path: ROUTES.placeOrder.path,
      headers: apiHeaders(account.apiKey, tokens.jwtToken),
      body: () => body,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      check: (_s, text) => {
        const b = JSON.parse(text) as { status?: boolean; data?: { orderid?: string } | null };
        return b.status === true && typeof b.data?.orderid === 'string';
      },
    });
  } finally {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const loadAtStart = loadavg()[0] ?? 0;
  const pg = await startPostgres();
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-store-'));
  const rows: Row[] = [];
  const notes: string[] = [];
  try {
    // 1. in process
    pg.createDatabase('micro');
    const sqlite = openSqliteStore(join(dir, 'micro.db'));
    const postgres = openPostgresStore(pg.url('micro'), { env: { PAPER_SECRET_PASSPHRASE: PASSPHRASE } });
    let lite: { p50: number; p99: number };
    let pgc: { p50: number; p99: number };
    let pgRead: { p50: number; p99: number };
    let liteRead: { p50: number; p99: number };
    try {
      lite = groupCommits(sqlite);
      pgc = groupCommits(postgres);
      liteRead = reads(sqlite, COMMITS);
      pgRead = reads(postgres, COMMITS);
    } finally {
      sqlite.close();
      postgres.close();
    }
    rows.push(
      {
        name: `event-loop block per group commit of ${ROWS} order rows + counter, SQLite (WAL, synchronous=FULL), p50`,
        value: round(lite.p50),
        unit: `ms (p99 ${round(lite.p99)} ms)`,
      },
      {
        name: `same group commit, Postgres store (bridge, synchronous_commit=on), p50`,
        value: round(pgc.p50),
        unit: `ms (p99 ${round(pgc.p99)} ms)`,
        baseline: 'SQLite group commit p50',
        ratio: round(pgc.p50 / lite.p50),
      },
      {
        name: 'one read (counters.get), SQLite, p50',
        value: round(liteRead.p50, 4),
        unit: `ms (p99 ${round(liteRead.p99, 4)} ms)`,
      },
      {
        name: 'one read (counters.get), Postgres store: a bridge call + a server round trip, p50',
        value: round(pgRead.p50, 4),
        unit: `ms (p99 ${round(pgRead.p99, 4)} ms)`,
        baseline: 'SQLite read p50',
        ratio: round(pgRead.p50 / liteRead.p50),
      },
    );
    // 2. over HTTP, one after the other
    const liteHttp = await placeOrders(join(dir, 'http.db'));
    pg.createDatabase('http');
    const pgHttp = await placeOrders(pg.url('http'));
    console.error('sqlite', liteHttp);
    console.error('postgres', pgHttp);
    rows.push(
      {
        name: `placeOrder acknowledged, --db SQLite file (WAL, synchronous=FULL), ${CONNECTIONS} connections`,
        value: round(liteHttp.perSec, 1),
        unit: `orders/s (p50 ${round(liteHttp.p50, 1)} ms, p99 ${round(liteHttp.p99, 1)} ms)`,
      },
      {
        name: `placeOrder acknowledged, --db postgres://… (loopback), ${CONNECTIONS} connections`,
        value: round(pgHttp.perSec, 1),
        unit: `orders/s (p50 ${round(pgHttp.p50, 1)} ms, p99 ${round(pgHttp.p99, 1)} ms)`,
        baseline: 'the same with SQLite',
        ratio: round(pgHttp.perSec / liteHttp.perSec),
      },
    );
    for (const [name, r] of [
      ['SQLite', liteHttp],
      ['Postgres', pgHttp],
    ] as const) {
      if (r.failed) notes.push(`${name}: ${r.failed} failed answers; first: ${r.firstFailure ?? ''}`);
    }
  } finally {
    await pg.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  notes.push(
    `In process: ${COMMITS} transactions through the real stores (store.transaction + rows.apply + counters.set, as the ledger writes a group commit), SQLite first, then Postgres; each row ~400 bytes of JSON. The Postgres store sends the whole transaction (BEGIN, ${ROWS} upserts, the counter, COMMIT) in one bridge call; the worker runs the statements one after the other on its connection.`,
    `Over HTTP: smartapi-paper serve in a child process (rate limits off, --fills ideal, MARKET INTRADAY BUY qty 1: each order writes an order, a trade, a position and funds), ${CONNECTIONS} closed-loop keep-alive connections, ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured, SQLite first, then Postgres. Postgres: a temp cluster on loopback (Debian's postgresql, fsync on, synchronous_commit on) on the same disk and the same 2 cores.`,
    `Machine load: 1-minute load average ${round(loadAtStart)} at start, ${round(loadavg()[0] ?? 0)} at end, on 2 cores shared with other jobs: read the ratios.`,
  );
  writeSuite('store', rows, notes);
}

await main();
