/**
 * Settlement on trading days over HTTP with the manual clock (docs/paper-broker-rules.md#settlement-on-trading-days):
 * a Friday delivery buy is T1 on Friday and over the weekend and settles on Monday; an exchange holiday
 * (Tuesday 24 Nov 2026) is skipped too; a BTST sale of T1 quantity is accepted and comes out of T1 (the
 * settled quantity first when there is one).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, sbinOrder, venue } from './admin-helpers.js';

interface HoldingRow {
  t1quantity: number;
  realisedquantity: number;
  quantity: number;
}

async function sbinHolding(broker: PaperBroker, jwt: string): Promise<HoldingRow | undefined> {
  const rows = ((await venue(broker, jwt, 'getHolding')).body?.data ?? []) as (HoldingRow & {
    symboltoken: string;
  })[];
  const h = rows.find((r) => r.symboltoken === '3045');
  return h && { t1quantity: h.t1quantity, realisedquantity: h.realisedquantity, quantity: h.quantity };
}

const cnc = (over: Record<string, string> = {}) => sbinOrder({ producttype: 'DELIVERY', ...over });

describe('T+1 on trading days: a Friday buy settles on Monday', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('15:00', '2026-12-04') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('T1 on Friday, Saturday and Sunday; settled on Monday', async () => {
    const r = await venue(broker, jwt, 'placeOrder', cnc({ quantity: '10' }));
    assert.equal(r.body?.status, true, r.text);
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 10, realisedquantity: 0, quantity: 10 });
    for (const day of ['2026-12-05', '2026-12-06']) {
      await broker.admin('POST', 'clock', { advanceTo: `${day}T10:00:00+05:30` });
      assert.deepEqual(
        await sbinHolding(broker, jwt),
        { t1quantity: 10, realisedquantity: 0, quantity: 10 },
        day,
      );
    }
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-07T09:00:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 0, realisedquantity: 10, quantity: 10 });
  });
});

describe('T+1 skips an exchange holiday', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:00', '2026-11-23') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('Monday buy, Tuesday holiday (still T1), settled on Wednesday', async () => {
    const r = await venue(broker, jwt, 'placeOrder', cnc({ quantity: '7' }));
    assert.equal(r.body?.status, true, r.text);
    await broker.admin('POST', 'clock', { advanceTo: '2026-11-24T11:00:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 7, realisedquantity: 0, quantity: 7 });
    await broker.admin('POST', 'clock', { advanceTo: '2026-11-25T09:00:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 0, realisedquantity: 7, quantity: 7 });
  });
});

describe('BTST: selling T1 quantity', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('15:00', '2026-12-03') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('a sale of T1 quantity is accepted and leaves T1; settled quantity is sold first', async () => {
    // Thursday: buy 10 (T1), sell 4 of them the same day.
    assert.equal((await venue(broker, jwt, 'placeOrder', cnc({ quantity: '10' }))).body?.status, true);
    const sell = await venue(broker, jwt, 'placeOrder', cnc({ quantity: '4', transactiontype: 'SELL' }));
    assert.equal(sell.body?.status, true, sell.text);
    assert.equal((await sbinHolding(broker, jwt))?.quantity, 6);
    // Friday (a trading day): the 6 left settle.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T09:20:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 0, realisedquantity: 6, quantity: 6 });
    // Friday: buy 5 more (T1) and sell 8: 6 settled first, then 2 of the T1 (BTST).
    assert.equal((await venue(broker, jwt, 'placeOrder', cnc({ quantity: '5' }))).body?.status, true);
    const sell2 = await venue(broker, jwt, 'placeOrder', cnc({ quantity: '8', transactiontype: 'SELL' }));
    assert.equal(sell2.body?.status, true, sell2.text);
    const tooMany = await venue(broker, jwt, 'placeOrder', cnc({ quantity: '4', transactiontype: 'SELL' }));
    assert.equal(tooMany.body?.status, false);
    assert.match(tooMany.body?.message ?? '', /Insufficient Holdings. Available quantity - 3/);
    // Saturday: the sales left (6 settled, 2 T1); 3 remain T1 until Monday.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-05T10:00:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 3, realisedquantity: 0, quantity: 3 });
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-07T10:00:00+05:30' });
    assert.deepEqual(await sbinHolding(broker, jwt), { t1quantity: 0, realisedquantity: 3, quantity: 3 });
  });
});
