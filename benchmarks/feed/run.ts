/**
 * Feed benchmark: ticks/s from a local WebSocket server through the full client path
 * (socket → frame parsing → decode → consumer), for `MarketFeed` and for a baseline that mimics the
 * official JS SDK's `WebSocketV2` (`ws` client, per-message decode with a fresh `binary-parser`
 * description and stringified values, `EventEmitter` 'tick'), on the same frames, in one run.
 *
 * The server runs in a worker thread (its own core) and writes pre-built WebSocket frames in large
 * chunks, honouring backpressure, so the client side is what is measured.
 *
 * Run: `npm run bench feed` (or `node --conditions=source --import tsx benchmarks/feed/run.ts`).
 * Writes benchmarks/.work/feed.json.
 */
import { EventEmitter } from 'node:events';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { encodeFeedPacket, type FeedTick, type LtpTick, type SnapQuoteTick } from '@smartapi-ts/protocol';
import WebSocket from 'ws';
import { MarketFeed } from '../../packages/sdk/src/feeds/index.js';
import { naiveDecode, OFFICIAL_PARSER, officialStyleDecode } from '../codec/baselines.js';

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  target?: string;
  pass?: boolean;
}

const QUICK = process.argv.includes('--quick');
const N_OURS = QUICK ? 100_000 : 1_000_000;
const N_BASE = QUICK ? 10_000 : 100_000;
const DISTINCT = 500; // distinct instruments in the frame set

// ------------------------------------------------------------------------------------------------
// Frames

function snap(i: number): SnapQuoteTick {
  const lv = (k: number, side: number) => ({
    price: Math.round((568.2 + side * 0.05 * (k + 1)) * 100) / 100,
    quantity: 100 + k,
    orders: 1 + k,
  });
  return {
    mode: 3,
    exchangeType: 1,
    token: String(1000 + (i % DISTINCT)),
    sequenceNumber: i,
    exchangeTimestamp: 1700000000000 + i,
    lastTradedPrice: 568.2,
    lastTradedQuantity: 10,
    averageTradedPrice: 567.83,
    volumeTradedForTheDay: 3556150 + i,
    totalBuyQuantity: 839549,
    totalSellQuantity: 1284767,
    openPrice: 567.4,
    highPrice: 569.35,
    lowPrice: 566.1,
    closePrice: 567.4,
    lastTradedTimestamp: 1700000000,
    openInterest: 0,
    bestBids: [0, 1, 2, 3, 4].map((k) => lv(k, -1)),
    bestAsks: [0, 1, 2, 3, 4].map((k) => lv(k, 1)),
    upperCircuit: 624.55,
    lowerCircuit: 511.05,
    high52Week: 629.65,
    low52Week: 499.35,
  };
}

function ltp(i: number): LtpTick {
  return {
    mode: 1,
    exchangeType: 1,
    token: String(1000 + (i % DISTINCT)),
    sequenceNumber: i,
    exchangeTimestamp: 1700000000000 + i,
    lastTradedPrice: 568.2 + (i % 100) / 100,
  };
}

/** Unmasked server → client binary WebSocket frames, concatenated. */
function framesChunk(make: (i: number) => FeedTick, count: number): Buffer {
  const parts: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const payload = encodeFeedPacket(make(i));
    const header =
      payload.length < 126
        ? Buffer.from([0x82, payload.length])
        : Buffer.from([0x82, 126, payload.length >> 8, payload.length & 0xff]);
    parts.push(header, Buffer.from(payload));
  }
  return Buffer.concat(parts);
}

// ------------------------------------------------------------------------------------------------
// Server (worker thread): minimal RFC 6455 upgrade, then writes `total` frames from the chunk.

