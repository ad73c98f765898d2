/**
 * One price step of the synthetic source at time `t`: the drivers' correlated geometric Brownian
 * motion (the seeded overnight gap of `opening.ts` at a new day, circuit-bounded for equities), then every
 * open instrument's day roll (opening at the gapped price), pre-open call auction trade, trade, OI change
 * and recorded minute bar. During a pre-open the instruments with a call auction (and NSE/BSE indices)
 * roll to the day's indicative opening price, and book the auction's trade at the end of order entry.
 * The caller publishes each changed book.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { istDayStart, roundToTick } from '@smartapi-ts/protocol';
import type { Rng } from '../../rng.js';
import type { SessionState } from '../../types.js';
import { ASKS, bookLevels, settleQuote } from './depth.js';
import { homeExchange } from './history.js';
import { type DriverRt, type InstState, MIN_MS, type SynthContext } from './model.js';
import { oiChange, openingShare, participation } from './open-interest.js';
import { auctionOf, driverOpen, openingPrice } from './opening.js';
import { clampCircuit, setCircuits, theo } from './price-model.js';

/** What a step moves. */
export interface WalkRuntime {
  drivers: Map<string, DriverRt>;
  states: InstState[];
  rng: Rng;
  /** Simulated days whose recorded 1-minute bars are kept. */
  recordDays: number;
  /** Publishes an instrument's new book (in its book slots `st.lv`) and quote at `t`. */
  emit: (st: InstState, t: number) => void;
  /** The futures of the same underlying, exchange and type as `st`, nearest expiry first. */
  futures: (st: InstState) => readonly FutureRef[];
  /**
   * The market factor's shock of this step; drawn from `rng` when undefined (the lazy market draws it
   * from its own stream and logs it, so that replays use the same value).
   */
  z?: number | undefined;
}

/** A future as the call auction's eligibility needs it (an {@link InstState} is one). */
export interface FutureRef {
  readonly key: string;
  readonly expiryClose: number;
}

/**
 * A step in progress: its time, its per-exchange session cache and how many instruments it covers (the
 * states that existed when it began; instruments activated later are brought up to `t` by their replay).
 */
export interface StepRun {
  readonly t: number;
  readonly today: number;
  readonly sessionOf: (ex: Exchange) => SessionState;
  /** Instruments this step covers: `rt.states[0 .. n)`. */
  readonly n: number;
  /** The next instrument to step. */
  next: number;
}

/** Runs the step at `t` (see module comment) in one go. */
export function stepAt(ctx: SynthContext, rt: WalkRuntime, t: number): void {
  const run = beginStep(ctx, rt, t);
  stepInstruments(ctx, rt, run, run.n);
}

/**
 * Starts the step at `t`: moves the drivers (1. of the module comment) and returns the step, whose
 * instruments {@link stepInstruments} then moves, all at once or in slices.
 */
export function beginStep(ctx: SynthContext, rt: WalkRuntime, t: number): StepRun {
  const sessions: Partial<Record<Exchange, SessionState>> = {};
  const sessionOf = (ex: Exchange): SessionState => {
    let v = sessions[ex];
    if (v === undefined) {
      v = ctx.calendar.session(ex, t);
      sessions[ex] = v;
    }
    return v;
  };
  const today = istDayStart(t);
  // 1. drivers (a new day opens at the seeded gap, already in the pre-open)
  const zm = rt.z ?? rt.rng.normal();
  for (const d of rt.drivers.values()) {
    const home = homeExchange(d.spec);
    const session = sessionOf(home);
    if (session !== 'open' && session !== 'preopen') continue;
    if (d.day !== today) {
      const open = driverOpen(ctx, d, today);
      d.prevClose = d.price;
      d.day = today;
      d.price = open;
      d.openPrice = open;
      d.lastT = ctx.calendar.sessionBounds(home, t).open;
    }
    if (session !== 'open') continue;
    const dtYears = Math.max(0, t - d.lastT) * d.yearsPerMs;
    d.lastT = t;
    if (dtYears <= 0) continue;
    const c = d.spec.marketCorr;
    const z = c * zm + Math.sqrt(Math.max(0, 1 - c * c)) * (d.rng ?? rt.rng).normal();
    const v = d.spec.vol;
    d.price *= Math.exp(-0.5 * v * v * dtYears + v * Math.sqrt(dtYears) * z);
    if (d.band > 0) {
      const lo = d.prevClose * (1 - d.band * 0.98);
      const hi = d.prevClose * (1 + d.band * 0.98);
      d.price = Math.min(hi, Math.max(lo, d.price));
    }
  }
  // (instruments a listener activates during this step are already brought up to `t` by their replay)
  return { t, today, sessionOf, n: rt.states.length, next: 0 };
}

