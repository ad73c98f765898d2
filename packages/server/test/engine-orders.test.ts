import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { EngineEvent, OrderRecord } from '../src/engine/index.js';
import { Engine, isRejection, orderUpdateData, restoreState, stateRows } from '../src/engine/index.js';
import { Harness, sbin } from './engine-harness.js';

function orderid(r: { result: unknown }): string {
  assert.ok(!isRejection(r.result), `unexpected rejection ${JSON.stringify(r.result)}`);
  return (r.result as { orderid: string }).orderid;
}

function updates(events: EngineEvent[]): string[] {
  return events.flatMap((e) => (e.type === 'order' && e.update ? [e.update] : []));
}

function snapshot(h: Harness) {
  return JSON.stringify({
    ob: h.engine.orderBook('A1', h.ctx()),
    tb: h.engine.tradeBook('A1', h.ctx()),
    pos: h.engine.positions('A1', h.ctx()),
    hold: h.engine.holdings('A1', h.ctx()),
    rms: h.engine.rms('A1', h.ctx()),
  });
}

describe('engine: marketable orders', () => {
  it('a market buy fills at the best ask with the venue update sequence', () => {
    const h = new Harness();
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    assert.deepEqual(updates(r.events), ['AB09', 'AB01', 'AB05']);
    const o = h.order(orderid(r));
    assert.equal(o.status, 'complete');
    assert.equal(o.filledshares, 10);
    assert.equal(o.filledvalue, 80_005 * 10);
    const book = h.engine.orderBook('A1', h.ctx());
    assert.ok(book);
    assert.equal(book[0]?.status, 'complete');
    assert.equal(book[0]?.averageprice, '800.05');
    // Market protection (live rule): the order keeps its type and shows its limit, LTP 800 + 0.5 %.
    assert.equal(book[0]?.ordertype, 'MARKET');
    assert.equal(book[0]?.price, '804.00');
    assert.equal(book[0]?.unfilledshares, '0');
    const trades = h.engine.tradeBook('A1', h.ctx());
    assert.equal(trades?.length, 1);
    assert.equal(trades?.[0]?.fillprice, '800.05');
    assert.equal(trades?.[0]?.tradevalue, '8000.50');
    assert.equal(trades?.[0]?.filltime, '10:00:00');
    const pos = h.engine.positions('A1', h.ctx());
    assert.equal(pos?.[0]?.netqty, '10');
    assert.equal(pos?.[0]?.buyavgprice, '800.05');
  });

  it('walks the best-5 levels (one fill per level) for a large market order', () => {
    const h = new Harness();
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: 2500 }));
    const trades = r.events.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
    assert.deepEqual(
      trades.map((t) => [t.price, t.quantity]),
      [
        [80_005, 1000],
        [80_010, 1000],
        [80_015, 500],
      ],
    );
    assert.equal(h.order(orderid(r)).status, 'complete');
  });

  // Updated for market protection (live rule): a market order is a limit at LTP ± the protection
  // percentage, so what the visible depth does not fill rests open at that limit instead of filling at
  // the worst level.
  it('a market order beyond the visible depth fills the depth; the rest rests at the protection limit', () => {
    const h = new Harness();
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: 6000 }));
    const trades = r.events.flatMap((e) => (e.type === 'trade' ? [e.trade] : []));
    assert.equal(
      trades.reduce((s, t) => s + t.quantity, 0),
      5000,
    );
    const o = h.order(orderid(r));
    assert.equal(o.status, 'open');
    assert.equal(o.ordertype, 'MARKET');
    assert.equal(o.price, 80_400);
    assert.equal(o.quantity - o.filledshares, 1000);
  });

  it('market protection is configurable (engine marketProtection, percent)', () => {
    const h = new Harness({ marketProtection: 2 });
    const r = h.place(
      sbin({ ordertype: 'MARKET', price: '0', transactiontype: 'SELL', producttype: 'INTRADAY' }),
    );
    assert.equal(h.order(orderid(r)).price, 78_400);
  });

  it('a buy limit above the ask fills at the ask (price improvement)', () => {
    const h = new Harness();
    const r = h.place(sbin({ price: '801' }));
    const o = h.order(orderid(r));
    assert.equal(o.status, 'complete');
    assert.equal(o.filledvalue, 80_005 * 10);
  });
});

