/** Option analytics: implied volatility and `optionGreek` (Black–Scholes greeks per strike). */
import type { OptionGreek } from '@smartapi-ts/protocol';
import { formatExpiry, parseExpiry } from '@smartapi-ts/protocol';
import { bsGreeks, bsPrice, yearsBetween } from '../pricing.js';
import type { Market } from '../types.js';
import { RISK_FREE_RATE } from '../universe.js';
import { bad, expiryClose, isObject, notFound, ok, type ServiceResult } from './common.js';

// ───────────────────────────── optionGreek (docs/protocol/rest.md#option-greeks) ─────────────────────────────

/** Implied volatility solving `bsPrice = price` by bisection; undefined when no solution in 1 %–500 %. */
export function impliedVolatility(
  price: number,
  spot: number,
  strike: number,
  years: number,
  type: 'CE' | 'PE',
  rate = RISK_FREE_RATE,
): number | undefined {
  if (!(years > 0) || !(price > 0) || !(spot > 0)) return undefined;
  let lo = 0.01;
  let hi = 5;
  const f = (v: number) => bsPrice({ spot, strike, years, vol: v, rate, type }) - price;
  if (f(lo) > 0 || f(hi) < 0) return undefined;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/**
 * `POST …/marketData/v1/optionGreek`: Black–Scholes greeks of every NFO option of `name` expiring on
 * `expirydate` (`DDMMMYYYY`), one row per strike and type (strings with 6 decimals; volume 2). IV is
 * solved from the option's LTP (percent); when it cannot be (price at intrinsic or one tick), from the
 * mid of the best bid/ask, else reported as 0 with greeks at expiry-like limits.
 */
export function optionGreek(market: Market, body: unknown): ServiceResult<OptionGreek[]> {
  if (!isObject(body)) return bad('Invalid request body');
  if (typeof body.name !== 'string' || body.name.trim() === '') return bad('Invalid name');
  if (typeof body.expirydate !== 'string') return bad('Invalid expirydate');
  const expiry = parseExpiry(body.expirydate);
  if (expiry === undefined) return bad('Invalid expirydate: expected DDMMMYYYY');
  const name = body.name.trim().toUpperCase();
  const opts = market
    .instruments()
    .filter(
      (i) =>
        (i.exchange === 'NFO' || i.exchange === 'BFO') &&
        i.name.toUpperCase() === name &&
        i.expiry === expiry &&
        i.optionType &&
        i.strike !== undefined,
    );
  if (opts.length === 0) return notFound('No Data Available');
  opts.sort(
    (a, b) => a.strike! - b.strike! || (a.optionType === b.optionType ? 0 : a.optionType === 'CE' ? -1 : 1),
  );
  const now = market.now();
  const out: OptionGreek[] = [];
  for (const o of opts) {
    const underEx = o.exchange === 'BFO' ? 'BSE' : 'NSE';
    const under = o.underlyingToken ? market.quote(underEx, o.underlyingToken) : undefined;
    const q = market.quote(o.exchange, o.token);
    if (!under || !q) continue;
    const spot = under.ltp / 100;
    const strike = o.strike! / 100;
    const years = Math.max(0, yearsBetween(now, expiryClose(o)));
    const type = o.optionType!;
    let iv = impliedVolatility(q.ltp / 100, spot, strike, years, type);
    if (iv === undefined && q.bids[0]!.price > 0 && q.asks[0]!.price > 0) {
      iv = impliedVolatility((q.bids[0]!.price + q.asks[0]!.price) / 200, spot, strike, years, type);
    }
    const g = bsGreeks({ spot, strike, years, vol: iv ?? 0, rate: RISK_FREE_RATE, type });
    out.push({
      name: o.name,
      expiry: formatExpiry(expiry),
      strikePrice: strike.toFixed(6),
      optionType: type,
      delta: g.delta.toFixed(6),
      gamma: g.gamma.toFixed(6),
      theta: g.theta.toFixed(6),
      vega: g.vega.toFixed(6),
      impliedVolatility: ((iv ?? 0) * 100).toFixed(6),
      tradeVolume: (q.volume / Math.max(1, o.lotSize)).toFixed(2),
    });
  }
  return ok(out);
}
