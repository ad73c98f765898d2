import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { RATE_LIMIT_TEXT, ROUTES } from '@smartapi-ts/protocol';
import { type Order, RateLimitError, ServerError, SmartApi, UnknownOutcomeError } from '../src/index.js';
import {
  type FakeVenue,
  FastClock,
  fail,
  type Handler,
  SBIN_LIMIT_ORDER as ORDER,
  ok,
  startFakeVenue,
  TOKENS,
} from './support/rest-fakes.js';

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue();
});
after(() => venue.close());
beforeEach(() => {
  venue.requests.length = 0;
});

function client(handler: Handler, extra: Record<string, unknown> = {}): { api: SmartApi; clock: FastClock } {
  venue.handler = handler;
  const clock = new FastClock();
  const api = new SmartApi({
    apiKey: 'retry-key',
    root: venue.url,
    rateLimit: false,
    clock,
    random: () => 0.5,
    timeout: 200,
    ...extra,
  });
  api.setSession({ clientCode: 'R1', ...TOKENS });
  return { api, clock };
}

function bookRow(over: Partial<Order>): Partial<Order> {
  return {
    orderid: '250106000000001',
    uniqueorderid: 'uuid-1',
    tradingsymbol: 'SBIN-EQ',
    status: 'open',
    ...over,
  };
}

test('reads retry on 5xx, AB1004 and the 403 rate-limit answer with exponential backoff + jitter', async () => {
  let i = 0;
  const { api, clock } = client((req) => {
    if (req.path !== ROUTES.getOrderBook.path) return undefined;
    i++;
    if (i === 1) return { status: 502, body: '<html>bad gateway</html>' };
    if (i === 2) return { body: fail('AB1004', 'Something Went Wrong') };
    if (i === 3) return { status: 403, body: RATE_LIMIT_TEXT };
    return { body: ok([bookRow({})]) };
  });
  try {
    const book = await api.orders.book();
    assert.equal(book.length, 1);
    assert.equal(i, 4);
    // random() = 0.5 → half of base × 2^attempt (base 250 ms)
    assert.deepEqual(clock.scheduled, [125, 250, 500]);
  } finally {
    api.close();
  }
});

test('Retry-After is honoured; retries stop after the limit and throw the last error', async () => {
  const { api, clock } = client(
    () => ({ status: 403, body: RATE_LIMIT_TEXT, headers: { 'retry-after': '2' } }),
    {
      retry: { retries: 2 },
    },
  );
  try {
    const e = await api.orders.book().catch((x: unknown) => x);
    assert.ok(e instanceof RateLimitError);
    assert.equal(e.retryAfter, 2);
    assert.deepEqual(clock.scheduled, [2000, 2000]);
    assert.equal(venue.count('/getOrderBook'), 3);
  } finally {
    api.close();
  }
});

test('business errors are not retried', async () => {
  const { api } = client(() => ({ body: fail('AB1009', 'Symbol Not Found') }));
  try {
    await assert.rejects(api.market.ltp({ exchange: 'NSE', tradingsymbol: 'X', symboltoken: '1' }));
    assert.equal(venue.requests.length, 1);
  } finally {
    api.close();
  }
});

test('order writes are never retried on 5xx (the venue may have acted)', async () => {
  const { api } = client(() => ({ status: 500, body: fail('AB2001', 'Internal Error') }));
  try {
    await assert.rejects(api.orders.place(ORDER), ServerError);
    assert.equal(venue.count('/placeOrder'), 1);
  } finally {
    api.close();
  }
});

test('order writes ARE retried after the rate-limit answer (the venue certainly did not act)', async () => {
  let i = 0;
  const { api } = client(() =>
    ++i === 1
      ? { status: 403, body: RATE_LIMIT_TEXT }
      : { body: ok({ script: 'SBIN-EQ', orderid: '9', uniqueorderid: 'u9' }) },
  );
  try {
    assert.equal((await api.orders.place(ORDER)).orderid, '9');
    assert.equal(venue.count('/placeOrder'), 2);
  } finally {
    api.close();
  }
});

test('placement timeout: an auto-tagged order found in the book resolves with its ids', async () => {
  let tag = '';
  const { api } = client((req) => {
    if (req.path === ROUTES.placeOrder.path) {
      tag = (req.json as { ordertag: string }).ordertag;
      return { delayMs: 1000 }; // answer lost: the client times out at 200 ms
    }
    if (req.path === ROUTES.getOrderBook.path) {
      return {
        body: ok([
          bookRow({ ordertag: 'other' }),
          bookRow({ ordertag: tag, orderid: '42', uniqueorderid: 'u42' }),
        ]),
      };
    }
    return undefined;
  });
  try {
    const res = await api.orders.place(ORDER);
    assert.match(tag, /^st[0-9a-z]{14}$/);
    assert.deepEqual(res, { script: 'SBIN-EQ', orderid: '42', uniqueorderid: 'u42' });
    assert.equal(venue.count('/placeOrder'), 1, 'never re-sent');
  } finally {
    api.close();
  }
});

