/**
 * Position rows carry `pnl` (realised + unrealised) like the live rows, over HTTP on the static market.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { sbinOrder, venue } from './admin-helpers.js';

async function positions(broker: PaperBroker, jwt: string) {
  const r = await venue(broker, jwt, 'getPosition');
  assert.equal(r.body?.status, true);
  return r.body?.data as Record<string, string>[];
}

test('getPosition rows carry pnl = realised + unrealised', async () => {
  const broker = await startPaperBroker({ market: 'static' });
  try {
    const { jwtToken } = await broker.login();
    const buy = await venue(broker, jwtToken, 'placeOrder', sbinOrder({ quantity: '10' }));
    assert.equal(buy.body?.status, true, JSON.stringify(buy.body));
    // Bought 10 at the best ask 800.05; the LTP moves to 810.00, then 5 are sold at the best bid 809.95.
    broker.staticMarket?.setPrice('NSE', '3045', 81_000);
    const sell = await venue(
      broker,
      jwtToken,
      'placeOrder',
      sbinOrder({ transactiontype: 'SELL', quantity: '5' }),
    );
    assert.equal(sell.body?.status, true, JSON.stringify(sell.body));
    const [row] = await positions(broker, jwtToken);
    assert.ok(row);
    assert.equal(row.realised, '49.50'); // 5 × (809.95 − 800.05)
    assert.equal(row.unrealised, '49.75'); // 5 × (810.00 − 800.05)
    assert.equal(row.pnl, '99.25');
    assert.equal(Number(row.pnl), Number(row.realised) + Number(row.unrealised));
  } finally {
    await broker.close();
  }
});
