/**
 * Pre-trade margin rules (paise). Equity: delivery = full value, intraday = `equityIntraday` of value.
 * Futures and option writing = a SPAN-like percentage of contract value (index / stock / commodity /
 * currency), option writing on strike × quantity. Option buying = premium. See docs/paper-broker-engine.md.
 */
import type { ProductType, TransactionType } from '@smartapi-ts/protocol';
import { positionFigures } from '../positions/portfolio.js';
import type { InstrumentSnapshot, MarginRates, PositionRecord } from '../types.js';

/** Default margin rates (fractions of value). */
export const DEFAULT_MARGIN_RATES: Readonly<MarginRates> = Object.freeze({
  equityIntraday: 0.2,
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
  multiplier = 1,
): number {
  if (qty <= 0) return 0;
  const value = price * qty * multiplier;
  let m: number;
  if (inst.segment === 'EQ') {
    if (isDeliveryProduct(inst, product)) m = side === 'BUY' ? value * rates.equityDelivery : 0;
    else m = value * rates.equityIntraday;
  } else if (isOption(inst)) {
    m =
      side === 'BUY' ? value : Math.max(inst.strike, price) * qty * multiplier * derivativeRate(inst, rates);
  } else {
    m = value * derivativeRate(inst, rates);
  }
  return Math.ceil(m - 1e-9);
}

/** Margin held by an open position (its net quantity at its net average price). */
export function positionMargin(p: PositionRecord, rates: MarginRates): number {
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
  );
}
