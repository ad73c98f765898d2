/**
 * Rules that reject live (docs/paper-broker-rules.md#rules-that-reject-live), each over HTTP against a
 * running broker on the manual clock: SL-M refused for NSE options and on BSE, limit prices outside the
 * LPP band, AMOs outside the broker's AMO window. A rejection is answered like every RMS rejection:
 * `status:false` AB4001 with the text and the ids, and a `rejected` row in the book.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, formatPaise } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { lppRange } from '../src/engine/risk/live-rules.js';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

type Inst = ReturnType<PaperBroker['market']['instruments']>[number];

/** The first tradable instrument of `exchange` with scrip-master type `type` (nearest expiry). */
function find(broker: PaperBroker, exchange: string, type: string): Inst {
  const list = broker.market
    .instruments()
    .filter((i) => i.exchange === exchange && i.instrumentType === type && i.tradable)
    .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0));
  const inst = list[Math.floor(list.length / 2)];
  assert.ok(inst, `${exchange} ${type} in the universe`);
  return inst;
}

function orderOf(inst: Inst, over: Record<string, string>): Record<string, string> {
  return {
    variety: 'NORMAL',
    tradingsymbol: inst.symbol,
    symboltoken: inst.token,
    transactiontype: 'BUY',
    exchange: inst.exchange,
    ordertype: 'LIMIT',
    producttype: inst.segment === 'EQ' ? 'INTRADAY' : 'CARRYFORWARD',
    duration: 'DAY',
    quantity: String(inst.lotSize),
    ...over,
  };
}

/** Places an order; returns the envelope and the order's book row. */
async function place(broker: PaperBroker, jwt: string, body: Record<string, string>) {
  const r = await venue(broker, jwt, 'placeOrder', body);
  assert.equal(r.status, 200);
  const env = r.body;
  assert.ok(env);
  const orderid = env.data?.orderid as string;
  assert.match(orderid, /^\d{15}$/, JSON.stringify(env));
  const row = (await orderBook(broker, jwt)).find((o) => o.orderid === orderid);
  assert.ok(row, 'the order is in the book');
  return { env, row };
}

async function assertRejected(broker: PaperBroker, jwt: string, body: Record<string, string>, text: RegExp) {
  const { env, row } = await place(broker, jwt, body);
  assert.equal(env.status, false, JSON.stringify(env));
  assert.equal(env.errorcode, ErrorCode.ORDER_REJECTED_BY_RMS);
  assert.match(env.message, text);
  assert.equal(row.status, 'rejected');
  assert.equal(row.text, env.message);
  return env.message;
}

async function assertAccepted(broker: PaperBroker, jwt: string, body: Record<string, string>) {
  const { env, row } = await place(broker, jwt, body);
  assert.equal(env.status, true, JSON.stringify(env));
  assert.notEqual(row.status, 'rejected');
  return row;
}

describe('live rules during the session', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('SL-M is refused for NSE index options and on BSE; allowed for NSE equity and futures', async () => {
    const opt = find(broker, 'NFO', 'OPTIDX');
    const ltp = broker.market.quote('NFO', opt.token)?.ltp ?? 0;
    assert.ok(ltp > 0);
    const trigger = formatPaise(Math.ceil((ltp * 1.1) / opt.tickSize) * opt.tickSize, 2);
    await assertRejected(
      broker,
      jwt,
      orderOf(opt, { variety: 'STOPLOSS', ordertype: 'STOPLOSS_MARKET', price: '0', triggerprice: trigger }),
      /^Stop loss market \(STOPLOSS_MARKET\) orders are not allowed for options on NFO\. Place a STOPLOSS_LIMIT order instead$/,
    );
    const sbinBse = broker.market.instrument('BSE', '500112');
    assert.ok(sbinBse);
    const bseLtp = broker.market.quote('BSE', '500112')?.ltp ?? 0;
    await assertRejected(
      broker,
      jwt,
      orderOf(sbinBse, {
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_MARKET',
        transactiontype: 'SELL',
        price: '0',
        triggerprice: formatPaise(Math.floor((bseLtp * 0.95) / 5) * 5, 2),
      }),
      /^Stop loss market \(STOPLOSS_MARKET\) orders are not allowed on BSE\. Place a STOPLOSS_LIMIT order instead$/,
    );
    const nseLtp = broker.market.quote('NSE', '3045')?.ltp ?? 0;
    const row = await assertAccepted(
      broker,
      jwt,
      sbinOrder({
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_MARKET',
        transactiontype: 'SELL',
        triggerprice: formatPaise(Math.floor((nseLtp * 0.95) / 5) * 5, 2),
      }),
    );
    assert.equal(row.status, 'trigger pending');
    const fut = find(broker, 'NFO', 'FUTIDX');
    const futLtp = broker.market.quote('NFO', fut.token)?.ltp ?? 0;
    const futRow = await assertAccepted(
      broker,
      jwt,
      orderOf(fut, {
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_MARKET',
        price: '0',
        triggerprice: formatPaise(Math.ceil((futLtp * 1.01) / fut.tickSize) * fut.tickSize, 2),
      }),
    );
    assert.equal(futRow.status, 'trigger pending');
  });

  test('LPP: an option limit beyond max(40 %, ₹20) of the LTP is refused, the band edge is accepted', async () => {
    const opt = find(broker, 'NFO', 'OPTIDX');
    const ltp = broker.market.quote('NFO', opt.token)?.ltp ?? 0;
    const range = lppRange(opt, ltp, broker.market.now());
    assert.ok(range);
    assert.equal(range.high, Math.floor((ltp + Math.max(Math.round(ltp * 0.4), 2000)) / 5) * 5);
    const text = await assertRejected(
      broker,
      jwt,
      orderOf(opt, { price: formatPaise(range.high + opt.tickSize, 2) }),
      /^Order price is beyond the Limit Price Protection range defined by the exchange\. Please reduce the limit price to [\d.]+ or below$/,
    );
    assert.ok(text.endsWith(`${formatPaise(range.high, 2)} or below`));
    await assertAccepted(broker, jwt, orderOf(opt, { price: formatPaise(range.high, 2) }));
    // A sell below the low limit (an exit of the long just bought) is refused the same way.
    if (range.low > opt.tickSize) {
      await assertRejected(
        broker,
        jwt,
        orderOf(opt, { transactiontype: 'SELL', price: formatPaise(range.low - opt.tickSize, 2) }),
        /Please increase the limit price to [\d.]+ or above$/,
      );
    }
  });

  test('LPP: futures ±3 %; equity has no LPP band (the circuit limits apply instead)', async () => {
    const fut = find(broker, 'NFO', 'FUTIDX');
    const ltp = broker.market.quote('NFO', fut.token)?.ltp ?? 0;
    const range = lppRange(fut, ltp, broker.market.now());
    assert.ok(range);
    assert.equal(range.low, Math.ceil((ltp - Math.round(ltp * 0.03)) / fut.tickSize) * fut.tickSize);
    await assertRejected(
      broker,
      jwt,
      orderOf(fut, { transactiontype: 'SELL', price: formatPaise(range.low - fut.tickSize, 2) }),
      /^Order price is beyond the Limit Price Protection range/,
    );
    const sbin = broker.market.instrument('NSE', '3045');
    assert.ok(sbin);
    assert.equal(lppRange(sbin, 80_000, broker.market.now()), undefined);
  });
});