describe('engine: resting limit orders', () => {
  it('rest open, then fill at the limit when the LTP trades through', () => {
    const h = new Harness();
    const id = orderid(h.place(sbin({ price: '795' })));
    assert.equal(h.order(id).status, 'open');
    assert.equal(h.engine.orderBook('A1', h.ctx())?.[0]?.unfilledshares, '10');
    // Touching the limit is not a trade-through.
    h.tick('NSE', '3045', { ltp: 79_500, bid: 79_495, ask: 79_505 });
    assert.equal(h.order(id).status, 'open');
    const r = h.tick('NSE', '3045', { ltp: 79_490, bid: 79_485, ask: 79_510 });
    assert.deepEqual(updates(r.events), ['AB05']);
    const o = h.order(id);
    assert.equal(o.status, 'complete');
    assert.equal(o.filledvalue, 79_500 * 10);
  });

  it('a resting sell fills when the bid rises to it', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: 0, quantity: 10 }));
    const id = orderid(h.place(sbin({ transactiontype: 'SELL', price: '805' })));
    assert.equal(h.order(id).status, 'open');
    h.tick('NSE', '3045', { ltp: 80_500, bid: 80_600, ask: 80_700 });
    assert.equal(h.order(id).status, 'complete');
    assert.equal(h.order(id).filledvalue, 80_600 * 10);
  });

  it('IOC fills what the book offers within the limit and cancels the rest', () => {
    const h = new Harness();
    const r = h.place(sbin({ price: '800.05', quantity: 1500, duration: 'IOC' }));
    const o = h.order(orderid(r));
    assert.equal(o.status, 'cancelled');
    assert.equal(o.filledshares, 1000);
    assert.equal(o.cancelsize, 500);
    assert.equal(o.blockedmargin, 0);
    assert.deepEqual(updates(r.events), ['AB09', 'AB01', 'AB01', 'AB02']);
    const row = h.engine.orderBook('A1', h.ctx())?.[0];
    assert.equal(row?.cancelsize, '500');
    assert.equal(row?.filledshares, '1000');
  });

  it('an unmarketable IOC is cancelled entirely', () => {
    const h = new Harness();
    const o = h.order(orderid(h.place(sbin({ price: '790', duration: 'IOC' }))));
    assert.equal(o.status, 'cancelled');
    assert.equal(o.filledshares, 0);
    assert.equal(o.cancelsize, 10);
  });
});

