/**
 * Product cut-offs and auto square-off over HTTP with the manual clock (docs/paper-broker-rules.md#product-cut-offs-and-auto-square-off):
 * intraday orders before the NSE cut-off (15:20) are accepted and after it refused (DELIVERY still
 * accepted, AMOs after the close accepted); at 15:20 pending intraday orders are cancelled, the open
 * intraday position is closed by a MARKET order tagged AUTOSQUAREOFF, the ₹20 + GST charge leaves cash
 * and is on the square-off trade (`othercharges`, contract note),
 * and DELIVERY orders and positions are untouched; conversions to INTRADAY are refused after the cut-off.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

/** Paise charged for the fills of `orderid` today, from the account's contract note. */
async function chargesOfOrder(broker: PaperBroker, orderid: string): Promise<number> {
  const r = await broker.admin('GET', `accounts/${broker.account.clientcode}/contract-note`);
  assert.equal(r.status, 200, JSON.stringify(r.body));
  const trades = (r.body.data as { trades: { orderid: string; charges: number }[] }).trades;
  return Math.round(trades.filter((t) => t.orderid === orderid).reduce((a, t) => a + t.charges, 0) * 100);
}

/** Paise of `othercharges` on each contract-note row of `orderid` (the square-off charge's row). */
async function otherChargesOfOrder(broker: PaperBroker, orderid: string): Promise<number[]> {
  const r = await broker.admin('GET', `accounts/${broker.account.clientcode}/contract-note`);
  const note = r.body.data as {
    trades: { orderid: string; othercharges: number }[];
    totals: { othercharges: number };
  };
  return note.trades.filter((t) => t.orderid === orderid).map((t) => Math.round(t.othercharges * 100));
}

async function positions(broker: PaperBroker, jwt: string) {
  // biome-ignore lint/suspicious/noExplicitAny: position rows
  return ((await venue(broker, jwt, 'getPosition')).body?.data ?? []) as any[];
}

async function cash(broker: PaperBroker, jwt: string): Promise<number> {
  return Number((await venue(broker, jwt, 'getRMS')).body?.data.availablecash);
}

describe('intraday cut-off (NSE 15:20)', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('15:10') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('accepted at 15:10, refused at 15:21 (DELIVERY still accepted), AMO after the close accepted', async () => {
    const early = await venue(broker, jwt, 'placeOrder', sbinOrder());
    assert.equal(early.body?.status, true, early.text);
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:21:00+05:30' });
    const late = await venue(broker, jwt, 'placeOrder', sbinOrder());
    assert.equal(late.body?.status, false, late.text);
    assert.equal(late.body?.errorcode, 'AB4001');
    assert.match(
      late.body?.message ?? '',
      /INTRADAY orders are not allowed on NSE after the intraday cut-off time 15:20/,
    );
    const row = (await orderBook(broker, jwt)).find((o) => o.orderid === late.body?.data.orderid);
    assert.equal(row.status, 'rejected');
    const cnc = await venue(broker, jwt, 'placeOrder', sbinOrder({ producttype: 'DELIVERY' }));
    assert.equal(cnc.body?.status, true, cnc.text);
    // After the close an INTRADAY order is an AMO for the next session: not refused.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T16:10:00+05:30' });
    const amo = await venue(broker, jwt, 'placeOrder', sbinOrder({ variety: 'AMO' }));
    assert.equal(amo.body?.status, true, amo.text);
    const amoRow = (await orderBook(broker, jwt)).find((o) => o.orderid === amo.body?.data.orderid);
    assert.equal(amoRow.status, 'after market order req received');
  });
});

