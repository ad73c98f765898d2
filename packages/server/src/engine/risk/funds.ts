/**
 * Funds and the margin an account uses: the RMS figures (cash, collateral, P&L, margin of working
 * orders and open positions), the funds available for a new order, and the margin one order blocks.
 */
import type { TransactionType } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { netQtyOf, pnlOf } from '../positions/portfolio.js';
import { instrumentKey, pendingKey, positionKey } from '../state.js';
import type { AccountState, EngineState, MarginRates, OrderRecord, PositionRecord } from '../types.js';
import { isDeliveryProduct, isOption, marginFor } from './margin.js';
import {
  isEquityDerivative,
  type MarginLeg,
  type PortfolioMargin,
  portfolioMargin,
  positionLegs,
} from './portfolio-margin.js';

/** RMS figures of an account (paise; P&L fractional). */
export interface FundsFigures {
  /** Ledger cash + cost of holdings sold today (their sale value is usable the same day). */
  availableCash: number;
  collateral: number;
  realised: number;
  unrealised: number;
  /** Blocked by working orders + held by open positions. */
  utilised: number;
  ordersMargin: number;
  /** Margin of the open positions: equity derivatives as a SPAN portfolio, the rest per position. */
  positionsMargin: number;
  /** SPAN (scan risk / short option minimum) and delivery margin of derivatives; flat derivative margins. */
  span: number;
  /** Exposure margin of equity derivatives (with the expiry-day extra). */
  exposure: number;
  /** Long option value held (a portfolio whose options are worth more than its scan risk). */
  optionPremium: number;
  holdingSales: number;
  net: number;
}

/** The RMS figures of an account at the market's current prices and time `now`. */
export function fundsFigures(
  acc: AccountState,
  market: MarketView,
  rates: MarginRates,
  now: number,
): FundsFigures {
  const orders = acc.blocked;
  const { realised, unrealised, holdingSales } = accountPnl(acc, market, {
    realised: 0,
    unrealised: 0,
    holdingSales: 0,
  });
  const pm = openPositionsMargin(acc, market, rates, now);
  let span = 0;
  let exposure = 0;
  let optionPremium = 0;
  for (const g of pm.groups) {
    const x = Math.max(g.scan, g.somc);
    if (g.nov > x) optionPremium += g.nov;
    else span += x;
    span += g.delivery;
    exposure += g.exposure;
  }
  for (const { leg, margin } of pm.flat) {
    if (leg.inst.segment === 'EQ') continue;
    if (isOption(leg.inst) && leg.qty > 0) optionPremium += margin;
    else span += margin;
  }
  const positionsMargin = pm.total;
  const availableCash = acc.funds.cash + holdingSales;
  const utilised = orders + positionsMargin;
  const net = netFunds(acc, realised, unrealised, holdingSales, positionsMargin);
  return {
    availableCash,
    collateral: acc.funds.collateral,
    realised,
    unrealised,
    utilised,
    ordersMargin: orders,
    positionsMargin,
    span,
    exposure,
    optionPremium,
    holdingSales,
    net,
  };
}

/**
 * The last portfolio margin of an account's open positions, with what it was computed from: the legs
 * (position, product, net quantity, multiplier, net average), the margin rates and the IST day (the dated
 * rule tables change by day). Kept only when no leg is an equity derivative: SPAN also reads the quotes.
 */
interface PositionsMarginMemo {
  legs: MarginLeg[];
  rates: MarginRates;
  day: number;
  pm: PortfolioMargin;
}

const positionsMemo = new WeakMap<AccountState, PositionsMarginMemo>();

/**
 * The portfolio margin of the account's open positions (`portfolioMargin(positionLegs(acc))`), memoised
 * per account: it is reused while every input is the same — the same positions with the same net
 * quantity, net average, product and multiplier, the same rates object and IST day, and no equity
 * derivative among them. Nothing to invalidate: every call compares those inputs (a fill, a conversion, a
 * day roll, new rates change one of them); `engine-funds-memo.test.ts` checks each.
 */
