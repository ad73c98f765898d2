/**
 * Funds and the margin an account uses: the RMS figures (cash, collateral, P&L, margin of working
 * orders and open positions), the funds available for a new order, and the margin one order blocks.
 */
import type { TransactionType } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { positionFigures, unrealisedPnl } from '../positions/portfolio.js';
import { instrumentKey, positionKey } from '../state.js';
import type { AccountState, EngineState, MarginRates, OrderRecord, PositionRecord } from '../types.js';
import { isDeliveryProduct, isOption, marginFor, positionMargin } from './margin.js';

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
  positionsMargin: number;
  span: number;
  optionPremium: number;
  holdingSales: number;
  net: number;
}

/** The RMS figures of an account at the market's current prices. */
export function fundsFigures(acc: AccountState, market: MarketView, rates: MarginRates): FundsFigures {
  const orders = acc.blocked;
  let positionsMargin = 0;
  let span = 0;
  let optionPremium = 0;
  let realised = 0;
  let unrealised = 0;
  let holdingSales = 0;
  for (const p of acc.positions.values()) {
    const f = positionFigures(p);
    const m = positionMargin(p, rates);
    positionsMargin += m;
    if (p.segment !== 'EQ') {
      if (isOption(p) && f.netQty > 0) optionPremium += m;
      else span += m;
    }
    realised += f.realised;
    unrealised += unrealisedPnl(p, market.quote(p.exchange, p.symboltoken)?.ltp, f);
    if (isDeliveryProduct(p, p.producttype)) holdingSales += p.cfbuyamount;
  }
  const availableCash = acc.funds.cash + holdingSales;
  const utilised = orders + positionsMargin;
  const net = availableCash + acc.funds.collateral + realised + unrealised - utilised;
  return {
    availableCash,
    collateral: acc.funds.collateral,
    realised,
    unrealised,
    utilised,
    ordersMargin: orders,
    positionsMargin,
    span,
    optionPremium,
    holdingSales,
    net,
  };
}

/** Funds available for a new order (whole paise). */
export function availableFunds(acc: AccountState, market: MarketView, rates: MarginRates): number {
  return Math.floor(fundsFigures(acc, market, rates).net);
}

/**
 * Unfilled quantity of the account's other working orders (not `exclude`, not ROBO legs) on the same
 * instrument, product and side.
 */
export function pendingQty(
  state: EngineState,
  acc: AccountState,
  o: OrderRecord,
  side: TransactionType,
  exclude: string,
): number {
  const ids = state.workingByInstrument.get(instrumentKey(o.exchange, o.symboltoken));
  if (!ids) return 0;
  let sum = 0;
  for (const id of ids) {
    if (id === exclude) continue;
    const w = acc.orders.get(id);
    if (!w || w.transactiontype !== side || w.producttype !== o.producttype || w.parentorderid) continue;
    sum += w.quantity - w.filledshares - w.cancelsize;
  }
  return sum;
}

/**
 * Margin blocked by an order: the part that does not reduce the existing position (net of other working
 * orders on the same side) at the limit price, the trigger (SL-M), or the best opposite price / LTP (MARKET).
 * ROBO legs block nothing (their entry did).
 */
export function orderMargin(
  state: EngineState,
  rates: MarginRates,
  acc: AccountState,
  o: OrderRecord,
  market: MarketView,
  exclude: string,
): number {
  if (o.parentorderid) return 0;
  const remaining = o.quantity - o.filledshares - o.cancelsize;
  const p = acc.positions.get(
    positionKey({
      clientcode: acc.clientcode,
      exchange: o.exchange,
      symboltoken: o.symboltoken,
      producttype: o.producttype,
    }),
  );
  const net = p ? positionFigures(p).netQty : 0;
  const opposite = o.transactiontype === 'BUY' ? Math.max(0, -net) : Math.max(0, net);
  const reducible =
    opposite === 0 ? 0 : Math.max(0, opposite - pendingQty(state, acc, o, o.transactiontype, exclude));
  const chargeable = Math.max(0, remaining - reducible);
  if (chargeable === 0) return 0;
  let price = o.price > 0 ? o.price : o.triggerprice;
  if (price <= 0) {
    const quote = market.quote(o.exchange, o.symboltoken);
    const best = o.transactiontype === 'BUY' ? quote?.asks[0]?.price : quote?.bids[0]?.price;
    price = best && best > 0 ? best : (quote?.ltp ?? 0);
  }
  return marginFor(o, o.producttype, o.transactiontype, chargeable, price, rates);
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
