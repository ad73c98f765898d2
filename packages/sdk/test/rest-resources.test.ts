import assert from 'node:assert/strict';
import { test } from 'node:test';
import { normalizePath, ROUTES, type RouteName } from '@smartapi-ts/protocol';
import { NotFoundError, SmartApi } from '../src/index.js';
import { fail, ok, TOKENS } from './support/rest-fakes.js';

type Sent = { path: string; method: string; body: unknown };

/** A client whose fetch answers per route name. */
function client(answers: Partial<Record<RouteName, unknown>>): { api: SmartApi; sent: Sent[] } {
  const sent: Sent[] = [];
  const byPath = new Map(Object.entries(answers).map(([k, v]) => [ROUTES[k as RouteName].path, v]));
  const api = new SmartApi({
    apiKey: 'res-key',
    root: 'http://paper.invalid',
    rateLimit: false,
    fetch: async (url, init) => {
      const path = normalizePath(new URL(url).pathname);
      sent.push({
        path,
        method: init.method,
        body: init.body === undefined ? undefined : JSON.parse(init.body),
      });
      const key = path.startsWith('/rest/secure/angelbroking/order/v1/details/')
        ? ROUTES.orderDetails.path
        : path;
      const a = byPath.get(key) ?? ok(null);
      return new Response(JSON.stringify(a));
    },
  });
  api.setSession({ clientCode: 'RS1', ...TOKENS });
  return { api, sent };
}

test('empty books are [] whether the venue sends null or its "not found" code', async () => {
  const { api } = client({
    getOrderBook: ok(null),
    getTradeBook: fail('AB1014', 'Trade not found'),
    getHolding: fail('AB1015', 'Holding not found'),
    getPosition: ok(''),
    searchScrip: ok(null),
    getCandleData: ok(null),
  });
  assert.deepEqual(await api.orders.book(), []);
  assert.deepEqual(await api.orders.trades(), []);
  assert.deepEqual(await api.portfolio.holdings(), []);
  assert.deepEqual(await api.portfolio.positions(), []);
  assert.deepEqual(await api.market.searchScrip({ exchange: 'NSE', searchscrip: 'ZZZ' }), []);
  const all = await api.portfolio.allHoldings();
  assert.deepEqual(all.holdings, []);
  assert.equal(all.totalholding.totalholdingvalue, 0);
  // other not-found codes still throw
  const { api: api2 } = client({ orderDetails: fail('AB1013', 'Order not found') });
  await assert.rejects(api2.orders.details('u-1'), NotFoundError);
});

test('numbers are coerced where the venue sends strings or numbers', async () => {
  const { api, sent } = client({
    getLtpData: ok({
      exchange: 'NSE',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: 3045,
      open: '190.5',
      high: 192,
      low: '189',
      close: '191.25',
      ltp: '191.80',
    }),
    orderDetails: ok({
      orderid: '1',
      price: '194.50',
      triggerprice: 0,
      squareoff: '0',
      stoploss: '0',
      trailingstoploss: '0',
      strikeprice: '-1',
      averageprice: '194.5',
      quantity: '1',
    }),
    getHolding: ok([
      {
        tradingsymbol: 'SBIN-EQ',
        quantity: '2',
        averageprice: '111.87',
        ltp: 130.15,
        close: '129',
        profitandloss: '37',
        pnlpercentage: '16.34',
        t1quantity: 0,
      },
    ]),
    gttCreateRule: ok({ id: 1000014 }),
    gttRuleDetails: ok({ status: 'NEW', price: '1000' }),
  });
  const ltp = await api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' });
  assert.deepEqual(ltp, {
    exchange: 'NSE',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    open: 190.5,
    high: 192,
    low: 189,
    close: 191.25,
    ltp: 191.8,
  });
  const d = await api.orders.details('a9f3c7e2-3b1d');
  assert.equal(d.price, 194.5);
  assert.equal(d.strikeprice, -1);
  assert.equal(d.quantity, '1', 'quantities stay as sent');
  assert.equal(sent.at(-1)?.path, '/rest/secure/angelbroking/order/v1/details/a9f3c7e2-3b1d');
  assert.equal(sent.at(-1)?.method, 'GET');
  const [h] = await api.portfolio.holdings();
  assert.equal(h?.quantity, 2);
  assert.equal(h?.averageprice, 111.87);
  const { id } = await api.gtt.create({
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
    transactiontype: 'BUY',
    producttype: 'MARGIN',
    price: '1000',
    qty: '10',
    triggerprice: 1100,
    timeperiod: 365,
  });
  assert.equal(id, '1000014');
  assert.deepEqual(sent.at(-1)?.body, {
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
    transactiontype: 'BUY',
    producttype: 'MARGIN',
    price: 1000,
    qty: 10,
    triggerprice: 1100,
    timeperiod: 365,
  });
  const rule = await api.gtt.details('1000014');
  assert.equal(rule.id, '1000014');
  assert.deepEqual(sent.at(-1)?.body, { id: 1000014 });
});

