/**
 * The market and clock drivers: what happens without a command. A quote releases AMOs once the session
 * is open, triggers stop orders on the LTP, fills resting orders the market reached and fires GTT rules
 * whose trigger the LTP crossed; the clock settles ended trading days, matches the pre-open call auction
 * (`orders/auction.ts`), releases AMOs, expires rules and runs the intraday auto square-off.
 */
import { istDayStart } from '@smartapi-ts/protocol';
import type { Run } from './context.js';
import { WalkTheBookFillModel } from './execution/fill-model.js';
import { shownAt } from './execution/queue.js';
import { expireGtt, fireGtt } from './gtt.js';
import { auctionIfDue, mayStillTakePart } from './orders/auction.js';
import { arriveModify } from './orders/commands.js';
import { cancelRest, release } from './orders/lifecycle.js';
import { work } from './orders/matching.js';
import type { Quote } from './ports.js';
import { ensureDay } from './positions/day-roll.js';
import { autoSquareOff } from './positions/square-off.js';
import { instrumentKey, isWorking, lowerBound } from './state.js';
import type { AccountState, EngineState, InstrumentBook, WorkingEntry } from './types.js';

/** One quote of one instrument. O(working orders + armed rules on that instrument). */
export function onQuote(run: Run, quote: Quote): void {
  const { core, ctx } = run;
  const { state } = core;
  const key = instrumentKey(quote.exchange, quote.token);
  const open = ctx.market.session(quote.exchange, ctx.now) === 'open';
  const working = state.workingByInstrument.get(key);
  core.fillModel.observe?.(quote);
  if (working && working.size > 0 && open) {
    const day = istDayStart(ctx.now);
    const fm = core.fillModel instanceof WalkTheBookFillModel ? core.fillModel : undefined;
    const fast = fm !== undefined && !fm.everyQuote;
    const queued = fm?.everyQuote === true;
    const ask = quote.asks[0];
    const bid = quote.bids[0];
    // Highest buy limit / lowest sell limit the quote can reach (trade-through or touch of the book).
    const buyReach = Math.min(
      ask && ask.quantity > 0 && ask.price > 0 ? ask.price : Number.POSITIVE_INFINITY,
      quote.ltp > 0 ? quote.ltp + 1 : Number.POSITIVE_INFINITY,
    );
    const sellReach = Math.max(
      bid && bid.quantity > 0 && bid.price > 0 ? bid.price : 0,
      quote.ltp > 0 ? quote.ltp - 1 : 0,
    );
    // Queue models: a resting limit below the LTP, the ask and the visible bids (a sell above the LTP,
    // the bid and the visible asks) sees no trade at its price and no change of its level.
    let lowBid = Number.POSITIVE_INFINITY;
    let highAsk = 0;
    if (queued) {
      for (const l of quote.bids) if (l.quantity > 0 && l.price > 0 && l.price < lowBid) lowBid = l.price;
      for (const l of quote.asks) if (l.quantity > 0 && l.price > 0 && l.price > highAsk) highAsk = l.price;
    }
    const buyQuiet = Math.min(buyReach, quote.ltp > 0 ? quote.ltp : Number.POSITIVE_INFINITY, lowBid);
    const sellQuiet = Math.max(sellReach, quote.ltp, highAsk);
    // Accounts whose trading day ended settle first (their day orders expire before any fill).
    const book = state.books.get(key);
    if (book) {
      const late: AccountState[] = [];
      for (const owner of book.owners.keys()) {
        const a = state.accounts.get(owner);
        if (a && a.funds.tradingday < day) late.push(a);
      }
      for (const a of late) ensureDay(run, a);
    }
    // Queue positions: of the visible levels the quote does not reach, only those whose displayed quantity
    // changed since their orders' last visit are visited (the others' queues cannot move).
    const levels =
      queued && fm?.tracksQueues && book
        ? changedLevels(state, book, fm, quote, buyQuiet, sellQuiet)
        : undefined;
    const visit =
      fm && book
        ? reachable(
            state,
            working,
            book,
            levels ? levels.buyFrom : fast ? buyReach : buyQuiet,
            levels ? levels.sellTo : fast ? sellReach : sellQuiet,
            queued ? fm : undefined,
            dueAmendments(state, ctx.now),
            levels,
          )
        : entriesOf(state, working);
    // The fresh limits the loop visits (not yet at the exchange: they join at this quote).
    const freshAtStart =
      levels && book && book.fresh.size > 0 ? new Set(book.fresh) : levels ? EMPTY : undefined;
    let acc: AccountState | undefined;
    for (const e of visit) {
      // An order that stopped working earlier in this loop (a fill, a ROBO sibling's cancel).
      if (!e.working) continue;
      const owner = e.owner;
      const orderid = e.id;
      if (acc?.clientcode !== owner) {
        acc = state.accounts.get(owner);
        if (!acc) continue;
        if (acc.funds.tradingday < day) ensureDay(run, acc);
      }
      const o = e.order;
      if (cancelDue(state, orderid, ctx.now)) {
        // The cancel reached the exchange before this quote: nothing of the quote fills it.
        if (isWorking(o)) cancelRest(run, o, '');
        continue;
      }
      const m = state.modifies.size > 0 ? state.modifies.get(orderid) : undefined;
      if (m !== undefined && m.due <= ctx.now) {
        // The modification reached the exchange before this quote: the new terms meet it.
        arriveModify(run, acc, o, m);
        continue;
      }
      if (o.amo) {
        if (open && isWorking(o) && !auctionIfDue(run, acc, o)) release(run, acc, o, quote);
        continue;
      }
      if (!open) continue;
      if (fast && o.status === 'open' && o.ordertype === 'LIMIT') {
        // Resting limits the quote does not reach (the common case on every tick).
        if (o.transactiontype === 'BUY' ? o.price < buyReach : o.price > sellReach) continue;
      } else if (
        queued &&
        !levels &&
        o.status === 'open' &&
        o.ordertype === 'LIMIT' &&
        !fm?.unarrived(o.orderid)
      ) {
        if (o.transactiontype === 'BUY' ? o.price < buyQuiet : o.price > sellQuiet) continue;
      }
      // An order of the pre-open whose call auction has not run yet (the clock jumped past it).
      if (o.status === 'open' && o.filledshares === 0 && o.updatedat >= day) auctionIfDue(run, acc, o);
      if (isWorking(o)) work(run, acc, o, quote, false);
    }
    if (levels && book) {
      // The levels visited in full are in step with this quote; those it reaches are not (a take leaves
      // the queue as it was): they are visited again while they stay in reach.
      for (const p of levels.buy) book.buyShown.set(p, shownAt(quote, true, p));
      for (const p of levels.sell) book.sellShown.set(p, shownAt(quote, false, p));
      const { buyPrices, sellPrices } = book;
      for (let i = lowerBound(buyPrices, levels.buyFrom); i < buyPrices.length; i++)
        book.buyShown.delete(buyPrices[i] as number);
      for (let i = 0; i < sellPrices.length && (sellPrices[i] as number) <= levels.sellTo; i++)
        book.sellShown.delete(sellPrices[i] as number);
    }
    if (book && !queued) {
      // Without a queue model nothing needs `fresh` (kept small: a large set costs every order a cache
      // miss). After a switch to a queue model, a limit that rested meanwhile (no execution state yet)
      // arrives and joins its queue on its first visit: at once at a visible level (the new settings void
      // the level memory) or one the quote reaches, else when its level shows up.
      book.fresh.clear();
    }
    if (book && queued) {
      // Fresh resting limits had their visit; those not yet at the exchange stay fresh. One placed during
      // this loop (a GTT rule fired, a bracket's exit legs) joined at the market's quote of that moment,
      // maybe not this one: its level is forgotten (visited in full next time).
      for (const id of [...book.fresh]) {
        if (fm?.unarrived(id)) continue;
        book.fresh.delete(id);
        const e = freshAtStart?.has(id) === false ? state.workingOrders.get(id) : undefined;
        if (e?.resting) (e.buy ? book.buyShown : book.sellShown).delete(e.price);
      }
    }
  }
  const rules = state.gttByInstrument.get(key);
  if (open && rules && rules.size > 0 && quote.ltp > 0) {
    for (const id of [...rules]) {
      const owner = state.gttOwner.get(id);
      const acc = owner === undefined ? undefined : state.accounts.get(owner);
      const rule = acc?.gttRules.get(id);
      if (!acc || !rule || rule.status !== 'NEW') continue;
      ensureDay(run, acc);
      if (expireGtt(run, rule)) continue;
      const hit = rule.direction === 'up' ? quote.ltp >= rule.triggerprice : quote.ltp <= rule.triggerprice;
      if (hit) fireGtt(run, acc, rule);
    }
  }
}