describe('engine: stop orders', () => {
  it('a stop-loss-market sell triggers on LTP and fills at the bid', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: 0 }));
    const r = h.place(
      sbin({
        variety: 'STOPLOSS',
        ordertype: 'STOPLOSS_MARKET',
        transactiontype: 'SELL',
        triggerprice: '790',
        price: '0',
      }),
    );
    assert.deepEqual(updates(r.events), ['AB09', 'AB10']);
    const id = orderid(r);
    assert.equal(h.order(id).status, 'trigger pending');
    assert.equal(h.engine.orderBook('A1', h.ctx())?.[1]?.status, 'trigger pending');
    h.tick('NSE', '3045', { ltp: 79_100 });
    assert.equal(h.order(id).status, 'trigger pending');
    const t = h.tick('NSE', '3045', { ltp: 79_000, bid: 78_990, ask: 79_010 });
    assert.deepEqual(updates(t.events), ['AB01', 'AB05']);
    assert.equal(h.order(id).filledvalue, 78_990 * 10);
    assert.equal(h.engine.positions('A1', h.ctx())?.[0]?.netqty, '0');
  });

  it('a stop-loss-limit buy becomes a resting limit after the trigger', () => {
    const h = new Harness();
    const id = orderid(
      h.place(sbin({ variety: 'STOPLOSS', ordertype: 'STOPLOSS_LIMIT', triggerprice: '810', price: '811' })),
    );
    h.tick('NSE', '3045', { ltp: 81_000, bid: 81_100, ask: 81_200 });
    const o = h.order(id);
    assert.equal(o.status, 'open');
    assert.equal(o.triggered, true);
    assert.equal(o.filledshares, 0);
    h.tick('NSE', '3045', { ltp: 81_000, bid: 80_990, ask: 81_050 });
    assert.equal(h.order(id).status, 'complete');
    assert.equal(h.order(id).filledvalue, 81_050 * 10);
  });

  it('a triggered stop-loss-market order gets market protection at the trigger-time LTP', () => {
    const h = new Harness();
    const id = orderid(
      h.place(sbin({ variety: 'STOPLOSS', ordertype: 'STOPLOSS_MARKET', triggerprice: '810', price: '0' })),
    );
    assert.equal(h.order(id).price, 0);
    h.tick('NSE', '3045', { ltp: 81_000, bid: 80_990, ask: 81_050 });
    const o = h.order(id);
    assert.equal(o.triggered, true);
    assert.equal(o.price, 81_405); // 810.00 + 0.5 % = 814.05
    assert.equal(o.status, 'complete');
    assert.equal(o.filledvalue, 81_050 * 10);
  });

  it('a modified market order is protected at the LTP of the modification', () => {
    const h = new Harness();
    // 6000 shares: the visible depth fills 5000, the rest rests at 804.00.
    const id = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: 6000 })));
    h.tick('NSE', '3045', { ltp: 85_000, bid: 84_990, ask: 90_000 });
    assert.equal(h.order(id).status, 'open');
    const r = h.engine.modifyOrder(
      'A1',
      { variety: 'NORMAL', orderid: id, ordertype: 'MARKET', quantity: '6000' },
      h.ctx(),
    );
    assert.equal(isRejection(r.result), false, JSON.stringify(r.result));
    assert.equal(h.order(id).price, 85_425); // 850.00 + 0.5 %
    assert.equal(h.order(id).status, 'open'); // the ask 900.00 is beyond the limit
  });

  it('rejects a stop whose trigger is on the wrong side of the LTP', () => {
    const h = new Harness();
    const r = h.place(
      sbin({ variety: 'STOPLOSS', ordertype: 'STOPLOSS_MARKET', triggerprice: '790', price: '0' }),
    );
    const o = h.order(orderid(r));
    assert.equal(o.status, 'rejected');
    assert.match(o.text, /Trigger price for stop loss buy order should be higher than the last traded price/);
  });
});

