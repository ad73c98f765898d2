/**
 * The synthetic market source: implements {@link Market} with a seeded random walk per price driver
 * and every instrument priced from its driver (spot = driver, futures = spot × carry, options =
 * Black–Scholes with a smile). Deterministic for a given seed, universe and sequence of clock moves.
 * See docs/paper-broker-market.md for the model and its limits.
 *
 * This module is the facade (clock wiring, lookups, subscriptions, scenario control); the model lives
 * beside it: `setup.ts` (start state and the instrument indexes), `walk.ts` (price steps), `price-model.ts`, `depth.ts`,
 * `open-interest.ts`, `opening.ts` (gaps, pre-open call auction), `candles.ts`, `history.ts`
 * (back-history) and `state.ts` (export/import).
 */
import type { Exchange, ScripMasterRow } from '@smartapi-ts/protocol';
import type { CallAuction } from '../../../engine/ports.js';
import { TradingCalendar } from '../../calendar.js';
import type { Clock, ClockMove } from '../../clock.js';
import { smileVol, yearsBetween } from '../../pricing.js';
import { mixSeed, Rng } from '../../rng.js';
import type {
  BookLevel,
  Candle,
  Instrument,
  Market,
  Quote,
  QuoteInterest,
  SessionState,
} from '../../types.js';
import { buildUniverse, instrumentKey, type Universe } from '../../universe.js';
import { candlesOf } from './candles.js';
import { buildQuote, deepBook, deferQuote, quoteOf } from './depth.js';
import { HistoryModel } from './history.js';
import {
  activate,
  checkLazy,
  exportLazy,
  type LazyParts,
  lazyParts,
  logStep,
  rebuildLazy,
  restoreLazyRngs,
} from './lazy.js';
import type { DriverRt, InstState, SynthContext } from './model.js';
import { auctionOf } from './opening.js';
import { type DriverDayCache, eagerIndexes, initDrivers, initInstruments, lazyIndexes } from './setup.js';
import {
  checkSynthState,
  exportSynthState,
  importSynthState,
  type SimulatedMarketState,
  type SynthRuntime,
} from './state.js';
import {
  beginStep,
  type FutureRef,
  type StepRun,
  stepAt,
  stepInstruments,
  type WalkRuntime,
} from './walk.js';

export type { SimulatedMarketState } from './state.js';

/** Options of {@link SimulatedMarket}. */
export interface SimulatedMarketOptions {
  /** The market clock (a {@link SimClock} for simulated runs, {@link SystemClock} for `--clock real`). */
  clock: Clock;
  /**
   * Seed of every random stream.
   * @default 1
   */
  seed?: number;
  /** The instruments. @default buildUniverse({ date: clock.now(), seed }) */
  universe?: Universe;
  /** Trading calendar. @default the built-in holiday list */
  calendar?: TradingCalendar;
  /**
   * Simulated ms between price updates (liquid instruments change on every step).
   * @default 500
   */
  stepMs?: number;
  /**
   * Most steps processed for one clock move; larger moves use longer steps (and leave minute bars
   * without trades). Bounds the CPU cost of a big `advance()`.
   * @default 120
   */
  maxStepsPerAdvance?: number;
  /**
   * Treat the start day as a trading day even on a weekend or holiday (what `--clock sim` wants: "a
   * simulated trading day that is open now").
   * @default true for a simulated clock, false for the system clock
   */
  openOnStartDay?: boolean;
  /**
   * Simulated days whose recorded 1-minute bars are kept (older simulated days keep their daily bar).
   * @default 5
   */
  recordDays?: number;
  /**
   * Simulate an instrument only from its first use (quote, depth, candles, order, subscription…), so
   * that a large universe (a real 160 000-row scrip master) costs nothing until used. Each price driver
   * and instrument then draws from its own seeded stream and is replayed over the logged steps when it
   * activates, so its path does not depend on when (or whether) anything was activated
   * (docs/paper-broker-market.md#lazy-activation). The eager mode shares one stream (the built-in
   * universe's historical behaviour).
   * @default false
   */
  lazy?: boolean;
  /**
   * Real ms a timer-driven step may run before it yields to the event loop (`setImmediate`) and moves
   * its remaining instruments on the next turns, so that requests interleave with a large universe's step
   * (docs/paper-broker-market.md#steps-and-the-event-loop). Moves by `advance()` (manual clock, admin
   * API) always run whole. `Infinity`: timer steps run whole too.
   * @default 2
   */
  sliceMs?: number;
}

