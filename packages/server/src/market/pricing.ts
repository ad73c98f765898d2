/**
 * Option pricing for the simulated market: Black–Scholes (European, no dividends) with a simple
 * volatility smile, and the greeks served by `optionGreek`.
 */

/** Standard normal probability density. */
export function normPdf(x: number): number {
  return Math.exp(-0.5 * x * x) / Math.sqrt(2 * Math.PI);
}

/** Standard normal cumulative distribution (Abramowitz–Stegun 7.1.26 via erf, |error| < 1.5e-7). */
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

/** Inputs of the Black–Scholes formulas. */
export interface BsInput {
  /** Spot price. */
  spot: number;
  strike: number;
  /** Time to expiry in years (values ≤ 0 give intrinsic value). */
  years: number;
  /** Annualised volatility. */
  vol: number;
  /** Continuously compounded risk-free rate. */
  rate: number;
  type: 'CE' | 'PE';
}

/** Black–Scholes price of a European option. */
export function bsPrice(i: BsInput): number {
  const { spot: s, strike: k, years: t, vol: v, rate: r } = i;
  if (t <= 0 || v <= 0) return Math.max(0, i.type === 'CE' ? s - k : k - s);
  const sq = v * Math.sqrt(t);
  const d1 = (Math.log(s / k) + (r + 0.5 * v * v) * t) / sq;
  const d2 = d1 - sq;
  const df = Math.exp(-r * t);
  return i.type === 'CE' ? s * normCdf(d1) - k * df * normCdf(d2) : k * df * normCdf(-d2) - s * normCdf(-d1);
}

/** Option greeks (theta per calendar day, vega per 1 vol point). */
export interface Greeks {
  delta: number;
  gamma: number;
  theta: number;
  vega: number;
}

/** Black–Scholes greeks. At or after expiry delta is 0/±1 and the others 0. */
export function bsGreeks(i: BsInput): Greeks {
  const { spot: s, strike: k, years: t, vol: v, rate: r } = i;
  if (t <= 0 || v <= 0) {
    const itm = i.type === 'CE' ? s > k : s < k;
    return { delta: itm ? (i.type === 'CE' ? 1 : -1) : 0, gamma: 0, theta: 0, vega: 0 };
  }
  const sqt = Math.sqrt(t);
  const d1 = (Math.log(s / k) + (r + 0.5 * v * v) * t) / (v * sqt);
  const d2 = d1 - v * sqt;
  const df = Math.exp(-r * t);
  const pdf = normPdf(d1);
  const gamma = pdf / (s * v * sqt);
  const vega = (s * pdf * sqt) / 100;
  const common = (-s * pdf * v) / (2 * sqt);
  const thetaYear = i.type === 'CE' ? common - r * k * df * normCdf(d2) : common + r * k * df * normCdf(-d2);
  return {
    delta: i.type === 'CE' ? normCdf(d1) : normCdf(d1) - 1,
    gamma,
    theta: thetaYear / 365,
    vega,
  };
}

/**
 * Implied volatility of a strike from the at-the-money volatility: a convex smile in log-moneyness
 * with a downside (put) skew, floored at half the ATM level.
 */
export function smileVol(atmVol: number, spot: number, strike: number, years: number): number {
  const m = Math.log(strike / spot) / Math.sqrt(Math.max(years, 1 / 365));
  return Math.max(atmVol * 0.5, atmVol * (1 + 0.12 * m * m - 0.08 * m));
}

/** Years between two instants (365-day year). */
export function yearsBetween(from: number, to: number): number {
  return (to - from) / (365 * 86_400_000);
}
