/**
 * Per-position margin rules (paise). Equity: delivery = full value, intraday = value / the stock's
 * intraday leverage (`rules/margin.ts`, or `equityIntraday` when configured). Commodity and currency
 * futures and option writing = a flat percentage of contract value, option writing on strike × quantity;
 * option buying = premium. Equity derivatives (NFO / BFO) are margined as a portfolio by
 * `portfolio-margin.ts` (SPAN-like); the flat index / stock rates here are only their fallback when the
 * underlying has no quote. See docs/paper-broker-rules.md#margin.
 */
import type { ProductType, TransactionType } from '@smartapi-ts/protocol';
import { positionFigures } from '../positions/portfolio.js';
import { intradayLeverage } from '../rules/margin.js';
import type { InstrumentSnapshot, MarginRates, PositionRecord } from '../types.js';

/** Default margin rates (fractions of value); equity intraday comes from the leverage table. */
export const DEFAULT_MARGIN_RATES: Readonly<MarginRates> = Object.freeze({
  equityDelivery: 1,
  indexDerivative: 0.12,
  stockDerivative: 0.2,
  commodity: 0.1,
  currency: 0.05,
});

/** True for an option contract. */
export function isOption(inst: Pick<InstrumentSnapshot, 'optiontype'>): boolean {
  return inst.optiontype === 'CE' || inst.optiontype === 'PE';
}

/** True when the product is an equity delivery product (settled into holdings). */
export function isDeliveryProduct(inst: Pick<InstrumentSnapshot, 'segment'>, product: ProductType): boolean {
  return inst.segment === 'EQ' && (product === 'DELIVERY' || product === 'MARGIN');
}

/** SPAN-like rate of a derivative. */
export function derivativeRate(
  inst: Pick<InstrumentSnapshot, 'segment' | 'instrumenttype'>,
  rates: MarginRates,
): number {
  if (inst.segment === 'COM') return rates.commodity;
  if (inst.segment === 'CUR') return rates.currency;
  return inst.instrumenttype.endsWith('STK') ? rates.stockDerivative : rates.indexDerivative;
}

/**
 * Margin of `qty` units opened on `side` at `price` (paise, rounded up to a whole paisa).
 * Equity delivery sells are covered by holdings (0).
 */
export function marginFor(
  inst: InstrumentSnapshot,
  product: ProductType,
  side: TransactionType,
  qty: number,
  price: number,
  rates: MarginRates,
  multiplier: number,
  now: number,
): number {
  if (qty <= 0) return 0;
  const value = price * qty * multiplier;
  let m: number;
  if (inst.segment === 'EQ') {
    if (isDeliveryProduct(inst, product)) m = side === 'BUY' ? value * rates.equityDelivery : 0;
    else m = value * equityIntradayRate(inst, rates, now);
  } else if (isOption(inst)) {
    m =
      side === 'BUY' ? value : Math.max(inst.strike, price) * qty * multiplier * derivativeRate(inst, rates);
  } else {
    m = value * derivativeRate(inst, rates);
  }
  return Math.ceil(m - 1e-9);
}

/** Equity INTRADAY margin rate of a stock: the configured rate, else 1 / its intraday leverage at `now`. */
export function equityIntradayRate(
  inst: Pick<InstrumentSnapshot, 'name'>,
  rates: MarginRates,
  now: number,
): number {
  return rates.equityIntraday ?? 1 / intradayLeverage(inst.name, now);
}

/** Margin held by an open position on its own (its net quantity at its net average price). */
export function positionMargin(p: PositionRecord, rates: MarginRates, now: number): number {
  const f = positionFigures(p);
  if (f.netQty === 0) return 0;
  return marginFor(
    p,
    p.producttype,
    f.netQty > 0 ? 'BUY' : 'SELL',
    Math.abs(f.netQty),
    f.netAvg,
    rates,
    p.multiplier,
    now,
  );
}