/** Instruments moved between two looks at the wall clock in a sliced step. */
const SLICE_CHECK = 32;

/** The wall clock of the slicing (real time, not market time). */
const wallMs = (): number => performance.now();

/**
 * The paper broker's simulated market. Construct it with a clock; prices move whenever the clock
 * moves (timer steps or `SimClock.advance()`), and `onQuote` listeners see every change.
 */
export class SimulatedMarket implements Market {
  /** The universe being simulated. */
  readonly universe: Universe;
  /** The trading calendar (including the start-day special session, when enabled). */
  readonly calendar: TradingCalendar;
  private readonly clock_: Clock;
  private readonly ctx: SynthContext;
  private readonly stepMs: number;
  private maxSteps: number;
  private readonly rng: Rng;
  private readonly drivers: Map<string, DriverRt>;
  private readonly states: InstState[];
  private readonly byKey = new Map<string, InstState>();
  private readonly listeners = new Set<{ fn: (q: Quote) => void; interest: QuoteInterest | undefined }>();
  private readonly unsubscribeClock: () => void;
  private readonly runtime: SynthRuntime;
  private readonly walk: WalkRuntime;
  private simTime: number;
  private readonly driverDayAgg: DriverDayCache = new Map();
  private readonly futuresOf: (st: InstState) => readonly FutureRef[];
  private readonly instByKey: Map<string, Instrument>;
  private readonly instBySymbol: Map<string, Instrument>;
  /** Lazy mode: what activation needs (undefined in eager mode). */
  private readonly lazy: LazyParts | undefined;
  private readonly sliceMs: number;
  /** Timer-driven stepping: the step in progress (sliced across event-loop turns)… */
  private current: StepRun | undefined;
  /** …the times of the steps still to run after it… */
  private queued: number[] = [];
  /** …and the event-loop turn scheduled to continue them. */
  private resume: ReturnType<typeof setImmediate> | undefined;

  /** @param options - clock, seed, universe, step size */
  constructor(options: SimulatedMarketOptions) {
    this.clock_ = options.clock;
    const seed = (options.seed ?? 1) >>> 0;
    this.stepMs = options.stepMs ?? 500;
    this.maxSteps = options.maxStepsPerAdvance ?? 120;
    this.sliceMs = options.sliceMs ?? 2;
    const startTime = this.clock_.now();
    this.simTime = startTime;
    this.calendar = options.calendar ?? new TradingCalendar();
    if (options.openOnStartDay ?? this.clock_.kind === 'sim') this.calendar.addSpecialSession(startTime);
    this.universe = options.universe ?? buildUniverse({ date: startTime, seed, calendar: this.calendar });
    this.rng = new Rng(mixSeed(seed, 0x5eed));
    const history = new HistoryModel({
      seed,
      calendar: this.calendar,
      start: startTime,
      drivers: this.universe.drivers,
    });
    this.ctx = {
      seed,
      stepMs: this.stepMs,
      startTime,
      calendar: this.calendar,
      history,
      universe: this.universe,
    };
    if (options.lazy) {
      this.drivers = new Map();
      this.states = [];
      this.lazy = lazyParts(this.ctx);
      const ix = lazyIndexes(this.universe, this.lazy.futures);
      this.instByKey = ix.instByKey;
      this.instBySymbol = ix.instBySymbol;
      this.futuresOf = ix.futuresOf;
    } else {
      this.drivers = initDrivers(this.ctx);
      this.states = initInstruments(this.ctx, this.drivers, this.driverDayAgg);
      for (const st of this.states) this.byKey.set(st.key, st);
      const ix = eagerIndexes(this.states);
      this.instByKey = ix.instByKey;
      this.instBySymbol = ix.instBySymbol;
      this.futuresOf = ix.futuresOf;
    }
    this.runtime = { drivers: this.drivers, states: this.states, rng: this.rng };
    this.walk = {
      ...this.runtime,
      recordDays: options.recordDays ?? 5,
      emit: (st, t) => this.emit(st, t),
      futures: this.futuresOf,
    };
    this.unsubscribeClock = this.clock_.onAdvance((now, move) => this.catchUp(now, move));
  }

  // ───────────────────────────── Market interface ─────────────────────────────

  /** Current market time. */
  now(): number {
    return this.clock_.now();
  }

  /** Every instrument. */
  instruments(): readonly Instrument[] {
    return this.universe.instruments;
  }

