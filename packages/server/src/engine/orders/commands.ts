/**
 * The order commands (`placeOrder`, `modifyOrder`, `cancelOrder`), run inside the engine's command
 * prologue (`context.ts`): parse, check, then change state.
 */
import type { OrderIdResponse, OrderStatus, PlaceOrderResponse } from '@smartapi-ts/protocol';
import { ErrorCode } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import { isRejection, type Result, reject } from '../result.js';
import { insufficientFunds, isStop, rmsCheck } from '../risk/checks.js';
import { availableFunds, orderMargin } from '../risk/funds.js';
import { indexOrder, isWorking, setBlocked, watchOnClock } from '../state.js';
import type { AccountState, OrderRecord, OrderTerms, PendingModify } from '../types.js';
import { INVALID_INPUT, parseBody } from '../validate.js';
import { cancelRest, legsOf, submit } from './lifecycle.js';
import { work } from './matching.js';
import { parseCancel, parseModify, parseOrder } from './parse.js';
import { protect } from './protection.js';

/**
 * `placeOrder` (docs/protocol/rest.md#place-order). Input errors are rejections without an order; risk-check rejections create a
 * `rejected` order row and answer its ids (`rmsRejections: 'book'`) or AB4001 with the ids in `data`.
 */
export function placeOrder(run: Run, acc: AccountState, body: unknown): Result<PlaceOrderResponse> {
  const spec = parseBody(() => parseOrder(body, run.ctx));
  if (isRejection(spec)) return spec;
  const o = submit(run, acc, spec, '', '');
  const ids = { script: o.tradingsymbol, orderid: o.orderid, uniqueorderid: o.uniqueorderid };
  if (o.status === 'rejected' && run.core.rmsRejections === 'error') {
    // Risk-check rejection: the row stays in the book (as at the venue) and the answer says so at once.
    return reject(ErrorCode.ORDER_REJECTED_BY_RMS, o.text, ids);
  }
  return ids;
}

/**
 * `modifyOrder` (docs/protocol/rest.md#modify-order): only working orders. A failed check leaves the order as it was. A modified
 * resting order reads `open` again and is matched at once; the feed gets AB11 then AB04 (AB08 for an AMO).
 * Under modify latency (execution model) the broker answers at once and pushes AB11; the change reaches
 * the exchange later ({@link arriveModify}): fills in between happen at the old terms.
 */
export function modifyOrder(run: Run, acc: AccountState, body: unknown): Result<OrderIdResponse> {
  const { core, ctx, em } = run;
  const parsed = parseBody(() => parseModify(acc, body));
  if (isRejection(parsed)) return parsed;
  const { o } = parsed;
  const { modifies } = core.state;
  if (modifies.size > 0 && modifies.has(o.orderid))
    return reject(INVALID_INPUT, 'Order cannot be modified: a modification is pending');
  const inst = ctx.market.instrument(o.exchange, o.symboltoken);
  // The checks judge the order as it would be after the change: the changed fields are set on the order
  // itself and put back unless every check passes (no copy of the record per modify; the checks read the
  // order only through this argument, the indexes still hold it as it was).
  const was = termsOf(o, 0);
  setTerms(o, parsed);
  let margin = 0;
  let passed = false;
  try {
    const text = inst ? rmsCheck(core.state, acc, o, inst, ctx, o.orderid) : 'Symbol details not available';
    if (text !== undefined) return reject(INVALID_INPUT, text);
    margin = orderMargin(core.state, core.rates, acc, o, ctx.market, o.orderid, ctx.now);
    const available = availableFunds(acc, ctx.market, core.rates, ctx.now) + o.blockedmargin;
    if (margin > available) return reject(INVALID_INPUT, insufficientFunds(available, margin));
    passed = true;
  } finally {
    if (!passed) setTerms(o, was);
  }
  const delay =
    o.amo || o.parentorderid || o.variety === 'ROBO'
      ? 0
      : (core.fillModel.modifyLatency?.(o.orderid, ctx.now) ?? 0);
  if (delay > 0) {
    // On its way to the exchange: the order works on at its old terms (and margin) until it arrives. The
    // change is written with the order's row (`modifyto`), so a restart keeps it.
    const change = termsOf(o, ctx.now + delay);
    modifies.set(o.orderid, change);
    setTerms(o, was);
    o.modifyto = change;
    em.order(o, 'AB11');
    return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
  }
  modified(run, acc, o, margin, true);
  return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
}

