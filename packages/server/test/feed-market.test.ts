import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { decodeFeedPacket, FeedAuthMessage, type FeedTick, istToEpoch } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import WebSocket from 'ws';
import { SimClock } from '../src/market/clock.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import type { Quote } from '../src/market/types.js';
import {
  createMarketFeed,
  FEED_CONNECTION_LIMIT_STATUS,
  type MarketFeed,
  type MarketFeedAuthInput,
  type MarketFeedAuthResult,
} from '../src/ws/market-feed/index.js';

const CLIENTS: Record<string, string> = { C1: 'feed-c1', C2: 'feed-c2', C3: 'feed-c3', C4: 'feed-c4' };

function authenticate(i: MarketFeedAuthInput): MarketFeedAuthResult {
  if (i.authorization !== undefined && i.authorization.replace(/^Bearer /, '') !== 'jwt-ok')
    return { ok: false, message: FeedAuthMessage.INVALID_AUTH_TOKEN };
  if (i.apiKey !== undefined && i.apiKey !== 'key-ok')
    return { ok: false, message: FeedAuthMessage.INVALID_API_KEY };
  if (!i.clientCode || !(i.clientCode in CLIENTS))
    return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
  if (i.feedToken !== CLIENTS[i.clientCode])
    return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
  return { ok: true, clientCode: i.clientCode };
}

let clock: SimClock;
let market: SimulatedMarket;
let feed: MarketFeed;
let server: Server;
let url: string;
const open: WebSocket[] = [];

before(async () => {
  clock = new SimClock({ start: istToEpoch(2026, 1, 6, 9, 15), manual: true });
  market = new SimulatedMarket({ clock, seed: 3 });
  feed = createMarketFeed({ market, authenticate, limits: { highWaterMark: 64 * 1024, drainCheckMs: 10 } });
  server = createServer((_req, res) => res.end());
  server.on('upgrade', (req, socket, head) => feed.handleUpgrade(req, socket, head));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `ws://127.0.0.1:${(server.address() as AddressInfo).port}/smart-stream`;
});

after(async () => {
  for (const ws of open) ws.terminate();
  feed.close();
  market.close();
  await new Promise<void>((r) => server.close(() => r()));
});

interface Client {
  ws: WebSocket;
  ticks: FeedTick[];
  texts: string[];
}

function headersFor(client = 'C1'): Record<string, string> {
  return {
    Authorization: 'Bearer jwt-ok',
    'x-api-key': 'key-ok',
    'x-client-code': client,
    'x-feed-token': CLIENTS[client]!,
  };
}

async function connectClient(headers: Record<string, string> = headersFor(), path = ''): Promise<Client> {
  const ws = new WebSocket(url + path, { headers });
  open.push(ws);
  const ticks: FeedTick[] = [];
  const texts: string[] = [];
  ws.on('message', (data, isBinary) => {
    if (isBinary) ticks.push(decodeFeedPacket(new Uint8Array(data as Buffer), { rawPrices: true }));
    else texts.push(String(data));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, ticks, texts };
}

function refusal(
  headers: Record<string, string>,
  path = '',
): Promise<{ status: number; message: string | undefined }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url + path, { headers });
    ws.once('open', () => {
      open.push(ws);
      reject(new Error('unexpectedly opened'));
    });
    ws.once('error', () => {});
    ws.once('unexpected-response', (_req, res) => {
      resolve({ status: res.statusCode ?? 0, message: res.headers['x-error-message'] as string | undefined });
      res.resume();
    });
  });
}

const sub = (
  ws: WebSocket,
  mode: number,
  tokenList: { exchangeType: number; tokens: string[] }[],
  action = 1,
  cid = 'abc123',
) => ws.send(JSON.stringify({ correlationID: cid, action, params: { mode, tokenList } }));

