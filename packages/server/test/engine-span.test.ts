/**
 * The SPAN-like risk array and the portfolio margin (docs/paper-broker-rules.md#margin), on hand-computed
 * cases: futures and expired options (intrinsic values) make every scenario loss a simple product;
 * Black–Scholes against textbook values; the expiry-day extra exposure margin and the delivery margin of
 * stock derivatives on a stub market with a trading calendar.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '@smartapi-ts/protocol';
import type { Instrument, MarketView, Quote } from '../src/engine/ports.js';
import { DEFAULT_MARGIN_RATES } from '../src/engine/risk/margin.js';
import { type MarginLeg, portfolioMargin, tradingDaysToExpiry } from '../src/engine/risk/portfolio-margin.js';
import {
  impliedVol,
  optionValue,
  riskArray,
  type SpanLeg,
  scanRisk,
  scenarios,
  spanFigures,
} from '../src/engine/risk/span.js';
import type { SpanParams } from '../src/engine/rules/margin.js';
import { snapshotOf } from '../src/engine/state.js';

const P: SpanParams = {
  psr: 0.1,
  vsrRatio: 0.25,
  vsrFloor: 0.04,
  extremeMultiple: 2,
  extremeWeight: 0.35,
  shortOptionMinimum: 0,
  exposure: 0.02,
};
const close = (a: number, b: number, eps = 1e-6) => assert.ok(Math.abs(a - b) <= eps, `${a} ≉ ${b}`);
const fut = (qty: number, price = 1000): SpanLeg => ({
  kind: 'FUT',
  qty,
  strike: 0,
  years: 0.1,
  vol: 0.2,
  price,
});
/** An expired option: its value is intrinsic in every scenario. */
const opt = (kind: 'CE' | 'PE', strike: number, qty: number): SpanLeg => ({
  kind,
  qty,
  strike,
  years: 0,
  vol: 0.2,
  price: 0,
});

describe('SPAN risk array', () => {
  it('has the 16 standard scenarios: 0, ±1/3, ±2/3, ±1 PSR with volatility up and down, then ±2 PSR at 35 %', () => {
    const s = scenarios(P);
    assert.equal(s.length, 16);
    assert.deepEqual(
      s.slice(0, 14).map((x) => [Number(x.move.toFixed(4)), x.vol, x.weight]),
      [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1].flatMap((m) => [
        [Number(m.toFixed(4)), 1, 1],
        [Number(m.toFixed(4)), -1, 1],
      ]),
    );
    assert.deepEqual(s.slice(14), [
      { move: 2, vol: 0, weight: 0.35 },
      { move: -2, vol: 0, weight: 0.35 },
    ]);
  });

  it('a long future loses qty × price × move in each scenario (extremes at 35 %)', () => {
    const a = riskArray(fut(100), 1000, P, 0.065);
    const expected = [
      0,
      0,
      -1 / 3,
      -1 / 3,
      1 / 3,
      1 / 3,
      -2 / 3,
      -2 / 3,
      2 / 3,
      2 / 3,
      -1,
      -1,
      1,
      1,
      -0.7,
      0.7,
    ].map((m) => m * 100 * 1000 * 0.1);
    for (const [i, v] of a.entries()) close(v, expected[i]!);
    close(scanRisk([fut(100)], 1000, P, 0.065), 10_000);
  });

  it('a naked short call (intrinsic) loses the move beyond the strike; the extreme move counts 35 %', () => {
    // spot 1000, strike 1000, PSR 10 %: +1 PSR → 100 per unit; +2 PSR → 200 × 0.35 = 70.
    close(scanRisk([opt('CE', 1000, -10)], 1000, P, 0.065), 1000);
    // OTM strike 1050: +1 PSR → 50 per unit; +2 PSR → 150 × 0.35 = 52.5 (the extreme move wins).
    close(scanRisk([opt('CE', 1050, -10)], 1000, P, 0.065), 525);
  });

  it('a bear call spread is charged its width, not the naked short leg', () => {
    const legs = [opt('CE', 1000, -10), opt('CE', 1050, 10)];
    // +1 PSR: short −100, long +50 → 50 per unit; extreme +2 PSR: (200 − 150) × 0.35 = 17.5.
    close(scanRisk(legs, 1000, P, 0.065), 500);
    const f = spanFigures(legs, 1000, P, 0.065);
    assert.equal(f.nov, 0);
    close(f.span, 500);
  });

  it('a short straddle is charged its worse side, not both', () => {
    const legs = [opt('CE', 1000, -10), opt('PE', 1000, -10)];
    close(scanRisk(legs, 1000, P, 0.065), 1000);
    close(scanRisk([legs[0]!], 1000, P, 0.065) + scanRisk([legs[1]!], 1000, P, 0.065), 2000);
  });

  it('a covered call (long future + short call) loses only on the way down', () => {
    const legs = [fut(10), opt('CE', 1000, -10)];
    // −1 PSR: future −1000, call 0 → 1000; +1 PSR: future +1000, call −1000 → 0.
    close(scanRisk(legs, 1000, P, 0.065), 1000);
  });

  it('net option value: long options are held at their value, the span nets it off', () => {
    // A long ITM call (intrinsic 100/unit): the worst loss is −1 PSR (value 0): 100 per unit = its value.
    const f = spanFigures([opt('CE', 900, 10)], 1000, P, 0.065);
    close(f.scan, 1000);
    close(f.nov, 1000);
    assert.equal(f.span, 0);
  });

  it('Black–Scholes matches textbook values and implied volatility inverts it', () => {
    // Hull: S = K = 100, T = 1, σ = 20 %, r = 5 % → call 10.4506, put 5.5735.
    close(optionValue('CE', 100, 100, 1, 0.2, 0.05), 10.4506, 1e-3);
    close(optionValue('PE', 100, 100, 1, 0.2, 0.05), 5.5735, 1e-3);
    close(optionValue('CE', 120, 100, 0, 0.2, 0.05), 20);
    close(impliedVol('CE', 10.4506, 100, 100, 1, 0.05) ?? 0, 0.2, 1e-4);
    // A call worth more than the spot has no volatility.
    assert.equal(impliedVol('CE', 150, 100, 100, 1, 0.05), undefined);
  });

  it('with time value: an OTM short call costs less than an ATM one, and the spread less than both', () => {
    const o = (strike: number, qty: number): SpanLeg => ({
      kind: 'CE',
      qty,
      strike,
      years: 5 / 365,
      vol: 0.15,
      price: 0,
    });
    const atm = spanFigures([o(25_000, -65)], 25_000, P, 0.065).span;
    const otm = spanFigures([o(25_500, -65)], 25_000, P, 0.065).span;
    const spread = spanFigures([o(25_000, -65), o(25_300, 65)], 25_000, P, 0.065).span;
    assert.ok(otm < atm, `${otm} < ${atm}`);
    assert.ok(spread <= 300 * 65 + 1e-6, `spread ${spread} ≤ its width`);
  });
});

