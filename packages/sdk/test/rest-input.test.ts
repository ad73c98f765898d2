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

async function rejects(p: Promise<unknown>, field: RegExp): Promise<void> {
  const e = await p.then(
    () => undefined,
    (x: unknown) => x,
  );
  assert.ok(e instanceof InputError, `expected InputError, got ${String(e)}`);
  assert.equal(e.httpStatus, 0);
  assert.match(e.message, field);
}

test('order checks: required fields, enums, numeric strings, ordertag length, price/trigger by type', async () => {
  const { api, sent } = client();
  const bad = (over: Record<string, unknown>) => api.orders.place({ ...ORDER, ...over } as PlaceOrderParams);
  await rejects(bad({ tradingsymbol: '' }), /tradingsymbol is required/);
  await rejects(bad({ variety: 'FAST' }), /variety must be one of/);
  await rejects(bad({ exchange: 'NASDAQ' }), /exchange must be one of/);
  await rejects(bad({ quantity: 'ten' }), /quantity must be a whole number/);
  await rejects(bad({ quantity: '1.5' }), /quantity must be a whole number/);
  await rejects(bad({ quantity: 0 }), /quantity must be greater than 0/);
  await rejects(bad({ price: '-1' }), /price/);
  await rejects(bad({ price: undefined }), /price is required/);
  await rejects(bad({ ordertype: 'STOPLOSS_LIMIT' }), /triggerprice is required/);
  await rejects(bad({ variety: 'ROBO' }), /squareoff is required/);
  await rejects(bad({ ordertag: 'x'.repeat(21) }), /ordertag must be at most 20/);
  await rejects(api.orders.place(null as never), /params must be an object/);
  await rejects(api.orders.cancel({ orderid: '', variety: 'NORMAL' }), /orderid is required/);
  await rejects(api.orders.modify({ ...ORDER, orderid: '1', quantity: 'x' } as never), /quantity/);
  await rejects(api.orders.details(''), /uniqueorderid/);
  assert.equal(sent(), 0, 'nothing was sent');
  // a 20-character tag and a MARKET order without price are fine
  await api.orders.place({ ...ORDER, ordertag: 'x'.repeat(20) });
  const { price: _price, ...market } = ORDER;
  await api.orders.place({ ...market, ordertype: 'MARKET' });
  assert.equal(sent(), 2);
});

test('market, historical, GTT, margin, charges, EDIS and analytics checks', async () => {
  const { api, sent } = client();
  const tokens = Array.from({ length: 51 }, (_, i) => String(1000 + i));
  await rejects(api.market.quote({ mode: 'FULL', exchangeTokens: { NSE: tokens } }), /at most 50 tokens/);
  await rejects(api.market.quote({ mode: 'FULL', exchangeTokens: {} }), /at least one token/);
  await rejects(api.market.quote({ mode: 'DEEP' as never, exchangeTokens: { NSE: ['1'] } }), /mode/);
  await rejects(
    api.market.quote({ mode: 'LTP', exchangeTokens: { XYZ: ['1'] } as never }),
    /exchangeTokens keys/,
  );
  await rejects(
    api.market.ltp({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '' }),
    /symboltoken/,
  );
  await rejects(api.market.searchScrip({ exchange: 'NSE', searchscrip: '' }), /searchscrip/);
  const candle = { exchange: 'NSE', symboltoken: '3045', interval: 'ONE_MINUTE' } as const;
  await rejects(
    api.historical.candles({ ...candle, fromdate: '2024-01-01 09:15', todate: '2024-03-01 09:15' }),
    /at most 30 days/,
  );
  await rejects(
    api.historical.candles({ ...candle, fromdate: '2024-01-02 09:15', todate: '2024-01-01 09:15' }),
    /before/,
  );
  await rejects(
    api.historical.candles({ ...candle, fromdate: '02/01/2024', todate: '2024-01-02 10:00' }),
    /yyyy-MM-dd HH:mm/,
  );
  await rejects(
    api.historical.oiData({
      ...candle,
      exchange: 'CDS',
      fromdate: '2024-01-01 09:15',
      todate: '2024-01-01 10:15',
    }),
    /exchange/,
  );
  await rejects(
    api.historical.candles({
      ...candle,
      interval: 'SIXTY_MINUTE' as never,
      fromdate: '2024-01-01 09:15',
      todate: '2024-01-01 10:15',
    }),
    /interval/,
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
  await rejects(api.gtt.create({ ...gtt, exchange: 'NFO' }), /exchange must be one of NSE, BSE/);
  await rejects(
    api.gtt.create({ ...gtt, producttype: 'INTRADAY' }),
    /producttype must be one of DELIVERY, MARGIN/,
  );
  await rejects(api.gtt.list({ status: [] }), /status/);
  await rejects(api.gtt.list({ status: ['OPEN' as never] }), /status/);
  await rejects(api.gtt.details(''), /id/);
  await rejects(api.margin.calculate({ positions: [] }), /positions/);
  await rejects(
    api.margin.calculate({
      positions: [
        { exchange: 'NSE', qty: 1, price: 0, productType: 'X' as never, token: '1', tradeType: 'BUY' },
      ],
    }),
    /productType/,
  );
  await rejects(api.charges.estimate({ orders: [] }), /orders/);
  await rejects(api.edis.verifyDis({ isin: 'BAD', quantity: '1' }), /isin/);
  await rejects(api.analytics.optionGreek({ name: 'TCS', expirydate: '2024-01-25' }), /expirydate/);
  await rejects(
    api.analytics.oiBuildup({ expirytype: 'NEAR', datatype: 'Long  Built Up' as never }),
    /datatype/,
  );
  await rejects(
    api.analytics.gainersLosers({ datatype: 'PercOIGainers', expirytype: 'LATER' as never }),
    /expirytype/,
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
    /differ/,
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
