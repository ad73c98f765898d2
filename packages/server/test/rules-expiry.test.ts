/**
 * Expiry settlement over HTTP with the manual clock (docs/paper-broker-rules.md#expiry): NIFTY options
 * held into their expiry settle at the final settlement price = the index's average over the last 30
 * minutes (compared with the 1-minute candles `getCandleData` serves); an in-the-money long call is
 * exercised with STT on exercise on the contract note and in funds; an out-of-the-money call expires
 * worthless; a SBIN future held into expiry becomes a SBIN holding (physical delivery) that settles T+1;
 * a short SBIN future delivers the shares held, a short RELIANCE future without shares is a short
 * delivery closed out 20 % above the settlement price.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import type { Instrument } from '../src/market/types.js';
import { ist, sbinOrder, venue } from './admin-helpers.js';

const paise = (rupees: unknown) => Math.round(Number(rupees) * 100);

/** A MARKET CARRYFORWARD order body for an NFO contract. */
function foOrder(i: Instrument, side: 'BUY' | 'SELL', lots = 1): Record<string, string> {
  return {
    ...sbinOrder(),
    tradingsymbol: i.symbol,
    symboltoken: i.token,
    exchange: i.exchange,
    producttype: 'CARRYFORWARD',
    transactiontype: side,
    quantity: String(i.lotSize * lots),
  };
}

async function placeFilled(broker: PaperBroker, jwt: string, body: Record<string, string>): Promise<void> {
  const r = await venue(broker, jwt, 'placeOrder', body);
  assert.equal(r.body?.status, true, r.text);
  const book = (await venue(broker, jwt, 'getOrderBook')).body?.data as
    | { orderid: string; status: string; text: string }[]
    | undefined;
  const row = book?.find((x) => x.orderid === r.body?.data.orderid);
  assert.equal(row?.status, 'complete', JSON.stringify(row));
}

/** Average of the 1-minute closes of the NIFTY index from 15:00 to 15:29 of `day` (rupees → paise). */
async function last30Average(broker: PaperBroker, jwt: string, day: string): Promise<number> {
  const r = await venue(broker, jwt, 'getCandleData', {
    exchange: 'NSE',
    symboltoken: '99926000',
    interval: 'ONE_MINUTE',
    fromdate: `${day} 15:00`,
    todate: `${day} 15:29`,
  });
  const rows = (r.body?.data ?? []) as [string, number, number, number, number, number][];
  assert.equal(rows.length, 30, r.text);
  return rows.reduce((s, row) => s + Math.round(row[4] * 100), 0) / rows.length;
}

