/**
 * The market feed's framed packets and per-step batching: the direct LTP frame is byte-identical to the
 * general encoder's, frames are valid RFC 6455 binary frames, and a step's packets (gathered and
 * written to the socket in one write) reach the client as one message per tick, in publication order.
 */
import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import {
  decodeFeedPacket,
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  encodeFeedPacket,
  FeedMode,
  istToEpoch,
} from '@smartapi-ts/protocol';
import { propertyOptions } from '@smartapi-ts/testkit';
import { eventually } from '@smartapi-ts/testkit/timing';
import fc from 'fast-check';
import WebSocket, { WebSocketServer } from 'ws';
import { SimClock } from '../src/market/clock.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import type { Quote } from '../src/market/types.js';
import { framePacket, framePayload, ltpFrame, quoteToTick } from '../src/ws/market-feed/encoding.js';
import { createMarketFeed, type MarketFeed } from '../src/ws/market-feed/index.js';
import { sendFramesBounded } from '../src/ws/outbound.js';

const EXCHANGES: Exchange[] = ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS', 'NCDEX'];

function quoteWith(
  exchange: Exchange,
  token: string,
  sequence: number,
  timestamp: number,
  ltp: number,
): Quote {
  const none = { price: 0, quantity: 0, orders: 0 };
  return {
    exchange,
    token,
    sequence,
    timestamp,
    ltp,
    lastTradeQty: 0,
    lastTradeTime: timestamp,
    avgPrice: ltp,
    volume: 0,
    open: ltp,
    high: ltp,
    low: ltp,
    close: ltp,
    openInterest: 0,
    totalBuyQty: 0,
    totalSellQty: 0,
    bids: [none],
    asks: [none],
    upperCircuit: 0,
    lowerCircuit: 0,
    high52Week: 0,
    low52Week: 0,
  };
}

const general = (q: Quote) =>
  Buffer.from(framePacket(encodeFeedPacket(quoteToTick(q, FeedMode.LTP), { rawPrices: true })));

describe('market feed: frames', () => {
  it('writes the LTP frame directly, byte for byte as the general encoder', (t) => {
    const latin1 = fc
      .array(fc.integer({ min: 1, max: 0xff }), { minLength: 0, maxLength: 25 })
      .map((cs) => String.fromCharCode(...cs));
    fc.assert(
      fc.property(
        fc.constantFrom(...EXCHANGES),
        latin1,
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.integer({ min: 0, max: 2 ** 45 }),
        fc.integer({ min: -(2 ** 30), max: 2 ** 33 }),
        (exchange, token, seq, ts, ltp) => {
          const q = quoteWith(exchange, token, seq, ts, ltp);
          const fast = ltpFrame(q);
          assert.ok(fast, 'fast path taken');
          assert.deepEqual(fast, general(q));
        },
      ),
      propertyOptions(t, { numRuns: 500 }),
    );
  });

  it('leaves values it cannot write to the general encoder, which refuses them', () => {
    for (const q of [
      quoteWith('NSE', '3045', 1, 1, 1.5),
      quoteWith('NSE', 'ab\u0100', 1, 1, 100),
      quoteWith('NSE', 'x'.repeat(26), 1, 1, 100),
      quoteWith('NSE', '3045', Number.NaN, 1, 100),
    ]) {
      assert.equal(ltpFrame(q), undefined);
      assert.throws(() => general(q));
    }
  });

  it('frames payloads as unmasked binary frames (2-byte header < 126 bytes, else 4)', () => {
    for (const n of [51, 123, 125, 126, 379, 443]) {
      const payload = Uint8Array.from({ length: n }, (_, i) => i & 0xff);
      const f = framePacket(payload);
      assert.equal(f[0], 0x82, 'FIN + binary opcode');
      if (n < 126) {
        assert.equal(f[1], n);
        assert.equal(f.length, n + 2);
      } else {
        assert.equal(f[1], 126, 'no mask bit, 16-bit length');
        assert.equal(f.readUInt16BE(2), n);
        assert.equal(f.length, n + 4);
      }
      assert.deepEqual(new Uint8Array(framePayload(f)), payload);
    }
  });
});

