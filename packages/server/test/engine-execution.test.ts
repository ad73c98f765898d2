/**
 * The execution models (docs/paper-broker-execution.md) at engine level, with hand-computed cases:
 * latency, market impact and finite liquidity, queue position (fifo, probabilistic), the ideal preset
 * being today's walk-the-book exactly, settings validation and determinism.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import { ExecutionFillModel, WalkTheBookFillModel } from '../src/engine/execution/fill-model.js';
import { BookImpact } from '../src/engine/execution/impact.js';
import { sampleLatency } from '../src/engine/execution/latency.js';
import {
  applyExecutionChange,
  ExecutionSettingsError,
  type PresetName,
  presetSettings,
} from '../src/engine/execution/presets.js';
import { advanceQueue, joinQueue } from '../src/engine/execution/queue.js';
import { draw } from '../src/engine/execution/rng.js';
import type { EngineEvent, Quote } from '../src/engine/index.js';
import { isRejection, stateRows } from '../src/engine/index.js';
import { Harness, sbin, T0 } from './engine-harness.js';

const NO_LATENCY = {
  latency: {
    entry: { kind: 'fixed', ms: 0 },
    cancel: { kind: 'fixed', ms: 0 },
    ack: { kind: 'fixed', ms: 0 },
  },
};

function model(preset: PresetName, over: Record<string, unknown> = {}): ExecutionFillModel {
  return new ExecutionFillModel(applyExecutionChange(presetSettings(preset, 7, T0), over, T0));
}

function orderid(r: { result: unknown }): string {
  assert.ok(!isRejection(r.result), `unexpected rejection ${JSON.stringify(r.result)}`);
  return (r.result as { orderid: string }).orderid;
}

function updates(events: EngineEvent[]): string[] {
  return events.flatMap((e) => ((e.type === 'order' || e.type === 'notice') && e.update ? [e.update] : []));
}

function fillsOf(h: Harness, id: string): { price: number; quantity: number; time: number }[] {
  return h.engine.state.accounts
    .get('A1')!
    .trades.filter((t) => t.orderid === id)
    .map((t) => ({ price: t.price, quantity: t.quantity, time: t.time }));
}

/** SBIN's next quote (ltp, 1000 per level, 5 paise apart) with the given day volume, not fed yet. */
function feedQuote(h: Harness, ltp: number, volume: number): Quote {
  const q = h.market.setQuote('NSE', '3045', { ltp }, h.now);
  q.volume = volume;
  return q;
}

/** Feeds SBIN a quote (ltp, 1000 per level, 5 paise apart) with the given day volume and best-bid size. */
function feed(h: Harness, ltp: number, volume: number, bidQty?: number): Quote {
  const q = h.market.setQuote('NSE', '3045', { ltp }, h.now);
  q.volume = volume;
  if (bidQty !== undefined && q.bids[0]) q.bids[0].quantity = bidQty;
  h.record(h.engine.onQuote(q, h.ctx()).events);
  return q;
}

const flowSizes = fc.array(fc.constantFrom(600, 1000, 1400), { minLength: 10, maxLength: 10 });
/** One step of a random order flow on SBIN (place, cancel, modify, a quote). */
const flowStep = fc.oneof(
  fc.record({
    kind: fc.constant('place' as const),
    buy: fc.boolean(),
    ticks: fc.integer({ min: -5, max: 5 }),
    qty: fc.integer({ min: 1, max: 1500 }),
  }),
  fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() }),
  fc.record({
    kind: fc.constant('modify' as const),
    pick: fc.nat(),
    ticks: fc.integer({ min: -5, max: 5 }),
  }),
  fc.record({
    kind: fc.constant('quote' as const),
    move: fc.integer({ min: -1, max: 1 }),
    traded: fc.constantFrom(0, 200, 700),
    // Level sizes from a small set, so that a level often shows what it showed before.
    sizes: flowSizes,
    ms: fc.integer({ min: 1, max: 400 }),
    // A quote the engine does not see (the broker passes none while nothing works on the instrument,
    // and a placement may read a newer one): later orders join the queue at it.
    silent: fc.boolean(),
  }),
);
type FlowStep = typeof flowStep extends fc.Arbitrary<infer T> ? T : never;
/** Runs a random flow (`flowStep`s) on a fresh harness: the trade and order books as JSON, and the pushes heard. */
function replayFlow(fm: ExecutionFillModel, steps: FlowStep[]): { books: string; pushes: EngineEvent[] } {
  const h = new Harness({ fillModel: fm });
  let ltp = 80_000;
  let volume = 5000;
  const ids: string[] = [];
  feed(h, ltp, volume);
  for (const st of steps) {
    if (st.kind === 'place') {
      const price = ((ltp + 5 * st.ticks) / 100).toFixed(2);
      const r = h.place(
        sbin({
          transactiontype: st.buy ? 'BUY' : 'SELL',
          price,
          quantity: String(st.qty),
          producttype: 'INTRADAY',
        }),
      );
      if (!isRejection(r.result)) ids.push((r.result as { orderid: string }).orderid);
    } else if (st.kind === 'cancel' && ids.length > 0) {
      const id = ids[st.pick % ids.length] as string;
      h.run((e, c) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, c));
    } else if (st.kind === 'modify' && ids.length > 0) {
      const id = ids[st.pick % ids.length] as string;
      const o = h.order(id);
      const price = ((ltp + 5 * st.ticks) / 100).toFixed(2);
      h.run((e, c) =>
        e.modifyOrder(
          'A1',
          {
            ...sbin({
              price,
              quantity: String(o.quantity),
              transactiontype: o.transactiontype,
              producttype: 'INTRADAY',
            }),
            orderid: id,
          },
          c,
        ),
      );
    } else if (st.kind === 'quote') {
      h.now += st.ms;
      ltp += 5 * st.move;
      volume += st.traded;
      const q = h.market.setQuote('NSE', '3045', { ltp }, h.now);
      q.volume = volume;
      const sizes = st.sizes;
      q.bids.forEach((l, i) => {
        l.quantity = sizes[i] as number;
      });
      q.asks.forEach((l, i) => {
        l.quantity = sizes[5 + i] as number;
      });
      if (!st.silent) h.record(h.engine.onQuote(q, h.ctx()).events);
    }
  }
  const acc = h.engine.state.accounts.get('A1');
  // Far past every latency: whatever is still on its way arrives (the second tick hears the answers to
  // what the first one delivered).
  for (let i = 0; i < 2; i++) {
    h.now += 60_000;
    h.record(h.engine.onClock(h.ctx()).events);
  }
  const books = JSON.stringify({
    trades: acc?.trades.map((x) => [x.orderid, x.price, x.quantity, x.time]),
    orders: [...(acc?.orders.values() ?? [])].map((o) => [o.orderid, o.status, o.filledshares, o.price]),
  });
  return { books, pushes: h.log.filter((e) => (e.type === 'order' && e.update) || e.type === 'notice') };
}