/** The entries of `ids` (those that have one), in the order given. */
function entriesOf(state: EngineState, ids: ReadonlySet<string>): WorkingEntry[] {
  const out: WorkingEntry[] = [];
  for (const id of ids) {
    const e = state.workingOrders.get(id);
    if (e !== undefined) out.push(e);
  }
  return out;
}

/**
 * The working orders of an instrument a quote must visit, in the order they started working: every order
 * that is not a resting limit, the resting buy limits priced at or above `buyFrom` and sell limits at or
 * below `sellTo` (the levels the quote can reach), under a queue model (`queue`) the fresh resting
 * limits not at the exchange yet (unarrived), and those with a delayed cancel or modification
 * that is due (`due`). The quote loop skips the other resting limits
 * anyway, so visiting only these changes nothing but the cost: O(orders visited), not O(resting orders).
 */
function reachable(
  state: EngineState,
  working: ReadonlySet<string>,
  book: InstrumentBook,
  buyFrom: number,
  sellTo: number,
  queue: WalkTheBookFillModel | undefined,
  due: readonly string[],
  levels: ChangedLevels | undefined,
): WorkingEntry[] {
  const entries = state.workingOrders;
  const out: WorkingEntry[] = [];
  for (const id of book.others) {
    const e = entries.get(id);
    if (e !== undefined) out.push(e);
  }
  const { buyPrices, sellPrices } = book;
  for (let i = lowerBound(buyPrices, buyFrom); i < buyPrices.length; i++)
    for (const e of book.buy.get(buyPrices[i] as number) ?? []) out.push(e);
  for (let i = 0; i < sellPrices.length && (sellPrices[i] as number) <= sellTo; i++)
    for (const e of book.sell.get(sellPrices[i] as number) ?? []) out.push(e);
  if (levels) {
    for (const p of levels.buy) for (const e of book.buy.get(p) ?? []) out.push(e);
    for (const p of levels.sell) for (const e of book.sell.get(p) ?? []) out.push(e);
  }
  if ((queue !== undefined && book.fresh.size > 0) || due.length > 0 || (levels?.joined.length ?? 0) > 0) {
    const seen = new Set<string>();
    for (const e of out) seen.add(e.id);
    const add = (id: string) => {
      if (seen.has(id) || !working.has(id)) return;
      const e = entries.get(id);
      if (e === undefined) return;
      seen.add(id);
      out.push(e);
    };
    if (queue !== undefined) {
      for (const id of book.fresh) {
        // A fresh limit already at the exchange is visited as any resting limit: through its level when
        // the quote shows or reaches it, else skipped by the quote loop; it leaves `fresh` (as it would
        // after the loop: nothing reads `fresh` meanwhile).
        if (queue.unarrived(id)) add(id);
        else book.fresh.delete(id);
      }
    }
    for (const id of due) add(id);
    for (const e of levels?.joined ?? []) add(e.id);
  }
  // Sorted by rank (the levels hold entries: no look-up per order; others and fresh ids were looked up).
  if (out.length > 1) out.sort(byRankOrder);
  return out;
}

