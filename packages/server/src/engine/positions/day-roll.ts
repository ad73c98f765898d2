/**
 * The day roll: end-of-day settlement of an account whose trading day is before the IST day of
 * `ctx.now`. Working DAY orders expire (cancelled; AMOs stay queued), equity delivery positions settle in
 * cash (sell − buy value) and leave the book, today's sales leave the holdings and T1 quantity settles when
 * the new day is a trading day (T+1, `rules/settlement.ts`), MTM
 * products (intraday, F&O) settle realised + unrealised P&L at the LTP into cash and carry their net
 * quantity forward at that price. Derivatives whose expiry day ended are first closed by the expiry
 * settlement (`expiry.ts`: final settlement price, exercise, physical delivery).
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import { isDeliveryProduct } from '../risk/margin.js';
import { t1SettlesOn } from '../rules/settlement.js';
import { indexOrder, isWorking, setBlocked } from '../state.js';
import type { AccountState, PositionRecord } from '../types.js';
import { settleExpiries } from './expiry.js';
import { isEmptyPosition, positionFigures, unrealisedPnl } from './portfolio.js';

/** Every day and carried-forward quantity and amount of a position at zero. */
const ZERO_POSITION = {
  buyqty: 0,
  buyamount: 0,
  sellqty: 0,
  sellamount: 0,
  cfbuyqty: 0,
  cfbuyamount: 0,
  cfsellqty: 0,
  cfsellamount: 0,
} as const;

/**
 * The net average of a position with its carried quantity at its original average (not the settlement
 * price an earlier roll carried it at): what the Portfolio API calls the original average.
 */
function originalNetAvg(p: PositionRecord): number {
  const org = p.cforgavgprice ?? 0;
  if (org <= 0) return positionFigures(p).netAvg;
  return positionFigures({
    ...p,
    cfbuyamount: p.cfbuyqty * org,
    cfsellamount: p.cfsellqty * org,
  }).netAvg;
}

/** Settles the account's previous trading day when `run.ctx.now` is in a later IST day (else nothing). */
export function ensureDay(run: Run, acc: AccountState): void {
  const { ctx, em } = run;
  const day = istDayStart(ctx.now);
  if (acc.funds.tradingday >= day) return;
  // 1. Working day orders expire (AMOs placed after the close stay queued for the next session).
  for (const id of [...acc.working]) {
    const o = acc.orders.get(id);
    if (!o || !isWorking(o) || o.amo) continue;
    o.cancelsize = o.quantity - o.filledshares;
    setBlocked(acc, o, 0);
    o.status = 'cancelled';
    o.text = 'Order expired at the end of the trading day';
    o.updatedat = ctx.now;
    indexOrder(run.core.state, o);
    em.order(o, 'AB02');
  }
  // 2. Derivatives whose expiry day ended settle (positions/expiry.ts), then positions settle.
  settleExpiries(run, acc, day);
  for (const p of acc.positions.values()) {
    if (isEmptyPosition(p)) continue;
    const f = positionFigures(p);
    if (isDeliveryProduct(p, p.producttype)) {
      acc.funds.cash += Math.round(p.sellamount - p.buyamount);
      Object.assign(p, ZERO_POSITION);
    } else {
      const ltp = ctx.market.quote(p.exchange, p.symboltoken)?.ltp ?? 0;
      const settle = ltp > 0 ? ltp : f.netAvg;
      const original = originalNetAvg(p);
      acc.funds.cash += Math.round(f.realised + unrealisedPnl(p, settle, f));
      const expired = p.expiry > 0 && p.expiry < day;
      Object.assign(p, ZERO_POSITION);
      p.cforgavgprice = 0;
      if (!expired && f.netQty > 0) {
        p.cfbuyqty = f.netQty;
        p.cfbuyamount = f.netQty * settle;
        p.cforgavgprice = original;
      } else if (!expired && f.netQty < 0) {
        p.cfsellqty = -f.netQty;
        p.cfsellamount = -f.netQty * settle;
        p.cforgavgprice = original;
      }
    }
    em.position(p);
  }
  // 3. The day's sales leave (settled quantity first, then T1: BTST); T1 settles on a trading day (T+1).
  for (const h of acc.holdings.values()) {
    const settles = h.t1quantity > 0 && t1SettlesOn(ctx.market, h.exchange, day);
    if (!settles && h.usedquantity === 0 && h.authorisedquantity === 0) continue;
    const fromSettled = Math.min(h.usedquantity, h.quantity);
    h.quantity -= fromSettled;
    h.t1quantity -= h.usedquantity - fromSettled;
    if (settles) {
      h.quantity += h.t1quantity;
      h.t1quantity = 0;
    }
    h.usedquantity = 0;
    h.authorisedquantity = 0;
    em.holding(h);
  }
  acc.funds.tradingday = day;
  em.funds(acc.funds);
}

/** Rolls every account whose trading day ended. */
export function rollDay(run: Run): void {
  for (const acc of run.core.state.accounts.values()) ensureDay(run, acc);
}