describe('execution: latency', () => {
  it('samples fixed, uniform and log-normal latencies reproducibly from (seed, order id)', () => {
    assert.equal(sampleLatency({ kind: 'fixed', ms: 40 }, 1, 'a'), 40);
    const u = sampleLatency({ kind: 'uniform', minMs: 10, maxMs: 20 }, 7, 'x');
    assert.equal(u, 19);
    assert.equal(sampleLatency({ kind: 'uniform', minMs: 10, maxMs: 20 }, 7, 'x'), u);
    // lognormal: 25 × e^(0.5·z) rounded, z from Box–Muller over draw(7, id, 0..1).
    const id = '261120000000001';
    const z = Math.sqrt(-2 * Math.log(draw(7, id, 0))) * Math.cos(2 * Math.PI * draw(7, id, 1));
    const expected = Math.round(25 * Math.exp(0.5 * z));
    assert.equal(
      sampleLatency({ kind: 'lognormal', medianMs: 25, sigma: 0.5, maxMs: 1000 }, 7, id),
      expected,
    );
    assert.equal(sampleLatency({ kind: 'lognormal', medianMs: 25, sigma: 5, maxMs: 30 }, 7, id) <= 30, true);
    // Another seed draws differently.
    const draws = new Set(
      [1, 2, 3, 4, 5].map((s) => sampleLatency({ kind: 'uniform', minMs: 0, maxMs: 1000 }, s, id)),
    );
    assert.ok(draws.size > 1);
  });

  it('a market order does not fill before it reaches the exchange; its fill time is the arrival', () => {
    const h = new Harness({ fillModel: model('ideal', { latency: { entry: { kind: 'fixed', ms: 100 } } }) });
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    const id = orderid(r);
    assert.deepEqual(updates(r.events), ['AB09', 'AB01']);
    assert.equal(h.order(id).status, 'open');
    h.now = T0 + 50;
    feed(h, 80_000, 1000);
    assert.equal(h.order(id).filledshares, 0);
    h.now = T0 + 100;
    feed(h, 80_000, 1000);
    assert.equal(h.order(id).status, 'complete');
    assert.deepEqual(fillsOf(h, id), [{ price: 80_005, quantity: 10, time: T0 + 100 }]);
  });

  it('an IOC is not cancelled before it arrives; then its unfilled rest is', () => {
    const h = new Harness({ fillModel: model('ideal', { latency: { entry: { kind: 'fixed', ms: 100 } } }) });
    const id = orderid(h.place(sbin({ duration: 'IOC', price: '799' })));
    assert.equal(h.order(id).status, 'open');
    h.now = T0 + 20;
    feed(h, 80_000, 1000);
    assert.equal(h.order(id).status, 'open');
    h.now = T0 + 150;
    feed(h, 80_000, 1000);
    assert.equal(h.order(id).status, 'cancelled');
    assert.equal(h.order(id).cancelsize, 10);
  });

  it('a cancel before the arrival cancels the whole order (nothing filled)', () => {
    const h = new Harness({ fillModel: model('ideal', { latency: { entry: { kind: 'fixed', ms: 100 } } }) });
    const id = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0' })));
    const c = h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));
    assert.ok(!isRejection(c.result));
    h.now = T0 + 200;
    feed(h, 80_000, 1000);
    assert.equal(h.order(id).status, 'cancelled');
    assert.deepEqual(fillsOf(h, id), []);
  });
});

