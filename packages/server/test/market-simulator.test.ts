import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istDayStart, istToEpoch } from '@smartapi-ts/protocol';
import { SimClock, SystemClock } from '../src/market/clock.js';
import { bsPrice } from '../src/market/pricing.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import type { Quote } from '../src/market/types.js';

const START = istToEpoch(2026, 1, 6, 9, 15); // a Tuesday (NIFTY weekly expiry day)

function make(seed = 42, start = START, stepMs = 500) {
  const clock = new SimClock({ start, manual: true });
  const market = new SimulatedMarket({ clock, seed, stepMs });
  return { clock, market };
}

function snapshot(m: SimulatedMarket): Quote[] {
  return m.instruments().map((i) => m.quote(i.exchange, i.token)!);
}

describe('simulated market', () => {
  it('is deterministic for a seed and a sequence of advance() calls', () => {
    const a = make(42);
    const b = make(42);
    for (const ms of [500, 1500, 10_000, 250]) {
      a.clock.advance(ms);
      b.clock.advance(ms);
    }
    assert.deepEqual(snapshot(a.market), snapshot(b.market));
    const c = make(43);
    c.clock.advance(500);
    assert.notDeepEqual(c.market.quote('NSE', '3045'), a.market.quote('NSE', '3045'));
  });

  it('liquid instruments change on every step and sequences increase per token', () => {
    const { clock, market } = make();
    const seqs = new Map<string, number>();
    let count = 0;
    market.onQuote((q) => {
      const k = `${q.exchange}:${q.token}`;
      const prev = seqs.get(k) ?? 0;
      assert.ok(q.sequence > prev);
      seqs.set(k, q.sequence);
      count++;
    });
    const sbin0 = market.quote('NSE', '3045')!;
    const nifty0 = market.quote('NSE', '99926000')!;
    clock.advance(1000);
    assert.ok(market.quote('NSE', '3045')!.sequence >= sbin0.sequence + 2);
    assert.notEqual(market.quote('NSE', '99926000')!.ltp, nifty0.ltp);
    assert.ok(count > 100);
    assert.equal(market.quote('NSE', '3045')!.timestamp, clock.now());
  });

  it('maxStepsPerAdvance caps the catch-up of one long advance (a late real-time timer)', () => {
    const sbinTicks = (maxStepsPerAdvance?: number): { ticks: number; market: SimulatedMarket } => {
      const clock = new SimClock({ start: START, manual: true });
      const market = new SimulatedMarket({
        clock,
        seed: 42,
        stepMs: 500,
        ...(maxStepsPerAdvance === undefined ? {} : { maxStepsPerAdvance }),
      });
      let ticks = 0;
      market.onQuote((q) => {
        if (q.exchange === 'NSE' && q.token === '3045') ticks++;
      });
      clock.advance(60_000); // 120 grid steps behind
      assert.equal(market.quote('NSE', '3045')!.timestamp, clock.now());
      return { ticks, market };
    };
    assert.ok(sbinTicks().ticks >= 100); // default cap (120): every step is simulated
    const capped = sbinTicks(4);
    assert.ok(capped.ticks >= 1 && capped.ticks <= 4, `ticks ${capped.ticks}`);
  });

  it('keeps prices on the tick grid, within circuits, with a sorted book', () => {
    const { clock, market } = make();
    clock.advance(30_000);
    for (const i of market.instruments()) {
      const q = market.quote(i.exchange, i.token)!;
      if (!i.tradable) {
        assert.ok(q.ltp > 0);
        continue;
      }
      assert.equal(q.ltp % i.tickSize, 0, `${i.symbol} ltp ${q.ltp}`);
      assert.ok(q.ltp >= q.lowerCircuit && q.ltp <= q.upperCircuit, `${i.symbol} outside circuits`);
      assert.ok(q.low <= q.ltp && q.ltp <= q.high, i.symbol);
      assert.equal(q.bids.length, 5);
      assert.equal(q.asks.length, 5);
      const bids = q.bids.filter((l) => l.quantity > 0).map((l) => l.price);
      const asks = q.asks.filter((l) => l.quantity > 0).map((l) => l.price);
      for (let k = 1; k < bids.length; k++) assert.ok(bids[k]! < bids[k - 1]!, i.symbol);
      for (let k = 1; k < asks.length; k++) assert.ok(asks[k]! > asks[k - 1]!, i.symbol);
      if (bids.length > 0 && asks.length > 0) assert.ok(bids[0]! < asks[0]!, i.symbol);
      for (const p of [...bids, ...asks]) assert.equal(p % i.tickSize, 0);
      if (i.segment === 'EQ') assert.ok(q.upperCircuit > q.close && q.lowerCircuit < q.close);
    }
  });

  it('day statistics: OHLC, volume, VWAP, OI, 52-week range', () => {
    const { clock, market } = make();
    clock.advance(60_000);
    const q = market.quote('NSE', '3045')!;
    assert.ok(q.volume > 0 && q.lastTradeQty > 0);
    assert.ok(q.avgPrice >= q.low && q.avgPrice <= q.high);
    assert.ok(q.high52Week >= q.high && q.low52Week <= q.low);
    assert.ok(q.close > 0 && q.open > 0);
    const fut = market.instruments().find((i) => i.instrumentType === 'FUTIDX' && i.name === 'NIFTY')!;
    const fq = market.quote(fut.exchange, fut.token)!;
    assert.ok(fq.openInterest > 0 && (fq.prevOpenInterest ?? 0) > 0);
    const idx = market.quote('NSE', '99926000')!;
    assert.equal(idx.volume, 0);
    assert.equal(idx.openInterest, 0);
  });

  it('futures trade at a premium to spot (carry)', () => {
    const { clock, market } = make();
    clock.advance(5_000);
    const spot = market.quote('NSE', '99926000')!.ltp;
    const futs = market
      .instruments()
      .filter((i) => i.instrumentType === 'FUTIDX' && i.name === 'NIFTY')
      .sort((a, b) => a.expiry! - b.expiry!);
    const prices = futs.map((f) => market.quote(f.exchange, f.token)!.ltp);
    assert.ok(prices[0]! > spot - 2000 && prices[0]! < spot * 1.02);
    assert.ok(prices[2]! > prices[0]!);
  });

  it('option prices are consistent with the underlying: parity and monotonic in strike', () => {
    const { clock, market } = make();
    clock.advance(2_000);
    const expiry = istToEpoch(2026, 1, 27); // monthly
    const spot = market.underlyingPrice('NSE', '99926000')!;
    const opts = market
      .instruments()
      .filter((i) => i.name === 'NIFTY' && i.optionType && i.expiry === expiry);
    const strikes = [...new Set(opts.map((o) => o.strike!))].sort((a, b) => a - b);
    const px = (k: number, t: 'CE' | 'PE') => {
      const o = opts.find((x) => x.strike === k && x.optionType === t)!;
      const q = market.quote(o.exchange, o.token)!;
      return (q.bids[0]!.price + q.asks[0]!.price) / 2 || q.ltp;
    };
    // Book mids are within two ticks of the model price, so put-call parity holds to a few ticks.
    const years = (expiry + (15 * 60 + 30) * 60_000 - clock.now()) / (365 * 86_400_000);
    const atm = strikes.reduce((a, b) => (Math.abs(b - spot) < Math.abs(a - spot) ? b : a));
    const parity = px(atm, 'CE') - px(atm, 'PE') - (spot - atm * Math.exp(-0.065 * years));
    assert.ok(Math.abs(parity) <= 25, `parity error ${parity} paise`);
    // Model prices (mid of the book) fall with strike for calls and rise for puts.
    const calls = strikes.map((k) => px(k, 'CE'));
    const puts = strikes.map((k) => px(k, 'PE'));
    for (let k = 1; k < strikes.length; k++) {
      assert.ok(calls[k]! <= calls[k - 1]! + 5, `call not monotonic at ${strikes[k]}`);
      assert.ok(puts[k]! >= puts[k - 1]! - 5, `put not monotonic at ${strikes[k]}`);
    }
    // and close to an independent Black–Scholes evaluation at ATM
    const ce = bsPrice({
      spot,
      strike: atm,
      years,
      vol: market.impliedVol('NFO', opts.find((o) => o.strike === atm)!.token)!,
      rate: 0.065,
      type: 'CE',
    });
    assert.ok(Math.abs(px(atm, 'CE') - ce) <= 10);
  });

  it('depth of 20 levels extends the best five', () => {
    const { clock, market } = make();
    clock.advance(1000);
    const q = market.quote('NSE', '3045')!;
    const d = market.depth('NSE', '3045', 20)!;
    assert.equal(d.bids.length, 20);
    assert.deepEqual(d.bids.slice(0, 5), q.bids);
    assert.deepEqual(d.asks.slice(0, 5), q.asks);
    for (let k = 1; k < 20; k++) {
      assert.ok(d.bids[k]!.price < d.bids[k - 1]!.price || d.bids[k]!.price === 0);
      assert.ok(d.asks[k]!.price > d.asks[k - 1]!.price);
    }
    assert.deepEqual(market.depth('NSE', '3045', 20), d);
  });

  it('does not move while the exchange is closed, and rolls the day over at the next open', () => {
    const { clock, market } = make();
    clock.advanceTo(istToEpoch(2026, 1, 6, 15, 29, 59));
    const last = market.quote('NSE', '3045')!;
    clock.advanceTo(istToEpoch(2026, 1, 6, 20, 0));
    assert.deepEqual(market.quote('NSE', '3045'), last);
    // MCX still trades in the evening
    const gold = market.instruments().find((i) => i.exchange === 'MCX')!;
    const g0 = market.quote('MCX', gold.token)!;
    clock.advance(5_000);
    assert.notEqual(market.quote('MCX', gold.token)!.sequence, g0.sequence);
    clock.advanceTo(istToEpoch(2026, 1, 7, 9, 16));
    const next = market.quote('NSE', '3045')!;
    assert.equal(next.close, last.ltp);
    assert.ok(next.volume < last.volume);
    assert.equal(market.session('NSE'), 'open');
  });
});

