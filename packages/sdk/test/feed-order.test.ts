import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { after, describe, test } from 'node:test';
import { emptyOrderUpdateData, type OrderUpdateData } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import type { SmartApi } from '../src/client.js';
import { FeedAuthError } from '../src/errors.js';
import {
  type FeedCredentials,
  MarketFeed,
  type OrderBookRow,
  type OrderBookSource,
  OrderFeed,
  type OrderUpdate,
  type SessionSource,
} from '../src/feeds/index.js';
import { type FeedServer, nextEvent, type ServerConn, startFeedServer } from './feed-helpers.js';

const servers: FeedServer[] = [];
const feeds: OrderFeed[] = [];
after(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  await Promise.all(servers.map((s) => s.close()));
});

const EMPTY: OrderUpdateData = emptyOrderUpdateData();

function message(code: string, order: Partial<OrderUpdateData> = {}): string {
  return JSON.stringify({
    'user-id': 'D88311',
    'status-code': '200',
    'order-status': code,
    'error-message': '',
    orderData: { ...EMPTY, ...order },
  });
}

function sbin(orderid: string, status: string, filled = '0'): Partial<OrderUpdateData> {
  return {
    variety: 'NORMAL',
    ordertype: 'LIMIT',
    producttype: 'DELIVERY',
    price: 551,
    quantity: '10',
    tradingsymbol: 'SBIN-EQ',
    transactiontype: 'BUY',
    exchange: 'NSE',
    symboltoken: '3045',
    orderid,
    status,
    orderstatus: status,
    filledshares: filled,
    unfilledshares: String(10 - Number(filled)),
  };
}

async function setup(
  feedOpts: Partial<ConstructorParameters<typeof OrderFeed>[0]> = {},
  serverOpts: Parameters<typeof startFeedServer>[0] = {},
): Promise<{ server: FeedServer; feed: OrderFeed }> {
  const server = await startFeedServer({
    onConnection: (c) => c.ws.send(message('AB00')),
    ...serverOpts,
  });
  servers.push(server);
  const feed = new OrderFeed({
    jwtToken: 'Bearer jwt-1',
    url: server.url.replace('smart-stream', 'smart-order-update'),
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...feedOpts,
  });
  feeds.push(feed);
  return { server, feed };
}