describe('engine: after-market orders', () => {
  it('queues NORMAL orders placed while the session is closed and releases them at the open', () => {
    const h = new Harness();
    h.market.setSession('closed');
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    assert.deepEqual(updates(r.events), ['AB06']);
    const id = orderid(r);
    assert.equal(h.order(id).status, 'after market order req received');
    assert.equal(h.order(id).exchangeorderid, '');
    assert.ok(h.order(id).blockedmargin > 0);
    // A quote while closed does nothing.
    h.tick('NSE', '3045', { ltp: 80_000 });
    assert.equal(h.order(id).status, 'after market order req received');
    h.market.setSession('open');
    const t = h.tick('NSE', '3045', { ltp: 80_100 });
    assert.deepEqual(updates(t.events), ['AB01', 'AB05']);
    assert.equal(h.order(id).status, 'complete');
    assert.notEqual(h.order(id).exchangeorderid, '');
    assert.equal(h.order(id).filledvalue, 80_105 * 10);
  });

  it('onClock releases AMOs with the latest quotes', () => {
    const h = new Harness();
    h.market.setSession('closed');
    const id = orderid(h.place(sbin({ variety: 'AMO', price: '790' })));
    h.market.setSession('open');
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(id).status, 'open');
  });

  it('the clock visits AMOs and auction candidates only, not every resting order', () => {
    const h = new Harness();
    h.market.setSession('closed');
    const amo = orderid(h.place(sbin({ variety: 'AMO', price: '790' })));
    h.market.setSession('open');
    const resting = Array.from({ length: 50 }, (_, i) => orderid(h.place(sbin({ price: String(700 + i) }))));
    const watched = () => [...h.engine.state.clockWatch].map((e) => e.id);
    // Orders placed in the open session never take part in a call auction: only the AMO is watched.
    assert.deepEqual(watched(), [amo]);
    h.record(h.engine.onClock(h.ctx()).events);
    // The AMO was released: a resting limit placed outside any pre-open now, dropped at the next tick.
    assert.equal(h.order(amo).status, 'open');
    h.record(h.engine.onClock(h.ctx()).events);
    assert.deepEqual(watched(), []);
    // A modify does not make an order of the open session a candidate.
    const m = h.run((e, c) =>
      e.modifyOrder(
        'A1',
        { variety: 'NORMAL', orderid: resting[3], ordertype: 'LIMIT', price: '701', quantity: '5' },
        c,
      ),
    );
    assert.equal(isRejection(m.result), false, JSON.stringify(m.result));
    assert.deepEqual(watched(), []);
    // After a restore every unfilled open order is looked at once (the restore cannot tell).
    const restored = new Engine({}, restoreState(stateRows(h.engine.state)));
    assert.equal(restored.state.clockWatch.size, 51);
    restored.onClock(h.ctx());
    assert.equal(restored.state.clockWatch.size, 0);
    for (const id of resting) assert.equal(h.order(id).status, 'open');
  });

  it('modifies and cancels an AMO with AB08 / AB07', () => {
    const h = new Harness();
    h.market.setSession('closed');
    const id = orderid(h.place(sbin({ price: '790' })));
    const m = h.run((e, c) =>
      e.modifyOrder(
        'A1',
        {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          price: '791',
          quantity: '5',
        },
        c,
      ),
    );
    assert.deepEqual(updates(m.events), ['AB08']);
    assert.equal(h.order(id).price, 79_100);
    assert.equal(h.order(id).status, 'after market order req received');
    const c = h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));
    assert.deepEqual(updates(c.events), ['AB07']);
    assert.equal(h.order(id).status, 'cancelled after market order');
    assert.equal(h.order(id).cancelsize, 5);
  });

  it("rejects off-hours orders with offHours: 'reject'", () => {
    const h = new Harness({ offHours: 'reject' });
    h.market.setSession('closed');
    const o = h.order(orderid(h.place(sbin())));
    assert.equal(o.status, 'rejected');
    assert.match(o.text, /outside market hours/);
    // An explicit AMO is still accepted.
    assert.equal(
      h.order(orderid(h.place(sbin({ variety: 'AMO' })))).status,
      'after market order req received',
    );
  });

  it('rejects ROBO outside market hours with AB2002', () => {
    const h = new Harness();
    h.market.setSession('closed');
    const r = h.place(sbin({ variety: 'ROBO', producttype: 'BO', squareoff: '5', stoploss: '5' }));
    assert.ok(isRejection(r.result));
    assert.equal(r.result.errorcode, 'AB2002');
    assert.equal(r.events.length, 0);
  });
});