describe('candles', () => {
  it('a 5-minute bar is the aggregate of its 1-minute bars (recorded minutes)', () => {
    const { clock, market } = make(42, START, 1000);
    clock.advance(12 * 60_000);
    const from = START;
    const to = clock.now();
    const m1 = market.candles('NSE', '3045', 1, from, to);
    const m5 = market.candles('NSE', '3045', 5, from, to);
    assert.ok(m1.length >= 11);
    assert.equal(m5[0]!.time, START);
    for (const bar of m5) {
      const parts = m1.filter((b) => b.time >= bar.time && b.time < bar.time + 5 * 60_000);
      assert.ok(parts.length > 0);
      assert.equal(bar.open, parts[0]!.open);
      assert.equal(bar.close, parts.at(-1)!.close);
      assert.equal(bar.high, Math.max(...parts.map((p) => p.high)));
      assert.equal(bar.low, Math.min(...parts.map((p) => p.low)));
      assert.equal(
        bar.volume,
        parts.reduce((s, p) => s + p.volume, 0),
      );
    }
    // the last recorded bar agrees with the live quote
    assert.equal(m1.at(-1)!.close, market.quote('NSE', '3045')!.ltp);
  });

  it('back-history covers earlier dates, aggregates consistently and is deterministic', () => {
    const { market } = make();
    const day = istToEpoch(2025, 12, 31);
    const from = istToEpoch(2025, 12, 31, 9, 15);
    const to = istToEpoch(2025, 12, 31, 15, 30);
    const m1 = market.candles('NSE', '3045', 1, from, to);
    assert.equal(m1.length, 375);
    const h1 = market.candles('NSE', '3045', 60, from, to);
    assert.equal(h1.length, 7);
    assert.equal(h1[6]!.time, istToEpoch(2025, 12, 31, 15, 15));
    const daily = market.candles(
      'NSE',
      '3045',
      1440,
      istToEpoch(2025, 12, 31),
      istToEpoch(2025, 12, 31, 23, 59),
    );
    assert.equal(daily.length, 1);
    assert.equal(daily[0]!.time, day);
    assert.equal(daily[0]!.open, m1[0]!.open);
    assert.equal(daily[0]!.close, m1.at(-1)!.close);
    assert.equal(daily[0]!.high, Math.max(...m1.map((b) => b.high)));
    assert.equal(
      daily[0]!.volume,
      m1.reduce((s, b) => s + b.volume, 0),
    );
    assert.deepEqual(make().market.candles('NSE', '3045', 1, from, to), m1);
    // the last history close is the start day's previous close
    const prev = market.candles('NSE', '3045', 1440, istToEpoch(2026, 1, 5), istToEpoch(2026, 1, 5, 23, 0));
    assert.equal(prev[0]!.close, market.quote('NSE', '3045')!.close);
  });

  it('daily bars for years, only on trading days', () => {
    const { market } = make();
    const bars = market.candles(
      'NSE',
      '99926000',
      1440,
      istToEpoch(2020, 1, 1),
      istToEpoch(2026, 1, 6, 15, 30),
    );
    assert.ok(bars.length > 1400);
    for (const b of bars) {
      assert.equal(b.time, istDayStart(b.time));
      assert.ok(market.calendar.isTradingDay(b.time));
      assert.ok(b.low <= b.open && b.open <= b.high && b.low <= b.close && b.close <= b.high);
      assert.equal(b.volume, 0);
    }
  });

  it('derivatives have OI per bar and no bars after expiry or before listing', () => {
    const { market } = make();
    const opt = market
      .instruments()
      .find((i) => i.name === 'NIFTY' && i.optionType === 'CE' && i.expiry === istToEpoch(2026, 1, 27))!;
    const bars = market.candles(
      'NFO',
      opt.token,
      1440,
      istToEpoch(2025, 1, 1),
      istToEpoch(2026, 1, 5, 23, 0),
    );
    assert.ok(bars.length > 30 && bars.length < 80);
    for (const b of bars) assert.ok(b.oi > 0);
  });

  it('starts mid-session with the history of the morning (system clock)', () => {
    const t0 = istToEpoch(2026, 1, 6, 11, 0);
    const market = new SimulatedMarket({ clock: new SystemClock({ source: () => t0 }), seed: 5 });
    const q = market.quote('NSE', '3045')!;
    const bars = market.candles('NSE', '3045', 1, istToEpoch(2026, 1, 6, 9, 15), t0);
    assert.equal(bars.length, 105);
    assert.equal(bars.at(-1)!.close, q.ltp);
    assert.equal(q.open, bars[0]!.open);
    assert.equal(
      q.volume,
      bars.reduce((s, b) => s + b.volume, 0),
    );
    assert.equal(market.session('NSE'), 'open');
  });
});