describe('OrderFeed', () => {
  test('receives AB00, then order updates with codes mapped to names', async () => {
    const { server, feed } = await setup();
    const updates: OrderUpdate[] = [];
    feed.on('update', (u) => updates.push(u));
    const connected = nextEvent<[OrderUpdate]>(feed, 'connected');
    await feed.connect();
    const [ab00] = await connected;
    assert.equal(ab00.code, 'AB00');
    assert.equal(ab00.status, 'connected');
    const conn = await server.waitForConnections(1);
    assert.equal(conn.headers.authorization, 'Bearer jwt-1');
    conn.ws.send(message('AB09', sbin('111', 'open pending')));
    conn.ws.send(message('AB01', sbin('111', 'open')));
    conn.ws.send(message('AB01', sbin('111', 'open', '4')));
    conn.ws.send(message('AB05', sbin('111', 'complete', '10')));
    conn.ws.send(message('AB03', { ...sbin('112', 'rejected'), text: 'Adapter is Logged Off' }));
    await eventually(() => assert.equal(updates.length, 5));
    assert.deepEqual(
      updates.map((u) => [u.code, u.status, u.order.orderid, u.order.filledshares, u.synthetic]),
      [
        ['AB09', 'open pending', '111', '0', false],
        ['AB01', 'open', '111', '0', false],
        ['AB01', 'open', '111', '4', false],
        ['AB05', 'complete', '111', '10', false],
        ['AB03', 'rejected', '112', '0', false],
      ],
    );
    assert.equal(updates[4]!.order.text, 'Adapter is Logged Off');
    assert.equal(updates[4]!.order.price, 551);
    assert.equal(updates[0]!.userId, 'D88311');
  });

  test('updates() iterates every update in order', async () => {
    const { server, feed } = await setup();
    const stream = feed.updates();
    await feed.connect();
    const conn = await server.waitForConnections(1);
    for (let i = 0; i < 100; i++) conn.ws.send(message('AB01', sbin(String(i), 'open')));
    const ids: string[] = [];
    for await (const u of stream) {
      ids.push(u.order.orderid);
      if (ids.length === 100) break;
    }
    assert.deepEqual(
      ids,
      Array.from({ length: 100 }, (_, i) => String(i)),
    );
  });

  test('reconciles after a reconnect: synthetic updates for orders changed while disconnected', async () => {
    let book: OrderBookRow[] = [
      { orderid: '201', status: 'open', filledshares: '0' },
      { orderid: '202', status: 'complete', filledshares: '5' },
    ];
    let fetches = 0;
    const client = {
      orders: {
        book: async (): Promise<OrderBookRow[]> => {
          fetches++;
          return book.map((r) => ({ ...r }));
        },
      },
    };
    const { server, feed } = await setup({ reconcile: { client }, clientCode: 'D88311' });
    const updates: OrderUpdate[] = [];
    feed.on('update', (u) => updates.push(u));
    await feed.connect();
    const conn1 = await server.waitForConnections(1);
    await eventually(() => assert.equal(fetches, 1), { timeout: 2000, message: 'baseline fetch' });
    assert.equal(updates.length, 0, 'the baseline emits nothing');
    // while connected, a live update for 201
    conn1.ws.send(message('AB01', sbin('201', 'open', '3')));
    await eventually(() => assert.equal(updates.length, 1));
    // disconnected: 201 completes, 203 is placed and rejected, 202 unchanged
    book = [
      { orderid: '201', status: 'complete', filledshares: '10', averageprice: '550.5' },
      { orderid: '202', status: 'complete', filledshares: '5' },
      { orderid: '203', status: 'rejected', filledshares: '0' },
    ];
    const reconciled = nextEvent<[{ emitted: number }]>(feed, 'reconciled');
    conn1.ws.terminate();
    const [result] = await reconciled;
    assert.equal(result.emitted, 2);
    assert.deepEqual(
      updates.slice(1).map((u) => [u.code, u.status, u.order.orderid, u.order.filledshares, u.synthetic]),
      [
        ['AB05', 'complete', '201', '10', true],
        ['AB03', 'rejected', '203', '0', true],
      ],
    );
    assert.equal(updates[1]!.order.averageprice, 550.5);
    assert.equal(updates[1]!.userId, 'D88311');
  });

  test('a 401 status message stops the feed with FeedAuthError, no reconnect loop', async () => {
    const { server, feed } = await setup(
      {},
      {
        onConnection: (c: ServerConn) =>
          c.ws.send(
            JSON.stringify({
              'user-id': '',
              'status-code': '401',
              'order-status': '',
              'error-message': 'Invalid token',
            }),
          ),
      },
    );
    let reconnecting = 0;
    feed.on('reconnecting', () => reconnecting++);
    const errors: unknown[] = [];
    feed.on('error', (e) => errors.push(e));
    const closed = nextEvent<[{ willReconnect: boolean; error?: unknown }]>(feed, 'close');
    await feed.connect();
    const [info] = await closed;
    assert.equal(info.willReconnect, false);
    assert.ok(info.error instanceof FeedAuthError);
    assert.equal(feed.state, 'closed');
    assert.equal(reconnecting, 0);
    assert.equal(server.attempts, 1);
    assert.equal(errors.length, 1);
  });

  test('an upgrade refused with 403 rejects connect() with FeedAuthError', async () => {
    const { server, feed } = await setup({}, { refuse: { status: 403 } });
    feed.on('error', () => {});
    await assert.rejects(feed.connect(), (e: unknown) => e instanceof FeedAuthError && e.code === '403');
    assert.equal(server.attempts, 1);
  });
});

// Compile-time check: the REST client can be handed to the feeds as is.
const clientFits: SmartApi extends SessionSource & OrderBookSource ? true : false = true;

describe('fromClient', () => {
  test('feeds take the session of a client and follow its refreshes, even after an auth stop', async () => {
    assert.equal(clientFits, true);
    let refuse: { status: number } | undefined = { status: 401 };
    const server = await startFeedServer();
    servers.push(server);
    server.options.refuse = refuse;
    class FakeClient extends EventEmitter<{ session: [FeedCredentials] }> {
      session: FeedCredentials | undefined = {
        clientCode: 'C1',
        apiKey: 'K1',
        jwtToken: 'old',
        feedToken: 'F1',
      };
      orders = { book: async (): Promise<OrderBookRow[]> => [] };
    }
    const client = new FakeClient();
    const feed = MarketFeed.fromClient(client, {
      url: server.url,
      reconnect: { initialDelayMs: 5, maxDelayMs: 10 },
    });
    feed.on('error', () => {});
    const orders = OrderFeed.fromClient(client, { url: server.url });
    feeds.push(orders);
    await assert.rejects(feed.connect(), FeedAuthError);
    assert.equal(feed.state, 'closed');
    refuse = undefined;
    server.options.refuse = refuse;
    const opened = nextEvent(feed, 'open');
    client.emit('session', { clientCode: 'C1', apiKey: 'K1', jwtToken: 'new', feedToken: 'F2' });
    await opened;
    const conn = await server.waitForConnections(1);
    assert.equal(conn.headers.authorization, 'Bearer new');
    assert.equal(conn.headers['x-feed-token'], 'F2');
    await feed.close();
    await orders.connect();
    const oc = await server.waitForConnections(2);
    assert.equal(oc.headers.authorization, 'Bearer new');
    client.session = undefined;
    assert.throws(() => MarketFeed.fromClient(client), /log in/);
  });
});
