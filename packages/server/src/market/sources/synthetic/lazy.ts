/**
 * Lazy activation of the synthetic source (docs/paper-broker-market.md#lazy-activation): a market built
 * with `lazy: true` simulates an instrument (and its price driver) only from its first use.
 *
 * Why the result does not depend on when anything was activated:
 * - every step's time and market-factor shock are logged (the shock comes from the market's own stream,
 *   drawn once per step whatever is active), and the step times depend only on the clock's moves;
 * - each driver and each instrument draws from its own stream seeded by (seed, key), never from a shared
 *   one, and the gaps, auctions, OI and history are already pure functions of (seed, key, day);
 * - an instrument that activates is built at the start time exactly as the eager market builds it, then
 *   replayed over the whole step log with a fresh copy of its driver. Its state after the replay is the
 *   one it would have had if it had been active from the start, and the fresh driver copy equals the live
 *   one (same start, same shocks, same stream), so the live one, when there is one, is kept.
 * The cost of an activation is one replay of the steps so far (a few µs a step).
 */
import { sessionTimesOn } from '../../calendar.js';
import { hashString, mixSeed, Rng } from '../../rng.js';
import type { Instrument } from '../../types.js';
import { type DriverSpec, instrumentKey } from '../../universe.js';
import { buildQuote } from './depth.js';
import { type DriverRt, type InstState, MIN_MS, type SynthContext } from './model.js';
import { type DriverDayCache, driverBands, initDriver, initInstrument, nearestExpiries } from './setup.js';
import type { LazyState, SimulatedMarketState, SynthRuntime } from './state.js';
import { type FutureRef, stepAt, type WalkRuntime } from './walk.js';

/** What a lazy market keeps to activate instruments. */
export interface LazyParts {
  specs: Map<string, DriverSpec>;
  bands: Map<string, number>;
  nearest: Map<string, number>;
  /** Futures per `exchange|name|instrumentType`, nearest expiry first. */
  futures: Map<string, FutureRef[]>;
  marketRng: Rng;
  /** The step log (first `n` entries used). */
  times: Float64Array;
  z: Float64Array;
  n: number;
}

/** Builds the static parts (one pass over the universe; no instrument state). */
export function lazyParts(ctx: SynthContext): LazyParts {
  const futures = new Map<string, FutureRef[]>();
  for (const inst of ctx.universe.instruments) {
    if (inst.expiry === undefined || inst.optionType || inst.segment === 'IDX') continue;
    const k = `${inst.exchange}|${inst.name}|${inst.instrumentType}`;
    let list = futures.get(k);
    if (!list) {
      list = [];
      futures.set(k, list);
    }
    list.push({
      key: instrumentKey(inst.exchange, inst.token),
      expiryClose: inst.expiry + sessionTimesOn(inst.exchange, inst.expiry).close * MIN_MS,
    });
  }
  for (const list of futures.values()) list.sort((a, b) => a.expiryClose - b.expiryClose);
  return {
    specs: new Map(ctx.universe.drivers.map((d) => [d.key, d])),
    bands: driverBands(ctx),
    nearest: nearestExpiries(ctx),
    futures,
    marketRng: new Rng(mixSeed(ctx.seed, 0x1a2f)),
    times: new Float64Array(1024),
    z: new Float64Array(1024),
    n: 0,
  };
}

/** Logs a step at `t` and returns its market-factor shock. */
export function logStep(lp: LazyParts, t: number): number {
  if (lp.n === lp.times.length) {
    const times = new Float64Array(lp.n * 2);
    const z = new Float64Array(lp.n * 2);
    times.set(lp.times);
    z.set(lp.z);
    lp.times = times;
    lp.z = z;
  }
  const z = lp.marketRng.normal();
  lp.times[lp.n] = t;
  lp.z[lp.n] = z;
  lp.n++;
  return z;
}

function driverStream(ctx: SynthContext, key: string): Rng {
  return new Rng(mixSeed(ctx.seed, hashString(key), 0xd1e));
}

function instrumentStream(ctx: SynthContext, key: string): Rng {
  return new Rng(mixSeed(ctx.seed, hashString(key), 0x1a5));
}

/** A driver at the start time with its own stream. */
function freshDriver(ctx: SynthContext, lp: LazyParts, key: string): DriverRt {
  const spec = lp.specs.get(key);
  if (!spec) throw new Error(`unknown price driver ${key}`);
  const d = initDriver(ctx, spec, lp.bands);
  d.rng = driverStream(ctx, key);
  return d;
}

/** An instrument at the start time with its own stream, priced from `driver`. */
function freshState(
  ctx: SynthContext,
  lp: LazyParts,
  inst: Instrument,
  driver: DriverRt,
  cache: DriverDayCache,
): InstState {
  const st = initInstrument(ctx, inst, driver, lp.nearest, cache);
  st.rng = instrumentStream(ctx, st.key);
  return st;
}