const SERVER_SRC = `
const { parentPort, workerData } = require('node:worker_threads');
const http = require('node:http');
const crypto = require('node:crypto');
const { chunk, framesPerChunk } = workerData;
const buf = Buffer.from(chunk);
const server = http.createServer((_q, r) => { r.statusCode = 404; r.end(); });
server.on('upgrade', (req, socket) => {
  const total = Number(new URL(req.url, 'http://x').searchParams.get('n'));
  const accept = crypto.createHash('sha1')
    .update(req.headers['sec-websocket-key'] + '258EAFA5-E914-47DA-95CA-C5AB0DC85B11').digest('base64');
  socket.setNoDelay(true);
  socket.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: ' + accept + '\\r\\n\\r\\n');
  socket.on('data', () => {});
  socket.on('error', () => {});
  const frameLen = buf.length / framesPerChunk;
  let sent = 0;
  const pump = () => {
    while (sent < total) {
      const n = Math.min(framesPerChunk, total - sent);
      sent += n;
      const ok = socket.write(n === framesPerChunk ? buf : buf.subarray(0, n * frameLen));
      if (!ok) { socket.once('drain', pump); return; }
    }
  };
  pump();
});
server.listen(0, '127.0.0.1', () => parentPort.postMessage(server.address().port));
parentPort.on('message', (m) => { if (m === 'stop') { server.closeAllConnections(); server.close(); parentPort.close(); } });
`;

async function startServer(
  chunk: Buffer,
  framesPerChunk: number,
): Promise<{ port: number; stop(): Promise<void> }> {
  const worker = new Worker(SERVER_SRC, { eval: true, workerData: { chunk, framesPerChunk } });
  const port = await new Promise<number>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  return {
    port,
    stop: async () => {
      worker.postMessage('stop');
      await new Promise((r) => worker.once('exit', r));
    },
  };
}

// ------------------------------------------------------------------------------------------------
// Clients

interface Measured {
  ticksPerSec: number;
  checksum: number;
}

/** Our full path: MarketFeed (ws → decodeFeedPacket → 'tick' event) → consumer. */
function runMarketFeed(url: string, n: number): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const feed = new MarketFeed({
      clientCode: 'C',
      feedToken: 'F',
      apiKey: 'K',
      jwtToken: 'J',
      url,
      reconnect: false,
    });
    let count = 0;
    let checksum = 0;
    let t0 = 0n;
    feed.on('tick', (tick) => {
      if (count === 0) t0 = process.hrtime.bigint();
      checksum += tick.mode === 3 ? tick.lastTradedPrice + tick.bestBids[0]!.price : tick.exchangeTimestamp;
      if (++count === n) {
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        void feed.close();
        resolve({ ticksPerSec: (n - 1) / secs, checksum });
      }
    });
    feed.on('error', (e) => reject(e));
    feed.connect().catch(reject);
  });
}

/** Our full path through the async iterator: MarketFeed → ticks() → for await. */
async function runMarketFeedIterator(url: string, n: number): Promise<Measured> {
  const feed = new MarketFeed({
    clientCode: 'C',
    feedToken: 'F',
    apiKey: 'K',
    jwtToken: 'J',
    url,
    reconnect: false,
  });
  const stream = feed.ticks({ bufferSize: 4096 });
  await feed.connect();
  let count = 0;
  let checksum = 0;
  let t0 = 0n;
  let secs = 0;
  for await (const tick of stream) {
    if (count === 0) t0 = process.hrtime.bigint();
    checksum += tick.mode === 3 ? tick.lastTradedPrice : 0;
    count++;
    // Coalescing may merge ticks when the loop falls behind; count what the consumer sees plus
    // what was coalesced, i.e. ticks that went through the full path.
    if (count + stream.stats.coalesced + stream.stats.dropped >= n) {
      secs = Number(process.hrtime.bigint() - t0) / 1e9;
      break;
    }
  }
  await feed.close();
  return { ticksPerSec: (n - 1) / secs, checksum };
}

/**
 * Baseline: the official JS SDK's WebSocketV2 message path: `ws` client, for every binary message
 * an official-style decode (new `binary-parser` description per message, BigInt, `toString()`),
 * then `EventEmitter.emit('tick', result)`.
 */
function runOfficialStyle(url: string, n: number, decode: (b: Uint8Array) => unknown): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const emitter = new EventEmitter();
    const ws = new WebSocket(url, { headers: { Authorization: 'J', 'x-api-key': 'K' } });
    let count = 0;
    let checksum = 0;
    let t0 = 0n;
    emitter.on('tick', (tick: Record<string, unknown>) => {
      if (count === 0) t0 = process.hrtime.bigint();
      checksum += String(tick.last_traded_price ?? tick.lastTradedPrice).length;
      if (++count === n) {
        const secs = Number(process.hrtime.bigint() - t0) / 1e9;
        ws.terminate();
        resolve({ ticksPerSec: (n - 1) / secs, checksum });
      }
    });
    ws.on('message', (data: Buffer) => emitter.emit('tick', decode(data)));
    ws.on('error', reject);
  });
}

