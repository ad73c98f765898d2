/**
 * The order book the synthetic source shows: the best five levels around the model price, the deeper
 * levels (up to 20) derived from the quote's sequence, and the quote snapshot built from a book.
 */
import { hashString, mixSeed, Rng } from '../../rng.js';
import type { BookLevel, Quote } from '../../types.js';
import { type Book, EMPTY_LEVEL, type InstState } from './model.js';

/** Seeded quantity of one book level. */
export function levelQuantity(st: InstState, r: Rng): number {
  const lot = Math.max(1, st.inst.lotSize);
  if (st.kind === 'spot') return Math.max(1, Math.round(st.levelQty * (0.2 + 1.6 * r.next())));
  return lot * r.int(1, Math.max(1, Math.round((st.levelQty / lot) * st.liquidity * 2)));
}

/**
 * `x` as a small integer when it is one. The book's prices and sizes are whole numbers computed in
 * floating point; stored as such, V8 gives the level objects double fields (a boxed number each), which
 * made building a book ~10× slower than drawing it (benchmarks/market-step/README.md).
 */
function small(x: number): number {
  return x === (x | 0) ? x | 0 : x;
}

/**
 * Best five levels around an (unrounded) model price. Levels outside the circuits are empty, and so is
 * every level after the first empty one (no holes in the book); the random draws do not depend on that.
 */
export function bookLevels(st: InstState, value: number, r: Rng): Book {
  if (st.kind === 'index') {
    const empty = [EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL];
    return { bids: empty, asks: empty };
  }
  const tick = st.tick;
  const lower = st.lower;
  const upper = st.upper;
  const spot = st.kind === 'spot';
  // levelQuantity's constants, hoisted (the same draws, in the same order)
  const lot = Math.max(1, st.inst.lotSize);
  const lotsMax = Math.max(1, Math.round((st.levelQty / lot) * st.liquidity * 2));
  const spread = r.chance(0.75) ? 1 : 2;
  let bid = Math.floor(value / tick) * tick;
  if (bid === value) bid -= r.chance(0.5) ? tick : 0;
  const ask = bid + spread * tick;
  const bids: BookLevel[] = [EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL];
  const asks: BookLevel[] = [EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL, EMPTY_LEVEL];
  let bidOpen = true;
  let askOpen = true;
  for (let i = 0; i < 5; i++) {
    const bp = bid - i * tick;
    const ap = ask + i * tick;
    if (bp >= lower && bp >= tick && bp <= upper) {
      const q = spot
        ? Math.max(1, Math.round(st.levelQty * (0.2 + 1.6 * r.next())))
        : lot * r.int(1, lotsMax);
      const orders = Math.max(1, Math.min(q, r.int(1, 30)));
      if (bidOpen) bids[i] = { price: small(bp), quantity: small(q), orders: small(orders) };
    } else bidOpen = false;
    if (ap <= upper && ap >= lower) {
      const q = spot
        ? Math.max(1, Math.round(st.levelQty * (0.2 + 1.6 * r.next())))
        : lot * r.int(1, lotsMax);
      const orders = Math.max(1, Math.min(q, r.int(1, 30)));
      if (askOpen) asks[i] = { price: small(ap), quantity: small(q), orders: small(orders) };
    } else askOpen = false;
  }
  return { bids, asks };
}

/** Depth of up to 20 levels per side; the first five equal the quote's best five. */
export function deepBook(st: InstState, seed: number, levels: number): Book {
  const n = Math.max(0, Math.min(20, Math.floor(levels)));
  const q = quoteOf(st);
  const r = new Rng(mixSeed(seed, hashString(st.key), q.sequence));
  const side = (best: BookLevel[], dir: 1 | -1): BookLevel[] => {
    const out: BookLevel[] = [];
    for (let i = 0; i < n; i++) {
      if (i < 5) {
        out.push({ ...(best[i] ?? EMPTY_LEVEL) });
        continue;
      }
      const prev = out[i - 1]!;
      const price = prev.price === 0 ? 0 : prev.price + dir * st.tick;
      if (price <= 0 || price < st.lower || (st.upper > 0 && price > st.upper)) {
        out.push({ ...EMPTY_LEVEL });
        continue;
      }
      const quantity = levelQuantity(st, r);
      out.push({ price, quantity, orders: Math.max(1, Math.min(quantity, r.int(1, 40))) });
    }
    return out;
  };
  return { bids: side(q.bids, -1), asks: side(q.asks, 1) };
}

/**
 * The instrument's latest quote, built now when the step that changed it left it unbuilt (nobody
 * listened for it). The state has not changed since that step (see {@link settleQuote}), so the quote is
 * the one the step would have built.
 */
export function quoteOf(st: InstState): Quote {
  if (st.stale) buildQuote(st, st.quoteT, st.book);
  return st.quote;
}

/** Builds a stale quote before the state moves without publishing a new one (a day roll, an auction). */
export function settleQuote(st: InstState): void {
  if (st.stale) buildQuote(st, st.quoteT, st.book);
}

/** Leaves the instrument's quote unbuilt: the change of `book` at `t` is built on first read ({@link quoteOf}). */
export function deferQuote(st: InstState, t: number, book: Book): void {
  st.book = book;
  st.quoteT = t;
  st.stale = true;
}

/** Replaces the instrument's quote with a frozen snapshot of its state and `book` at `t`. */
export function buildQuote(st: InstState, t: number, book: Book): void {
  let buy = 0;
  let sell = 0;
  for (const l of book.bids) buy += l.quantity;
  for (const l of book.asks) sell += l.quantity;
  const deriv = st.kind === 'future' || st.kind === 'option';
  const q: Quote = {
    exchange: st.inst.exchange,
    token: st.inst.token,
    sequence: st.seq,
    timestamp: t,
    ltp: st.ltp,
    lastTradeQty: st.lastTradeQty,
    lastTradeTime: st.lastTradeTime,
    avgPrice: st.volume > 0 ? Math.round(st.turnover / st.volume) : 0,
    volume: st.volume,
    open: st.open,
    high: st.high,
    low: st.low,
    close: st.prevClose,
    openInterest: deriv ? st.oi : 0,
    totalBuyQty: buy * 6,
    totalSellQty: sell * 6,
    bids: book.bids,
    asks: book.asks,
    upperCircuit: st.upper,
    lowerCircuit: st.lower,
    high52Week: st.high52,
    low52Week: st.low52,
    prevOpenInterest: deriv ? st.prevOi : 0,
  };
  st.quote = Object.freeze(q) as Quote;
  st.book = book;
  st.quoteT = t;
  st.stale = false;
}