describe('execution: cancel latency (a cancel races the fills)', () => {
  const CANCEL_100 = { latency: { entry: { kind: 'fixed', ms: 0 }, cancel: { kind: 'fixed', ms: 100 } } };
  const cancel = (h: Harness, id: string) =>
    h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));

  it('a fill before the cancel arrives stands; the late cancel finds the order complete', () => {
    const h = new Harness({ fillModel: model('ideal', CANCEL_100) });
    const id = orderid(h.place(sbin({ price: '799' })));
    const c = cancel(h, id);
    assert.deepEqual(c.result, { orderid: id, uniqueorderid: h.order(id).uniqueorderid });
    assert.deepEqual(updates(c.events), [], 'nothing happens before the cancel reaches the exchange');
    assert.equal(h.order(id).status, 'open');
    h.now = T0 + 50;
    feed(h, 79_800, 1000); // trades through 799.00
    assert.equal(h.order(id).status, 'complete');
    h.now = T0 + 200;
    const before = h.log.length;
    feed(h, 79_800, 1000);
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(id).status, 'complete');
    assert.deepEqual(updates(h.log.slice(before)), []);
    // A cancel of a complete order is refused at once with the venue's text.
    const late = cancel(h, id);
    assert.ok(isRejection(late.result));
  });

  it('a cancel that arrives first wins: the order is cancelled before the quote could fill it', () => {
    const h = new Harness({ fillModel: model('ideal', CANCEL_100) });
    const id = orderid(h.place(sbin({ price: '799' })));
    cancel(h, id);
    h.now = T0 + 150;
    feed(h, 79_800, 1000);
    assert.equal(h.order(id).status, 'cancelled');
    assert.deepEqual(fillsOf(h, id), []);
  });

  it('the clock delivers a cancel without any quote', () => {
    const h = new Harness({ fillModel: model('ideal', CANCEL_100) });
    const id = orderid(h.place(sbin({ price: '799' })));
    cancel(h, id);
    h.now = T0 + 99;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(id).status, 'open');
    h.now = T0 + 100;
    const r = h.engine.onClock(h.ctx());
    assert.deepEqual(updates(r.events), ['AB02']);
    assert.equal(h.order(id).status, 'cancelled');
  });
});

describe('execution: modify latency (a modification races the fills)', () => {
  const LAT_100 = { latency: { entry: { kind: 'fixed', ms: 0 }, cancel: { kind: 'fixed', ms: 100 } } };
  const modify = (h: Harness, id: string, over: Record<string, string>) =>
    h.run((e, ctx) => e.modifyOrder('A1', { ...sbin(over), orderid: id }, ctx));
  const cancel = (h: Harness, id: string) =>
    h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));

  it('answers at once with AB11; the order keeps its old terms until the change arrives, then AB04', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    const id = orderid(h.place(sbin({ price: '799' })));
    const m = modify(h, id, { price: '798.50', quantity: '20' });
    assert.deepEqual(m.result, { orderid: id, uniqueorderid: h.order(id).uniqueorderid });
    assert.deepEqual(updates(m.events), ['AB11']);
    assert.equal(h.order(id).price, 79_900);
    assert.equal(h.order(id).quantity, 10);
    h.now = T0 + 99;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(id).price, 79_900);
    h.now = T0 + 100;
    const r = h.engine.onClock(h.ctx());
    assert.deepEqual(updates(r.events), ['AB04']);
    assert.equal(h.order(id).price, 79_850);
    assert.equal(h.order(id).quantity, 20);
    assert.equal(h.order(id).status, 'open');
  });

  it('a fill before the change arrives happens at the old price; the change then finds the order complete', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    const id = orderid(h.place(sbin({ price: '799' })));
    modify(h, id, { price: '790' });
    h.now = T0 + 50;
    feed(h, 79_800, 1000); // the ask 798.05 is within the old limit 799.00 (not the new 790.00)
    assert.equal(h.order(id).status, 'complete');
    assert.deepEqual(fillsOf(h, id), [{ price: 79_805, quantity: 10, time: T0 + 50 }]);
    h.now = T0 + 200;
    const before = h.log.length;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(id).price, 79_900, 'the late change changes nothing');
    assert.deepEqual(updates(h.log.slice(before)), []);
    assert.equal(h.engine.state.modifies.size, 0);
  });

  it('a change that arrives before a quote meets the quote with the new terms', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    const id = orderid(h.place(sbin({ price: '790' })));
    modify(h, id, { price: '799' });
    h.now = T0 + 150;
    feed(h, 79_800, 1000); // the ask 798.05 is within the new limit 799.00, not the old 790.00
    assert.equal(h.order(id).status, 'complete');
    assert.deepEqual(fillsOf(h, id), [{ price: 79_805, quantity: 10, time: T0 + 150 }]);
  });

  it('a second modification while one is on its way is refused; a cancel is not', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    const id = orderid(h.place(sbin({ price: '790' })));
    modify(h, id, { price: '791' });
    const again = modify(h, id, { price: '792' });
    assert.ok(isRejection(again.result));
    assert.match(JSON.stringify(again.result), /a modification is pending/);
    assert.deepEqual(again.events, []);
    const c = cancel(h, id);
    assert.ok(!isRejection(c.result));
    h.now = T0 + 100;
    h.record(h.engine.onClock(h.ctx()).events);
    // Both arrive by this tick; the cancel is handled first, the modification then finds nothing.
    assert.equal(h.order(id).status, 'cancelled');
    assert.equal(h.order(id).price, 79_000);
    assert.equal(h.engine.state.modifies.size, 0);
  });

  it('fills before the change arrives stay; a new quantity at or below the filled one is not applied', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    feed(h, 80_000, 1000);
    const id = orderid(h.place(sbin({ price: '800.05', quantity: '3000' }))); // takes the 1,000 at the ask
    assert.equal(h.order(id).filledshares, 1000);
    const m = modify(h, id, { price: '800.05', quantity: '1500' });
    assert.ok(!isRejection(m.result), JSON.stringify(m.result));
    h.now = T0 + 50;
    // The ask shows 1,000 at 800.05 again (the LTP at the limit, not through it): filled 2,000 before
    // the change arrives.
    const q = h.market.setQuote('NSE', '3045', { ltp: 80_005 }, h.now);
    q.asks[0] = { price: 80_005, quantity: 1000, orders: 5 };
    h.record(h.engine.onQuote(q, h.ctx()).events);
    assert.equal(h.order(id).filledshares, 2000);
    h.now = T0 + 100;
    const before = h.log.length;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.deepEqual(updates(h.log.slice(before)), []);
    assert.equal(h.order(id).quantity, 3000, 'the change came too late for what was left');
    assert.equal(h.order(id).status, 'open');
  });

  it('the change of a partly filled order applies to the rest', () => {
    const h = new Harness({ fillModel: model('ideal', LAT_100) });
    feed(h, 80_000, 1000);
    const id = orderid(h.place(sbin({ price: '800.05', quantity: '3000' })));
    modify(h, id, { price: '799', quantity: '2500' });
    h.now = T0 + 100;
    h.record(h.engine.onClock(h.ctx()).events);
    const o = h.order(id);
    assert.deepEqual([o.quantity, o.filledshares, o.price, o.status], [2500, 1000, 79_900, 'open']);
  });
});

