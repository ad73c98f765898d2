/**
 * The admin API's auth and clock over HTTP: refusals (no token, wrong token, a user's JWT), GET/POST
 * /paper/v1/clock on a manual clock, bad input that changes nothing, the clock-driven work an advance
 * runs at the simulated time it falls due (AMO release at the open, day roll), and determinism (two
 * brokers, same seed and commands, same books and prices).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

describe('admin auth', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
  });
  after(() => broker.close());

  test('no token, a wrong token and a user JWT get 401 PA1001; the right token opens the route', async () => {
    const { jwtToken } = await broker.login();
    const url = `${broker.url}/paper/v1/clock`;
    for (const headers of [
      {},
      { Authorization: 'Bearer wrong-token' },
      { Authorization: `Bearer ${jwtToken}` },
      { Authorization: broker.adminToken },
    ] as Record<string, string>[]) {
      const res = await fetch(url, { headers });
      assert.equal(res.status, 401, JSON.stringify(headers));
      const body = (await res.json()) as { status: boolean; errorcode: string; message: string };
      assert.equal(body.status, false);
      assert.equal(body.errorcode, 'PA1001');
      assert.match(body.message, /admin token/);
    }
    // A refused POST changes nothing.
    const before = (await broker.admin('GET', 'clock')).body.data.epochMs;
    const res = await fetch(url, {
      method: 'POST',
      headers: { Authorization: 'Bearer nope', 'Content-Type': 'application/json' },
      body: JSON.stringify({ advanceBy: 600 }),
    });
    assert.equal(res.status, 401);
    assert.equal((await broker.admin('GET', 'clock')).body.data.epochMs, before);
  });
});

describe('admin clock (manual)', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
  });
  after(() => broker.close());

  test('GET /paper/v1/clock: now in IST, mode manual, paused, sessions per exchange', async () => {
    const r = await broker.admin('GET', 'clock');
    assert.equal(r.status, 200);
    assert.equal(r.body.status, true);
    const c = r.body.data;
    assert.equal(c.now, '2026-12-03T10:00:00+05:30');
    assert.equal(c.mode, 'manual');
    assert.equal(c.paused, true);
    assert.equal(c.session.NSE, 'open');
    assert.equal(c.session.NFO, 'open');
  });

  test('advanceBy and advanceTo move the market; the answer is the new clock', async () => {
    const { jwtToken } = await broker.login();
    const ltp = async () =>
      (
        await venue(broker, jwtToken, 'getLtpData', {
          exchange: 'NSE',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
        })
      ).body?.data.ltp;
    const p0 = await ltp();
    const r = await broker.admin('POST', 'clock', { advanceBy: 1800 });
    assert.equal(r.status, 200);
    assert.equal(r.body.data.now, '2026-12-03T10:30:00+05:30');
    assert.notEqual(await ltp(), p0);
    const r2 = await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T10:45:00+05:30' });
    assert.equal(r2.body.data.now, '2026-12-03T10:45:00+05:30');
    assert.equal(broker.market.now(), ist('10:45'));
    const r3 = await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T05:20:00Z' });
    assert.equal(r3.body.data.now, '2026-12-03T10:50:00+05:30');
    const r4 = await broker.admin('POST', 'clock', { advanceBy: 0 });
    assert.equal(r4.body.data.now, '2026-12-03T10:50:00+05:30');
  });

  test('bad input gets a clear error and leaves the clock where it was', async () => {
    const at = (await broker.admin('GET', 'clock')).body.data.now;
    const cases: [unknown, number, string, RegExp][] = [
      [{ speed: -1 }, 400, 'PA1002', /speed must be a positive number/],
      [{ speed: 'fast' }, 400, 'PA1002', /speed/],
      [{ advanceTo: '2026-12-03 15:21' }, 400, 'PA1002', /ISO 8601/],
      [{ advanceTo: '2026-13-45T10:00:00+05:30' }, 400, 'PA1002', /ISO 8601/],
      [{ advanceTo: '2026-12-03T09:00:00+05:30' }, 409, 'PA1004', /backwards/],
      [{ advanceBy: -5 }, 400, 'PA1002', /advanceBy/],
      [{ advanceBy: 60, advanceTo: '2026-12-04T10:00:00+05:30' }, 400, 'PA1002', /not both/],
      [{ advanceBy: 40 * 86400 }, 400, 'PA1002', /31 days/],
      [{ pause: true }, 400, 'PA1002', /unknown field pause/],
      [{}, 400, 'PA1002', /nothing to change/],
      [[1], 400, 'PA1002', /JSON object/],
      [{ paused: false }, 409, 'PA1004', /manual clock only moves/],
      [{ speed: 60, advanceBy: 60 }, 409, 'PA1004', /no speed/],
    ];
    for (const [body, status, code, msg] of cases) {
      const r = await broker.admin('POST', 'clock', body);
      assert.equal(r.status, status, JSON.stringify(body));
      assert.equal(r.body.status, false);
      assert.equal(r.body.errorcode, code);
      assert.match(r.body.message, msg);
    }
    const res = await fetch(`${broker.url}/paper/v1/clock`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${broker.adminToken}`, 'Content-Type': 'application/json' },
      body: '{"advanceBy":',
    });
    assert.equal(res.status, 400);
    assert.equal((await broker.admin('GET', 'clock')).body.data.now, at);
  });
});

describe('advance runs the clock-driven work when it falls due', () => {
  test('an AMO placed before the open fills in the pre-open call auction (end of order entry 09:07:xx)', async () => {
    const broker = await startPaperBroker({ start: ist('08:00') });
    try {
      const { jwtToken } = await broker.login();
      assert.equal((await broker.admin('GET', 'clock')).body.data.session.NSE, 'closed');
      const amo = await venue(broker, jwtToken, 'placeOrder', sbinOrder({ variety: 'AMO' }));
      assert.equal(amo.body?.status, true, amo.text);
      let book = await orderBook(broker, jwtToken);
      assert.equal(book[0].status, 'after market order req received');
      await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T09:15:30+05:30' });
      book = await orderBook(broker, jwtToken);
      assert.equal(book[0].status, 'complete');
      assert.match(book[0].updatetime as string, /03-Dec-2026 09:07:/);
    } finally {
      await broker.close();
    }
  });

  test('a resting DAY order expires at the day roll', async () => {
    const broker = await startPaperBroker({ start: ist('15:20') });
    try {
      const { jwtToken } = await broker.login();
      const ltp = Number(
        (
          await venue(broker, jwtToken, 'getLtpData', {
            exchange: 'NSE',
            tradingsymbol: 'SBIN-EQ',
            symboltoken: '3045',
          })
        ).body?.data.ltp,
      );
      const far = (Math.round(ltp * 0.85 * 20) / 20).toFixed(2);
      // DELIVERY: from 15:20 new INTRADAY orders are refused (the intraday cut-off).
      const rest = await venue(
        broker,
        jwtToken,
        'placeOrder',
        sbinOrder({ ordertype: 'LIMIT', price: far, producttype: 'DELIVERY' }),
      );
      assert.equal(rest.body?.status, true, rest.text);
      await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T23:59:00+05:30' });
      assert.equal((await orderBook(broker, jwtToken))[0].status, 'open');
      await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T09:20:00+05:30' });
      // The next day's book starts empty: the expired order belongs to the previous day.
      assert.equal((await orderBook(broker, jwtToken)).length, 0);
      const details = await fetch(
        `${broker.url}/rest/secure/angelbroking/order/v1/details/${rest.body?.data.uniqueorderid}`,
        { headers: broker.headers(jwtToken) },
      );
      const d = (await details.json()) as { data: { status: string } };
      assert.equal(d.data.status, 'cancelled');
    } finally {
      await broker.close();
    }
  });
});

test('determinism: same seed and commands give the same order book, trade book and prices', async () => {
  const run = async () => {
    const broker = await startPaperBroker({ start: ist('09:15'), seed: 7 });
    try {
      const { jwtToken } = await broker.login();
      await venue(broker, jwtToken, 'placeOrder', sbinOrder());
      await broker.admin('POST', 'clock', { advanceBy: 600 });
      const ltp = Number(
        (
          await venue(broker, jwtToken, 'getLtpData', {
            exchange: 'NSE',
            tradingsymbol: 'SBIN-EQ',
            symboltoken: '3045',
          })
        ).body?.data.ltp,
      );
      for (const k of [-3, -2, -1, 1, 2, 3]) {
        const price = (Math.round(ltp * (1 + k / 1000) * 20) / 20).toFixed(2);
        await venue(
          broker,
          jwtToken,
          'placeOrder',
          sbinOrder({ ordertype: 'LIMIT', price, transactiontype: k < 0 ? 'BUY' : 'SELL' }),
        );
      }
      await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T10:30:00+05:30' });
      const strip = (rows: Record<string, unknown>[]) =>
        rows.map(({ uniqueorderid: _u, clientcode: _c, ...r }) => r);
      const book = strip(await orderBook(broker, jwtToken));
      const trades = strip(((await venue(broker, jwtToken, 'getTradeBook')).body?.data as []) ?? []);
      const quotes = broker.market
        .instruments()
        .slice(0, 200)
        .map((i) => broker.market.quote(i.exchange, i.token));
      return JSON.stringify({ book, trades, quotes });
    } finally {
      await broker.close();
    }
  };
  const a = await run();
  const b = await run();
  assert.ok(a.includes('"status":"complete"'));
  assert.equal(a, b);
});

describe('admin clock (sim)', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ clock: 'fast', speed: 60, start: ist('10:00') });
  });
  after(() => broker.close());

  test('speed and pause of a running clock; advance works while paused; resume runs again', async () => {
    const c0 = (await broker.admin('GET', 'clock')).body.data;
    assert.equal(c0.mode, 'sim');
    assert.equal(c0.paused, false);
    assert.equal(c0.speed, 60);
    const s = await broker.admin('POST', 'clock', { speed: 120, paused: true });
    assert.equal(s.status, 200);
    assert.equal(s.body.data.speed, 120);
    assert.equal(s.body.data.paused, true);
    const at = s.body.data.epochMs as number;
    const moved = await broker.admin('POST', 'clock', { advanceBy: 60 });
    assert.equal(moved.body.data.epochMs, at + 60_000);
    assert.equal(moved.body.data.paused, true);
    const bad = await broker.admin('POST', 'clock', { speed: 0 });
    assert.equal(bad.body.errorcode, 'PA1002');
    assert.equal((await broker.admin('GET', 'clock')).body.data.speed, 120);
    await broker.admin('POST', 'clock', { paused: false });
    await eventually(() => broker.market.now() > at + 60_000, { message: 'the resumed clock to move' });
  });
});
