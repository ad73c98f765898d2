/**
 * Abuse suite — feeds: a client that writes without reading cannot grow the server's memory (every
 * frame, pong and error frames included, goes through the one outbound policy; floods are closed),
 * `/health` keeps answering during the flood, and logout closes the session's sockets on both feeds.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MARKET_FEED_PATH, ORDER_FEED_PATH, type SessionTokens } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { eventually } from '@smartapi-ts/testkit/timing';
import WebSocket from 'ws';
import {
  FLOOD_CLOSE,
  InboundLimiter,
  LOGOUT_CLOSE,
  OUTBOUND_LIMITS,
  outboundStats,
  sendBounded,
} from '../../src/ws/outbound.js';

function open(url: string, headers: Record<string, string>): Promise<WebSocket> {
  const ws = new WebSocket(url, { headers });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('unexpected-response', (_r, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    ws.once('error', reject);
  });
}

function closeInfo(ws: WebSocket): Promise<{ code: number; reason: string }> {
  return new Promise((resolve) =>
    ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })),
  );
}

const mb = (n: number) => Math.round(n / 1024 / 1024);

describe('abuse: the outbound policy (unit)', () => {
  it('terminates a socket instead of queuing past the limit, for any frame', () => {
    let terminated = 0;
    const sent: unknown[] = [];
    const fake = {
      OPEN: 1,
      readyState: 1,
      bufferedAmount: 0,
      send: (d: unknown) => sent.push(d),
      terminate: () => {
        terminated++;
      },
    } as unknown as WebSocket;
    assert.equal(sendBounded(fake, 'pong', 10), true);
    (fake as unknown as { bufferedAmount: number }).bufferedAmount = 8;
    assert.equal(sendBounded(fake, '{"errorCode":"E1001"}', 10), false);
    assert.equal(sendBounded(fake, new Uint8Array(3), 10), false);
    assert.equal(terminated, 2);
    assert.equal(sent.length, 1);
  });

  it('the inbound bucket allows the burst then the sustained rate', () => {
    let t = 0;
    const l = new InboundLimiter({ inboundPerSecond: 10, inboundBurst: 20 }, () => t);
    let n = 0;
    while (l.take()) n++;
    assert.equal(n, 20);
    t += 500;
    n = 0;
    while (l.take()) n++;
    assert.equal(n, 5);
  });
});

describe('abuse: feed floods and logout', () => {
  let broker: PaperBroker;
  let tokens: SessionTokens;
  before(async () => {
    broker = await startPaperBroker({ market: 'static' });
    tokens = await broker.login();
  });
  after(() => broker.close());

  const marketHeaders = (t: SessionTokens) => ({
    Authorization: `Bearer ${t.jwtToken}`,
    'x-api-key': broker.account.apiKey,
    'x-client-code': broker.account.clientcode,
    'x-feed-token': t.feedToken,
  });

  /**
   * Floods `ws` with `frame` for up to `ms` without ever reading (the client's socket is paused),
   * measuring the process RSS and /health latency; resolves once the server dropped the socket.
   */
  async function flood(ws: WebSocket, frame: string, ms: number) {
    (ws as unknown as { _socket: { pause(): void } })._socket.pause();
    const closed = closeInfo(ws);
    let done = false;
    void closed.then(() => {
      done = true;
    });
    const rssBefore = process.memoryUsage().rss;
    let peak = rssBefore;
    let sent = 0;
    const end = Date.now() + ms;
    let worstHealth = 0;
    while (!done && Date.now() < end) {
      for (let i = 0; i < 200 && ws.readyState === WebSocket.OPEN && ws.bufferedAmount < 1 << 20; i++) {
        ws.send(frame);
        sent++;
      }
      const t0 = Date.now();
      const h = await fetch(`${broker.url}/health`);
      await h.arrayBuffer();
      worstHealth = Math.max(worstHealth, Date.now() - t0);
      peak = Math.max(peak, process.memoryUsage().rss);
      await new Promise((r) => setImmediate(r));
    }
    (ws as unknown as { _socket: { resume(): void } })._socket.resume();
    return { sent, rssGrowthMb: mb(peak - rssBefore), worstHealth, closed };
  }

  for (const [name, path, frame] of [
    ['market feed, 1-byte invalid frames', MARKET_FEED_PATH, 'x'],
    ['market feed, text ping', MARKET_FEED_PATH, 'ping'],
    ['order feed, text ping', ORDER_FEED_PATH, 'ping'],
  ] as const) {
    it(`${name}: the flooder is closed, RSS stays bounded, /health answers`, async () => {
      const headers =
        path === MARKET_FEED_PATH ? marketHeaders(tokens) : { Authorization: `Bearer ${tokens.jwtToken}` };
      const ws = await open(broker.wsUrl + path, headers);
      const before = outboundStats.floodCloses + outboundStats.slowConsumerCloses;
      const r = await flood(ws, frame, 4000);
      await eventually(() => assert.equal(ws.readyState, WebSocket.CLOSED), {
        message: 'the flooder closed',
      });
      assert.ok(
        outboundStats.floodCloses + outboundStats.slowConsumerCloses > before,
        'closed by the policy',
      );
      assert.ok(r.sent > OUTBOUND_LIMITS.inboundBurst, `sent ${r.sent}`);
      assert.ok(r.rssGrowthMb < 64, `RSS grew ${r.rssGrowthMb} MB`);
      assert.ok(r.worstHealth < 1000, `/health took ${r.worstHealth} ms`);
      console.log(`# ${name}: sent ${r.sent}, RSS +${r.rssGrowthMb} MB, worst /health ${r.worstHealth} ms`);
    });
  }

  it('a reading client that floods is closed with 1008', async () => {
    const ws = await open(broker.wsUrl + ORDER_FEED_PATH, { Authorization: `Bearer ${tokens.jwtToken}` });
    const closed = closeInfo(ws);
    for (let i = 0; i < OUTBOUND_LIMITS.inboundBurst + 50; i++) ws.send('ping');
    assert.deepEqual(await closed, { code: FLOOD_CLOSE.code, reason: FLOOD_CLOSE.reason });
  });

  it("logout closes the session's market and order feeds (1008), not another session's", async () => {
    const mine = await broker.login();
    const other = await broker.login();
    const market = await open(broker.wsUrl + MARKET_FEED_PATH, marketHeaders(mine));
    const orders = await open(broker.wsUrl + ORDER_FEED_PATH, { Authorization: `Bearer ${mine.jwtToken}` });
    const keep = await open(broker.wsUrl + ORDER_FEED_PATH, { Authorization: `Bearer ${other.jwtToken}` });
    const [mc, oc] = [closeInfo(market), closeInfo(orders)];
    const res = await fetch(`${broker.url}/rest/secure/angelbroking/user/v1/logout`, {
      method: 'POST',
      headers: broker.headers(mine.jwtToken),
      body: JSON.stringify({ clientcode: broker.account.clientcode }),
    });
    assert.equal(((await res.json()) as { status: boolean }).status, true);
    assert.deepEqual(await mc, { code: LOGOUT_CLOSE.code, reason: LOGOUT_CLOSE.reason });
    assert.deepEqual(await oc, { code: LOGOUT_CLOSE.code, reason: LOGOUT_CLOSE.reason });
    // The other session's socket still answers (a protocol barrier: ping → pong after the logout).
    const pong = new Promise<void>((resolve) =>
      keep.on('message', (d) => {
        if (String(d) === 'pong') resolve();
      }),
    );
    keep.send('ping');
    await pong;
    assert.equal(keep.readyState, WebSocket.OPEN);
    keep.close();
  });
});