/**
 * 2. Moves the step's instruments from `run.next` up to (not including) `until` (capped at `run.n`), in
 * universe order; returns true when the step is complete.
 */
export function stepInstruments(ctx: SynthContext, rt: WalkRuntime, run: StepRun, until: number): boolean {
  const { t, today, sessionOf } = run;
  const end = Math.min(until, run.n);
  for (let i = run.next; i < end; i++) {
    // advance first: a listener of this instrument's quote may read the step's progress
    run.next = i + 1;
    const st = rt.states[i]!;
    if (t > st.expiryClose) continue;
    const session = sessionOf(st.inst.exchange);
    if (session === 'preopen') {
      preOpenStep(ctx, rt, st, t, today);
      continue;
    }
    if (session !== 'open') continue;
    if (st.day !== today) rollover(ctx, st, today, rt.recordDays);
    if (st.auctionDay !== today) auctionTrade(ctx, rt, st, t, today, false);
    stepInstrument(ctx, rt, st, t);
  }
  return run.next >= run.n;
}

/**
 * A pre-open step: an instrument with a call auction today (and an NSE/BSE index) opens its day at the
 * indicative equilibrium price, and books the auction's trade once order entry has closed.
 */
function preOpenStep(ctx: SynthContext, rt: WalkRuntime, st: InstState, t: number, today: number): void {
  const ex = st.inst.exchange;
  const index = st.kind === 'index' && (ex === 'NSE' || ex === 'BSE');
  if (!index && !auctionOf(ctx, st, t, rt.futures)) return;
  if (st.day !== today) {
    rollover(ctx, st, today, rt.recordDays);
    bookLevels(st, st.ltp, st.rng ?? rt.rng);
    rt.emit(st, t);
  }
  if (!index && st.auctionDay !== today) auctionTrade(ctx, rt, st, t, today, true);
}

/**
 * Books the day's call-auction trade (at the opening price, the auction's volume) once `t` reaches the
 * end of order entry; marks the day done for instruments without an auction.
 */
function auctionTrade(
  ctx: SynthContext,
  rt: WalkRuntime,
  st: InstState,
  t: number,
  today: number,
  emit: boolean,
): void {
  settleQuote(st);
  const a = auctionOf(ctx, st, t, rt.futures);
  if (!a) {
    st.auctionDay = today;
    return;
  }
  if (t < a.entryClose) return;
  st.auctionDay = today;
  trade(st, a.open, a.price, a.volume);
  st.lastTradeTime = a.entryClose;
  if (emit) {
    bookLevels(st, a.price, st.rng ?? rt.rng);
    rt.emit(st, t);
  }
}

/**
 * Closes the instrument's previous day (daily bar, old recordings dropped) and opens `today` at its
 * opening price (the gapped driver open; the call auction's equilibrium where there is one).
 */
function rollover(ctx: SynthContext, st: InstState, today: number, recordDays: number): void {
  settleQuote(st); // the previous day's last quote stays readable as it was
  const openPrice = openingPrice(ctx, st, today);
  const prevDay = st.day;
  st.recDaily.set(prevDay, {
    time: prevDay,
    open: st.open,
    high: st.high,
    low: st.low,
    close: st.ltp,
    volume: st.volume,
    oi: st.oi,
  });
  if (st.rec.size >= recordDays) {
    const oldest = Math.min(...st.rec.keys());
    st.rec.delete(oldest);
  }
  st.day = today;
  st.prevClose = st.ltp;
  st.prevOi = st.oi;
  setCircuits(st);
  st.ltp = clampCircuit(st, openPrice);
  st.open = st.ltp;
  st.high = st.ltp;
  st.low = st.ltp;
  st.volume = 0;
  st.turnover = 0;
  st.lastTradeQty = 0;
}

