/**
 * The execution model over HTTP: `GET`/`PUT /paper/v1/execution` (shape, all-or-nothing validation,
 * persistence across a restart), the effects of the realistic preset through the venue's order-book
 * and trade-book shapes, and a replayed session giving the same trade book byte for byte.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ORDER_FEED_PATH } from '@smartapi-ts/protocol';
import { eventually, neverWithin, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

/** Connects to the broker's order feed; `feed` collects the pushes (JSON messages) as they arrive. */
async function orderFeed(
  broker: PaperBroker,
  jwt: string,
): Promise<{ ws: WebSocket; feed: { 'order-status': string; orderData: Record<string, unknown> }[] }> {
  const ws = new WebSocket(broker.wsUrl + ORDER_FEED_PATH, { headers: { Authorization: `Bearer ${jwt}` } });
  const feed: { 'order-status': string; orderData: Record<string, unknown> }[] = [];
  ws.on('message', (d: Buffer) => {
    const t = d.toString();
    if (t.startsWith('{')) feed.push(JSON.parse(t));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
    ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
  });
  return { ws, feed };
}

describe('GET / PUT /paper/v1/execution', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
  });
  after(() => broker.close());

  test('testkit starts ideal; a preset is applied and answered in the GET shape', async () => {
    const g = await broker.admin('GET', 'execution');
    assert.equal(g.status, 200);
    assert.deepEqual(
      { status: g.body.status, message: g.body.message, errorcode: g.body.errorcode },
      { status: true, message: 'SUCCESS', errorcode: '' },
    );
    assert.equal(g.body.data.preset, 'ideal');
    assert.equal(g.body.data.seed, 1);
    assert.deepEqual(g.body.data.queue, { model: 'none' });
    assert.deepEqual(g.body.data.latency, {
      entry: { kind: 'fixed', ms: 0 },
      cancel: { kind: 'fixed', ms: 0 },
      ack: { kind: 'fixed', ms: 0 },
    });
    assert.equal(g.body.data.impact.enabled, false);

    const p = await broker.admin('PUT', 'execution', { preset: 'realistic', seed: 5 });
    assert.equal(p.status, 200);
    assert.equal(p.body.data.preset, 'realistic');
    assert.equal(p.body.data.seed, 5);
    assert.equal(p.body.data.queue.model, 'fifo');
    assert.equal(p.body.data.latency.entry.kind, 'lognormal');
    assert.deepEqual((await broker.admin('GET', 'execution')).body.data, p.body.data);

    const c = await broker.admin('PUT', 'execution', { queue: { model: 'probabilistic' } });
    assert.equal(c.body.data.preset, 'custom');
    assert.equal(c.body.data.queue.model, 'probabilistic');
    assert.equal(c.body.data.seed, 5);
  });

  test('each order carries the model that handled it (GET /paper/v1/execution/orders/{orderid})', async () => {
    const jwt = (await broker.login()).jwtToken;
    await broker.admin('PUT', 'execution', { preset: 'ideal', seed: 1 });
    const a = (await venue(broker, jwt, 'placeOrder', sbinOrder())).body?.data.orderid as string;
    await broker.admin('PUT', 'execution', { preset: 'harsh', seed: 3 });
    const b = (await venue(broker, jwt, 'placeOrder', sbinOrder())).body?.data.orderid as string;
    await broker.admin('PUT', 'execution', { queue: { model: 'none' } });
    const c = (await venue(broker, jwt, 'placeOrder', sbinOrder())).body?.data.orderid as string;
    const stamp = async (id: string) =>
      (await broker.admin('GET', `execution/orders/${id}`)).body.data.execution;
    assert.equal(await stamp(a), 'ideal seed=1');
    assert.equal(await stamp(b), 'harsh seed=3');
    assert.match(await stamp(c), /^custom seed=3 [0-9a-f]{8}$/);
    const unknown = await broker.admin('GET', 'execution/orders/999999999999999');
    assert.equal(unknown.status, 404);
    assert.equal(unknown.body.errorcode, 'PA1003');
    // The venue's shapes stay the venue's: no paper field in the order book.
    const row = (await orderBook(broker, jwt)).find((o) => o.orderid === a);
    assert.equal(row?.execution, undefined);
    await broker.admin('PUT', 'execution', { preset: 'realistic', seed: 5 });
    await broker.admin('PUT', 'execution', { queue: { model: 'probabilistic' } });
  });

  test('bad input answers PA1002 (400) and changes nothing; no token answers 401', async () => {
    const before = (await broker.admin('GET', 'execution')).body.data;
    for (const bad of [
      { preset: 'turbo' },
      { seed: 'x' },
      { queue: { model: 'lifo' } },
      { latency: { entry: { kind: 'fixed', ms: -1 } } },
      { impact: { depthFactor: 2 } },
      { preset: 'harsh', impact: { slipTicks: 0.5 } },
      { color: 'red' },
      [1],
    ]) {
      const r = await broker.admin('PUT', 'execution', bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.equal(r.body.status, false);
      assert.equal(r.body.errorcode, 'PA1002');
      assert.ok(r.body.message.length > 0);
    }
    assert.deepEqual((await broker.admin('GET', 'execution')).body.data, before);
    const res = await fetch(`${broker.url}/paper/v1/execution`, { method: 'PUT', body: '{}' });
    assert.equal(res.status, 401);
  });
});