/**
 * Activates an instrument: builds it at the start time, replays it (with a fresh copy of its driver) over
 * the step log and links it to the live driver (installing the copy when the driver was not active).
 * The caller adds the state to the market.
 */
export function activate(
  ctx: SynthContext,
  lp: LazyParts,
  live: WalkRuntime,
  inst: Instrument,
  cache: DriverDayCache,
): InstState {
  const dkey = ctx.universe.driverOf.get(instrumentKey(inst.exchange, inst.token)) ?? '';
  const driver = freshDriver(ctx, lp, dkey);
  const st = freshState(ctx, lp, inst, driver, cache);
  let last: number | undefined;
  const replay: WalkRuntime = {
    drivers: new Map([[dkey, driver]]),
    states: [st],
    rng: live.rng, // never drawn: the shock comes from the log, the driver and instrument have streams
    recordDays: live.recordDays,
    futures: live.futures,
    emit: (s, t) => {
      s.seq++;
      last = t;
    },
  };
  for (let i = 0; i < lp.n; i++) {
    replay.z = lp.z[i];
    stepAt(ctx, replay, lp.times[i]!);
  }
  if (last !== undefined) buildQuote(st, last);
  const existing = live.drivers.get(dkey);
  if (existing) st.driver = existing;
  else live.drivers.set(dkey, driver);
  return st;
}

/** The lazy part of a state. */
export function exportLazy(lp: LazyParts, rt: SynthRuntime): LazyState {
  return {
    keys: rt.states.map((s) => s.key),
    driverRngs: [...rt.drivers.values()].map((d) => (d.rng as Rng).snapshot()),
    stateRngs: rt.states.map((s) => (s.rng as Rng).snapshot()),
    marketRng: lp.marketRng.snapshot(),
    times: lp.times.slice(0, lp.n),
    z: lp.z.slice(0, lp.n),
  };
}

/** Throws when a state does not fit this lazy market. */
export function checkLazy(
  ctx: SynthContext,
  instruments: Map<string, Instrument>,
  state: SimulatedMarketState,
): void {
  const lz = state.lazy;
  if (
    state.version !== 1 ||
    !lz ||
    lz.keys.length !== state.states.length ||
    lz.driverRngs.length !== state.drivers.length ||
    lz.stateRngs.length !== state.states.length ||
    lz.times.length !== lz.z.length
  ) {
    throw new Error('market state does not match this market (not a lazy market state, or another version)');
  }
  const specs = new Set(ctx.universe.drivers.map((d) => d.key));
  for (const [k] of state.drivers) {
    if (!specs.has(k)) throw new Error(`market state names an unknown price driver ${k}`);
  }
  for (const k of lz.keys) {
    if (!instruments.has(k)) throw new Error(`market state names an unknown instrument ${k}`);
  }
}

/**
 * Rebuilds the active drivers and instruments a checked state names (at their start state; the caller
 * then assigns the saved values with `importSynthState`) and restores the step log.
 */
export function rebuildLazy(
  ctx: SynthContext,
  lp: LazyParts,
  rt: SynthRuntime,
  instruments: Map<string, Instrument>,
  state: SimulatedMarketState,
  cache: DriverDayCache,
): void {
  const lz = state.lazy as LazyState;
  rt.drivers.clear();
  rt.states.length = 0;
  for (const [k] of state.drivers) rt.drivers.set(k, freshDriver(ctx, lp, k));
  for (const key of lz.keys) {
    const inst = instruments.get(key) as Instrument;
    const dkey = ctx.universe.driverOf.get(key) ?? '';
    let d = rt.drivers.get(dkey);
    if (!d) {
      d = freshDriver(ctx, lp, dkey);
      rt.drivers.set(dkey, d);
    }
    rt.states.push(freshState(ctx, lp, inst, d, cache));
  }
  lp.times = Float64Array.from(lz.times);
  lp.z = Float64Array.from(lz.z);
  lp.n = lz.times.length;
  if (lp.n === 0) {
    lp.times = new Float64Array(1024);
    lp.z = new Float64Array(1024);
  }
}

/** Restores the streams of a lazy state (after `importSynthState`). */
export function restoreLazyRngs(lp: LazyParts, rt: SynthRuntime, state: SimulatedMarketState): void {
  const lz = state.lazy as LazyState;
  let i = 0;
  for (const d of rt.drivers.values()) (d.rng as Rng).restore(lz.driverRngs[i++] as LazyState['marketRng']);
  rt.states.forEach((s, j) => {
    (s.rng as Rng).restore(lz.stateRngs[j] as LazyState['marketRng']);
  });
  lp.marketRng.restore(lz.marketRng);
}
