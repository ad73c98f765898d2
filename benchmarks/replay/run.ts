/**
 * Replay benchmark: one trading day (09:15 → 15:30 IST) of 1-minute bars for 500 instruments, replayed
 * at maximum speed (the admin API's advance, in-process) through the paper broker with 10 market-feed
 * subscribers (LTP mode, all 500 tokens each). Baseline (same run): the synthetic market over the same
 * day, same 500 tokens, same subscribers. Writes benchmarks/.work/replay.json. See README.md.
 */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { EXCHANGE_TO_EXCHANGE_TYPE, formatIstIso } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { SimClock } from '../../packages/server/src/market/clock.js';
import { createReplayMarket } from '../../packages/server/src/market/sources/replay/index.js';
import { createSimulatedMarket } from '../../packages/server/src/market/sources/synthetic/simulator.js';
import { buildUniverse } from '../../packages/server/src/market/universe.js';

const root = new URL('../..', import.meta.url).pathname;
const workDir = join(root, 'benchmarks', '.work');
mkdirSync(workDir, { recursive: true });
const DAY = '2026-12-03';
const OPEN = Date.parse(`${DAY}T09:15:00+05:30`);
const CLOSE = Date.parse(`${DAY}T15:30:00+05:30`);
const N = 500;
const SUBSCRIBERS = 10;

/** 500 tradable instruments of the built-in universe (equities first, then derivatives). */
const universe = buildUniverse({ date: OPEN, seed: 1 });
const chosen = universe.instruments
  .filter((i) => i.tradable && i.exchange !== 'MCX' && i.exchange !== 'CDS' && i.exchange !== 'NCDEX')
  .sort((a, b) => (a.segment === 'EQ' ? 0 : 1) - (b.segment === 'EQ' ? 0 : 1))
  .slice(0, N);
if (chosen.length < N) throw new Error(`only ${chosen.length} instruments`);

function writeData(dir: string): number {
  let bars = 0;
  let seed = 1;
  const rnd = () => {
    seed = (seed * 1103515245 + 12345) >>> 0;
    return seed / 2 ** 32;
  };
  for (const inst of chosen) {
    let last = 100 + rnd() * 2000;
    const rows: string[] = [];
    for (let m = 0; m < 375; m++) {
      const r = (x: number) => Math.round(x * 20) / 20;
      const open = r(last);
      const close = r(open * (1 + (rnd() - 0.5) * 0.004));
      const high = r(Math.max(open, close) * (1 + rnd() * 0.001));
      const low = r(Math.min(open, close) * (1 - rnd() * 0.001));
      rows.push(
        JSON.stringify([
          formatIstIso(OPEN + m * 60_000),
          open,
          high,
          low,
          close,
          100 + Math.floor(rnd() * 1000),
        ]),
      );
      last = close;
      bars++;
    }
    writeFileSync(
      join(dir, `${inst.exchange}-${inst.token}.json`),
      `{"status":true,"message":"SUCCESS","errorcode":"","data":[\n${rows.join(',\n')}\n]}\n`,
    );
  }
  return bars;
}

async function subscribers(broker: PaperBroker): Promise<{ counts: number[]; close: () => void }> {
  const groups = new Map<number, string[]>();
  for (const i of chosen) {
    const t = EXCHANGE_TO_EXCHANGE_TYPE[i.exchange];
    groups.set(t, [...(groups.get(t) ?? []), i.token]);
  }
  const counts: number[] = [];
  const sockets: WebSocket[] = [];
  let acc = broker.account;
  for (let k = 0; k < SUBSCRIBERS; k++) {
    // the feed allows 3 connections per client code
    if (k > 0 && k % 3 === 0) acc = await broker.createAccount();
    const tokens = await broker.login(acc);
    const ws = new WebSocket(`${broker.wsUrl}/smart-stream`, {
      headers: {
        Authorization: `Bearer ${tokens.jwtToken}`,
        'x-api-key': acc.apiKey,
        'x-client-code': acc.clientcode,
        'x-feed-token': tokens.feedToken,
      },
    });
    const idx = counts.push(0) - 1;
    ws.on('message', (_d, binary) => {
      if (binary) counts[idx]!++;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        correlationID: `b${k}`,
        action: 1,
        params: { mode: 1, tokenList: [...groups].map(([exchangeType, t]) => ({ exchangeType, tokens: t })) },
      }),
    );
    sockets.push(ws);
  }
  // wait for the subscription snapshots
  const t0 = Date.now();
  while (counts.some((c) => c < N) && Date.now() - t0 < 10_000) await new Promise((r) => setTimeout(r, 20));
  return {
    counts,
    close: () => {
      for (const s of sockets) s.close();
    },
  };
}

async function quiet(counts: number[]): Promise<void> {
  let last = -1;
  for (;;) {
    const total = counts.reduce((a, b) => a + b, 0);
    if (total === last) return;
    last = total;
    await new Promise((r) => setTimeout(r, 300));
  }
}

