/**
 * Pure P&L helpers for the Portfolio API rows (`/report/positions/`, `/report/holdings/`;
 * docs/protocol/portfolio-api.md#holding-row, #position-row, #pnl-formulas — Noren OMS definitions). Every money result is an integer number of
 * PAISE (rounded half away from zero); convert with `paiseToRupees` / `formatPaise` from the protocol.
 * Inputs are the wire rows as they come (numeric strings, `""` meaning 0); prices you pass may be
 * rupee numbers or strings.
 */
import type { PortfolioHolding, PortfolioPosition } from '@smartapi-ts/protocol';

/** A rupee price or amount: a number, or a wire string (`"8.06"`, `""`, `"-0.00"`, `"- 2235.80"`). */
export type Rupees = number | string;

/** Parses a wire number; `""`, missing or malformed values count as 0. */
export function wireNumber(v: Rupees | null | undefined): number {
  if (typeof v === 'number') return Number.isFinite(v) && v !== 0 ? v : 0;
  if (typeof v !== 'string') return 0;
  const s = v.replace(/\s+/g, '');
  if (s === '') return 0;
  const n = Number(s);
  return Number.isFinite(n) && n !== 0 ? n : 0;
}

/** Rupees (float) → integer paise, half away from zero (tolerant of binary noise). */
export function toPaise(rupees: number): number {
  const p = Math.round(Math.abs(rupees) * 100 + 1e-7);
  return rupees < 0 && p !== 0 ? -p : p;
}

// ───────────────────────────── positions ─────────────────────────────

/** A position row; `day_sell_avg_price` (doc key) is read when the sample key `day_sell_avg_amount` is absent. */
export type PositionRow = Partial<PortfolioPosition> & { day_sell_avg_price?: string };

/** Options of the position helpers. */
export interface PositionPnlOptions {
  /** Mark price; @default the row's `last_trade_price` */
  ltp?: Rupees;
  /**
   * Use the start-of-day upload price (when non-zero) instead of `net_avg_price` as the cost of the open
   * quantity — Noren's "unrealised P&L" as opposed to its MTM. @default false
   */
  useUploadPrice?: boolean;
}

/** `price_factor × multiply_factor` (contract multiplier; 1 for cash equity). Missing factors count as 1. */
export function contractMultiplier(p: PositionRow): number {
  const pf = p.price_factor === undefined || p.price_factor === '' ? 1 : wireNumber(p.price_factor);
  const mf = p.multiply_factor === undefined || p.multiply_factor === '' ? 1 : wireNumber(p.multiply_factor);
  return pf * mf;
}

/** Total bought / sold quantity and amount (day + carried forward). */
export function positionTotals(p: PositionRow): {
  buyQty: number;
  buyAmount: number;
  sellQty: number;
  sellAmount: number;
} {
  return {
    buyQty: wireNumber(p.day_buy_quantity) + wireNumber(p.cf_buy_quantity),
    buyAmount: wireNumber(p.day_buy_amount) + wireNumber(p.cf_buy_amount),
    sellQty: wireNumber(p.day_sell_quantity) + wireNumber(p.cf_sell_quantity),
    sellAmount: wireNumber(p.day_sell_amount) + wireNumber(p.cf_sell_amount),
  };
}

/** `(day_buy + cf_buy) − (day_sell + cf_sell)` quantity (docs/protocol/portfolio-api.md#pnl-formulas). */
export function positionNetQuantity(p: PositionRow): number {
  const t = positionTotals(p);
  return t.buyQty - t.sellQty;
}

/** Average price of the open quantity: `net_avg_price`, or the upload price when asked and non-zero. */
function openCost(p: PositionRow, useUploadPrice: boolean | undefined): number {
  const upload = wireNumber(p.upload_price);
  return useUploadPrice && upload !== 0 ? upload : wireNumber(p.net_avg_price);
}

/**
 * Unrealised P&L (MTM) in paise: `net_quantity × (ltp − net_avg_price) × price_factor × multiply_factor`
 * (docs/protocol/portfolio-api.md#pnl-formulas; the venue's `unrealized_mtom` leaves out `multiply_factor`, which is 1 for cash).
 */