describe('execution: accepted cancels and changes are durable', () => {
  it('a cancel and a change on their way survive a restore from the stored rows', () => {
    const LAT = { latency: { entry: { kind: 'fixed', ms: 0 }, cancel: { kind: 'fixed', ms: 100 } } };
    const h = new Harness({ fillModel: model('ideal', LAT) });
    const a = orderid(h.place(sbin({ price: '790' })));
    const b = orderid(h.place(sbin({ price: '791' })));
    h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: a }, ctx));
    h.run((e, ctx) => e.modifyOrder('A1', { ...sbin({ price: '792' }), orderid: b }, ctx));
    // What the store holds: the last row of every order.
    const rows = stateRows(h.engine.state);
    assert.equal(rows.orders.find((o) => o.orderid === a)?.cancelat, T0 + 100);
    assert.equal(rows.orders.find((o) => o.orderid === b)?.modifyto?.price, 79_200);
    h.engine.restore(rows);
    assert.equal(h.engine.state.cancels.get(a), T0 + 100);
    assert.equal(h.engine.state.modifies.get(b)?.due, T0 + 100);
    h.now = T0 + 100;
    h.record(h.engine.onClock(h.ctx()).events);
    assert.equal(h.order(a).status, 'cancelled');
    assert.equal(h.order(b).price, 79_200);
    assert.equal(h.order(b).modifyto, undefined);
    // Restored again: nothing is on its way any more.
    h.engine.restore(stateRows(h.engine.state));
    assert.equal(h.engine.state.cancels.size + h.engine.state.modifies.size, 0);
  });
});

