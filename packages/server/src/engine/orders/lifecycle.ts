/**
 * The order lifecycle: a validated request becomes an order row (rejected by the risk checks, queued as
 * an AMO, or open and matched at once), AMOs are released at the open, orders are cancelled, and a filled
 * ROBO entry places its two exit legs.
 */
import type { TransactionType } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import type { Quote } from '../ports.js';
import { intradayCutoff } from '../positions/cutoff.js';
import { insufficientFunds, isStop, rmsCheck } from '../risk/checks.js';
import { availableFunds, orderMargin } from '../risk/funds.js';
import { indexOrder, setBlocked, watchOnClock } from '../state.js';
import type { AccountState, OrderRecord } from '../types.js';
import { averagePrice } from '../views.js';
import { preOpenEntry } from './auction.js';
import { work } from './matching.js';
import type { OrderSpec } from './parse.js';
import { protect } from './protection.js';

/**
 * Creates the order row for a validated request and takes it as far as it goes now: `rejected` (AB03)
 * when a risk check or the funds fail, an AMO (AB06) while the session is not open, else open or trigger
 * pending (AB09 then AB01/AB10) and matched against the current quote. ROBO legs (`parentorderid`) block
 * no margin of their own.
 */
export function submit(
  run: Run,
  acc: AccountState,
  spec: OrderSpec,
  parentorderid: string,
  gttruleid: string,
): OrderRecord {
  const { core, ctx, em } = run;
  const inst = spec.inst;
  // One explicit literal (no spread) so every order record shares one hidden class (hot in onQuote); the
  // instrument's facts as `snapshotOf` copies them.
  const o: OrderRecord = {
    exchange: inst.exchange,
    symboltoken: inst.token,
    tradingsymbol: inst.symbol,
    name: inst.name,
    instrumenttype: inst.instrumentType,
    segment: inst.segment,
    lotsize: inst.lotSize,
    ticksize: inst.tickSize,
    strike: inst.strike ?? -1,
    optiontype: inst.optionType ?? '',
    expiry: inst.expiry ?? 0,
    clientcode: acc.clientcode,
    orderid: ctx.ids.orderId(),
    uniqueorderid: ctx.ids.uniqueOrderId(),
    exchangeorderid: '',
    variety: spec.variety,
    ordertype: spec.ordertype,
    producttype: spec.product,
    duration: spec.duration,
    transactiontype: spec.side,
    price: spec.price,
    triggerprice: spec.trigger,
    quantity: spec.qty,
    disclosedquantity: spec.disclosed,
    squareoff: spec.squareoff,
    stoploss: spec.stoploss,
    trailingstoploss: spec.trailing,
    ordertag: spec.ordertag,
    status: 'open',
    text: '',
    filledshares: 0,
    cancelsize: 0,
    filledvalue: 0,
    blockedmargin: 0,
    parentorderid,
    amo: false,
    triggered: false,
    fillid: '',
    filltime: 0,
    createdat: ctx.now,
    updatedat: ctx.now,
    gttruleid,
    execution: core.fillModel.stamp?.() ?? '',
    exchangeat: 0,
    cancelat: 0,
    modifyto: undefined,
  };
  acc.orders.set(o.orderid, o);
  const open = ctx.market.session(o.exchange, ctx.now) === 'open';
  let text =
    core.orderCheck?.(o, ctx.now) ??
    rmsCheck(core.state, acc, o, spec.inst, ctx, o.orderid) ??
    intradayCutoff(core.intraday, core.state, acc, o, ctx.market, ctx.now);
  if (text === undefined && !open && spec.variety !== 'AMO' && core.offHours === 'reject') {
    text = 'Orders cannot be placed outside market hours';
  }
  if (text === undefined && !parentorderid) {
    const margin = orderMargin(core.state, core.rates, acc, o, ctx.market, o.orderid, ctx.now);
    const available = availableFunds(acc, ctx.market, core.rates, ctx.now);
    // A new order is in no index yet: indexOrder adds its blocked margin to the account's total.
    if (margin > available) text = insufficientFunds(available, margin);
    else o.blockedmargin = margin;
  }
  if (text !== undefined) {
    o.status = 'rejected';
    o.text = text;
    o.blockedmargin = 0;
    em.order(o, 'AB03');
    return o;
  }
  if (!open && preOpenEntry(ctx.market, o, ctx.now)) {
    // Pre-open order entry: the order reaches the exchange and waits for the call auction.
    o.exchangeorderid = ctx.ids.exchangeOrderId();
    const arrival = arrivalOf(run, o);
    o.exchangeat = arrival;
    o.status = 'open';
    indexOrder(core.state, o);
    watchOnClock(core.state, o);
    em.orderTwice(o, 'AB09', 'AB01', arrival);
    return o;
  }
  if (!open) {
    o.amo = true;
    o.status = 'after market order req received';
    indexOrder(core.state, o);
    em.order(o, 'AB06');
    return o;
  }
  o.exchangeorderid = ctx.ids.exchangeOrderId();
  const arrival = arrivalOf(run, o);
  o.exchangeat = arrival;
  o.status = isStop(o.ordertype) ? 'trigger pending' : 'open';
  const quote = ctx.market.quote(o.exchange, o.symboltoken);
  protect(o, quote, ctx.now, core.marketProtection);
  indexOrder(core.state, o);
  em.orderTwice(o, 'AB09', isStop(o.ordertype) ? 'AB10' : 'AB01', arrival);
  if (quote) work(run, acc, o, quote, true);
  else if (o.duration === 'IOC' && !core.fillModel.pending?.(o.orderid, ctx.now)) cancelRest(run, o, '');
  return o;
}

