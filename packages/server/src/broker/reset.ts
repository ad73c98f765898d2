/**
 * `accounts reset` without a running server: rebuilds the engine from the stored rows, resets the
 * account's funds, orders, trades, positions, holdings and GTT rules to its starting funds, persists
 * the result in one transaction and ends the account's sessions.
 */
import { AccountError } from '../accounts/accounts.js';
import { Engine } from '../engine/engine.js';
import { restoreState } from '../engine/state.js';
import type { AccountRecord, Store } from '../storage/types.js';
import { eventRow, toEngineRows } from './persist.js';

/** Resets an account in a store no server holds. */
export function resetAccountOffline(
  store: Store,
  clientcode: string,
  now: number = Date.now(),
): AccountRecord {
  const account = store.accounts.get(clientcode.toUpperCase());
  if (!account) throw new AccountError(`no such client: ${clientcode}`);
  const engine = new Engine({}, restoreState(toEngineRows(store.rows.loadAll())));
  const { events } = engine.hasAccount(account.clientcode)
    ? engine.resetAccount(account.clientcode, { now }, account.startingFunds)
    : engine.openAccount(account.clientcode, account.startingFunds, { now });
  store.transaction(() => {
    store.rows.deleteClient(account.clientcode);
    const rows = [];
    for (const e of events) {
      const row = eventRow(e);
      if (row) rows.push(row);
    }
    store.rows.apply(rows);
    store.sessions.revokeAll(account.clientcode, now);
  });
  return account;
}
