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
import type { AccountState } from '../types.js';
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
 */
export function modifyOrder(run: Run, acc: AccountState, body: unknown): Result<OrderIdResponse> {
  const { core, ctx, em } = run;
  const parsed = parseBody(() => parseModify(acc, body));
  if (isRejection(parsed)) return parsed;
  const { o } = parsed;
  const inst = ctx.market.instrument(o.exchange, o.symboltoken);
  // The checks judge the order as it would be after the change: the changed fields are set on the order
  // itself and put back unless every check passes (no copy of the record per modify; the checks read the
  // order only through this argument, the indexes still hold it as it was).
  const was = {
    ordertype: o.ordertype,
    duration: o.duration,
    quantity: o.quantity,
    price: o.price,
    triggerprice: o.triggerprice,
    disclosedquantity: o.disclosedquantity,
  };
  o.ordertype = parsed.ordertype;
  o.duration = parsed.duration;
  o.quantity = parsed.qty;
  o.price = parsed.price;
  o.triggerprice = parsed.trigger;
  o.disclosedquantity = parsed.disclosed;
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
    if (!passed) {
      o.ordertype = was.ordertype;
      o.duration = was.duration;
      o.quantity = was.quantity;
      o.price = was.price;
      o.triggerprice = was.triggerprice;
      o.disclosedquantity = was.disclosedquantity;
    }
  }
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
    em.orderTwice(o, 'AB11', 'AB04');
    if (quote && ctx.market.session(o.exchange, ctx.now) === 'open') work(run, acc, o, quote, true);
  }
  indexOrder(core.state, o);
  // A modify in a pre-open's order entry may make the order a call-auction candidate again.
  if (!o.amo && o.status === 'open' && ctx.market.session(o.exchange, ctx.now) === 'preopen')
    watchOnClock(core.state, o);
  return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
}

/** `cancelOrder` (docs/protocol/rest.md#cancel-order): only working orders; cancelling a ROBO leg cancels its sibling. */
export function cancelOrder(run: Run, acc: AccountState, body: unknown): Result<OrderIdResponse> {
  const o = parseBody(() => parseCancel(acc, body));
  if (isRejection(o)) return o;
  // Cancel latency (execution model): the order keeps working until the cancel reaches the exchange;
  // a fill in between stands and the late cancel then finds nothing to cancel.
  const fm = run.core.fillModel;
  if (
    !o.amo &&
    !o.parentorderid &&
    o.variety !== 'ROBO' &&
    fm.delayCancel?.(o.orderid, run.ctx.now) !== undefined
  ) {
    return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
  }
  cancelRest(run, o, '');
  if (o.parentorderid) {
    for (const sib of legsOf(acc, o.parentorderid)) if (isWorking(sib)) cancelRest(run, sib, '');
  }
  return { orderid: o.orderid, uniqueorderid: o.uniqueorderid };
}