export function unrealisedPnl(p: PositionRow, options: PositionPnlOptions = {}): number {
  const ltp = wireNumber(options.ltp ?? p.last_trade_price);
  const net = positionNetQuantity(p);
  return toPaise(net * (ltp - openCost(p, options.useUploadPrice)) * contractMultiplier(p));
}

/**
 * Realised P&L in paise of the quantity already squared off:
 * `min(total buy, total sell) × (avg sell − avg buy) × multiplier` (docs/protocol/portfolio-api.md#pnl-formulas [INF]).
 */
export function realisedPnl(p: PositionRow): number {
  const t = positionTotals(p);
  const matched = Math.min(t.buyQty, t.sellQty);
  if (matched <= 0) return 0;
  return toPaise(matched * (t.sellAmount / t.sellQty - t.buyAmount / t.buyQty) * contractMultiplier(p));
}

/**
 * Break-even price in paise: the LTP at which realised + unrealised = 0,
 * `net_avg_price − realised / (net_quantity × multiplier)`; `null` for a flat position.
 */
export function breakEvenPrice(p: PositionRow): number | null {
  const net = positionNetQuantity(p);
  const mult = contractMultiplier(p);
  if (net === 0 || mult === 0) return null;
  const realisedRupees = realisedPnl(p) / 100;
  return toPaise(wireNumber(p.net_avg_price) - realisedRupees / (net * mult));
}

/**
 * Today's P&L of a position in paise: today's sell value − today's buy value + net quantity marked at
 * `ltp` − the carried-forward quantity marked at the start-of-day price, all × multiplier.
 * The start-of-day price is `previousClose` when given, else the row's `upload_price`, else the
 * carry-forward average.
 */
export function positionDayPnl(
  p: PositionRow,
  options: { ltp?: Rupees; previousClose?: Rupees } = {},
): number {
  const ltp = wireNumber(options.ltp ?? p.last_trade_price);
  const cfNet = wireNumber(p.cf_buy_quantity) - wireNumber(p.cf_sell_quantity);
  let sod = 0;
  if (cfNet !== 0) {
    sod = wireNumber(options.previousClose);
    if (sod === 0) sod = wireNumber(p.upload_price);
    if (sod === 0) sod = cfNet > 0 ? wireNumber(p.cf_avg_price) : wireNumber(p.cf_sell_avg_price);
  }
  const flow = wireNumber(p.day_sell_amount) - wireNumber(p.day_buy_amount);
  return toPaise((flow + positionNetQuantity(p) * ltp - cfNet * sod) * contractMultiplier(p));
}

/** Every position figure at once (paise; `breakEven` null when flat). */
export interface PositionSummary {
  netQuantity: number;
  unrealised: number;
  realised: number;
  /** unrealised + realised */
  total: number;
  breakEven: number | null;
  dayPnl: number;
}

/** Computes {@link PositionSummary} for one row. */
export function summarisePosition(
  p: PositionRow,
  options: PositionPnlOptions & { previousClose?: Rupees } = {},
): PositionSummary {
  const unrealised = unrealisedPnl(p, options);
  const realised = realisedPnl(p);
  const dayOpts: { ltp?: Rupees; previousClose?: Rupees } = {};
  if (options.ltp !== undefined) dayOpts.ltp = options.ltp;
  if (options.previousClose !== undefined) dayOpts.previousClose = options.previousClose;
  return {
    netQuantity: positionNetQuantity(p),
    unrealised,
    realised,
    total: unrealised + realised,
    breakEven: breakEvenPrice(p),
    dayPnl: positionDayPnl(p, dayOpts),
  };
}

// ───────────────────────────── holdings ─────────────────────────────

/** A holding row. */
export type HoldingRow = Partial<PortfolioHolding>;

/**
 * Valuation quantity (docs/protocol/portfolio-api.md#holding-row, Noren): btst + holding + broker + unpledged + beneficiary +
 * max(non_poa_dispaly_qty, dp) − used.
 */