export function openPositionsMargin(
  acc: AccountState,
  market: MarketView,
  rates: MarginRates,
  now: number,
): PortfolioMargin {
  const day = istDayStart(now);
  const memo = positionsMemo.get(acc);
  if (memo !== undefined && memo.rates === rates && memo.day === day && sameLegs(acc, memo.legs))
    return memo.pm;
  const legs = positionLegs(acc);
  const pm = portfolioMargin(legs, market, now, rates);
  let flat = true;
  for (const l of legs) if (isEquityDerivative(l.inst)) flat = false;
  if (flat) positionsMemo.set(acc, { legs, rates, day, pm });
  else positionsMemo.delete(acc);
  return pm;
}

/** True when `legs` are still the account's position legs (as `positionLegs` builds them, in order). */
function sameLegs(acc: AccountState, legs: readonly MarginLeg[]): boolean {
  let i = 0;
  for (const p of acc.positions.values()) {
    // Net quantity and average as positionFigures computes them (same operations, no record).
    const buyQty = p.buyqty + p.cfbuyqty;
    const sellQty = p.sellqty + p.cfsellqty;
    const netQty = buyQty - sellQty;
    if (netQty === 0) continue;
    const netAvg =
      netQty > 0 ? (p.buyamount + p.cfbuyamount) / buyQty : (p.sellamount + p.cfsellamount) / sellQty;
    const l = legs[i++];
    if (
      l === undefined ||
      l.inst !== p ||
      l.qty !== netQty ||
      l.price !== netAvg ||
      l.product !== p.producttype ||
      l.multiplier !== p.multiplier
    )
      return false;
  }
  return i === legs.length;
}

/** Funds available for a new order (whole paise). */
export function availableFunds(
  acc: AccountState,
  market: MarketView,
  rates: MarginRates,
  now: number,
): number {
  // fundsFigures(…).net without the figures (checked on every order; `engine-funds-memo.test.ts`).
  const pnl = accountPnl(acc, market, SCRATCH);
  const positionsMargin = openPositionsMargin(acc, market, rates, now).total;
  return Math.floor(netFunds(acc, pnl.realised, pnl.unrealised, pnl.holdingSales, positionsMargin));
}

interface AccountPnl {
  realised: number;
  unrealised: number;
  /** Cost of the holdings sold today (usable the same day). */
  holdingSales: number;
}

const SCRATCH: AccountPnl = { realised: 0, unrealised: 0, holdingSales: 0 };
const POSITION: { realised: number; unrealised: number } = { realised: 0, unrealised: 0 };

/** Σ realised and unrealised P&L of the account's positions at the market's LTPs, into `out`. */
function accountPnl(acc: AccountState, market: MarketView, out: AccountPnl): AccountPnl {
  let realised = 0;
  let unrealised = 0;
  let holdingSales = 0;
  for (const p of acc.positions.values()) {
    pnlOf(p, market.quote(p.exchange, p.symboltoken)?.ltp, POSITION);
    realised += POSITION.realised;
    unrealised += POSITION.unrealised;
    if (isDeliveryProduct(p, p.producttype)) holdingSales += p.cfbuyamount;
  }
  out.realised = realised;
  out.unrealised = unrealised;
  out.holdingSales = holdingSales;
  return out;
}

/** Cash + holdings sold + collateral + P&L − margin of working orders and open positions. */
function netFunds(
  acc: AccountState,
  realised: number,
  unrealised: number,
  holdingSales: number,
  positionsMargin: number,
): number {
  const availableCash = acc.funds.cash + holdingSales;
  const utilised = acc.blocked + positionsMargin;
  return availableCash + acc.funds.collateral + realised + unrealised - utilised;
}

/**
 * Unfilled quantity of the account's other working orders (not `exclude`, not ROBO legs) on the same
 * instrument, product and side: O(1) from the running totals `indexOrder` keeps (`state.ts`).
 */
export function pendingQty(
  state: EngineState,
  acc: AccountState,
  o: OrderRecord,
  side: TransactionType,
  exclude: string,
): number {
  const key = pendingKey(acc.clientcode, o, side);
  const sum = state.pendingTotals.get(key) ?? 0;
  if (sum === 0) return 0;
  const own = state.workingOrders.get(exclude);
  return own?.pendingKey === key ? sum - own.pendingQty : sum;
}

