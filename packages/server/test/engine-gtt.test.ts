import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isRejection } from '../src/engine/index.js';
import { Harness, T0 } from './engine-harness.js';

const create = (over: Record<string, unknown> = {}) => ({
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  exchange: 'NSE',
  producttype: 'DELIVERY',
  transactiontype: 'BUY',
  price: 790.0,
  qty: 10,
  disclosedqty: 10,
  triggerprice: 791,
  timeperiod: 365,
  ...over,
});

function id(r: { result: unknown }): string {
  assert.ok(!isRejection(r.result), JSON.stringify(r.result));
  return (r.result as { id: string }).id;
}

describe('engine: GTT rules', () => {
  it('create → details → list → modify → cancel', () => {
    const h = new Harness();
    const rid = id(h.run((e, c) => e.gttCreate('A1', create(), c)));
    assert.equal(rid, '1000001');
    const d = h.engine.gttDetails('A1', { id: Number(rid) });
    assert.ok(!isRejection(d));
    assert.deepEqual(d, {
      id: rid,
      status: 'NEW',
      createddate: '2026-11-20T04:30:00Z',
      updateddate: '2026-11-20T04:30:00Z',
      expirydate: '2027-11-20T04:30:00Z',
      clientid: 'A1',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      exchange: 'NSE',
      transactiontype: 'BUY',
      producttype: 'DELIVERY',
      price: '790.00',
      qty: '10',
      triggerprice: '791.00',
      disclosedqty: '10',
    });
    h.now = T0 + 60_000;
    const m = h.run((e, c) =>
      e.gttModify(
        'A1',
        {
          id: rid,
          symboltoken: '3045',
          exchange: 'NSE',
          price: 780,
          qty: 5,
          triggerprice: 781,
          timeperiod: 30,
        },
        c,
      ),
    );
    assert.equal(id(m), rid);
    const d2 = h.engine.gttDetails('A1', { id: rid });
    assert.ok(!isRejection(d2));
    assert.equal(d2.price, '780.00');
    assert.equal(d2.qty, '5');
    assert.equal(d2.disclosedqty, '5');
    assert.equal(d2.updateddate, '2026-11-20T04:31:00Z');
    assert.equal(d2.expirydate, '2026-12-20T04:30:00Z');
    const second = id(
      h.run((e, c) =>
        e.gttCreate(
          'A1',
          create({
            transactiontype: 'SELL',
            producttype: 'MARGIN',
            triggerprice: 850,
            price: 849,
            disclosedqty: 0,
          }),
          c,
        ),
      ),
    );
    const list = h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 10 });
    assert.ok(!isRejection(list));
    assert.deepEqual(
      list.map((r) => r.id),
      [second, rid],
    );
    const c = h.run((e, ctx) => e.gttCancel('A1', { id: rid, symboltoken: '3045', exchange: 'NSE' }, ctx));
    assert.equal(id(c), rid);
    const onlyNew = h.engine.gttList('A1', { status: ['NEW'], page: 1, count: 10 });
    assert.ok(!isRejection(onlyNew));
    assert.deepEqual(
      onlyNew.map((r) => r.id),
      [second],
    );
    const cancelled = h.engine.gttList('A1', { status: ['CANCELLED'], page: 1, count: 10 });
    assert.ok(!isRejection(cancelled));
    assert.deepEqual(
      cancelled.map((r) => r.status),
      ['CANCELLED'],
    );
    const page2 = h.engine.gttList('A1', { status: ['FORALL'], page: '2', count: '1' });
    assert.ok(!isRejection(page2));
    assert.deepEqual(
      page2.map((r) => r.id),
      [rid],
    );
    // A cancelled rule can be neither modified nor cancelled again.
    const again = h.engine.gttCancel('A1', { id: rid, symboltoken: '3045', exchange: 'NSE' }, h.ctx());
    assert.ok(isRejection(again.result) && again.result.errorcode === 'AB9013');
  });

  it('fires when the LTP crosses the trigger and places a LIMIT order', () => {
    const h = new Harness();
    // LTP 800: a BUY trigger at 790 fires on the way down.
    const rid = id(h.run((e, c) => e.gttCreate('A1', create({ triggerprice: 790, price: 791 }), c)));
    h.tick('NSE', '3045', { ltp: 79_500 });
    assert.equal(h.engine.state.accounts.get('A1')?.gttRules.get(rid)?.status, 'NEW');
    const r = h.tick('NSE', '3045', { ltp: 79_000, bid: 78_995, ask: 79_005 });
    const rule = h.engine.state.accounts.get('A1')?.gttRules.get(rid);
    assert.equal(rule?.status, 'SENTTOEXCHANGE');
    assert.ok(rule?.orderid);
    const o = h.order(rule.orderid);
    assert.equal(o.ordertype, 'LIMIT');
    assert.equal(o.price, 79_100);
    assert.equal(o.producttype, 'DELIVERY');
    assert.equal(o.gttruleid, rid);
    assert.equal(o.status, 'complete');
    assert.ok(r.events.some((e) => e.type === 'gtt' && e.rule.status === 'SENTTOEXCHANGE'));
    // It does not fire twice.
    assert.equal(h.tick('NSE', '3045', { ltp: 78_000 }).events.filter((e) => e.type === 'gtt').length, 0);
    // A SELL rule above the market fires on the way up.
    h.engine.seedHolding(
      'A1',
      { exchange: 'NSE', symboltoken: '3045', quantity: 10, averageprice: 70_000 },
      h.ctx(),
    );
    const up = id(
      h.run((e, c) =>
        e.gttCreate('A1', create({ transactiontype: 'SELL', triggerprice: 820, price: 819 }), c),
      ),
    );
    h.tick('NSE', '3045', { ltp: 82_000, bid: 81_995, ask: 82_005 });
    assert.equal(h.engine.state.accounts.get('A1')?.gttRules.get(up)?.status, 'SENTTOEXCHANGE');
  });

  it('expired rules are cancelled by the clock', () => {
    const h = new Harness();
    const rid = id(h.run((e, c) => e.gttCreate('A1', create({ timeperiod: 1 }), c)));
    h.now = T0 + 86_400_000;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.engine.state.accounts.get('A1')?.gttRules.get(rid)?.status, 'CANCELLED');
  });

  it('answers the GTT error codes and changes nothing', () => {
    const h = new Harness();
    const rid = id(h.run((e, c) => e.gttCreate('A1', create(), c)));
    const cases: [string, unknown, string][] = [
      ['create', 'x', 'AB9001'],
      ['create', create({ exchange: 'NFO' }), 'AB9010'],
      ['create', create({ exchange: 'XX' }), 'AB9010'],
      ['create', create({ symboltoken: '999' }), 'AB9011'],
      ['create', create({ tradingsymbol: 'RELIANCE-EQ' }), 'AB9012'],
      ['create', create({ transactiontype: 'X' }), 'AB9014'],
      ['create', create({ producttype: 'INTRADAY' }), 'AB9015'],
      ['create', create({ price: 0 }), 'AB9008'],
      ['create', create({ price: '790.03' }), 'AB9008'],
      ['create', create({ qty: 0 }), 'AB9006'],
      ['create', create({ triggerprice: -1 }), 'AB9009'],
      ['create', create({ disclosedqty: 11 }), 'AB9007'],
      ['create', create({ timeperiod: 400 }), 'AB9016'],
      [
        'modify',
        { id: '42', symboltoken: '3045', exchange: 'NSE', price: 1, qty: 1, triggerprice: 1 },
        'AB9013',
      ],
      [
        'modify',
        { id: rid, symboltoken: '2885', exchange: 'NSE', price: 1, qty: 1, triggerprice: 1 },
        'AB9011',
      ],
      ['cancel', { id: rid, symboltoken: '3045', exchange: 'BSE' }, 'AB9010'],
      ['cancel', { symboltoken: '3045', exchange: 'NSE' }, 'AB9013'],
    ];
    const before = JSON.stringify(h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 50 }));
    for (const [cmd, body, code] of cases) {
      const r =
        cmd === 'create'
          ? h.engine.gttCreate('A1', body, h.ctx())
          : cmd === 'modify'
            ? h.engine.gttModify('A1', body, h.ctx())
            : h.engine.gttCancel('A1', body, h.ctx());
      assert.ok(isRejection(r.result), `${cmd} ${JSON.stringify(body)}`);
      assert.equal(r.result.errorcode, code, `${cmd} ${JSON.stringify(body)}`);
      assert.equal(r.events.length, 0);
    }
    assert.equal(JSON.stringify(h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 50 })), before);
    const list = (b: unknown) => {
      const r = h.engine.gttList('A1', b);
      return isRejection(r) ? r.errorcode : 'ok';
    };
    assert.equal(list({ status: 'FORALL', page: 1, count: 10 }), 'AB9004');
    assert.equal(list({ status: [], page: 1, count: 10 }), 'AB9004');
    assert.equal(list({ status: ['NOPE'], page: 1, count: 10 }), 'AB9004');
    assert.equal(list({ status: ['NEW'], page: 0, count: 10 }), 'AB9017');
    assert.equal(list({ status: ['NEW'], page: 1, count: 0 }), 'AB9018');
    const d = h.engine.gttDetails('A1', { id: '5' });
    assert.ok(isRejection(d) && d.errorcode === 'AB9013');
    // Another account cannot see the rule.
    h.engine.openAccount('B2', 100, h.ctx());
    const other = h.engine.gttDetails('B2', { id: rid });
    assert.ok(isRejection(other) && other.errorcode === 'AB9013');
    // …nor list, modify or cancel it.
    const otherList = h.engine.gttList('B2', { status: ['FORALL'], page: 1, count: 50 });
    assert.ok(!isRejection(otherList));
    assert.equal(JSON.stringify(otherList).includes(`"${rid}"`), false);
    const om = h.engine.gttModify(
      'B2',
      { id: rid, symboltoken: '3045', exchange: 'NSE', price: 1, qty: 1, triggerprice: 1 },
      h.ctx(),
    );
    assert.ok(isRejection(om.result) && om.result.errorcode === 'AB9013' && om.events.length === 0);
    const oc = h.engine.gttCancel('B2', { id: rid, symboltoken: '3045', exchange: 'NSE' }, h.ctx());
    assert.ok(isRejection(oc.result) && oc.result.errorcode === 'AB9013' && oc.events.length === 0);
    assert.equal(JSON.stringify(h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 50 })), before);
  });
});
