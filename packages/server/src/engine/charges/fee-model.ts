/**
 * Fee models: the charges debited from cash per fill (docs/paper-broker-rules.md#charges-in-the-books).
 * The default {@link AngelOneFeeModel} applies the dated rate tables (the same as `estimateCharges`).
 */
import type { FeeCharge, FeeFillContext, FeeModel } from '../ports.js';
import { istDate } from '../rules/dated.js';
import type { TradeRecord } from '../types.js';
import {
  type ChargeBreakdown,
  chargeSegment,
  chargesOnTurnover,
  dpCharge,
  roundPaise,
  venueOf,
} from './charges.js';

/** Charges nothing (tests and a charge-free paper account). */
export class NoFeeModel implements FeeModel {
  feeForFill(_trade: TradeRecord, _fill?: FeeFillContext): FeeCharge {
    return { amount: 0 };
  }
}

/** The order's exact charges before and after a fill (brokerage is per executed order). */
function orderCharges(
  trade: TradeRecord,
  orderValueBefore: number,
): { before: ChargeBreakdown; after: ChargeBreakdown } {
  const line = {
    segment: chargeSegment(trade.exchange, trade.producttype, trade.optiontype, trade.tradingsymbol),
    venue: venueOf(trade.exchange),
    side: trade.transactiontype,
  };
  const date = istDate(trade.time);
  return {
    before: chargesOnTurnover(line, orderValueBefore, date),
    after: chargesOnTurnover(line, orderValueBefore + trade.price * trade.quantity, date),
  };
}

/** Exact breakdown of one fill: the order's charges after it minus before it. */
export function fillBreakdown(trade: TradeRecord, orderValueBefore: number): ChargeBreakdown {
  const { before, after } = orderCharges(trade, orderValueBefore);
  const out = { ...after };
  for (const k of Object.keys(out) as (keyof ChargeBreakdown)[]) out[k] = after[k] - before[k];
  return out;
}

/**
 * Whole paise debited for a fill: round(order charges after) − round(order charges before), so an
 * order's fills add up to its `estimateCharges` figure to the paisa however it fills.
 */
export function fillCharge(trade: TradeRecord, orderValueBefore: number): number {
  const { before, after } = orderCharges(trade, orderValueBefore);
  return roundPaise(after.total) - roundPaise(before.total);
}

/**
 * Angel One's charges (the default): brokerage per executed order, STT/CTT, exchange transaction
 * charges, IPFT, SEBI fee, stamp duty and GST per the dated tables of `rules/charges.ts`, plus the DP
 * charge once per ISIN per day on a delivery sell out of the demat.
 */
export class AngelOneFeeModel implements FeeModel {
  feeForFill(trade: TradeRecord, fill: FeeFillContext): FeeCharge {
    const amount = fillCharge(trade, fill.orderValueBefore);
    const dp = fill.fromHoldings > 0 && !fill.dpChargedToday ? dpCharge(istDate(trade.time)).total : 0;
    return { amount, dp };
  }
}
