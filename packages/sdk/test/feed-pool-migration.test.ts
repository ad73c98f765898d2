import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { encodeFeedPacket, type FeedTick } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { type FeedError, InputError } from '../src/errors.js';
import {
  MarketFeedPool,
  type OfficialTick,
  SmartWebSocketOrderUpdate,
  SmartWebSocketV2,
  toOfficialTick,
} from '../src/feeds/index.js';
import { CREDS, type FeedServer, startFeedServer } from './feed-helpers.js';
import { depth20Tick, ltpTick, quoteTick, snapQuoteTick } from './feed-samples.js';

const servers: FeedServer[] = [];
const closers: Array<() => Promise<void>> = [];
after(async () => {
  await Promise.all(closers.map((c) => c()));
  await Promise.all(servers.map((s) => s.close()));
});

async function server(opts: Parameters<typeof startFeedServer>[0] = {}): Promise<FeedServer> {
  const s = await startFeedServer(opts);
  servers.push(s);
  return s;
}

const tokens = (n: number, from = 1): string[] => Array.from({ length: n }, (_, i) => `nse_fo|${from + i}`);

describe('MarketFeedPool', () => {
  test('spreads subscriptions over up to 3 connections and merges their ticks', async () => {
    const srv = await server();
    const pool = new MarketFeedPool({
      ...CREDS,
      url: srv.url,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    closers.push(() => pool.close());
    pool.subscribe('ltp', tokens(900));
    pool.subscribe('quote', tokens(300)); // 1200 pairs → 2 connections
    assert.equal(pool.feeds.length, 2);
    assert.deepEqual(
      pool.feeds.map((f) => f.subscriptionCount),
      [1000, 200],
    );
    await pool.connect();
    pool.subscribe('snapQuote', tokens(1500, 5000)); // opens the third connection while running
    assert.equal(pool.feeds.length, 3);
    assert.equal(pool.subscriptionCount, 2700);
    await srv.waitForConnections(3);
    await eventually(() =>
      assert.ok(
        pool.states.every((s) => s === 'open'),
        "pool.states.every((s) => s === 'open')",
      ),
    );
    const sent = (i: number): number =>
      srv.conns[i]!.requests.reduce(
        (n, r) => n + r.params.tokenList.reduce((m, g) => m + g.tokens.length, 0),
        0,
      );
    await eventually(() => assert.equal(sent(0) + sent(1) + sent(2), 2700), { message: 'all requests' });
    assert.deepEqual([sent(0), sent(1), sent(2)].sort(), [1000, 1000, 700].sort());

    assert.throws(
      () => pool.subscribe('ltp', tokens(301, 9000)),
      (e: unknown) => e instanceof InputError && e.code === 'SUBSCRIPTION_LIMIT',
    );
    assert.equal(pool.subscriptionCount, 2700, 'a refused subscribe changes nothing');
    pool.unsubscribe('ltp', tokens(900));
    assert.equal(pool.subscriptionCount, 1800);
    pool.subscribe('ltp', tokens(301, 9000)); // fits again, into the freed room
    assert.equal(pool.subscriptionCount, 2101);
    assert.ok(pool.feeds.every((f) => f.subscriptionCount <= 1000));

    const got: FeedTick[] = [];
    pool.on('tick', (t) => got.push(t));
    const stream = pool.ticks();
    srv.conns.forEach((c, i) => {
      c.ws.send(encodeFeedPacket(ltpTick(String(i))));
    });
    await eventually(() => assert.equal(got.length, 3));
    assert.deepEqual(got.map((t) => t.token).sort(), ['0', '1', '2']);
    assert.equal(stream.buffered, 3);
    await pool.close();
    assert.deepEqual(pool.states, ['closed', 'closed', 'closed']);
    assert.equal((await stream.next()).done, false);
  });

  test('respects maxConnections', () => {
    const pool = new MarketFeedPool({ ...CREDS, url: 'ws://127.0.0.1:9/x', maxConnections: 1 });
    assert.throws(() => pool.subscribe(1, tokens(1001)), InputError);
    assert.equal(pool.feeds.length, 1);
    assert.equal(pool.subscriptionCount, 0);
  });
});

describe('SmartWebSocketV2 / SmartWebSocketOrderUpdate', () => {
  test('official callbacks fire with the official tick dictionaries', async () => {
    const srv = await server();
    const sws = new SmartWebSocketV2('Bearer jwt', 'key', 'D88311', 'feed', { url: srv.url });
    closers.push(() => sws.close_connection());
    const events: string[] = [];
    const data: OfficialTick[] = [];
    let opened = 0;
    sws.on_open = (wsapp) => {
      assert.equal(wsapp, sws);
      opened++;
      events.push('open');
      sws.subscribe('abc123', SmartWebSocketV2.SNAP_QUOTE, [{ exchangeType: 1, tokens: ['3045'] }]);
    };
    sws.on_data = (_wsapp, message) => data.push(message);
    sws.on_error = (_wsapp, error) => events.push(`error:${(error as FeedError).code}`);
    sws.on_close = () => events.push('close');
    await sws.connect();
    const conn = await srv.waitForConnections(1);
    await eventually(() => assert.equal(conn.requests.length, 1));
    assert.deepEqual(conn.requests[0], {
      correlationID: 'abc123',
      action: 1,
      params: { mode: 3, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] },
    });
    assert.equal(conn.headers.authorization, 'Bearer jwt');
    conn.ws.send(encodeFeedPacket(ltpTick()));
    conn.ws.send(encodeFeedPacket(snapQuoteTick()));
    conn.ws.send(Buffer.from([9]));
    await eventually(() =>
      assert.ok(data.length === 2 && events.length === 2, 'data.length === 2 && events.length === 2'),
    );
    assert.deepEqual(data[0], {
      subscription_mode: 1,
      exchange_type: 1,
      token: '3045',
      sequence_number: 123456,
      exchange_timestamp: 1700000000000,
      last_traded_price: 56820,
      subscription_mode_val: 'LTP',
    });
    const snap = data[1]!;
    assert.equal(snap.subscription_mode, 3);
    if (snap.subscription_mode === 3) {
      assert.equal(snap.closed_price, 56740);
      assert.equal(snap['52_week_high_price'], 62965);
      assert.deepEqual(snap.best_5_buy_data[0], { flag: 1, quantity: 100, price: 56815, 'no of orders': 1 });
      assert.equal(snap.best_5_sell_data[4]!.flag, 0);
    }
    assert.throws(() => sws.subscribe('x', 4, [{ exchangeType: 2, tokens: ['1'] }]), InputError);
    await sws.close_connection();
    assert.deepEqual(events, ['open', 'error:UNKNOWN_MODE', 'close']);
    assert.equal(opened, 1);
  });

  test('toOfficialTick maps quote and depth-20 ticks', () => {
    const q = toOfficialTick({ ...quoteTick(), averageTradedPrice: 56783 });
    assert.equal(q.subscription_mode === 2 && q.volume_trade_for_the_day, 3556150);
    const d = toOfficialTick(depth20Tick());
    assert.equal(d.subscription_mode === 4 && d.depth_20_sell_data.length, 20);
    assert.deepEqual(d.subscription_mode === 4 && d.depth_20_buy_data[1], {
      quantity: 101,
      price: 568.1,
      num_of_orders: 2,
    });
  });

  test('SmartWebSocketOrderUpdate passes every message text to on_message', async () => {
    const srv = await server({
      onConnection: (c) =>
        c.ws.send(
          '{"user-id":"D88311","status-code":"200","order-status":"AB00","error-message":"","orderData":{}}',
        ),
    });
    const sou = new SmartWebSocketOrderUpdate('jwt', 'key', 'D88311', 'feed', { url: srv.url });
    closers.push(() => sou.close_connection());
    const messages: string[] = [];
    let opened = false;
    let closedWith: number | undefined;
    sou.on_open = () => {
      opened = true;
    };
    sou.on_message = (_w, m) => messages.push(m);
    sou.on_close = (_w, code) => {
      closedWith = code;
    };
    await sou.connect();
    const conn = await srv.waitForConnections(1);
    assert.equal(conn.headers.authorization, 'Bearer jwt');
    assert.equal(conn.headers['x-client-code'], 'D88311');
    conn.ws.send('{"order-status":"AB01","orderData":{"orderid":"1","status":"open"}}');
    await eventually(() => assert.equal(messages.length, 2));
    assert.match(messages[0]!, /"AB00"/);
    assert.equal(JSON.parse(messages[1]!)['order-status'], 'AB01');
    assert.ok(opened);
    await sou.close_connection();
    assert.equal(closedWith, 1000);
  });
});