test('quote, candles (Date input → IST text), list defaults, convertPosition and analytics bodies', async () => {
  const { api, sent } = client({ quote: ok({ fetched: [{ ltp: 1 }] }) });
  const q = await api.market.quote({ mode: 'LTP', exchangeTokens: { NSE: ['3045'], NFO: [] } });
  assert.deepEqual(q, { fetched: [{ ltp: 1 }], unfetched: [] });
  assert.deepEqual(sent.at(-1)?.body, { mode: 'LTP', exchangeTokens: { NSE: ['3045'] } });
  await api.historical.candles({
    exchange: 'NSE',
    symboltoken: '99926000',
    interval: 'ONE_DAY',
    fromdate: new Date('2024-01-01T03:45:00Z'),
    todate: Date.parse('2024-06-28T10:00:00Z'),
  });
  assert.deepEqual(sent.at(-1)?.body, {
    exchange: 'NSE',
    symboltoken: '99926000',
    interval: 'ONE_DAY',
    fromdate: '2024-01-01 09:15',
    todate: '2024-06-28 15:30',
  });
  await api.gtt.list();
  assert.deepEqual(sent.at(-1)?.body, { status: ['FORALL'], page: 1, count: 10 });
  await api.portfolio.convertPosition({
    exchange: 'NSE',
    oldproducttype: 'INTRADAY',
    newproducttype: 'DELIVERY',
    tradingsymbol: 'SBIN-EQ',
    transactiontype: 'BUY',
    quantity: '1',
    type: 'DAY',
  });
  assert.equal((sent.at(-1)?.body as { quantity?: unknown } | undefined)?.quantity, 1);
  await api.analytics.oiBuildup({ expirytype: 'NEAR', datatype: 'Long Built Up' });
  assert.equal(sent.at(-1)?.path, ROUTES.oiBuildup.path);
  await api.analytics.putCallRatio();
  assert.deepEqual([sent.at(-1)?.method, sent.at(-1)?.body], ['GET', undefined]);
  await api.edis.verifyDis({ isin: 'ine002a01018', quantity: 1 });
  assert.deepEqual(sent.at(-1)?.body, { isin: 'INE002A01018', quantity: '1' });
  await api.charges.estimate({
    orders: [
      {
        product_type: 'DELIVERY',
        transaction_type: 'BUY',
        quantity: 10,
        price: 800,
        exchange: 'NSE',
        symbol_name: 'RELIANCE-EQ',
        token: '2885',
      },
    ],
  });
  assert.deepEqual(sent.at(-1)?.body, {
    orders: [
      {
        product_type: 'DELIVERY',
        transaction_type: 'BUY',
        quantity: '10',
        price: '800',
        exchange: 'NSE',
        symbol_name: 'RELIANCE-EQ',
        token: '2885',
      },
    ],
  });
});