describe('AMO windows (manual clock)', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('15:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  const limit = (over: Record<string, string> = {}) =>
    sbinOrder({ ordertype: 'LIMIT', price: '800.00', producttype: 'DELIVERY', quantity: '1', ...over });

  test('NSE equity: refused between the close and 15:45, accepted from 15:45 until 08:57 next morning', async () => {
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:40:00+05:30' });
    await assertRejected(
      broker,
      jwt,
      limit(),
      /^After market orders for NSE are accepted from 15:45 to 08:57 IST$/,
    );
    await assertRejected(broker, jwt, limit({ variety: 'AMO' }), /^After market orders for NSE/);
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T15:45:00+05:30' });
    const row = await assertAccepted(broker, jwt, limit({ variety: 'AMO' }));
    assert.equal(row.status, 'after market order req received');
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T08:56:00+05:30' });
    assert.equal((await assertAccepted(broker, jwt, limit())).status, 'after market order req received');
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T08:57:30+05:30' });
    await assertRejected(
      broker,
      jwt,
      limit(),
      /^After market orders for NSE are accepted from 15:45 to 08:57 IST$/,
    );
  });

  test('BSE equity until 08:59, NSE F&O until 09:10', async () => {
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T08:58:00+05:30' });
    await assertRejected(broker, jwt, limit(), /for NSE/);
    const bse = limit({ exchange: 'BSE', symboltoken: '500112', tradingsymbol: 'SBIN' });
    assert.equal((await assertAccepted(broker, jwt, bse)).status, 'after market order req received');
    const fut = find(broker, 'NFO', 'FUTIDX');
    const ltp = broker.market.quote('NFO', fut.token)?.ltp ?? 0;
    const futOrder = orderOf(fut, { price: formatPaise(Math.floor(ltp / fut.tickSize) * fut.tickSize, 2) });
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T09:09:00+05:30' });
    assert.equal((await assertAccepted(broker, jwt, futOrder)).status, 'after market order req received');
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T09:11:00+05:30' });
    await assertRejected(
      broker,
      jwt,
      futOrder,
      /^After market orders for NFO are accepted from 15:45 to 09:10 IST$/,
    );
  });

  test('any time on a day without a session (Saturday midday)', async () => {
    const weekend = await startPaperBroker({ start: ist('15:25', '2026-12-04') }); // a Friday
    try {
      const wjwt = (await weekend.login()).jwtToken;
      await weekend.admin('POST', 'clock', { advanceTo: '2026-12-05T12:00:00+05:30' });
      assert.equal((await assertAccepted(weekend, wjwt, limit())).status, 'after market order req received');
    } finally {
      await weekend.close();
    }
  });
});

describe('market protection (static market)', () => {
  test('a MARKET order is a limit at LTP ± 0.5 %: it keeps its type, shows the limit, and the rest rests there', async () => {
    const broker = await startPaperBroker({ market: 'static' });
    try {
      const jwt = (await broker.login()).jwtToken;
      // The asks hold 1500 shares from 800.05 to 800.25; the LTP is 800.00, so the limit is 804.00.
      const row = await assertAccepted(broker, jwt, sbinOrder({ quantity: '2000' }));
      assert.equal(row.ordertype, 'MARKET');
      assert.equal(row.price, '804.00');
      assert.equal(row.status, 'open');
      assert.equal(row.filledshares, '1500');
      assert.equal(row.unfilledshares, '500');
      // A sell at market: limit 796.00; it fills at the best bid.
      const sell = await assertAccepted(broker, jwt, sbinOrder({ transactiontype: 'SELL', quantity: '10' }));
      assert.equal(sell.price, '796.00');
      assert.equal(sell.status, 'complete');
      assert.equal(sell.averageprice, '799.95');
    } finally {
      await broker.close();
    }
  });
});
