/**
 * Portfolio API fidelity over HTTP (docs/protocol/portfolio-api.md): a carried F&O position keeps its
 * original average in `cf_org_avg_price` across day rolls while `upload_price` shows the settlement price
 * it was carried at; a holding lists every listing of its ISIN (NSE and BSE) in `instrument[]`.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPaise, PORTFOLIO_ROUTES } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, venue } from './admin-helpers.js';

// biome-ignore lint/suspicious/noExplicitAny: report rows
async function report(broker: PaperBroker, jwt: string, path: string): Promise<any[]> {
  const res = await fetch(broker.url + path, { headers: { 'access-token': jwt } });
  assert.equal(res.status, 200);
  return (await res.json()) as unknown[];
}

test('cf_org_avg_price keeps the original average across day rolls; upload_price is the settlement price', async () => {
  const broker = await startPaperBroker({ start: ist('15:20', '2026-12-04') }); // a Friday
  try {
    const jwt = (await broker.login()).jwtToken;
    const fut = broker.market
      .instruments()
      .filter((i) => i.exchange === 'NFO' && i.instrumentType === 'FUTIDX')
      .sort((a, b) => (b.expiry ?? 0) - (a.expiry ?? 0))[0];
    assert.ok(fut);
    const placed = await venue(broker, jwt, 'placeOrder', {
      variety: 'NORMAL',
      tradingsymbol: fut.symbol,
      symboltoken: fut.token,
      transactiontype: 'BUY',
      exchange: 'NFO',
      ordertype: 'MARKET',
      producttype: 'CARRYFORWARD',
      duration: 'DAY',
      price: '0',
      quantity: String(fut.lotSize),
    });
    assert.equal(placed.body?.status, true, placed.text);
    const trades = (await venue(broker, jwt, 'getTradeBook')).body?.data as { fillprice: string }[];
    assert.equal(trades.length, 1);
    const fill = Number(trades[0]?.fillprice);
    const before = (await report(broker, jwt, PORTFOLIO_ROUTES.positions.path))[0];
    assert.equal(before.cf_org_avg_price, '', 'nothing carried yet');
    assert.equal(before.upload_price, '0.00');

    // Two day rolls (Saturday, Sunday): the original average survives both.
    for (const day of ['2026-12-05', '2026-12-06']) {
      await broker.admin('POST', 'clock', { advanceTo: `${day}T10:00:00+05:30` });
      const [row] = await report(broker, jwt, PORTFOLIO_ROUTES.positions.path);
      assert.ok(row, `carried on ${day}`);
      assert.equal(row.cf_buy_quantity, String(fut.lotSize));
      assert.equal(Number(row.cf_org_avg_price), fill, `original average on ${day}`);
      // Carried at the settlement price of the previous day, which the upload price shows.
      assert.equal(row.upload_price, row.cf_avg_price);
      assert.notEqual(Number(row.upload_price), fill);
      const smart = (await venue(broker, jwt, 'getPosition')).body?.data as Record<string, string>[];
      assert.equal(smart[0]?.cfbuyavgprice, row.upload_price);
      assert.equal(formatPaise(Math.round(Number(row.cf_org_avg_price) * 100), 2), row.cf_org_avg_price);
    }
  } finally {
    await broker.close();
  }
});

test('a holding lists its NSE and BSE listings in instrument[]', async () => {
  const broker = await startPaperBroker({ market: 'static' });
  try {
    const jwt = (await broker.login()).jwtToken;
    const placed = await venue(broker, jwt, 'placeOrder', {
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'MARKET',
      producttype: 'DELIVERY',
      duration: 'DAY',
      price: '0',
      quantity: '5',
    });
    assert.equal(placed.body?.status, true, placed.text);
    const rows = await report(broker, jwt, PORTFOLIO_ROUTES.holdings.path);
    assert.equal(rows.length, 1);
    assert.deepEqual(rows[0].instrument, [
      { exchange_name: 1, token: '3045', trading_symbol: 'SBIN-EQ', lot_size: 1, tick_size: '0.05' },
      { exchange_name: 3, token: '500112', trading_symbol: 'SBIN', lot_size: 1, tick_size: '0.05' },
    ]);
  } finally {
    await broker.close();
  }
});