test('placement timeout: absent from the book → UnknownOutcomeError(absent) after polling', async () => {
  const { api, clock } = client((req) => {
    if (req.path === ROUTES.placeOrder.path) return { hangUp: true, delayMs: 5 };
    if (req.path === ROUTES.getOrderBook.path) return { body: ok(null) };
    return undefined;
  });
  try {
    const e = await api.orders.place(ORDER).catch((x: unknown) => x);
    assert.ok(e instanceof UnknownOutcomeError, String(e));
    assert.equal(e.reconciliation.outcome, 'absent');
    assert.match(e.reconciliation.ordertag ?? '', /^st/);
    assert.match(e.message, /NOT in the order book/);
    assert.equal(venue.count('/placeOrder'), 1);
    assert.equal(venue.count('/getOrderBook'), 3);
    assert.deepEqual(
      clock.scheduled.filter((d) => d === 1000),
      [1000, 1000],
    );
  } finally {
    api.close();
  }
});

test("placement timeout with the caller's own tag: found → UnknownOutcomeError(found) with the row", async () => {
  const { api } = client((req) => {
    if (req.path === ROUTES.placeOrder.path) return { delayMs: 1000 };
    if (req.path === ROUTES.getOrderBook.path)
      return { body: ok([bookRow({ ordertag: 'mine', orderid: '7' })]) };
    return undefined;
  });
  try {
    const e = await api.orders.place({ ...ORDER, ordertag: 'mine' }).catch((x: unknown) => x);
    assert.ok(e instanceof UnknownOutcomeError);
    assert.equal(e.reconciliation.outcome, 'found');
    assert.equal((e.reconciliation.order as Order).orderid, '7');
    assert.match(e.message, /IS in the order book/);
  } finally {
    api.close();
  }
});

test('placement timeout when the book is unreadable → UnknownOutcomeError(unknown)', async () => {
  const { api } = client(
    (req) => {
      if (req.path === ROUTES.placeOrder.path) return { delayMs: 1000 };
      return { status: 500, body: 'down' };
    },
    { retry: false },
  );
  try {
    const e = await api.orders.place(ORDER).catch((x: unknown) => x);
    assert.ok(e instanceof UnknownOutcomeError);
    assert.equal(e.reconciliation.outcome, 'unknown');
    assert.match(e.reconciliation.reason ?? '', /could not be read/);
  } finally {
    api.close();
  }
});

test('cancel timeout: a cancelled row resolves; modify timeout without the change → found, applied=false', async () => {
  const { api } = client((req) => {
    if (req.path === ROUTES.cancelOrder.path || req.path === ROUTES.modifyOrder.path)
      return { delayMs: 1000 };
    if (req.path === ROUTES.getOrderBook.path) {
      return {
        body: ok([
          bookRow({ orderid: '1', uniqueorderid: 'u1', status: 'cancelled' }),
          bookRow({
            orderid: '2',
            uniqueorderid: 'u2',
            price: '500',
            quantity: '1',
            ordertype: 'LIMIT',
            triggerprice: '0',
          }),
        ]),
      };
    }
    return undefined;
  });
  try {
    assert.deepEqual(await api.orders.cancel({ orderid: '1', variety: 'NORMAL' }), {
      orderid: '1',
      uniqueorderid: 'u1',
    });
    const e = await api.orders
      .modify({
        orderid: '2',
        variety: 'NORMAL',
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        price: '501',
        quantity: '1',
      })
      .catch((x: unknown) => x);
    assert.ok(e instanceof UnknownOutcomeError);
    assert.equal(e.reconciliation.outcome, 'found');
    assert.equal(e.reconciliation.applied, false);
    const okMod = await api.orders.modify({
      orderid: '2',
      variety: 'NORMAL',
      ordertype: 'LIMIT',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: 500,
      quantity: 1,
    });
    assert.equal(okMod.uniqueorderid, 'u2');
  } finally {
    api.close();
  }
});

test('GTT write timeout → UnknownOutcomeError(unknown), never re-sent', async () => {
  const { api } = client(() => ({ delayMs: 1000 }));
  try {
    const e = await api.gtt
      .create({
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        exchange: 'NSE',
        transactiontype: 'BUY',
        producttype: 'DELIVERY',
        price: 500,
        qty: 1,
        triggerprice: 499,
      })
      .catch((x: unknown) => x);
    assert.ok(e instanceof UnknownOutcomeError);
    assert.equal(e.reconciliation.outcome, 'unknown');
    assert.equal(venue.count('/createRule'), 1);
  } finally {
    api.close();
  }
});