/** The orders with a delayed cancel or modification that reached the exchange by `now`. */
function dueAmendments(state: EngineState, now: number): string[] {
  const out: string[] = [];
  if (state.cancels.size > 0) for (const [id, due] of state.cancels) if (due <= now) out.push(id);
  if (state.modifies.size > 0) for (const [id, m] of state.modifies) if (m.due <= now) out.push(id);
  return out;
}

/** True (once: it is then consumed) when the delayed cancel of `orderid` reached the exchange by `now`. */
function cancelDue(state: EngineState, orderid: string, now: number): boolean {
  if (state.cancels.size === 0) return false;
  const due = state.cancels.get(orderid);
  if (due === undefined || due > now) return false;
  state.cancels.delete(orderid);
  return true;
}

const byRankOrder = (x: WorkingEntry, y: WorkingEntry): number => x.rank - y.rank;
const EMPTY: ReadonlySet<string> = new Set();

/** The levels a quote visits under a queue model that tracks queues (see {@link changedLevels}). */
interface ChangedLevels {
  /** Buy levels at or above it are visited (the quote reaches them or trades at them). */
  buyFrom: number;
  /** Sell levels at or below it are visited. */
  sellTo: number;
  /** Visible buy / sell levels out of reach whose displayed quantity changed: visited in full. */
  buy: number[];
  sell: number[];
  /** Fresh limits at the exchange in the visible range out of reach: visited on their own. */
  joined: WorkingEntry[];
}

/**
 * Under a queue model, a resting limit at a price the quote neither reaches nor trades at (a buy below
 * the LTP and the ask) changes its queue only through the displayed quantity at its price
 * (`queue.ts` advanceQueue: `ahead` is capped by it; the probabilistic model reads a fall of it as
 * cancellations). When that quantity is the one all the level's orders saw on their last visit, the
 * visit changes nothing and the level is skipped. The level memory (`book.buyShown`/`sellShown`) holds
 * a price only while all its orders at the exchange are in step: a new order there (fresh: it joined the
 * queue at some other quote) and a level the quote reaches (a take leaves the queue as it was) drop it; a
 * change of the fill model's settings voids it. So the set of orders visited changes, never their fills:
 * the quote costs O(orders at the levels that changed), not O(orders at the visible levels).
 */
