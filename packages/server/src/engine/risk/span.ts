/**
 * SPAN-like risk array (docs/paper-broker-rules.md#margin): the 16 standard scenarios of the exchange's
 * SPAN method (underlying unchanged, ±1/3, ±2/3, ±3/3 of the price scan range, each with volatility up
 * and down by the volatility scan range; ±2×PSR extreme moves counted at 35 %), option values by
 * Black–Scholes on the underlying (equivalent to Black-76 on its forward). Pure: every price, volatility
 * and time arrives as an argument. Money in paise (fractional inside, rounded by the caller).
 */
import type { SpanParams } from '../rules/margin.js';

/** One scenario: a move of the underlying as a multiple of the PSR, the volatility shift, its weight. */
export interface Scenario {
  move: number;
  /** +1 = volatility up by the VSR, -1 = down, 0 = unchanged. */
  vol: -1 | 0 | 1;
  weight: number;
}

/** The 16 standard SPAN scenarios; `move` in PSRs (the extreme ones use `extremeMultiple`). */
export function scenarios(p: Pick<SpanParams, 'extremeMultiple' | 'extremeWeight'>): readonly Scenario[] {
  const out: Scenario[] = [];
  for (const move of [0, 1 / 3, -1 / 3, 2 / 3, -2 / 3, 1, -1]) {
    out.push({ move, vol: 1, weight: 1 }, { move, vol: -1, weight: 1 });
  }
  out.push(
    { move: p.extremeMultiple, vol: 0, weight: p.extremeWeight },
    { move: -p.extremeMultiple, vol: 0, weight: p.extremeWeight },
  );
  return out;
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26, |error| < 1.5e-7). */
export function normCdf(x: number): number {
  const z = Math.abs(x) / Math.SQRT2;
  const t = 1 / (1 + 0.3275911 * z);
  const y =
    1 -
    ((((1.061405429 * t - 1.453152027) * t + 1.421413741) * t - 0.284496736) * t + 0.254829592) *
      t *
      Math.exp(-z * z);
  return x >= 0 ? 0.5 * (1 + y) : 0.5 * (1 - y);
}

/** Black–Scholes value of a European option (any money unit); intrinsic at or after expiry. */
export function optionValue(
  type: 'CE' | 'PE',
  spot: number,
  strike: number,
  years: number,
  vol: number,
  rate: number,
): number {
  if (years <= 0 || vol <= 0 || spot <= 0) return Math.max(0, type === 'CE' ? spot - strike : strike - spot);
  const sq = vol * Math.sqrt(years);
  const d1 = (Math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / sq;
  const d2 = d1 - sq;
  const df = Math.exp(-rate * years);
  return type === 'CE'
    ? spot * normCdf(d1) - strike * df * normCdf(d2)
    : strike * df * normCdf(-d2) - spot * normCdf(-d1);
}

/** Implied volatility of `price` by bisection in 1 %–500 %; undefined when there is none. */
export function impliedVol(
  type: 'CE' | 'PE',
  price: number,
  spot: number,
  strike: number,
  years: number,
  rate: number,
): number | undefined {
  if (!(years > 0) || !(price > 0) || !(spot > 0)) return undefined;
  let lo = 0.01;
  let hi = 5;
  const f = (v: number) => optionValue(type, spot, strike, years, v, rate) - price;
  if (f(lo) > 0 || f(hi) < 0) return undefined;
  for (let i = 0; i < 60; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** One contract position of a portfolio, as the risk array sees it. */
export interface SpanLeg {
  kind: 'FUT' | 'CE' | 'PE';
  /** Signed units (long > 0), lot multiplier included. */
  qty: number;
  /** Strike (options). */
  strike: number;
  /** Years to expiry (≤ 0: intrinsic). */
  years: number;
  /** Annualised volatility of the option. */
  vol: number;
  /** Futures: current price (moves with the underlying). Options: ignored (valued by the model). */
  price: number;
}

/** Value of one unit of `leg` with the underlying at `spot` and volatility `vol`. */
export function legValue(leg: SpanLeg, spot: number, baseSpot: number, vol: number, rate: number): number {
  if (leg.kind === 'FUT') return (leg.price * spot) / baseSpot;
  return optionValue(leg.kind, spot, leg.strike, leg.years, vol, rate);
}

/**
 * Risk array of one leg: its loss (positive) in each scenario, weighted, relative to its value at the
 * current underlying `spot` and volatility.
 */
export function riskArray(leg: SpanLeg, spot: number, p: SpanParams, rate: number): number[] {
  const base = legValue(leg, spot, spot, leg.vol, rate);
  const vsr = Math.max(p.vsrRatio * leg.vol, p.vsrFloor);
  return scenarios(p).map((s) => {
    const s1 = spot * (1 + s.move * p.psr);
    const v1 = Math.max(0.0001, leg.vol + s.vol * vsr);
    const value = legValue(leg, s1, spot, v1, rate);
    return -leg.qty * (value - base) * s.weight;
  });
}

/** Scanning risk of legs on one underlying: the largest scenario loss of their sum (0 when none loses). */
export function scanRisk(legs: readonly SpanLeg[], spot: number, p: SpanParams, rate: number): number {
  if (legs.length === 0) return 0;
  const total = new Array<number>(16).fill(0);
  for (const leg of legs) {
    const a = riskArray(leg, spot, p, rate);
    for (let i = 0; i < a.length; i++) total[i]! += a[i]!;
  }
  return Math.max(0, ...total);
}

/** SPAN figures of legs on one underlying (paise). */
export interface SpanFigures {
  scan: number;
  /** Short option minimum charge. */
  somc: number;
  /** Net option value: long option values − short option values. */
  nov: number;
  /** The exchange's SPAN requirement: max(0, max(scan, somc) − nov). */
  span: number;
}

/** SPAN figures of `legs` on an underlying at `spot`. */
export function spanFigures(
  legs: readonly SpanLeg[],
  spot: number,
  p: SpanParams,
  rate: number,
): SpanFigures {
  const scan = scanRisk(legs, spot, p, rate);
  let shortOptQty = 0;
  let nov = 0;
  for (const l of legs) {
    if (l.kind === 'FUT') continue;
    if (l.qty < 0) shortOptQty += -l.qty;
    nov += l.qty * legValue(l, spot, spot, l.vol, rate);
  }
  const somc = p.shortOptionMinimum * shortOptQty * spot;
  return { scan, somc, nov, span: Math.max(0, Math.max(scan, somc) - nov) };
}