// ───────────────────────────── portfolio margin on a stub market ─────────────────────────────

const IST = (d: string, hm = '10:00') => Date.parse(`${d}T${hm}:00+05:30`);
const DAY0 = (d: string) => Date.parse(`${d}T00:00:00+05:30`);

function stubMarket(instruments: Instrument[], ltp: Record<string, number>): MarketView {
  const quote = (exchange: Exchange, token: string): Quote | undefined => {
    const p = ltp[`${exchange}:${token}`];
    if (p === undefined) return undefined;
    const level = { price: 0, quantity: 0, orders: 0 };
    return {
      exchange,
      token,
      sequence: 1,
      timestamp: 0,
      ltp: p,
      lastTradeQty: 0,
      lastTradeTime: 0,
      avgPrice: p,
      volume: 0,
      open: p,
      high: p,
      low: p,
      close: p,
      openInterest: 0,
      totalBuyQty: 0,
      totalSellQty: 0,
      bids: [level, level, level, level, level],
      asks: [level, level, level, level, level],
      upperCircuit: 0,
      lowerCircuit: 0,
      high52Week: 0,
      low52Week: 0,
    };
  };
  return {
    instrument: (ex, tok) => instruments.find((i) => i.exchange === ex && i.token === tok),
    instrumentBySymbol: (ex, sym) => instruments.find((i) => i.exchange === ex && i.symbol === sym),
    quote,
    session: () => 'open',
    // Weekends are holidays, and so is Friday 2026-12-25.
    isTradingDay: (_ex, at) => {
      const d = new Date(at + 5.5 * 3_600_000);
      return d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && d.toISOString().slice(0, 10) !== '2026-12-25';
    },
  };
}

function contract(
  token: string,
  name: string,
  type: 'FUTIDX' | 'OPTIDX' | 'FUTSTK' | 'OPTSTK',
  expiry: string,
  under: string,
  strike?: number,
  optionType?: 'CE' | 'PE',
): Instrument {
  return {
    exchange: 'NFO',
    exchangeType: 2,
    token,
    symbol: `${name}${token}`,
    name,
    instrumentType: type,
    segment: 'FO',
    lotSize: 1,
    tickSize: 5,
    freezeQty: Number.POSITIVE_INFINITY,
    expiry: DAY0(expiry),
    ...(strike !== undefined ? { strike } : {}),
    ...(optionType ? { optionType } : {}),
    underlyingToken: under,
    tradable: true,
  };
}