describe('expiry: NIFTY options cash-settle at the last-30-minute average', () => {
  const DAY = '2026-12-08'; // a Tuesday: NIFTY weekly expiry
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:45', DAY), funds: 1_000_000 });
  });
  after(() => broker.close());

  test('ITM long call exercised (STT on exercise), OTM call expires worthless', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const expiry = Date.parse(`${DAY}T00:00:00+05:30`);
    const spot = broker.market.quote('NSE', '99926000')?.ltp ?? 0;
    assert.ok(spot > 0);
    const calls = broker.market
      .instruments()
      .filter(
        (i) => i.exchange === 'NFO' && i.name === 'NIFTY' && i.expiry === expiry && i.optionType === 'CE',
      );
    const itm = calls
      .filter((i) => (i.strike ?? 0) <= spot - 40_000)
      .sort((a, b) => b.strike! - a.strike!)[0];
    const otm = calls
      .filter((i) => (i.strike ?? 0) >= spot + 40_000)
      .sort((a, b) => a.strike! - b.strike!)[0];
    assert.ok(itm && otm, 'an ITM and an OTM NIFTY call of the day');
    await placeFilled(broker, jwt, foOrder(itm, 'BUY'));
    await placeFilled(broker, jwt, foOrder(otm, 'BUY'));
    const before = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    assert.equal(before.trades.length, 2);

    // The expiry afternoon and the day roll into Wednesday.
    const r = await broker.admin('POST', 'clock', { advanceTo: '2026-12-09T09:00:00+05:30' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { jwtToken: jwt2 } = await broker.login();

    const fsp = await last30Average(broker, jwt2, DAY);
    const note = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    assert.equal(note.trades.length, 4, JSON.stringify(note.trades));
    const rowOf = (token: string) =>
      note.trades.find(
        (t: { symboltoken: string; settlement?: string }) => t.symboltoken === token && t.settlement,
      );
    const ex = rowOf(itm.token);
    const ot = rowOf(otm.token);
    assert.equal(ex.settlement, 'exercised');
    assert.equal(ot.settlement, 'expired');
    // The final settlement price is the average of the candles' closes (to the paisa).
    assert.ok(Math.abs(paise(ex.settlementprice) - fsp) <= 1, `${ex.settlementprice} vs ${fsp / 100}`);
    const intrinsic = paise(ex.settlementprice) - itm.strike!;
    assert.ok(intrinsic > 0);
    assert.equal(paise(ex.price), intrinsic);
    assert.equal(ex.transactiontype, 'SELL');
    assert.equal(ex.quantity, itm.lotSize);
    // STT on exercise: 0.15 % (from 1 Apr 2026) of the intrinsic value × quantity; nothing else.
    const stt = Math.round((intrinsic * itm.lotSize * 15) / 10_000);
    assert.equal(paise(ex.stt), stt);
    assert.equal(paise(ex.charges), stt);
    assert.equal(paise(ex.brokerage), 0);
    assert.equal(paise(ot.price), 0);
    assert.equal(paise(ot.charges), 0);
    assert.equal(paise(note.totals.totalcharges), paise(before.totals.totalcharges) + stt);

    // The settlement rows are not fills: the trade book of the day had only the two buys.
    // Positions are closed; funds = initial + the day's net amount (premiums, intrinsic, all charges).
    const positions = ((await venue(broker, jwt2, 'getPosition')).body?.data ?? []) as {
      symboltoken: string;
      netqty: string;
    }[];
    for (const p of positions) assert.equal(Number(p.netqty), 0, JSON.stringify(p));
    const rms = (await venue(broker, jwt2, 'getRMS')).body?.data;
    assert.equal(paise(rms.availablecash), 100_000_000 + paise(note.totals.netamount));
    assert.ok(paise(note.totals.netamount) > -paise(before.totals.buyvalue), 'the exercise paid out');
  });
});

