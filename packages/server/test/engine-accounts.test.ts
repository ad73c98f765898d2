import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection, orderUpdateData } from '../src/engine/index.js';
import { Harness, sbin } from './engine-harness.js';

describe('engine: accounts', () => {
  it('openAccount refuses duplicates (AB1003); resetAccount restores funds and deletes the rows', () => {
    const h = new Harness();
    const dup = h.engine.openAccount('A1', 5, h.ctx());
    assert.ok(isRejection(dup.result) && dup.result.errorcode === 'AB1003');
    assert.equal(dup.events.length, 0);
    h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    h.place(sbin({ price: '790' }));
    h.run((e, c) =>
      e.gttCreate(
        'A1',
        {
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          exchange: 'NSE',
          producttype: 'DELIVERY',
          transactiontype: 'BUY',
          price: 700,
          qty: 1,
          triggerprice: 700,
        },
        c,
      ),
    );
    const r = h.run((e, c) => e.resetAccount('A1', c, 50_000_00));
    assert.deepEqual(
      r.events.map((e) => e.type),
      ['reset', 'funds'],
    );
    assert.equal(h.engine.orderBook('A1', h.ctx()), null);
    assert.equal(h.engine.positions('A1', h.ctx()), null);
    assert.equal(h.engine.state.workingByInstrument.size, 0);
    assert.equal(h.engine.state.gttByInstrument.size, 0);
    const rms = h.engine.rms('A1', h.ctx());
    assert.ok(!isRejection(rms));
    assert.equal(rms.net, '50000.00');
    // A reset without funds goes back to the (new) initial funds.
    h.run((e, c) => e.resetAccount('A1', c));
    assert.equal(h.engine.state.accounts.get('A1')?.funds.cash, 50_000_00);
    assert.ok(isRejection(h.engine.resetAccount('nobody', h.ctx()).result));
  });

  it('accounts are isolated: no cross-account view, cancel or modify', () => {
    const h = new Harness();
    h.record(h.engine.openAccount('B2', 1_000_000_00, h.ctx()).events);
    const r = h.place(sbin({ price: '790' }));
    assert.ok(!isRejection(r.result));
    const id = r.result.orderid;
    assert.equal(h.engine.orderBook('B2', h.ctx()), null);
    const c = h.engine.cancelOrder('B2', { variety: 'NORMAL', orderid: id }, h.ctx());
    assert.ok(isRejection(c.result) && c.result.errorcode === 'AB1013');
    const m = h.engine.modifyOrder('B2', { variety: 'NORMAL', orderid: id, quantity: 1 }, h.ctx());
    assert.ok(isRejection(m.result) && m.result.errorcode === 'AB1013');
    assert.ok(isRejection(h.engine.orderDetails('B2', r.result.uniqueorderid)));
    assert.ok(!isRejection(h.engine.orderDetails('A1', r.result.uniqueorderid)));
    // B2's resting order fills on the same quote; A1's is untouched by B2's.
    const r2 = h.place(sbin({ price: '795' }), 'B2');
    assert.ok(!isRejection(r2.result));
    const t = h.tick('NSE', '3045', { ltp: 79_400 });
    assert.deepEqual(
      t.events.filter((e) => e.type === 'trade').map((e) => e.clientcode),
      ['B2'],
    );
  });

  it('order-update data carries numeric prices and the pushed status', () => {
    const h = new Harness();
    const r = h.place(sbin({ price: '790', ordertag: 'x' }));
    const first = r.events[0];
    assert.ok(first?.type === 'order' && first.update === 'AB09');
    const d = orderUpdateData(first.order, first.update);
    assert.equal(d.status, 'open pending');
    assert.equal(d.orderstatus, 'open pending');
    assert.equal(d.price, 790);
    assert.equal(d.quantity, '10');
    assert.equal(d.clientcode, 'A1');
    assert.equal(d.ordertag, 'x');
  });
});

describe('engine: EDIS (simulated)', () => {
  it('verifyDis authorises a holding once per day; getTranStatus reports it; generateTPIN accepts its fields', () => {
    const h = new Harness();
    h.engine.seedHolding(
      'A1',
      { exchange: 'NSE', symboltoken: '3045', quantity: 10, averageprice: 70_000 },
      h.ctx(),
    );
    const v = h.run((e, c) => e.verifyDis('A1', { isin: 'INE062A01020', quantity: '4' }, c));
    assert.ok(!isRejection(v.result));
    assert.match(v.result.ReqId, /^\d{16}$/);
    assert.equal(v.result.version, '1.1');
    assert.equal(typeof v.result.TransDtls, 'string');
    assert.equal(h.engine.holdings('A1', h.ctx())[0]?.authorisedquantity, 4);
    const again = h.engine.verifyDis('A1', { isin: 'INE062A01020', quantity: '4' }, h.ctx());
    assert.ok(isRejection(again.result));
    assert.equal(again.result.errorcode, 'AG1000');
    assert.deepEqual(again.result.data, {
      ReqId: v.result.ReqId,
      ReturnURL: null,
      DPId: null,
      BOID: null,
      TransDtls: null,
      version: null,
    });
    const unknown = h.engine.verifyDis('A1', { isin: 'INE000000000', quantity: '1' }, h.ctx());
    assert.ok(isRejection(unknown.result) && unknown.result.errorcode === 'AG2001');
    const st = h.engine.getTranStatus('A1', { ReqId: v.result.ReqId }, h.ctx());
    assert.ok(!isRejection(st));
    assert.equal(st.TransResDtls.RecordResDtls[0]?.Status, '1');
    assert.equal(st.TransResDtls.ReqType, 'D');
    assert.equal(st.TransResDtls.ResTime, '20112026100000');
    const other = h.engine.getTranStatus('A1', { ReqId: '1' }, h.ctx());
    assert.ok(!isRejection(other));
    assert.equal(other.TransResDtls.RecordResDtls[0]?.Status, '0');
    assert.equal(h.engine.generateTpin('A1', { dpId: '33200', ReqId: '1', boid: '1', pan: 'X' }), null);
    const bad = h.engine.generateTpin('A1', { dpId: '33200' });
    assert.ok(isRejection(bad) && bad.errorcode === 'AG2001');
  });
});

