/**
 * Instrument prices from a driver spot: spot and index = driver, futures = spot × carry, options =
 * Black–Scholes with a smile (see `market/pricing.ts`); the tick grid and the circuit bands.
 */
import { roundToTick } from '@smartapi-ts/protocol';
import { bsPrice, smileVol, yearsBetween } from '../../pricing.js';
import { RISK_FREE_RATE } from '../../universe.js';
import type { InstState } from './model.js';

/** Unrounded model price of an instrument for a driver spot `s` at time `t`. */
export function theo(st: InstState, s: number, t: number): number {
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
export function priceAt(st: InstState, s: number, t: number): number {
  const p = roundToTick(theo(st, s, t), st.tick);
  return st.kind === 'option' ? Math.max(st.tick, p) : Math.max(st.kind === 'index' ? 0 : st.tick, p);
}

/** Sets the day's circuit limits from the previous close (none for indices). */
export function setCircuits(st: InstState): void {
  if (st.kind === 'index') {
    st.upper = 0;
    st.lower = 0;
    return;
  }
  const c = circuitsOf(st, st.prevClose, st.driver.prevClose);
  st.upper = c.upper;
  st.lower = c.lower;
}

/**
 * Circuit limits from a previous close and the underlying's previous close (options: lower one tick,
 * upper previous close + 10 % of the underlying; indices: none, both 0).
 */
export function circuitsOf(
  st: InstState,
  prevClose: number,
  under: number,
): { upper: number; lower: number } {
  const tick = st.tick;
  if (st.kind === 'index') return { upper: Number.POSITIVE_INFINITY, lower: 0 };
  if (st.kind === 'option')
    return { lower: tick, upper: Math.floor((prevClose + under * 0.1) / tick) * tick };
  const band = st.band > 0 ? st.band : 0.2;
  return {
    upper: Math.floor((prevClose * (1 + band)) / tick) * tick,
    lower: Math.max(tick, Math.ceil((prevClose * (1 - band)) / tick) * tick),
  };
}

/** A price held inside the circuit limits (indices have none). */
export function clampCircuit(st: InstState, p: number): number {
  if (st.kind === 'index') return p;
  return Math.min(st.upper, Math.max(st.lower, p));
}
