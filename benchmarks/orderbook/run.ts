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
import { cpus, loadavg, tmpdir } from 'node:os';
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
const CLOCK_TICKS = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used so far, from /proc (Linux); undefined elsewhere. */
function cpuSeconds(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS; // utime, stime
  } catch {
    return undefined;
  }
}

/** Answers per CPU-second of the server process over a load run (its capacity on one core). */
async function perCpuSecond(
  pid: number | undefined,
  run: () => Promise<Awaited<ReturnType<typeof runLoad>>>,
): Promise<{
  res: Awaited<ReturnType<typeof runLoad>>;
  perCpu: number | undefined;
  cpu: number | undefined;
}> {
  const before = cpuSeconds(pid);
  const res = await run();
  const after = cpuSeconds(pid);
  // runLoad counts answers in the measured window only; scale the CPU of the whole run to that window
  const cpu = before !== undefined && after !== undefined ? after - before : undefined;
  const total = (WARMUP_MS + DURATION_MS) / DURATION_MS;
  return { res, cpu, perCpu: cpu ? (res.ok * total) / cpu : undefined };
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const loadAtStart = loadavg()[0] ?? 0;
  const profDir = join(ROOT, 'benchmarks', '.work', 'orderbook-profile');
  if (PROFILE) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const broker = await startBroker({
    fundsRupees: 10_000_000_000,
    // manual clock: no simulator running beside the requests, so the broker's CPU is the request path's
    serveArgs: ['--clock', 'manual'],
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
    const brokerRun = await perCpuSecond(broker.child.proc.pid, () =>
      runLoad({ ...common, url: broker.url, headers }),
    );
    const brokerRes = brokerRun.res;
    await broker.stop();
    const bare = spawnTs(join(ROOT, 'benchmarks/orderbook/bare-child.ts'), [bookFile]);
    let bareRes: Awaited<ReturnType<typeof runLoad>>;
    let bareRun: Awaited<ReturnType<typeof perCpuSecond>>;
    try {
      const url = ((await bare.line(0)) as { url: string }).url;
      bareRun = await perCpuSecond(bare.proc.pid, () => runLoad({ ...common, url, headers }));
      bareRes = bareRun.res;
    } finally {
      await bare.stop();
    }
    const ratio = brokerRes.perSec / bareRes.perSec;
    const cpuRatio = brokerRun.perCpu && bareRun.perCpu ? brokerRun.perCpu / bareRun.perCpu : undefined;
    if (brokerRun.perCpu !== undefined) {
      rows.push({
        name: `getOrderBook, ${ORDERS}-order book, paper broker: answers per CPU-second of the broker process (one core)`,
        value: Math.round(brokerRun.perCpu),
        unit: 'req/CPU-s',
        baseline: 'bare node:http route sending the same body, per CPU-second',
        ...(cpuRatio !== undefined ? { ratio: round(cpuRatio) } : {}),
        target: `>= ${TARGET.toLocaleString('en-US')} req/s on one core`,
        pass: brokerRun.perCpu >= TARGET,
      });
    }
    if (bareRun.perCpu !== undefined) {
      rows.push({
        name: 'bare node:http route, same body: answers per CPU-second',
        value: Math.round(bareRun.perCpu),
        unit: 'req/CPU-s',
      });
    }
    rows.push(
      {
        name: `getOrderBook, ${ORDERS}-order book, paper broker (one process), ${CONNECTIONS} connections, wall clock`,
        value: Math.round(brokerRes.perSec),
        unit: 'req/s',
        baseline: 'bare node:http route sending the same body',
        ratio: round(ratio),
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
      `Closed loop: ${CONNECTIONS} keep-alive node:http connections from the benchmark process; ${WARMUP_MS / 1000} s warm-up then ${DURATION_MS / 1000} s measured per target; the broker (CLI, file DB, --clock manual, rate limits off) and the bare route run one after the other, each in its own process; the load generator shares the same 2 cores. An answer counts only with status:true and exactly ${ORDERS} orders. Failures: broker ${brokerRes.failed}, bare ${bareRes.failed}.`,
      "Per CPU-second: the server process's user + system CPU time (from /proc/<pid>/stat) over the whole load run (warm-up included, answers scaled to it): how many answers one core of the broker gives, independent of how much of the shared machine it got. The broker runs with --clock manual (the market does not move during the run), so its CPU is the request path's.",
      'The broker answers from a pre-serialised view of the book per account (broker/read-cache.ts), dropped whenever the ledger queues an event of that account or rebuilds the state from the database, and keyed by the IST trading day; it still authenticates every request (api key, JWT, session, account) and goes through fastify, but from memory: verified tokens, accounts and sessions are kept in maps kept coherent with the store (docs/paper-broker.md#request-path), so no request reads SQLite or recomputes an HMAC.',
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
  notes.push(
    `Machine load: 1-minute load average ${loadAtStart.toFixed(2)} at start, ${(loadavg()[0] ?? 0).toFixed(2)} at end, on ${cpus().length} cores (other jobs share the machine: read the ratios to the same-run baseline).`,
  );
  writeSuite('orderbook', rows, notes);
}

await main();