describe('engine: ROBO (bracket) orders', () => {
  it('places target and stop legs on entry fill; the target fill cancels the stop', () => {
    const h = new Harness();
    const r = h.place(
      sbin({ variety: 'ROBO', producttype: 'BO', price: '800.05', squareoff: '5', stoploss: '3' }),
    );
    const entry = h.order(orderid(r));
    assert.equal(entry.status, 'complete');
    const legs = [...h.engine.state.accounts.get('A1')!.orders.values()].filter(
      (o) => o.parentorderid === entry.orderid,
    );
    assert.equal(legs.length, 2);
    const target = legs.find((o) => o.ordertype === 'LIMIT') as OrderRecord;
    const stop = legs.find((o) => o.ordertype === 'STOPLOSS_MARKET') as OrderRecord;
    assert.equal(target.transactiontype, 'SELL');
    assert.equal(target.price, 80_505);
    assert.equal(target.status, 'open');
    assert.equal(stop.triggerprice, 79_705);
    assert.equal(stop.status, 'trigger pending');
    assert.equal(h.engine.orderBook('A1', h.ctx())?.[1]?.parentorderid, entry.orderid);
    h.tick('NSE', '3045', { ltp: 80_600, bid: 80_550, ask: 80_650 });
    assert.equal(h.order(target.orderid).status, 'complete');
    assert.equal(h.order(stop.orderid).status, 'cancelled');
    assert.equal(h.order(stop.orderid).cancelsize, 10);
    assert.equal(h.engine.positions('A1', h.ctx())?.[0]?.netqty, '0');
  });

  it('the stop leg fires on a fall and cancels the target; cancelling a leg cancels its sibling', () => {
    const h = new Harness();
    const entry = orderid(
      h.place(sbin({ variety: 'ROBO', producttype: 'BO', price: '801', squareoff: '5', stoploss: '3' })),
    );
    h.tick('NSE', '3045', { ltp: 79_600 });
    const legs = [...h.engine.state.accounts.get('A1')!.orders.values()].filter(
      (o) => o.parentorderid === entry,
    );
    assert.deepEqual(legs.map((o) => o.status).sort(), ['cancelled', 'complete']);

    const h2 = new Harness();
    const e2 = orderid(
      h2.place(sbin({ variety: 'ROBO', producttype: 'BO', price: '801', squareoff: '5', stoploss: '3' })),
    );
    const legs2 = [...h2.engine.state.accounts.get('A1')!.orders.values()].filter(
      (o) => o.parentorderid === e2,
    );
    h2.run((e, c) => e.cancelOrder('A1', { variety: 'ROBO', orderid: legs2[0]!.orderid }, c));
    assert.deepEqual(
      legs2.map((o) => h2.order(o.orderid).status),
      ['cancelled', 'cancelled'],
    );
  });

  it('a partly filled ROBO entry that is cancelled gets legs for the filled quantity', () => {
    const h = new Harness();
    const r = h.place(
      sbin({
        variety: 'ROBO',
        producttype: 'BO',
        price: '800.05',
        quantity: 1500,
        duration: 'IOC',
        squareoff: '5',
        stoploss: '3',
      }),
    );
    const entry = h.order(orderid(r));
    assert.equal(entry.status, 'cancelled');
    assert.equal(entry.filledshares, 1000);
    const legs = [...h.engine.state.accounts.get('A1')!.orders.values()].filter(
      (o) => o.parentorderid === entry.orderid,
    );
    assert.deepEqual(
      legs.map((o) => [o.ordertype, o.quantity, o.status]),
      [
        ['LIMIT', 1000, 'open'],
        ['STOPLOSS_MARKET', 1000, 'trigger pending'],
      ],
    );
  });

  it('rejects non-LIMIT ROBO entries and ROBO without squareoff/stoploss', () => {
    const h = new Harness();
    assert.equal(
      h.order(
        orderid(
          h.place(
            sbin({
              variety: 'ROBO',
              producttype: 'BO',
              ordertype: 'MARKET',
              price: 0,
              squareoff: 5,
              stoploss: 5,
            }),
          ),
        ),
      ).status,
      'rejected',
    );
    assert.equal(h.order(orderid(h.place(sbin({ variety: 'ROBO', producttype: 'BO' })))).status, 'rejected');
  });
});

