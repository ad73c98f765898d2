import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection } from '../src/engine/index.js';
import { Harness, sbin } from './engine-harness.js';

function view(h: Harness) {
  return JSON.stringify({
    tb: h.engine.tradeBook('A1', h.ctx()),
    pos: h.engine.positions('A1', h.ctx()),
    hold: h.engine.holdings('A1', h.ctx()),
    rms: h.engine.rms('A1', h.ctx()),
    gtt: h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 100 }),
  });
}

const fut = (over: Record<string, unknown> = {}) => ({
  variety: 'NORMAL',
  tradingsymbol: 'NIFTY26NOV26FUT',
  symboltoken: '35006',
  transactiontype: 'BUY',
  exchange: 'NFO',
  ordertype: 'LIMIT',
  producttype: 'CARRYFORWARD',
  duration: 'DAY',
  price: '24000',
  quantity: '75',
  ...over,
});

describe('engine: synchronous (gateway) rejections leave no trace', () => {
  const cases: [string, unknown, string][] = [
    ['not an object', 'nope', 'AB9001'],
    ['array body', [], 'AB9001'],
    ['bad variety', sbin({ variety: 'FAST' }), 'AB1008'],
    ['missing variety', sbin({ variety: null }), 'AB1008'],
    ['STOPLOSS variety with a LIMIT order', sbin({ variety: 'STOPLOSS' }), 'AB1008'],
    ['bad product', sbin({ producttype: 'CNC' }), 'AB1012'],
    ['BO product outside ROBO', sbin({ producttype: 'BO' }), 'AB1012'],
    [
      'ROBO with DELIVERY',
      sbin({ variety: 'ROBO', producttype: 'DELIVERY', squareoff: 1, stoploss: 1 }),
      'AB1012',
    ],
    ['ordertag of 20 chars', sbin({ ordertag: 'x'.repeat(20) }), 'AB4008'],
    ['missing symbol token', sbin({ symboltoken: '' }), 'AB4018'],
    ['unknown token', sbin({ symboltoken: '999999' }), 'AB1009'],
    ['symbol / token mismatch', sbin({ tradingsymbol: 'RELIANCE-EQ' }), 'AB1009'],
    ['index not tradable', sbin({ tradingsymbol: 'Nifty 50', symboltoken: '26000' }), 'AB1009'],
    [
      'expired contract',
      fut({ tradingsymbol: 'NIFTY30OCT2624000CE', symboltoken: '40001', price: '100' }),
      'AB1009',
    ],
    ['bad exchange', sbin({ exchange: 'NYSE' }), 'AB1009'],
    ['bad transaction type', sbin({ transactiontype: 'HOLD' }), 'AB9001'],
    ['bad order type', sbin({ ordertype: 'SL' }), 'AB9001'],
    ['bad duration', sbin({ duration: 'GTC' }), 'AB9001'],
    ['zero quantity', sbin({ quantity: '0' }), 'AB9001'],
    ['fractional quantity', sbin({ quantity: '1.5' }), 'AB9001'],
    ['text quantity', sbin({ quantity: 'ten' }), 'AB9001'],
    ['LIMIT without price', sbin({ price: '0' }), 'AB9001'],
    ['negative price', sbin({ price: '-1' }), 'AB9001'],
    ['stop without trigger', sbin({ variety: 'STOPLOSS', ordertype: 'STOPLOSS_LIMIT' }), 'AB9001'],
    ['disclosed > quantity', sbin({ disclosedquantity: '11' }), 'AB9001'],
  ];
  for (const [name, body, code] of cases) {
    it(`${name} → ${code}`, () => {
      const h = new Harness();
      const before = view(h);
      const r = h.engine.placeOrder('A1', body, h.ctx());
      assert.ok(isRejection(r.result), JSON.stringify(r.result));
      assert.equal(r.result.errorcode, code);
      assert.equal(r.events.length, 0);
      assert.equal(h.engine.orderBook('A1', h.ctx()), null);
      assert.equal(view(h), before);
    });
  }

  it('an unknown account is refused', () => {
    const h = new Harness();
    const r = h.engine.placeOrder('ZZ', sbin(), h.ctx());
    assert.ok(isRejection(r.result));
    assert.equal(r.result.errorcode, 'AB1032');
  });
});