  /** Instrument by exchange and token. */
  instrument(exchange: Exchange, token: string): Instrument | undefined {
    return this.instByKey.get(instrumentKey(exchange, token));
  }

  /** Instrument by exchange and trading symbol (exact, then case-insensitive). */
  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return (
      this.instBySymbol.get(`${exchange}:${symbol}`) ??
      this.instBySymbol.get(`${exchange}:${symbol.toUpperCase()}`)
    );
  }

  /** Scrip-master rows. */
  scripMaster(): readonly ScripMasterRow[] {
    return this.universe.scripMaster;
  }

  /** Latest quote snapshot (immutable; replaced on every change). */
  quote(exchange: Exchange, token: string): Quote | undefined {
    const st = this.stateOf(exchange, token);
    return st ? quoteOf(st) : undefined;
  }

  /** Session state of an exchange. */
  session(exchange: Exchange, at?: number): SessionState {
    return this.calendar.session(exchange, at ?? this.now());
  }

  /** True when the IST day of `at` is a trading day (the calendar, with its special sessions). */
  isTradingDay(_exchange: Exchange, at: number): boolean {
    return this.calendar.isTradingDay(at);
  }

  /** End of continuous trading of `exchange` on the IST day of `at` (epoch ms). */
  sessionClose(exchange: Exchange, at: number): number {
    return this.calendar.sessionBounds(exchange, at).close;
  }

  /**
   * The pre-open call auction of an instrument on the day of `at` (NSE/BSE equities; NFO/BFO current-month
   * futures from 8 Dec 2025), or undefined (docs/paper-broker-market.md#opening-gaps-and-the-pre-open-call-auction).
   */
  callAuction(exchange: Exchange, token: string, at: number): CallAuction | undefined {
    const st = this.stateOf(exchange, token);
    return st ? auctionOf(this.ctx, st, at, this.futuresOf) : undefined;
  }

  /**
   * Adds `delta` units to a derivative's open interest (a paper account's opening or closing fill) and
   * publishes the quote; OI never falls below one lot. No-op for other instruments.
   */
  adjustOpenInterest(exchange: Exchange, token: string, delta: number): void {
    const st = this.stateOf(exchange, token);
    if (!st || (st.kind !== 'future' && st.kind !== 'option') || !Number.isFinite(delta) || delta === 0)
      return;
    const lot = Math.max(1, st.inst.lotSize);
    st.oi = Math.max(lot, st.oi + Math.round(delta));
    this.emit(st, this.now());
  }

  /**
   * Subscribes to quote changes; with `interest`, only to those of the instruments it accepts (asked on
   * every change). A change no listener wants builds no quote: it is built when read
   * (docs/paper-broker-market.md#quotes-built-on-demand).
   */
  onQuote(listener: (quote: Quote) => void, interest?: QuoteInterest): () => void {
    const entry = { fn: listener, interest };
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Starts the clock's timer. */
  start(): void {
    this.clock_.start();
  }

  /** Stops the clock's timer (and finishes a sliced step still running). */
  stop(): void {
    this.clock_.stop();
    this.settle();
  }

  // ───────────────────────────── scenario control ─────────────────────────────

  /** The clock the market follows (the admin API moves it). */
  get clock(): Clock {
    return this.clock_;
  }

  /** Simulated ms between price updates. */
  get stepInterval(): number {
    return this.stepMs;
  }

  /**
   * Runs `fn` with at most `n` price steps per clock move (the admin API's advance uses one step per
   * move so that a trading day costs a bounded number of steps), then restores the previous bound.
   */
  withMaxSteps<T>(n: number, fn: () => T): T {
    const prev = this.maxSteps;
    this.maxSteps = Math.max(1, Math.floor(n));
    try {
      return fn();
    } finally {
      this.maxSteps = prev;
    }
  }

  /**
   * The market's whole mutable state (prices, books, day aggregates, recorded bars, the random stream's
   * position), as structured-clone-able data. The universe, calendar and seed are not included: a
   * state only restores into a market built from the same configuration.
   */
  exportState(): SimulatedMarketState {
    this.settle();
    const state = exportSynthState(this.runtime, this.simTime);
    if (this.lazy) state.lazy = exportLazy(this.lazy, this.runtime);
    return state;
  }

  /** Throws when a state taken by {@link SimulatedMarket.exportState} does not fit this market. */
  checkState(state: SimulatedMarketState): void {
    if (this.lazy) checkLazy(this.ctx, this.instByKey, state);
    else checkSynthState(this.runtime, state);
  }

  /** Restores a state taken by {@link SimulatedMarket.exportState} (same configuration). */
  importState(state: SimulatedMarketState): void {
    this.settle();
    if (this.lazy) {
      this.checkState(state);
      this.byKey.clear();
      rebuildLazy(this.ctx, this.lazy, this.runtime, this.instByKey, state, this.driverDayAgg);
      for (const st of this.states) this.byKey.set(st.key, st);
    }
    importSynthState(this.runtime, state);
    if (this.lazy) restoreLazyRngs(this.lazy, this.runtime, state);
    this.simTime = state.simTime;
    this.driverDayAgg.clear();
  }

  /** Stops the market and detaches it from its clock for good. */
  close(): void {
    this.stop();
    this.unsubscribeClock();
    this.listeners.clear();
  }

  /** Depth of up to 20 levels per side; the first five equal the quote's best five. */
  depth(
    exchange: Exchange,
    token: string,
    levels: number,
  ): { bids: BookLevel[]; asks: BookLevel[] } | undefined {
    const st = this.stateOf(exchange, token);
    if (!st) return undefined;
    return deepBook(st, this.ctx.seed, levels);
  }

  /**
   * Bars of `intervalMinutes` (1440 = daily, time = 00:00 IST of the day; intraday bars aligned to the
   * session open) with `from <= time <= to`. Intraday bars exist only for minutes with trades.
   */
  candles(exchange: Exchange, token: string, intervalMinutes: number, from: number, to: number): Candle[] {
    const st = this.stateOf(exchange, token);
    if (!st || !(intervalMinutes >= 1) || !Number.isFinite(from) || !Number.isFinite(to) || from > to)
      return [];
    return candlesOf(this.ctx, st, intervalMinutes, from, to, this.now());
  }

  /**
   * Average of the 1-minute bar closes with `from <= time < to` (`volume`: weighted by the bars' volume,
   * the plain average when they have none); undefined without bars. The expiry settlement's final
   * settlement price (engine `rules/expiry.ts`) comes from here, so it equals the average of the bars
   * `getCandleData` serves for that window.
   */
  averagePrice(
    exchange: Exchange,
    token: string,
    from: number,
    to: number,
    weighting: 'time' | 'volume',
  ): number | undefined {
    const bars = this.candles(exchange, token, 1, from, to - 1);
    if (bars.length === 0) return undefined;
    let sum = 0;
    let vsum = 0;
    let vol = 0;
    for (const b of bars) {
      sum += b.close;
      vsum += b.close * b.volume;
      vol += b.volume;
    }
    return weighting === 'volume' && vol > 0 ? vsum / vol : sum / bars.length;
  }

  // ───────────────────────────── model helpers (public for services) ─────────────────────────────

  /** The driver (underlying random walk) spot price of an instrument, paise (float). */
  underlyingPrice(exchange: Exchange, token: string): number | undefined {
    return this.stateOf(exchange, token)?.driver.price;
  }

  /** The model's implied volatility of an option (smile at the current spot), else undefined. */
  impliedVol(exchange: Exchange, token: string, at = this.now()): number | undefined {
    const st = this.stateOf(exchange, token);
    if (st?.kind !== 'option' || st.inst.strike === undefined) return undefined;
    const years = Math.max(0, yearsBetween(at, st.expiryClose));
    return smileVol(st.driver.atmVol, st.driver.price, st.inst.strike, years);
  }

  // ───────────────────────────── simulation ─────────────────────────────

  /**
   * Processes every step up to `now`. Steps fall on a fixed grid of `stepMs` (epoch-aligned), so the
   * step rate does not depend on how often the clock ticks; a gap of more than `maxSteps` grid points
   * is covered by `maxSteps` evenly spread (longer) steps. A move by the clock's own timer runs its steps
   * in slices of about `sliceMs` of real time (see {@link SimulatedMarket.pump}); a move by `advance()`
   * first finishes a sliced step still running, then runs its own steps whole, before it returns.
   */
  private catchUp(now: number, move: ClockMove = 'advance'): void {
    if (move === 'timer' && Number.isFinite(this.sliceMs)) {
      // The steps still to run after the one in progress, re-planned up to the new time.
      this.queued = this.planSteps(this.current?.t ?? this.simTime, now);
      if (!this.resume) this.pump();
      return;
    }
    this.settle();
    for (const t of this.planSteps(this.simTime, now)) {
      this.stepTo(t);
      this.simTime = t;
    }
  }

  /** The times of the steps after the step at `base` up to `now` (see {@link SimulatedMarket.catchUp}). */
  private planSteps(base: number, now: number): number[] {
    const step = this.stepMs;
    const first = Math.floor(base / step) * step + step;
    if (now < first) return [];
    const last = Math.floor(now / step) * step;
    const count = (last - first) / step + 1;
    const out: number[] = [];
    if (count <= this.maxSteps) {
      for (let t = first; t <= last; t += step) out.push(t);
      return out;
    }
    const n = this.maxSteps;
    for (let i = 1; i <= n; i++) out.push(i === n ? last : base + Math.round(((last - base) * i) / n));
    return out;
  }

  /**
   * Runs timer-driven steps for about `sliceMs` of real time: the step in progress, then the queued ones,
   * each in universe order; when time is up with work left, continues on the next event-loop turn
   * (`setImmediate`), so requests are served between slices. Every instrument of a step gets that
   * step's time; only the wall-clock moment its quote is published moves.
   */
  private pump(): void {
    this.resume = undefined;
    const deadline = wallMs() + this.sliceMs;
    for (;;) {
      let run = this.current;
      if (!run) {
        const t = this.queued.shift();
        if (t === undefined) return;
        if (this.lazy) this.walk.z = logStep(this.lazy, t);
        run = beginStep(this.ctx, this.walk, t);
        this.current = run;
      }
      while (!stepInstruments(this.ctx, this.walk, run, run.next + SLICE_CHECK)) {
        if (wallMs() >= deadline) {
          this.resume = setImmediate(() => this.pump());
          return;
        }
      }
      this.current = undefined;
      this.simTime = run.t;
      if (this.queued.length > 0 && wallMs() >= deadline) {
        this.resume = setImmediate(() => this.pump());
        return;
      }
    }
  }

  /** Finishes the sliced step in progress and the queued ones now (before an advance, export, import or stop). */
  private settle(): void {
    if (this.resume) clearImmediate(this.resume);
    this.resume = undefined;
    const run = this.current;
    if (run) {
      stepInstruments(this.ctx, this.walk, run, run.n);
      this.current = undefined;
      this.simTime = run.t;
    }
    const queued = this.queued;
    this.queued = [];
    for (const t of queued) {
      this.stepTo(t);
      this.simTime = t;
    }
  }

  /** An instrument's state; in lazy mode activates it on first use (see {@link SimulatedMarketOptions.lazy}). */
  private stateOf(exchange: Exchange, token: string): InstState | undefined {
    const key = instrumentKey(exchange, token);
    const st = this.byKey.get(key);
    if (st || !this.lazy) return st;
    const inst = this.instByKey.get(key);
    if (!inst) return undefined;
    const activated = activate(this.ctx, this.lazy, this.walk, inst, this.driverDayAgg);
    this.states.push(activated);
    this.byKey.set(key, activated);
    return activated;
  }

  /** Number of instruments being simulated (all of them in eager mode; the used ones in lazy mode). */
  get activeCount(): number {
    return this.states.length;
  }

  /** One step; lazy mode logs it (time, market shock) first so that activations replay it. */
  private stepTo(t: number): void {
    if (this.lazy) this.walk.z = logStep(this.lazy, t);
    stepAt(this.ctx, this.walk, t);
  }

  /**
   * Publishes an instrument's new quote to the listeners that want it; builds the quote only when one
   * does (else it is built on first read, {@link quoteOf}).
   */
  private emit(st: InstState, t: number): void {
    st.seq++;
    let q: Quote | undefined;
    for (const l of this.listeners) {
      if (l.interest !== undefined && !wants(l.interest, st)) continue;
      if (q === undefined) {
        buildQuote(st, t);
        q = st.quote;
      }
      try {
        l.fn(q);
      } catch {
        // a failing listener must not stop the market
      }
    }
    if (q === undefined) deferQuote(st, t);
  }
}

/** Asks a listener's interest about an instrument; a failing interest counts as wanting it. */
function wants(interest: QuoteInterest, st: InstState): boolean {
  try {
    return interest(st.inst.exchange, st.inst.token);
  } catch {
    return true;
  }
}

/** Creates a {@link SimulatedMarket}. */
export function createSimulatedMarket(options: SimulatedMarketOptions): SimulatedMarket {
  return new SimulatedMarket(options);
}
