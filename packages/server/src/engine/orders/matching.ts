/**
 * Matching: a working order against a quote (stop trigger, then the fill model), and booking one fill
 * into the trade, order, position, holding and funds rows (with the ROBO sibling and exit-leg logic).
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import { WalkTheBookFillModel } from '../execution/fill-model.js';
import type { Quote } from '../ports.js';
import { addToHolding, holdingFor, positionFor } from '../positions/book.js';
import { netQtyOf } from '../positions/portfolio.js';
import { isDeliveryProduct } from '../risk/margin.js';
import { AUTO_SQUARE_OFF_TAG } from '../rules/intraday.js';
import { holdingKey, indexOrder, isWorking, positionKey, setBlocked } from '../state.js';
import type { AccountState, OrderRecord, TradeRecord } from '../types.js';
import { cancelRest, legsOf, placeRoboLegs } from './lifecycle.js';
import { protect } from './protection.js';

/**
 * Trigger check and matching of a working (non-AMO) order against a quote. `aggressive` = the order just
 * arrived or just triggered (it takes liquidity); a resting order only fills when the quote reaches it.
 * An IOC order's unfilled rest is cancelled.
 */
export function work(run: Run, acc: AccountState, o: OrderRecord, quote: Quote, aggressive: boolean): void {
  const { core, ctx, em } = run;
  if (o.status === 'trigger pending') {
    const ltp = quote.ltp;
    const hit = ltp > 0 && (o.transactiontype === 'BUY' ? ltp >= o.triggerprice : ltp <= o.triggerprice);
    if (!hit) return;
    o.triggered = true;
    o.status = 'open';
    o.updatedat = ctx.now;
    protect(o, quote, ctx.now, core.marketProtection);
    indexOrder(core.state, o);
    em.exchange(o, 'AB01', ctx.now);
    aggressive = true;
  }
  if (o.status !== 'open') return;
  const remaining = o.quantity - o.filledshares - o.cancelsize;
  if (remaining <= 0) return;
  // A market order carries its protection limit in `price` (0 = none: no LTP when it arrived).
  const limit =
    o.ordertype === 'LIMIT' || o.ordertype === 'STOPLOSS_LIMIT' || o.price > 0 ? o.price : undefined;
  if (
    limit !== undefined &&
    !aggressive &&
    core.fillModel instanceof WalkTheBookFillModel &&
    !core.fillModel.everyQuote
  ) {
    // Fast path for resting limits the quote does not reach (the common case on every tick).
    const best = o.transactiontype === 'BUY' ? quote.asks[0] : quote.bids[0];
    const reach =
      best !== undefined &&
      best.quantity > 0 &&
      best.price > 0 &&
      (o.transactiontype === 'BUY' ? best.price <= limit : best.price >= limit);
    const through = quote.ltp > 0 && (o.transactiontype === 'BUY' ? quote.ltp < limit : quote.ltp > limit);
    if (!reach && !through) return;
  }
  const fills = core.fillModel.fill(
    {
      side: o.transactiontype,
      quantity: remaining,
      limit,
      aggressive,
      instrument: o,
      order: o,
      now: ctx.now,
    },
    quote,
  );
  let left = remaining;
  for (const fill of fills) {
    const q = Math.min(fill.quantity, left);
    if (q <= 0 || fill.price <= 0) continue;
    if (limit !== undefined && (o.transactiontype === 'BUY' ? fill.price > limit : fill.price < limit))
      continue;
    applyFill(run, acc, o, fill.price, q);
    left -= q;
    if (left <= 0 || o.status !== 'open') break;
  }
  if (o.status === 'open' && o.duration === 'IOC' && !core.fillModel.pending?.(o.orderid, ctx.now)) {
    cancelRest(run, o, '');
  }
}

/**
 * Books one fill of `qty` at `price` (paise): the trade, the order (AB01 partial, AB05 complete), the
 * position, the holding for equity delivery, the fee; a ROBO leg's fill cancels as much of its sibling and
 * a complete ROBO entry places its exit legs.
 */
