import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { SimClock } from '../src/market/clock.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import type { Quote } from '../src/market/types.js';
import { buildUniverse } from '../src/market/universe.js';

// Timer-driven steps of the synthetic market run in slices across event-loop turns
// (docs/paper-broker-market.md#steps-and-the-event-loop); advance() steps run whole.

const START = istToEpoch(2026, 1, 6, 9, 30); // a Tuesday, market open
const SEED = 7;

const label = (q: Quote) => `${q.exchange}:${q.token}:${q.sequence}:${q.timestamp}:${q.ltp}`;

/** A market on a running sim clock whose timer sees a fake real time (moved by the test). */
function timerMarket(sliceMs: number) {
  const real = { now: 1_000_000 };
  const clock = new SimClock({ start: START, speed: 1, tickMs: 1, realSource: () => real.now });
  const market = new SimulatedMarket({ clock, seed: SEED, sliceMs });
  const seen: string[] = [];
  market.onQuote((q) => seen.push(label(q)));
  return { real, clock, market, seen };
}

/** The reference: the same market on a manual clock. */
function manualMarket() {
  const clock = new SimClock({ start: START, manual: true });
  const market = new SimulatedMarket({ clock, seed: SEED });
  const seen: string[] = [];
  market.onQuote((q) => seen.push(label(q)));
  return { clock, market, seen };
}

describe('sliced market steps (timer-driven clocks)', () => {
  it('a timer step spreads over event-loop turns and publishes what advance() does, once per instrument, in order', async () => {
    const ref = manualMarket();
    ref.clock.advance(500);
    assert.ok(ref.seen.length > 500, `the reference step publishes many quotes (${ref.seen.length})`);

    const m = timerMarket(0);
    let afterFirstTurn = -1;
    m.market.onQuote(() => {
      if (afterFirstTurn === -1) {
        afterFirstTurn = -2;
        queueMicrotask(() => {
          afterFirstTurn = m.seen.length;
        });
      }
    });
    try {
      m.market.start();
      m.real.now += 500; // the next timer tick moves the market clock by 500 ms
      await eventually(() => assert.equal(m.seen.length, ref.seen.length, 'all quotes of the step'));
      assert.ok(
        afterFirstTurn > 0 && afterFirstTurn < ref.seen.length,
        `the first turn published part of the step (${afterFirstTurn} of ${ref.seen.length})`,
      );
      assert.deepEqual(m.seen, ref.seen);
      const tokens = new Set(m.seen.map((s) => s.split(':').slice(0, 2).join(':')));
      assert.equal(tokens.size, m.seen.length, 'each instrument once per step');
      assert.equal(m.clock.now(), START + 500);
      for (const inst of m.market.instruments())
        assert.deepEqual(
          m.market.quote(inst.exchange, inst.token),
          ref.market.quote(inst.exchange, inst.token),
        );
      assert.deepEqual(m.market.exportState(), ref.market.exportState());
    } finally {
      m.market.close();
    }
  });

  it('advance() and exportState() during a sliced step finish it first, synchronously', async () => {
    const ref = manualMarket();
    ref.clock.advance(500);
    const refStateAfterStep = ref.market.exportState();
    ref.clock.advance(500);

    const m = timerMarket(0);
    let inFlight = -1;
    let stateMidStep: ReturnType<SimulatedMarket['exportState']> | undefined;
    let seenAfterAdvance = -1;
    m.market.onQuote(() => {
      if (inFlight !== -1) return;
      inFlight = 0;
      // right after the first slice's turn, while the step is still in progress
      queueMicrotask(() => {
        inFlight = m.seen.length;
        stateMidStep = m.market.exportState();
        m.clock.advance(500);
        seenAfterAdvance = m.seen.length;
      });
    });
    try {
      m.market.start();
      m.real.now += 500;
      await eventually(() => assert.ok(seenAfterAdvance >= 0, 'the advance ran'));
      assert.ok(inFlight > 0 && inFlight < ref.seen.length / 2, `the step was in progress (${inFlight})`);
      assert.deepEqual(stateMidStep, refStateAfterStep, 'exportState() finished the step in progress');
      assert.equal(seenAfterAdvance, ref.seen.length, 'advance() returned with both steps published');
      assert.deepEqual(m.seen, ref.seen);
      assert.deepEqual(m.market.exportState(), ref.market.exportState());
    } finally {
      m.market.close();
    }
  });

  it('sliceMs: Infinity runs timer steps whole, in the timer callback', async () => {
    const ref = manualMarket();
    ref.clock.advance(500);
    const m = timerMarket(Number.POSITIVE_INFINITY);
    let afterFirstTurn = -1;
    m.market.onQuote(() => {
      if (afterFirstTurn !== -1) return;
      afterFirstTurn = -2;
      queueMicrotask(() => {
        afterFirstTurn = m.seen.length;
      });
    });
    try {
      m.market.start();
      m.real.now += 500;
      await eventually(() => assert.ok(afterFirstTurn >= 0, 'the step ran'));
      assert.equal(afterFirstTurn, ref.seen.length);
      assert.deepEqual(m.seen, ref.seen);
    } finally {
      m.market.close();
    }
  });
});

