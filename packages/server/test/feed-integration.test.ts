/**
 * Market feed end to end: (1) through the whole paper broker, every feed mode decodes to the values the
 * REST quote reports for the same instant; (2) 200 concurrent subscribers with one deliberately stalled
 * client keep bounded memory while the other 199 keep receiving.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { describe, it } from 'node:test';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { decodeFeedPacket, type FeedTick, istToEpoch, type QuoteFull } from '@smartapi-ts/protocol';
import { eventually, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { SimClock } from '../src/market/clock.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import { createMarketFeed } from '../src/ws/market-feed/index.js';

/** A full garbage collection (the test runner does not start Node with --expose-gc). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

function collect(ws: WebSocket): { ticks: FeedTick[]; texts: string[] } {
  const out = { ticks: [] as FeedTick[], texts: [] as string[] };
  ws.on('message', (data, isBinary) => {
    if (isBinary) out.ticks.push(decodeFeedPacket(new Uint8Array(data as Buffer)));
    else out.texts.push(String(data));
  });
  return out;
}

describe('market feed through the paper broker', () => {
  it('each mode decodes to the values the REST quote reports for the same instant', async () => {
    const broker = await startPaperBroker({ market: 'sim', clock: 'manual' });
    try {
      broker.advance(60_000); // a minute of trading so the day has volume, a range and depth
      const tokens = await broker.login();
      const res = await fetch(`${broker.url}/rest/secure/angelbroking/market/v1/quote`, {
        method: 'POST',
        headers: broker.headers(tokens.jwtToken),
        body: JSON.stringify({ mode: 'FULL', exchangeTokens: { NSE: ['3045'] } }),
      });
      const body = (await res.json()) as { status: boolean; data: { fetched: QuoteFull[] } };
      assert.equal(body.status, true);
      const q = body.data.fetched[0]!;
      assert.equal(q.symbolToken, '3045');

      const ws = new WebSocket(`${broker.wsUrl}/smart-stream`, {
        headers: {
          Authorization: `Bearer ${tokens.jwtToken}`,
          'x-api-key': broker.account.apiKey,
          'x-client-code': broker.account.clientcode,
          'x-feed-token': tokens.feedToken,
        },
      });
      const got = collect(ws);
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('unexpected-response', (_r, r) => reject(new Error(`HTTP ${r.statusCode}`)));
      });
      for (const mode of [1, 2, 3, 4]) {
        ws.send(
          JSON.stringify({
            correlationID: `m${mode}`,
            action: 1,
            params: { mode, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] },
          }),
        );
      }
      await eventually(() => assert.equal(new Set(got.ticks.map((t) => t.mode)).size, 4), {
        message: 'a snapshot in every mode',
      });
      assert.deepEqual(got.texts, [], 'no error frames');
      const byMode = new Map(got.ticks.map((t) => [t.mode, t]));

      for (const t of [byMode.get(1), byMode.get(2), byMode.get(3)]) {
        assert.ok(t && t.mode !== 4);
        assert.equal(t.token, '3045');
        assert.equal(t.lastTradedPrice, q.ltp);
      }
      const quote = byMode.get(2);
      const snap = byMode.get(3);
      assert.ok(quote?.mode === 2 && snap?.mode === 3);
      for (const t of [quote, snap]) {
        assert.deepEqual(
          [t.openPrice, t.highPrice, t.lowPrice, t.closePrice],
          [q.open, q.high, q.low, q.close],
        );
        assert.equal(t.volumeTradedForTheDay, q.tradeVolume);
        assert.equal(t.averageTradedPrice, q.avgPrice);
        assert.equal(t.lastTradedQuantity, q.lastTradeQty);
        assert.equal(t.totalBuyQuantity, q.totBuyQuan);
        assert.equal(t.totalSellQuantity, q.totSellQuan);
      }
      assert.equal(snap.openInterest, q.opnInterest);
      assert.deepEqual(
        [snap.upperCircuit, snap.lowerCircuit, snap.high52Week, snap.low52Week],
        [q.upperCircuit, q.lowerCircuit, q['52WeekHigh'], q['52WeekLow']],
      );
      assert.deepEqual(snap.bestBids, q.depth.buy);
      assert.deepEqual(snap.bestAsks, q.depth.sell);
      const depth = byMode.get(4);
      assert.ok(depth?.mode === 4);
      assert.deepEqual(depth.bestBids.slice(0, 5), q.depth.buy);
      assert.deepEqual(depth.bestAsks.slice(0, 5), q.depth.sell);
      ws.close();
    } finally {
      await broker.close();
    }
  });
});

describe('market feed fan-out', () => {
  it('200 concurrent subscribers with one stalled client keep bounded memory', async () => {
    const clock = new SimClock({ start: istToEpoch(2026, 1, 6, 9, 15), manual: true });
    const market = new SimulatedMarket({ clock, seed: 11 });
    const HWM = 64 * 1024;
    // every connection is its own client code, so the 3-per-client limit does not apply here
    const feed = createMarketFeed({
      market,
      authenticate: (i) => ({ ok: true, clientCode: i.clientCode ?? 'anon' }),
      limits: { highWaterMark: HWM, drainCheckMs: 10 },
    });
    const server = createServer((_q, r) => r.end());
    server.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as AddressInfo).port;
    const nfo = market
      .instruments()
      .filter((i) => i.exchange === 'NFO')
      .map((i) => i.token);
    // the stalled client asks for a lot (SnapQuote of 900 contracts) so it falls behind quickly; the live
    // clients ask for a little (LTP of 20 contracts) so the test stays cheap
    const stalledTokens = nfo.slice(0, 900);
    const tokens = nfo.slice(0, 20);
    const subscribe = (mode: number, list: string[]) =>
      JSON.stringify({ action: 1, params: { mode, tokenList: [{ exchangeType: 2, tokens: list }] } });
    const request = subscribe(1, tokens);
    const sockets: WebSocket[] = [];
    const raw = connect(port, '127.0.0.1');
    try {
      // the stalled client: a raw socket that subscribes, then never reads again
      await new Promise<void>((r) => raw.once('connect', () => r()));
      raw.write(
        'GET /smart-stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\nx-client-code: STALLED\r\n\r\n',
      );
      await new Promise<void>((r) => raw.once('data', () => r()));
      const payload = Buffer.from(subscribe(3, stalledTokens));
      const len = payload.length;
      const frameHead = Buffer.from([0x81, 0x80 | 126, len >> 8, len & 0xff, 0, 0, 0, 0]);
      raw.write(Buffer.concat([frameHead, payload]));
      raw.pause();

      const counts: number[] = [];
      for (let i = 0; i < 199; i++) {
        const ws = new WebSocket(`ws://127.0.0.1:${port}/smart-stream`, {
          headers: { 'x-client-code': `C${i}` },
        });
        sockets.push(ws);
        const idx = counts.push(0) - 1;
        ws.on('message', () => {
          counts[idx]! += 1;
        });
        await new Promise<void>((r) => ws.once('open', () => r()));
        ws.send(request);
      }
      await eventually(
        () =>
          assert.ok(
            counts.every((c) => c >= tokens.length),
            'every subscriber got its snapshots',
          ),
        { timeout: 20_000 },
      );
      // Measure live memory, not garbage the collector has not reached yet (that varies with machine load).
      collectGarbage();
      const heapBefore = process.memoryUsage().heapUsed;
      const countsBefore = [...counts];

      for (let i = 0; i < 200 && feed.stats().slowConnections === 0; i++) {
        clock.advance(500);
        await new Promise((r) => setTimeout(r, 2));
      }
      assert.equal(feed.stats().slowConnections, 1, 'the stalled client fell behind and is marked slow');
      let maxBuffered = 0;
      let maxPending = 0;
      for (let i = 0; i < 40; i++) {
        clock.advance(500);
        await new Promise((r) => setTimeout(r, 5));
        const s = feed.stats();
        maxBuffered = Math.max(maxBuffered, s.bufferedBytes);
        maxPending = Math.max(maxPending, s.pendingPackets);
      }
      const s = feed.stats();
      assert.equal(s.connections, 200);
      assert.equal(s.slowConnections, 1, 'only the stalled client is slow');
      assert.ok(s.droppedTicks > 0, 'the stalled client’s ticks were coalesced, not queued');
      // pending coalesced packets are bounded by subscriptions, and unsent bytes by the high-water mark plus
      // one coalesced flush per slow socket plus what the live clients have in flight
      assert.ok(maxPending <= stalledTokens.length, `pending packets ${maxPending}`);
      assert.ok(
        maxBuffered <= HWM + stalledTokens.length * 379 + 199 * 64 * 1024,
        `buffered ${maxBuffered} bytes`,
      );
      collectGarbage();
      const heapGrowth = process.memoryUsage().heapUsed - heapBefore;
      assert.ok(heapGrowth < 64 * 1024 * 1024, `heap grew ${Math.round(heapGrowth / 1e6)} MB`);
      await eventually(
        () =>
          assert.ok(
            counts.every((c, i) => c > countsBefore[i]!),
            'every live subscriber kept receiving',
          ),
        { timeout: 20_000 },
      );
    } finally {
      raw.destroy();
      for (const ws of sockets) ws.terminate();
      server.closeAllConnections();
      feed.close();
      market.close();
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
