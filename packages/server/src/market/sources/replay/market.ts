/**
 * The replay source: implements {@link Market} from recorded bars (docs/paper-broker-data.md). On the
 * simulated clock, each instrument with data follows a deterministic path inside its current bar
 * (`path.ts`), so the LTP, the book, triggers and fills never leave the bar's range, volume follows the
 * bar's volume, and `candles()` answers the recorded bars exactly once they are complete. Quotes are a
 * pure function of time: the state is the clock position and per-instrument sequence numbers.
 *
 * Instruments without data have no quote (orders are refused with the venue's "no market data"
 * answer) unless a `fallback` market (the synthetic source, `--fill-missing synthetic`) serves them.
 * Beside it: `series.ts` (an instrument's bars with their timing and day aggregates), `bars.ts`
 * (aggregation to an interval, the book inside a bar), `ticks.ts`, `files.ts`.
 */
import type { Exchange, ScripMasterRow } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import { TradingCalendar } from '../../calendar.js';
import type { Clock } from '../../clock.js';
import type { BookLevel, Candle, Instrument, Market, Quote, SessionState } from '../../types.js';
import { instrumentKey, type Universe } from '../../universe.js';
import { aggregate, barBook, EMPTY } from './bars.js';
import { type CandleSeries, ReplayDataError, type TickEvent } from './files.js';
import { type BarPath, barPath, priceOnPath, rangeSoFar } from './path.js';
import { DAY_MS, type Series, seriesOf } from './series.js';
import { applyTick, tickBars } from './ticks.js';

/** Options of {@link ReplayMarket}. */
export interface ReplayMarketOptions {
  clock: Clock;
  /** The instruments (built-in universe or a scrip-master file). */
  universe: Universe;
  /** The recorded bars, one series per instrument (see `files.ts`). */
  series: readonly CandleSeries[];
  /** Recorded feed ticks in replay order (tick files); an instrument with ticks ignores its bars. */
  ticks?: readonly TickEvent[];
  /** Seed of the paths inside bars. @default 1 */
  seed?: number;
  /** Trading calendar; every day with data is added as a trading day. @default the built-in holidays */
  calendar?: TradingCalendar;
  /** Simulated ms between quote updates. @default 1000 */
  stepMs?: number;
  /** Most steps one clock move processes (larger moves use longer steps). @default 600 */
  maxStepsPerAdvance?: number;
  /** Serves instruments without data (the synthetic market on the same clock). */
  fallback?: Market & {
    exportState?(): unknown;
    importState?(s: unknown): void;
    checkState?(s: unknown): void;
  };
}

/** Replay state for snapshots. */
export interface ReplayMarketState {
  kind: 'replay';
  simTime: number;
  seqs: Record<string, number>;
  /** Ticks applied. */
  tickCursor: number;
  fallback?: unknown;
}

/** A market that replays recorded bars on its clock. */
export class ReplayMarket implements Market {
  readonly universe: Universe;
  readonly calendar: TradingCalendar;
  private readonly clock_: Clock;
  private readonly seed: number;
  private readonly stepMs: number;
  private maxSteps: number;
  private readonly byKey = new Map<string, Instrument>();
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly series = new Map<string, Series>();
  private readonly untradable = new Map<string, Instrument>();
  private readonly tickEvents: readonly TickEvent[];
  private tickCursor = 0;
  private readonly tickQuotes = new Map<string, Quote>();
  private readonly tickHistory = new Map<string, Quote[]>();
  private readonly depth20 = new Map<string, { bids: BookLevel[]; asks: BookLevel[] }>();
  private readonly listeners = new Set<(q: Quote) => void>();
  private readonly fallback: ReplayMarketOptions['fallback'];
  private readonly unsubscribe: () => void;
  private simTime: number;