describe('execution: acknowledgement latency (the exchange answers later)', () => {
  const ACK_30 = {
    latency: {
      entry: { kind: 'fixed', ms: 100 },
      cancel: { kind: 'fixed', ms: 0 },
      ack: { kind: 'fixed', ms: 30 },
    },
  };
  const clock = (h: Harness, at: number): EngineEvent[] => {
    h.now = at;
    const r = h.engine.onClock(h.ctx());
    h.record(r.events);
    return r.events;
  };

  it('the feed hears AB09 at once, AB01 at arrival + ack, a fill at its time + ack; the rows change at once', () => {
    const h = new Harness({ fillModel: model('ideal', ACK_30) });
    const r = h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    const id = orderid(r);
    assert.deepEqual(updates(r.events), ['AB09'], "the broker's own answer, with the row");
    assert.equal(h.order(id).exchangeat, T0 + 100, 'exchtime: placement + entry latency');
    h.now = T0 + 100;
    const q = h.engine.onQuote(feedQuote(h, 80_000, 1000), h.ctx());
    h.record(q.events);
    assert.equal(h.order(id).status, 'complete', 'the exchange filled it at its arrival');
    assert.deepEqual(fillsOf(h, id), [{ price: 80_005, quantity: 10, time: T0 + 100 }]);
    assert.deepEqual(updates(q.events), [], 'nothing reached the feed yet');
    assert.deepEqual(updates(clock(h, T0 + 129)), []);
    const heard = clock(h, T0 + 130);
    assert.deepEqual(updates(heard), ['AB01', 'AB05']);
    assert.ok(
      heard.every((e) => e.type === 'notice'),
      'pushes only: the rows were written before',
    );
    const last = heard.at(-1) as Extract<EngineEvent, { type: 'notice' }>;
    assert.equal(last.order.status, 'complete');
    assert.equal(h.engine.state.notices.length, 0);
  });

  it('a cancel is confirmed to the feed ack ms after it reached the exchange', () => {
    const h = new Harness({
      fillModel: model('ideal', {
        latency: {
          entry: { kind: 'fixed', ms: 0 },
          cancel: { kind: 'fixed', ms: 50 },
          ack: { kind: 'fixed', ms: 30 },
        },
      }),
    });
    const id = orderid(h.place(sbin({ price: '790' })));
    clock(h, T0 + 30); // AB01 heard
    const c = h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));
    assert.deepEqual(updates(c.events), []);
    assert.deepEqual(updates(clock(h, T0 + 80)), [], 'cancelled at the exchange, not heard yet');
    assert.equal(h.order(id).status, 'cancelled');
    assert.deepEqual(updates(clock(h, T0 + 110)), ['AB02']);
  });

  it('a cancel that reaches the exchange before the order is heard after its acceptance, not before', () => {
    const h = new Harness({
      fillModel: model('ideal', {
        latency: {
          entry: { kind: 'fixed', ms: 200 },
          cancel: { kind: 'fixed', ms: 0 },
          ack: { kind: 'fixed', ms: 30 },
        },
      }),
    });
    const id = orderid(h.place(sbin({ price: '790' })));
    h.now = T0 + 10;
    const c = h.run((e, ctx) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, ctx));
    assert.deepEqual(updates(c.events), []);
    assert.equal(h.order(id).status, 'cancelled');
    assert.deepEqual(updates(clock(h, T0 + 100)), [], 'the cancel (due +40) waits for the acceptance (+230)');
    assert.deepEqual(updates(clock(h, T0 + 230)), ['AB01', 'AB02']);
  });

  it('changes when the feed hears things, never what happens: the same fills, and per order the same answers in the same order', (t) => {
    // The broker's own answers (AB09 open pending, AB11 modify pending, AB03 rejected, AMO codes) are
    // immediate; the exchange's may now arrive after them, so each kind is compared in its own order.
    const BROKER = new Set(['AB03', 'AB06', 'AB07', 'AB08', 'AB09', 'AB11']);
    const byOrder = (pushes: EngineEvent[], broker: boolean) => {
      const out = new Map<string, string[]>();
      for (const e of pushes) {
        if ((e.type !== 'order' && e.type !== 'notice') || !e.update) continue;
        if (BROKER.has(e.update) !== broker) continue;
        const list = out.get(e.order.orderid) ?? [];
        list.push(`${e.update} ${e.order.status} ${e.order.filledshares}`);
        out.set(e.order.orderid, list);
      }
      return [...out].sort(([a], [b]) => (a < b ? -1 : 1));
    };
    let heardLater = 0;
    fc.assert(
      fc.property(
        fc.array(flowStep, { minLength: 20, maxLength: 100 }),
        fc.constantFrom(5, 40, 300),
        (steps, ackMs) => {
          const base = applyExecutionChange(presetSettings('realistic', 7, T0), {}, T0);
          const now = replayFlow(
            new ExecutionFillModel(
              applyExecutionChange(base, { latency: { ack: { kind: 'fixed', ms: 0 } } }, T0),
            ),
            steps,
          );
          const late = replayFlow(
            new ExecutionFillModel(
              applyExecutionChange(base, { latency: { ack: { kind: 'fixed', ms: ackMs } } }, T0),
            ),
            steps,
          );
          assert.equal(late.books, now.books);
          assert.deepEqual(byOrder(late.pushes, false), byOrder(now.pushes, false));
          assert.deepEqual(byOrder(late.pushes, true), byOrder(now.pushes, true));
          if (late.pushes.some((e) => e.type === 'notice')) heardLater++;
        },
      ),
      propertyOptions(t, { numRuns: 150 }),
    );
    assert.ok(heardLater > 100, `${heardLater} of 150 flows had pushes on their way`);
  });

  it('a command after the due time carries the pushes that reached the broker first', () => {
    const h = new Harness({ fillModel: model('ideal', ACK_30) });
    const id = orderid(h.place(sbin({ price: '790' })));
    h.now = T0 + 200;
    const r = h.place(sbin({ price: '791' }));
    assert.deepEqual(updates(r.events), ['AB01', 'AB09']);
    const first = r.events.find((e) => e.type === 'notice') as Extract<EngineEvent, { type: 'notice' }>;
    assert.equal(first.order.orderid, id);
  });

  it('the pushes of one order keep their order; a reset drops those of its account', () => {
    const h = new Harness({ fillModel: model('realistic', { seed: 3 }) });
    const id = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '2500' })));
    const heard: string[] = [];
    for (let t = 100; t <= 3000; t += 100) {
      h.now = T0 + t;
      const q = h.engine.onQuote(feedQuote(h, 80_000, 1000 + t), h.ctx()).events;
      h.record(q);
      heard.push(...updates(q), ...updates(clock(h, T0 + t)));
    }
    assert.equal(h.order(id).status, 'complete');
    // Accepted, then one fill per level it took, the last one completing it.
    assert.equal(heard[0], 'AB01');
    assert.equal(heard.at(-1), 'AB05');
    assert.ok(heard.length >= 3, `several fills: ${heard}`);
    assert.deepEqual(
      heard.slice(1, -1),
      heard.slice(1, -1).map(() => 'AB01'),
    );
    h.place(sbin({ price: '790' }));
    assert.ok(h.engine.state.notices.length > 0);
    h.engine.resetAccount('A1', h.ctx());
    assert.equal(h.engine.state.notices.length, 0);
  });

  it('each order draws its own acknowledgement latency from the seed', () => {
    const fm = model('realistic', { seed: 11 });
    const a = fm.ackLatency('261203000000001');
    assert.equal(fm.ackLatency('261203000000001'), a);
    const many = new Set(Array.from({ length: 20 }, (_, i) => fm.ackLatency(`2612030000000${10 + i}`)));
    assert.ok(many.size > 5, 'log-normal draws differ between orders');
    assert.equal(model('ideal').ackLatency('261203000000001'), 0);
  });
});