async function run(kind: 'replay' | 'synthetic', data: string) {
  const broker =
    kind === 'replay'
      ? await startPaperBroker({ market: 'replay', data, funds: 1_000_000 })
      : await startPaperBroker({ start: OPEN });
  try {
    let quotes = 0;
    const keys = new Set(chosen.map((i) => `${i.exchange}:${i.token}`));
    broker.market.onQuote((q) => {
      if (keys.has(`${q.exchange}:${q.token}`)) quotes++;
    });
    const subs = await subscribers(broker);
    const before = subs.counts.reduce((a, b) => a + b, 0);
    const t0 = performance.now();
    broker.server.scenario.advanceTo(CLOSE);
    const advanceMs = performance.now() - t0;
    await quiet(subs.counts);
    const wallMs = performance.now() - t0 - 300; // minus the last quiet check
    const delivered = subs.counts.reduce((a, b) => a + b, 0) - before;
    subs.close();
    return { advanceMs, wallMs, quotes, delivered };
  } finally {
    await broker.close();
  }
}

/** The market sources alone (no broker, no feed): the same day in the same 10 s steps, a no-op listener. */
function bare(data: string): { replayMs: number; synthMs: number } {
  const replay = createReplayMarket({
    data,
    manual: true,
    speed: 1,
    seed: 1,
    universe: (start, calendar) => buildUniverse({ date: start, seed: 1, calendar }),
  });
  replay.onQuote(() => {});
  let t0 = performance.now();
  replay.withMaxSteps(1, () => {
    const clock = replay.clock as SimClock;
    while (clock.now() < CLOSE) clock.advance(10_000);
  });
  const replayMs = performance.now() - t0;
  replay.close();
  const clock = new SimClock({ manual: true, start: OPEN });
  const synth = createSimulatedMarket({ clock, seed: 1 });
  synth.onQuote(() => {});
  t0 = performance.now();
  synth.withMaxSteps(1, () => {
    while (clock.now() < CLOSE) clock.advance(10_000);
  });
  const synthMs = performance.now() - t0;
  synth.close();
  return { replayMs, synthMs };
}

const dir = mkdtempSync(join(tmpdir(), 'bench-replay-'));
const loadBefore = loadavg()[0] ?? 0;
try {
  const bars = writeData(dir);
  const alone = bare(dir);
  const replay = await run('replay', dir);
  const synth = await run('synthetic', dir);
  const rate = (x: { delivered: number; wallMs: number }) => x.delivered / (x.wallMs / 1000);
  console.log({ bars, alone, replay, synth });
  const result = {
    suite: 'replay',
    date: new Date().toISOString(),
    node: process.version,
    notes: [
      `Data: ${N} instruments × 375 one-minute bars (${bars} bars, generated JSON files). Each run advances the manual clock 09:15 → 15:30 in-process (admin advance, 10 s steps) with ${SUBSCRIBERS} WebSocket subscribers in the same process, each subscribed to all ${N} tokens in LTP mode; the wall time runs until the subscribers stop receiving.`,
      `Load average (1 min) at the start and the end of the run: ${loadBefore.toFixed(1)} → ${(loadavg()[0] ?? 0).toFixed(1)} (wall times stretch with it; the ratios compare runs under the same load).`,
      `Quote changes of the ${N} instruments: replay ${replay.quotes.toLocaleString('en-US')}, synthetic ${synth.quotes.toLocaleString('en-US')}; ticks delivered to the subscribers: replay ${replay.delivered.toLocaleString('en-US')}, synthetic ${synth.delivered.toLocaleString('en-US')}.`,
    ],
    rows: [
      {
        name: 'replay: one day, 500 instruments, 10 subscribers (wall time)',
        value: replay.wallMs / 1000,
        unit: 's',
        baseline: 'synthetic market, same day, tokens and subscribers',
        ratio: replay.wallMs / synth.wallMs,
        target: '< 30 s',
        pass: replay.wallMs < 30_000,
      },
      { name: 'synthetic: same day (wall time)', value: synth.wallMs / 1000, unit: 's' },
      {
        name: 'replay: ticks delivered to subscribers',
        value: rate(replay),
        unit: 'ticks/s',
        baseline: 'synthetic market',
        ratio: rate(replay) / rate(synth),
      },
      { name: 'synthetic: ticks delivered to subscribers', value: rate(synth), unit: 'ticks/s' },
      {
        name: 'replay: the advance call (broker, engine, feed encoding)',
        value: replay.advanceMs / 1000,
        unit: 's',
      },
      {
        name: 'replay market source alone (no broker): one day, 500 instruments, 10 s steps',
        value: alone.replayMs / 1000,
        unit: 's',
        baseline: 'synthetic market source alone, same steps (whole built-in universe)',
        ratio: alone.replayMs / alone.synthMs,
      },
      { name: 'synthetic market source alone', value: alone.synthMs / 1000, unit: 's' },
    ],
  };
  writeFileSync(join(workDir, 'replay.json'), `${JSON.stringify(result, null, 2)}\n`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
