/**
 * Pre-serialised read views (the order book …) per account, kept until an engine change of that account.
 *
 * A view is the JSON text of a query's `data`, computed from the engine's memory on the first read and
 * served as is until {@link ReadCache.invalidate} (the ledger calls it for every account whose events it
 * queues, i.e. the moment the engine's memory of that account changed) or {@link ReadCache.clear} (the
 * state was rebuilt from the database: a failed commit, a rollback, a snapshot restore). Views that depend
 * on the trading day (the order book lists today's orders and working ones) carry the day in their key.
 * A cached answer is therefore always byte-for-byte what the query would answer now.
 */
export class ReadCache {
  private readonly byAccount = new Map<string, Map<string, { tag: string; json: string }>>();

  /**
   * The cached JSON of view `view` of `clientcode` for `tag` (e.g. the trading day), computing and keeping
   * it when absent or kept for another tag (one entry per account and view, so memory stays bounded).
   */
  get(clientcode: string, view: string, tag: string, compute: () => unknown): string {
    let views = this.byAccount.get(clientcode);
    const hit = views?.get(view);
    if (hit !== undefined && hit.tag === tag) return hit.json;
    const json = JSON.stringify(compute() ?? null);
    if (!views) {
      views = new Map();
      this.byAccount.set(clientcode, views);
    }
    views.set(view, { tag, json });
    return json;
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