describe('auto square-off at 15:20', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('15:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('pending intraday orders cancelled, the position closed at market and tagged, charge debited; DELIVERY untouched', async () => {
    const buy = await venue(broker, jwt, 'placeOrder', sbinOrder({ quantity: '10' }));
    assert.equal(buy.body?.status, true, buy.text);
    const ltp = Number(
      (
        await venue(broker, jwt, 'getLtpData', {
          exchange: 'NSE',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
        })
      ).body?.data.ltp,
    );
    const low = (Math.round(ltp * 0.9 * 20) / 20).toFixed(2);
    const pending = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: low, quantity: '3' }),
    );
    const cncPending = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: low, quantity: '2', producttype: 'DELIVERY' }),
    );
    const cnc = await venue(broker, jwt, 'placeOrder', sbinOrder({ quantity: '5', producttype: 'DELIVERY' }));
    assert.equal(cnc.body?.status, true, cnc.text);
    // Convert 1 DELIVERY → INTRADAY before the cut-off works (and is squared off too).
    const conv = await venue(broker, jwt, 'convertPosition', {
      exchange: 'NSE',
      symboltoken: '3045',
      tradingsymbol: 'SBIN-EQ',
      oldproducttype: 'DELIVERY',
      newproducttype: 'INTRADAY',
      transactiontype: 'BUY',
      quantity: 1,
      type: 'DAY',
    });
    assert.equal(conv.body?.status, true, conv.text);

    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:19:50+05:30' });
    const before = await cash(broker, jwt);
    let book = await orderBook(broker, jwt);
    assert.equal(book.find((o) => o.orderid === pending.body?.data.orderid).status, 'open');
    assert.equal(book.filter((o) => o.ordertag === 'AUTOSQUAREOFF').length, 0);

    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:21:00+05:30' });
    book = await orderBook(broker, jwt);
    const cancelled = book.find((o) => o.orderid === pending.body?.data.orderid);
    assert.equal(cancelled.status, 'cancelled');
    assert.match(cancelled.text, /auto square-off/);
    assert.equal(book.find((o) => o.orderid === cncPending.body?.data.orderid).status, 'open');
    const auto = book.filter((o) => o.ordertag === 'AUTOSQUAREOFF');
    assert.equal(auto.length, 1);
    assert.equal(auto[0].ordertype, 'MARKET');
    assert.equal(auto[0].transactiontype, 'SELL');
    assert.equal(auto[0].producttype, 'INTRADAY');
    assert.equal(auto[0].quantity, '11');
    assert.equal(auto[0].status, 'complete');
    assert.match(auto[0].text, /Auto square-off/);
    const pos = await positions(broker, jwt);
    assert.equal(pos.find((p) => p.producttype === 'INTRADAY').netqty, '0');
    assert.equal(pos.find((p) => p.producttype === 'DELIVERY').netqty, '4');
    // ₹20 + 18 % GST = ₹23.60 per square-off order, out of cash, on top of the fill's own charges.
    const fillCharges = await chargesOfOrder(broker, auto[0].orderid);
    assert.ok(fillCharges > 0, 'the square-off fill is charged like any fill');
    assert.equal(Math.round((before - (await cash(broker, jwt))) * 100), 2360 + fillCharges);
    // The charge is on the square-off trade (its first fill) as `othercharges`, shown on the contract note.
    const other = await otherChargesOfOrder(broker, auto[0].orderid);
    assert.equal(other[0], 2360);
    assert.equal(
      other.reduce((a, b) => a + b, 0),
      2360,
      'once per square-off order',
    );

    // Later clock moves do not square off again.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:28:00+05:30' });
    assert.equal((await orderBook(broker, jwt)).filter((o) => o.ordertag === 'AUTOSQUAREOFF').length, 1);

    // Conversions to INTRADAY are refused after the cut-off.
    const late = await venue(broker, jwt, 'convertPosition', {
      exchange: 'NSE',
      symboltoken: '3045',
      tradingsymbol: 'SBIN-EQ',
      oldproducttype: 'DELIVERY',
      newproducttype: 'INTRADAY',
      transactiontype: 'BUY',
      quantity: 1,
      type: 'DAY',
    });
    assert.equal(late.body?.status, false);
    assert.equal(late.body?.errorcode, 'AB1017');
    assert.match(late.body?.message ?? '', /after the intraday cut-off time 15:20/);
    assert.equal((await positions(broker, jwt)).find((p) => p.producttype === 'DELIVERY').netqty, '4');
  });
});

describe('configured square-off time (server config `intraday`)', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({
      start: ist('14:00'),
      intraday: {
        times: { NSE: { cutoff: { at: 14 * 60 + 10 }, squareOff: { at: 14 * 60 + 15 } } },
        charge: { perOrder: 5000, gst: 0 },
      },
    });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('cut-off 14:10 and square-off 14:15 with a ₹50 charge', async () => {
    assert.equal((await venue(broker, jwt, 'placeOrder', sbinOrder())).body?.status, true);
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T14:11:00+05:30' });
    const late = await venue(broker, jwt, 'placeOrder', sbinOrder());
    assert.match(late.body?.message ?? '', /after the intraday cut-off time 14:10/);
    const before = await cash(broker, jwt);
    assert.equal((await orderBook(broker, jwt)).filter((o) => o.ordertag === 'AUTOSQUAREOFF').length, 0);
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T14:16:00+05:30' });
    const auto = (await orderBook(broker, jwt)).filter((o) => o.ordertag === 'AUTOSQUAREOFF');
    assert.equal(auto.length, 1);
    assert.equal(auto[0].status, 'complete');
    assert.equal((await positions(broker, jwt)).find((p) => p.producttype === 'INTRADAY').netqty, '0');
    const fillCharges = await chargesOfOrder(broker, auto[0].orderid);
    assert.equal(Math.round((before - (await cash(broker, jwt))) * 100), 5000 + fillCharges);
    assert.deepEqual(await otherChargesOfOrder(broker, auto[0].orderid), [5000]);
  });
});
