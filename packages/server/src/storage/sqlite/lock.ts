/**
 * Single-server lock on a database file. A second live server on the same database is refused, but a
 * server killed with `kill -9` leaves no stale lock: the lock is an SQLite database (`<db>-lock`) held
 * in `locking_mode=EXCLUSIVE`, i.e. an OS file lock that dies with the process.
 */
import Database from 'better-sqlite3';

/** Thrown when another live process holds the lock. */
export class DatabaseLockedError extends Error {
  override readonly name = 'DatabaseLockedError';
  readonly file: string;
  constructor(file: string, cause?: unknown) {
    super(
      `database ${file} is in use by another running smartapi-paper server (stop it first, or use another --db)`,
      { cause },
    );
    this.file = file;
  }
}

/** A held lock; `release()` is idempotent. */
export interface DatabaseLock {
  readonly file: string;
  release(): void;
}

/** Path of the lock file of a database file. */
export function lockFileOf(dbFile: string): string {
  return `${dbFile}-lock`;
}

function isBusy(err: unknown): boolean {
  const code = (err as { code?: unknown } | null)?.code;
  return code === 'SQLITE_BUSY' || code === 'SQLITE_LOCKED';
}

/**
 * Takes the exclusive lock of `dbFile`, or throws {@link DatabaseLockedError} at once when another
 * process (or another connection of this process) holds it.
 */
export function acquireDatabaseLock(dbFile: string): DatabaseLock {
  const file = lockFileOf(dbFile);
  let db: Database.Database;
  try {
    db = new Database(file, { timeout: 0 });
  } catch (err) {
    if (isBusy(err)) throw new DatabaseLockedError(dbFile, err);
    throw err;
  }
  try {
    db.pragma('locking_mode = EXCLUSIVE');
    // The first write takes the EXCLUSIVE file lock; EXCLUSIVE locking mode keeps it until close.
    db.exec('CREATE TABLE IF NOT EXISTS holder (pid INTEGER NOT NULL, since INTEGER NOT NULL)');
    db.exec('BEGIN IMMEDIATE');
    db.prepare('DELETE FROM holder').run();
    db.prepare('INSERT INTO holder (pid, since) VALUES (?, ?)').run(process.pid, Date.now());
    db.exec('COMMIT');
  } catch (err) {
    try {
      db.close();
    } catch {
      // already failing
    }
    if (isBusy(err)) throw new DatabaseLockedError(dbFile, err);
    throw err;
  }
  let released = false;
  return {
    file,
    release() {
      if (released) return;
      released = true;
      try {
        db.close();
      } catch {
        // closing a lock database cannot lose data
      }
    },
  };
}

/** True when a live server holds the lock of `dbFile` (tries to take it and gives it back). */
export function isDatabaseLocked(dbFile: string): boolean {
  try {
    acquireDatabaseLock(dbFile).release();
    return false;
  } catch (err) {
    if (err instanceof DatabaseLockedError) return true;
    throw err;
  }
}
