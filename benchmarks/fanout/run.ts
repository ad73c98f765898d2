/**
 * Fanout benchmark: ticks delivered per second to 100 local WebSocket clients, each subscribed to 500
 * tokens, by the paper broker's market feed (`/smart-stream`, driven by the simulated market at high
 * speed), versus a baseline in the same run: a bare `ws` server broadcasting pre-encoded packets of
 * the same tokens to the same number of clients. Server and clients run in separate child processes
 * (the clients all in one); this process only orchestrates.
 *
 * Run: `npm run bench fanout` (or `node --conditions=source --import tsx benchmarks/fanout/run.ts`).
 * Options: `--quick`, `--speed=N` (simulated-clock speed of the broker, default 10),
 * `--mode=1|2|3` (feed mode, default 1 = LTP). Writes benchmarks/.work/fanout.json.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  type FeedTokenGroup,
  MARKET_FEED_PATH,
  SCRIP_MASTER_PATH,
} from '@smartapi-ts/protocol';
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
import type { ClientsConfig, ClientsResult } from './clients-child.js';

const QUICK = process.argv.includes('--quick');
const arg = (name: string, dflt: number): number => {
  const a = process.argv.find((x) => x.startsWith(`--${name}=`));
  return a === undefined ? dflt : Number(a.slice(name.length + 3));
};
const SPEED = arg('speed', 10);
const MODE = arg('mode', 1) as 1 | 2 | 3;
const CLIENTS = 100;
const TOKENS = 500;
const PER_CODE = 3; // the feed's connection limit per client code
const WARMUP_MS = QUICK ? 1000 : 2000;
const DURATION_MS = QUICK ? 3000 : 6000;
const HIGH_WATER_MARK = 1024 * 1024; // the broker feed's default

/** 500 tokens across exchange types: every NSE, BSE and MCX instrument, then NFO up to 500. */
async function pickTokens(url: string): Promise<FeedTokenGroup[]> {
  const rows = (await (await fetch(url + SCRIP_MASTER_PATH)).json()) as { token: string; exch_seg: string }[];
  const order = ['NSE', 'BSE', 'MCX', 'NFO', 'CDS', 'BFO', 'NCDEX'];
  const groups = new Map<string, string[]>();
  let n = 0;
  for (const seg of order) {
    for (const r of rows) {
      if (n >= TOKENS) break;
      if (r.exch_seg !== seg) continue;
      const g = groups.get(seg) ?? [];
      g.push(r.token);
      groups.set(seg, g);
      n++;
    }
  }
  if (n < TOKENS) throw new Error(`the universe has only ${n} instruments`);
  return [...groups].map(([seg, tokens]) => ({
    exchangeType: EXCHANGE_TO_EXCHANGE_TYPE[seg as Exchange],
    tokens,
  }));
}

/** Logs every account in and spreads the CLIENTS connections over them, PER_CODE each. */
async function feedClients(broker: BrokerChild): Promise<ClientsConfig['clients']> {
  const out: ClientsConfig['clients'] = [];
  for (const a of broker.accounts) {
    const t = await login(broker.url, a);
    for (let k = 0; k < PER_CODE && out.length < CLIENTS; k++) {
      out.push({ clientCode: a.clientcode, feedToken: t.feedToken, jwtToken: t.jwtToken, apiKey: a.apiKey });
    }
  }
  return out;
}

async function runClients(dir: string, name: string, config: ClientsConfig): Promise<ClientsResult> {
  const file = join(dir, `${name}.json`);
  writeFileSync(file, JSON.stringify(config));
  const child: Child = spawnTs(join(ROOT, 'benchmarks/fanout/clients-child.ts'), [file]);
  try {
    await child.line(0, 60_000); // subscribed
    const r = (await child.line(1, config.warmupMs + config.durationMs + 30_000)) as ClientsResult;
    console.error(name, r);
    return r;
  } finally {
    await child.wait(5000);
    await child.stop();
  }
}

