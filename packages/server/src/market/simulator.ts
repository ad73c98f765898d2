/**
 * The simulated market: implements {@link Market} with a seeded random walk per price driver and
 * every instrument priced from its driver (spot = driver, futures = spot × carry, options =
 * Black–Scholes with a smile). Deterministic for a given seed, universe and sequence of clock moves.
 * See docs/paper-broker-market.md for the model and its limits.
 */
import type { Exchange, ScripMasterRow } from '@smartapi-ts/protocol';
import { istDayStart, roundToTick } from '@smartapi-ts/protocol';
import { SESSION_TIMES, TradingCalendar } from './calendar.js';
import type { Clock } from './clock.js';
import {
  baseDailyVolume,
  HistoryModel,
  homeExchange,
  sessionMinutes,
  TRADING_DAYS_PER_YEAR,
} from './history.js';
import { bsPrice, smileVol, yearsBetween } from './pricing.js';
import { hashString, mixSeed, Rng, type RngState } from './rng.js';
import type { BookLevel, Candle, Instrument, Market, Quote, SessionState } from './types.js';
import { buildUniverse, type DriverSpec, instrumentKey, RISK_FREE_RATE, type Universe } from './universe.js';

const DAY_MS = 86_400_000;
const MIN_MS = 60_000;
const EMPTY_LEVEL: BookLevel = Object.freeze({ price: 0, quantity: 0, orders: 0 }) as BookLevel;
/** Derivatives are treated as listed this many days before expiry (no history before that). */
const LISTING_DAYS = 100;

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
}

type Kind = 'index' | 'spot' | 'future' | 'option';

interface DriverRt {
  spec: DriverSpec;
  /** Current spot, paise (float). */
  price: number;
  /** Previous close of the driver's current day. */
  prevClose: number;
  day: number;
  lastT: number;
  atmVol: number;
  /** Circuit band applied to the driver itself (equities), or 0. */
  band: number;
  /** Minute volatility (log units), for the overnight gap and steps. */
  gapVol: number;
  /** Years of trading time per ms of session. */
  yearsPerMs: number;
}

