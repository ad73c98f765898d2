/**
 * Coalesces a fast stream of updates into one DOM pass per animation frame: `push(key, value)` keeps
 * only the latest value per key; the flush callback gets them all at the next frame. With a 500-token
 * feed the page does one pass of at most 500 rows per frame however many ticks arrive, so it never
 * falls behind the feed. The frame scheduler is injected (requestAnimationFrame in the browser, a fake
 * in tests).
 */
export type FrameScheduler = (cb: () => void) => void;

export class FrameBatcher<K, V> {
  private pending = new Map<K, V>();
  private scheduled = false;
  /** Values received since creation. */
  received = 0;
  /** Flushes done (DOM passes). */
  flushes = 0;

  constructor(
    private readonly flush: (batch: ReadonlyMap<K, V>) => void,
    private readonly schedule: FrameScheduler,
  ) {}

  push(key: K, value: V): void {
    this.received++;
    this.pending.set(key, value);
    if (this.scheduled) return;
    this.scheduled = true;
    this.schedule(() => this.run());
  }

  private run(): void {
    this.scheduled = false;
    const batch = this.pending;
    if (batch.size === 0) return;
    this.pending = new Map();
    this.flushes++;
    this.flush(batch);
  }
}
