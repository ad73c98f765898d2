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

/** A price held inside the circuit limits (indices have none). */
export function clampCircuit(st: InstState, p: number): number {
  if (st.kind === 'index') return p;
  return Math.min(st.upper, Math.max(st.lower, p));
}