// ------------------------------------------------------------------------------------------------

async function main(): Promise<void> {
  const rows: Row[] = [];
  const notes: string[] = [];
  const snapChunk = framesChunk(snap, 1000);
  const ltpChunk = framesChunk(ltp, 1000);
  const snapServer = await startServer(snapChunk, 1000);
  const ltpServer = await startServer(ltpChunk, 1000);
  const url = (port: number, n: number) => `ws://127.0.0.1:${port}/smart-stream?n=${n}`;
  try {
    // warm-up (JIT) on a smaller run of each path
    await runMarketFeed(url(snapServer.port, N_OURS / 10), N_OURS / 10);
    await runOfficialStyle(url(snapServer.port, N_BASE / 10), N_BASE / 10, officialStyleDecode);

    const ours = await runMarketFeed(url(snapServer.port, N_OURS), N_OURS);
    const iter = await runMarketFeedIterator(url(snapServer.port, N_OURS), N_OURS);
    const official = await runOfficialStyle(url(snapServer.port, N_BASE), N_BASE, officialStyleDecode);
    const naive = await runOfficialStyle(url(snapServer.port, N_OURS / 2), N_OURS / 2, naiveDecode);
    const oursLtp = await runMarketFeed(url(ltpServer.port, N_OURS), N_OURS);
    const officialLabel = `official JS WebSocketV2 style (ws + per-message ${OFFICIAL_PARSER} decode, strings)`;
    const ratio = ours.ticksPerSec / official.ticksPerSec;
    rows.push({
      name: 'SnapQuote end to end: MarketFeed (ws → decode → tick listener)',
      value: Math.round(ours.ticksPerSec),
      unit: 'ticks/s',
      baseline: officialLabel,
      ratio: Number(ratio.toFixed(1)),
      target: '>= 500,000 ticks/s and >= 20x baseline',
      pass: ours.ticksPerSec >= 500_000 && ratio >= 20,
    });
    rows.push({
      name: 'SnapQuote end to end: MarketFeed ticks() for-await',
      value: Math.round(iter.ticksPerSec),
      unit: 'ticks/s',
      baseline: officialLabel,
      ratio: Number((iter.ticksPerSec / official.ticksPerSec).toFixed(1)),
    });
    rows.push({
      name: `SnapQuote end to end: ${officialLabel}`,
      value: Math.round(official.ticksPerSec),
      unit: 'ticks/s',
    });
    rows.push({
      name: 'SnapQuote end to end: ws + naive DataView/BigInt decode',
      value: Math.round(naive.ticksPerSec),
      unit: 'ticks/s',
    });
    rows.push({
      name: 'SnapQuote: MarketFeed vs ws + naive decode',
      value: Number((ours.ticksPerSec / naive.ticksPerSec).toFixed(2)),
      unit: 'x',
      baseline: 'ws + naive DataView/BigInt decode',
      ratio: Number((ours.ticksPerSec / naive.ticksPerSec).toFixed(2)),
    });
    rows.push({
      name: 'LTP end to end: MarketFeed',
      value: Math.round(oursLtp.ticksPerSec),
      unit: 'ticks/s',
    });
    notes.push(
      `Server in a worker thread writing pre-built frames (${DISTINCT} instruments); ${N_OURS.toLocaleString('en-US')} ticks per MarketFeed run, ${N_BASE.toLocaleString('en-US')} for the official-style baseline; ${cpus().length} CPU(s).`,
      'The official package smartapi-javascript is not installed; the baseline reproduces its per-message decoding (benchmarks/codec/baselines.ts) on the same ws client and frames.',
      'The for-await row counts ticks delivered plus ticks coalesced by the bounded buffer (all of them went through socket and decode).',
    );
  } finally {
    await snapServer.stop();
    await ltpServer.stop();
  }
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(100)} ${r.value.toLocaleString('en-US').padStart(12)} ${r.unit}${r.ratio !== undefined ? `  (${r.ratio}x)` : ''}${r.pass !== undefined ? (r.pass ? '  PASS' : '  MISS') : ''}`,
    );
  }
  const dir = join(new URL('..', import.meta.url).pathname, '.work');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, 'feed.json'),
    `${JSON.stringify({ suite: 'feed', date: new Date().toISOString(), node: process.version, machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}`, notes, rows }, null, 2)}\n`,
  );
}

await main();
