/**
 * Per-client-code rate limits of the venue (docs/protocol/rest.md#rate-limits), one budget per route group
 * (`placeOrder`, `modifyOrder` and `cancelOrder` share the `orders` group). Each window (second,
 * minute, hour) is a token bucket holding `limit` tokens that refill continuously; a request needs a
 * token from every window of its group.
 */
import type { RateLimit } from '@smartapi-ts/protocol';

interface Bucket {
  tokens: number;
  last: number;
}

const WINDOWS = [
  ['perSecond', 1000],
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
] as const;

/** Token-bucket rate limiter keyed by (client, group). */
export class RateLimiter {
  private readonly buckets = new Map<string, Bucket[]>();
  private readonly now: () => number;

  constructor(now: () => number = Date.now) {
    this.now = now;
  }

  /** Takes one request from the budget; false when any window of the group is exhausted. */
  take(client: string, limit: RateLimit): boolean {
    const key = `${client}\u0000${limit.group}`;
    const now = this.now();
    let buckets = this.buckets.get(key);
    if (!buckets) {
      buckets = WINDOWS.map(([w]) => ({ tokens: limit[w] ?? Number.POSITIVE_INFINITY, last: now }));
      this.buckets.set(key, buckets);
    }
    for (let i = 0; i < WINDOWS.length; i++) {
      const [w, ms] = WINDOWS[i] as (typeof WINDOWS)[number];
      const cap = limit[w];
      const b = buckets[i] as Bucket;
      if (cap === undefined) continue;
      b.tokens = Math.min(cap, b.tokens + ((now - b.last) * cap) / ms);
      b.last = now;
    }
    for (let i = 0; i < WINDOWS.length; i++) {
      const cap = limit[(WINDOWS[i] as (typeof WINDOWS)[number])[0]];
      if (cap !== undefined && (buckets[i] as Bucket).tokens < 1) return false;
    }
    for (let i = 0; i < WINDOWS.length; i++) {
      const cap = limit[(WINDOWS[i] as (typeof WINDOWS)[number])[0]];
      if (cap !== undefined) (buckets[i] as Bucket).tokens -= 1;
    }
    return true;
  }

  /** Forgets every budget (tests). */
  clear(): void {
    this.buckets.clear();
  }
}
