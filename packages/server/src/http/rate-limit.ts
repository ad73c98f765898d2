/**
 * Per-client-code rate limits of the venue (docs/protocol/rest.md#rate-limits), one budget per route group
 * (`placeOrder`, `modifyOrder` and `cancelOrder` share the `orders` group). Each window (second,
 * minute, hour) is a token bucket holding `limit` tokens that refill continuously; a request needs a
 * token from every window of its group.
 *
 * The state is bounded and expiring: keys are normalised identities (a client code of the right shape,
 * a verified token's client, or the request's source — never a raw attacker-chosen string), a bucket
 * idle long enough to have refilled completely is forgotten (it is then equal to a fresh one), and at
 * most `maxKeys` buckets are kept (least recently used dropped first).
 */
import type { RateLimit } from '@smartapi-ts/protocol';

interface Bucket {
  tokens: number;
  last: number;
}

interface Entry {
  buckets: Bucket[];
  /** Time of the last request. */
  last: number;
  /** Idle time after which every window is full again. */
  refillMs: number;
}

/** Default bound on the number of (client, group) buckets kept. */
export const RATE_LIMIT_MAX_KEYS = 50_000;

const WINDOWS = [
  ['perSecond', 1000],
  ['perMinute', 60_000],
  ['perHour', 3_600_000],
] as const;

/** Token-bucket rate limiter keyed by (client, group). */
export class RateLimiter {
  private readonly entries = new Map<string, Entry>();
  private readonly now: () => number;
  private readonly maxKeys: number;

  constructor(now: () => number = Date.now, maxKeys = RATE_LIMIT_MAX_KEYS) {
    this.now = now;
    this.maxKeys = maxKeys;
  }

  /** Number of buckets held (bounded by `maxKeys`). */
  get size(): number {
    return this.entries.size;
  }

  /** Takes one request from the budget; false when any window of the group is exhausted. */
  take(client: string, limit: RateLimit): boolean {
    const key = `${client}\u0000${limit.group}`;
    const now = this.now();
    this.expire(now);
    let entry = this.entries.get(key);
    if (entry)
      this.entries.delete(key); // re-inserted below: Map order = least recently used first
    else {
      let refillMs = 0;
      for (const [w, ms] of WINDOWS) if (limit[w] !== undefined) refillMs = Math.max(refillMs, ms);
      entry = {
        buckets: WINDOWS.map(([w]) => ({ tokens: limit[w] ?? Number.POSITIVE_INFINITY, last: now })),
        last: now,
        refillMs,
      };
      while (this.entries.size >= this.maxKeys) {
        const oldest = this.entries.keys().next().value as string;
        this.entries.delete(oldest);
      }
    }
    entry.last = now;
    this.entries.set(key, entry);
    const buckets = entry.buckets;
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

  /** Drops the least recently used buckets that have refilled completely (a few per call). */
  private expire(now: number): void {
    for (let i = 0; i < 4; i++) {
      const first = this.entries.entries().next().value as [string, Entry] | undefined;
      if (!first || now - first[1].last < first[1].refillMs) return;
      this.entries.delete(first[0]);
    }
  }

  /** Forgets every budget (tests). */
  clear(): void {
    this.entries.clear();
  }
}