test('a change survives a restart (journaled in the store)', async () => {
  const broker = await startPaperBroker({ start: ist('10:00'), storage: 'file' });
  try {
    await broker.admin('PUT', 'execution', { preset: 'harsh', impact: { slipTicks: 5 } });
    await broker.restart();
    const d = (await broker.admin('GET', 'execution')).body.data;
    assert.equal(d.preset, 'custom');
    assert.equal(d.impact.slipTicks, 5);
    assert.equal(d.latency.entry.medianMs, 250);
  } finally {
    await broker.close();
  }
});

test('an acknowledged cancel on its way to the exchange survives a restart', async () => {
  const broker = await startPaperBroker({
    start: ist('10:00'),
    storage: 'file',
    fills: 'ideal',
    execution: { latency: { cancel: { kind: 'fixed', ms: 500 } } },
  });
  try {
    let jwt = (await broker.login()).jwtToken;
    const bid = broker.market.quote('NSE', '3045')?.bids[4]?.price ?? 0;
    const limit = ((bid - 500) / 100).toFixed(2); // far below the market: it never fills
    const placed = await venue(broker, jwt, 'placeOrder', sbinOrder({ ordertype: 'LIMIT', price: limit }));
    const id = placed.body?.data.orderid as string;
    const c = await venue(broker, jwt, 'cancelOrder', { variety: 'NORMAL', orderid: id });
    assert.equal(c.body?.status, true, c.text);
    assert.equal((await orderBook(broker, jwt)).find((o) => o.orderid === id)?.orderstatus, 'open');
    await broker.restart();
    jwt = (await broker.login()).jwtToken;
    assert.equal((await orderBook(broker, jwt)).find((o) => o.orderid === id)?.orderstatus, 'open');
    broker.advance(500);
    await eventually(async () =>
      assert.equal((await orderBook(broker, jwt)).find((o) => o.orderid === id)?.orderstatus, 'cancelled'),
    );
  } finally {
    await broker.close();
  }
});

