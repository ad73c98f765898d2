/**
 * Opens the store `--db` names: a Postgres URL (`postgres://` / `postgresql://`) opens the Postgres store,
 * anything else the SQLite file (or `:memory:`).
 */
import { openPostgresStore, type PostgresStoreOptions } from './postgres/store.js';
import { isDatabaseLocked } from './sqlite/lock.js';
import { openSqliteStore, type SqliteStoreOptions } from './sqlite/store.js';
import type { Store } from './types.js';
import { isPostgresUrl } from './url.js';

/** Options of {@link openStore} (each store reads its own). */
export type StoreOptions = SqliteStoreOptions & PostgresStoreOptions;

/** Opens a SQLite file or a Postgres database (see the module comment). */
export function openStore(db: string, opts: StoreOptions = {}): Store {
  if (isPostgresUrl(db)) return openPostgresStore(db, opts);
  return openSqliteStore(db, opts);
}

/**
 * True when a live server holds `db`. For SQLite it checks the lock file; for Postgres it answers false
 * and opening with the lock throws `DatabaseLockedError` instead (the check would need a connection).
 */
export function isStoreLocked(db: string): boolean {
  if (isPostgresUrl(db) || db === ':memory:') return false;
  return isDatabaseLocked(db);
}
