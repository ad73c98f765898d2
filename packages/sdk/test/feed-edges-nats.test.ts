/**
 * Feed edges behind a TCP load balancer, with a real nats-server (started and stopped here; when it
 * cannot be installed the test fails with the reason): killing the edge a client is on, mid-stream,
 * makes the SDK reconnect through the balancer to another edge, which restores every subscription of
 * the market feed (snapshots, then live ticks on every pair) and the order-update stream.
 */
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket, connect as tcpConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { type CoreBus, type FeedEdge, startCoreBus, startFeedEdge } from '@smartapi-ts/paper';
import { type FeedTick, MARKET_FEED_PATH, ORDER_FEED_PATH, type SessionTokens } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { type NatsServer, startNatsServer } from '@smartapi-ts/testkit/nats';
import { eventually } from '@smartapi-ts/testkit/timing';
import { MarketFeed, OrderFeed, type OrderUpdate } from '../src/feeds/index.js';

/** A TCP balancer: each new connection goes to the first live upstream; `kill` cuts one off like a crash. */
class Balancer {
  readonly server: Server;
  private readonly live: { port: number; id: string }[] = [];
  private readonly pipes = new Map<string, Set<Socket>>();
  readonly routed: string[] = [];
  constructor() {
    this.server = createServer((client) => {
      const up = this.live[0];
      if (!up) {
        client.destroy();
        return;
      }
      this.routed.push(up.id);
      const upstream = tcpConnect(up.port, '127.0.0.1');
      const set = this.pipes.get(up.id) ?? new Set<Socket>();
      this.pipes.set(up.id, set);
      set.add(client).add(upstream);
      const end = () => {
        client.destroy();
        upstream.destroy();
        set.delete(client);
        set.delete(upstream);
      };
      client.on('error', end).on('close', end);
      upstream.on('error', end).on('close', end);
      client.pipe(upstream).pipe(client);
    });
  }
  add(edge: FeedEdge): void {
    this.live.push({ port: Number(new URL(edge.url).port), id: edge.id });
  }
  /** Routes no new connection to `id` and resets every connection it carries (the process died). */
  kill(id: string): void {
    this.live.splice(
      this.live.findIndex((u) => u.id === id),
      1,
    );
    for (const s of this.pipes.get(id) ?? []) s.resetAndDestroy();
  }
  async listen(): Promise<number> {
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', () => r()));
    const a = this.server.address();
    return typeof a === 'object' && a ? a.port : 0;
  }
}

describe('feed edges: SDK reconnect through another edge', () => {
  let nats: NatsServer;
  let broker: PaperBroker;
  let bus: CoreBus;
  let tokens: SessionTokens;
  const edges: FeedEdge[] = [];
  const lb = new Balancer();
  let lbUrl = '';
  const closers: Array<() => Promise<void>> = [];

  before(async () => {
    nats = await startNatsServer();
    broker = await startPaperBroker({ market: 'sim', clock: 'manual' });
    const s = broker.server;
    bus = await startCoreBus({
      url: nats.url,
      market: s.market,
      orderFeed: s.orderFeed,
      sessions: s.sessions,
      store: s.store,
    });
    edges.push(await startFeedEdge({ nats: nats.url }), await startFeedEdge({ nats: nats.url }));
    for (const e of edges) lb.add(e);
    lbUrl = `ws://127.0.0.1:${await lb.listen()}`;
    broker.advance(60_000);
    tokens = await broker.login();
  });
  after(async () => {
    for (const c of closers) await c();
    for (const e of edges) await e.close();
    await new Promise<void>((r) => lb.server.close(() => r()));
    await bus?.close();
    await broker?.close();
    await nats?.stop();
  });

  it('killing the edge mid-stream: the SDK lands on the other edge with every subscription', async () => {
    const feed = new MarketFeed({
      clientCode: broker.account.clientcode,
      apiKey: broker.account.apiKey,
      jwtToken: tokens.jwtToken,
      feedToken: tokens.feedToken,
      url: `${lbUrl}${MARKET_FEED_PATH}`,
      reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
    });
    const orders = new OrderFeed({
      jwtToken: tokens.jwtToken,
      url: `${lbUrl}${ORDER_FEED_PATH}`,
      reconnect: { initialDelayMs: 5, maxDelayMs: 50 },
    });
    closers.push(
      () => feed.close(),
      () => orders.close(),
    );
    const ticks: FeedTick[] = [];
    const updates: OrderUpdate[] = [];
    let reconnects = 0;
    feed.on('tick', (t) => ticks.push(t));
    feed.on('reconnecting', () => reconnects++);
    feed.on('error', () => {});
    orders.on('update', (u) => updates.push(u));
    orders.on('error', () => {});
    feed.subscribe('ltp', ['nse_cm|3045', 'nse_cm|2885']);
    feed.subscribe('quote', ['nse_cm|1594']);
    feed.subscribe('snapQuote', ['nse_cm|3045']);
    const pairs = ['1|3045', '1|2885', '2|1594', '3|3045'];
    const seen = () => new Set(ticks.map((t) => `${t.mode}|${t.token}`));
    await feed.connect();
    await orders.connect();
    await eventually(() => assert.deepEqual([...seen()].sort(), [...pairs].sort()), { message: 'snapshots' });
    assert.equal(edges[0]!.marketFeed.connections, 1, 'the balancer put the client on the first edge');

    // mid-stream: live ticks flowing, then the edge dies
    broker.advance(2000);
    await eventually(() => assert.ok(ticks.length > pairs.length, 'live ticks'));
    lb.kill(edges[0]!.id);
    await eventually(() => assert.equal(edges[1]!.marketFeed.connections, 1), {
      message: 'the SDK reconnected through the balancer to the second edge',
    });
    assert.ok(reconnects >= 1, 'the SDK reconnected');
    await eventually(() => assert.equal(edges[1]!.orderFeed.connections(broker.account.clientcode), 1), {
      message: 'the order feed reconnected to the second edge',
    });

    // every subscription is restored: snapshots and live ticks of every pair arrive from edge 2
    ticks.length = 0;
    for (let i = 0; i < 5; i++) broker.advance(1000);
    await eventually(() => assert.deepEqual([...seen()].sort(), [...pairs].sort()), {
      message: 'every pair streams again',
    });
    // and order updates flow through edge 2
    const res = await fetch(`${broker.url}/rest/secure/angelbroking/order/v1/placeOrder`, {
      method: 'POST',
      headers: broker.headers(tokens.jwtToken),
      body: JSON.stringify({
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price: '750',
        quantity: '1',
      }),
    });
    const body = (await res.json()) as { status: boolean; message: string; data: { orderid: string } };
    assert.equal(body.status, true, body.message);
    await eventually(() => assert.ok(updates.some((u) => u.order.orderid === body.data.orderid)), {
      message: 'the order update arrives through edge 2',
    });
    assert.deepEqual(lb.routed.slice(0, 2), [edges[0]!.id, edges[0]!.id]);
    assert.ok(lb.routed.slice(2).every((id) => id === edges[1]!.id));
  });
});
