/**
 * Orderbook benchmark (issue 16): getOrderBook answers per second for a 20-order book, the paper broker
 * (one process, so one core for its event loop) against a bare `node:http` route sending the very same
 * body, in the same run. The broker serves the book from its pre-serialised view (dropped by every change
 * of the account, see packages/server/src/broker/read-cache.ts).
 *
 *   node --conditions=source --import tsx benchmarks/orderbook/run.ts [--quick]
 *
 * Writes benchmarks/.work/orderbook.json.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '@smartapi-ts/protocol';
import {
  apiHeaders,
  login,
  ROOT,
  type Row,
  round,
  runLoad,
  spawnTs,
  startBroker,
  writeSuite,
} from '../server/harness.js';
import { summarizeProfile } from '../server/profile.js';

const QUICK = process.argv.includes('--quick');
const PROFILE = process.argv.includes('--profile');
const CONNECTIONS = 8;
const WARMUP_MS = QUICK ? 1000 : 2000;
const DURATION_MS = QUICK ? 3000 : 6000;
const ORDERS = 20;
const TARGET = 15_000;

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const profDir = join(ROOT, 'benchmarks', '.work', 'orderbook-profile');
  if (PROFILE) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const broker = await startBroker({
    fundsRupees: 10_000_000_000,
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {}),
  });
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-book-'));
  try {
    const tokens = await login(broker.url, broker.account);
    const headers = apiHeaders(broker.account.apiKey, tokens.jwtToken);
    const q = (await (
      await fetch(broker.url + ROUTES.quote.path, {
        method: 'POST',
        headers,
        body: JSON.stringify({ mode: 'FULL', exchangeTokens: { NSE: ['3045'] } }),
      })
    ).json()) as { data: { fetched: { ltp: number; lowerCircuit: number }[] } | null };
    const sbin = q.data?.fetched[0];
    if (!sbin) throw new Error('quote failed');
    // 20 BUY LIMIT orders well below the market (inside the band): they rest open all along
    for (let i = 0; i < ORDERS; i++) {
      const paise = Math.max(
        Math.round(sbin.lowerCircuit * 100) + 500,
        Math.round((sbin.ltp * 0.94 * 100) / 5) * 5 - i * 5,
      );
      const r = (await (
        await fetch(broker.url + ROUTES.placeOrder.path, {
          method: 'POST',
          headers,
          body: JSON.stringify({
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
          }),
        })
      ).json()) as { status: boolean; message: string };
      if (!r.status) throw new Error(`placeOrder failed: ${r.message}`);
    }
    const sample = await (await fetch(broker.url + ROUTES.getOrderBook.path, { headers })).text();
    const bookFile = join(dir, 'book.json');
    writeFileSync(bookFile, sample);
    const twenty = (_s: number, body: string): boolean => {
      const b = JSON.parse(body) as { status?: boolean; data?: unknown[] | null };
      return b.status === true && b.data?.length === ORDERS;
    };
    if (!twenty(200, sample)) throw new Error(`unexpected book: ${sample.slice(0, 200)}`);
    const common = {
      method: 'GET' as const,
      path: ROUTES.getOrderBook.path,
      connections: CONNECTIONS,
      warmupMs: WARMUP_MS,
      durationMs: DURATION_MS,
      check: twenty,
    };
    const brokerRes = await runLoad({ ...common, url: broker.url, headers });
    await broker.stop();
    const bare = spawnTs(join(ROOT, 'benchmarks/orderbook/bare-child.ts'), [bookFile]);
    let bareRes: Awaited<ReturnType<typeof runLoad>>;
    try {
      const url = ((await bare.line(0)) as { url: string }).url;
      bareRes = await runLoad({ ...common, url, headers });
    } finally {
      await bare.stop();
    }
    const ratio = brokerRes.perSec / bareRes.perSec;
    rows.push(
      {
        name: `getOrderBook, ${ORDERS}-order book, paper broker (one process), ${CONNECTIONS} connections`,
        value: Math.round(brokerRes.perSec),
        unit: 'req/s',
        baseline: 'bare node:http route sending the same body',
        ratio: round(ratio),
        target: `>= ${TARGET.toLocaleString('en-US')} req/s`,
        pass: brokerRes.perSec >= TARGET,
      },
      {
        name: 'getOrderBook latency p50 / p99, paper broker',
        value: round(brokerRes.p50),
        unit: `ms (p99 ${round(brokerRes.p99)} ms)`,
      },
      {
        name: `bare node:http route, same ${sample.length.toLocaleString('en-US')}-byte body`,
        value: Math.round(bareRes.perSec),
        unit: 'req/s',
      },
    );
    notes.push(
      `Closed loop: ${CONNECTIONS} keep-alive node:http connections from the benchmark process; ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured per target; the broker (CLI, file DB, --clock sim, rate limits off) and the bare route run one after the other, each in its own process; the load generator shares the same 2 cores. An answer counts only with status:true and exactly ${ORDERS} orders. Failures: broker ${brokerRes.failed}, bare ${bareRes.failed}.`,
      'The broker answers from a pre-serialised view of the book per account (broker/read-cache.ts), dropped whenever the ledger queues an event of that account or rebuilds the state from the database, and keyed by the IST trading day; it still authenticates every request (JWT, API key, session) and goes through fastify.',
    );
  } finally {
    await broker.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  if (PROFILE) {
    const file = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ f, size: statSync(join(profDir, f)).size }))
      .sort((a, b) => b.size - a.size)[0]?.f;
    if (file) {
      const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as Parameters<
        typeof summarizeProfile
      >[0];
      console.log(summarizeProfile(prof));
    }
    console.log('--profile: figures not written');
    return;
  }
  writeSuite('orderbook', rows, notes);
}

await main();