describe('realistic fills through the venue shapes', () => {
  test('a 10× top-of-book market buy: acknowledged at once, filled after the latency over many trades at worse prices', async () => {
    const run = async (fills: 'ideal' | 'realistic') => {
      const broker = await startPaperBroker({ start: ist('10:00'), fills, funds: 100_000_000 });
      try {
        const jwt = (await broker.login()).jwtToken;
        const asks = broker.market.quote('NSE', '3045')?.asks ?? [];
        const top = asks[0]?.quantity ?? 0;
        const visible = asks.reduce((n, l) => n + l.quantity, 0);
        assert.ok(top > 0);
        const placed = await venue(broker, jwt, 'placeOrder', sbinOrder({ quantity: String(10 * top) }));
        assert.equal(placed.body?.status, true, placed.text);
        const id = placed.body?.data.orderid as string;
        const first = (await orderBook(broker, jwt)).find((o) => o.orderid === id);
        await broker.admin('POST', 'clock', { advanceBy: 10 });
        const row = (await orderBook(broker, jwt)).find((o) => o.orderid === id);
        const trades = ((await venue(broker, jwt, 'getTradeBook')).body?.data ?? []) as {
          orderid: string;
          fillid: string;
          fillsize: string;
          fillprice: string;
          filltime: string;
        }[];
        return { visible, first, row, trades: trades.filter((t) => t.orderid === id) };
      } finally {
        await broker.close();
      }
    };
    const ideal = await run('ideal');
    const real = await run('realistic');
    // Ideal: the five visible levels fill at placement (the rest rests at the protection price).
    assert.equal(ideal.first?.status, 'open');
    assert.equal(Number(ideal.first?.filledshares), ideal.visible);
    // Realistic: acknowledged, open and unfilled until it reaches the exchange (the next quote, 10 s on).
    assert.equal(real.first?.status, 'open');
    assert.equal(real.first?.filledshares, '0');
    assert.equal(real.row?.status, 'complete', JSON.stringify(real.row));
    assert.equal(real.row?.unfilledshares, '0');
    // There it walks the visible levels and the hidden ones beyond: one trade per level, each with its
    // own fill id, at rising prices, all at the arrival quote's time.
    assert.ok(real.trades.length > 5, `${real.trades.length} trades`);
    assert.equal(new Set(real.trades.map((t) => t.fillid)).size, real.trades.length);
    assert.deepEqual(new Set(real.trades.map((t) => t.filltime)), new Set(['10:00:10']));
    const prices = real.trades.map((t) => Number(t.fillprice)).sort((a, b) => a - b);
    assert.equal(new Set(prices).size, prices.length);
    assert.equal(
      real.trades.reduce((n, t) => n + Number(t.fillsize), 0),
      Number(real.row?.filledshares),
    );
  });
});

test('partial fills on the order feed: an IOC beyond the depth it may take, one update per fill, then cancelled', async () => {
  const broker = await startPaperBroker({ start: ist('10:00'), fills: 'realistic', funds: 100_000_000 });
  const jwt = (await broker.login()).jwtToken;
  const { ws, feed } = await orderFeed(broker, jwt);
  try {
    const q = broker.market.quote('NSE', '3045');
    const limit = ((q?.asks[4]?.price ?? 0) / 100).toFixed(2);
    const qty = String(100 * (q?.asks[0]?.quantity ?? 1));
    const placed = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', duration: 'IOC', price: limit, quantity: qty }),
    );
    const id = placed.body?.data.orderid as string;
    // Past its arrival (entry latency) and the exchange's answers reaching the feed (ack latency).
    await broker.admin('POST', 'clock', { advanceBy: 2000 });
    const mine = await eventually(() => {
      const m = feed.filter((x) => x.orderData.orderid === id);
      assert.ok(
        m.some((x) => x['order-status'] === 'AB02'),
        JSON.stringify(m.map((x) => x['order-status'])),
      );
      return m;
    });
    const codes = mine.map((x) => x['order-status']);
    assert.equal(codes[0], 'AB09');
    assert.equal(codes.at(-1), 'AB02');
    const fills = mine.filter((x) => x['order-status'] === 'AB01' && Number(x.orderData.filledshares) > 0);
    assert.ok(fills.length >= 2, codes.join(','));
    const filled = fills.map((x) => Number(x.orderData.filledshares));
    assert.deepEqual(
      [...filled].sort((a, b) => a - b),
      filled,
    );
    assert.equal(new Set(filled).size, filled.length, 'filledshares grows with every fill');
    for (const f of fills) assert.equal(f.orderData.status, 'open');
    const last = mine.at(-1)!.orderData;
    assert.equal(last.status, 'cancelled');
    const trades = ((await venue(broker, jwt, 'getTradeBook')).body?.data ?? []) as {
      orderid: string;
      fillsize: string;
    }[];
    const mineTrades = trades.filter((t) => t.orderid === id);
    assert.equal(mineTrades.length, fills.length);
    assert.equal(String(mineTrades.reduce((n, t) => n + Number(t.fillsize), 0)), last.filledshares);
    assert.equal(Number(last.unfilledshares), Number(qty) - Number(last.filledshares));
  } finally {
    ws.terminate();
    await broker.close();
  }
});

