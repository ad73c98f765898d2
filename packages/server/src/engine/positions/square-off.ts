/**
 * The broker's auto square-off (docs/paper-broker-rules.md#product-cut-offs-and-auto-square-off; the
 * cut-off of new orders is in `cutoff.ts`): at an exchange's square-off time, during its session, working
 * intraday orders of that exchange are cancelled and every open intraday position is closed by MARKET
 * orders tagged {@link AUTO_SQUARE_OFF_TAG}; the first fill of each carries the auto square-off charge
 * as the trade's `othercharges` (on the contract note), debited from cash with the fill's own charges.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { Exchange as EXCHANGES, istDayStart } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import { cancelRest, submit } from '../orders/lifecycle.js';
import { AUTO_SQUARE_OFF_TAG, isIntradayProduct, isTradingDay, timeOn } from '../rules/intraday.js';
import { isWorking } from '../state.js';
import type { AccountState } from '../types.js';
import { positionFigures } from './portfolio.js';

export { AUTO_SQUARE_OFF_TAG } from '../rules/intraday.js';

/** `text` of those orders and of the orders the square-off cancels. */
export const AUTO_SQUARE_OFF_TEXT = 'Auto square-off: intraday position closed by the broker';
const CANCEL_TEXT = 'Cancelled by the auto square-off of intraday orders';

/** Exchanges whose square-off time has come during today's session. */
function dueExchanges(run: Run): Set<Exchange> {
  const { core, ctx } = run;
  const due = new Set<Exchange>();
  if (!core.intraday.enabled) return due;
  for (const ex of Object.values(EXCHANGES)) {
    if (ctx.market.session(ex, ctx.now) !== 'open' || !isTradingDay(ctx.market, ex, ctx.now)) continue;
    const t = timeOn(ctx.market, ex, ctx.now, core.intraday.times(ex, ctx.now).squareOff);
    if (t !== undefined && ctx.now >= t) due.add(ex);
  }
  return due;
}

/**
 * Per account: the `exchange|token|product` keys of its auto square-off orders of one IST day, and the
 * size of its order map when they were collected (a new order, or the day's roll, collects them again).
 */
const triedMemo = new WeakMap<AccountState, { day: number; size: number; keys: Set<string> }>();

/**
 * True when the account already has an auto square-off order of today on this instrument and product.
 * Asked on every clock move after the square-off time for each position still open: the account's orders
 * are scanned only when their number changed, not on every ask.
 */
function triedToday(
  acc: AccountState,
  exchange: Exchange,
  token: string,
  product: string,
  day: number,
): boolean {
  let memo = triedMemo.get(acc);
  if (memo === undefined || memo.day !== day || memo.size !== acc.orders.size) {
    const keys = new Set<string>();
    for (const o of acc.orders.values())
      if (o.ordertag === AUTO_SQUARE_OFF_TAG && o.createdat >= day)
        keys.add(`${o.exchange}|${o.symboltoken}|${o.producttype}`);
    memo = { day, size: acc.orders.size, keys };
    triedMemo.set(acc, memo);
  }
  return memo.keys.has(`${exchange}|${token}|${product}`);
}

/**
 * The auto square-off (run by the clock driver on every clock move): on each exchange whose square-off
 * time has come while its session is open, cancels the working intraday orders (AB02) and closes each
 * open intraday position with MARKET orders (split at the freeze quantity), once per position and day.
 * The first fill of each square-off order carries the auto square-off charge (`othercharges`).
 */
export function autoSquareOff(run: Run): void {
  const due = dueExchanges(run);
  if (due.size === 0) return;
  const { core, ctx, em } = run;
  const day = istDayStart(ctx.now);
  for (const acc of core.state.accounts.values()) {
    // 1. Pending intraday orders (twice: cancelling a partly filled bracket entry places its exit legs).
    for (let pass = 0; pass < 2; pass++) {
      for (const id of [...acc.working]) {
        const o = acc.orders.get(id);
        if (!o || !isWorking(o) || o.amo || !due.has(o.exchange) || !isIntradayProduct(o.producttype))
          continue;
        if (o.ordertag === AUTO_SQUARE_OFF_TAG) continue;
        cancelRest(run, o, CANCEL_TEXT);
      }
    }
    // 2. Open intraday positions.
    for (const p of [...acc.positions.values()]) {
      if (!due.has(p.exchange) || !isIntradayProduct(p.producttype)) continue;
      const net = positionFigures(p).netQty;
      if (net === 0 || triedToday(acc, p.exchange, p.symboltoken, p.producttype, day)) continue;
      const inst = ctx.market.instrument(p.exchange, p.symboltoken);
      if (!inst) continue;
      const lot = Math.max(1, inst.lotSize);
      const chunk = Number.isFinite(inst.freezeQty)
        ? Math.max(lot, Math.floor(inst.freezeQty / lot) * lot)
        : Math.abs(net);
      for (let left = Math.abs(net); left > 0; left -= chunk) {
        const o = submit(
          run,
          acc,
          {
            variety: 'NORMAL',
            inst,
            side: net > 0 ? 'SELL' : 'BUY',
            ordertype: 'MARKET',
            product: p.producttype,
            duration: 'DAY',
            price: 0,
            trigger: 0,
            qty: Math.min(chunk, left),
            disclosed: 0,
            squareoff: 0,
            stoploss: 0,
            trailing: 0,
            ordertag: AUTO_SQUARE_OFF_TAG,
          },
          '',
          '',
        );
        if (o.status === 'rejected') continue;
        if (!o.text) {
          o.text = AUTO_SQUARE_OFF_TEXT;
          em.order(o);
        }
        // The auto square-off charge is booked on the order's first fill (`othercharges`, orders/matching.ts).
      }
    }
  }
}