describe('execution: market impact and finite liquidity', () => {
  it('a 10× top-of-book market buy walks 5 visible and 5 hidden levels (1 tick apart)', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    const id = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '10000' })));
    const prices = [80_005, 80_010, 80_015, 80_020, 80_025, 80_030, 80_035, 80_040, 80_045, 80_050];
    assert.deepEqual(
      fillsOf(h, id).map((f) => [f.price, f.quantity]),
      prices.map((p) => [p, 1000]),
    );
    assert.equal(h.order(id).filledvalue / 10_000, 80_027.5);
  });

  it('the book remembers our fills and refills with the half-life', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '10000' })));
    // Everything up to 800.50 is taken: the next 1000 come from the 11th level.
    const b = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '1000' })));
    assert.deepEqual(
      fillsOf(h, b).map((f) => [f.price, f.quantity]),
      [[80_055, 1000]],
    );
    // One half-life (5 s) later half of each level is back.
    h.now = T0 + 5000;
    const c = orderid(h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '1000' })));
    assert.deepEqual(
      fillsOf(h, c).map((f) => [f.price, f.quantity]),
      [
        [80_005, 500],
        [80_010, 500],
      ],
    );
  });

  it('unit: depth factor, hidden levels and an empty side', () => {
    const impact = new BookImpact();
    const h = new Harness();
    const q = h.market.setQuote('NSE', '3045', { ltp: 80_000 });
    const p = { depthFactor: 0.5, refillHalfLifeMs: 1000, slipTicks: 3, hiddenLevels: 2 };
    // 500 per visible level (2500), then 2 hidden levels of 500 each at +15 and +30 paise; 500 unfilled.
    const fills = impact.take('k', true, 4000, undefined, q, 5, p, T0);
    assert.deepEqual(
      fills.map((f) => [f.price, f.quantity]),
      [
        [80_005, 500],
        [80_010, 500],
        [80_015, 500],
        [80_020, 500],
        [80_025, 500],
        [80_040, 500],
        [80_055, 500],
      ],
    );
    const empty = { ...q, asks: q.asks.map((l) => ({ ...l, quantity: 0 })), lastTradeQty: 7 };
    assert.deepEqual(impact.take('e', true, 10, undefined, empty, 5, { ...p, hiddenLevels: 0 }, T0), [
      { price: 80_000, quantity: 3 },
    ]);
  });

  it('an IOC limit beyond the depth it may take fills partly and cancels the rest', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    const r = h.place(sbin({ duration: 'IOC', price: '800.15', quantity: '5000' }));
    const id = orderid(r);
    assert.deepEqual(updates(r.events), ['AB09', 'AB01', 'AB01', 'AB01', 'AB01', 'AB02']);
    assert.deepEqual(
      fillsOf(h, id).map((f) => [f.price, f.quantity]),
      [
        [80_005, 1000],
        [80_010, 1000],
        [80_015, 1000],
      ],
    );
    const o = h.order(id);
    assert.equal(o.status, 'cancelled');
    assert.equal(o.filledshares, 3000);
    assert.equal(o.cancelsize, 2000);
    const trades = h.engine.tradeBook('A1', h.ctx()) ?? [];
    assert.equal(new Set(trades.map((t) => t.fillid)).size, 3);
  });

  it('a DAY limit beyond the depth stays open with filledshares / unfilledshares', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    const id = orderid(h.place(sbin({ price: '800.15', quantity: '5000' })));
    const row = (h.engine.orderBook('A1', h.ctx()) ?? []).find((x) => x.orderid === id);
    assert.equal(row?.status, 'open');
    assert.equal(row?.filledshares, '3000');
    assert.equal(row?.unfilledshares, '2000');
  });
});

/** The same model without the level memory: every visible level is visited on every quote. */
class VisitAll extends ExecutionFillModel {
  override get tracksQueues(): boolean {
    return false;
  }
}

/**
 * `feed` with the best bid at ₹799.95 showing `bid0` (also when the LTP is ₹799.95); `silent`: the market
 * moves but the engine does not see the quote.
 */
function feedBid(h: Harness, ltp: number, volume: number, bid0: number, silent = false): void {
  h.now += 100;
  const q = h.market.setQuote('NSE', '3045', { ltp }, h.now);
  q.volume = volume;
  q.bids[0] = { price: 79_995, quantity: bid0, orders: 10 };
  if (!silent) h.record(h.engine.onQuote(q, h.ctx()).events);
}