describe('engine: modify and cancel', () => {
  it('modifies a resting order: AB11 then AB04, and the book reads open again', () => {
    const h = new Harness();
    const id = orderid(h.place(sbin({ price: '790' })));
    const before = h.order(id).blockedmargin;
    const r = h.run((e, c) =>
      e.modifyOrder(
        'A1',
        {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          price: '795',
          quantity: '20',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          exchange: 'NSE',
        },
        c,
      ),
    );
    assert.deepEqual(r.result, { orderid: id, uniqueorderid: h.order(id).uniqueorderid });
    assert.deepEqual(updates(r.events), ['AB11', 'AB04']);
    const ev = r.events[0];
    assert.ok(ev?.type === 'order' && ev.update === 'AB11');
    assert.equal(orderUpdateData(ev.order, 'AB11').status, 'modify pending');
    const o = h.order(id);
    assert.equal(o.status, 'open');
    assert.equal(o.quantity, 20);
    assert.equal(o.price, 79_500);
    assert.ok(o.blockedmargin > before);
    assert.equal(h.engine.orderBook('A1', h.ctx())?.[0]?.status, 'open');
  });

  it('a modification that makes the order marketable fills it', () => {
    const h = new Harness();
    const id = orderid(h.place(sbin({ price: '790' })));
    h.run((e, c) =>
      e.modifyOrder(
        'A1',
        {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'MARKET',
          producttype: 'INTRADAY',
          duration: 'DAY',
          quantity: '10',
        },
        c,
      ),
    );
    assert.equal(h.order(id).status, 'complete');
  });

  it('cannot modify or cancel complete, cancelled or unknown orders (no events, no change)', () => {
    const h = new Harness();
    const done = orderid(h.place(sbin({ ordertype: 'MARKET', price: 0 })));
    const rest = orderid(h.place(sbin({ price: '790' })));
    h.run((e, c) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: rest }, c));
    assert.equal(h.order(rest).status, 'cancelled');
    const before = snapshot(h);
    for (const id of [done, rest]) {
      const m = h.engine.modifyOrder(
        'A1',
        {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'LIMIT',
          producttype: 'INTRADAY',
          duration: 'DAY',
          price: '1',
          quantity: '1',
        },
        h.ctx(),
      );
      assert.ok(isRejection(m.result));
      assert.equal(m.events.length, 0);
      const c = h.engine.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, h.ctx());
      assert.ok(isRejection(c.result));
      assert.equal(c.events.length, 0);
    }
    const u = h.engine.cancelOrder('A1', { variety: 'NORMAL', orderid: '999' }, h.ctx());
    assert.ok(isRejection(u.result) && u.result.errorcode === 'AB1013');
    const v = h.engine.cancelOrder('A1', { variety: 'BOGUS', orderid: rest }, h.ctx());
    assert.ok(isRejection(v.result) && v.result.errorcode === 'AB1008');
    assert.equal(snapshot(h), before);
  });

  it('a failed modification leaves the order unchanged', () => {
    const h = new Harness({}, 100_000);
    const id = orderid(h.place(sbin({ price: '790', quantity: 1 })));
    const before = JSON.stringify(h.order(id));
    const r = h.engine.modifyOrder(
      'A1',
      {
        variety: 'NORMAL',
        orderid: id,
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        price: '790',
        quantity: '100000',
      },
      h.ctx(),
    );
    assert.ok(isRejection(r.result));
    assert.match(r.result.message, /Insufficient Funds/);
    assert.equal(JSON.stringify(h.order(id)), before);
    const p = h.engine.modifyOrder(
      'A1',
      {
        variety: 'NORMAL',
        orderid: id,
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price: '790',
        quantity: '1',
      },
      h.ctx(),
    );
    assert.ok(isRejection(p.result) && p.result.errorcode === 'AB1012');
  });

  it('cancel releases the blocked margin', () => {
    const h = new Harness();
    const id = orderid(h.place(sbin({ price: '790' })));
    const rms1 = h.engine.funds('A1', h.market);
    assert.equal(rms1?.ordersMargin, 79_000 * 10 * 0.2);
    const r = h.run((e, c) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, c));
    assert.deepEqual(updates(r.events), ['AB02']);
    assert.equal(h.engine.funds('A1', h.market)?.ordersMargin, 0);
    assert.equal(h.engine.funds('A1', h.market)?.net, 1_000_000_000);
  });
});