function changedLevels(
  state: EngineState,
  book: InstrumentBook,
  fm: WalkTheBookFillModel,
  quote: Quote,
  buyQuiet: number,
  sellQuiet: number,
): ChangedLevels {
  if (book.shownGeneration !== fm.generation) {
    book.buyShown.clear();
    book.sellShown.clear();
    book.shownGeneration = fm.generation;
  }
  const ask = quote.asks[0];
  const bid = quote.bids[0];
  const ltp = quote.ltp > 0 ? quote.ltp : Number.POSITIVE_INFINITY;
  const buyFrom = Math.min(
    ask && ask.quantity > 0 && ask.price > 0 ? ask.price : Number.POSITIVE_INFINITY,
    ltp,
  );
  const sellTo = Math.max(bid && bid.quantity > 0 && bid.price > 0 ? bid.price : 0, quote.ltp);
  // Fresh limits already at the exchange joined their queue when placed or modified, at the quote of that
  // moment: in the visible range out of reach they are visited on their own (their level's other orders
  // need not be); elsewhere their level is forgotten (visited in full once it is in range). Fresh limits
  // not at the exchange yet are visited anyway (`reachable`) and join at this quote.
  const joined: WorkingEntry[] = [];
  for (const id of book.fresh) {
    const e = state.workingOrders.get(id);
    if (!e?.resting || fm.unarrived(id)) continue;
    const inRange = e.buy
      ? e.price >= buyQuiet && e.price < buyFrom
      : e.price > sellTo && e.price <= sellQuiet;
    if (inRange) joined.push(e);
    else (e.buy ? book.buyShown : book.sellShown).delete(e.price);
  }
  const buy: number[] = [];
  const sell: number[] = [];
  const { buyPrices, sellPrices } = book;
  for (let i = lowerBound(buyPrices, buyQuiet); i < buyPrices.length; i++) {
    const p = buyPrices[i] as number;
    if (p >= buyFrom) break;
    if (book.buyShown.get(p) !== shownAt(quote, true, p)) buy.push(p);
  }
  for (let i = lowerBound(sellPrices, sellTo + 1); i < sellPrices.length; i++) {
    const p = sellPrices[i] as number;
    if (p > sellQuiet) break;
    if (book.sellShown.get(p) !== shownAt(quote, false, p)) sell.push(p);
  }
  return { buyFrom, sellTo, buy, sell, joined };
}

/**
 * The clock: settles accounts whose trading day ended, runs due call auctions, releases AMOs on exchanges
 * whose session is open (at the latest quotes), expires GTT rules and runs the auto square-off. Visits
 * only the orders on `state.clockWatch`, not every working order.
 */
export function onClock(run: Run): void {
  const { core, ctx } = run;
  const { state } = core;
  for (const acc of state.accounts.values()) ensureDay(run, acc);
  // Delayed cancels that reached the exchange (also without a quote of their instrument).
  if (state.cancels.size > 0) {
    for (const [orderid, due] of [...state.cancels]) {
      if (due > ctx.now) continue;
      state.cancels.delete(orderid);
      const owner = state.workingOrders.get(orderid)?.owner;
      const o = owner === undefined ? undefined : state.accounts.get(owner)?.orders.get(orderid);
      if (o && isWorking(o)) cancelRest(run, o, '');
    }
  }
  // Delayed modifications that reached the exchange (matched against the latest quote, if any).
  if (state.modifies.size > 0) {
    for (const [orderid, m] of [...state.modifies]) {
      if (m.due > ctx.now) continue;
      const acc = state.accounts.get(state.workingOrders.get(orderid)?.owner ?? '');
      const o = acc?.orders.get(orderid);
      if (acc && o) arriveModify(run, acc, o, m);
      else state.modifies.delete(orderid);
    }
  }
  // The orders the clock may act on (AMOs, auction candidates), in the order they started working.
  const due: WorkingEntry[] = [];
  for (const e of state.clockWatch) {
    const o = e.order;
    if (!e.working || !isWorking(o) || (!o.amo && !mayStillTakePart(ctx.market, o, ctx.now)))
      state.clockWatch.delete(e);
    else due.push(e);
  }
  if (due.length > 1) due.sort(byRankOrder);
  for (const e of due) {
    const acc = state.accounts.get(e.owner);
    const o = e.order;
    if (!acc || !e.working || !isWorking(o)) continue;
    if (auctionIfDue(run, acc, o) || !o.amo) continue;
    if (ctx.market.session(o.exchange, ctx.now) !== 'open') continue;
    const quote = ctx.market.quote(o.exchange, o.symboltoken);
    if (quote) release(run, acc, o, quote);
  }
  for (const [id, owner] of [...state.gttOwner]) {
    const rule = state.accounts.get(owner)?.gttRules.get(id);
    if (rule) expireGtt(run, rule);
  }
  autoSquareOff(run);
}
