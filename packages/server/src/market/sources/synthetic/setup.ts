/**
 * Building the synthetic source at its start time: the price drivers from the universe and the
 * back-history, every instrument's state (liquidity, sizes, start-day statistics, 52-week range,
 * circuits and first quote), and the market's instrument indexes (by key, by symbol, futures by underlying).
 */
import { istDayStart } from '@smartapi-ts/protocol';
import { sessionTimesOn } from '../../calendar.js';
import { hashString, mixSeed, Rng } from '../../rng.js';
import type { Instrument, Quote } from '../../types.js';
import { type DriverSpec, instrumentKey, type Universe } from '../../universe.js';
import { BOOK_SLOTS, bookLevels, buildQuote } from './depth.js';
import { baseDailyVolume, sessionMinutes, TRADING_DAYS_PER_YEAR } from './history.js';
import { type DriverRt, type InstState, type Kind, MIN_MS, type SynthContext } from './model.js';
import { derivativeVolumes, oiOfDay } from './open-interest.js';
import { priceAt, setCircuits, theo } from './price-model.js';
import type { FutureRef } from './walk.js';

/** Driver OHLCV aggregates of a day's history prefix, per `driver|day` (null: none). */
export type DriverDayCache = Map<string, { open: number; high: number; low: number; volume: number } | null>;

/** The circuit band of each equity driver (the tightest of its listings' bands). */
export function driverBands(ctx: SynthContext): Map<string, number> {
  const bands = new Map<string, number>();
  for (const inst of ctx.universe.instruments) {
    if (inst.segment !== 'EQ') continue;
    const key = ctx.universe.driverOf.get(instrumentKey(inst.exchange, inst.token));
    const b = ctx.universe.bands.get(instrumentKey(inst.exchange, inst.token));
    if (key && b !== undefined) bands.set(key, Math.min(bands.get(key) ?? 1, b));
  }
  return bands;
}

/** The price drivers at the start time, by driver key. */
export function initDrivers(ctx: SynthContext): Map<string, DriverRt> {
  const drivers = new Map<string, DriverRt>();
  const bands = driverBands(ctx);
  for (const spec of ctx.universe.drivers) drivers.set(spec.key, initDriver(ctx, spec, bands));
  return drivers;
}

/** One price driver at the start time. */
export function initDriver(ctx: SynthContext, spec: DriverSpec, bands: Map<string, number>): DriverRt {
  const a = ctx.history.anchor(spec.key);
  const sessionMs = sessionMinutes(spec) * MIN_MS;
  const prevClose = ctx.history.previousClose(spec.key);
  return {
    spec,
    price: spec.basePrice,
    prevClose,
    day: a.day,
    lastT: ctx.startTime,
    atmVol: spec.vol * 1.1,
    band: bands.get(spec.key) ?? 0,
    gapVol: ctx.history.gapVol(spec),
    yearsPerMs: 1 / (TRADING_DAYS_PER_YEAR * sessionMs),
  };
}

/** The nearest live expiry per `name|instrumentType` at the start (the most liquid series). */
export function nearestExpiries(ctx: SynthContext): Map<string, number> {
  const nearest = new Map<string, number>();
  const today = istDayStart(ctx.startTime);
  for (const inst of ctx.universe.instruments) {
    if (inst.expiry === undefined || inst.expiry < today) continue;
    const k = `${inst.name}|${inst.instrumentType}`;
    nearest.set(k, Math.min(nearest.get(k) ?? Number.POSITIVE_INFINITY, inst.expiry));
  }
  return nearest;
}

/** The state of every instrument that has a driver, in universe order, each with its first quote. */
export function initInstruments(
  ctx: SynthContext,
  drivers: Map<string, DriverRt>,
  dayCache: DriverDayCache,
): InstState[] {
  const states: InstState[] = [];
  const nearest = nearestExpiries(ctx);
  for (const inst of ctx.universe.instruments) {
    const key = instrumentKey(inst.exchange, inst.token);
    const dkey = ctx.universe.driverOf.get(key);
    const driver = dkey ? drivers.get(dkey) : undefined;
    if (!driver) continue;
    states.push(initInstrument(ctx, inst, driver, nearest, dayCache));
  }
  return states;
}

