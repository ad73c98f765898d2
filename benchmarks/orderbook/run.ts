/**
 * Orderbook benchmark (issue 16): getOrderBook answers per CPU-second for a 20-order book, the paper broker
 * (one process, so one core for its event loop) against a bare `node:http` route sending the very same
 * body, in the same run. The broker serves the book on its fast read path (taken from node:http before
 * fastify) from its pre-serialised view (dropped by every change of the account, see
 * packages/server/src/broker/read-cache.ts); the same broker is also measured through fastify (an HTTP
 * fault armed for another route sends every request there), in interleaved rounds with the bare route.
 *
 *   node --conditions=source --import tsx benchmarks/orderbook/run.ts [--quick] [--profile]
 *
 * Writes benchmarks/.work/orderbook.json (not with --profile: it prints where the broker's CPU went during
 * the measured windows instead).
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { ROUTES } from '@smartapi-ts/protocol';
import {
  apiHeaders,
  type Child,
  login,
  ROOT,
  type Row,
  round,
  runLoad,
  spawnTs,
  startBroker,
  writeSuite,
} from '../server/harness.js';
import { type CpuProfile, type ProfileWindow, summarizeProfile } from '../server/profile.js';

const QUICK = process.argv.includes('--quick');
const PROFILE = process.argv.includes('--profile');
const CONNECTIONS = 8;
const WARMUP_MS = QUICK ? 1000 : 2000;
const ROUNDS = QUICK ? 2 : 6;
const ROUND_WARMUP_MS = 200;
const ROUND_MS = QUICK ? 1000 : 1500;
const ORDERS = 20;
const TARGET = 15_000;
const CLOCK_TICKS = 100; // USER_HZ on Linux
const ADMIN_TOKEN = 'bench-orderbook-admin';

type LoadResult = Awaited<ReturnType<typeof runLoad>>;

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

/**
 * A load run and the CPU the server process used over its measured part: from the end of the run's
 * warm-up (`warmupMs` after it starts) to its end. The warm-up's CPU (opening connections, JIT compilation)
 * is left out, as runLoad leaves its answers out.
 */
async function measured(
  pid: number | undefined,
  warmupMs: number,
  run: () => Promise<LoadResult>,
): Promise<{ res: LoadResult; cpu: number | undefined; window: ProfileWindow }> {
  let before: number | undefined;
  let fromUs = 0;
  const timer = setTimeout(() => {
    before = cpuSeconds(pid);
    fromUs = Number(process.hrtime.bigint() / 1000n);
  }, warmupMs);
  const res = await run();
  clearTimeout(timer);
  const toUs = Number(process.hrtime.bigint() / 1000n);
  const after = cpuSeconds(pid);
  const cpu = before !== undefined && after !== undefined ? after - before : undefined;
  return { res, cpu, window: { fromUs, toUs } };
}

