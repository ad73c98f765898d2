/**
 * A small typed event emitter for the feeds. Unlike `node:events`, it never throws from `emit`:
 * a listener that throws is reported on the `'error'` event (as a `FeedError` with code
 * `LISTENER_ERROR`) instead of escaping into the socket's read loop and killing the process, and an
 * `'error'` with no listener is reported once per emitter through `process.emitWarning`.
 */
import { FeedError } from '../errors.js';

/** Event name → listener argument tuple. */
export type EventMap = { [event: string]: unknown[] };

type AnyListener = (...args: unknown[]) => void;

/** Typed emitter base of `MarketFeed`, `MarketFeedPool` and `OrderFeed`. */
export class TypedEmitter<Events extends { [K in keyof Events]: unknown[] }> {
  // Copy-on-write listener arrays: `emit` iterates a snapshot without copying.
  readonly #listeners = new Map<keyof Events, AnyListener[]>();
  #warnedUnhandledError = false;

  /** Adds a listener. */
  on<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const current = this.#listeners.get(event) ?? [];
    this.#listeners.set(event, [...current, listener as unknown as AnyListener]);
    return this;
  }

  /** Adds a listener that is removed after its first call. */
  once<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const wrapper = (...args: Events[E]): void => {
      this.off(event, wrapper);
      listener(...args);
    };
    return this.on(event, wrapper);
  }

  /** Removes a listener added with `on` (the first match). */
  off<E extends keyof Events>(event: E, listener: (...args: Events[E]) => void): this {
    const current = this.#listeners.get(event);
    if (!current) return this;
    const i = current.indexOf(listener as unknown as AnyListener);
    if (i < 0) return this;
    const next = current.slice(0, i).concat(current.slice(i + 1));
    if (next.length) this.#listeners.set(event, next);
    else this.#listeners.delete(event);
    return this;
  }

  /** Removes every listener of one event, or of all events. */
  removeAllListeners(event?: keyof Events): this {
    if (event === undefined) this.#listeners.clear();
    else this.#listeners.delete(event);
    return this;
  }

  /** Number of listeners of an event. */
  listenerCount(event: keyof Events): number {
    return this.#listeners.get(event)?.length ?? 0;
  }

  /**
   * Calls every listener of `event` in order. Returns whether there was any listener.
   * @internal
   */
  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): boolean {
    const ls = this.#listeners.get(event);
    if (ls === undefined) {
      if (event === 'error') this.#unhandledError(args[0]);
      return false;
    }
    for (let i = 0; i < ls.length; i++) {
      try {
        (ls[i] as AnyListener)(...(args as unknown[]));
      } catch (err) {
        this.#listenerThrew(event, err);
      }
    }
    return true;
  }

  #listenerThrew(event: keyof Events, err: unknown): void {
    if (event === 'error') {
      emitProcessWarning(`an 'error' listener of a smartapi-ts feed threw: ${describe(err)}`);
      return;
    }
    const wrapped = new FeedError(`A '${String(event)}' listener threw: ${describe(err)}`, 'LISTENER_ERROR', {
      cause: err,
    });
    (this.emit as (e: string, ...a: unknown[]) => boolean)('error', wrapped);
  }

  #unhandledError(err: unknown): void {
    if (this.#warnedUnhandledError) return;
    this.#warnedUnhandledError = true;
    emitProcessWarning(
      `a smartapi-ts feed reported an error with no 'error' listener (further ones are not reported): ${describe(err)}`,
    );
  }
}

function describe(err: unknown): string {
  return err instanceof Error ? `${err.name}: ${err.message}` : String(err);
}

function emitProcessWarning(message: string): void {
  if (typeof process !== 'undefined' && typeof process.emitWarning === 'function') {
    process.emitWarning(message, 'SmartApiFeedWarning');
  }
}
