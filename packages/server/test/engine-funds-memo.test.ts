/**
 * The memoised portfolio margin of an account's open positions (`openPositionsMargin`, risk/funds.ts): it
 * is reused only while every input is the same, so each change of an input — a fill, a position changed in
 * place, another rates object, another IST day — must give a fresh computation equal to the uncached one;
 * and a portfolio with an equity derivative (SPAN reads the quotes) is never reused.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { DEFAULT_MARGIN_RATES, isRejection } from '../src/engine/index.js';
import { pnlOf, positionFigures, unrealisedPnl } from '../src/engine/positions/portfolio.js';
import { availableFunds, fundsFigures, openPositionsMargin } from '../src/engine/risk/funds.js';
import { portfolioMargin, positionLegs } from '../src/engine/risk/portfolio-margin.js';
import type { AccountState, MarginRates } from '../src/engine/types.js';
import { Harness, sbin } from './engine-harness.js';

const DAY = 86_400_000;

function account(h: Harness): AccountState {
  const acc = h.engine.state.accounts.get('A1');
  assert.ok(acc);
  return acc;
}

/** The margin computed afresh (no memo). */
function uncached(h: Harness, rates: MarginRates, now = h.now): number {
  return portfolioMargin(positionLegs(account(h)), h.market, now, rates).total;
}

function buy(h: Harness, body: Record<string, unknown>): void {
  const r = h.place(body);
  assert.ok(!isRejection(r.result), JSON.stringify(r.result));
}

describe('engine: memoised portfolio margin of the open positions', () => {
  it('is reused while nothing changes and recomputed after each change of an input', () => {
    const h = new Harness();
    const rates = DEFAULT_MARGIN_RATES;
    buy(h, sbin({ ordertype: 'MARKET', price: '0', quantity: '10' }));
    const acc = account(h);
    const first = openPositionsMargin(acc, h.market, rates, h.now);
    assert.ok(first.total > 0);
    assert.equal(first.total, uncached(h, rates));
    // Same inputs (a later instant of the same day, another quote of the stock): the same answer object.
    h.tick('NSE', '3045', { ltp: 81_000 });
    assert.equal(openPositionsMargin(acc, h.market, rates, h.now + 60_000), first);

    // A fill changes the net quantity and average.
    buy(h, sbin({ ordertype: 'MARKET', price: '0', quantity: '5' }));
    const afterFill = openPositionsMargin(acc, h.market, rates, h.now);
    assert.notEqual(afterFill, first);
    assert.notEqual(afterFill.total, first.total);
    assert.equal(afterFill.total, uncached(h, rates));

    // A position changed in place (as a conversion or a day roll does).
    const p = [...acc.positions.values()][0];
    assert.ok(p);
    p.buyqty += 10;
    p.buyamount += 10 * 90_000;
    const changed = openPositionsMargin(acc, h.market, rates, h.now);
    assert.notEqual(changed.total, afterFill.total);
    assert.equal(changed.total, uncached(h, rates));

    // Another rates object (the same object is trusted not to change).
    const flat: MarginRates = { ...rates, equityIntraday: 0.5 };
    const other = openPositionsMargin(acc, h.market, flat, h.now);
    assert.notEqual(other.total, changed.total);
    assert.equal(other.total, uncached(h, flat));

    // Another IST day (the dated rule tables): computed again, equal to the uncached figure.
    const nextDay = openPositionsMargin(acc, h.market, flat, h.now + DAY);
    assert.notEqual(nextDay, other);
    assert.equal(nextDay.total, uncached(h, flat, h.now + DAY));

    // A position closed: no legs, no margin.
    p.sellqty = p.buyqty + p.cfbuyqty;
    p.sellamount = p.buyamount;
    assert.equal(openPositionsMargin(acc, h.market, flat, h.now + DAY).total, 0);
  });

  it('is not reused for an equity derivative: the SPAN margin follows the quotes', () => {
    const h = new Harness();
    const rates = DEFAULT_MARGIN_RATES;
    h.market.setQuote('NSE', '26000', { ltp: 2_400_000 }, h.now);
    buy(h, {
      variety: 'NORMAL',
      tradingsymbol: 'NIFTY26NOV26FUT',
      symboltoken: '35006',
      transactiontype: 'BUY',
      exchange: 'NFO',
      ordertype: 'MARKET',
      producttype: 'CARRYFORWARD',
      duration: 'DAY',
      price: '0',
      quantity: '75',
    });
    const acc = account(h);
    const before = openPositionsMargin(acc, h.market, rates, h.now);
    assert.equal(before.groups.length, 1);
    assert.equal(before.total, uncached(h, rates));
    // The underlying moves: same positions, same day, another margin.
    h.market.setQuote('NSE', '26000', { ltp: 2_600_000 }, h.now);
    h.market.setQuote('NFO', '35006', { ltp: 2_600_000, step: 50 }, h.now);
    const after = openPositionsMargin(acc, h.market, rates, h.now);
    assert.notEqual(after.total, before.total);
    assert.equal(after.total, uncached(h, rates));
  });

  it('funds figures answer as before after fills and rate changes (the RMS view reads the memo)', () => {
    const h = new Harness();
    buy(h, sbin({ ordertype: 'MARKET', price: '0', quantity: '10' }));
    const rms1 = h.engine.rms('A1', h.ctx());
    buy(h, sbin({ ordertype: 'MARKET', price: '0', quantity: '10' }));
    const rms2 = h.engine.rms('A1', h.ctx());
    assert.ok(!isRejection(rms1) && !isRejection(rms2));
    assert.notEqual(rms2.utiliseddebits, rms1.utiliseddebits);
  });
});

describe('engine: the funds an order may use', () => {
  it('availableFunds is fundsFigures().net rounded down, across long, short, closed and delivery positions', () => {
    const h = new Harness();
    const rates = DEFAULT_MARGIN_RATES;
    const check = (what: string) => {
      const acc = account(h);
      // The figures' lean path (no records) equals the position arithmetic of the views.
      for (const p of acc.positions.values()) {
        const ltp = h.market.quote(p.exchange, p.symboltoken)?.ltp;
        const out = { realised: Number.NaN, unrealised: Number.NaN };
        pnlOf(p, ltp, out);
        assert.deepEqual(
          out,
          { realised: positionFigures(p).realised, unrealised: unrealisedPnl(p, ltp) },
          what,
        );
      }
      assert.equal(
        availableFunds(acc, h.market, rates, h.now),
        Math.floor(fundsFigures(acc, h.market, rates, h.now).net),
        what,
      );
    };
    check('no positions');
    const steps: [string, Record<string, unknown>, number][] = [
      ['long intraday', sbin({ ordertype: 'MARKET', price: '0', quantity: '10' }), 80_150],
      ['more at another price', sbin({ ordertype: 'MARKET', price: '0', quantity: '7' }), 79_310],
      [
        'partly closed',
        sbin({ ordertype: 'MARKET', price: '0', quantity: '12', transactiontype: 'SELL' }),
        81_005,
      ],
      ['short', sbin({ ordertype: 'MARKET', price: '0', quantity: '9', transactiontype: 'SELL' }), 78_000],
      [
        'delivery long',
        sbin({ ordertype: 'MARKET', price: '0', quantity: '3', producttype: 'DELIVERY' }),
        80_500,
      ],
      ['a resting limit blocks margin', sbin({ price: '700', quantity: '4' }), 80_500],
    ];
    for (const [what, body, ltp] of steps) {
      buy(h, body);
      check(what);
      h.tick('NSE', '3045', { ltp });
      check(`${what}, LTP ${ltp}`);
    }
  });
});