describe('expiry: stock futures settle by physical delivery, index futures in cash', () => {
  const DAY = '2026-12-29'; // the last Tuesday of December: monthly expiry
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:45', DAY), funds: 1_000_000 });
  });
  after(() => broker.close());

  test('a long SBIN future becomes a SBIN holding at the final settlement price, settled T+1', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const expiry = Date.parse(`${DAY}T00:00:00+05:30`);
    const fut = broker.market
      .instruments()
      .find(
        (i) =>
          i.exchange === 'NFO' && i.instrumentType === 'FUTSTK' && i.name === 'SBIN' && i.expiry === expiry,
      );
    assert.ok(fut, 'the SBIN future of the day');
    const nifty = broker.market
      .instruments()
      .find(
        (i) =>
          i.exchange === 'NFO' && i.instrumentType === 'FUTIDX' && i.name === 'NIFTY' && i.expiry === expiry,
      );
    assert.ok(nifty, 'the NIFTY future of the day');
    await placeFilled(broker, jwt, foOrder(fut, 'BUY'));
    await placeFilled(broker, jwt, foOrder(nifty, 'SELL'));

    const r = await broker.admin('POST', 'clock', { advanceTo: '2026-12-30T09:00:00+05:30' });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const { jwtToken: jwt2 } = await broker.login();
    const note = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    const row = note.trades.find(
      (t: { settlement?: string; symboltoken: string }) => t.settlement && t.symboltoken === fut.token,
    );
    assert.equal(row.settlement, 'final');
    // The index future cash-settles at the index's last-30-minute average: no delivery, no charge.
    const ix = note.trades.find(
      (t: { settlement?: string; symboltoken: string }) => t.settlement && t.symboltoken === nifty.token,
    );
    assert.equal(ix.settlement, 'final');
    assert.equal(ix.transactiontype, 'BUY');
    assert.equal(ix.delivery, undefined);
    assert.equal(paise(ix.charges), 0);
    assert.ok(Math.abs(paise(ix.price) - (await last30Average(broker, jwt2, DAY))) <= 1);
    assert.equal(row.delivery.side, 'BUY');
    assert.equal(row.delivery.quantity, fut.lotSize);
    assert.equal(row.delivery.price, row.settlementprice);
    assert.equal(row.delivery.shortquantity, 0);
    // STT at the delivery rate (0.1 %) on the delivery value.
    const value = paise(row.settlementprice) * fut.lotSize;
    assert.equal(paise(row.stt), Math.round(value / 1000));

    const holdings = ((await venue(broker, jwt2, 'getHolding')).body?.data ?? []) as {
      symboltoken: string;
      quantity: number;
      t1quantity: number;
      realisedquantity: number;
      averageprice: number;
    }[];
    const h = holdings.find((x) => x.symboltoken === '3045');
    assert.ok(h, JSON.stringify(holdings));
    // Bought on the expiry day (T), settled on the next trading day (T+1).
    assert.equal(h.quantity, fut.lotSize);
    assert.equal(h.realisedquantity, fut.lotSize);
    assert.equal(h.t1quantity, 0);
    assert.equal(paise(h.averageprice), paise(row.settlementprice));
    const positions = ((await venue(broker, jwt2, 'getPosition')).body?.data ?? []) as { netqty: string }[];
    for (const p of positions) assert.equal(Number(p.netqty), 0);
    // Funds paid the delivery value: initial + the day's net amount − delivery value.
    const rms = (await venue(broker, jwt2, 'getRMS')).body?.data;
    assert.equal(paise(rms.availablecash), 100_000_000 + paise(note.totals.netamount) - value);
    // The Portfolio API shows the holding too.
    const report = await fetch(`${broker.url}/report/holdings/`, { headers: { 'access-token': jwt2 } });
    assert.equal(report.status, 200);
    const rows = (await report.json()) as { instrument: { token: string }[]; holding_quantity: string }[];
    const sbin = rows.find((x) => x.instrument.some((i) => i.token === '3045'));
    assert.equal(Number(sbin?.holding_quantity), fut.lotSize);
  });
});

describe('expiry: short stock futures deliver from the holdings; without them, a short delivery', () => {
  const DAY = '2026-12-29';
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:45', DAY), funds: 3_000_000 });
  });
  after(() => broker.close());

  test('short SBIN future against SBIN bought today; short RELIANCE future not held: closed out', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const expiry = Date.parse(`${DAY}T00:00:00+05:30`);
    const fut = (name: string) =>
      broker.market
        .instruments()
        .find(
          (i) =>
            i.exchange === 'NFO' && i.instrumentType === 'FUTSTK' && i.name === name && i.expiry === expiry,
        )!;
    const sbin = fut('SBIN');
    const rel = fut('RELIANCE');
    await placeFilled(broker, jwt, sbinOrder({ producttype: 'DELIVERY', quantity: String(sbin.lotSize) }));
    await placeFilled(broker, jwt, foOrder(sbin, 'SELL'));
    await placeFilled(broker, jwt, foOrder(rel, 'SELL'));

    await broker.admin('POST', 'clock', { advanceTo: '2026-12-30T09:00:00+05:30' });
    const { jwtToken: jwt2 } = await broker.login();
    const note = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    const rowOf = (token: string) =>
      note.trades.find(
        (t: { symboltoken: string; settlement?: string }) => t.symboltoken === token && t.settlement,
      );
    const s = rowOf(sbin.token);
    const r = rowOf(rel.token);
    assert.equal(s.delivery.side, 'SELL');
    assert.equal(s.delivery.shortquantity, 0, 'delivered out of the shares bought today');
    assert.equal(r.delivery.side, 'SELL');
    assert.equal(r.delivery.shortquantity, rel.lotSize, 'no RELIANCE held: short delivery');
    // Close-out 20 % above the final settlement price.
    assert.equal(paise(r.delivery.closeoutprice), Math.round(paise(r.settlementprice) * 1.2));

    const holdings = ((await venue(broker, jwt2, 'getHolding')).body?.data ?? []) as {
      symboltoken: string;
      quantity: number;
    }[];
    assert.equal(
      holdings.find((h) => h.symboltoken === '3045')?.quantity ?? 0,
      0,
      'the SBIN shares were delivered',
    );
    assert.equal(
      holdings.find((h) => h.symboltoken === '2885'),
      undefined,
    );
    // Cash: initial + the day's net amount (delivery buy of SBIN is a fill) + both delivery sales − close-out.
    const sold = paise(s.delivery.value) + paise(r.delivery.value);
    const closeout = rel.lotSize * paise(r.delivery.closeoutprice);
    const rms = (await venue(broker, jwt2, 'getRMS')).body?.data;
    assert.equal(paise(rms.availablecash), 300_000_000 + paise(note.totals.netamount) + sold - closeout);
  });
});