describe('engine: pluggable models', () => {
  it('a custom FillModel decides fills (here: everything at the LTP, even resting orders)', () => {
    const fills: number[] = [];
    const h = new Harness({
      fillModel: {
        fill(order, quote) {
          fills.push(order.quantity);
          return [{ price: quote.ltp, quantity: order.quantity }];
        },
      },
    });
    const r = h.place(sbin({ price: '790' }));
    assert.ok(!isRejection(r.result));
    const o = h.engine.order('A1', r.result.orderid);
    assert.equal(o?.status, 'open'); // a fill above the buy limit is refused by the engine
    h.tick('NSE', '3045', { ltp: 78_000 });
    assert.equal(h.engine.order('A1', r.result.orderid)?.status, 'complete');
    assert.equal(h.engine.order('A1', r.result.orderid)?.filledvalue, 78_000 * 10);
    assert.deepEqual(fills, [10, 10]);
  });

  it('a custom FeeModel deducts charges from cash with a funds event', () => {
    const h = new Harness({ feeModel: { feeForFill: (t) => ({ amount: t.quantity * 100 }) } });
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    const funds = r.events.filter((e) => e.type === 'funds');
    assert.equal(funds.length, 1);
    assert.equal(h.engine.state.accounts.get('A1')?.funds.cash, 1_000_000_000 - 1000);
  });

  it('custom margin rates apply', () => {
    const h = new Harness({ marginRates: { equityIntraday: 0.5 } });
    const r = h.place(sbin({ price: '790' }));
    assert.ok(!isRejection(r.result));
    assert.equal(h.engine.order('A1', r.result.orderid)?.blockedmargin, 79_000 * 10 * 0.5);
  });
});

describe('engine: partial fills', () => {
  it('a partly filled order keeps the proportional margin; cancel releases the rest', () => {
    const h = new Harness();
    // Only 1000 units at 800.05 inside the limit: 1000 of 3000 fill, the rest rests.
    const r = h.place(sbin({ price: '800.05', quantity: 3000 }));
    assert.ok(!isRejection(r.result));
    const id = r.result.orderid;
    const o = h.engine.order('A1', id);
    assert.equal(o?.status, 'open');
    assert.equal(o?.filledshares, 1000);
    assert.equal(o?.blockedmargin, Math.round((Math.ceil(80_005 * 3000 * 0.2) * 2000) / 3000));
    const row = h.engine.orderBook('A1', h.ctx())?.[0];
    assert.equal(row?.filledshares, '1000');
    assert.equal(row?.unfilledshares, '2000');
    assert.equal(row?.averageprice, '800.05');
    h.run((e, c) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, c));
    const done = h.engine.order('A1', id);
    assert.equal(done?.status, 'cancelled');
    assert.equal(done?.cancelsize, 2000);
    assert.equal(done?.blockedmargin, 0);
    assert.equal(h.engine.funds('A1', h.market)?.ordersMargin, 0);
  });

  it('modifying a trigger-pending stop moves its trigger', () => {
    const h = new Harness();
    const r = h.place(
      sbin({
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_LIMIT',
        transactiontype: 'SELL',
        triggerprice: '790',
        price: '789',
      }),
    );
    assert.ok(!isRejection(r.result));
    const id = r.result.orderid;
    const m = h.run((e, c) =>
      e.modifyOrder(
        'A1',
        {
          variety: 'STOPLOSS',
          orderid: id,
          ordertype: 'STOPLOSS_LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          triggerprice: '795',
          price: '794',
          quantity: '10',
        },
        c,
      ),
    );
    assert.ok(!isRejection(m.result));
    const o = h.engine.order('A1', id);
    assert.equal(o?.status, 'trigger pending');
    assert.equal(o?.triggerprice, 79_500);
    // A trigger on the wrong side of the LTP is refused and leaves the order as it was.
    const bad = h.engine.modifyOrder(
      'A1',
      {
        variety: 'STOPLOSS',
        orderid: id,
        ordertype: 'STOPLOSS_LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        triggerprice: '805',
        price: '804',
        quantity: '10',
      },
      h.ctx(),
    );
    assert.ok(isRejection(bad.result));
    assert.equal(h.engine.order('A1', id)?.triggerprice, 79_500);
  });
});