describe('quotes built on demand', () => {
  const make = (start = istToEpoch(2026, 1, 6, 9, 10)) => {
    const clock = new SimClock({ start, manual: true });
    return { clock, market: new SimulatedMarket({ clock, seed: SEED }) };
  };
  // pre-open, open, a jump, the close and the next day's pre-open and open
  const moves = [500, 500, 7 * 60_000, 500, 500, 6.5 * 3_600_000, 17.5 * 3_600_000, 500, 500];

  it('a quote no listener wanted, read later, equals the quote published eagerly (through a day roll)', () => {
    const eager = make();
    const all: Quote[] = [];
    eager.market.onQuote((q) => all.push(q));
    const lazy = make(); // no listener at all: nothing is built during the steps
    const partial = make();
    const sbin: Quote[] = [];
    partial.market.onQuote(
      (q) => sbin.push(q),
      (exchange, token) => exchange === 'NSE' && token === '3045',
    );
    const insts = eager.market.instruments();
    moves.forEach((ms, i) => {
      for (const m of [eager, lazy, partial]) m.clock.advance(ms);
      if (i === moves.length - 1) assert.equal(new Date(lazy.clock.now()).getUTCDate(), 7, 'the next day');
      // read a different part of the universe after each move (and all of it after the last)
      const part = i === moves.length - 1 ? insts : insts.filter((_, j) => j % moves.length === i);
      for (const inst of part) {
        const want = eager.market.quote(inst.exchange, inst.token);
        assert.deepEqual(lazy.market.quote(inst.exchange, inst.token), want);
        assert.deepEqual(partial.market.quote(inst.exchange, inst.token), want);
      }
    });
    for (const inst of insts.slice(0, 100))
      assert.deepEqual(
        lazy.market.depth(inst.exchange, inst.token, 20),
        eager.market.depth(inst.exchange, inst.token, 20),
      );
    assert.deepEqual(lazy.market.exportState(), eager.market.exportState());
    assert.deepEqual(partial.market.exportState(), eager.market.exportState());
    // the interested listener saw exactly SBIN's quotes, the same objects' values as the eager market's
    assert.ok(sbin.length > 3, `SBIN quotes (${sbin.length})`);
    assert.deepEqual(
      sbin,
      all.filter((q) => q.exchange === 'NSE' && q.token === '3045'),
    );
  });

  it('an interest that changes between steps gets the quotes of the steps it wanted', () => {
    const eager = make(START);
    const all: Quote[] = [];
    eager.market.onQuote((q) => all.push(q));
    const m = make(START);
    let wanted = false;
    const got: Quote[] = [];
    m.market.onQuote(
      (q) => got.push(q),
      (exchange, token) => wanted && exchange === 'NSE' && token === '3045',
    );
    m.clock.advance(1000);
    eager.clock.advance(1000);
    const before = all.length;
    wanted = true;
    m.clock.advance(1000);
    eager.clock.advance(1000);
    assert.equal(got.length > 0, true, 'quotes once wanted');
    assert.deepEqual(
      got,
      all.slice(before).filter((q) => q.exchange === 'NSE' && q.token === '3045'),
    );
  });
});

describe('lazy activation replays the book it would have shown', () => {
  it('an option activated late equals the same option simulated since the start (illiquid strikes too)', () => {
    const start = START;
    const make = () => {
      const clock = new SimClock({ start, manual: true });
      const universe = buildUniverse({ date: start, seed: SEED });
      return { clock, market: new SimulatedMarket({ clock, seed: SEED, universe, lazy: true }) };
    };
    const early = make();
    const late = make();
    // far strikes included: they mostly re-quote without trading, reading their current book
    const options = early.market
      .instruments()
      .filter((i) => i.instrumentType === 'OPTIDX')
      .slice(0, 120);
    for (const i of options) early.market.quote(i.exchange, i.token);
    for (let k = 0; k < 240; k++) {
      early.clock.advance(500);
      late.clock.advance(500);
    }
    for (const i of options)
      assert.deepEqual(
        late.market.quote(i.exchange, i.token),
        early.market.quote(i.exchange, i.token),
        `${i.symbol}`,
      );
  });
});
