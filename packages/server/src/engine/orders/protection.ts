/**
 * Market protection (docs/paper-broker-rules.md#rules-that-reject-live): when a MARKET order (or a
 * triggered STOPLOSS_MARKET order) reaches the exchange it becomes a limit at LTP ± the protection
 * percentage of its instrument class (`rules/order-rules.ts`, or the engine's `marketProtection`),
 * rounded to the tick towards the LTP and kept inside the circuit limits. The order keeps its
 * `ordertype`; its `price` shows the protection limit.
 */
import type { Quote } from '../ports.js';
import { ruleAt } from '../rules/dated.js';
import { MARKET_PROTECTION } from '../rules/order-rules.js';
import type { InstrumentSnapshot, OrderRecord } from '../types.js';

/** The instrument class of the market-protection table. */
export function protectionClass(inst: Pick<InstrumentSnapshot, 'segment' | 'instrumenttype'>): string {
  if (inst.segment === 'EQ') return 'EQ';
  if (inst.segment === 'CUR') return 'CUR';
  if (inst.segment === 'COM') return inst.instrumenttype.startsWith('OPT') ? 'OPTCOM' : 'FUTCOM';
  return inst.instrumenttype;
}

/** The protection fraction (0.005 = 0.5 %) of an instrument at `ltp` (paise) on the day of `now`. */
export function protectionPct(
  inst: Pick<InstrumentSnapshot, 'segment' | 'instrumenttype'>,
  ltp: number,
  now: number,
  overridePercent?: number,
): number {
  if (overridePercent !== undefined) return overridePercent / 100;
  const tiers =
    ruleAt(MARKET_PROTECTION, now)[protectionClass(inst)] ?? ruleAt(MARKET_PROTECTION, now).EQ ?? [];
  for (const t of tiers) if (ltp <= t.upTo) return t.pct;
  return 0;
}

/** The protection limit (paise) of a market order on `side` against `quote`, or 0 without an LTP. */
export function protectionLimit(
  o: Pick<OrderRecord, 'segment' | 'instrumenttype' | 'ticksize' | 'transactiontype'>,
  quote: Quote | undefined,
  now: number,
  overridePercent?: number,
): number {
  const ltp = quote?.ltp ?? 0;
  if (ltp <= 0) return 0;
  const tick = Math.max(1, o.ticksize);
  const pct = protectionPct(o, ltp, now, overridePercent);
  const buy = o.transactiontype === 'BUY';
  const offset = Math.round(ltp * pct);
  let limit = buy ? Math.floor((ltp + offset) / tick) * tick : Math.ceil((ltp - offset) / tick) * tick;
  if (quote && quote.upperCircuit > 0 && limit > quote.upperCircuit) limit = quote.upperCircuit;
  if (quote && quote.lowerCircuit > 0 && limit < quote.lowerCircuit) limit = quote.lowerCircuit;
  return Math.max(tick, limit);
}

/** True when the order trades as a market order now (MARKET, or a triggered STOPLOSS_MARKET). */
export function isMarketNow(o: Pick<OrderRecord, 'ordertype' | 'triggered'>): boolean {
  return o.ordertype === 'MARKET' || (o.ordertype === 'STOPLOSS_MARKET' && o.triggered);
}

/** Puts the protection limit on a market order reaching the exchange (no change without an LTP). */
export function protect(
  o: OrderRecord,
  quote: Quote | undefined,
  now: number,
  overridePercent?: number,
): void {
  if (!isMarketNow(o)) return;
  const limit = protectionLimit(o, quote, now, overridePercent);
  if (limit > 0) o.price = limit;
}
