/** Storage: repository interfaces and the SQLite implementation. */

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
