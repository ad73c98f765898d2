/**
 * A sliding-window request pacer (N per second and M per minute), with an injectable clock and sleep so
 * tests need no real time. The venue's candle limit is 3/s and 180/min (docs/protocol/rest.md#rate-limits).
 */
import { AbortError } from '../errors.js';

/** Sleeps `ms`, rejecting with AbortError when the signal fires. */
export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

/** Real-time sleep (timer cleared on abort). */
export const realSleep: Sleep = (ms, signal) =>
  new Promise<void>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new AbortError('aborted', { cause: signal.reason }));
      return;
    }
    const onAbort = () => {
      clearTimeout(timer);
      reject(new AbortError('aborted', { cause: signal?.reason }));
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Limits of a {@link Pacer}. */
export interface PaceLimits {
  /** @default 3 */
  perSecond?: number;
  /** @default 180 */
  perMinute?: number;
}

/** Waits before each request so that no 1 s window holds more than `perSecond` and no 60 s window more than `perMinute`. */
export class Pacer {
  readonly #perSecond: number;
  readonly #perMinute: number;
  readonly #now: () => number;
  readonly #sleep: Sleep;
  readonly #times: number[] = [];

  constructor(limits: PaceLimits = {}, now: () => number = Date.now, sleep: Sleep = realSleep) {
    this.#perSecond = limits.perSecond ?? 3;
    this.#perMinute = limits.perMinute ?? 180;
    this.#now = now;
    this.#sleep = sleep;
  }

  /** Resolves when a request may be sent, and records it. */
  async acquire(signal?: AbortSignal): Promise<void> {
    for (;;) {
      if (signal?.aborted) throw new AbortError('aborted', { cause: signal.reason });
      const now = this.#now();
      const t = this.#times;
      while (t.length > 0 && t[0]! <= now - 60_000) t.shift();
      let wait = 0;
      if (t.length >= this.#perMinute) wait = t[t.length - this.#perMinute]! + 60_000 - now;
      const inSecond = t.filter((x) => x > now - 1_000);
      if (inSecond.length >= this.#perSecond) {
        wait = Math.max(wait, inSecond[inSecond.length - this.#perSecond]! + 1_000 - now);
      }
      if (wait <= 0) {
        t.push(now);
        return;
      }
      await this.#sleep(wait, signal);
    }
  }
}
