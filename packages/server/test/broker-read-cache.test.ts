/**
 * The order book's pre-serialised view is always what the engine would answer now: after each change
 * (place, modify, cancel, a fill driven by a quote, a refused commit, a new trading day) the HTTP answer
 * equals a fresh, uncached query of the engine, byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { ReadCache } from '../src/broker/read-cache.js';
import type { Store } from '../src/storage/types.js';
import { startTestBroker, type TestBroker } from './app-helpers.js';

const LIMIT = {
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'LIMIT',
  producttype: 'DELIVERY',
  duration: 'DAY',
  price: '690',
  quantity: '2',
};

describe('order book view cache', () => {
  let b: TestBroker;
  let jwt: string;
  const originalError = console.error;

  before(async () => {
    b = await startTestBroker();
    jwt = (await b.login()).jwtToken;
  });
  after(async () => {
    console.error = originalError;
    await b.close();
  });

  const call = async (
    name: 'placeOrder' | 'modifyOrder' | 'cancelOrder' | 'getOrderBook' | 'getTradeBook',
    body?: unknown,
  ) => {
    const res = await b.server.app.inject({
      method: ROUTES[name].method as 'GET' | 'POST',
      url: ROUTES[name].path,
      headers: b.headers(jwt),
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return res.body;
  };
  /** The book over HTTP, twice (the second from the cache), against the engine queried directly. */
  const assertFresh = async (rows: number) => {
    const { engine } = b.server.broker;
    const truth = JSON.stringify({
      status: true,
      message: 'SUCCESS',
      errorcode: '',
      data: engine.orderBook(b.creds.clientcode, { now: b.market.now() }),
    });
    assert.equal(await call('getOrderBook'), truth);
    assert.equal(await call('getOrderBook'), truth);
    // the trade book's view, the same way
    const trades = JSON.stringify({
      status: true,
      message: 'SUCCESS',
      errorcode: '',
      data: engine.tradeBook(b.creds.clientcode, { now: b.market.now() }),
    });
    assert.equal(await call('getTradeBook'), trades);
    assert.equal(await call('getTradeBook'), trades);
    const data = (JSON.parse(truth) as { data: unknown[] | null }).data;
    assert.equal(data?.length ?? 0, rows);
    return (data ?? []) as { orderid: string; status: string; price: string }[];
  };

  it('follows every change of the book', async () => {
    await assertFresh(0);
    const placed = JSON.parse(await call('placeOrder', LIMIT)) as { data: { orderid: string } };
    const id = placed.data.orderid;
    assert.equal((await assertFresh(1))[0]?.status, 'open');
    await call('modifyOrder', { ...LIMIT, orderid: id, price: '695' });
    assert.equal((await assertFresh(1))[0]?.price, '695.00');
    const second = JSON.parse(await call('placeOrder', LIMIT)) as { data: { orderid: string } };
    await assertFresh(2);
    await call('cancelOrder', { variety: 'NORMAL', orderid: second.data.orderid });
    assert.ok((await assertFresh(2)).some((o) => o.status === 'cancelled'));
    // a fill driven by the market (no request of this account)
    b.market.setPrice('NSE', '3045', 69_000);
    await b.server.broker.ledger.enqueue([]); // the next group commit has run
    await new Promise((r) => setImmediate(r));
    assert.ok((await assertFresh(2)).some((o) => o.orderid === id && o.status === 'complete'));
    const traded = JSON.parse(await call('getTradeBook')) as { data: { orderid: string }[] | null };
    assert.equal(traded.data?.[0]?.orderid, id);
  });

  it('a refused commit leaves no trace in the cached view', async () => {
    const before = await assertFresh(2);
    const store: Store = b.server.broker.store;
    const original = store.transaction.bind(store);
    store.transaction = () => {
      throw new Error('simulated storage failure');
    };
    console.error = () => {};
    try {
      const r = JSON.parse(await call('placeOrder', LIMIT)) as { status: boolean };
      assert.equal(r.status, false);
    } finally {
      store.transaction = original;
      console.error = originalError;
    }
    assert.deepEqual(await assertFresh(2), before);
  });

  it('a new trading day drops the finished orders of the previous one', async () => {
    b.market.advance(24 * 3_600_000);
    await assertFresh(0);
  });
});

describe('ReadCache', () => {
  it('computes once per account, view and tag; a new tag replaces the entry; invalidate and clear drop', () => {
    const cache = new ReadCache();
    let computed = 0;
    const value = (v: string) => () => {
      computed++;
      return v;
    };
    assert.equal(cache.get('A', 'book', 'd1', value('1')), '1');
    assert.equal(cache.get('A', 'book', 'd1', value('2')), '1');
    assert.equal(computed, 1);
    assert.equal(cache.get('A', 'book', 'd2', value('n')), 'n', 'another day: computed again');
    assert.equal(cache.get('A', 'book', 'd1', value('3')), '3', 'one entry per view: d1 was replaced');
    assert.equal(cache.get('B', 'book', 'd1', value('4')), '4');
    cache.invalidate('A');
    assert.equal(cache.get('A', 'book', 'd1', value('5')), '5');
    assert.equal(cache.get('B', 'book', 'd1', value('6')), '4', 'B kept');
    cache.clear();
    assert.equal(cache.get('B', 'book', 'd1', value('7')), '7');
  });
});
