// The feeds against the paper broker (@smartapi-ts/paper through the testkit): real upgrade auth,
// subscriptions, ticks from its market and order updates from its engine.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import {
  type FeedTick,
  MARKET_FEED_PATH,
  ORDER_FEED_PATH,
  ROUTES,
  type SessionTokens,
} from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { eventually } from '@smartapi-ts/testkit/timing';
import { FeedAuthError } from '../src/errors.js';
import { MarketFeed, OrderFeed, type OrderUpdate } from '../src/feeds/index.js';

describe('feeds against the paper broker', () => {
  let broker: PaperBroker;
  let tokens: SessionTokens;
  const closers: Array<() => Promise<void>> = [];
  before(async () => {
    broker = await startPaperBroker({ market: 'static' });
    tokens = await broker.login();
  });
  after(async () => {
    await Promise.all(closers.map((c) => c()));
    await broker?.close();
  });

  const marketFeed = (feedToken = tokens.feedToken): MarketFeed => {
    const feed = new MarketFeed({
      clientCode: broker.account.clientcode,
      apiKey: broker.account.apiKey,
      jwtToken: tokens.jwtToken,
      feedToken,
      url: `${broker.wsUrl}${MARKET_FEED_PATH}`,
      reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    });
    closers.push(() => feed.close());
    return feed;
  };

  test('MarketFeed: snapshot and live ticks for a subscription', async () => {
    const feed = marketFeed();
    const ticks: FeedTick[] = [];
    feed.on('tick', (t) => ticks.push(t));
    feed.subscribe('ltp', ['nse_cm|3045']);
    feed.subscribe('snapQuote', ['NSE|2885']);
    await feed.connect();
    await eventually(
      () =>
        assert.ok(
          ticks.some((t) => t.mode === 1) && ticks.some((t) => t.mode === 3),
          'ticks.some((t) => t.mode === 1) && ticks.some((t) => t.mode === 3)',
        ),
      {
        message: 'snapshots',
      },
    );
    broker.staticMarket!.setPrice('NSE', '3045', 60125); // paise
    await eventually(
      () =>
        assert.ok(
          ticks.some((t) => t.mode === 1 && t.lastTradedPrice === 601.25),
          'ticks.some((t) => t.mode === 1 && t.lastTradedPrice === 601.25)',
        ),
      {
        message: 'the new price',
      },
    );
    const snap = ticks.find((t) => t.mode === 3);
    assert.equal(snap?.token, '2885');
  });

  test('MarketFeed: a wrong feed token stops with FeedAuthError', async () => {
    const feed = marketFeed('not-a-feed-token');
    feed.on('error', () => {});
    await assert.rejects(feed.connect(), FeedAuthError);
    assert.equal(feed.state, 'closed');
  });

  test('OrderFeed: AB00 then updates for an order placed over REST', async () => {
    const orders = new OrderFeed({ jwtToken: tokens.jwtToken, url: `${broker.wsUrl}${ORDER_FEED_PATH}` });
    closers.push(() => orders.close());
    const updates: OrderUpdate[] = [];
    let connected = 0;
    orders.on('connected', () => connected++);
    orders.on('update', (u) => updates.push(u));
    await orders.connect();
    await eventually(() => assert.equal(connected, 1), { message: 'AB00' });
    const res = await fetch(`${broker.url}${ROUTES.placeOrder.path}`, {
      method: ROUTES.placeOrder.method,
      headers: broker.headers(tokens.jwtToken),
      body: JSON.stringify({
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'MARKET',
        producttype: 'DELIVERY',
        duration: 'DAY',
        quantity: '1',
      }),
    });
    const body = (await res.json()) as { status: boolean; data?: { orderid?: string } };
    assert.equal(body.status, true, JSON.stringify(body));
    const orderid = body.data?.orderid;
    await eventually(
      () =>
        assert.ok(
          updates.some((u) => u.order.orderid === orderid),
          'updates.some((u) => u.order.orderid === orderid)',
        ),
      {
        message: 'an update for the order',
      },
    );
    const u = updates.find((x) => x.order.orderid === orderid)!;
    assert.match(u.code, /^AB(0[1-9]|1[01])$/);
    assert.equal(u.order.tradingsymbol, 'SBIN-EQ');
    assert.equal(u.synthetic, false);
  });
});