async function main(): Promise<void> {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-fanout-'));
  const rows: Row[] = [];
  const notes: string[] = [];
  const accounts = Math.ceil(CLIENTS / PER_CODE);
  try {
    // 1. Broker: accounts, logins, the token list (the broker is then stopped during the baseline).
    let broker = await startBroker({ accounts, serveArgs: ['--speed', String(SPEED)] });
    let tokenList: FeedTokenGroup[];
    let clients: ClientsConfig['clients'];
    try {
      tokenList = await pickTokens(broker.url);
      clients = await feedClients(broker);
    } finally {
      await broker.stop();
    }
    const common = { tokenList, mode: MODE, warmupMs: WARMUP_MS, durationMs: DURATION_MS };

    // 2. Baseline: bare ws broadcast of pre-encoded packets.
    const cfgFile = join(dir, 'baseline-config.json');
    writeFileSync(cfgFile, JSON.stringify({ tokenList, mode: MODE, highWaterMark: HIGH_WATER_MARK }));
    const baselineServer = spawnTs(join(ROOT, 'benchmarks/fanout/baseline-child.ts'), [cfgFile]);
    let base: ClientsResult;
    try {
      const { url } = (await baselineServer.line(0)) as { url: string };
      base = await runClients(dir, 'baseline', { ...common, url: url + MARKET_FEED_PATH, clients });
    } finally {
      await baselineServer.stop();
    }

    // 3. The broker's market feed (fresh start on a fresh database, same accounts are re-created
    //    there, so log in again).
    broker = await startBroker({ accounts, serveArgs: ['--speed', String(SPEED)] });
    let ours: ClientsResult;
    try {
      const brokerClients = await feedClients(broker);
      ours = await runClients(dir, 'broker', {
        ...common,
        url: broker.url.replace(/^http/, 'ws') + MARKET_FEED_PATH,
        clients: brokerClients,
      });
    } finally {
      await broker.stop();
    }

    const oursRate = ours.frames / ours.seconds;
    const baseRate = base.frames / base.seconds;
    const ratio = oursRate / baseRate;
    const modeName = MODE === 1 ? 'LTP' : MODE === 2 ? 'Quote' : 'SnapQuote';
    rows.push(
      {
        name: `paper broker market feed → ${CLIENTS} clients × ${TOKENS} tokens (${modeName}), simulator at ${SPEED}× speed`,
        value: Math.round(oursRate),
        unit: 'ticks/s',
        baseline: `bare ws broadcast of pre-encoded ${modeName} packets, same clients and tokens`,
        ratio: round(ratio),
        target: '>= 150,000 ticks/s and >= 0.6x baseline',
        pass: oursRate >= 150_000 && ratio >= 0.6,
      },
      {
        name: `baseline: bare ws broadcast of pre-encoded packets → ${CLIENTS} clients`,
        value: Math.round(baseRate),
        unit: 'ticks/s',
      },
      {
        name: 'paper broker: ticks per client per second (min – max client)',
        value: Math.round(oursRate / CLIENTS),
        unit: `ticks/s/client (${Math.round(ours.minPerClient / ours.seconds)}–${Math.round(ours.maxPerClient / ours.seconds)})`,
      },
    );
    notes.push(
      `Tokens: every NSE, BSE and MCX instrument of the built-in universe, then NFO contracts up to ${TOKENS} (${tokenList.map((g) => `exchangeType ${g.exchangeType}: ${g.tokens.length}`).join(', ')}); the built-in universe has too few instruments in one exchange type. Every client subscribes to all ${TOKENS} in mode ${MODE}.`,
      `Broker: the CLI (\`serve --speed ${SPEED} --no-rate-limits\`, file DB) in a child process; the simulator steps every instrument every 500 simulated ms, so at ${SPEED}× it produces far more quote changes than ${CLIENTS} clients can take, and the feed's slow-consumer policy (coalescing above a 1 MiB socket buffer) decides what is delivered. ${accounts} accounts (the feed allows ${PER_CODE} connections per client code).`,
      `Baseline: a bare ws WebSocketServer in a child process sending pre-encoded packets round robin to every subscribed client as fast as its event loop allows, skipping a client whose bufferedAmount is above 1 MiB.`,
      `Clients: ${CLIENTS} bare ws clients in one child process count binary frames for ${DURATION_MS / 1000} s after a ${WARMUP_MS / 1000} s warm-up; 1 in 997 frames is decoded and checked (subscribed token, right mode): broker ${ours.sampledOk}/${ours.sampled}, baseline ${base.sampledOk}/${base.sampled}.${ours.textFrames > 0 ? ` The broker sent ${ours.textFrames} text frames (first: ${ours.firstText ?? ''}).` : ''} The server and the client process share the machine's 2 cores.`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  writeSuite('fanout', rows, notes);
}

await main();
