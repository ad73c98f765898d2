import assert from 'node:assert/strict';
import { test } from 'node:test';
import { InputError, type PlaceOrderParams, SmartApi } from '../src/index.js';
import { SBIN_LIMIT_ORDER as ORDER, ok, TOKENS } from './support/rest-fakes.js';

function client(): { api: SmartApi; sent: () => number } {
  let n = 0;
  const api = new SmartApi({
    apiKey: 'input-key',
    rateLimit: false,
    fetch: async () => {
      n++;
      return new Response(JSON.stringify(ok(null)));
    },
  });
  api.setSession({ clientCode: 'IN1', ...TOKENS });
  return { api, sent: () => n };
}

/** Asserts an `InputError` with the venue code and message the paper broker would answer. */
async function rejects(p: Promise<unknown>, code: string, message: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
  assert.equal(e.httpStatus, 0);
  assert.equal(e.code, code, e.message);
  assert.match(e.message, message);
}

test('order checks: the protocol rules, with the venue codes and messages', async () => {
  const { api, sent } = client();
  const bad = (over: Record<string, unknown>) => api.orders.place({ ...ORDER, ...over } as PlaceOrderParams);
  await rejects(bad({ tradingsymbol: '' }), 'AB1009', /Symbol Not Found/);
  await rejects(bad({ variety: 'FAST' }), 'AB1008', /Invalid Order Variety/);
  await rejects(bad({ exchange: 'NASDAQ' }), 'AB1009', /Invalid Exchange/);
  await rejects(bad({ symboltoken: ' ' }), 'AB4018', /Symbol token cannot be empty/);
  await rejects(bad({ quantity: 'ten' }), 'AB9001', /Invalid Quantity/);
  await rejects(bad({ quantity: '1.5' }), 'AB9001', /Invalid Quantity/);
  await rejects(bad({ quantity: 0 }), 'AB9001', /Invalid Quantity/);
  await rejects(bad({ price: '-1' }), 'AB9001', /Invalid Price/);
  await rejects(bad({ price: undefined }), 'AB9001', /Invalid Price/);
  await rejects(bad({ ordertype: 'STOPLOSS_LIMIT' }), 'AB9001', /Invalid Trigger Price/);
  await rejects(bad({ variety: 'STOPLOSS' }), 'AB1008', /Invalid Order Variety/);
  await rejects(bad({ ordertag: 'x'.repeat(20) }), 'AB4008', /less than 20 characters/);
  await rejects(api.orders.place(null as never), 'AB9001', /Invalid request body/);
  await rejects(api.orders.cancel({ orderid: '', variety: 'NORMAL' }), 'AB1013', /Order not found/);
  await rejects(api.orders.modify({ ...ORDER, orderid: '1', quantity: 'x' } as never), 'AB9001', /Quantity/);
  assert.equal(sent(), 0, 'nothing was sent');
  // a 19-character tag, a MARKET order without price and a Python-float quantity are fine
  await api.orders.place({ ...ORDER, ordertag: 'x'.repeat(19) });
  const { price: _price, ...market } = ORDER;
  await api.orders.place({ ...market, ordertype: 'MARKET' });
  await api.orders.place({ ...ORDER, quantity: '1.0' });
  assert.equal(sent(), 3);
});

