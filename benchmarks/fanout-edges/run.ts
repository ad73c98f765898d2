/**
 * Fan-out through feed edges (issue 17): ticks/s delivered to the same WebSocket clients by the core
 * alone (`serve`), through one feed edge and through two (`serve --nats` + `feed-edge`), with a real
 * nats-server; and the CPU each edge spends per 1,000 ticks it delivers. Every process (nats-server,
 * core, edges, clients) is a child of this one; CPU is read from /proc over the measured window.
 *
 * Run: `npm run bench fanout-edges` (or `node --conditions=source --import tsx benchmarks/fanout-edges/run.ts
 * [--quick]`). Writes benchmarks/.work/fanout-edges.json.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  type FeedTokenGroup,
  MARKET_FEED_PATH,
  SCRIP_MASTER_PATH,
} from '@smartapi-ts/protocol';
import { startNatsServer } from '@smartapi-ts/testkit/nats';
import type { ClientsConfig, ClientsResult } from '../fanout/clients-child.js';
import {
  type BrokerChild,
  type Child,
  login,
  ROOT,
  type Row,
  round,
  spawnTs,
  startBroker,
  writeSuite,
} from '../server/harness.js';

const QUICK = process.argv.includes('--quick');
const CLIENTS = 60;
const TOKENS = 200;
const PER_CODE = 3;
const SPEED = 10;
const WARMUP_MS = QUICK ? 1000 : 2000;
const DURATION_MS = QUICK ? 3000 : 6000;
/** USER_HZ of /proc/<pid>/stat times on Linux. */
const TICK_HZ = 100;

/** utime + stime of a process, seconds. */
function cpuSeconds(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICK_HZ;
  } catch {
    return 0;
  }
}

async function pickTokens(url: string): Promise<FeedTokenGroup[]> {
  const rows = (await (await fetch(url + SCRIP_MASTER_PATH)).json()) as { token: string; exch_seg: string }[];
  const groups = new Map<string, string[]>();
  let n = 0;
  for (const seg of ['NSE', 'BSE', 'MCX', 'NFO']) {
    for (const r of rows) {
      if (n >= TOKENS) break;
      if (r.exch_seg !== seg) continue;
      groups.set(seg, [...(groups.get(seg) ?? []), r.token]);
      n++;
    }
  }
  return [...groups].map(([seg, tokens]) => ({
    exchangeType: EXCHANGE_TO_EXCHANGE_TYPE[seg as Exchange],
    tokens,
  }));
}

async function feedClients(broker: BrokerChild): Promise<ClientsConfig['clients']> {
  const out: ClientsConfig['clients'] = [];
  for (const a of broker.accounts) {
    const t = await login(broker.url, a);
    for (let k = 0; k < PER_CODE && out.length < CLIENTS; k++)
      out.push({ clientCode: a.clientcode, feedToken: t.feedToken, jwtToken: t.jwtToken, apiKey: a.apiKey });
  }
  return out;
}

interface Measured {
  frames: number;
  seconds: number;
  /** CPU seconds over the window per watched process. */
  cpu: number[];
  /** Frames delivered by each target (edge) in the window. */
  perTarget: number[];
}