/** When the order reaches the exchange: placement plus its entry latency (the fill model's draw). */
function arrivalOf(run: Run, o: OrderRecord): number {
  return o.createdat + (run.core.fillModel.entryLatency?.(o.orderid) ?? 0);
}

/** Releases an AMO at the open: it reaches the exchange and is matched against `quote`. */
export function release(run: Run, acc: AccountState, o: OrderRecord, quote: Quote): void {
  const { ctx, em } = run;
  o.amo = false;
  o.exchangeorderid = ctx.ids.exchangeOrderId();
  o.exchangeat = ctx.now;
  o.updatedat = ctx.now;
  o.status = isStop(o.ordertype) ? 'trigger pending' : 'open';
  protect(o, quote, ctx.now, run.core.marketProtection);
  indexOrder(run.core.state, o);
  em.exchange(o, isStop(o.ordertype) ? 'AB10' : 'AB01', ctx.now);
  work(run, acc, o, quote, true);
}

/** The exit legs of a ROBO entry. */
export function legsOf(acc: AccountState, parentorderid: string): OrderRecord[] {
  const out: OrderRecord[] = [];
  for (const o of acc.orders.values()) if (o.parentorderid === parentorderid) out.push(o);
  return out;
}

/** Cancels the unfilled rest of an order (AB02; AB07 for an AMO); `text` replaces its remarks when set. */
export function cancelRest(run: Run, o: OrderRecord, text: string): void {
  const { core, ctx, em } = run;
  const amo = o.amo;
  o.cancelsize = o.quantity - o.filledshares;
  const owner = core.state.accounts.get(o.clientcode);
  if (owner) setBlocked(owner, o, 0);
  else o.blockedmargin = 0;
  o.status = amo ? 'cancelled after market order' : 'cancelled';
  o.amo = false;
  o.cancelat = 0;
  o.updatedat = ctx.now;
  if (text) o.text = text;
  indexOrder(core.state, o);
  core.fillModel.forget?.(o.orderid);
  if (amo) em.order(o, 'AB07');
  else em.exchange(o, 'AB02', ctx.now);
  // A partly filled ROBO entry still gets its exit legs for the filled quantity.
  const acc = core.state.accounts.get(o.clientcode);
  if (
    acc &&
    o.variety === 'ROBO' &&
    !o.parentorderid &&
    o.filledshares > 0 &&
    legsOf(acc, o.orderid).length === 0
  ) {
    placeRoboLegs(run, acc, o);
  }
}

/**
 * Places the two exit legs of a (partly) filled ROBO entry for its filled quantity: a LIMIT target at
 * average ± squareoff and a STOPLOSS_MARKET stop at average ∓ stoploss, both on the tick grid.
 */
export function placeRoboLegs(run: Run, acc: AccountState, entry: OrderRecord): void {
  const inst = run.ctx.market.instrument(entry.exchange, entry.symboltoken);
  if (!inst || entry.filledshares <= 0) return;
  const avg = averagePrice(entry);
  const tick = Math.max(1, inst.tickSize);
  const exitSide: TransactionType = entry.transactiontype === 'BUY' ? 'SELL' : 'BUY';
  const dir = entry.transactiontype === 'BUY' ? 1 : -1;
  const target = Math.max(tick, Math.round((avg + dir * entry.squareoff) / tick) * tick);
  const stop = Math.max(tick, Math.round((avg - dir * entry.stoploss) / tick) * tick);
  const base = {
    variety: 'ROBO' as const,
    inst,
    side: exitSide,
    product: entry.producttype,
    duration: 'DAY' as const,
    qty: entry.filledshares,
    disclosed: 0,
    squareoff: 0,
    stoploss: 0,
    trailing: 0,
    ordertag: entry.ordertag,
  };
  submit(run, acc, { ...base, ordertype: 'LIMIT', price: target, trigger: 0 }, entry.orderid, '');
  submit(run, acc, { ...base, ordertype: 'STOPLOSS_MARKET', price: 0, trigger: stop }, entry.orderid, '');
}