function assertTickMatches(t: FeedTick, q: Quote) {
  assert.equal(t.token, q.token);
  if (t.mode === 4) {
    assert.equal(t.exchangeTimestamp, q.timestamp);
    assert.deepEqual(t.bestBids.slice(0, 5), q.bids);
    assert.deepEqual(t.bestAsks.slice(0, 5), q.asks);
    assert.equal(t.bestBids.length, 20);
    return;
  }
  assert.equal(t.sequenceNumber, q.sequence);
  assert.equal(t.exchangeTimestamp, q.timestamp);
  assert.equal(t.lastTradedPrice, q.ltp);
  if (t.mode === 1) return;
  assert.equal(t.lastTradedQuantity, q.lastTradeQty);
  assert.equal(t.averageTradedPrice, q.avgPrice);
  assert.equal(t.volumeTradedForTheDay, q.volume);
  assert.equal(t.totalBuyQuantity, q.totalBuyQty);
  assert.equal(t.totalSellQuantity, q.totalSellQty);
  assert.deepEqual([t.openPrice, t.highPrice, t.lowPrice, t.closePrice], [q.open, q.high, q.low, q.close]);
  if (t.mode === 2) return;
  assert.equal(t.openInterest, q.openInterest);
  assert.equal(t.lastTradedTimestamp, Math.floor(q.lastTradeTime / 1000));
  assert.deepEqual(t.bestBids, q.bids);
  assert.deepEqual(t.bestAsks, q.asks);
  assert.deepEqual(
    [t.upperCircuit, t.lowerCircuit, t.high52Week, t.low52Week],
    [q.upperCircuit, q.lowerCircuit, q.high52Week, q.low52Week],
  );
}

describe('market feed: upgrade', () => {
  it('refuses bad credentials with 401 and the spec header', async () => {
    const h = headersFor();
    assert.deepEqual(await refusal({ ...h, Authorization: 'nope' }), {
      status: 401,
      message: FeedAuthMessage.INVALID_AUTH_TOKEN,
    });
    assert.deepEqual(await refusal({ ...h, 'x-api-key': 'bad' }), {
      status: 401,
      message: FeedAuthMessage.INVALID_API_KEY,
    });
    assert.deepEqual(await refusal({ ...h, 'x-client-code': 'ZZ' }), {
      status: 401,
      message: FeedAuthMessage.INVALID_CLIENT_CODE,
    });
    assert.deepEqual(await refusal({ ...h, 'x-feed-token': 'bad' }), {
      status: 401,
      message: FeedAuthMessage.INVALID_FEED_TOKEN,
    });
    assert.deepEqual(await refusal({}), { status: 401, message: FeedAuthMessage.INVALID_CLIENT_CODE });
  });

  it('accepts a raw JWT, the Java header set and the query-parameter form', async () => {
    const a = await connectClient({ ...headersFor('C2'), Authorization: 'jwt-ok' });
    const b = await connectClient({
      'x-client-code': 'C2',
      'x-feed-token': CLIENTS.C2!,
      'x-client-lib': 'JAVA',
    });
    const c = await connectClient({}, `?clientCode=C2&feedToken=${CLIENTS.C2}&apiKey=key-ok`);
    for (const x of [a, b, c]) x.ws.close();
    await Promise.all([a, b, c].map((x) => new Promise((r) => x.ws.once('close', r))));
  });

  it('allows 3 connections per client code and refuses the 4th', async () => {
    const cs = [
      await connectClient(headersFor('C3')),
      await connectClient(headersFor('C3')),
      await connectClient(headersFor('C3')),
    ];
    const r = await refusal(headersFor('C3'));
    assert.equal(r.status, FEED_CONNECTION_LIMIT_STATUS);
    assert.ok(r.message);
    // another client code is unaffected
    const other = await connectClient(headersFor('C4'));
    other.ws.close();
    cs[0]!.ws.close();
    await Promise.all([other, cs[0]!].map((x) => new Promise((res) => x.ws.once('close', res))));
    // the server frees the slot when it sees the close: wait for that, not for a guessed time
    await eventually(() => assert.equal(feed.stats().connections, 2), {
      message: 'the server saw both closes',
    });
    const again = await connectClient(headersFor('C3'));
    for (const c of [again, cs[1]!, cs[2]!]) c.ws.close();
  });
});

