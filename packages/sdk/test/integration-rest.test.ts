/**
 * The REST client against the real paper broker (started on 127.0.0.1, port 0, by the testkit).
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { RateLimitError, SmartApi } from '../src/index.js';

let broker: PaperBroker;
let api: SmartApi;

before(async () => {
  broker = await startPaperBroker({ rateLimits: true });
  api = new SmartApi({ apiKey: broker.account.apiKey, root: broker.url });
  await api.login({
    clientCode: broker.account.clientcode,
    password: broker.account.password,
    totpSecret: broker.account.totpSecret,
  });
});
after(async () => {
  api?.close();
  await broker?.close();
});

test('login with TOTP, profile, funds and a token refresh', async () => {
  assert.equal(api.session?.clientCode, broker.account.clientcode);
  const profile = await api.user.profile();
  assert.equal(profile.clientcode, broker.account.clientcode);
  const rms = await api.user.rms();
  assert.ok(Number(rms.availablecash) > 0);
  const before = api.session?.jwtToken;
  const s = await api.refreshSession();
  assert.notEqual(s.jwtToken, before);
  assert.equal((await api.user.profile()).clientcode, broker.account.clientcode);
});

test('market data: ltp, quote, search', async () => {
  const ltp = await api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' });
  assert.equal(typeof ltp.ltp, 'number');
  assert.ok(ltp.ltp > 0);
  const q = await api.market.quote({ mode: 'FULL', exchangeTokens: { NSE: ['3045'] } });
  assert.equal(q.fetched.length, 1);
  assert.ok((q.fetched[0]?.ltp ?? 0) > 0);
  const found = await api.market.searchScrip({ exchange: 'NSE', searchscrip: 'SBIN' });
  assert.ok(found.some((r) => r.tradingsymbol === 'SBIN-EQ'));
});

test('orders: place (auto-tagged), modify, cancel, book, details', async () => {
  const { ltp } = await api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' });
  const low = Math.max(1, Math.floor(ltp * 0.9));
  const placed = await api.orders.place({
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: low,
    quantity: 1,
  });
  assert.match(placed.orderid, /^\d{15}$/);
  let row = (await api.orders.book()).find((o) => o.orderid === placed.orderid);
  assert.ok(row, 'the order is in the book');
  assert.match(row.ordertag, /^st[0-9a-z]{14}$/, 'the SDK tagged it');
  await api.orders.modify({
    variety: 'NORMAL',
    orderid: placed.orderid,
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: low - 1,
    quantity: 2,
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
  });
  const details = await api.orders.details(placed.uniqueorderid);
  assert.equal(details.price, low - 1);
  assert.equal(Number(details.quantity), 2);
  await api.orders.cancel({ orderid: placed.orderid, variety: 'NORMAL' });
  row = (await api.orders.book()).find((o) => o.orderid === placed.orderid);
  assert.equal(row?.status, 'cancelled');
});

test('a market order fills: trades, positions, holdings are readable', async () => {
  const placed = await api.orders.place({
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'MARKET',
    producttype: 'DELIVERY',
    duration: 'DAY',
    quantity: 1,
  });
  broker.advance(1000);
  const trades = await api.orders.trades();
  assert.ok(
    trades.some((t) => t.orderid === placed.orderid),
    'the fill is in the trade book',
  );
  const positions = await api.portfolio.positions();
  assert.ok(positions.some((p) => p.tradingsymbol === 'SBIN-EQ'));
  assert.ok(Array.isArray(await api.portfolio.holdings()));
  const all = await api.portfolio.allHoldings();
  assert.equal(typeof all.totalholding.totalholdingvalue, 'number');
});

test('GTT: create, details, list, modify, cancel', async () => {
  const { ltp } = await api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' });
  const trigger = Math.floor(ltp * 0.8);
  const { id } = await api.gtt.create({
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
    transactiontype: 'BUY',
    producttype: 'DELIVERY',
    price: trigger,
    qty: 1,
    triggerprice: trigger,
    timeperiod: 30,
  });
  assert.equal(typeof id, 'string');
  const rule = await api.gtt.details(id);
  assert.equal(rule.tradingsymbol, 'SBIN-EQ');
  assert.ok((await api.gtt.list({ status: ['NEW', 'ACTIVE'] })).some((r) => String(r.id) === id));
  await api.gtt.modify({
    id,
    symboltoken: '3045',
    exchange: 'NSE',
    price: trigger - 1,
    qty: 2,
    triggerprice: trigger - 1,
  });
  assert.equal(Number((await api.gtt.details(id)).qty), 2);
  await api.gtt.cancel({ id, symboltoken: '3045', exchange: 'NSE' });
  assert.equal((await api.gtt.details(id)).status, 'CANCELLED');
});

test('historical candles and analytics', async () => {
  broker.advance(10 * 60_000);
  const now = broker.market.now();
  const candles = await api.historical.candles({
    exchange: 'NSE',
    symboltoken: '3045',
    interval: 'ONE_MINUTE',
    fromdate: now - 30 * 60_000,
    todate: now,
  });
  assert.ok(candles.length > 0, 'the simulated market has minute bars');
  const [ts, o, h, l, c] = candles[0] ?? [];
  assert.match(String(ts), /\+05:30$/);
  assert.ok(
    (h as number) >= Math.max(o as number, c as number) &&
      (l as number) <= Math.min(o as number, c as number),
  );
  assert.ok(Array.isArray(await api.analytics.putCallRatio()));
});

test('margin and charges estimates', async () => {
  const m = await api.margin.calculate({
    positions: [
      { exchange: 'NSE', qty: 10, price: 0, productType: 'DELIVERY', token: '3045', tradeType: 'BUY' },
    ],
  });
  assert.ok(m.totalMarginRequired > 0);
  const c = await api.charges.estimate({
    orders: [
      {
        product_type: 'DELIVERY',
        transaction_type: 'BUY',
        quantity: 10,
        price: 800,
        exchange: 'NSE',
        symbol_name: 'SBIN-EQ',
        token: '3045',
      },
    ],
  });
  assert.ok(c.summary.total_charges > 0);
});

test('100 orderBook() calls fired at once finish with zero rate-limit rejections', async () => {
  const results = await Promise.allSettled(Array.from({ length: 100 }, () => api.orders.book()));
  const rejected = results.filter((r) => r.status === 'rejected');
  assert.equal(
    rejected.filter((r) => (r as PromiseRejectedResult).reason instanceof RateLimitError).length,
    0,
  );
  assert.equal(rejected.length, 0);
});

test('20 placements fired at once are queued to the 9/s order budget: the venue never answers 403', async () => {
  // A second client of the same client code shares the budget; its fetch counts the venue's answers.
  const statuses: number[] = [];
  const counting: typeof fetch = async (input, init) => {
    const res = await fetch(input, init);
    statuses.push(res.status);
    return res;
  };
  const other = new SmartApi({ apiKey: broker.account.apiKey, root: broker.url, fetch: counting });
  try {
    const s = api.session;
    assert.ok(s);
    other.setSession({ clientCode: s.clientCode, jwtToken: s.jwtToken, refreshToken: s.refreshToken });
    const { ltp } = await other.market.ltp({
      exchange: 'NSE',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
    });
    const price = Math.max(1, Math.floor(ltp * 0.9));
    const placed = await Promise.all(
      Array.from({ length: 20 }, () =>
        other.orders.place({
          variety: 'NORMAL',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          transactiontype: 'BUY',
          exchange: 'NSE',
          ordertype: 'LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          price,
          quantity: 1,
        }),
      ),
    );
    assert.equal(new Set(placed.map((p) => p.orderid)).size, 20);
    assert.equal(statuses.filter((s) => s === 403).length, 0, 'no rate-limit answer from the venue');
    assert.equal(statuses.length, 21, 'one request per call, none retried');
  } finally {
    other.close();
  }
});

test('logout ends the session', async () => {
  const other = new SmartApi({ apiKey: broker.account.apiKey, root: broker.url });
  try {
    await other.login({
      clientCode: broker.account.clientcode,
      password: broker.account.password,
      totp: broker.totp(),
    });
    await other.logout();
    assert.equal(other.session, undefined);
  } finally {
    other.close();
  }
});
