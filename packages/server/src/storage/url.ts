/**
 * What `--db` names: a SQLite file (or `:memory:`), or a Postgres database by URL (`postgres://` or
 * `postgresql://`). A URL's password never reaches a log or an error message: {@link redactDbUrl}.
 */

/** True when `db` is meant as a Postgres URL (its scheme is `postgres:` or `postgresql:`). */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db);
}

/** The URL with its password replaced by `***` (anything else unchanged); non-URLs as they are. */
export function redactDbUrl(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const u = new URL(db);
    if (u.password !== '') u.password = '***';
    for (const k of [...u.searchParams.keys()]) {
      if (/pass|secret|key/i.test(k)) u.searchParams.set(k, '***');
    }
    return u.toString();
  } catch {
    return db.replace(/(\/\/[^:/@]*:)[^@]*@/, '$1***@');
  }
}

/** The parts of a URL that must not be logged (password, decoded and raw). */
export function dbUrlSecrets(db: string): string[] {
  try {
    const u = new URL(db);
    if (u.password === '') return [];
    return [...new Set([u.password, decodeURIComponent(u.password)])];
  } catch {
    return [];
  }
}

/**
 * Checks a Postgres URL: a host, a database name, no unknown scheme; returns it unchanged or throws a
 * clear error (with the password redacted).
 */
export function validatePostgresUrl(db: string): string {
  let u: URL;
  try {
    u = new URL(db);
  } catch {
    throw new TypeError(
      `--db ${redactDbUrl(db)} is not a valid Postgres URL (expected postgres://user:password@host:port/database)`,
    );
  }
  if (u.protocol !== 'postgres:' && u.protocol !== 'postgresql:') {
    throw new TypeError(`--db ${redactDbUrl(db)}: the scheme must be postgres:// or postgresql://`);
  }
  if (u.hostname === '' && !u.searchParams.has('host')) {
    throw new TypeError(
      `--db ${redactDbUrl(db)} names no host (postgres://user:password@host:port/database)`,
    );
  }
  const database = decodeURIComponent(u.pathname.replace(/^\//, ''));
  if (database === '' || database.includes('/')) {
    throw new TypeError(
      `--db ${redactDbUrl(db)} names no database (postgres://user:password@host:port/database)`,
    );
  }
  if (u.port !== '' && !(Number(u.port) > 0 && Number(u.port) < 65536)) {
    throw new TypeError(`--db ${redactDbUrl(db)}: bad port`);
  }
  return db;
}