describe('market feed: subscriptions', () => {
  it('sends decodable snapshots equal to the quote, then ticks on change', async () => {
    const c = await connectClient();
    const nfo = market.instruments().find((i) => i.instrumentType === 'FUTIDX')!;
    sub(c.ws, 3, [
      { exchangeType: 1, tokens: ['3045', '99926000'] },
      { exchangeType: 2, tokens: [nfo.token] },
    ]);
    await eventually(() => assert.ok(c.ticks.length >= 3, 'snapshots'));
    for (const t of c.ticks) {
      assert.equal(t.mode, 3);
      const ex = t.exchangeType === 1 ? 'NSE' : 'NFO';
      assertTickMatches(t, market.quote(ex, t.token)!);
    }
    c.ticks.length = 0;
    clock.advance(1000);
    await eventually(() =>
      assert.ok(
        c.ticks.some((t) => t.token === '3045'),
        'ticks',
      ),
    );
    const last = c.ticks.filter((t) => t.token === '3045').at(-1)!;
    assertTickMatches(last, market.quote('NSE', '3045')!);
    const seqs = c.ticks.filter((t) => t.token === '3045').map((t) => (t.mode === 3 ? t.sequenceNumber : 0));
    for (let i = 1; i < seqs.length; i++) assert.ok(seqs[i]! > seqs[i - 1]!);
    c.ws.close();
  });

  it('serves modes 1, 2 and 4, ignores duplicates, unsubscribe stops ticks', async () => {
    const c = await connectClient();
    sub(c.ws, 1, [{ exchangeType: 1, tokens: ['2885', '2885'] }]);
    sub(c.ws, 2, [{ exchangeType: 1, tokens: ['2885'] }]);
    sub(c.ws, 4, [{ exchangeType: 1, tokens: ['1594'] }]);
    sub(c.ws, 1, [{ exchangeType: 1, tokens: ['2885'] }]);
    await eventually(() => assert.ok(c.ticks.length >= 3, 'snapshots'));
    // barrier instead of a sleep: the server answers frames in order, so once the pong of a later ping
    // is here, every snapshot the four requests caused has arrived (and the manual clock made no ticks)
    c.ws.send('ping');
    await eventually(() => assert.ok(c.texts.includes('pong'), 'pong'));
    assert.deepEqual(c.ticks.map((t) => t.mode).sort(), [1, 2, 4], 'no second snapshot for the duplicate');
    c.texts.length = 0;
    for (const t of c.ticks) assertTickMatches(t, market.quote('NSE', t.token)!);
    assert.equal(c.texts.length, 0);
    sub(c.ws, 1, [{ exchangeType: 1, tokens: ['2885'] }], 0);
    sub(c.ws, 2, [{ exchangeType: 1, tokens: ['2885'] }], 0);
    sub(c.ws, 4, [{ exchangeType: 1, tokens: ['1594', '3045'] }], 0);
    c.ws.send('ping');
    await eventually(() => assert.ok(c.texts.includes('pong'), 'pong'));
    c.ticks.length = 0;
    clock.advance(2000);
    c.ws.send('ping');
    await eventually(() => assert.equal(c.texts.filter((x) => x === 'pong').length, 2), {
      message: 'second pong',
    });
    assert.equal(c.ticks.length, 0);
    c.ws.close();
  });

  it('answers bad requests with error frames and never closes', async () => {
    const c = await connectClient();
    const errs = () =>
      c.texts
        .filter((t) => t !== 'pong')
        .map((t) => JSON.parse(t) as { correlationID: string; errorCode: string; errorMessage: string });
    c.ws.send('{not json');
    sub(c.ws, 5, [{ exchangeType: 1, tokens: ['3045'] }], 1, 'badmode01');
    sub(c.ws, 4, [{ exchangeType: 2, tokens: ['35001'] }], 1, 'depthnfo01');
    sub(
      c.ws,
      4,
      [{ exchangeType: 1, tokens: Array.from({ length: 51 }, (_, i) => String(i + 1)) }],
      1,
      'depth51',
    );
    sub(c.ws, 1, [{ exchangeType: 9, tokens: ['3045'] }], 1, 'badex');
    c.ws.send(
      JSON.stringify({ action: 1, params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: [3045] }] } }),
    );
    c.ws.send(
      JSON.stringify({ correlationID: 'x', action: 'subscribe', params: { mode: 1, tokenList: [] } }),
    );
    sub(c.ws, 1, [{ exchangeType: 1, tokens: ['3045', '999999'] }], 1, 'partial01');
    await eventually(() => assert.ok(errs().length >= 8, 'error frames'));
    const e = errs();
    assert.deepEqual(
      e.map((x) => [x.correlationID, x.errorCode]),
      [
        ['', 'E1001'],
        ['badmode01', 'E1001'],
        ['depthnfo01', 'E1001'],
        ['depth51', 'E1001'],
        ['badex', 'E1001'],
        ['', 'E1001'],
        ['x', 'E1001'],
        ['partial01', 'E1001'],
      ],
    );
    assert.equal(e[0]!.errorMessage, 'Invalid Request Payload.');
    // the known token of the partial request was subscribed
    await eventually(() =>
      assert.ok(
        c.ticks.some((t) => t.token === '3045'),
        'partial snapshot',
      ),
    );
    assert.equal(c.ws.readyState, WebSocket.OPEN);
    c.ws.close();
  });

  it('enforces 1000 token-mode pairs per connection with E1002', async () => {
    const c = await connectClient();
    const tokens = market
      .instruments()
      .filter((i) => i.exchange === 'NFO')
      .map((i) => i.token);
    assert.ok(tokens.length > 1000);
    sub(c.ws, 1, [{ exchangeType: 2, tokens: tokens.slice(0, 600) }], 1, 'first');
    sub(c.ws, 2, [{ exchangeType: 2, tokens: tokens.slice(0, 400) }], 1, 'second');
    sub(c.ws, 2, [{ exchangeType: 2, tokens: tokens.slice(400, 401) }], 1, 'third');
    await eventually(() => assert.ok(c.texts.length >= 1, 'limit error'));
    assert.deepEqual(JSON.parse(c.texts[0]!), {
      correlationID: 'third',
      errorCode: 'E1002',
      errorMessage: 'Invalid Request. Subscription Limit Exceeded.',
    });
    await eventually(() => assert.ok(c.ticks.length >= 1000, 'snapshots'));
    // duplicates of existing pairs do not count
    sub(c.ws, 1, [{ exchangeType: 2, tokens: tokens.slice(0, 10) }], 1, 'dups');
    c.ws.send('ping');
    await eventually(() => assert.ok(c.texts.includes('pong'), 'pong'));
    assert.equal(c.texts.length, 2);
    c.ws.close();
  });

  it('answers protocol pings', async () => {
    const c = await connectClient();
    const pong = new Promise<Buffer>((r) => c.ws.once('pong', r));
    c.ws.ping('ping');
    assert.equal(String(await pong), 'ping');
    c.ws.close();
  });
});