interface InstState {
  inst: Instrument;
  key: string;
  driver: DriverRt;
  kind: Kind;
  /** Pricing tick (1 for indices). */
  tick: number;
  liquidity: number;
  /** Expected traded quantity per step when it trades (units). */
  stepQty: number;
  /** Depth level base quantity (units). */
  levelQty: number;
  volScale: number;
  /** Epoch ms of the contract's last trading instant. */
  expiryClose: number;
  band: number;
  day: number;
  prevClose: number;
  open: number;
  high: number;
  low: number;
  ltp: number;
  volume: number;
  turnover: number;
  lastTradeQty: number;
  lastTradeTime: number;
  oi: number;
  prevOi: number;
  high52: number;
  low52: number;
  upper: number;
  lower: number;
  seq: number;
  quote: Quote;
  /** Recorded 1-minute bars per day: flat [time, o, h, l, c, v, oi]×n. */
  rec: Map<number, number[]>;
  /** Daily bars of completed simulated days. */
  recDaily: Map<number, Candle>;
}

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
  private readonly seed: number;
  private readonly stepMs: number;
  private maxSteps: number;
  private readonly recordDays: number;
  private readonly rng: Rng;
  private readonly history: HistoryModel;
  private readonly drivers = new Map<string, DriverRt>();
  private readonly states: InstState[] = [];
  private readonly byKey = new Map<string, InstState>();
  private readonly bySymbol = new Map<string, InstState>();
  private readonly listeners = new Set<(q: Quote) => void>();
  private readonly unsubscribeClock: () => void;
  private readonly startTime: number;
  private simTime: number;
  private readonly driverDayAgg = new Map<
    string,
    { open: number; high: number; low: number; volume: number } | null
  >();

  /** @param options - clock, seed, universe, step size */
  constructor(options: SimulatedMarketOptions) {
    this.clock_ = options.clock;
    this.seed = (options.seed ?? 1) >>> 0;
    this.stepMs = options.stepMs ?? 500;
    this.maxSteps = options.maxStepsPerAdvance ?? 120;
    this.recordDays = options.recordDays ?? 5;
    this.startTime = this.clock_.now();
    this.simTime = this.startTime;
    this.calendar = options.calendar ?? new TradingCalendar();
    if (options.openOnStartDay ?? this.clock_.kind === 'sim') this.calendar.addSpecialSession(this.startTime);
    this.universe =
      options.universe ?? buildUniverse({ date: this.startTime, seed: this.seed, calendar: this.calendar });
    this.rng = new Rng(mixSeed(this.seed, 0x5eed));
    this.history = new HistoryModel({
      seed: this.seed,
      calendar: this.calendar,
      start: this.startTime,
      drivers: this.universe.drivers,
    });
    this.initDrivers();
    this.initInstruments();
    this.unsubscribeClock = this.clock_.onAdvance((now) => this.catchUp(now));
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
    return this.byKey.get(instrumentKey(exchange, token))?.inst;
  }

  /** Instrument by exchange and trading symbol (exact, then case-insensitive). */
  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return (
      this.bySymbol.get(`${exchange}:${symbol}`)?.inst ??
      this.bySymbol.get(`${exchange}:${symbol.toUpperCase()}`)?.inst
    );
  }

  /** Scrip-master rows. */
  scripMaster(): readonly ScripMasterRow[] {
    return this.universe.scripMaster;
  }

  /** Latest quote snapshot (immutable; replaced on every change). */
  quote(exchange: Exchange, token: string): Quote | undefined {
    return this.byKey.get(instrumentKey(exchange, token))?.quote;
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

  /** Subscribes to quote changes. */
  onQuote(listener: (quote: Quote) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /** Starts the clock's timer. */
  start(): void {
    this.clock_.start();
  }

  /** Stops the clock's timer. */
  stop(): void {
    this.clock_.stop();
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
    const drivers: [string, unknown][] = [];
    for (const [k, d] of this.drivers) {
      const { spec: _spec, ...rest } = d;
      drivers.push([k, structuredClone(rest)]);
    }
    const states: unknown[] = this.states.map((st) => {
      const { inst: _inst, driver: _driver, key: _key, ...rest } = st;
      return structuredClone(rest);
    });
    return { version: 1, simTime: this.simTime, rng: this.rng.snapshot(), drivers, states };
  }

  /** Throws when a state taken by {@link SimulatedMarket.exportState} does not fit this market. */
  checkState(state: SimulatedMarketState): void {
    if (state.version !== 1 || state.states.length !== this.states.length) {
      throw new Error('market state does not match this market (different universe or version)');
    }
    for (const [k] of state.drivers) {
      if (!this.drivers.has(k)) throw new Error(`market state names an unknown price driver ${k}`);
    }
  }

  /** Restores a state taken by {@link SimulatedMarket.exportState} (same configuration). */
  importState(state: SimulatedMarketState): void {
    this.checkState(state);
    for (const [k, saved] of state.drivers) {
      const d = this.drivers.get(k) as DriverRt;
      Object.assign(d, structuredClone(saved));
    }
    state.states.forEach((saved, i) => {
      const st = this.states[i] as InstState;
      Object.assign(st, structuredClone(saved));
      st.quote = Object.freeze(st.quote) as Quote;
    });
    this.rng.restore(state.rng);
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
    const st = this.byKey.get(instrumentKey(exchange, token));
    if (!st) return undefined;
    const n = Math.max(0, Math.min(20, Math.floor(levels)));
    const q = st.quote;
    const r = new Rng(mixSeed(this.seed, hashString(st.key), q.sequence));
    const side = (best: BookLevel[], dir: 1 | -1): BookLevel[] => {
      const out: BookLevel[] = [];
      for (let i = 0; i < n; i++) {
        if (i < 5) {
          out.push({ ...(best[i] ?? EMPTY_LEVEL) });
          continue;
        }
        const prev = out[i - 1]!;
        const price = prev.price === 0 ? 0 : prev.price + dir * st.tick;
        if (price <= 0 || price < st.lower || (st.upper > 0 && price > st.upper)) {
          out.push({ ...EMPTY_LEVEL });
          continue;
        }
        const quantity = this.levelQuantity(st, r);
        out.push({ price, quantity, orders: Math.max(1, Math.min(quantity, r.int(1, 40))) });
      }
      return out;
    };
    return { bids: side(q.bids, -1), asks: side(q.asks, 1) };
  }

  /**
   * Bars of `intervalMinutes` (1440 = daily, time = 00:00 IST of the day; intraday bars aligned to the
   * session open) with `from <= time <= to`. Intraday bars exist only for minutes with trades.
   */
  candles(exchange: Exchange, token: string, intervalMinutes: number, from: number, to: number): Candle[] {
    const st = this.byKey.get(instrumentKey(exchange, token));
    if (!st || !(intervalMinutes >= 1) || !Number.isFinite(from) || !Number.isFinite(to) || from > to)
      return [];
    const now = this.now();
    const end = Math.min(to, now);
    const days = this.calendar.tradingDaysBetween(from, end);
    const out: Candle[] = [];
    if (intervalMinutes >= 1440) {
      for (const day of days) {
        const bar = this.dailyBar(st, day);
        if (bar && bar.time >= istDayStart(from) && bar.time <= to) out.push(bar);
      }
      return out;
    }
    const open = SESSION_TIMES[st.inst.exchange].open;
    const width = intervalMinutes * MIN_MS;
    for (const day of days) {
      const mins = this.minuteBars(st, day);
      const sessionOpen = day + open * MIN_MS;
      let cur: Candle | undefined;
      for (const m of mins) {
        if (m.time > end) break;
        const bucket = sessionOpen + Math.floor((m.time - sessionOpen) / width) * width;
        if (cur && cur.time === bucket) {
          if (m.high > cur.high) cur.high = m.high;
          if (m.low < cur.low) cur.low = m.low;
          cur.close = m.close;
          cur.volume += m.volume;
          cur.oi = m.oi;
        } else {
          if (cur && cur.time >= from && cur.time <= to) out.push(cur);
          cur = { ...m, time: bucket };
        }
      }
      if (cur && cur.time >= from && cur.time <= to) out.push(cur);
    }
    return out;
  }

  // ───────────────────────────── model helpers (public for services) ─────────────────────────────

  /** The driver (underlying random walk) spot price of an instrument, paise (float). */
  underlyingPrice(exchange: Exchange, token: string): number | undefined {
    return this.byKey.get(instrumentKey(exchange, token))?.driver.price;
  }

  /** The model's implied volatility of an option (smile at the current spot), else undefined. */
  impliedVol(exchange: Exchange, token: string, at = this.now()): number | undefined {
    const st = this.byKey.get(instrumentKey(exchange, token));
    if (st?.kind !== 'option' || st.inst.strike === undefined) return undefined;
    const years = Math.max(0, yearsBetween(at, st.expiryClose));
    return smileVol(st.driver.atmVol, st.driver.price, st.inst.strike, years);
  }

  // ───────────────────────────── initialisation ─────────────────────────────

  private initDrivers(): void {
    const bands = new Map<string, number>();
    for (const inst of this.universe.instruments) {
      if (inst.segment !== 'EQ') continue;
      const key = this.universe.driverOf.get(instrumentKey(inst.exchange, inst.token));
      const b = this.universe.bands.get(instrumentKey(inst.exchange, inst.token));
      if (key && b !== undefined) bands.set(key, Math.min(bands.get(key) ?? 1, b));
    }
    for (const spec of this.universe.drivers) {
      const a = this.history.anchor(spec.key);
      const sessionMs = sessionMinutes(spec) * MIN_MS;
      const prevClose = this.history.previousClose(spec.key);
      this.drivers.set(spec.key, {
        spec,
        price: spec.basePrice,
        prevClose,
        day: a.day,
        lastT: this.startTime,
        atmVol: spec.vol * 1.1,
        band: bands.get(spec.key) ?? 0,
        gapVol: this.history.gapVol(spec),
        yearsPerMs: 1 / (TRADING_DAYS_PER_YEAR * sessionMs),
      });
    }
  }

  private initInstruments(): void {
    const nearest = new Map<string, number>();
    for (const inst of this.universe.instruments) {
      if (inst.expiry === undefined || inst.expiry < istDayStart(this.startTime)) continue;
      const k = `${inst.name}|${inst.instrumentType}`;
      nearest.set(k, Math.min(nearest.get(k) ?? Number.POSITIVE_INFINITY, inst.expiry));
    }
    for (const inst of this.universe.instruments) {
      const key = instrumentKey(inst.exchange, inst.token);
      const dkey = this.universe.driverOf.get(key);
      const driver = dkey ? this.drivers.get(dkey) : undefined;
      if (!driver) continue;
      const kind: Kind =
        inst.segment === 'IDX'
          ? 'index'
          : inst.optionType
            ? 'option'
            : inst.expiry !== undefined
              ? 'future'
              : 'spot';
      const exClose = SESSION_TIMES[inst.exchange].close;
      const expiryClose =
        inst.expiry !== undefined ? inst.expiry + exClose * MIN_MS : Number.POSITIVE_INFINITY;
      const isNearest =
        inst.expiry !== undefined && nearest.get(`${inst.name}|${inst.instrumentType}`) === inst.expiry;
      const tick = inst.tickSize > 0 ? inst.tickSize : 1;
      let liquidity = 1;
      if (kind === 'spot') liquidity = inst.exchange === 'BSE' ? 0.5 : 1;
      else if (kind === 'future') liquidity = isNearest ? 1 : 0.5;
      else if (kind === 'option') {
        const m = Math.abs(Math.log((inst.strike ?? driver.price) / driver.price));
        liquidity =
          Math.max(0.05, Math.min(1, Math.exp(-Math.max(0, m - 0.01) / 0.03))) * (isNearest ? 1 : 0.6);
      }
      const lot = Math.max(1, inst.lotSize);
      const volScale = kind === 'spot' ? (inst.exchange === 'BSE' ? 0.1 : 1) : 0;
      const perStep = this.stepMs / 500;
      const stepQty =
        kind === 'spot'
          ? Math.max(
              1,
              (baseDailyVolume(driver.spec) * volScale * perStep) / (sessionMinutes(driver.spec) * 120),
            )
          : kind === 'index'
            ? 0
            : lot * 2.5 * perStep;
      const levelQty = kind === 'spot' ? Math.max(1, Math.round(stepQty * 8)) : lot * 6;
      const st: InstState = {
        inst,
        key,
        driver,
        kind,
        tick,
        liquidity,
        stepQty,
        levelQty,
        volScale,
        expiryClose,
        band: this.universe.bands.get(key) ?? (kind === 'future' ? 0.1 : 0),
        day: driver.day,
        prevClose: 0,
        open: 0,
        high: 0,
        low: 0,
        ltp: 0,
        volume: 0,
        turnover: 0,
        lastTradeQty: 0,
        lastTradeTime: 0,
        oi: 0,
        prevOi: 0,
        high52: 0,
        low52: 0,
        upper: 0,
        lower: 0,
        seq: 0,
        quote: undefined as unknown as Quote,
        rec: new Map(),
        recDaily: new Map(),
      };
      this.initDay(st);
      this.states.push(st);
      this.byKey.set(key, st);
      this.bySymbol.set(`${inst.exchange}:${inst.symbol}`, st);
      if (!this.bySymbol.has(`${inst.exchange}:${inst.symbol.toUpperCase()}`)) {
        this.bySymbol.set(`${inst.exchange}:${inst.symbol.toUpperCase()}`, st);
      }
    }
  }

  /** Sets the start-day statistics of an instrument from the history model. */
  private initDay(st: InstState): void {
    const d = st.driver;
    const a = this.history.anchor(d.spec.key);
    const prevDay = this.calendar.previousTradingDay(a.day);
    const prevCloseTime = this.calendar.sessionBounds(st.inst.exchange, prevDay).close;
    st.prevClose = this.priceAt(st, d.prevClose, prevCloseTime);
    st.ltp = this.priceAt(st, d.price, this.startTime);
    const agg = this.driverAggregate(d.spec.key, a.day);
    if (agg) {
      const t = this.startTime;
      st.open = this.priceAt(st, agg.open, t);
      const hi = this.priceAt(st, agg.high, t);
      const lo = this.priceAt(st, agg.low, t);
      st.high = Math.max(hi, lo, st.open, st.ltp);
      st.low = Math.min(hi, lo, st.open, st.ltp);
      if (st.kind === 'spot') st.volume = Math.round(agg.volume * st.volScale);
      else if (st.kind !== 'index') {
        for (const v of this.derivativeVolumes(st, a.day, a.minute)) st.volume += v;
      }
      st.turnover = st.volume * ((st.open + st.ltp) / 2);
    } else {
      st.open = st.ltp;
      st.high = st.ltp;
      st.low = st.ltp;
    }
    if (st.kind === 'future' || st.kind === 'option') {
      st.prevOi = this.oiOfDay(st, prevDay);
      st.oi = this.oiOfDay(st, a.day);
    }
    // 52-week range from daily opens/closes of the last 250 trading days.
    let hi = Math.max(st.high, st.prevClose);
    let lo = Math.min(st.low, st.prevClose);
    if (st.kind === 'spot' || st.kind === 'index' || st.kind === 'future') {
      let day = a.day;
      for (let i = 0; i < 250; i++) {
        day = this.calendar.previousTradingDay(day);
        const oc = this.history.dayOpenClose(d.spec.key, day);
        if (!oc) break;
        const t = this.calendar.sessionBounds(st.inst.exchange, day).close;
        for (const v of [oc.open, oc.close]) {
          const p = this.priceAt(st, v, st.kind === 'future' ? this.startTime : t);
          if (p > hi) hi = p;
          if (p < lo) lo = p;
        }
      }
    }
    st.high52 = hi;
    st.low52 = lo;
    this.setCircuits(st);
    st.seq = 1;
    this.buildQuote(
      st,
      this.startTime,
      this.bookLevels(
        st,
        this.theo(st, d.price, this.startTime),
        new Rng(mixSeed(this.seed, hashString(st.key))),
      ),
    );
  }

  /** Driver OHLCV aggregate of the start day's history prefix (undefined when the day starts now). */
  private driverAggregate(
    driverKey: string,
    day: number,
  ): { open: number; high: number; low: number; volume: number } | undefined {
    const k = `${driverKey}|${day}`;
    const cached = this.driverDayAgg.get(k);
    if (cached !== undefined) return cached ?? undefined;
    const m = this.history.minutes(driverKey, day);
    if (!m || m.count === 0) {
      this.driverDayAgg.set(k, null);
      return undefined;
    }
    let high = -Infinity;
    let low = Infinity;
    let volume = 0;
    for (let i = 0; i < m.count; i++) {
      if (m.high[i]! > high) high = m.high[i]!;
      if (m.low[i]! < low) low = m.low[i]!;
      volume += m.volume[i]!;
    }
    const agg = { open: m.open[0]!, high, low, volume };
    this.driverDayAgg.set(k, agg);
    return agg;
  }

  /** Seeded open interest of a derivative at the close of `day`. */
  private oiOfDay(st: InstState, day: number): number {
    const lot = Math.max(1, st.inst.lotSize);
    const r = new Rng(mixSeed(this.seed, hashString(st.key), day / DAY_MS, 13));
    const baseLots = 200 + Math.round(st.liquidity * 40_000 * (st.kind === 'future' ? 1.5 : 1));
    return Math.max(lot, Math.round(baseLots * Math.exp(0.04 * r.normal())) * lot);
  }

  // ───────────────────────────── pricing ─────────────────────────────

  /** Unrounded model price of an instrument for a driver spot `s` at time `t`. */
  private theo(st: InstState, s: number, t: number): number {
    switch (st.kind) {
      case 'index':
      case 'spot':
        return s;
      case 'future':
        return s * Math.exp(st.driver.spec.carry * Math.max(0, yearsBetween(t, st.expiryClose)));
      case 'option': {
        const k = st.inst.strike ?? s;
        const years = Math.max(0, yearsBetween(t, st.expiryClose));
        return bsPrice({
          spot: s,
          strike: k,
          years,
          vol: smileVol(st.driver.atmVol, s, k, years),
          rate: RISK_FREE_RATE,
          type: st.inst.optionType ?? 'CE',
        });
      }
    }
  }

  /** Model price on the tick grid (options at least one tick). */
  private priceAt(st: InstState, s: number, t: number): number {
    const p = roundToTick(this.theo(st, s, t), st.tick);
    return st.kind === 'option' ? Math.max(st.tick, p) : Math.max(st.kind === 'index' ? 0 : st.tick, p);
  }

  private setCircuits(st: InstState): void {
    const tick = st.tick;
    if (st.kind === 'index') {
      st.upper = 0;
      st.lower = 0;
    } else if (st.kind === 'option') {
      const under = st.driver.prevClose;
      st.lower = tick;
      st.upper = Math.floor((st.prevClose + under * 0.1) / tick) * tick;
    } else {
      const band = st.band > 0 ? st.band : 0.2;
      st.upper = Math.floor((st.prevClose * (1 + band)) / tick) * tick;
      st.lower = Math.max(tick, Math.ceil((st.prevClose * (1 - band)) / tick) * tick);
    }
  }

  private clampCircuit(st: InstState, p: number): number {
    if (st.kind === 'index') return p;
    return Math.min(st.upper, Math.max(st.lower, p));
  }

  private levelQuantity(st: InstState, r: Rng): number {
    const lot = Math.max(1, st.inst.lotSize);
    if (st.kind === 'spot') return Math.max(1, Math.round(st.levelQty * (0.2 + 1.6 * r.next())));
    return lot * r.int(1, Math.max(1, Math.round((st.levelQty / lot) * st.liquidity * 2)));
  }

  /** Best five levels around an (unrounded) model price. */
  private bookLevels(st: InstState, value: number, r: Rng): { bids: BookLevel[]; asks: BookLevel[] } {
    if (st.kind === 'index') {
      const empty = [EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL];
      return { bids: empty, asks: empty };
    }
    const tick = st.tick;
    const spread = r.chance(0.75) ? 1 : 2;
    let bid = Math.floor(value / tick) * tick;
    if (bid === value) bid -= r.chance(0.5) ? tick : 0;
    const ask = bid + spread * tick;
    const bids: BookLevel[] = [];
    const asks: BookLevel[] = [];
    for (let i = 0; i < 5; i++) {
      const bp = bid - i * tick;
      const ap = ask + i * tick;
      if (bp >= st.lower && bp >= tick && bp <= st.upper) {
        const q = this.levelQuantity(st, r);
        bids.push({ price: bp, quantity: q, orders: Math.max(1, Math.min(q, r.int(1, 30))) });
      } else bids.push(EMPTY_LEVEL);
      if (ap <= st.upper && ap >= st.lower) {
        const q = this.levelQuantity(st, r);
        asks.push({ price: ap, quantity: q, orders: Math.max(1, Math.min(q, r.int(1, 30))) });
      } else asks.push(EMPTY_LEVEL);
    }
    // Keep bids strictly below asks even when the circuits squeeze the book.
    return { bids: compact(bids), asks: compact(asks) };
  }

  private buildQuote(st: InstState, t: number, book: { bids: BookLevel[]; asks: BookLevel[] }): void {
    let buy = 0;
    let sell = 0;
    for (const l of book.bids) buy += l.quantity;
    for (const l of book.asks) sell += l.quantity;
    const deriv = st.kind === 'future' || st.kind === 'option';
    const q: Quote = {
      exchange: st.inst.exchange,
      token: st.inst.token,
      sequence: st.seq,
      timestamp: t,
      ltp: st.ltp,
      lastTradeQty: st.lastTradeQty,
      lastTradeTime: st.lastTradeTime,
      avgPrice: st.volume > 0 ? Math.round(st.turnover / st.volume) : 0,
      volume: st.volume,
      open: st.open,
      high: st.high,
      low: st.low,
      close: st.prevClose,
      openInterest: deriv ? st.oi : 0,
      totalBuyQty: buy * 6,
      totalSellQty: sell * 6,
      bids: book.bids,
      asks: book.asks,
      upperCircuit: st.upper,
      lowerCircuit: st.lower,
      high52Week: st.high52,
      low52Week: st.low52,
      prevOpenInterest: deriv ? st.prevOi : 0,
    };
    st.quote = Object.freeze(q) as Quote;
  }

  // ───────────────────────────── simulation ─────────────────────────────

  /**
   * Processes every step up to `now`. Steps fall on a fixed grid of `stepMs` (epoch-aligned), so the
   * step rate does not depend on how often the clock ticks; a gap of more than `maxSteps` grid points
   * is covered by `maxSteps` evenly spread (longer) steps.
   */
  private catchUp(now: number): void {
    const step = this.stepMs;
    const first = Math.floor(this.simTime / step) * step + step;
    if (now < first) return;
    const last = Math.floor(now / step) * step;
    const count = (last - first) / step + 1;
    if (count <= this.maxSteps) {
      for (let t = first; t <= last; t += step) {
        this.step(t);
        this.simTime = t;
      }
      return;
    }
    const base = this.simTime;
    const n = this.maxSteps;
    for (let i = 1; i <= n; i++) {
      const t = i === n ? last : base + Math.round(((last - base) * i) / n);
      this.step(t);
      this.simTime = t;
    }
  }

  private step(t: number): void {
    const open: Partial<Record<Exchange, boolean>> = {};
    const isOpen = (ex: Exchange): boolean => {
      let v = open[ex];
      if (v === undefined) {
        v = this.calendar.session(ex, t) === 'open';
        open[ex] = v;
      }
      return v;
    };
    const today = istDayStart(t);
    // 1. drivers
    const zm = this.rng.normal();
    for (const d of this.drivers.values()) {
      const home = homeExchange(d.spec);
      if (!isOpen(home)) continue;
      if (d.day !== today) {
        d.prevClose = d.price;
        d.day = today;
        d.price *= Math.exp(d.gapVol * this.rng.normal());
        d.lastT = this.calendar.sessionBounds(home, t).open;
      }
      const dtYears = Math.max(0, t - d.lastT) * d.yearsPerMs;
      d.lastT = t;
      if (dtYears <= 0) continue;
      const c = d.spec.marketCorr;
      const z = c * zm + Math.sqrt(Math.max(0, 1 - c * c)) * this.rng.normal();
      const v = d.spec.vol;
      d.price *= Math.exp(-0.5 * v * v * dtYears + v * Math.sqrt(dtYears) * z);
      if (d.band > 0) {
        const lo = d.prevClose * (1 - d.band * 0.98);
        const hi = d.prevClose * (1 + d.band * 0.98);
        d.price = Math.min(hi, Math.max(lo, d.price));
      }
    }
    // 2. instruments
    for (const st of this.states) {
      if (!isOpen(st.inst.exchange)) continue;
      if (t > st.expiryClose) continue;
      if (st.day !== today) this.rollover(st, today);
      this.stepInstrument(st, t);
    }
  }

  private rollover(st: InstState, today: number): void {
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
    if (st.rec.size >= this.recordDays) {
      const oldest = Math.min(...st.rec.keys());
      st.rec.delete(oldest);
    }
    st.day = today;
    st.prevClose = st.ltp;
    st.prevOi = st.oi;
    st.open = st.ltp;
    st.high = st.ltp;
    st.low = st.ltp;
    st.volume = 0;
    st.turnover = 0;
    st.lastTradeQty = 0;
    this.setCircuits(st);
  }

  private stepInstrument(st: InstState, t: number): void {
    const r = this.rng;
    if (st.kind === 'index') {
      const p = Math.max(1, Math.round(st.driver.price));
      if (p === st.ltp) return;
      this.trade(st, t, p, 0);
      this.emit(st, t, this.bookLevels(st, p, r));
      return;
    }
    if (!r.chance(st.liquidity)) return;
    const value = this.theo(st, st.driver.price, t);
    const book = this.bookLevels(st, value, r);
    const best = r.chance(0.5) ? book.bids[0]! : book.asks[0]!;
    let price = best.price > 0 ? best.price : roundToTick(value, st.tick);
    price = this.clampCircuit(st, Math.max(st.tick, price));
    const lot = Math.max(1, st.inst.lotSize);
    const qty =
      st.kind === 'spot'
        ? Math.max(1, Math.round(st.stepQty * (0.2 + 1.6 * r.next())))
        : lot * Math.max(1, Math.round((st.stepQty / lot) * (0.2 + 1.6 * r.next())));
    if (st.kind !== 'spot' && r.chance(0.3)) {
      st.oi = Math.max(lot, st.oi + (r.chance(0.55) ? lot : -lot) * r.int(1, 4));
    }
    this.trade(st, t, price, qty);
    this.emit(st, t, book);
  }

  private trade(st: InstState, t: number, price: number, qty: number): void {
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
    this.record(st, t, price, qty);
  }

  private record(st: InstState, t: number, price: number, qty: number): void {
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

  private emit(st: InstState, t: number, book: { bids: BookLevel[]; asks: BookLevel[] }): void {
    st.seq++;
    this.buildQuote(st, t, book);
    const q = st.quote;
    for (const l of this.listeners) {
      try {
        l(q);
      } catch {
        // a failing listener must not stop the market
      }
    }
  }

  // ───────────────────────────── candles ─────────────────────────────

  /** 1-minute bars of an instrument on a trading day (history and/or recorded), oldest first. */
  private minuteBars(st: InstState, day: number): Candle[] {
    const out: Candle[] = [];
    const a = this.history.anchor(st.driver.spec.key);
    if (day <= a.day) {
      const listing = st.inst.expiry !== undefined ? st.inst.expiry - LISTING_DAYS * DAY_MS : -Infinity;
      const m = day >= listing ? this.history.minutes(st.driver.spec.key, day) : undefined;
      if (m) {
        const deriv = st.kind === 'future' || st.kind === 'option';
        const oi = deriv ? this.oiOfDay(st, day) : 0;
        const dvol = deriv ? this.derivativeVolumes(st, day, m.count) : [];
        for (let i = 0; i < m.count; i++) {
          const time = m.start + i * MIN_MS;
          if (time >= st.expiryClose) break;
          const o = this.priceAt(st, m.open[i]!, time);
          const c = this.priceAt(st, m.close[i]!, time + MIN_MS);
          const ph = this.priceAt(st, m.high[i]!, time);
          const pl = this.priceAt(st, m.low[i]!, time);
          const volume = st.kind === 'spot' ? Math.round(m.volume[i]! * st.volScale) : deriv ? dvol[i]! : 0;
          out.push({
            time,
            open: o,
            high: Math.max(o, c, ph, pl),
            low: Math.min(o, c, ph, pl),
            close: c,
            volume,
            oi,
          });
        }
      }
    }
    const rec = st.rec.get(day);
    if (rec) {
      for (let i = 0; i < rec.length; i += 7) {
        out.push({
          time: rec[i]!,
          open: rec[i + 1]!,
          high: rec[i + 2]!,
          low: rec[i + 3]!,
          close: rec[i + 4]!,
          volume: rec[i + 5]!,
          oi: rec[i + 6]!,
        });
      }
    }
    return out;
  }

  /** Seeded per-minute traded quantities of a derivative for the first `count` minutes of a history day. */
  private derivativeVolumes(st: InstState, day: number, count: number): number[] {
    const r = new Rng(mixSeed(this.seed, hashString(st.key), day / DAY_MS, 17));
    const n = sessionMinutes(st.driver.spec);
    const lot = Math.max(1, st.inst.lotSize);
    const perMinuteLots = ((st.stepQty / lot) * (60_000 / this.stepMs) * st.liquidity) / 1.7;
    const out: number[] = [];
    for (let i = 0; i < count; i++) {
      const x = i / n;
      const w = 1 + 8.8 * (x - 0.5) * (x - 0.5);
      out.push(Math.max(0, Math.round(perMinuteLots * w * (0.3 + 1.4 * r.next()))) * lot);
    }
    return out;
  }

  /** The daily bar of a trading day (time = 00:00 IST), undefined when there is none. */
  private dailyBar(st: InstState, day: number): Candle | undefined {
    if (day === st.day) {
      if (st.ltp === 0) return undefined;
      return {
        time: day,
        open: st.open,
        high: st.high,
        low: st.low,
        close: st.ltp,
        volume: st.volume,
        oi: st.oi,
      };
    }
    const recorded = st.recDaily.get(day);
    if (recorded) return { ...recorded };
    const mins = this.minuteBars(st, day);
    if (mins.length === 0) return undefined;
    const bar: Candle = { ...mins[0]!, time: day };
    for (let i = 1; i < mins.length; i++) {
      const m = mins[i]!;
      if (m.high > bar.high) bar.high = m.high;
      if (m.low < bar.low) bar.low = m.low;
      bar.close = m.close;
      bar.volume += m.volume;
      bar.oi = m.oi;
    }
    return bar;
  }
}

/** Replaces levels after the first empty one with empty levels (no holes in the book). */
function compact(levels: BookLevel[]): BookLevel[] {
  const first = levels.findIndex((l) => l.quantity === 0);
  if (first < 0) return levels;
  return levels.map((l, i) => (i >= first ? EMPTY_LEVEL : l));
}

/** The saved state of a {@link SimulatedMarket} (see `exportState`). */
export interface SimulatedMarketState {
  version: 1;
  simTime: number;
  rng: RngState;
  drivers: [string, unknown][];
  states: unknown[];
}

/** Creates a {@link SimulatedMarket}. */
export function createSimulatedMarket(options: SimulatedMarketOptions): SimulatedMarket {
  return new SimulatedMarket(options);
}
