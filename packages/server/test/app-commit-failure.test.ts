/**
 * A failed commit never leaves the engine's memory ahead of the database: the transaction of a group
 * commit is made to fail, and the client gets an error, the refused order is nowhere (book, feed, DB),
 * the in-memory state equals a fresh restore from the DB, and later commands work.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, type Order, ROUTES } from '@smartapi-ts/protocol';
import { toEngineRows } from '../src/broker/persist.js';
import { type EngineRows, type FillModel, restoreState, stateRows } from '../src/engine/index.js';
import type { Store } from '../src/storage/types.js';
import { startTestBroker, type TestBroker } from './app-helpers.js';

/** Rows of a state in a canonical order (so two states compare with deepEqual). */
function canonical(rows: EngineRows): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, list] of Object.entries(rows) as [string, readonly unknown[]][])
    out[kind] = list.map((r) => JSON.stringify(r)).sort();
  return out;
}

/** Makes the next `count` transactions of the store throw (before anything is written). */
function failNextTransactions(store: Store, count = 1): () => void {
  const original = store.transaction.bind(store);
  let left = count;
  store.transaction = <T>(fn: () => T): T => {
    if (left > 0) {
      left--;
      throw new Error('simulated disk failure');
    }
    return original(fn);
  };
  return () => {
    store.transaction = original;
  };
}

const LIMIT_BUY = {
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'LIMIT',
  producttype: 'DELIVERY',
  duration: 'DAY',
  price: '700',
  quantity: '2',
};

