/**
 * Export, check and import of the synthetic source's mutable state (prices, books, day aggregates,
 * recorded bars, the random stream's position) for snapshots and a failed advance's rollback.
 */
import type { Rng, RngState } from '../../rng.js';
import type { Quote } from '../../types.js';
import { quoteOf, slotsFromQuote } from './depth.js';
import type { DriverRt, InstState } from './model.js';

/** The saved state of a `SimulatedMarket` (see `exportState`). */
export interface SimulatedMarketState {
  version: 1;
  simTime: number;
  rng: RngState;
  drivers: [string, unknown][];
  states: unknown[];
  /** Lazy markets: which drivers and instruments are active, their streams and the step log. */
  lazy?: LazyState;
}

/** The lazy part of a {@link SimulatedMarketState} (see lazy.ts). */
export interface LazyState {
  /** `EXCHANGE:token` of each saved instrument state, in the order of `states`. */
  keys: string[];
  /** Each saved driver's stream, in the order of `drivers`. */
  driverRngs: RngState[];
  /** Each saved instrument's stream, in the order of `states`. */
  stateRngs: RngState[];
  marketRng: RngState;
  /** The step log: times and market shocks. */
  times: Float64Array;
  z: Float64Array;
}

/** The mutable parts of a synthetic market that a state covers. */
export interface SynthRuntime {
  drivers: Map<string, DriverRt>;
  states: InstState[];
  rng: Rng;
}

/** The whole mutable state as structured-clone-able data (see `SimulatedMarket.exportState`). */
export function exportSynthState(rt: SynthRuntime, simTime: number): SimulatedMarketState {
  const drivers: [string, unknown][] = [];
  for (const [k, d] of rt.drivers) {
    const { spec: _spec, rng: _rng, ...rest } = d;
    drivers.push([k, structuredClone(rest)]);
  }
  const states: unknown[] = rt.states.map((st) => {
    quoteOf(st);
    const {
      inst: _inst,
      driver: _driver,
      key: _key,
      rng: _rng,
      lv: _lv,
      quoteT: _quoteT,
      stale: _stale,
      ...rest
    } = st;
    return structuredClone(rest);
  });
  return { version: 1, simTime, rng: rt.rng.snapshot(), drivers, states };
}

/** Throws when a state does not fit this market. */
export function checkSynthState(rt: SynthRuntime, state: SimulatedMarketState): void {
  if (state.version !== 1 || state.states.length !== rt.states.length) {
    throw new Error('market state does not match this market (different universe or version)');
  }
  for (const [k] of state.drivers) {
    if (!rt.drivers.has(k)) throw new Error(`market state names an unknown price driver ${k}`);
  }
}

/** Restores drivers, instruments and the random stream from a checked state. */
export function importSynthState(rt: SynthRuntime, state: SimulatedMarketState): void {
  checkSynthState(rt, state);
  for (const [k, saved] of state.drivers) {
    const d = rt.drivers.get(k) as DriverRt;
    dropMissing(d, saved, ['spec', 'rng']);
    Object.assign(d, structuredClone(saved));
  }
  state.states.forEach((saved, i) => {
    const st = rt.states[i] as InstState;
    dropMissing(st, saved, ['inst', 'driver', 'key', 'rng', 'lv', 'quoteT', 'stale']);
    Object.assign(st, structuredClone(saved));
    st.quote = Object.freeze(st.quote) as Quote;
    slotsFromQuote(st);
    st.quoteT = st.quote.timestamp;
    st.stale = false;
  });
  rt.rng.restore(state.rng);
}

/** Deletes the optional fields the saved state does not have (set after it was taken). */
function dropMissing(target: object, saved: unknown, keep: readonly string[]): void {
  const t = target as Record<string, unknown>;
  const from = saved as Record<string, unknown>;
  for (const k of Object.keys(t)) if (!(k in from) && !keep.includes(k)) delete t[k];
}