/** The state of one instrument at the start time, with its first quote. */
export function initInstrument(
  ctx: SynthContext,
  inst: Instrument,
  driver: DriverRt,
  nearest: Map<string, number>,
  dayCache: DriverDayCache,
): InstState {
  const key = instrumentKey(inst.exchange, inst.token);
  {
    const kind: Kind =
      inst.segment === 'IDX'
        ? 'index'
        : inst.optionType
          ? 'option'
          : inst.expiry !== undefined
            ? 'future'
            : 'spot';
    const expiryClose =
      inst.expiry !== undefined
        ? inst.expiry + sessionTimesOn(inst.exchange, inst.expiry).close * MIN_MS
        : Number.POSITIVE_INFINITY;
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
    const perStep = ctx.stepMs / 500;
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
      band: ctx.universe.bands.get(key) ?? (kind === 'future' ? 0.1 : 0),
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
      lv: new Float64Array(BOOK_SLOTS),
      quoteT: 0,
      stale: false,
      rec: new Map(),
      recDaily: new Map(),
    };
    initDay(ctx, st, dayCache);
    return st;
  }
}

/** Sets the start-day statistics of an instrument from the history model. */
function initDay(ctx: SynthContext, st: InstState, dayCache: DriverDayCache): void {
  const d = st.driver;
  const a = ctx.history.anchor(d.spec.key);
  const prevDay = ctx.calendar.previousTradingDay(a.day);
  const prevCloseTime = ctx.calendar.sessionBounds(st.inst.exchange, prevDay).close;
  st.prevClose = priceAt(st, d.prevClose, prevCloseTime);
  st.ltp = priceAt(st, d.price, ctx.startTime);
  const agg = driverAggregate(ctx, dayCache, d.spec.key, a.day);
  if (agg) {
    const t = ctx.startTime;
    st.open = priceAt(st, agg.open, t);
    const hi = priceAt(st, agg.high, t);
    const lo = priceAt(st, agg.low, t);
    st.high = Math.max(hi, lo, st.open, st.ltp);
    st.low = Math.min(hi, lo, st.open, st.ltp);
    if (st.kind === 'spot') st.volume = Math.round(agg.volume * st.volScale);
    else if (st.kind !== 'index') {
      for (const v of derivativeVolumes(ctx, st, a.day, a.minute)) st.volume += v;
    }
    st.turnover = st.volume * ((st.open + st.ltp) / 2);
  } else {
    st.open = st.ltp;
    st.high = st.ltp;
    st.low = st.ltp;
  }
  if (st.kind === 'future' || st.kind === 'option') {
    st.prevOi = oiOfDay(ctx, st, prevDay);
    st.oi = oiOfDay(ctx, st, a.day);
  }
  // 52-week range from daily opens/closes of the last 250 trading days.
  let hi = Math.max(st.high, st.prevClose);
  let lo = Math.min(st.low, st.prevClose);
  if (st.kind === 'spot' || st.kind === 'index' || st.kind === 'future') {
    let day = a.day;
    for (let i = 0; i < 250; i++) {
      day = ctx.calendar.previousTradingDay(day);
      const oc = ctx.history.dayOpenClose(d.spec.key, day);
      if (!oc) break;
      const t = ctx.calendar.sessionBounds(st.inst.exchange, day).close;
      for (const v of [oc.open, oc.close]) {
        const p = priceAt(st, v, st.kind === 'future' ? ctx.startTime : t);
        if (p > hi) hi = p;
        if (p < lo) lo = p;
      }
    }
  }
  st.high52 = hi;
  st.low52 = lo;
  // A start after the day's open: its opening (and call auction) is in the history aggregates.
  if (ctx.startTime >= ctx.calendar.sessionBounds(st.inst.exchange, a.day).open && st.day === a.day) {
    st.auctionDay = a.day;
  }
  setCircuits(st);
  st.seq = 1;
  bookLevels(st, theo(st, d.price, ctx.startTime), new Rng(mixSeed(ctx.seed, hashString(st.key))));
  buildQuote(st, ctx.startTime);
}

