/**
 * Position arithmetic (paise, fractional where averages divide): totals, averages, realised and
 * unrealised P&L, break-even (docs/protocol/rest.md#positions, docs/protocol/portfolio-api.md#pnl-formulas).
 */
import type { PositionRecord } from '../types.js';

/** Derived figures of one position (paise; averages and P&L may be fractional). */
export interface PositionFigures {
  totalBuyQty: number;
  totalSellQty: number;
  totalBuyValue: number;
  totalSellValue: number;
  /** Day averages (0 when no quantity). */
  dayBuyAvg: number;
  daySellAvg: number;
  cfBuyAvg: number;
  cfSellAvg: number;
  totalBuyAvg: number;
  totalSellAvg: number;
  /** (cfbuy + buy) − (cfsell + sell). */
  netQty: number;
  /** Average price of the open net quantity: total buy average when long, total sell average when short. */
  netAvg: number;
  /** Matched quantity × (sell avg − buy avg) × multiplier. */
  realised: number;
}

const avg = (value: number, qty: number): number => (qty === 0 ? 0 : value / qty);

/** Computes the derived figures of a position. */
export function positionFigures(p: PositionRecord): PositionFigures {
  const totalBuyQty = p.buyqty + p.cfbuyqty;
  const totalSellQty = p.sellqty + p.cfsellqty;
  const totalBuyValue = p.buyamount + p.cfbuyamount;
  const totalSellValue = p.sellamount + p.cfsellamount;
  const totalBuyAvg = avg(totalBuyValue, totalBuyQty);
  const totalSellAvg = avg(totalSellValue, totalSellQty);
  const netQty = totalBuyQty - totalSellQty;
  const netAvg = netQty > 0 ? totalBuyAvg : netQty < 0 ? totalSellAvg : 0;
  const matched = Math.min(totalBuyQty, totalSellQty);
  const realised = matched === 0 ? 0 : matched * (totalSellAvg - totalBuyAvg) * p.multiplier;
  return {
    totalBuyQty,
    totalSellQty,
    totalBuyValue,
    totalSellValue,
    dayBuyAvg: avg(p.buyamount, p.buyqty),
    daySellAvg: avg(p.sellamount, p.sellqty),
    cfBuyAvg: avg(p.cfbuyamount, p.cfbuyqty),
    cfSellAvg: avg(p.cfsellamount, p.cfsellqty),
    totalBuyAvg,
    totalSellAvg,
    netQty,
    netAvg,
    realised,
  };
}

/**
 * Realised and unrealised P&L of a position at `ltp`, as {@link positionFigures} and {@link unrealisedPnl}
 * compute them (the same operations in the same order), without building the figures: the funds check
 * of every order reads them.
 */
export function pnlOf(
  p: PositionRecord,
  ltp: number | undefined,
  out: { realised: number; unrealised: number },
): void {
  const totalBuyQty = p.buyqty + p.cfbuyqty;
  const totalSellQty = p.sellqty + p.cfsellqty;
  const totalBuyAvg = avg(p.buyamount + p.cfbuyamount, totalBuyQty);
  const totalSellAvg = avg(p.sellamount + p.cfsellamount, totalSellQty);
  const netQty = totalBuyQty - totalSellQty;
  const netAvg = netQty > 0 ? totalBuyAvg : netQty < 0 ? totalSellAvg : 0;
  const matched = Math.min(totalBuyQty, totalSellQty);
  out.realised = matched === 0 ? 0 : matched * (totalSellAvg - totalBuyAvg) * p.multiplier;
  out.unrealised = netQty === 0 || ltp === undefined || ltp <= 0 ? 0 : netQty * (ltp - netAvg) * p.multiplier;
}

/** Net quantity of a position, as {@link positionFigures} computes it (without building the figures). */
export function netQtyOf(p: PositionRecord): number {
  return p.buyqty + p.cfbuyqty - (p.sellqty + p.cfsellqty);
}

/** Unrealised MTM: net quantity × (ltp − net average) × multiplier (0 without an LTP). */
export function unrealisedPnl(p: PositionRecord, ltp: number | undefined, f = positionFigures(p)): number {
  if (f.netQty === 0 || ltp === undefined || ltp <= 0) return 0;
  return f.netQty * (ltp - f.netAvg) * p.multiplier;
}

/** Break-even price: the price at which realised + unrealised = 0 (net average when flat or no realised). */
export function breakEven(p: PositionRecord, f = positionFigures(p)): number {
  if (f.netQty === 0) return 0;
  return f.netAvg - f.realised / (f.netQty * p.multiplier);
}

/** True when the position has no quantity at all (hidden from the position book). */
export function isEmptyPosition(p: PositionRecord): boolean {
  return p.buyqty === 0 && p.sellqty === 0 && p.cfbuyqty === 0 && p.cfsellqty === 0;
}