/**
 * A delayed modification reaches the exchange (the quote loop or the clock, at or after `m.due`): when the
 * order still works and more than its filled quantity is asked for, the new terms apply (AB04), with the
 * margin judged now, and the order is matched against the latest quote; otherwise it changes nothing.
 */
export function arriveModify(run: Run, acc: AccountState, o: OrderRecord, m: PendingModify): void {
  const { core, ctx } = run;
  core.state.modifies.delete(o.orderid);
  o.modifyto = undefined;
  if (!isWorking(o) || m.qty <= o.filledshares + o.cancelsize) {
    // Too late: nothing changes but the row, which no longer carries the change.
    run.em.order(o);
    return;
  }
  setTerms(o, m);
  // The broker accepted the change against the funds of its request; what it blocks follows the new terms.
  const margin = orderMargin(core.state, core.rates, acc, o, ctx.market, o.orderid, ctx.now);
  modified(run, acc, o, margin, false);
}

/** The new terms are on `o`: block `margin`, push the change and match the order again. */
function modified(run: Run, acc: AccountState, o: OrderRecord, margin: number, withPending: boolean): void {
  const { core, ctx, em } = run;
  o.updatedat = ctx.now;
  setBlocked(acc, o, margin);
  if (o.amo) {
    em.order(o, 'AB08');
  } else {
    if (!isStop(o.ordertype)) o.triggered = false;
    const resting: OrderStatus = isStop(o.ordertype) && !o.triggered ? 'trigger pending' : 'open';
    o.status = resting;
    const quote = ctx.market.quote(o.exchange, o.symboltoken);
    protect(o, quote, ctx.now, core.marketProtection);
    if (withPending) em.orderTwice(o, 'AB11', 'AB04', ctx.now);
    else em.exchange(o, 'AB04', ctx.now);
    if (quote && ctx.market.session(o.exchange, ctx.now) === 'open') work(run, acc, o, quote, true);
  }
  indexOrder(core.state, o);
  // A modify in a pre-open's order entry may make the order a call-auction candidate again.
  if (!o.amo && o.status === 'open' && ctx.market.session(o.exchange, ctx.now) === 'preopen')
    watchOnClock(core.state, o);
}

/** The order's current terms, as a change due at `due`. */
function termsOf(o: OrderRecord, due: number): PendingModify {
  return {
    due,
    ordertype: o.ordertype,
    duration: o.duration,
    qty: o.quantity,
    price: o.price,
    trigger: o.triggerprice,
    disclosed: o.disclosedquantity,
  };
}

function setTerms(o: OrderRecord, t: OrderTerms): void {
  o.ordertype = t.ordertype;
  o.duration = t.duration;
  o.quantity = t.qty;
  o.price = t.price;
  o.triggerprice = t.trigger;
  o.disclosedquantity = t.disclosed;
}

/** `cancelOrder` (docs/protocol/rest.md#cancel-order): only working orders; cancelling a ROBO leg cancels its sibling. */
export function cancelOrder(run: Run, acc: AccountState, body: unknown): Result<OrderIdResponse> {
  const o = parseBody(() => parseCancel(acc, body));
  if (isRejection(o)) return o;
  // Cancel latency (execution model): the order keeps working until the cancel reaches the exchange;
  // a fill in between stands and the late cancel then finds nothing to cancel. The accepted cancel is
  // written with the order's row (`cancelat`), so a restart keeps it; a repeated cancel keeps the first.
  const { state } = run.core;
  const ms =
    o.amo || o.parentorderid || o.variety === 'ROBO'
      ? 0
      : (run.core.fillModel.cancelLatency?.(o.orderid, run.ctx.now) ?? 0);
  if (ms > 0) {
    if (!state.cancels.has(o.orderid)) {
      o.cancelat = run.ctx.now + ms;
      state.cancels.set(o.orderid, o.cancelat);
      run.em.order(o);
    }
    return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
  }
  cancelRest(run, o, '');
  if (o.parentorderid) {
    for (const sib of legsOf(acc, o.parentorderid)) if (isWorking(sib)) cancelRest(run, sib, '');
  }
  return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
}
