/**
 * The accounts a store has read or written, by client code and by api key (frozen records), so the
 * authenticated request path reads no database; every store clears it on each account write and on a
 * rolled-back transaction.
 */
import type { AccountRecord } from './types.js';

/** Accounts by client code and by api key. */
export class AccountCache {
  readonly byCode = new Map<string, AccountRecord>();
  readonly byKey = new Map<string, AccountRecord>();

  put(a: AccountRecord): AccountRecord {
    const frozen = Object.freeze(a);
    this.byCode.set(a.clientcode, frozen);
    this.byKey.set(a.apiKey, frozen);
    return frozen;
  }

  clear(): void {
    this.byCode.clear();
    this.byKey.clear();
  }
}