describe('market feed: slow consumers', () => {
  it('coalesces a stalled client with bounded memory while others keep receiving', async () => {
    const tokens = market
      .instruments()
      .filter((i) => i.exchange === 'NFO')
      .slice(0, 900)
      .map((i) => i.token);
    // A raw TCP client that subscribes and then never reads.
    const port = (server.address() as AddressInfo).port;
    const raw = connect(port, '127.0.0.1');
    await new Promise<void>((r) => raw.once('connect', () => r()));
    raw.write(
      'GET /smart-stream HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
        'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n' +
        `x-client-code: C4\r\nx-feed-token: ${CLIENTS.C4}\r\n\r\n`,
    );
    await new Promise<void>((r) => raw.once('data', () => r()));
    const payload = Buffer.from(
      JSON.stringify({ action: 1, params: { mode: 3, tokenList: [{ exchangeType: 2, tokens }] } }),
    );
    const head = Buffer.from([
      0x81,
      0x80 | 127,
      0,
      0,
      0,
      0,
      0,
      0,
      payload.length >> 8,
      payload.length & 0xff,
      0,
      0,
      0,
      0,
    ]);
    raw.write(Buffer.concat([head, payload]));
    raw.pause();

    const fast = await connectClient(headersFor('C1'));
    sub(fast.ws, 1, [{ exchangeType: 1, tokens: ['3045'] }]);
    await eventually(() => assert.ok(fast.ticks.length >= 1, 'fast snapshot'));

    let maxBuffered = 0;
    let maxPending = 0;
    for (let i = 0; i < 150 && feed.stats().slowConnections === 0; i++) {
      clock.advance(500);
      await new Promise((r) => setImmediate(r));
    }
    assert.equal(feed.stats().slowConnections, 1, 'the stalled client became slow');
    const before = fast.ticks.length;
    for (let i = 0; i < 60; i++) {
      clock.advance(500);
      await new Promise((r) => setImmediate(r));
      const s = feed.stats();
      maxBuffered = Math.max(maxBuffered, s.bufferedBytes);
      maxPending = Math.max(maxPending, s.pendingPackets);
    }
    const s = feed.stats();
    assert.ok(s.droppedTicks > 0, 'ticks were coalesced');
    assert.ok(maxPending <= tokens.length, `pending ${maxPending} bounded by subscriptions`);
    // high-water mark + one coalesced flush (≤ 1 packet per subscription) + a little slack
    assert.ok(maxBuffered <= 64 * 1024 + tokens.length * 379 + 64 * 1024, `buffered ${maxBuffered} bytes`);
    await eventually(() => assert.ok(fast.ticks.length > before + 30, 'fast client ticks'));
    raw.destroy();
    fast.ws.close();
    await eventually(() => assert.equal(feed.stats().connections, 0), { message: 'all closed' });
  });
});
