import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { PORTFOLIO_ROUTES } from '@smartapi-ts/protocol';
import { pathOf, startTestBroker, type TestBroker } from './app-helpers.js';

describe('Portfolio API (/report/holdings/, /report/positions/)', () => {
  let t: TestBroker;
  let jwt: string;
  before(async () => {
    t = await startTestBroker();
    jwt = (await t.login()).jwtToken;
    const place = (body: Record<string, string>) =>
      t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: {
          variety: 'NORMAL',
          exchange: 'NSE',
          ordertype: 'MARKET',
          duration: 'DAY',
          price: '0',
          ...body,
        },
      });
    for (const body of [
      {
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        producttype: 'INTRADAY',
        quantity: '10',
      },
      {
        tradingsymbol: 'RELIANCE-EQ',
        symboltoken: '2885',
        transactiontype: 'SELL',
        producttype: 'INTRADAY',
        quantity: '3',
      },
      {
        tradingsymbol: 'INFY-EQ',
        symboltoken: '1594',
        transactiontype: 'BUY',
        producttype: 'DELIVERY',
        quantity: '4',
      },
    ]) {
      const r = await place(body);
      assert.equal(r.json().status, true, r.body);
    }
    t.market.setPrice('NSE', '3045', 81_000);
  });
  after(() => t.close());

  const get = (path: string, headers: Record<string, string>) =>
    t.server.app.inject({ method: 'GET', url: path, headers });

  it('positions agree with getPosition (quantities, averages, LTP, P&L)', async () => {
    const res = await get(PORTFOLIO_ROUTES.positions.path, {
      'access-token': jwt,
      'Content-Type': 'application/json',
    });
    assert.equal(res.statusCode, 200);
    const rows = res.json() as Record<string, unknown>[];
    assert.ok(Array.isArray(rows), 'a bare JSON array');
    const smart = (await get(pathOf('getPosition'), t.headers(jwt))).json().data as Record<string, string>[];
    assert.equal(rows.length, smart.length);
    for (const p of smart) {
      const r = rows.find((x) => x.token === p.symboltoken);
      assert.ok(r, `row for ${p.symboltoken}`);
      assert.equal(r.trading_symbol, p.tradingsymbol);
      assert.equal(Number(r.net_quantity), Number(p.netqty));
      assert.equal(Number(r.day_buy_quantity), Number(p.buyqty));
      assert.equal(Number(r.day_sell_quantity), Number(p.sellqty));
      assert.equal(r.exchange_name, 1);
      assert.equal(typeof r.order_type, 'number');
      assert.equal(typeof r.lot_size, 'number');
      assert.equal(typeof r.net_avg_price, 'string');
      if (p.ltp !== undefined) assert.equal(Number(r.last_trade_price), Number(p.ltp));
      if (p.unrealised !== undefined) assert.equal(Number(r.unrealized_mtom), Number(p.unrealised));
    }
    const sbin = rows.find((x) => x.token === '3045');
    assert.equal(sbin?.last_trade_price, '810.00');
  });

  it('holdings agree with getHolding', async () => {
    const res = await get(PORTFOLIO_ROUTES.holdings.path, { 'access-token': `Bearer ${jwt}` });
    assert.equal(res.statusCode, 200);
    const rows = res.json() as {
      instrument: { token: string; exchange_name: number }[];
      holding_quantity: string;
      btst_quantity: string;
    }[];
    const smart = (await get(pathOf('getHolding'), t.headers(jwt))).json().data as {
      symboltoken: string;
      quantity: number;
    }[];
    assert.ok(Array.isArray(rows));
    assert.equal(rows.length, smart.length);
    for (const h of smart) {
      const r = rows.find((x) => x.instrument.some((i) => i.token === h.symboltoken));
      assert.ok(r, `holding ${h.symboltoken}`);
      assert.equal(Number(r.holding_quantity) + Number(r.btst_quantity), h.quantity);
    }
  });

  it('answers HTTP 401 with a JSON error for a missing or bad token; no trailing slash works too', async () => {
    const missing = await get(PORTFOLIO_ROUTES.holdings.path, {});
    assert.equal(missing.statusCode, 401);
    assert.deepEqual(missing.json(), { message: 'Token missing', errorcode: 'AG8003' });
    const bad = await get(PORTFOLIO_ROUTES.positions.path, { 'access-token': 'nope' });
    assert.equal(bad.statusCode, 401);
    assert.equal(bad.json().errorcode, 'AG8001');
    const noSlash = await get('/report/positions', { 'access-token': jwt });
    assert.equal(noSlash.statusCode, 200);
  });

  it('never shows another account’s rows', async () => {
    const other = await t.newAccount();
    const { jwtToken } = await t.login(other);
    const res = await get(PORTFOLIO_ROUTES.positions.path, { 'access-token': jwtToken });
    assert.deepEqual(res.json(), []);
  });
});
