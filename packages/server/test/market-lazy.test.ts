/**
 * Lazy activation of the synthetic source (docs/paper-broker-market.md#lazy-activation): nothing is
 * simulated until used, and an instrument's path does not depend on when it was activated.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '@smartapi-ts/protocol';
import { istToEpoch } from '@smartapi-ts/protocol';
import { generateScripMaster } from '@smartapi-ts/testkit/scrip-master';
import { SimClock } from '../src/market/clock.js';
import { universeFromScripMaster } from '../src/market/scrip-master.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import type { Universe } from '../src/market/universe.js';

// 09:05 IST: the run covers the pre-open call auction (09:07–09:08) and the open at 09:15.
const START = istToEpoch(2026, 1, 6, 9, 5);

function make(universe?: Universe, lazy = true) {
  const clock = new SimClock({ start: START, manual: true });
  const market = new SimulatedMarket({ clock, seed: 7, lazy, ...(universe ? { universe } : {}) });
  return { clock, market };
}

type Touch = [Exchange, string];

/** Everything observable about an instrument. */
function observe(m: SimulatedMarket, [ex, token]: Touch) {
  return {
    quote: m.quote(ex, token),
    depth: m.depth(ex, token, 20),
    bars: m.candles(ex, token, 1, START - 86_400_000, m.now()),
  };
}

/** Advances `steps` × `ms`, touching `touches[i]` before advance `at[i]`. */
function run(touches: Touch[], at: number[], steps: number, ms: number, universe?: Universe) {
  const { clock, market } = make(universe);
  for (let i = 0; i < steps; i++) {
    touches.forEach((t, j) => {
      if (at[j] === i) market.quote(t[0], t[1]);
    });
    clock.advance(ms);
  }
  return market;
}

describe('lazy synthetic market', () => {
  const sbin: Touch = ['NSE', '3045'];
  const nifty: Touch = ['NSE', '99926000'];

  it('simulates nothing until an instrument is used, then only what is used', () => {
    const { clock, market } = make();
    let quotes = 0;
    const tokens = new Set<string>();
    market.onQuote((q) => {
      quotes++;
      tokens.add(`${q.exchange}:${q.token}`);
    });
    clock.advance(30 * 60_000);
    assert.equal(market.activeCount, 0);
    assert.equal(quotes, 0);
    assert.ok(market.instrument('NSE', '3045'), 'lookups do not need activation');
    assert.equal(market.activeCount, 0);
    assert.ok(market.quote(...sbin));
    assert.equal(market.activeCount, 1);
    for (let i = 0; i < 20; i++) clock.advance(500);
    assert.ok(quotes > 0);
    assert.deepEqual([...tokens], ['NSE:3045']);
  });

  it('gives the same prices whatever the order and time of activation (two runs, different orders)', () => {
    const eq = make(undefined, false).market; // to pick a few derivatives of the built-in universe
    const fut = eq.instruments().find((i) => i.name === 'NIFTY' && i.instrumentType === 'FUTIDX')!;
    const opt = eq.instruments().find((i) => i.name === 'SBIN' && i.optionType === 'PE')!;
    eq.close();
    const set: Touch[] = [sbin, nifty, [fut.exchange, fut.token], [opt.exchange, opt.token]];
    // 40 advances of 30 s: through the pre-open auction into continuous trading.
    const a = run(set, [0, 5, 17, 39], 40, 30_000);
    const b = run([...set].reverse(), [3, 22, 30, 38], 40, 30_000);
    const c = run([], [], 40, 30_000); // touched only at the end
    for (const t of set) {
      const seen = observe(a, t);
      assert.ok(seen.quote && seen.quote.sequence > 1, `${t.join(':')} moved`);
      assert.deepEqual(observe(b, t), seen, `${t.join(':')}: run b`);
      assert.deepEqual(observe(c, t), seen, `${t.join(':')}: run c`);
    }
    assert.equal(a.activeCount, 4);
  });

  it('a rolled-back state forgets the activations made after it and replays the same', () => {
    const { clock, market } = make();
    market.quote(...sbin);
    clock.advance(20 * 60_000);
    const saved = market.exportState();
    const sbinAt = market.quote(...sbin);
    market.quote(...nifty);
    clock.advance(60_000);
    assert.equal(market.activeCount, 2);
    market.checkState(saved);
    market.importState(structuredClone(saved));
    assert.equal(market.activeCount, 1);
    assert.deepEqual(market.quote(...sbin), sbinAt);
    clock.advance(60_000); // the market catches up from the restored time: 20 → 22 min
    const other = make();
    other.clock.advance(20 * 60_000);
    other.clock.advance(2 * 60_000);
    assert.deepEqual(other.market.quote(...sbin), market.quote(...sbin));
    assert.deepEqual(other.market.quote(...nifty), market.quote(...nifty));
  });

  it('serves a generated 40 000-row scrip master without simulating it', () => {
    const rows = generateScripMaster(40_000, 42, istToEpoch(2026, 1, 1));
    const universe = universeFromScripMaster(rows, 7);
    assert.equal(universe.instruments.length, 40_000);
    const { clock, market } = make(universe);
    clock.advance(15 * 60_000);
    assert.equal(market.activeCount, 0);
    const chain = universe.instruments.filter((i) => i.name === 'NIFTY' && i.optionType).slice(0, 6);
    for (const i of chain) assert.ok(market.quote(i.exchange, i.token)!.ltp > 0);
    assert.equal(market.activeCount, 6);
    clock.advance(60_000);
    const again = make(universe);
    again.clock.advance(15 * 60_000);
    again.clock.advance(60_000);
    for (const i of [...chain].reverse())
      assert.deepEqual(again.market.quote(i.exchange, i.token), market.quote(i.exchange, i.token));
  });
});