describe('a failed commit', () => {
  let b: TestBroker;
  let jwt: string;
  const published: { code: string; orderid: string }[] = [];
  const errors: string[] = [];
  const originalError = console.error;

  before(async () => {
    b = await startTestBroker();
    jwt = (await b.login()).jwtToken;
    assert.deepEqual(await book(), []); // opens the engine account
    const feed = b.server.orderFeed;
    const publish = feed.publish.bind(feed);
    feed.publish = (clientcode, code, data) => {
      published.push({ code, orderid: String((data as { orderid?: unknown }).orderid) });
      publish(clientcode, code, data);
    };
    // the broker logs each failed commit; keep the test output clean but check what it logged
    console.error = (message: unknown) => {
      errors.push(String(message));
    };
  });
  after(async () => {
    console.error = originalError;
    await b.close();
  });

  const post = async (name: 'placeOrder' | 'cancelOrder', body: unknown) => {
    const res = await b.server.app.inject({
      method: 'POST',
      url: ROUTES[name].path,
      headers: b.headers(jwt),
      payload: JSON.stringify(body),
    });
    return {
      http: res.statusCode,
      body: JSON.parse(res.body) as { status: boolean; errorcode: string; data: { orderid: string } | null },
    };
  };
  async function book(): Promise<Order[]> {
    const res = await b.server.app.inject({
      method: 'GET',
      url: ROUTES.getOrderBook.path,
      headers: b.headers(jwt),
    });
    return (JSON.parse(res.body) as { data: Order[] | null }).data ?? [];
  }
  const assertMemoryMatchesDb = () => {
    const { store, engine } = b.server.broker;
    const fromDb = restoreState(toEngineRows(store.rows.loadAll()));
    assert.deepEqual(canonical(stateRows(engine.state)), canonical(stateRows(fromDb)));
  };

  it('of a placement answers AB2001, and the order is nowhere: not in the book, the feed or the DB', async () => {
    const { store } = b.server.broker;
    const counters = store.counters.all();
    const restore = failNextTransactions(store);
    let refused: Awaited<ReturnType<typeof post>>;
    try {
      refused = await post('placeOrder', LIMIT_BUY);
    } finally {
      restore();
    }
    // the venue's business envelope: HTTP 200, status:false, AB2001 (retryable: nothing happened)
    assert.equal(refused.http, 200);
    assert.equal(refused.body.status, false);
    assert.equal(refused.body.errorcode, ErrorCode.INTERNAL_ERROR);
    assert.equal(refused.body.data, null);
    assert.ok(errors.some((m) => m.includes('commit failed')));
    assert.deepEqual(await book(), []);
    assert.deepEqual(published, []);
    assert.equal(store.rows.count('order'), 0);
    assert.deepEqual(store.counters.all(), counters, 'id counters are not ahead of the DB');
    assertMemoryMatchesDb();
    // the RMS figures do not count the refused order's margin
    const acc = b.server.broker.engine.state.accounts.get(b.creds.clientcode);
    assert.equal(acc?.blocked, 0);
    assert.equal(acc?.working.size, 0);
  });

  it('fails every command of the batch, and later commands work', async () => {
    const broker = b.server.broker;
    const clientcode = b.creds.clientcode;
    const restore = failNextTransactions(broker.store);
    let answers: Awaited<ReturnType<typeof broker.run>>[];
    try {
      // issued in one event-loop turn: one group commit, one failed transaction
      answers = await Promise.all(
        [1, 2].map(() => broker.run((ctx) => broker.engine.placeOrder(clientcode, LIMIT_BUY, ctx))),
      );
    } finally {
      restore();
    }
    assert.deepEqual(
      answers.map((a) => (a.ok ? 'ok' : a.errorcode)),
      [ErrorCode.INTERNAL_ERROR, ErrorCode.INTERNAL_ERROR],
    );
    assert.deepEqual(await book(), []);
    assertMemoryMatchesDb();

    const ok = await post('placeOrder', LIMIT_BUY);
    assert.equal(ok.body.status, true);
    const id = ok.body.data?.orderid;
    assert.match(id ?? '', /^\d{15}$/);
    const rows = await book();
    assert.deepEqual(
      rows.map((o) => [o.orderid, o.orderstatus]),
      [[id, 'open']],
    );
    assert.ok(published.some((p) => p.orderid === id && p.code === 'AB01'));
    assertMemoryMatchesDb();
  });

  it('of a market-driven fill forgets the fill: the order stays open until a quote fills it again', async () => {
    const { store } = b.server.broker;
    const [open] = await book();
    assert.ok(open);
    const before = published.length;
    const restore = failNextTransactions(store);
    try {
      b.market.setPrice('NSE', '3045', 69_000); // trades through the 700.00 buy limit
      b.server.broker.flushPending();
    } finally {
      restore();
    }
    await new Promise((resolve) => setImmediate(resolve)); // the driver logs from a promise handler
    assert.ok(errors.some((m) => m.includes('quote driver commit failed')));
    assert.equal(published.length, before, 'no order update for the uncommitted fill');
    assert.deepEqual(
      (await book()).map((o) => [o.orderid, o.orderstatus, o.filledshares]),
      [[open.orderid, 'open', '0']],
    );
    assert.equal(store.rows.count('trade'), 0);
    assertMemoryMatchesDb();

    b.market.setPrice('NSE', '3045', 68_900);
    b.server.broker.flushPending();
    assert.deepEqual(
      (await book()).map((o) => [o.orderid, o.orderstatus, o.filledshares]),
      [[open.orderid, 'complete', '2']],
    );
    assert.equal(store.rows.count('trade'), 1);
    assertMemoryMatchesDb();
  });

  it('an engine error half way through a command leaves no trace: the state is restored from the DB', async () => {
    const { engine, store } = b.server.broker;
    const booked = (await book()).map((o) => o.orderid);
    const trades = store.rows.count('trade');
    const mutable = engine as { fillModel: FillModel };
    const fillModel = engine.fillModel;
    mutable.fillModel = {
      fill() {
        throw new Error('simulated engine bug');
      },
    };
    let res: Awaited<ReturnType<typeof post>>;
    try {
      // the order row is created and indexed before matching throws
      res = await post('placeOrder', { ...LIMIT_BUY, ordertype: 'MARKET', price: '0' });
    } finally {
      mutable.fillModel = fillModel;
    }
    assert.equal(res.body.status, false);
    assert.equal(res.body.errorcode, ErrorCode.INTERNAL_ERROR);
    assert.deepEqual(
      (await book()).map((o) => o.orderid),
      booked,
    );
    assert.equal(store.rows.count('trade'), trades);
    assertMemoryMatchesDb();
  });
});