/** The price an order's margin is judged at: limit, trigger (SL-M), else the best opposite price / LTP. */
function marginPrice(o: OrderRecord, market: MarketView): number {
  let price = o.price > 0 ? o.price : o.triggerprice;
  if (price <= 0) {
    const quote = market.quote(o.exchange, o.symboltoken);
    const best = o.transactiontype === 'BUY' ? quote?.asks[0]?.price : quote?.bids[0]?.price;
    price = best && best > 0 ? best : (quote?.ltp ?? 0);
  }
  return price;
}

/** An order's unfilled quantity as a margin leg (as if it filled). */
function orderLeg(o: OrderRecord, market: MarketView, multiplier: number): MarginLeg {
  const remaining = o.quantity - o.filledshares - o.cancelsize;
  return {
    inst: o,
    product: o.producttype,
    qty: o.transactiontype === 'BUY' ? remaining : -remaining,
    multiplier,
    price: marginPrice(o, market),
  };
}

/**
 * Margin blocked by an equity-derivative (NFO / BFO) order: the portfolio margin of the open positions
 * and the other working derivative orders (as if filled) with the order, minus without it; never below 0
 * (an order that hedges releases nothing until it fills).
 */
function derivativeOrderMargin(
  state: EngineState,
  rates: MarginRates,
  acc: AccountState,
  o: OrderRecord,
  market: MarketView,
  exclude: string,
  now: number,
): number {
  const base = positionLegs(acc);
  for (const id of acc.working) {
    if (id === exclude) continue;
    const w = acc.orders.get(id);
    if (!w || w.parentorderid || !isEquityDerivative(w) || !state.workingOrders.has(id)) continue;
    if (w.quantity - w.filledshares - w.cancelsize > 0) base.push(orderLeg(w, market, 1));
  }
  const before = portfolioMargin(base, market, now, rates).total;
  const after = portfolioMargin([...base, orderLeg(o, market, 1)], market, now, rates).total;
  return Math.max(0, after - before);
}

/**
 * Margin blocked by an order. Equity derivatives: the change of the portfolio margin
 * ({@link derivativeOrderMargin}). Others: the part that does not reduce the existing position (net of
 * other working orders on the same side) at the limit price, the trigger (SL-M), or the best opposite
 * price / LTP (MARKET). ROBO legs block nothing (their entry did).
 */
export function orderMargin(
  state: EngineState,
  rates: MarginRates,
  acc: AccountState,
  o: OrderRecord,
  market: MarketView,
  exclude: string,
  now: number,
): number {
  if (o.parentorderid) return 0;
  if (isEquityDerivative(o)) return derivativeOrderMargin(state, rates, acc, o, market, exclude, now);
  const remaining = o.quantity - o.filledshares - o.cancelsize;
  const p = acc.positions.get(
    positionKey({
      clientcode: acc.clientcode,
      exchange: o.exchange,
      symboltoken: o.symboltoken,
      producttype: o.producttype,
    }),
  );
  const net = p ? netQtyOf(p) : 0;
  const opposite = o.transactiontype === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
  const reducible =
    opposite === 0 ? 0 : Math.max(0, opposite - pendingQty(state, acc, o, o.transactiontype, exclude));
  const chargeable = Math.max(0, remaining - reducible);
  if (chargeable === 0) return 0;
  return marginFor(o, o.producttype, o.transactiontype, chargeable, marginPrice(o, market), rates, 1, now);
}

/** Unfilled quantity and value of the account's working orders on a position's instrument and product. */
export function openOrderTotals(
  state: EngineState,
  acc: AccountState,
  p: PositionRecord,
): { buyQty: number; buyValue: number; sellQty: number; sellValue: number } {
  const out = { buyQty: 0, buyValue: 0, sellQty: 0, sellValue: 0 };
  const ids = state.workingByInstrument.get(instrumentKey(p.exchange, p.symboltoken));
  if (!ids) return out;
  for (const id of ids) {
    const o = acc.orders.get(id);
    if (!o || o.producttype !== p.producttype) continue;
    const q = o.quantity - o.filledshares - o.cancelsize;
    if (o.transactiontype === 'BUY') {
      out.buyQty += q;
      out.buyValue += q * o.price;
    } else {
      out.sellQty += q;
      out.sellValue += q * o.price;
    }
  }
  return out;
}