const leg = (i: Instrument, qty: number, price: number): MarginLeg => ({
  inst: snapshotOf(i),
  product: 'CARRYFORWARD',
  qty,
  multiplier: 1,
  price,
});

describe('portfolio margin', () => {
  const call = contract('1', 'NIFTY', 'OPTIDX', '2026-12-08', '99926000', 2_500_000, 'CE');
  const market = stubMarket([call], { 'NSE:99926000': 2_500_000, 'NFO:1': 20_000 });

  it('adds 2 % extra exposure margin on short index options on their expiry day only', () => {
    const before = portfolioMargin([leg(call, -65, 20_000)], market, IST('2026-12-07'), DEFAULT_MARGIN_RATES);
    const on = portfolioMargin([leg(call, -65, 20_000)], market, IST('2026-12-08'), DEFAULT_MARGIN_RATES);
    const notional = 65 * 2_500_000;
    close(before.groups[0]!.exposure, 0.02 * notional);
    close(before.groups[0]!.expiryExposure, 0);
    close(on.groups[0]!.exposure, 0.04 * notional);
    close(on.groups[0]!.expiryExposure, 0.02 * notional);
    // A long option pays no exposure margin, even on expiry day.
    assert.equal(
      portfolioMargin([leg(call, 65, 20_000)], market, IST('2026-12-08'), DEFAULT_MARGIN_RATES).groups[0]!
        .exposure,
      0,
    );
  });

  it('counts trading days to expiry on the calendar (weekends and holidays skipped)', () => {
    // Expiry Tue 2026-12-29; Fri 25 Dec is a holiday: E-1 Mon 28, E-2 Thu 24, E-3 Wed 23, E-4 Tue 22.
    const exp = DAY0('2026-12-29');
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-29')), 0);
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-28')), 1);
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-24')), 2);
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-23')), 3);
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-22')), 4);
    assert.equal(tradingDaysToExpiry(market, 'NFO', exp, IST('2026-12-30')), undefined);
  });

  it('charges the delivery margin of stock futures in the expiry week: 10/25/45/70/100 % of VaR+ELM', () => {
    // SBIN: 5× intraday leverage → VaR+ELM 20 %. Future at ₹800, 750 units: contract ₹6 lakh.
    const f = contract('2', 'SBIN', 'FUTSTK', '2026-12-29', '3045');
    const m = stubMarket([f], { 'NSE:3045': 80_000, 'NFO:2': 80_000 });
    const contractValue = 750 * 80_000;
    const cases: [string, number][] = [
      ['2026-12-21', 0],
      ['2026-12-22', 0.1],
      ['2026-12-23', 0.25],
      ['2026-12-24', 0.45],
      ['2026-12-28', 0.7],
      ['2026-12-29', 1],
    ];
    for (const [day, pct] of cases) {
      const g = portfolioMargin([leg(f, 750, 80_000)], m, IST(day), DEFAULT_MARGIN_RATES).groups[0]!;
      close(g.delivery, pct * 0.2 * contractValue, 1e-3);
    }
  });

  it('charges the delivery margin of stock options only when in the money', () => {
    const itm = contract('3', 'SBIN', 'OPTSTK', '2026-12-29', '3045', 78_000, 'CE');
    const otm = contract('4', 'SBIN', 'OPTSTK', '2026-12-29', '3045', 82_000, 'CE');
    const m = stubMarket([itm, otm], { 'NSE:3045': 80_000, 'NFO:3': 2_500, 'NFO:4': 300 });
    const at = IST('2026-12-28');
    close(
      portfolioMargin([leg(itm, 750, 2_500)], m, at, DEFAULT_MARGIN_RATES).groups[0]!.delivery,
      0.7 * 0.2 * 750 * 78_000,
      1e-3,
    );
    assert.equal(portfolioMargin([leg(otm, 750, 300)], m, at, DEFAULT_MARGIN_RATES).groups[0]!.delivery, 0);
  });

  it('nets legs of the same contract before margining them', () => {
    const m = portfolioMargin(
      [leg(call, -65, 20_000), leg(call, 65, 21_000)],
      market,
      IST('2026-12-07'),
      DEFAULT_MARGIN_RATES,
    );
    assert.equal(m.groups.length, 0);
    assert.equal(m.total, 0);
  });
});
