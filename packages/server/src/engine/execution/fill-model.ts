/**
 * The default fill model: marketable orders walk the best-5 levels of the opposite side (one fill per
 * level); a market order whose quantity exceeds the visible depth fills the rest at the last level
 * (full fills); a resting limit order fills completely at its limit price when the LTP trades through it.
 */
import type { BookLevel, Fill, FillModel, FillRequest, Quote } from '../ports.js';

/** Walk-the-book fill model (see module comment). */
export class WalkTheBookFillModel implements FillModel {
  fill(order: FillRequest, quote: Quote): Fill[] {
    const buy = order.side === 'BUY';
    const levels: BookLevel[] = (buy ? quote.asks : quote.bids).filter((l) => l.quantity > 0 && l.price > 0);
    const fills: Fill[] = [];
    let remaining = order.quantity;
    let last = 0;
    for (const level of levels) {
      if (remaining <= 0) break;
      if (order.limit !== undefined && (buy ? level.price > order.limit : level.price < order.limit)) break;
      const q = Math.min(remaining, level.quantity);
      fills.push({ price: level.price, quantity: q });
      remaining -= q;
      last = level.price;
    }
    if (remaining > 0) {
      if (order.limit === undefined) {
        // Market order beyond the visible depth: the rest at the worst visible level (or the LTP).
        const price = last > 0 ? last : quote.ltp;
        if (price > 0) pushFill(fills, price, remaining);
      } else if (
        !order.aggressive &&
        quote.ltp > 0 &&
        (buy ? quote.ltp < order.limit : quote.ltp > order.limit)
      ) {
        // The market traded through a resting limit: it is filled at its limit.
        pushFill(fills, order.limit, remaining);
      }
    }
    return fills;
  }
}

function pushFill(fills: Fill[], price: number, quantity: number): void {
  const prev = fills[fills.length - 1];
  if (prev && prev.price === price) prev.quantity += quantity;
  else fills.push({ price, quantity });
}
