/**
 * Client-side rate limiting per rate-limit group of the protocol route table (per second, minute and
 * hour). Calls that would exceed a budget wait in a FIFO queue instead of failing.
 *
 * Each window is an exact sliding window: a ring of the last `limit` grant times; a new grant is allowed
 * once the oldest of them is older than the window (plus a small safety margin for network jitter).
 * Unlike a continuously refilled token bucket, this never lets `2 × limit` requests through across a
 * window boundary, so it is safe whether the venue counts fixed or sliding windows.
 *
 * Limiters are shared by every client of one client code (see {@link limiterFor}), because the venue
 * counts per client code, not per connection or API key.
 */
import type { RateLimit } from '@smartapi-ts/protocol';
import { AbortError } from '../errors.js';
import type { Clock } from './clock.js';

/** Extra spacing added to each window to absorb network jitter. */
const MARGIN_MS = { second: 50, minute: 500, hour: 2000 } as const;

class Window {
  readonly #ring: Float64Array;
  readonly #span: number;
  #idx = 0;
  constructor(limit: number, span: number) {
    this.#ring = new Float64Array(limit).fill(Number.NEGATIVE_INFINITY);
    this.#span = span;
  }
  /** Earliest time a new grant is allowed. */
  nextAt(): number {
    return (this.#ring[this.#idx] as number) + this.#span;
  }
  record(now: number): void {
    this.#ring[this.#idx] = now;
    this.#idx = (this.#idx + 1) % this.#ring.length;
  }
}

interface Waiter {
  resolve: () => void;
  reject: (e: Error) => void;
  signal: AbortSignal | undefined;
  onAbort: (() => void) | undefined;
}

class Bucket {
  readonly windows: Window[] = [];
  readonly queue: Waiter[] = [];
  timer: unknown;
  timerAt = 0;
  constructor(limit: RateLimit, scale: number) {
    const n = (v: number) => Math.max(1, Math.floor(v * scale));
    this.windows.push(new Window(n(limit.perSecond), 1000 + MARGIN_MS.second));
    if (limit.perMinute !== undefined)
      this.windows.push(new Window(n(limit.perMinute), 60_000 + MARGIN_MS.minute));
    if (limit.perHour !== undefined)
      this.windows.push(new Window(n(limit.perHour), 3_600_000 + MARGIN_MS.hour));
  }
  nextAt(): number {
    let t = Number.NEGATIVE_INFINITY;
    for (const w of this.windows) {
      const a = w.nextAt();
      if (a > t) t = a;
    }
    return t;
  }
  record(now: number): void {
    for (const w of this.windows) w.record(now);
  }
}

/** Rate limiter of one client code. */
export class RateLimiter {
  readonly #clock: Clock;
  readonly #scale: number;
  readonly #buckets = new Map<string, Bucket>();

  /**
   * @param clock time source for waits
   * @param scale multiplies every budget (0.5 = half the venue's limits). @default 1
   */
  constructor(clock: Clock, scale = 1) {
    if (!(scale > 0) || !Number.isFinite(scale))
      throw new RangeError('rateLimit.scale must be a positive number');
    this.#clock = clock;
    this.#scale = scale;
  }

  #bucket(limit: RateLimit): Bucket {
    let b = this.#buckets.get(limit.group);
    if (!b) {
      b = new Bucket(limit, this.#scale);
      this.#buckets.set(limit.group, b);
    }
    return b;
  }

  /**
   * Takes one request slot of `limit.group`. Returns `undefined` when a slot was free (no promise, no
   * allocation), else a promise that resolves when the queued request may go, or rejects with
   * `AbortError` when `signal` aborts while waiting.
   */
  acquire(limit: RateLimit, signal?: AbortSignal): Promise<void> | undefined {
    const b = this.#bucket(limit);
    const now = this.#clock.now();
    if (b.queue.length === 0 && b.nextAt() <= now) {
      b.record(now);
      return undefined;
    }
    if (signal?.aborted) return Promise.reject(new AbortError('aborted while waiting for the rate limiter'));
    return new Promise<void>((resolve, reject) => {
      const w: Waiter = { resolve, reject, signal, onAbort: undefined };
      if (signal) {
        w.onAbort = () => {
          const i = b.queue.indexOf(w);
          if (i >= 0) b.queue.splice(i, 1);
          reject(new AbortError('aborted while waiting for the rate limiter'));
          this.#pump(b);
        };
        signal.addEventListener('abort', w.onAbort, { once: true });
      }
      b.queue.push(w);
      this.#pump(b);
    });
  }

  /** Number of requests waiting, over all groups (for tests and metrics). */
  get queued(): number {
    let n = 0;
    for (const b of this.#buckets.values()) n += b.queue.length;
    return n;
  }

  #pump(b: Bucket): void {
    const now = this.#clock.now();
    while (b.queue.length > 0) {
      const at = b.nextAt();
      if (at > now) {
        if (b.timer !== undefined && b.timerAt <= at) return;
        if (b.timer !== undefined) this.#clock.clearTimeout(b.timer);
        b.timerAt = at;
        b.timer = this.#clock.setTimeout(
          () => {
            b.timer = undefined;
            this.#pump(b);
          },
          Math.max(1, Math.ceil(at - now)),
        );
        return;
      }
      const w = b.queue.shift() as Waiter;
      b.record(now);
      if (w.onAbort) w.signal?.removeEventListener('abort', w.onAbort);
      w.resolve();
    }
  }
}

const REGISTRY = new Map<string, RateLimiter>();

/**
 * The limiter shared by every client of one venue root + client code. The first client to ask creates
 * it with its clock and scale; later clients of the same client code join it.
 */
export function limiterFor(key: string, clock: Clock, scale: number): RateLimiter {
  let l = REGISTRY.get(key);
  if (!l) {
    l = new RateLimiter(clock, scale);
    REGISTRY.set(key, l);
  }
  return l;
}
