/**
 * `accounts reset` without a running server: rebuilds the engine from the stored rows, resets the
 * account's funds, orders, trades, positions, holdings and GTT rules to its starting funds and ends the
 * account's sessions, all in one transaction through the broker's write path ({@link Ledger.commit}).
 */

import type { EngineEvent } from '../engine/types.js';
import { AccountError } from '../identity/accounts.js';
import type { AccountRecord, Store } from '../storage/types.js';
import { Ledger } from './ledger.js';

/** Resets an account in a store no server holds. */
export function resetAccountOffline(
  store: Store,
  clientcode: string,
  now: number = Date.now(),
): AccountRecord {
  const account = store.accounts.get(clientcode.toUpperCase());
  if (!account) throw new AccountError(`no such client: ${clientcode}`);
  const ledger = new Ledger({ store, now: () => now });
  const { engine } = ledger;
  const cc = account.clientcode;
  // An account the engine never opened may still have stray rows: the `reset` event deletes them.
  const events: EngineEvent[] = engine.hasAccount(cc)
    ? engine.resetAccount(cc, { now }, account.startingFunds).events
    : [{ type: 'reset', clientcode: cc }, ...engine.openAccount(cc, account.startingFunds, { now }).events];
  ledger.commit(events, () => store.sessions.revokeAll(cc, now));
  return account;
}