function stepInstrument(ctx: SynthContext, rt: WalkRuntime, st: InstState, t: number): void {
  const r = st.rng ?? rt.rng;
  if (st.kind === 'index') {
    const p = Math.max(1, Math.round(st.driver.price));
    if (p === st.ltp) return;
    trade(st, t, p, 0);
    bookLevels(st, p, r);
    rt.emit(st, t);
    return;
  }
  if (!r.chance(st.liquidity)) {
    // No trade this step, but the market makers still re-quote: a book that has drifted two ticks or more
    // from the model price (the underlying moved) is refreshed, so quotes stay consistent with the spot.
    const bid = st.lv[0]!;
    const ask = st.lv[ASKS]!;
    if (bid > 0 && ask > 0) {
      const value = theo(st, st.driver.price, t);
      if (Math.abs((bid + ask) / 2 - value) >= 2 * st.tick) {
        bookLevels(st, value, r);
        rt.emit(st, t);
      }
    }
    return;
  }
  const value = theo(st, st.driver.price, t);
  bookLevels(st, value, r);
  const best = r.chance(0.5) ? st.lv[0]! : st.lv[ASKS]!;
  let price = best > 0 ? best : roundToTick(value, st.tick);
  price = clampCircuit(st, Math.max(st.tick, price));
  const lot = Math.max(1, st.inst.lotSize);
  const qty =
    st.kind === 'spot'
      ? Math.max(1, Math.round(st.stepQty * (0.2 + 1.6 * r.next())))
      : lot * Math.max(1, Math.round((st.stepQty / lot) * (0.2 + 1.6 * r.next())));
  if (st.kind === 'future' || st.kind === 'option') {
    // OI moves with the trade (open-interest.ts): the day's participation, the underlying's move.
    if (st.participationDay !== st.day) {
      st.participation = participation(ctx, st, st.day);
      st.participationDay = st.day;
    }
    const d = st.driver;
    const dayVol = Math.max(1e-4, d.spec.vol / Math.sqrt(252));
    const move = d.prevClose > 0 ? Math.log(d.price / d.prevClose) / dayVol : 0;
    const s = openingShare(st, st.participation ?? 0, move);
    st.oi = Math.max(lot, st.oi + oiChange(st, qty, s, r.normal()));
  }
  trade(st, t, price, qty);
  rt.emit(st, t);
}

function trade(st: InstState, t: number, price: number, qty: number): void {
  st.ltp = price;
  if (st.open === 0) st.open = price;
  if (price > st.high) st.high = price;
  if (price < st.low || st.low === 0) st.low = price;
  if (price > st.high52) st.high52 = price;
  if (price < st.low52 || st.low52 === 0) st.low52 = price;
  if (qty > 0) {
    st.volume += qty;
    st.turnover += qty * price;
    st.lastTradeQty = qty;
    st.lastTradeTime = t;
  }
  record(st, t, price, qty);
}

function record(st: InstState, t: number, price: number, qty: number): void {
  const day = st.day;
  let bars = st.rec.get(day);
  if (!bars) {
    bars = [];
    st.rec.set(day, bars);
  }
  const minute = Math.floor(t / MIN_MS) * MIN_MS;
  const n = bars.length;
  if (n > 0 && bars[n - 7] === minute) {
    if (price > bars[n - 5]!) bars[n - 5] = price;
    if (price < bars[n - 4]!) bars[n - 4] = price;
    bars[n - 3] = price;
    bars[n - 2]! += qty;
    bars[n - 1] = st.oi;
  } else {
    bars.push(minute, price, price, price, price, qty, st.oi);
  }
}