test('acknowledgement latency: the order book changes at the exchange time, the order feed hears it ack ms later', async () => {
  const broker = await startPaperBroker({
    start: ist('10:00'),
    fills: 'ideal',
    execution: {
      latency: {
        entry: { kind: 'fixed', ms: 100 },
        cancel: { kind: 'fixed', ms: 0 },
        ack: { kind: 'fixed', ms: 300 },
      },
    },
    funds: 100_000_000,
  });
  const jwt = (await broker.login()).jwtToken;
  const { ws, feed } = await orderFeed(broker, jwt);
  try {
    const placed = await venue(broker, jwt, 'placeOrder', sbinOrder({ ordertype: 'MARKET', price: '0' }));
    const id = placed.body?.data.orderid as string;
    const codes = () => feed.filter((x) => x.orderData.orderid === id).map((x) => x['order-status']);
    await eventually(() => assert.deepEqual(codes(), ['AB09']));
    // The market's next quote (+1 s) meets the order at the exchange (it arrived at +100 ms): the order
    // book shows the fill at once; the feed has heard the acceptance (due +400 ms), not the fill.
    broker.advance(1000);
    const row = (await orderBook(broker, jwt)).find((o) => o.orderid === id);
    assert.equal(row?.orderstatus, 'complete');
    await eventually(() => assert.deepEqual(codes(), ['AB09', 'AB01']));
    await neverWithin(250, () => assert.deepEqual(codes(), ['AB09', 'AB01']), {
      clock: { advance: async (ms) => broker.advance(ms) },
      interval: 50,
    });
    // The fill's answer reaches the feed 300 ms after the fill.
    broker.advance(50);
    await eventually(() => assert.deepEqual(codes(), ['AB09', 'AB01', 'AB05']));
    const done = feed.filter((x) => x.orderData.orderid === id).at(-1)!.orderData;
    assert.equal(done.status, 'complete');
  } finally {
    ws.terminate();
    await broker.close();
  }
});

test('same seed, same commands: the same trade book byte for byte (the session replayed twice)', async () => {
  const session = async () => {
    const broker = await startPaperBroker({
      start: ist('10:00'),
      fills: 'harsh',
      execution: { queue: { model: 'probabilistic' }, seed: 11 },
      funds: 100_000_000,
    });
    try {
      const jwt = (await broker.login()).jwtToken;
      const ltp = broker.market.quote('NSE', '3045')?.ltp ?? 0;
      for (let i = 0; i < 6; i++) {
        const limit = ((ltp - 5 * i) / 100).toFixed(2);
        await venue(
          broker,
          jwt,
          'placeOrder',
          sbinOrder({ ordertype: 'LIMIT', price: limit, quantity: '500' }),
        );
        await venue(broker, jwt, 'placeOrder', sbinOrder({ quantity: String(300 + 100 * i) }));
        await broker.admin('POST', 'clock', { advanceBy: 60 });
      }
      return (await venue(broker, jwt, 'getTradeBook')).text;
    } finally {
      await broker.close();
    }
  };
  const a = await session();
  const b = await session();
  assert.equal(b, a);
  assert.ok((JSON.parse(a) as { data: unknown[] }).data.length > 6);
});
