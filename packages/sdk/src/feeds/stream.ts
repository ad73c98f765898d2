/**
 * The bounded async-iterator buffer behind `MarketFeed.ticks()` and `OrderFeed.updates()`.
 *
 * While the consumer keeps up, items pass through in arrival order with no extra work. When the
 * buffer reaches `bufferSize`, it switches to coalescing: every buffered item is indexed by its key
 * (for ticks: exchangeType, token and mode) and a newer item replaces the buffered one with the same
 * key in place, so a slow consumer always gets the latest tick of each instrument. If more than
 * `bufferSize` distinct keys are pending, the oldest is dropped. Memory never exceeds `bufferSize`
 * items. Once the consumer has drained the buffer it goes back to pass-through.
 */

/** Options of a feed stream (`feed.ticks(options)`). */
export interface StreamOptions {
  /** Ends the iteration (cleanly, without throwing) when aborted. */
  signal?: AbortSignal;
  /**
   * Maximum number of buffered items while the consumer is slow. Beyond it, items coalesce
   * (latest per key) and, with more distinct keys than this, the oldest are dropped.
   * @default 4096 (ticks)
   */
  bufferSize?: number;
}

/** Counters of a stream, for monitoring a slow consumer. */
export interface StreamStats {
  /** Items currently buffered (never more than `bufferSize`). */
  buffered: number;
  /** Largest number of items that were buffered at once. */
  maxBuffered: number;
  /** Items replaced in the buffer by a newer item with the same key. */
  coalesced: number;
  /** Items dropped because more than `bufferSize` distinct keys were pending. */
  dropped: number;
}

/**
 * An async iterator over feed items with a bounded, coalescing buffer. Returned by
 * `MarketFeed.ticks()` / `MarketFeedPool.ticks()` / `OrderFeed.updates()`.
 */
export class FeedStream<T> implements AsyncIterableIterator<T> {
  readonly #bufferSize: number;
  readonly #keyOf: ((item: T) => string) | undefined;
  readonly #detach: (stream: FeedStream<T>) => void;
  readonly #signal: AbortSignal | undefined;
  readonly #onAbort: () => void;
  // pass-through FIFO (array + head index)
  #queue: T[] = [];
  #head = 0;
  // coalescing mode: insertion-ordered key → latest item
  #coalesced: Map<string, T> | null = null;
  #waiter: ((r: IteratorResult<T>) => void) | null = null;
  #waiterReject: ((e: unknown) => void) | null = null;
  #done = false;
  #error: unknown = undefined;
  #maxBuffered = 0;
  #coalescedCount = 0;
  #droppedCount = 0;

