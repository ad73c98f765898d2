/**
 * The engine's {@link IdSource}, backed by durable counters: ids are never reused, even across
 * restarts and `kill -9` (counters are written in the same transaction as the rows that use them).
 */
import { randomUUID } from 'node:crypto';
import { istParts } from '@smartapi-ts/protocol';
import type { IdSource } from '../engine/ports.js';
import type { Store } from '../storage/types.js';

const p2 = (n: number) => String(n % 100).padStart(2, '0');

const START: Readonly<Record<string, number>> = {
  order: 0,
  exchange_order: 0,
  trade: 0,
  gtt: 1_000_000,
};

/** Counter-backed ids: `orderid` = YYMMDD + 9 digits, 16-digit exchange order ids, GTT ids from 1000001. */
export class PersistentIds implements IdSource {
  private values: Record<string, number>;
  private readonly dirty = new Set<string>();
  private readonly store: Store;
  private readonly now: () => number;

  constructor(store: Store, now: () => number) {
    this.store = store;
    this.now = now;
    this.values = { ...START, ...store.counters.all() };
  }

  private next(name: string): number {
    const v = (this.values[name] ?? 0) + 1;
    this.values[name] = v;
    this.dirty.add(name);
    return v;
  }

  orderId(): string {
    const p = istParts(this.now());
    return `${p2(p.year)}${p2(p.month)}${p2(p.day)}${String(this.next('order') % 1e9).padStart(9, '0')}`;
  }

  uniqueOrderId(): string {
    return randomUUID();
  }

  exchangeOrderId(): string {
    return `11${String(this.next('exchange_order')).padStart(14, '0')}`;
  }

  tradeId(): string {
    return String(this.next('trade')).padStart(8, '0');
  }

  gttRuleId(): string {
    return String(this.next('gtt'));
  }

  /**
   * Forgets counters drawn since the last commit: the values go back to what the store holds (after a
   * failed commit, or a snapshot restore that replaced the stored counters).
   */
  reload(): void {
    this.values = { ...START, ...this.store.counters.all() };
    this.dirty.clear();
  }

  /** Writes changed counters; call inside the command's transaction. */
  flush(): void {
    if (this.dirty.size === 0) return;
    for (const name of this.dirty) this.store.counters.set(name, this.values[name] ?? 0);
    this.dirty.clear();
  }
}