  constructor(options: ReplayMarketOptions) {
    this.clock_ = options.clock;
    this.universe = options.universe;
    this.seed = (options.seed ?? 1) >>> 0;
    this.stepMs = options.stepMs ?? 1000;
    this.maxSteps = options.maxStepsPerAdvance ?? 600;
    this.calendar = options.calendar ?? new TradingCalendar();
    this.fallback = options.fallback;
    for (const inst of this.universe.instruments) {
      this.byKey.set(instrumentKey(inst.exchange, inst.token), inst);
      this.bySymbol.set(`${inst.exchange}:${inst.symbol}`, inst);
      const up = `${inst.exchange}:${inst.symbol.toUpperCase()}`;
      if (!this.bySymbol.has(up)) this.bySymbol.set(up, inst);
    }
    this.tickEvents = options.ticks ?? [];
    const tickKeys = new Set<string>();
    let lastDay = Number.NaN;
    for (const e of this.tickEvents) {
      const key = instrumentKey(e.exchange, e.tick.token);
      if (!tickKeys.has(key)) {
        if (!this.byKey.has(key))
          throw new ReplayDataError(
            e.file,
            0,
            `no instrument ${e.exchange} ${e.tick.token} in the instrument universe`,
          );
        tickKeys.add(key);
        this.tickHistory.set(key, []);
      }
      const d = istDayStart(e.at);
      if (d !== lastDay) this.calendar.addSpecialSession(e.at);
      lastDay = d;
    }
    for (const s of options.series) {
      const key = instrumentKey(s.exchange, s.token);
      if (tickKeys.has(key)) continue;
      const inst = this.byKey.get(key);
      if (!inst)
        throw new ReplayDataError(
          s.file,
          0,
          `no instrument ${s.exchange} ${s.token} in the instrument universe`,
        );
      for (const c of s.candles) this.calendar.addSpecialSession(c.time);
      this.series.set(key, seriesOf(this.calendar, key, inst, s));
    }
    this.simTime = this.clock_.now();
    this.applyTicks(this.simTime, false);
    for (const st of this.series.values()) this.refresh(st, this.simTime, false);
    this.unsubscribe = this.clock_.onAdvance((now) => this.catchUp(now));
  }

  /** The first instant with data on or after `from` (epoch ms), else undefined. */
  static firstBarTime(
    series: readonly CandleSeries[],
    from = 0,
    calendar = new TradingCalendar(),
  ): number | undefined {
    let best: number | undefined;
    for (const s of series) {
      for (const c of s.candles) {
        const t = s.intervalMs >= DAY_MS ? calendar.sessionBounds(s.exchange, c.time).open : c.time;
        if (t >= from) {
          if (best === undefined || t < best) best = t;
          break;
        }
      }
    }
    return best;
  }

  // ───────────────────────────── Market interface ─────────────────────────────

  now(): number {
    return this.clock_.now();
  }

  instruments(): readonly Instrument[] {
    return this.universe.instruments;
  }