export function holdingValuationQuantity(h: HoldingRow): number {
  return (
    wireNumber(h.btst_quantity) +
    wireNumber(h.holding_quantity) +
    wireNumber(h.broker_quantity) +
    wireNumber(h.unpledged_quantity) +
    wireNumber(h.beneficiary_quantity) +
    Math.max(wireNumber(h.non_poa_dispaly_qty), wireNumber(h.dp_quantity)) -
    wireNumber(h.used_quantity)
  );
}

/** Saleable quantity (docs/protocol/portfolio-api.md#holding-row, Noren): btst + holding + unpledged + beneficiary + dp − used. */
export function holdingSaleableQuantity(h: HoldingRow): number {
  return (
    wireNumber(h.btst_quantity) +
    wireNumber(h.holding_quantity) +
    wireNumber(h.unpledged_quantity) +
    wireNumber(h.beneficiary_quantity) +
    wireNumber(h.dp_quantity) -
    wireNumber(h.used_quantity)
  );
}

/** Market prices of a holding (the holdings API returns none). */
export interface HoldingPrices {
  ltp: Rupees;
  /** Previous close, for day P&L. */
  close?: Rupees;
}

/** Figures of one holding (paise; `pnlPercent` and `dayPnl` may be null). */
export interface HoldingSummary {
  quantity: number;
  saleableQuantity: number;
  /** quantity × avg_price */
  invested: number;
  /** quantity × ltp */
  value: number;
  /** value − invested */
  pnl: number;
  /** pnl / invested × 100, 2 dp; null when nothing was invested */
  pnlPercent: number | null;
  /** quantity × (ltp − close); null without a close */
  dayPnl: number | null;
}

/** Unrealised P&L of a holding in paise: valuation quantity × (ltp − avg_price). */
export function holdingPnl(h: HoldingRow, ltp: Rupees): number {
  return toPaise(holdingValuationQuantity(h) * (wireNumber(ltp) - wireNumber(h.avg_price)));
}

/** Day P&L of a holding in paise: valuation quantity × (ltp − previous close). */
export function holdingDayPnl(h: HoldingRow, ltp: Rupees, previousClose: Rupees): number {
  return toPaise(holdingValuationQuantity(h) * (wireNumber(ltp) - wireNumber(previousClose)));
}

/** Computes {@link HoldingSummary} for one row. */
export function summariseHolding(h: HoldingRow, prices: HoldingPrices): HoldingSummary {
  const quantity = holdingValuationQuantity(h);
  const ltp = wireNumber(prices.ltp);
  const invested = toPaise(quantity * wireNumber(h.avg_price));
  const value = toPaise(quantity * ltp);
  const pnl = value - invested;
  return {
    quantity,
    saleableQuantity: holdingSaleableQuantity(h),
    invested,
    value,
    pnl,
    pnlPercent: invested === 0 ? null : Math.round((pnl / invested) * 10_000) / 100,
    dayPnl: prices.close === undefined ? null : holdingDayPnl(h, ltp, prices.close),
  };
}

/** Portfolio totals (paise). */
export interface HoldingsTotals {
  invested: number;
  value: number;
  pnl: number;
  pnlPercent: number | null;
  /** Sum of the day P&L of rows with a close (rows without one are left out). */
  dayPnl: number;
  /** Rows skipped because no price was found. */
  unpriced: number;
}

/**
 * Totals over holdings, with prices looked up per row (e.g. by `instrument[0].token` in a quote map).
 * Rows for which `priceOf` returns undefined are counted in `unpriced` and left out.
 */
export function summariseHoldings(
  rows: readonly HoldingRow[],
  priceOf: (h: HoldingRow) => HoldingPrices | undefined,
): HoldingsTotals {
  let invested = 0;
  let value = 0;
  let dayPnl = 0;
  let unpriced = 0;
  for (const h of rows) {
    const prices = priceOf(h);
    if (!prices) {
      unpriced++;
      continue;
    }
    const s = summariseHolding(h, prices);
    invested += s.invested;
    value += s.value;
    if (s.dayPnl !== null) dayPnl += s.dayPnl;
  }
  const pnl = value - invested;
  return {
    invested,
    value,
    pnl,
    pnlPercent: invested === 0 ? null : Math.round((pnl / invested) * 10_000) / 100,
    dayPnl,
    unpriced,
  };
}