describe('engine: RMS rejections create only a rejected order row', () => {
  const cases: [string, (h: Harness) => Record<string, unknown>, RegExp][] = [
    ['lot multiple', () => fut({ quantity: '50' }), /not a multiple of the lot size 75/],
    ['freeze quantity', () => fut({ quantity: String(75 * 25) }), /exceeds the freeze quantity 1800/],
    ['tick size', () => sbin({ price: '800.03' }), /not a multiple of the tick size 0.05/],
    ['circuit limit', () => sbin({ price: '1000' }), /outside the circuit limits \(640.00 - 960.00\)/],
    [
      'NRML in the cash segment',
      () => sbin({ producttype: 'CARRYFORWARD' }),
      /^NRML product not allowed in nse_cm$/,
    ],
    ['CNC in F&O', () => fut({ producttype: 'DELIVERY' }), /^CNC product not allowed in nse_fo$/],
    [
      'IOC on MCX',
      () =>
        fut({
          exchange: 'MCX',
          tradingsymbol: 'CRUDEOIL26DECFUT',
          symboltoken: '444',
          price: '6000',
          quantity: '100',
          duration: 'IOC',
        }),
      /IOC orders are not allowed for commodities segment/,
    ],
    [
      'delivery sell without holdings',
      () => sbin({ transactiontype: 'SELL', producttype: 'DELIVERY' }),
      /Insufficient Holdings\. Available quantity - 0 \. You are trying to sell 10 quantity\./,
    ],
    [
      'insufficient funds',
      () =>
        sbin({
          producttype: 'DELIVERY',
          tradingsymbol: 'RELIANCE-EQ',
          symboltoken: '2885',
          price: '1250',
          quantity: '100000',
        }),
      /^Your order has been rejected due to Insufficient Funds\. Available funds - Rs\. 10000000\.00 \. You require Rs\. 125000000\.00 funds to execute this order\.$/,
    ],
  ];
  for (const [name, body, text] of cases) {
    it(name, () => {
      const h = new Harness();
      const before = view(h);
      const r = h.place(body(h));
      assert.ok(!isRejection(r.result));
      assert.equal(r.events.length, 1);
      const e = r.events[0];
      assert.ok(e?.type === 'order');
      assert.equal(e.update, 'AB03');
      assert.equal(e.order.status, 'rejected');
      assert.match(e.order.text, text);
      assert.equal(e.order.blockedmargin, 0);
      const row = h.engine.orderBook('A1', h.ctx())?.[0];
      assert.equal(row?.status, 'rejected');
      assert.equal(row?.orderstatus, 'rejected');
      assert.match(row?.text ?? '', text);
      assert.equal(view(h), before);
      // The details view of the rejected order has numeric prices.
      const d = h.engine.orderDetails('A1', e.order.uniqueorderid);
      assert.ok(!isRejection(d));
      assert.equal(typeof d.price, 'number');
    });
  }
});

describe('engine: quirks the official clients send', () => {
  it('accepts numbers as numbers, nulls, extra keys and Python floats', () => {
    const h = new Harness();
    const r = h.place({
      ...sbin({ price: 800.05, quantity: 10.0, squareoff: null, stoploss: null, triggerprice: null }),
      ordertag: null,
      scripconsent: 'yes',
      unknownKey: { nested: true },
    });
    assert.ok(!isRejection(r.result));
    const o = h.engine.order('A1', r.result.orderid);
    assert.equal(o?.status, 'complete');
    assert.equal(o?.quantity, 10);
    assert.equal(r.result.script, 'SBIN-EQ');
    assert.match(r.result.orderid, /^261120\d{9}$/);
  });

  it('accepts "1000.0" quantities and lower-case trading symbols', () => {
    const h = new Harness();
    const r = h.place(sbin({ quantity: '10.0', tradingsymbol: 'sbin-eq' }));
    assert.ok(!isRejection(r.result));
  });

  it('the order book row carries every documented field as a string', () => {
    const h = new Harness();
    h.place(sbin({ price: '790', ordertag: 'bot-1' }));
    const row = h.engine.orderBook('A1', h.ctx())?.[0];
    assert.ok(row);
    for (const [k, v] of Object.entries(row)) assert.equal(typeof v, 'string', k);
    assert.equal(row.price, '790.00');
    assert.equal(row.triggerprice, '0');
    assert.equal(row.strikeprice, '-1');
    assert.equal(row.ordertag, 'bot-1');
    assert.equal(row.updatetime, '20-Nov-2026 10:00:00');
    assert.equal(row.exchtime, '20-Nov-2026 10:00:00');
    assert.equal(row.lotsize, '1');
    assert.match(row.exchangeorderid, /^\d{16}$/);
  });

  it('F&O rows carry instrument type, strike, option type and expiry', () => {
    const h = new Harness();
    h.place(fut({ tradingsymbol: 'NIFTY26NOV2624000CE', symboltoken: '35003', price: '90', quantity: 75 }));
    const row = h.engine.orderBook('A1', h.ctx())?.[0];
    assert.equal(row?.instrumenttype, 'OPTIDX');
    assert.equal(row?.strikeprice, '24000.00');
    assert.equal(row?.optiontype, 'CE');
    assert.equal(row?.expirydate, '26NOV2026');
    assert.equal(row?.lotsize, '75');
  });
});
