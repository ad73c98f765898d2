/** Storage: repository interfaces and the SQLite and Postgres implementations. */

export { openStore, type StoreOptions } from './open.js';
export { openPostgresStore, type PostgresStoreOptions } from './postgres/store.js';
export {
  acquireDatabaseLock,
  type DatabaseLock,
  DatabaseLockedError,
  isDatabaseLocked,
  lockFileOf,
} from './sqlite/lock.js';
export { openSqliteStore, type SqliteStoreOptions } from './sqlite/store.js';
export type * from './types.js';
export { ENGINE_ROW_KINDS } from './types.js';
export { isPostgresUrl, redactDbUrl } from './url.js';
