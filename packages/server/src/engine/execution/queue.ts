/**
 * Queue position of a resting LIMIT order (price-time priority as on NSE/BSE). When the order starts to
 * rest it joins the back of the queue at its price: `ahead` = the displayed quantity at that price on its
 * side (0 when its price is better than the best). Then, on each quote:
 * - the market trades through its price (buy: LTP below it): the whole rest fills at the limit (the
 *   whole queue ahead was filled); an opposite quote at or better than the limit is liquidity the
 *   execution model takes before asking the queue;
 * - the market trades at its price: the volume of that quote first consumes `ahead`,
 *   what is left fills the order (a partial fill when it is less than the rest);
 * - `ahead` never exceeds the displayed quantity at its price while that level is visible (orders
 *   ahead that cancelled);
 * - `probabilistic` only: a fall of the displayed quantity at its price that trades do not explain is
 *   a cancellation, and a seeded share `u ∈ [0, 1)` of it was ahead of us (hftbacktest's idea of
 *   probabilistic queue models; the draw is `draw(seed, orderid, event)`).
 * Model `none` is the old behaviour (fill on touch) and is handled by the walk-the-book model.
 */
import type { Quote } from '../ports.js';
import type { QueueModel } from './presets.js';
import { draw } from './rng.js';

/** The queue state of one resting order. */
export interface QueuePosition {
  /** Quantity ahead of us at our price. */
  ahead: number;
  /** Sequence of the last quote this position advanced on (a quote counts once). */
  sequence: number;
  /** Displayed quantity at our price at the last quote. */
  shown: number;
  /** Draw counter of the probabilistic model. */
  events: number;
}

/** Displayed quantity at `price` on our side of `quote` (bids for a buy). */
export function shownAt(quote: Quote, buy: boolean, price: number): number {
  for (const l of buy ? quote.bids : quote.asks) if (l.price === price && l.quantity > 0) return l.quantity;
  return 0;
}

/** The position of an order that starts to rest at `price` now. */
export function joinQueue(quote: Quote, buy: boolean, price: number): QueuePosition {
  const shown = shownAt(quote, buy, price);
  return { ahead: shown, sequence: quote.sequence, shown, events: 0 };
}

/**
 * Advances `q` by one quote, in which `traded` units traded (the day volume's increase since the
 * instrument's previous quote), and returns the quantity of our order that fills at its limit (≤
 * `remaining`). A quote already seen (same sequence) changes nothing. Mutates `q`.
 */
export function advanceQueue(
  q: QueuePosition,
  quote: Quote,
  traded: number,
  buy: boolean,
  limit: number,
  remaining: number,
  model: QueueModel,
  seed: number,
  key: string,
): number {
  if (quote.sequence === q.sequence) return 0;
  q.sequence = quote.sequence;
  const shown = shownAt(quote, buy, limit);
  const opposite = buy ? quote.asks[0] : quote.bids[0];
  const crossed =
    opposite !== undefined &&
    opposite.quantity > 0 &&
    opposite.price > 0 &&
    (buy ? opposite.price <= limit : opposite.price >= limit);
  const through = quote.ltp > 0 && (buy ? quote.ltp < limit : quote.ltp > limit);
  if (crossed || through) {
    q.ahead = 0;
    q.shown = shown;
    return remaining;
  }
  let fill = 0;
  if (quote.ltp === limit && traded > 0) {
    const used = Math.min(q.ahead, traded);
    q.ahead -= used;
    fill = Math.min(remaining, traded - used);
  }
  if (model === 'probabilistic') {
    const explained = quote.ltp === limit ? traded : 0;
    const cancelled = Math.max(0, q.shown - shown - explained);
    if (cancelled > 0 && q.ahead > 0) {
      const u = draw(seed, key, 1 + q.events++);
      q.ahead = Math.max(0, q.ahead - Math.floor(cancelled * u));
    }
  }
  if (shown > 0) q.ahead = Math.min(q.ahead, shown);
  q.shown = shown;
  return fill;
}
