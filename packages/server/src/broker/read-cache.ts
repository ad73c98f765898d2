/**
 * Pre-serialised read views (the order book …) per account, kept until an engine change of that account.
 *
 * A view is a query's answer ready to send (the broker keeps the whole success envelope as UTF-8 bytes, so
 * a hit costs neither serialisation nor encoding), computed from the engine's memory on the first read and
 * served as is until {@link ReadCache.invalidate} (the ledger calls it for every account whose events it
 * queues, i.e. the moment the engine's memory of that account changed) or {@link ReadCache.clear} (the
 * state was rebuilt from the database: a failed commit, a rollback, a snapshot restore). Views that depend
 * on the trading day (the order book lists today's orders and working ones) carry the day in their key.
 * A cached answer is therefore always byte-for-byte what the query would answer now.
 */
export class ReadCache {
  private readonly byAccount = new Map<string, Map<string, { tag: string; value: unknown }>>();

  /**
   * The cached value of view `view` of `clientcode` for `tag` (e.g. the trading day), computing and keeping
   * it when absent or kept for another tag (one entry per account and view, so memory stays bounded).
   */
  get<T>(clientcode: string, view: string, tag: string, compute: () => T): T {
    let views = this.byAccount.get(clientcode);
    const hit = views?.get(view);
    if (hit !== undefined && hit.tag === tag) return hit.value as T;
    const value = compute();
    if (!views) {
      views = new Map();
      this.byAccount.set(clientcode, views);
    }
    views.set(view, { tag, value });
    return value;
  }

  /** Forgets every view of an account (its engine state changed). */
  invalidate(clientcode: string): void {
    this.byAccount.delete(clientcode);
  }

  /** Forgets every view (the engine state was rebuilt). */
  clear(): void {
    this.byAccount.clear();
  }
}
