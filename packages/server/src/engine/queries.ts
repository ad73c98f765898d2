/**
 * Read-only views of an account in the venue's wire shapes: order book, trade book, order details,
 * positions, holdings, all holdings, RMS limits. Queries never change state (no day roll either).
 */
import type {
  AllHoldings,
  Holding,
  Order,
  OrderDetails,
  Position,
  RmsLimits,
  Trade,
} from '@smartapi-ts/protocol';
import { ErrorCode, formatPaise, istDayStart } from '@smartapi-ts/protocol';
import { holdingQty } from './positions/book.js';
import { isEmptyPosition } from './positions/portfolio.js';
import { type Result, reject } from './result.js';
import { fundsFigures } from './risk/funds.js';
import { isWorking } from './state.js';
import type { EngineState, MarginRates, QueryContext } from './types.js';
import { orderDetailsRow, orderRow, positionRow, rupees, tradeRow } from './views.js';

const rs = (paise: number): string => formatPaise(Math.round(paise), 2);

/**
 * Order book (docs/protocol/rest.md#order-book): today's orders, working AMOs and the AMOs of earlier
 * days that filled today (an evening AMO matched in the pre-open), oldest first; `null` when empty.
 */
export function orderBook(state: EngineState, clientcode: string, q: { now: number }): Order[] | null {
  const acc = state.accounts.get(clientcode);
  if (!acc) return null;
  const day = istDayStart(q.now);
  const rows: Order[] = [];
  for (const o of acc.orders.values())
    if (o.createdat >= day || o.filltime >= day || isWorking(o)) rows.push(orderRow(o));
  return rows.length ? rows : null;
}

/** Trade book (docs/protocol/rest.md#trade-book): today's fills; `null` when empty. */
export function tradeBook(state: EngineState, clientcode: string, q: { now: number }): Trade[] | null {
  const acc = state.accounts.get(clientcode);
  if (!acc) return null;
  const day = istDayStart(q.now);
  const rows = acc.trades.filter((t) => t.time >= day && !t.settlement).map(tradeRow);
  return rows.length ? rows : null;
}

/** Individual order details by `uniqueorderid` (docs/protocol/rest.md#order-details); `AB1013` when unknown. */
export function orderDetails(
  state: EngineState,
  clientcode: string,
  uniqueorderid: string,
): Result<OrderDetails> {
  const acc = state.accounts.get(clientcode);
  if (acc)
    for (const o of acc.orders.values()) if (o.uniqueorderid === uniqueorderid) return orderDetailsRow(o);
  return reject(ErrorCode.ORDER_NOT_FOUND);
}

/** Position book (docs/protocol/rest.md#positions) with live `ltp`, `close`, `realised`, `unrealised`; `null` when empty. */
export function positions(state: EngineState, clientcode: string, q: QueryContext): Position[] | null {
  const acc = state.accounts.get(clientcode);
  if (!acc) return null;
  const rows: Position[] = [];
  for (const p of acc.positions.values()) {
    if (isEmptyPosition(p)) continue;
    const quote = q.market.quote(p.exchange, p.symboltoken);
    rows.push(positionRow(p, quote?.ltp, quote?.close));
  }
  return rows.length ? rows : null;
}

/** Holdings (docs/protocol/rest.md#holdings); `[]` when none. */
export function holdings(state: EngineState, clientcode: string, q: QueryContext): Holding[] {
  const acc = state.accounts.get(clientcode);
  if (!acc) return [];
  const rows: Holding[] = [];
  for (const h of acc.holdings.values()) {
    const qty = holdingQty(h);
    if (qty <= 0) continue;
    const quote = q.market.quote(h.exchange, h.symboltoken);
    const ltp = quote?.ltp ?? 0;
    const avg = h.averageprice;
    const realisedQty = Math.max(0, h.quantity - h.usedquantity);
    rows.push({
      tradingsymbol: h.tradingsymbol,
      exchange: h.exchange,
      isin: h.isin,
      t1quantity: qty - realisedQty,
      realisedquantity: realisedQty,
      quantity: qty,
      authorisedquantity: h.authorisedday > 0 ? Math.min(h.authorisedquantity, qty) : 0,
      product: 'DELIVERY',
      collateralquantity: null,
      collateraltype: null,
      haircut: 0,
      averageprice: rupees(avg),
      ltp: rupees(ltp),
      symboltoken: h.symboltoken,
      close: rupees(quote?.close ?? 0),
      profitandloss: ltp > 0 ? Math.round(((ltp - avg) * qty) / 100) : 0,
      pnlpercentage: ltp > 0 && avg > 0 ? Math.round(((ltp - avg) / avg) * 10_000) / 100 : 0,
    });
  }
  return rows;
}

/** All holdings with portfolio totals (docs/protocol/rest.md#all-holdings). */
export function allHoldings(state: EngineState, clientcode: string, q: QueryContext): AllHoldings {
  const rows = holdings(state, clientcode, q);
  let value = 0;
  let inv = 0;
  const acc = state.accounts.get(clientcode);
  if (acc) {
    for (const h of acc.holdings.values()) {
      const qty = holdingQty(h);
      if (qty <= 0) continue;
      const ltp = q.market.quote(h.exchange, h.symboltoken)?.ltp ?? 0;
      value += ltp * qty;
      inv += h.averageprice * qty;
    }
  }
  const pnl = value - inv;
  return {
    holdings: rows,
    totalholding: {
      totalholdingvalue: rupees(value),
      totalinvvalue: rupees(inv),
      totalprofitandloss: rupees(pnl),
      totalpnlpercentage: inv > 0 ? Math.round((pnl / inv) * 10_000) / 100 : 0,
    },
  };
}

/**
 * `getRMS` (docs/protocol/rest.md#rms), strings with 2 decimals:
 * net = availablecash + collateral + m2mrealized + m2munrealized − utiliseddebits.
 */
export function rms(
  state: EngineState,
  rates: MarginRates,
  clientcode: string,
  q: QueryContext,
): Result<RmsLimits> {
  const acc = state.accounts.get(clientcode);
  if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
  const f = fundsFigures(acc, q.market, rates, q.now);
  return {
    net: rs(f.net),
    availablecash: rs(f.availableCash),
    availableintradaypayin: '0.00',
    availablelimitmargin: '0.00',
    collateral: rs(f.collateral),
    m2munrealized: rs(f.unrealised),
    m2mrealized: rs(f.realised),
    utiliseddebits: rs(f.utilised),
    utilisedspan: rs(f.span),
    utilisedoptionpremium: rs(f.optionPremium),
    utilisedholdingsales: rs(f.holdingSales),
    utilisedexposure: rs(f.exposure),
    utilisedturnover: '0.00',
    utilisedpayout: '0.00',
  };
}