  /**
   * Instrument by exchange and token. Without data and without a fallback market it is not tradable
   * (orders and GTT rules on it are refused with the venue's invalid-symbol answer).
   */
  instrument(exchange: Exchange, token: string): Instrument | undefined {
    return this.gate(this.byKey.get(instrumentKey(exchange, token)));
  }

  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return this.gate(
      this.bySymbol.get(`${exchange}:${symbol}`) ?? this.bySymbol.get(`${exchange}:${symbol.toUpperCase()}`),
    );
  }

  private gate(inst: Instrument | undefined): Instrument | undefined {
    if (!inst || this.fallback || !inst.tradable) return inst;
    const key = instrumentKey(inst.exchange, inst.token);
    if (this.series.has(key) || this.tickHistory.has(key)) return inst;
    let off = this.untradable.get(key);
    if (!off) {
      off = Object.freeze({ ...inst, tradable: false });
      this.untradable.set(key, off);
    }
    return off;
  }

  scripMaster(): readonly ScripMasterRow[] {
    return this.universe.scripMaster;
  }

  /** The replayed quote; instruments without data: the fallback's, else undefined. */
  quote(exchange: Exchange, token: string): Quote | undefined {
    const key = instrumentKey(exchange, token);
    if (this.tickHistory.has(key)) return this.tickQuotes.get(key);
    const st = this.series.get(key);
    if (st) return st.quote;
    return this.fallback?.quote(exchange, token);
  }

  /** True when the instrument has recorded data. */
  hasData(exchange: Exchange, token: string): boolean {
    const key = instrumentKey(exchange, token);
    return this.series.has(key) || this.tickHistory.has(key);
  }

  session(exchange: Exchange, at?: number): SessionState {
    return this.calendar.session(exchange, at ?? this.now());
  }

  isTradingDay(_exchange: Exchange, at: number): boolean {
    return this.calendar.isTradingDay(at);
  }

  sessionClose(exchange: Exchange, at: number): number {
    return this.calendar.sessionBounds(exchange, at).close;
  }

  onQuote(listener: (quote: Quote) => void): () => void {
    this.listeners.add(listener);
    const off = this.fallback?.onQuote(listener);
    return () => {
      this.listeners.delete(listener);
      off?.();
    };
  }

  start(): void {
    this.clock_.start();
  }

  stop(): void {
    this.clock_.stop();
  }

  /** Depth: the quote's best five, then levels further out that stay inside the bar's range. */
  depth(
    exchange: Exchange,
    token: string,
    levels: number,
  ): { bids: BookLevel[]; asks: BookLevel[] } | undefined {
    const key = instrumentKey(exchange, token);
    if (this.tickHistory.has(key)) {
      const q = this.tickQuotes.get(key);
      if (!q) return undefined;
      const n = Math.max(0, Math.min(20, Math.floor(levels)));
      const d = this.depth20.get(key) ?? { bids: q.bids, asks: q.asks };
      const pad = (l: BookLevel[]) => Array.from({ length: n }, (_, i) => l[i] ?? EMPTY);
      return { bids: pad(d.bids), asks: pad(d.asks) };
    }
    const st = this.series.get(key);
    if (!st) return this.fallback?.depth?.(exchange, token, levels);
    const q = st.quote;
    if (!q) return undefined;
    const n = Math.max(0, Math.min(20, Math.floor(levels)));
    const c = st.candles[Math.max(0, st.cursor)] as Candle;
    const { bids, asks } = barBook(st.inst, c, st.tick, q.ltp, c.low, c.high, n);
    return { bids, asks };
  }

  /**
   * Recorded bars aggregated to `intervalMinutes` (1440 = daily at 00:00 IST; intraday buckets aligned
   * to the session open; an interval finer than the data's answers the data's bars) with `from <= time
   * <= to`, none after now; the bar in progress is cut at now.
   */
  candles(exchange: Exchange, token: string, intervalMinutes: number, from: number, to: number): Candle[] {
    const key = instrumentKey(exchange, token);
    if (!(intervalMinutes >= 1) || !Number.isFinite(from) || !Number.isFinite(to) || from > to) return [];
    const hist = this.tickHistory.get(key);
    if (hist)
      return aggregate(this.calendar, exchange, tickBars(hist), 60_000, false, intervalMinutes, from, to);
    const st = this.series.get(key);
    if (!st) return this.fallback?.candles(exchange, token, intervalMinutes, from, to) ?? [];
    const now = this.now();
    const bars: Candle[] = [];
    for (let i = 0; i < st.candles.length; i++) {
      const t0 = st.t0[i] as number;
      if (t0 > now) break;
      const c = st.candles[i] as Candle;
      const t1 = st.t1[i] as number;
      if (now >= t1) bars.push(c);
      else {
        const f = (now - t0) / (t1 - t0);
        const p = barPath(this.seed, st.key, i, c);
        const r = rangeSoFar(p, f, c, st.tick);
        bars.push({
          time: c.time,
          open: c.open,
          high: r.high,
          low: r.low,
          close: priceOnPath(p, f, c, st.tick),
          volume: Math.floor(c.volume * f),
          oi: 0,
        });
      }
    }
    const dataWidth = (st.t1[0] as number) - (st.t0[0] as number);
    return aggregate(this.calendar, exchange, bars, dataWidth, st.daily, intervalMinutes, from, to);
  }

  // ───────────────────────────── scenario control (admin clock, snapshots) ─────────────────────────────

  get clock(): Clock {
    return this.clock_;
  }

  get stepInterval(): number {
    return this.stepMs;
  }

  withMaxSteps<T>(n: number, fn: () => T): T {
    const prev = this.maxSteps;
    this.maxSteps = Math.max(1, Math.floor(n));
    const fb = this.fallback as { withMaxSteps?: <U>(n: number, fn: () => U) => U } | undefined;
    try {
      return fb?.withMaxSteps ? fb.withMaxSteps(n, fn) : fn();
    } finally {
      this.maxSteps = prev;
    }
  }

  exportState(): ReplayMarketState {
    const seqs: Record<string, number> = {};
    for (const [k, st] of this.series) seqs[k] = st.seq;
    const fb = this.fallback?.exportState?.();
    return {
      kind: 'replay',
      simTime: this.simTime,
      seqs,
      tickCursor: this.tickCursor,
      ...(fb !== undefined ? { fallback: fb } : {}),
    };
  }

  checkState(state: unknown): void {
    const s = state as ReplayMarketState | undefined;
    if (s?.kind !== 'replay' || typeof s.simTime !== 'number') throw new Error('not a replay market state');
    if (!Number.isInteger(s.tickCursor) || s.tickCursor < 0 || s.tickCursor > this.tickEvents.length)
      throw new Error('the tick position does not fit this data');
    for (const k of Object.keys(s.seqs)) if (!this.series.has(k)) throw new Error(`no replay data for ${k}`);
    if (s.fallback !== undefined) this.fallback?.checkState?.(s.fallback);
  }

  importState(state: unknown): void {
    this.checkState(state);
    const s = state as ReplayMarketState;
    this.simTime = s.simTime;
    this.tickCursor = 0;
    this.tickQuotes.clear();
    this.depth20.clear();
    for (const h of this.tickHistory.values()) h.length = 0;
    this.applyTicks(Number.POSITIVE_INFINITY, false, s.tickCursor);
    for (const [k, st] of this.series) {
      st.seq = (s.seqs[k] ?? 0) - 1;
      st.cursor = -1;
      st.quote = undefined;
      this.refresh(st, s.simTime, false);
    }
    if (s.fallback !== undefined) this.fallback?.importState?.(s.fallback);
  }

  close(): void {
    this.stop();
    this.unsubscribe();
    this.listeners.clear();
    (this.fallback as { close?: () => void } | undefined)?.close?.();
  }

  // ───────────────────────────── replay ─────────────────────────────

  private catchUp(now: number): void {
    const step = this.stepMs;
    const first = Math.floor(this.simTime / step) * step + step;
    if (now < first) return;
    const last = Math.floor(now / step) * step;
    const count = (last - first) / step + 1;
    if (count <= this.maxSteps) {
      for (let t = first; t <= last; t += step) this.stepAt(t);
      return;
    }
    const base = this.simTime;
    const n = this.maxSteps;
    for (let i = 1; i <= n; i++) this.stepAt(i === n ? last : base + Math.round(((last - base) * i) / n));
  }

  /** Applies the ticks due at `t` (at most up to index `until`), publishing each when `emit`. */
  private applyTicks(t: number, emit: boolean, until = this.tickEvents.length): void {
    const ev = this.tickEvents;
    while (this.tickCursor < until) {
      const e = ev[this.tickCursor] as TickEvent;
      if (e.at > t) break;
      this.tickCursor++;
      const key = instrumentKey(e.exchange, e.tick.token);
      const { quote, depth20 } = applyTick(this.tickQuotes.get(key), e);
      this.tickQuotes.set(key, quote);
      if (depth20) this.depth20.set(key, depth20);
      this.tickHistory.get(key)?.push(quote);
      if (emit) this.publish(quote);
    }
  }

  private publish(q: Quote): void {
    for (const l of this.listeners) {
      try {
        l(q);
      } catch {
        // a failing listener must not stop the market
      }
    }
  }

  private stepAt(t: number): void {
    this.simTime = t;
    this.applyTicks(t, true);
    for (const st of this.series.values()) this.refresh(st, t, true);
  }

  /** Index of the last bar starting at or before `t` (−1 when none), moving the cursor. */
  private seek(st: Series, t: number): number {
    let i = st.cursor;
    if (i >= 0 && (st.t0[i] as number) > t) i = -1;
    const n = st.candles.length;
    if (i < 0 || (i + 8 < n && (st.t0[i + 8] as number) <= t)) {
      // binary search
      let lo = 0;
      let hi = n - 1;
      i = -1;
      while (lo <= hi) {
        const mid = (lo + hi) >> 1;
        if ((st.t0[mid] as number) <= t) {
          i = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
    } else while (i + 1 < n && (st.t0[i + 1] as number) <= t) i++;
    st.cursor = i;
    return i;
  }

  private pathOf(st: Series, i: number): BarPath {
    if (st.pathIndex !== i || !st.path) {
      st.path = barPath(this.seed, st.key, i, st.candles[i] as Candle);
      st.pathIndex = i;
    }
    return st.path;
  }

  /** Recomputes an instrument's quote at `t`; publishes it when it changed and `emit` is set. */
  private refresh(st: Series, t: number, emit: boolean): void {
    const i = this.seek(st, t);
    if (i < 0) return;
    const c = st.candles[i] as Candle;
    const t0 = st.t0[i] as number;
    const t1 = st.t1[i] as number;
    const f = t >= t1 ? 1 : (t - t0) / (t1 - t0);
    let ltp: number;
    let partVol: number;
    let hi: number;
    let lo: number;
    if (f >= 1) {
      ltp = c.close;
      partVol = c.volume;
      hi = c.high;
      lo = c.low;
    } else {
      const p = this.pathOf(st, i);
      ltp = priceOnPath(p, f, c, st.tick);
      partVol = Math.floor(c.volume * f);
      const r = rangeSoFar(p, f, c, st.tick);
      hi = r.high;
      lo = r.low;
    }
    const volume = (st.volBefore[i] as number) + partVol;
    const prev = st.quote;
    if (prev && prev.ltp === ltp && prev.volume === volume && istDayStart(prev.timestamp) === istDayStart(t))
      return;
    // Pure functions of t (a snapshot restores the same quote): the volume of the last step, and the
    // time of the last trade (now while the bar trades, else the bar's end).
    const before = t - this.stepMs;
    const traded =
      f >= 1 ? 0 : before >= t0 ? partVol - Math.floor((c.volume * (before - t0)) / (t1 - t0)) : partVol;
    const lastTradeTime = f >= 1 ? t1 : traded > 0 ? t : t0;
    const pv = (st.pvBefore[i] as number) + ltp * partVol;
    const { bids, asks } = barBook(
      st.inst,
      st.candles[Math.max(0, st.cursor)] as Candle,
      st.tick,
      ltp,
      c.low,
      c.high,
      5,
    );
    st.seq++;
    const q: Quote = {
      exchange: st.inst.exchange,
      token: st.inst.token,
      sequence: st.seq,
      timestamp: t,
      ltp,
      lastTradeQty: Math.max(0, traded),
      lastTradeTime,
      avgPrice: volume > 0 ? Math.round(pv / volume) : ltp,
      volume,
      open: st.dayOpen[i] as number,
      high: Math.max(st.hiBefore[i] as number, hi),
      low: Math.min(st.loBefore[i] as number, lo),
      close: st.prevClose[i] as number,
      openInterest: 0,
      totalBuyQty: bids.reduce((s, l) => s + l.quantity, 0),
      totalSellQty: asks.reduce((s, l) => s + l.quantity, 0),
      bids,
      asks,
      upperCircuit: 0,
      lowerCircuit: 0,
      high52Week: 0,
      low52Week: 0,
    };
    st.quote = q;
    if (emit) this.publish(q);
  }
}
