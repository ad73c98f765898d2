/**
 * Numbered schema migrations, embedded as strings so they ship inside `dist/` (TypeScript does not
 * copy `.sql` files). `PRAGMA user_version` records the last applied number. Never edit a released
 * migration: append a new one.
 */

/** One migration: applied in ascending `version` order, each in its own transaction. */
export interface Migration {
  readonly version: number;
  readonly name: string;
  readonly sql: string;
}

const engineTable = (name: string) => `
CREATE TABLE ${name} (
  key        TEXT PRIMARY KEY,
  clientcode TEXT NOT NULL,
  json       TEXT NOT NULL,
  seq        INTEGER NOT NULL
);
CREATE INDEX ${name}_client ON ${name}(clientcode);
`;

/** All migrations, oldest first. */
export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: '001_initial',
    sql: `
CREATE TABLE meta (
  key   TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE accounts (
  clientcode     TEXT PRIMARY KEY,
  name           TEXT NOT NULL,
  email          TEXT NOT NULL DEFAULT '',
  mobileno       TEXT NOT NULL DEFAULT '',
  pin_hash       TEXT NOT NULL,
  totp_secret    TEXT NOT NULL,
  api_key        TEXT NOT NULL UNIQUE,
  starting_funds INTEGER NOT NULL,
  blocked        INTEGER NOT NULL DEFAULT 0,
  created_at     INTEGER NOT NULL,
  last_login_at  INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  sid        TEXT PRIMARY KEY,
  clientcode TEXT NOT NULL REFERENCES accounts(clientcode) ON DELETE CASCADE,
  created_at INTEGER NOT NULL,
  expires_at INTEGER NOT NULL,
  revoked_at INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX sessions_client ON sessions(clientcode);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value INTEGER NOT NULL
);
${engineTable('orders')}
${engineTable('trades')}
${engineTable('positions')}
${engineTable('holdings')}
${engineTable('funds')}
${engineTable('gtt_rules')}
`,
  },
  {
    version: 2,
    name: '002_snapshots',
    sql: `
CREATE TABLE snapshots (
  id          TEXT PRIMARY KEY,
  created_at  INTEGER NOT NULL,
  market_time INTEGER NOT NULL,
  label       TEXT NOT NULL DEFAULT '',
  data        BLOB NOT NULL
);
`,
  },
];