/** Runs the clients split over `urls` (one clients child per URL), measuring CPU of `pids` in the window. */
async function measure(
  dir: string,
  urls: string[],
  clients: ClientsConfig['clients'],
  tokenList: FeedTokenGroup[],
  pids: (number | undefined)[],
): Promise<Measured> {
  const children: Child[] = [];
  const share = Math.ceil(clients.length / urls.length);
  try {
    urls.forEach((url, i) => {
      const cfg: ClientsConfig = {
        url: url.replace(/^http/, 'ws') + MARKET_FEED_PATH,
        clients: clients.slice(i * share, (i + 1) * share),
        tokenList,
        mode: 1,
        warmupMs: WARMUP_MS,
        durationMs: DURATION_MS,
      };
      const file = join(dir, `clients-${i}-${Date.now()}.json`);
      writeFileSync(file, JSON.stringify(cfg));
      children.push(spawnTs(join(ROOT, 'benchmarks/fanout/clients-child.ts'), [file]));
    });
    await Promise.all(children.map((c) => c.line(0, 60_000)));
    await new Promise((r) => setTimeout(r, WARMUP_MS));
    const c0 = pids.map(cpuSeconds);
    await new Promise((r) => setTimeout(r, DURATION_MS));
    const c1 = pids.map(cpuSeconds);
    const results = (await Promise.all(
      children.map((c) => c.line(1, DURATION_MS + 30_000)),
    )) as ClientsResult[];
    return {
      frames: results.reduce((s, r) => s + r.frames, 0),
      seconds: Math.max(...results.map((r) => r.seconds)),
      cpu: c1.map((v, i) => v - (c0[i] ?? 0)),
      perTarget: results.map((r) => r.frames),
    };
  } finally {
    for (const c of children) {
      await c.wait(5000);
      await c.stop();
    }
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-edges-'));
  const nats = await startNatsServer();
  const rows: Row[] = [];
  const notes: string[] = [];
  const accounts = Math.ceil(CLIENTS / PER_CODE);
  try {
    const broker = await startBroker({ accounts, serveArgs: ['--speed', String(SPEED), '--nats', nats.url] });
    const edges: Child[] = [];
    try {
      const tokenList = await pickTokens(broker.url);
      const clients = await feedClients(broker);
      const corePid = broker.child.proc.pid;
      const core = await measure(dir, [broker.url], clients, tokenList, [corePid]);
      for (let i = 0; i < 2; i++)
        edges.push(spawnTs(join(ROOT, 'benchmarks/fanout-edges/edge-child.ts'), [nats.url]));
      const urls = (await Promise.all(edges.map((e) => e.line(0, 60_000)))).map(
        (l) => (l as { url: string }).url,
      );
      const pids = [corePid, ...edges.map((e) => e.proc.pid)];
      const one = await measure(dir, [urls[0]!], clients, tokenList, pids);
      const two = await measure(dir, urls, clients, tokenList, pids);
      const rate = (m: Measured) => m.frames / m.seconds;
      const coreRate = rate(core);
      const perK = (cpu: number, frames: number) => round((cpu * 1000 * 1000) / Math.max(1, frames), 3); // ms per 1,000 ticks
      rows.push(
        {
          name: `core alone (serve) → ${CLIENTS} clients × ${TOKENS} tokens (LTP)`,
          value: Math.round(coreRate),
          unit: 'ticks/s',
        },
        {
          name: 'through 1 feed edge (serve --nats + feed-edge)',
          value: Math.round(rate(one)),
          unit: 'ticks/s',
          baseline: 'core alone, same clients and tokens',
          ratio: round(rate(one) / coreRate),
        },
        {
          name: 'through 2 feed edges (clients split half / half)',
          value: Math.round(rate(two)),
          unit: 'ticks/s',
          baseline: 'core alone, same clients and tokens',
          ratio: round(rate(two) / coreRate),
        },
        {
          name: 'CPU of the core per 1,000 ticks delivered, core alone',
          value: perK(core.cpu[0]!, core.frames),
          unit: 'ms CPU',
        },
        {
          name: 'CPU of the edge per 1,000 ticks it delivered, 1 edge',
          value: perK(one.cpu[1]!, one.frames),
          unit: 'ms CPU',
          baseline: 'core per 1,000 ticks, core alone',
          ratio: round(perK(one.cpu[1]!, one.frames) / perK(core.cpu[0]!, core.frames)),
        },
        {
          name: 'CPU of each edge per 1,000 ticks it delivered, 2 edges (mean)',
          value: round((perK(two.cpu[1]!, two.perTarget[0]!) + perK(two.cpu[2]!, two.perTarget[1]!)) / 2, 3),
          unit: 'ms CPU',
        },
        {
          name: 'CPU of the core per second while feeding 1 edge (publish side)',
          value: round((one.cpu[0]! / one.seconds) * 1000, 1),
          unit: 'ms CPU/s',
        },
        {
          name: 'CPU of the core per second, core alone serving the clients',
          value: round((core.cpu[0]! / core.seconds) * 1000, 1),
          unit: 'ms CPU/s',
        },
      );
      notes.push(
        `Setup: nats-server ${nats.url.replace(/:\d+$/, '')} (Debian package), the core CLI \`serve --speed ${SPEED} --nats\` (simulated market, file DB) and each edge (\`startFeedEdge\`) in its own child process; ${CLIENTS} bare ws clients (fanout's clients-child, ${PER_CODE} per client code) subscribe ${TOKENS} tokens in LTP mode, count frames for ${DURATION_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up. With 2 edges the clients are split half / half in two client processes. CPU is utime+stime from /proc over the same window.`,
        "Everything shares the machine's 2 cores with other jobs, so edges add processes competing for the same cores: on one machine the edges cannot show their scale-out, only their cost per tick; the capacity model in docs/scaling.md uses the per-tick CPU figures.",
      );
    } finally {
      for (const e of edges) await e.stop();
      await broker.stop();
    }
  } finally {
    await nats.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  writeSuite('fanout-edges', rows, notes);
}

await main();