describe('execution: queue position', () => {
  it('unit fifo: volume traded at our price consumes the queue ahead, then fills us', () => {
    const h = new Harness();
    const q0 = h.market.setQuote('NSE', '3045', { ltp: 80_000 });
    const pos = joinQueue(q0, true, 79_995);
    assert.deepEqual(pos, { ahead: 1000, sequence: q0.sequence, shown: 1000, events: 0 });
    const at = (ltp = 79_995, shown = 1000) => {
      const q = h.market.setQuote('NSE', '3045', { ltp, bid: 79_995 });
      if (q.bids[0]) q.bids[0].quantity = shown;
      return q;
    };
    const q1 = at();
    assert.equal(advanceQueue(pos, q1, 600, true, 79_995, 300, 'fifo', 1, 'o'), 0);
    assert.equal(pos.ahead, 400);
    assert.equal(advanceQueue(pos, q1, 600, true, 79_995, 300, 'fifo', 1, 'o'), 0, 'a quote counts once');
    assert.equal(pos.ahead, 400);
    assert.equal(
      advanceQueue(pos, at(80_000), 100, true, 79_995, 300, 'fifo', 1, 'o'),
      0,
      'trades elsewhere',
    );
    assert.equal(pos.ahead, 400);
    assert.equal(advanceQueue(pos, at(), 500, true, 79_995, 300, 'fifo', 1, 'o'), 100, 'partial');
    assert.equal(pos.ahead, 0);
    // Orders ahead cancelled: the queue ahead never exceeds what is displayed.
    const p2 = joinQueue(q0, true, 79_995);
    advanceQueue(p2, at(80_000, 250), 0, true, 79_995, 300, 'fifo', 1, 'o');
    assert.equal(p2.ahead, 250);
    // A trade through our price fills the whole rest.
    assert.equal(advanceQueue(p2, at(79_990), 1, true, 79_995, 300, 'fifo', 1, 'o'), 300);
  });

  it('unit probabilistic: a seeded share of a cancellation was ahead of us', () => {
    const h = new Harness();
    const q0 = h.market.setQuote('NSE', '3045', { ltp: 80_000 });
    const pos = joinQueue(q0, true, 79_995);
    const q1 = h.market.setQuote('NSE', '3045', { ltp: 80_000 });
    if (q1.bids[0]) q1.bids[0].quantity = 1500; // +500 joined behind us
    advanceQueue(pos, q1, 0, true, 79_995, 10, 'probabilistic', 9, 'o1');
    assert.equal(pos.ahead, 1000);
    const q2 = h.market.setQuote('NSE', '3045', { ltp: 80_000 });
    if (q2.bids[0]) q2.bids[0].quantity = 1100; // 400 cancelled, no trade at our price
    advanceQueue(pos, q2, 0, true, 79_995, 10, 'probabilistic', 9, 'o1');
    assert.equal(pos.ahead, 1000 - Math.floor(400 * draw(9, 'o1', 1)));
    assert.equal(pos.events, 1);
  });

  it('engine fifo: a bid at the touch fills only after the queue ahead traded, partly then fully', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    feed(h, 80_000, 5000);
    const id = orderid(h.place(sbin({ price: '799.95', quantity: '300' })));
    assert.equal(h.order(id).status, 'open');
    h.now += 1000;
    feed(h, 79_995, 5600); // 600 of the 1000 ahead traded
    assert.equal(h.order(id).filledshares, 0);
    h.now += 1000;
    feed(h, 79_995, 6500); // 400 more ahead, then 500 for us: 300 fills (the touch model would have filled at once)
    assert.equal(h.order(id).filledshares, 300);
    assert.equal(h.order(id).status, 'complete');
    const partial = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    feed(partial, 80_000, 5000);
    const p = orderid(partial.place(sbin({ price: '799.95', quantity: '300' })));
    partial.now += 1000;
    feed(partial, 79_995, 6100);
    assert.equal(partial.order(p).filledshares, 100);
    assert.equal(partial.order(p).status, 'open');
    const row = (partial.engine.orderBook('A1', partial.ctx()) ?? []).find((x) => x.orderid === p);
    assert.equal(row?.unfilledshares, '200');
  });

  it('the queue counts volume from the quote it joined at, not from quotes the engine never saw', () => {
    const fm = model('realistic', NO_LATENCY);
    const h = new Harness({ fillModel: fm });
    feed(h, 80_000, 5000);
    // Quotes the broker does not pass while nothing works on the instrument: the market trades 90,000.
    const q = h.market.setQuote('NSE', '3045', { ltp: 80_000 }, h.now);
    q.volume = 95_000;
    const id = orderid(h.place(sbin({ price: '799.95', quantity: '300' })));
    h.now += 1000;
    feed(h, 79_995, 95_600); // 600 of the 1000 ahead traded since it joined: no fill
    assert.equal(h.order(id).filledshares, 0);
    h.now += 1000;
    feed(h, 79_995, 96_500);
    assert.equal(h.order(id).filledshares, 300);
  });

  it('forgets the execution state of orders that stopped working', () => {
    const fm = model('realistic', { latency: { entry: { kind: 'fixed', ms: 0 } } }); // cancels still travel
    const h = new Harness({ fillModel: fm });
    feed(h, 80_000, 5000);
    const ids = Array.from({ length: 20 }, (_, i) =>
      orderid(h.place(sbin({ price: (799 - i).toFixed(2), quantity: '10' }))),
    );
    h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '10' }));
    assert.equal(fm.memory().orders, 20);
    assert.equal(fm.memory().instruments, 1);
    for (const id of ids) h.run((e, c) => e.cancelOrder('A1', { variety: 'NORMAL', orderid: id }, c));
    // The cancels travel (cancel latency): the orders work until they arrive.
    assert.deepEqual(fm.memory(), { orders: 20, instruments: 1 });
    assert.equal(h.engine.state.cancels.size, 20);
    h.now += 1000;
    h.record(h.engine.onClock(h.ctx()).events);
    for (const id of ids) assert.equal(h.order(id).status, 'cancelled');
    assert.deepEqual(fm.memory(), { orders: 0, instruments: 0 });
    assert.equal(h.engine.state.cancels.size, 0);
  });

  it('an order that joined at a quantity the engine never saw is visited although its level looks unchanged', () => {
    for (const fm of [
      model('realistic', { ...NO_LATENCY, queue: { model: 'fifo' } }),
      new VisitAll(
        applyExecutionChange(
          presetSettings('realistic', 7, T0),
          { ...NO_LATENCY, queue: { model: 'fifo' } },
          T0,
        ),
      ),
    ]) {
      const h = new Harness({ fillModel: fm });
      h.place(sbin({ price: '799.95', quantity: '10' })); // keeps the level alive
      feedBid(h, 80_000, 5000, 1000); // level 799.95 in step at 1000
      feedBid(h, 80_000, 5000, 1400, true); // the market shows 1400 there; the engine does not see it
      const id = orderid(h.place(sbin({ price: '799.95', quantity: '300' }))); // joins behind 1400
      feedBid(h, 80_000, 5000, 1000); // 1000 shown again (as the level's memory): ahead is capped at 1000
      feedBid(h, 79_995, 6200, 1000); // 1200 traded at 799.95: 1000 ahead, then 200 for us
      assert.equal(h.order(id).filledshares, 200, fm.constructor.name);
    }
  });

  it('a level the market traded at is visited in full once it is out of reach again', () => {
    // probabilistic: the trade-at quote moves the orders' last seen quantity (1000) away from the level's
    // memory (3000); the next quote showing 3000 must be seen, or the fall to 1000 after it is missed.
    const run = (fm: ExecutionFillModel) => {
      const h = new Harness({ fillModel: fm });
      feedBid(h, 80_000, 5000, 3000);
      const id = orderid(h.place(sbin({ price: '799.95', quantity: '300' }))); // 3000 ahead
      feedBid(h, 80_000, 5000, 3000); // in step at 3000
      feedBid(h, 79_995, 5000, 1000); // at our price, nothing traded: cancellations, 1000 ahead at most
      feedBid(h, 80_000, 5000, 3000); // out of reach, 3000 as the memory says
      feedBid(h, 80_000, 5000, 1000); // a fall of 2000: cancellations, a seeded share of them ahead of us
      feedBid(h, 79_995, 5700, 1000); // 700 traded at our price
      return fillsOf(h, id).map((f) => f.quantity);
    };
    const settings = applyExecutionChange(
      presetSettings('realistic', 7, T0),
      { ...NO_LATENCY, queue: { model: 'probabilistic' } },
      T0,
    );
    const all = run(new VisitAll(settings));
    assert.deepEqual(run(new ExecutionFillModel(settings)), all);
    assert.ok(all.length > 0, 'the cancellations put the order within reach of the 700 traded');
  });

  it('skipping levels whose displayed quantity did not change gives the same fills as visiting them all', (t) => {
    // The quote loop visits, of the visible levels out of reach, only those that changed (drivers.ts
    // changedLevels). A model that declines the level memory visits every visible level (the loop before
    // it); both must book the same trades, byte for byte, on any flow.
    let filled = 0;
    fc.assert(
      fc.property(
        fc.constantFrom('fifo', 'probabilistic'),
        fc.array(flowStep, { minLength: 20, maxLength: 120 }),
        (queue, steps) => {
          const settings = applyExecutionChange(
            presetSettings('realistic', 7, T0),
            { queue: { model: queue } },
            T0,
          );
          const a = replayFlow(new ExecutionFillModel(settings), steps).books;
          const b = replayFlow(new VisitAll(settings), steps).books;
          assert.equal(a, b);
          if (JSON.parse(a).trades.length > 0) filled++;
        },
      ),
      propertyOptions(t, { numRuns: 300 }),
    );
    // The flows do exercise the queues (not only untouched books).
    assert.ok(filled > 60, `${filled} of 300 flows filled anything`);
  });

  it('a modify to a new price loses the queue position', () => {
    const h = new Harness({ fillModel: model('realistic', NO_LATENCY) });
    feed(h, 80_000, 5000);
    const id = orderid(h.place(sbin({ price: '799.90', quantity: '10' })));
    const m = h.run((e, ctx) =>
      e.modifyOrder('A1', { ...sbin({ price: '799.95', quantity: '10' }), orderid: id }, ctx),
    );
    assert.ok(!isRejection(m.result), JSON.stringify(m.result));
    feed(h, 79_995, 5900); // joins behind 1000 at 799.95 now: 900 traded is not enough
    feed(h, 79_995, 6000);
    assert.equal(h.order(id).filledshares, 0);
    feed(h, 79_995, 6010);
    assert.equal(h.order(id).filledshares, 10);
  });
});