/** Driver OHLCV aggregate of the start day's history prefix (undefined when the day starts now). */
function driverAggregate(
  ctx: SynthContext,
  cache: DriverDayCache,
  driverKey: string,
  day: number,
): { open: number; high: number; low: number; volume: number } | undefined {
  const k = `${driverKey}|${day}`;
  const cached = cache.get(k);
  if (cached !== undefined) return cached ?? undefined;
  const m = ctx.history.minutes(driverKey, day);
  if (!m || m.count === 0) {
    cache.set(k, null);
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
  cache.set(k, agg);
  return agg;
}

/** The instrument look-ups of a market and the futures of an instrument's underlying (basis for options). */
export interface MarketIndexes {
  /** `exchange:token` → instrument. */
  instByKey: Map<string, Instrument>;
  /** `exchange:SYMBOL` (as listed, and upper-cased) → instrument. */
  instBySymbol: Map<string, Instrument>;
  /** The futures on the same underlying, nearest expiry first. */
  futuresOf: (st: InstState) => readonly FutureRef[];
}

const futuresKey = (inst: Instrument): string => `${inst.exchange}|${inst.name}|${inst.instrumentType}`;
/** A lower-case ASCII letter (symbols needing a second, upper-case lookup entry). */
const HAS_LOWER = /[a-z]/;

/** The indexes of a market whose instruments are all built at start (`states`). */
export function eagerIndexes(states: readonly InstState[]): MarketIndexes {
  const instByKey = new Map<string, Instrument>();
  const bySymbol = new Map<string, InstState>();
  for (const st of states) {
    const inst = st.inst;
    instByKey.set(st.key, inst);
    bySymbol.set(`${inst.exchange}:${inst.symbol}`, st);
    if (!bySymbol.has(`${inst.exchange}:${inst.symbol.toUpperCase()}`)) {
      bySymbol.set(`${inst.exchange}:${inst.symbol.toUpperCase()}`, st);
    }
  }
  const instBySymbol = new Map<string, Instrument>();
  for (const [k, st] of bySymbol) instBySymbol.set(k, st.inst);
  const futures = new Map<string, InstState[]>();
  for (const st of states) {
    if (st.kind !== 'future') continue;
    const k = futuresKey(st.inst);
    const list = futures.get(k) ?? [];
    list.push(st);
    futures.set(k, list);
  }
  for (const list of futures.values()) list.sort((a, b) => a.expiryClose - b.expiryClose);
  return { instByKey, instBySymbol, futuresOf: (st) => futures.get(futuresKey(st.inst)) ?? [] };
}

/**
 * The indexes of a lazy market (instruments built on first use): the universe's own index when it has
 * one, else built from its instruments that have a price driver; `futures` are the lazy parts' references.
 */
export function lazyIndexes(universe: Universe, futures: ReadonlyMap<string, FutureRef[]>): MarketIndexes {
  const index = universe.index;
  const instByKey = index?.byKey ?? new Map<string, Instrument>();
  const instBySymbol = index?.bySymbol ?? new Map<string, Instrument>();
  for (const inst of index ? [] : universe.instruments) {
    const key = instrumentKey(inst.exchange, inst.token);
    if (!universe.driverOf.has(key)) continue;
    instByKey.set(key, inst);
    instBySymbol.set(`${inst.exchange}:${inst.symbol}`, inst);
    // Symbols are upper case but for a few: only those need a second, upper-case entry.
    if (HAS_LOWER.test(inst.symbol)) {
      const upper = `${inst.exchange}:${inst.symbol.toUpperCase()}`;
      if (!instBySymbol.has(upper)) instBySymbol.set(upper, inst);
    }
  }
  return { instByKey, instBySymbol, futuresOf: (st) => futures.get(futuresKey(st.inst)) ?? [] };
}
