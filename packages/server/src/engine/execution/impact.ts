/**
 * Market impact and finite liquidity. Our own aggressive fills consume the displayed book: a level we
 * took is short of what we took for the next order and refills with a half-life (`taken(t) = taken ×
 * 2^(−(t − t₀)/halfLife)`, a simple resilience model in the spirit of Obizhaeva–Wang). Each displayed
 * level offers `floor(quantity × depthFactor)` minus what is still missing. Beyond the five visible
 * levels there are `hiddenLevels` further levels, each as large as the fifth, `slipTicks` ticks apart;
 * what is beyond them is not filled (a market order's rest then rests at its protection price, an IOC's
 * is cancelled). The memory is per instrument and side, keyed by price.
 */
import type { BookLevel, Fill, Quote } from '../ports.js';

/** The impact parameters (`ExecutionSettings.impact`). */
export interface ImpactParams {
  depthFactor: number;
  refillHalfLifeMs: number;
  slipTicks: number;
  hiddenLevels: number;
}

interface Taken {
  qty: number;
  at: number;
}

/** Still missing of `t` at `now`. */
function outstanding(t: Taken, now: number, halfLife: number): number {
  if (halfLife <= 0) return 0;
  const dt = Math.max(0, now - t.at);
  return Math.floor(t.qty * 2 ** (-dt / halfLife));
}

/** What our orders took from each book (see module comment). */
/**
 * Takes up to `remaining` at `price` (displayed `shown`) less what our earlier fills left missing there;
 * books the fill in `fills` and the level's memory in `book`. Returns the quantity taken, or -1 when the
 * price is beyond the limit (nothing further may be taken).
 */
function consume(
  book: Map<number, Taken>,
  price: number,
  shown: number,
  remaining: number,
  limit: number | undefined,
  buy: boolean,
  now: number,
  p: ImpactParams,
  fills: Fill[],
): number {
  if (limit !== undefined && (buy ? price > limit : price < limit)) return -1;
  const t = book.get(price);
  const miss = t ? outstanding(t, now, p.refillHalfLifeMs) : 0;
  const avail = Math.max(0, Math.floor(shown * p.depthFactor) - miss);
  const q = Math.min(remaining, avail);
  if (q > 0) {
    fills.push({ price, quantity: q });
    if (t) {
      t.qty = miss + q;
      t.at = now;
    } else book.set(price, { qty: miss + q, at: now });
  }
  return q;
}

export class BookImpact {
  /** `exchange:token:B|S` → price → taken. */
  private readonly taken = new Map<string, Map<number, Taken>>();

  /** Forgets everything (a preset change). */
  clear(): void {
    this.taken.clear();
  }

  /** Quantity still missing at `price` on `side` of the book (`asks` for a buy). */
  missing(key: string, price: number, now: number, halfLife: number): number {
    const t = this.taken.get(key)?.get(price);
    return t ? outstanding(t, now, halfLife) : 0;
  }

  /**
   * The fills of an aggressive order of `quantity` (`limit` undefined = market) against the side of
   * `quote` it takes from, consuming the levels it takes. `tick` in paise.
   */
  take(
    key: string,
    buy: boolean,
    quantity: number,
    limit: number | undefined,
    quote: Quote,
    tick: number,
    p: ImpactParams,
    now: number,
  ): Fill[] {
    const levels: readonly BookLevel[] = buy ? quote.asks : quote.bids;
    const book = this.book(key);
    const fills: Fill[] = [];
    let remaining = quantity;
    let last: BookLevel | undefined;
    for (const level of levels) {
      // Empty levels are skipped (no filtered copy of the side per order).
      if (!(level.quantity > 0 && level.price > 0)) continue;
      if (remaining <= 0) break;
      const q = consume(book, level.price, level.quantity, remaining, limit, buy, now, p, fills);
      if (q < 0) return fills;
      remaining -= q;
      last = level;
    }
    if (!last) {
      // An empty side: the LTP stands in for one level of the size of the last trade.
      if (quote.ltp <= 0) return fills;
      last = { price: quote.ltp, quantity: Math.max(1, quote.lastTradeQty), orders: 1 };
      if (remaining > 0) {
        const q = consume(book, last.price, last.quantity, remaining, limit, buy, now, p, fills);
        if (q < 0) return fills;
        remaining -= q;
      }
    }
    const step = Math.max(1, tick) * p.slipTicks;
    for (let k = 1; k <= p.hiddenLevels && remaining > 0 && step > 0; k++) {
      const price = buy ? last.price + k * step : last.price - k * step;
      if (price <= 0) break;
      const q = consume(book, price, last.quantity, remaining, limit, buy, now, p, fills);
      if (q < 0) break;
      remaining -= q;
    }
    if (book.size > 256) this.prune(book, now, p.refillHalfLifeMs);
    return fills;
  }

  private book(key: string): Map<number, Taken> {
    let b = this.taken.get(key);
    if (!b) {
      b = new Map();
      this.taken.set(key, b);
    }
    return b;
  }

  /** Drops levels that have refilled. */
  private prune(book: Map<number, Taken>, now: number, halfLife: number): void {
    for (const [price, t] of book) if (outstanding(t, now, halfLife) <= 0) book.delete(price);
  }
}