describe('execution: presets and determinism', () => {
  it('the ideal preset is exactly the walk-the-book model', () => {
    const run = (fm: WalkTheBookFillModel) => {
      const h = new Harness({ fillModel: fm });
      h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '7000' }));
      h.place(sbin({ price: '799.90', quantity: '50' }));
      h.place(sbin({ transactiontype: 'SELL', duration: 'IOC', price: '799.95', quantity: '1500' }));
      h.now += 10_000;
      feed(h, 79_880, 9000);
      return JSON.stringify([h.engine.tradeBook('A1', h.ctx()), h.engine.orderBook('A1', h.ctx())]);
    };
    assert.equal(run(model('ideal')), run(new WalkTheBookFillModel()));
  });

  it('same seed and commands give the same trade book byte for byte; another seed differs', () => {
    const session = (seed: number) => {
      const fm = new ExecutionFillModel(
        applyExecutionChange(presetSettings('harsh', seed, T0), { queue: { model: 'probabilistic' } }, T0),
      );
      const h = new Harness({ fillModel: fm });
      feed(h, 80_000, 5000);
      for (let i = 0; i < 20; i++) {
        h.place(
          sbin({
            ordertype: i % 3 === 0 ? 'MARKET' : 'LIMIT',
            price: i % 3 === 0 ? '0' : '799.95',
            quantity: String(100 + i * 37),
          }),
        );
        h.now += 97 * (i + 1);
        const q = h.market.setQuote('NSE', '3045', { ltp: 79_995 + 5 * (i % 3) }, h.now);
        q.volume = 5000 + 400 * (i + 1);
        if (q.bids[0]) q.bids[0].quantity = 1000 - 30 * i;
        h.record(h.engine.onQuote(q, h.ctx()).events);
      }
      return JSON.stringify(h.engine.tradeBook('A1', h.ctx()));
    };
    const a = session(42);
    assert.equal(session(42), a);
    assert.notEqual(session(43), a);
    assert.ok((JSON.parse(a) as unknown[]).length > 5);
  });

  it('validates a change all or nothing; overrides make the preset custom', () => {
    const cur = presetSettings('realistic', 1, T0);
    const before = JSON.stringify(cur);
    for (const bad of [
      null,
      [],
      { preset: 'fast' },
      { seed: 1.5 },
      { queue: { model: 'lifo' } },
      { latency: { entry: { kind: 'gamma' } } },
      { latency: { entry: { kind: 'uniform', minMs: 20, maxMs: 10 } } },
      { impact: { depthFactor: 0 } },
      { impact: { slipTicks: -1 } },
      { impact: { enabled: 'yes' } },
      { impact: { bogus: 1 } },
      { whatever: 1 },
    ]) {
      assert.throws(() => applyExecutionChange(cur, bad, T0), ExecutionSettingsError, JSON.stringify(bad));
    }
    assert.equal(JSON.stringify(cur), before);
    assert.equal(applyExecutionChange(cur, { preset: 'harsh' }, T0).preset, 'harsh');
    assert.equal(applyExecutionChange(cur, { queue: { model: 'none' } }, T0).preset, 'custom');
    assert.equal(applyExecutionChange(cur, { queue: { model: 'fifo' } }, T0).preset, 'realistic');
    assert.equal(applyExecutionChange(cur, { seed: 9 }, T0).seed, 9);
  });
});
