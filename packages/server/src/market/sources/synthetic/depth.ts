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
 * `x` as a small integer when it is one. The book's prices and sizes are whole numbers held as doubles;
 * stored as such, V8 gives every level object double fields (a boxed number each), several times slower to
 * build.
 */
function small(x: number): number {
  return x === (x | 0) ? x | 0 : x;
}

/** Offset of the asks in an instrument's book slots (`InstState.lv`): [price, quantity, orders] × 5 per side. */
export const ASKS = 15;
/** Length of an instrument's book slots. */
export const BOOK_SLOTS = 30;

/**
 * Draws the best five levels around an (unrounded) model price into the instrument's book slots
 * (`st.lv`, numbers only: the level objects are made when a quote is built). Levels outside the circuits
 * are empty, and so is every level after the first empty one (no holes in the book); the random draws do
 * not depend on that.
 */
export function bookLevels(st: InstState, value: number, r: Rng): void {
  const lv = st.lv;
  lv.fill(0);
  if (st.kind === 'index') return;
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
      if (bidOpen) {
        lv[i * 3] = bp;
        lv[i * 3 + 1] = q;
        lv[i * 3 + 2] = orders;
      }
    } else bidOpen = false;
    if (ap <= upper && ap >= lower) {
      const q = spot
        ? Math.max(1, Math.round(st.levelQty * (0.2 + 1.6 * r.next())))
        : lot * r.int(1, lotsMax);
      const orders = Math.max(1, Math.min(q, r.int(1, 30)));
      if (askOpen) {
        lv[ASKS + i * 3] = ap;
        lv[ASKS + i * 3 + 1] = q;
        lv[ASKS + i * 3 + 2] = orders;
      }
    } else askOpen = false;
  }
}

/** The five level objects of one side of the book slots (`from` = 0 bids, {@link ASKS} asks). */
function sideOf(lv: Float64Array, from: number): BookLevel[] {
  const out: BookLevel[] = [];
  for (let i = from; i < from + 15; i += 3) {
    const quantity = lv[i + 1]!;
    out.push(
      quantity === 0 && lv[i] === 0
        ? EMPTY_LEVEL
        : { price: small(lv[i]!), quantity: small(quantity), orders: small(lv[i + 2]!) },
    );
  }
  return out;
}

/** Copies a quote's best five levels back into the book slots (a restored state). */
export function slotsFromQuote(st: InstState): void {
  const lv = st.lv;
  lv.fill(0);
  st.quote.bids.slice(0, 5).forEach((l, i) => {
    lv[i * 3] = l.price;
    lv[i * 3 + 1] = l.quantity;
    lv[i * 3 + 2] = l.orders;
  });
  st.quote.asks.slice(0, 5).forEach((l, i) => {
    lv[ASKS + i * 3] = l.price;
    lv[ASKS + i * 3 + 1] = l.quantity;
    lv[ASKS + i * 3 + 2] = l.orders;
  });
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
  if (st.stale) buildQuote(st, st.quoteT);
  return st.quote;
}

/** Builds a stale quote before the state moves without publishing a new one (a day roll, an auction). */
export function settleQuote(st: InstState): void {
  if (st.stale) buildQuote(st, st.quoteT);
}

/** Leaves the instrument's quote unbuilt: its change at `t` is built on first read ({@link quoteOf}). */
export function deferQuote(st: InstState, t: number): void {
  st.quoteT = t;
  st.stale = true;
}

/** Replaces the instrument's quote with a frozen snapshot of its state and book slots at `t`. */
export function buildQuote(st: InstState, t: number): void {
  const book = { bids: sideOf(st.lv, 0), asks: sideOf(st.lv, ASKS) };
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
  st.quoteT = t;
  st.stale = false;
}