describe('market feed: batched steps', () => {
  let clock: SimClock;
  let market: SimulatedMarket;
  let feed: MarketFeed;
  let server: Server;
  let url: string;

  before(async () => {
    clock = new SimClock({ start: istToEpoch(2026, 1, 6, 9, 15), manual: true });
    market = new SimulatedMarket({ clock, seed: 5 });
    feed = createMarketFeed({
      market,
      authenticate: () => ({ ok: true, clientCode: 'C1' }),
      limits: { highWaterMark: 64 * 1024 * 1024 },
    });
    server = createServer((_req, res) => res.end());
    server.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/smart-stream`;
  });

  after(async () => {
    feed.close();
    market.close();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('delivers every tick of a synchronous run of steps, one message each, in publication order', async () => {
    const eq = market
      .instruments()
      .filter((i) => i.exchange === 'NSE' && i.tradable)
      .slice(0, 200);
    const nfo = market
      .instruments()
      .filter((i) => i.exchange === 'NFO' && i.tradable)
      .slice(0, 100);
    const chosen = new Set([...eq, ...nfo].map((i) => `${i.exchange}:${i.token}`));
    const ws = new WebSocket(url);
    const got: string[] = [];
    ws.on('message', (data, binary) => {
      assert.ok(binary, 'only binary frames');
      const t = decodeFeedPacket(new Uint8Array(data as Buffer), { rawPrices: true });
      assert.equal(t.mode, FeedMode.LTP);
      if (t.mode === FeedMode.LTP)
        got.push(`${t.exchangeType}:${t.token}:${t.sequenceNumber}:${t.lastTradedPrice}`);
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        correlationID: 'b1',
        action: 1,
        params: {
          mode: 1,
          tokenList: [
            { exchangeType: 1, tokens: eq.map((i) => i.token) },
            { exchangeType: 2, tokens: nfo.map((i) => i.token) },
          ],
        },
      }),
    );
    await eventually(() => assert.equal(got.length, chosen.size, 'snapshots'));
    got.length = 0;
    const published: string[] = [];
    market.onQuote((q) => {
      if (chosen.has(`${q.exchange}:${q.token}`))
        published.push(`${EXCHANGE_TO_EXCHANGE_TYPE[q.exchange]}:${q.token}:${q.sequence}:${q.ltp}`);
    });
    // 60 steps in one synchronous call, as an admin advance runs them
    market.withMaxSteps(1, () => {
      for (let i = 0; i < 60; i++) clock.advance(1000);
    });
    assert.ok(published.length > chosen.size, `quotes published: ${published.length}`);
    await eventually(() => assert.equal(got.length, published.length, 'every tick arrived'));
    assert.deepEqual(got, published);
    ws.close();
  });
});

describe('market feed: one socket write per batch', () => {
  it("writes a batch of frames with one write on ws's socket (its internals as relied on)", async () => {
    const wss = new WebSocketServer({ port: 0, host: '127.0.0.1', perMessageDeflate: false });
    await new Promise<void>((r) => wss.once('listening', () => r()));
    const port = (wss.address() as AddressInfo).port;
    const serverSide = new Promise<WebSocket>((r) => wss.once('connection', (ws) => r(ws)));
    const client = new WebSocket(`ws://127.0.0.1:${port}`);
    const got: number[][] = [];
    client.on('message', (d, binary) => {
      assert.ok(binary);
      got.push([...new Uint8Array(d as Buffer)]);
    });
    const ws = await serverSide;
    await new Promise<void>((r) =>
      client.readyState === WebSocket.OPEN ? r() : client.once('open', () => r()),
    );
    const socket = (ws as unknown as { _socket: { write: (b: Buffer) => boolean } })._socket;
    let writes = 0;
    const write = socket.write.bind(socket);
    socket.write = (b: Buffer) => {
      writes++;
      return write(b);
    };
    const frames = [framePacket(Uint8Array.of(1, 2, 3)), framePacket(new Uint8Array(200).fill(7))];
    assert.ok(sendFramesBounded(ws, frames, frames[0]!.length + frames[1]!.length, framePayload));
    assert.equal(writes, 1, 'one socket write for the batch');
    await eventually(() => assert.equal(got.length, 2));
    assert.deepEqual(got[0], [1, 2, 3]);
    assert.deepEqual(got[1], new Array(200).fill(7));
    client.close();
    await new Promise<void>((r) => wss.close(() => r()));
  });
});