describe('expiry: stock options settle by physical delivery at the strike', () => {
  const DAY = '2026-12-29';
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:45', DAY), funds: 3_000_000 });
  });
  after(() => broker.close());

  test('an exercised long call and an assigned short put buy shares at their strikes', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const expiry = Date.parse(`${DAY}T00:00:00+05:30`);
    const spot = broker.market.quote('NSE', '3045')?.ltp ?? 0;
    const opts = broker.market
      .instruments()
      .filter(
        (i) =>
          i.exchange === 'NFO' && i.instrumentType === 'OPTSTK' && i.name === 'SBIN' && i.expiry === expiry,
      );
    const by = (type: 'CE' | 'PE', pred: (strike: number) => boolean, dir: 1 | -1) =>
      opts
        .filter((i) => i.optionType === type && pred(i.strike!))
        .sort((a, b) => dir * (a.strike! - b.strike!))[0]!;
    const call = by('CE', (k) => k <= spot - 3_000, -1); // ITM by ≥ ₹30
    const put = by('PE', (k) => k >= spot + 3_000, 1); // ITM by ≥ ₹30
    assert.ok(call && put, 'SBIN options of the day');
    await placeFilled(broker, jwt, foOrder(call, 'BUY'));
    await placeFilled(broker, jwt, foOrder(put, 'SELL'));

    await broker.admin('POST', 'clock', { advanceTo: '2026-12-30T09:00:00+05:30' });
    const { jwtToken: jwt2 } = await broker.login();
    const note = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    const rowOf = (token: string) =>
      note.trades.find(
        (t: { symboltoken: string; settlement?: string }) => t.symboltoken === token && t.settlement,
      );
    const c = rowOf(call.token);
    const p = rowOf(put.token);
    assert.equal(c.settlement, 'exercised');
    assert.equal(p.settlement, 'assigned');
    for (const [row, inst] of [
      [c, call],
      [p, put],
    ] as const) {
      assert.equal(row.delivery.side, 'BUY');
      assert.equal(row.delivery.quantity, inst.lotSize);
      assert.equal(paise(row.delivery.price), inst.strike);
      assert.equal(paise(row.stt), Math.round((inst.strike! * inst.lotSize) / 1000), 'delivery STT 0.1 %');
    }
    const holdings = ((await venue(broker, jwt2, 'getHolding')).body?.data ?? []) as {
      symboltoken: string;
      quantity: number;
      averageprice: number;
    }[];
    const h = holdings.find((x) => x.symboltoken === '3045');
    assert.equal(h?.quantity, call.lotSize * 2);
    assert.equal(paise(h?.averageprice), Math.round((call.strike! + put.strike!) / 2));
    const value = (call.strike! + put.strike!) * call.lotSize;
    const rms = (await venue(broker, jwt2, 'getRMS')).body?.data;
    assert.equal(paise(rms.availablecash), 300_000_000 + paise(note.totals.netamount) - value);
  });
});