  /**
   * @internal created by the feeds.
   * @param bufferSize - bound (≥ 1); `Infinity` for an unbounded FIFO (order updates)
   * @param keyOf - coalescing key; without it the stream never coalesces (and must be unbounded)
   * @param detach - called once when the stream ends, to unregister it from its feed
   * @param signal - ends the stream when aborted
   */
  constructor(
    bufferSize: number,
    keyOf: ((item: T) => string) | undefined,
    detach: (stream: FeedStream<T>) => void,
    signal?: AbortSignal,
  ) {
    if (!(bufferSize >= 1)) throw new RangeError(`bufferSize must be >= 1, got ${bufferSize}`);
    this.#bufferSize = bufferSize;
    this.#keyOf = keyOf;
    this.#detach = detach;
    this.#signal = signal;
    this.#onAbort = () => this.end();
    if (signal) {
      if (signal.aborted) queueMicrotask(this.#onAbort);
      else signal.addEventListener('abort', this.#onAbort, { once: true });
    }
  }

  /** Current counters. */
  get stats(): StreamStats {
    return {
      buffered: this.buffered,
      maxBuffered: this.#maxBuffered,
      coalesced: this.#coalescedCount,
      dropped: this.#droppedCount,
    };
  }

  /** Items currently buffered. */
  get buffered(): number {
    return this.#coalesced ? this.#coalesced.size : this.#queue.length - this.#head;
  }

  /** Whether the stream has ended. */
  get done(): boolean {
    return this.#done;
  }

  /** @internal Delivers one item (called by the feed). */
  push(item: T): void {
    if (this.#done) return;
    const w = this.#waiter;
    if (w !== null) {
      this.#waiter = null;
      this.#waiterReject = null;
      w({ value: item, done: false });
      return;
    }
    const map = this.#coalesced;
    if (map === null) {
      const size = this.#queue.length - this.#head;
      if (size < this.#bufferSize || this.#keyOf === undefined) {
        this.#queue.push(item);
        if (size + 1 > this.#maxBuffered) this.#maxBuffered = size + 1;
        return;
      }
      this.#enterCoalescing();
    }
    this.#pushCoalesced(item);
  }

  #enterCoalescing(): void {
    const keyOf = this.#keyOf!;
    const map = new Map<string, T>();
    const q = this.#queue;
    for (let i = this.#head; i < q.length; i++) {
      const item = q[i] as T;
      const k = keyOf(item);
      if (map.has(k)) this.#coalescedCount++;
      map.set(k, item);
    }
    this.#queue = [];
    this.#head = 0;
    this.#coalesced = map;
  }

  #pushCoalesced(item: T): void {
    const map = this.#coalesced!;
    const k = this.#keyOf!(item);
    if (map.has(k)) {
      map.set(k, item); // keeps the key's position, replaces the value
      this.#coalescedCount++;
      return;
    }
    map.set(k, item);
    if (map.size > this.#bufferSize) {
      const oldest = map.keys().next();
      if (!oldest.done) map.delete(oldest.value);
      this.#droppedCount++;
    }
    if (map.size > this.#maxBuffered) this.#maxBuffered = map.size;
  }

  #take(): { ok: true; value: T } | { ok: false } {
    const map = this.#coalesced;
    if (map !== null) {
      const first = map.entries().next();
      if (first.done) {
        this.#coalesced = null;
        return { ok: false };
      }
      map.delete(first.value[0]);
      if (map.size === 0) this.#coalesced = null;
      return { ok: true, value: first.value[1] };
    }
    if (this.#head < this.#queue.length) {
      const value = this.#queue[this.#head] as T;
      this.#head++;
      if (this.#head === this.#queue.length) {
        this.#queue.length = 0;
        this.#head = 0;
      } else if (this.#head > 1024 && this.#head * 2 > this.#queue.length) {
        this.#queue = this.#queue.slice(this.#head);
        this.#head = 0;
      }
      return { ok: true, value };
    }
    return { ok: false };
  }

  /**
   * @internal Ends the stream: buffered items are still delivered, then the iteration finishes
   * (or throws `error`, when given).
   */
  end(error?: unknown): void {
    if (this.#done) return;
    this.#done = true;
    if (error !== undefined) this.#error = error;
    this.#signal?.removeEventListener('abort', this.#onAbort);
    this.#detach(this);
    const w = this.#waiter;
    const wr = this.#waiterReject;
    this.#waiter = null;
    this.#waiterReject = null;
    if (w !== null) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        wr?.(e);
      } else w({ value: undefined, done: true });
    }
  }

  /** Next item; waits while the buffer is empty. */
  next(): Promise<IteratorResult<T>> {
    const got = this.#take();
    if (got.ok) return Promise.resolve({ value: got.value, done: false });
    if (this.#done) {
      if (this.#error !== undefined) {
        const e = this.#error;
        this.#error = undefined;
        return Promise.reject(e);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    if (this.#waiter !== null) {
      return Promise.reject(new Error('FeedStream: next() called again before the previous call settled'));
    }
    return new Promise<IteratorResult<T>>((resolve, reject) => {
      this.#waiter = resolve;
      this.#waiterReject = reject;
    });
  }

  /** Stops the stream (called by `break` in a `for await` loop); drops what is buffered. */
  return(): Promise<IteratorResult<T>> {
    this.#queue = [];
    this.#head = 0;
    this.#coalesced = null;
    this.#error = undefined;
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  [Symbol.asyncIterator](): this {
    return this;
  }
}
