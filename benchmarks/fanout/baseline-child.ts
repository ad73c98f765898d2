/**
 * Baseline server of the fanout benchmark: a bare `ws` WebSocketServer that broadcasts pre-encoded
 * feed packets (one per subscribed token, round robin, with a changing price) to every client that
 * has sent a subscription request, as fast as the event loop allows. A client whose `bufferedAmount`
 * is above the high-water mark is skipped for that packet (the same slow-consumer policy as the
 * broker's feed, minus coalescing). No auth, no subscription matching, no market.
 *
 * argv: CONFIG_FILE (JSON { tokenList, mode, highWaterMark }).
 * stdout: `{"event":"listening","url":"ws://127.0.0.1:PORT"}`. Exits on SIGTERM.
 */
import { readFileSync } from 'node:fs';
import { encodeFeedPacket, type FeedTick, type FeedTokenGroup } from '@smartapi-ts/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: baseline-child.ts CONFIG_FILE\n');
  process.exit(2);
}
const cfg = JSON.parse(readFileSync(file, 'utf8')) as {
  tokenList: FeedTokenGroup[];
  mode: 1 | 2 | 3;
  highWaterMark: number;
};

function tick(exchangeType: FeedTokenGroup['exchangeType'], token: string, i: number): FeedTick {
  const base = {
    exchangeType,
    token,
    sequenceNumber: i,
    exchangeTimestamp: 1_700_000_000_000 + i,
    lastTradedPrice: 10_000 + (i % 500) * 5,
  };
  if (cfg.mode === 1) return { ...base, mode: 1 };
  const quote = {
    ...base,
    lastTradedQuantity: 10,
    averageTradedPrice: 10_000,
    volumeTradedForTheDay: 1000 + i,
    totalBuyQuantity: 5000,
    totalSellQuantity: 6000,
    openPrice: 10_000,
    highPrice: 10_500,
    lowPrice: 9_500,
    closePrice: 9_900,
  };
  if (cfg.mode === 2) return { ...quote, mode: 2 };
  const lv = (k: number) => ({ price: 10_000 + k * 5, quantity: 100 + k, orders: 1 + k });
  return {
    ...quote,
    mode: 3,
    lastTradedTimestamp: 1_700_000_000,
    openInterest: 0,
    bestBids: [0, 1, 2, 3, 4].map(lv),
    bestAsks: [0, 1, 2, 3, 4].map(lv),
    upperCircuit: 11_000,
    lowerCircuit: 9_000,
    high52Week: 12_000,
    low52Week: 8_000,
  };
}

// Pre-encoded packets: 4 price variants of every subscribed token.
const frames: Buffer[] = [];
for (let v = 0; v < 4; v++) {
  for (const g of cfg.tokenList) {
    for (const t of g.tokens)
      frames.push(Buffer.from(encodeFeedPacket(tick(g.exchangeType, t, frames.length))));
  }
}

const clients = new Set<WebSocket>();
const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate: false });
wss.on('connection', (ws) => {
  ws.on('message', (_data, isBinary) => {
    if (!isBinary) clients.add(ws);
  });
  ws.on('close', () => clients.delete(ws));
  ws.on('error', () => clients.delete(ws));
});

let next = 0;
const BATCH = 64;
function pump(): void {
  if (clients.size === 0) {
    setTimeout(pump, 5); // idle: no busy loop
    return;
  }
  for (let k = 0; k < BATCH; k++) {
    const f = frames[next] as Buffer;
    next = next + 1 === frames.length ? 0 : next + 1;
    for (const c of clients) if (c.bufferedAmount < cfg.highWaterMark) c.send(f, { binary: true });
  }
  setImmediate(pump);
}

wss.on('listening', () => {
  const addr = wss.address();
  const port = addr === null || typeof addr === 'string' ? 0 : addr.port;
  process.stdout.write(`${JSON.stringify({ event: 'listening', url: `ws://127.0.0.1:${port}` })}\n`);
  pump();
});
const stop = (): void => {
  for (const c of clients) c.terminate();
  wss.close(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