test('market, historical, GTT, margin, charges, EDIS and analytics checks', async () => {
  const { api, sent } = client();
  const tokens = Array.from({ length: 51 }, (_, i) => String(1000 + i));
  await rejects(
    api.market.quote({ mode: 'FULL', exchangeTokens: { NSE: tokens } }),
    'AB1018',
    /Maximum 50 tokens/,
  );
  await rejects(
    api.market.quote({ mode: 'DEEP' as never, exchangeTokens: { NSE: ['1'] } }),
    'AB1018',
    /Invalid mode/,
  );
  await rejects(
    api.market.quote({ mode: 'LTP', exchangeTokens: { XYZ: ['1'] } as never }),
    'AB1018',
    /Invalid exchange XYZ/,
  );
  await rejects(
    api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '' }),
    'AB4018',
    /Symbol token cannot be empty/,
  );
  await rejects(api.market.searchScrip({ exchange: 'NSE', searchscrip: '' }), 'AB1018', /searchscrip/);
  const candle = { exchange: 'NSE', symboltoken: '3045', interval: 'ONE_MINUTE' } as const;
  await rejects(
    api.historical.candles({ ...candle, fromdate: '2024-01-01 09:15', todate: '2024-03-01 09:15' }),
    'AB1018',
    /Maximum 30 days/,
  );
  await rejects(
    api.historical.candles({ ...candle, fromdate: '2024-01-02 09:15', todate: '2024-01-01 09:15' }),
    'AB1018',
    /fromdate must not be after todate/,
  );
  await rejects(
    api.historical.candles({ ...candle, fromdate: '02/01/2024', todate: '2024-01-02 10:00' }),
    'AB1018',
    /yyyy-MM-dd HH:mm/,
  );
  await rejects(
    api.historical.oiData({
      ...candle,
      exchange: 'CDS',
      fromdate: '2024-01-01 09:15',
      todate: '2024-01-01 10:15',
    }),
    'AB1018',
    /Invalid exchange/,
  );
  await rejects(
    api.historical.candles({
      ...candle,
      interval: 'SIXTY_MINUTE' as never,
      fromdate: '2024-01-01 09:15',
      todate: '2024-01-01 10:15',
    }),
    'AB1018',
    /Invalid interval/,
  );
  const gtt = {
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
    transactiontype: 'BUY',
    producttype: 'DELIVERY',
    price: 1,
    qty: 1,
    triggerprice: 1,
  } as const;
  await rejects(api.gtt.create({ ...gtt, exchange: 'NFO' }), 'AB9010', /Invalid Exchange Segment/);
  await rejects(api.gtt.create({ ...gtt, producttype: 'INTRADAY' }), 'AB9015', /Invalid Product Type/);
  await rejects(api.gtt.create({ ...gtt, qty: 0 }), 'AB9006', /Invalid Order Quantity/);
  await rejects(api.gtt.list({ status: [] }), 'AB9004', /Invalid Status Array Size/);
  await rejects(api.gtt.list({ status: ['OPEN' as never] }), 'AB9004', /Invalid Status Array Size/);
  await rejects(api.gtt.details(''), 'AB9013', /Invalid Rule ID/);
  await rejects(api.margin.calculate({ positions: [] }), 'AB9001', /positions must hold 1 to 50/);
  await rejects(
    api.margin.calculate({
      positions: [
        { exchange: 'NSE', qty: 1, price: 0, productType: 'X' as never, token: '1', tradeType: 'BUY' },
      ],
    }),
    'AB1012',
    /Invalid Product Type/,
  );
  await rejects(api.charges.estimate({ orders: [] }), 'AB9001', /orders must hold 1 to 50/);
  await rejects(api.edis.verifyDis({ isin: 'BAD', quantity: '1' }), 'AG2001', /Something went wrong/);
  await rejects(api.analytics.optionGreek({ name: 'TCS', expirydate: '2024-01-25' }), 'AB1018', /expirydate/);
  await rejects(
    api.analytics.oiBuildup({ expirytype: 'NEAR', datatype: 'Long  Built Up' as never }),
    'AB1018',
    /Invalid datatype/,
  );
  await rejects(
    api.analytics.gainersLosers({ datatype: 'PercOIGainers', expirytype: 'LATER' as never }),
    'AB1018',
    /Invalid expirytype/,
  );
  await rejects(
    api.portfolio.convertPosition({
      exchange: 'NSE',
      oldproducttype: 'INTRADAY',
      newproducttype: 'INTRADAY',
      tradingsymbol: 'X',
      transactiontype: 'BUY',
      quantity: 1,
      type: 'DAY',
    }),
    'AB1017',
    /invalid product types/,
  );
  assert.equal(sent(), 0, 'nothing was sent');
});

test('not logged in: authenticated calls fail fast with AuthenticationError (AG8003), nothing sent', async () => {
  let n = 0;
  const api = new SmartApi({
    apiKey: 'k',
    fetch: async () => {
      n++;
      return new Response('{}');
    },
  });
  const e = await api.orders.book().catch((x: unknown) => x);
  assert.equal((e as { code?: string }).code, 'AG8003');
  assert.equal(n, 0);
});
