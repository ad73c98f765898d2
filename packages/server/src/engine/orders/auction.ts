/**
 * The pre-open call auction (docs/paper-broker-rules.md#pre-open-call-auction). Pure: the auction (its
 * order-entry close, equilibrium price and matched quantity) comes from the market port
 * (`MarketView.callAuction`).
 *
 * - **Who takes part.** Working LIMIT and MARKET orders of variety NORMAL or AMO with validity DAY on an
 *   instrument that has an auction today, placed before the end of order entry: AMOs (from the evening
 *   before, or placed in the pre-open) and orders placed during order entry (they reach the exchange at
 *   once, status `open`, and wait for the auction).
 * - **Matching.** At the end of order entry (the random instant of the 8th minute) every taking part
 *   order is matched at the equilibrium price: a MARKET order, a BUY limit at or above it, a SELL limit at
 *   or below it fills at the equilibrium, up to the auction's matched quantity [INF: the paper orders are
 *   price takers of the market's discovered opening price; each fills up to the auction's volume, their
 *   own effect on the equilibrium is not modelled]. The trades carry the end-of-entry time.
 * - **What is left.** A limit that does not cross stays open at its price into the normal market. The
 *   unfilled rest of a MARKET order becomes a limit at the equilibrium price (NSE: "market orders are sent
 *   as limit orders at the discovered equilibrium price"; without an equilibrium at the previous close,
 *   https://www.nseindia.com/products-services/equity-market-pre-open); as with market protection the
 *   order keeps `ordertype: MARKET` and shows the limit in `price`.
 * - Stop-loss and IOC orders do not take part (not allowed in the pre-open, NSE/FAOP/71092); as AMOs
 *   they are released at 09:15 as before.
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import type { CallAuction, MarketView } from '../ports.js';
import { indexOrder, isWorking } from '../state.js';
import type { AccountState, OrderRecord } from '../types.js';
import { applyFill } from './matching.js';

/** True when the order type may take part in a call auction (LIMIT or MARKET, DAY, NORMAL or AMO). */
function auctionable(o: Pick<OrderRecord, 'ordertype' | 'duration' | 'variety' | 'parentorderid'>): boolean {
  return (
    (o.ordertype === 'LIMIT' || o.ordertype === 'MARKET') &&
    o.duration === 'DAY' &&
    (o.variety === 'NORMAL' || o.variety === 'AMO') &&
    !o.parentorderid
  );
}

/**
 * The auction an order placed at `now` enters directly (it reaches the exchange and waits for the
 * auction), or undefined: the instrument's pre-open order entry is running and the order can take part.
 */
export function preOpenEntry(
  market: MarketView,
  o: Pick<OrderRecord, 'exchange' | 'symboltoken' | 'ordertype' | 'duration' | 'variety' | 'parentorderid'>,
  now: number,
): CallAuction | undefined {
  if (!auctionable(o) || market.session(o.exchange, now) !== 'preopen') return undefined;
  const a = market.callAuction?.(o.exchange, o.symboltoken, now);
  return a && now < a.entryClose ? a : undefined;
}

/**
 * A cheap first test (no market lookup): `o` could take part in a call auction due at `now` — an AMO, or
 * an unfilled open order last touched today in its exchange's pre-open — while the exchange is in its
 * pre-open or open session.
 */
export function mayTakePart(market: MarketView, o: OrderRecord, now: number): boolean {
  if (!auctionable(o) || !isWorking(o)) return false;
  if (!o.amo) {
    if (o.status !== 'open' || o.filledshares > 0 || o.updatedat < istDayStart(now)) return false;
    if (market.session(o.exchange, o.updatedat) !== 'preopen') return false;
  }
  const session = market.session(o.exchange, now);
  return session === 'preopen' || session === 'open';
}

/**
 * False when an order that is not an AMO can no longer take part in a call auction from `now` on without
 * being changed first: the parts of {@link mayTakePart} that do not turn true again as time passes. The
 * changes that can make it a candidate again put it back on the clock's watch: a placement or a modify in
 * a pre-open's order entry (`lifecycle.ts`, `commands.ts`); a fill, a cancel and a new day are final.
 */
export function mayStillTakePart(market: MarketView, o: OrderRecord, now: number): boolean {
  return (
    auctionable(o) &&
    isWorking(o) &&
    (o.amo ||
      (o.status === 'open' &&
        o.filledshares === 0 &&
        o.updatedat >= istDayStart(now) &&
        market.session(o.exchange, o.updatedat) === 'preopen'))
  );
}

/** The auction `o` takes part in at `now` and that is due (order entry has closed), else undefined. */
export function dueAuction(market: MarketView, o: OrderRecord, now: number): CallAuction | undefined {
  if (!mayTakePart(market, o, now)) return undefined;
  const a = market.callAuction?.(o.exchange, o.symboltoken, now);
  if (!a || now < a.entryClose || o.createdat >= a.entryClose) return undefined;
  // An AMO placed before entry closed; or an order placed in today's order entry and not yet matched
  // (matching stamps `updatedat` with the end of entry).
  if (o.amo) return a;
  return o.createdat >= istDayStart(a.entryClose) && o.updatedat < a.entryClose ? a : undefined;
}

/**
 * Matches one order in its due auction (see the module comment). The order leaves the AMO state, fills
 * at the equilibrium what it can, and what is left waits in the normal market.
 */
export function matchInAuction(run: Run, acc: AccountState, o: OrderRecord, a: CallAuction): void {
  const at: Run = { ...run, ctx: { ...run.ctx, now: a.entryClose } };
  const { ctx, em } = at;
  if (o.amo) {
    o.amo = false;
    o.exchangeorderid = ctx.ids.exchangeOrderId();
    o.exchangeat = ctx.now;
    o.status = 'open';
    o.updatedat = ctx.now;
    em.exchange(o, 'AB01', ctx.now);
  }
  o.updatedat = ctx.now;
  const market = o.ordertype === 'MARKET';
  const crosses =
    a.price > 0 && (market || (o.transactiontype === 'BUY' ? o.price >= a.price : o.price <= a.price));
  const remaining = o.quantity - o.filledshares - o.cancelsize;
  const qty = Math.min(remaining, a.volume);
  if (crosses && qty > 0) applyFill(at, acc, o, a.price, qty);
  if (o.status === 'open' && market) {
    // NSE: the unmatched market order moves on as a limit at the equilibrium (else the previous close).
    const close = ctx.market.quote(o.exchange, o.symboltoken)?.close ?? 0;
    o.price = a.price > 0 ? a.price : close;
    em.order(o);
  }
  indexOrder(run.core.state, o);
}

/** Matches the order in its call auction when one is due; true when it did. */
export function auctionIfDue(run: Run, acc: AccountState, o: OrderRecord): boolean {
  const a = dueAuction(run.ctx.market, o, run.ctx.now);
  if (!a) return false;
  matchInAuction(run, acc, o, a);
  return true;
}