export function applyFill(run: Run, acc: AccountState, o: OrderRecord, price: number, qty: number): void {
  const { core, ctx, em } = run;
  const delivery = isDeliveryProduct(o, o.producttype);
  const p = positionFor(acc, o, o.producttype);
  const netBefore = netQtyOf(p);
  // A delivery sell not covered by today's long comes out of the demat holdings.
  const fromHoldings =
    delivery && o.transactiontype === 'SELL' ? qty - Math.min(qty, Math.max(0, netBefore)) : 0;
  const isin = ctx.market.instrument(o.exchange, o.symboltoken)?.isin ?? '';
  const trade: TradeRecord = {
    exchange: o.exchange,
    symboltoken: o.symboltoken,
    tradingsymbol: o.tradingsymbol,
    name: o.name,
    instrumenttype: o.instrumenttype,
    segment: o.segment,
    lotsize: o.lotsize,
    ticksize: o.ticksize,
    strike: o.strike,
    optiontype: o.optiontype,
    expiry: o.expiry,
    clientcode: acc.clientcode,
    fillid: ctx.ids.tradeId(),
    orderid: o.orderid,
    producttype: o.producttype,
    transactiontype: o.transactiontype,
    price,
    quantity: qty,
    time: ctx.now,
  };
  const fee = core.feeModel.feeForFill(trade, {
    orderValueBefore: o.filledvalue,
    fromHoldings,
    isin,
    dpChargedToday: fromHoldings > 0 && dpPaidToday(acc, isin, ctx.now),
  });
  trade.charges = fee.amount;
  trade.dpcharges = fee.dp ?? 0;
  // The broker's auto square-off charge, once per square-off order: on its first fill (positions/square-off.ts).
  trade.othercharges =
    o.ordertag === AUTO_SQUARE_OFF_TAG && o.filledshares === 0 ? core.intraday.charge(ctx.now) : 0;
  acc.trades.push(trade);
  em.trade(trade);
  const remainingBefore = o.quantity - o.filledshares - o.cancelsize;
  o.filledshares += qty;
  o.filledvalue += price * qty;
  o.fillid = trade.fillid;
  o.filltime = ctx.now;
  o.updatedat = ctx.now;
  const remainingAfter = remainingBefore - qty;
  setBlocked(
    acc,
    o,
    remainingAfter > 0 ? Math.round((o.blockedmargin * remainingAfter) / remainingBefore) : 0,
  );
  // Position (and holdings for equity delivery).
  if (o.transactiontype === 'BUY') {
    p.buyqty += qty;
    p.buyamount += price * qty;
  } else {
    p.sellqty += qty;
    p.sellamount += price * qty;
  }
  if (delivery) {
    const h = holdingFor(acc, ctx.market.instrument(o.exchange, o.symboltoken) ?? o);
    if (o.transactiontype === 'BUY') {
      addToHolding(h, qty, price);
    } else {
      // The part not covered by today's long comes out of the holdings: book it as carried-forward buy
      // at the holding's average, so realised P&L = qty × (sell − average).
      if (fromHoldings > 0) {
        p.cfbuyqty += fromHoldings;
        p.cfbuyamount += fromHoldings * h.averageprice;
      }
      h.usedquantity += qty;
    }
    acc.holdings.set(holdingKey(h), h);
    em.holding(h);
  }
  acc.positions.set(positionKey(p), p);
  em.position(p);
  const debit = trade.charges + trade.dpcharges + trade.othercharges;
  if (debit !== 0) {
    acc.funds.cash -= debit;
    em.funds(acc.funds);
  }
  const done = o.filledshares + o.cancelsize >= o.quantity;
  if (done) o.status = 'complete';
  indexOrder(core.state, o);
  em.exchange(o, done ? 'AB05' : 'AB01', ctx.now);
  // ROBO: one leg's fill cancels as much of its sibling; a complete entry places the legs.
  if (o.variety === 'ROBO' && o.parentorderid) {
    for (const sib of legsOf(acc, o.parentorderid)) {
      if (sib.orderid === o.orderid || !isWorking(sib)) continue;
      sib.cancelsize = Math.min(sib.quantity - sib.filledshares, sib.cancelsize + qty);
      sib.updatedat = ctx.now;
      if (sib.filledshares + sib.cancelsize >= sib.quantity) {
        sib.status = 'cancelled';
        setBlocked(acc, sib, 0);
        indexOrder(core.state, sib);
        em.exchange(sib, 'AB02', ctx.now);
      } else {
        indexOrder(core.state, sib);
        em.order(sib);
      }
    }
  } else if (o.variety === 'ROBO' && done) {
    placeRoboLegs(run, acc, o);
  }
}

/** True when a fill of today (IST day of `now`) already paid the DP charge for `isin`. */
function dpPaidToday(acc: AccountState, isin: string, now: number): boolean {
  if (isin === '') return false;
  const day = istDayStart(now);
  for (let i = acc.trades.length - 1; i >= 0; i--) {
    const t = acc.trades[i];
    if (t === undefined || t.time < day) break;
    if ((t.dpcharges ?? 0) > 0 && acc.holdings.get(holdingKey(t))?.isin === isin) return true;
  }
  return false;
}