/** A server under load: the broker (its fast read path, or through fastify) or the bare route. */
interface Target {
  key: 'fast' | 'fastify' | 'bare';
  url: string;
  pid: number | undefined;
  /** Arm the unrelated HTTP fault that sends every request through fastify. */
  throughFastify: boolean;
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length ? (s[Math.floor(s.length / 2)] ?? Number.NaN) : Number.NaN;
};

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const windows = new Map<Target['key'], ProfileWindow[]>([
    ['fast', []],
    ['fastify', []],
  ]);
  const loadAtStart = loadavg()[0] ?? 0;
  const profDir = join(ROOT, 'benchmarks', '.work', 'orderbook-profile');
  if (PROFILE) {
    rmSync(profDir, { recursive: true, force: true });
    mkdirSync(profDir, { recursive: true });
  }
  const broker = await startBroker({
    fundsRupees: 10_000_000_000,
    // manual clock: no simulator running beside the requests, so the broker's CPU is the request path's
    serveArgs: ['--clock', 'manual', '--admin-token', ADMIN_TOKEN],
    ...(PROFILE ? { nodeArgs: ['--cpu-prof', '--cpu-prof-dir', profDir] } : {}),
  });
  let bare: Child | undefined;
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

    // Through fastify: while an HTTP fault is armed every request goes through fastify and its fault hook
    // (docs/paper-broker.md#request-path); this one is for another route and client, so it never fires.
    const admin = async (method: string, path: string, body?: unknown): Promise<unknown> =>
      (
        await fetch(`${broker.url}/paper/v1/${path}`, {
          method,
          headers: { authorization: `Bearer ${ADMIN_TOKEN}`, 'content-type': 'application/json' },
          ...(body === undefined ? {} : { body: JSON.stringify(body) }),
        })
      ).json();
    let faultId: string | undefined;
    const throughFastify = async (on: boolean): Promise<void> => {
      if (on && faultId === undefined) {
        const r = (await admin('POST', 'faults', {
          kind: 'http500',
          route: 'cancelOrder',
          clientcode: 'Z9999999',
        })) as { data?: { id?: string } };
        faultId = r.data?.id;
        if (!faultId) throw new Error(`arming the fault failed: ${JSON.stringify(r)}`);
      } else if (!on && faultId !== undefined) {
        await admin('DELETE', `faults/${faultId}`);
        faultId = undefined;
      }
    };

    bare = spawnTs(join(ROOT, 'benchmarks/orderbook/bare-child.ts'), [bookFile]);
    const bareUrl = ((await bare.line(0)) as { url: string }).url;
    const targets: Target[] = [
      { key: 'fast', url: broker.url, pid: broker.child.proc.pid, throughFastify: false },
      { key: 'fastify', url: broker.url, pid: broker.child.proc.pid, throughFastify: true },
      { key: 'bare', url: bareUrl, pid: bare.proc.pid, throughFastify: false },
    ];
    const load = async (t: Target, warmupMs: number, durationMs: number) => {
      await throughFastify(t.throughFastify);
      return measured(t.pid, warmupMs, () =>
        runLoad({
          url: t.url,
          method: 'GET',
          path: ROUTES.getOrderBook.path,
          headers,
          connections: CONNECTIONS,
          warmupMs,
          durationMs,
          check: twenty,
        }),
      );
    };
    // Warm-up of every target (not counted), then interleaved rounds: the three targets see the same
    // machine load, whatever the other jobs on the machine do meanwhile.
    for (const t of targets) await load(t, WARMUP_MS, 1);
    const acc = new Map(
      targets.map((t) => [t.key, { ok: 0, failed: 0, cpu: 0, p50: [] as number[], p99: [] as number[] }]),
    );
    for (let i = 0; i < ROUNDS; i++) {
      for (const t of targets) {
        const r = await load(t, ROUND_WARMUP_MS, ROUND_MS);
        const a = acc.get(t.key);
        if (!a) continue;
        a.ok += r.res.ok;
        a.failed += r.res.failed;
        a.cpu += r.cpu ?? Number.NaN;
        a.p50.push(r.res.p50);
        a.p99.push(r.res.p99);
        windows.get(t.key)?.push(r.window);
      }
    }
    await throughFastify(false);
    const result = (k: Target['key']) => {
      const a = acc.get(k);
      if (!a) throw new Error(`no results for ${k}`);
      return {
        failed: a.failed,
        perCpu: a.cpu > 0 ? a.ok / a.cpu : undefined,
        perSec: a.ok / ((ROUNDS * ROUND_MS) / 1000),
        p50: median(a.p50),
        p99: median(a.p99),
      };
    };
    const fast = result('fast');
    const slow = result('fastify');
    const bareR = result('bare');
    const vsBare = (x: number | undefined) =>
      x !== undefined && bareR.perCpu !== undefined ? { ratio: round(x / bareR.perCpu) } : {};
    if (fast.perCpu !== undefined) {
      rows.push({
        name: `getOrderBook, ${ORDERS}-order book, paper broker: answers per CPU-second of the broker process (one core)`,
        value: Math.round(fast.perCpu),
        unit: 'req/CPU-s',
        baseline: 'bare node:http route sending the same body, per CPU-second',
        ...vsBare(fast.perCpu),
        target: `>= ${TARGET.toLocaleString('en-US')} req/s on one core`,
        pass: fast.perCpu >= TARGET,
      });
    }
    if (slow.perCpu !== undefined) {
      rows.push({
        name: 'the same requests through fastify (fast read path off: an HTTP fault armed for another route), per CPU-second',
        value: Math.round(slow.perCpu),
        unit: 'req/CPU-s',
        baseline: 'bare node:http route sending the same body, per CPU-second',
        ...vsBare(slow.perCpu),
      });
    }
    if (bareR.perCpu !== undefined) {
      rows.push({
        name: 'bare node:http route, same body: answers per CPU-second',
        value: Math.round(bareR.perCpu),
        unit: 'req/CPU-s',
      });
    }
    rows.push(
      {
        name: `getOrderBook, ${ORDERS}-order book, paper broker (one process), ${CONNECTIONS} connections, wall clock`,
        value: Math.round(fast.perSec),
        unit: 'req/s',
        baseline: 'bare node:http route sending the same body',
        ratio: round(fast.perSec / bareR.perSec),
      },
      {
        name: 'getOrderBook latency p50 / p99 (medians over the rounds), paper broker',
        value: round(fast.p50),
        unit: `ms (p99 ${round(fast.p99)} ms)`,
      },
      {
        name: `bare node:http route, same ${sample.length.toLocaleString('en-US')}-byte body`,
        value: Math.round(bareR.perSec),
        unit: 'req/s',
      },
    );
    notes.push(
      `Closed loop: ${CONNECTIONS} keep-alive node:http connections from the benchmark process; the broker (CLI, file DB, --clock manual, rate limits off) and the bare route each in its own process, both up all along; the load generator shares the same 2 cores. Each target is warmed up for ${WARMUP_MS / 1000} s (not counted), then measured in ${ROUNDS} interleaved rounds (broker, broker through fastify, bare route; ${ROUND_MS / 1000} s each after ${ROUND_WARMUP_MS} ms to open the connections), so that all three see the same machine load. An answer counts only with status:true and exactly ${ORDERS} orders. Failures: broker ${fast.failed}, broker through fastify ${slow.failed}, bare ${bareR.failed}.`,
      "Per CPU-second: the server process's user + system CPU time (from /proc/<pid>/stat) over the measured windows, against the answers counted in them: how many answers one core of the server gives in the steady state, independent of how much of the shared machine it got. The broker runs with --clock manual (the market does not move during the run), so its CPU is the request path's.",
      'The broker answers getOrderBook on its fast read path (docs/paper-broker.md#request-path): the request is taken from node:http before fastify, goes through the same gateway checks (api key, JWT, session, account, user type, rate limit, all from memory) and the same handler, and is answered with the pre-serialised view of the book (broker/read-cache.ts, dropped by every change of the account) with the same status, headers and bytes as through fastify. "Through fastify" is the same broker while an HTTP fault is armed for another route: every request then takes fastify\'s path (routing, hooks, reply).',
    );
  } finally {
    await bare?.stop().catch(() => {});
    await broker.stop().catch(() => {});
    rmSync(dir, { recursive: true, force: true });
  }
  if (PROFILE) {
    const file = readdirSync(profDir)
      .filter((f) => f.endsWith('.cpuprofile'))
      .map((f) => ({ f, size: statSync(join(profDir, f)).size }))
      .sort((a, b) => b.size - a.size)[0]?.f;
    if (file) {
      const prof = JSON.parse(readFileSync(join(profDir, file), 'utf8')) as CpuProfile;
      // the measured windows only: not the broker's start-up, the order placing, the warm-up, the shutdown
      for (const [key, list] of windows) {
        console.log(`== broker, ${key === 'fast' ? 'fast read path' : 'through fastify'} ==`);
        console.log(summarizeProfile(prof, 40, list));
      }
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
