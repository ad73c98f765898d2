/**
 * The Postgres dialect of the SQLite migrations (`../sqlite/migrations.ts`): the same numbered versions,
 * the same tables and columns, so a snapshot's table dump means the same in both stores. Differences of
 * dialect only: epoch-ms times and paise amounts are BIGINT; engine rows keep their JSON as TEXT (the
 * exact text SQLite stores: the engine never queries inside it, and JSONB would reorder keys); snapshots
 * get an explicit `position` (SQLite's implicit rowid orders them). `schema_migrations` records the
 * applied versions (SQLite uses `PRAGMA user_version`). Never edit a released migration: append a new
 * one, in both dialects, with the same version number.
 */
import type { Migration } from '../sqlite/migrations.js';

const engineTable = (name: string) => `
CREATE TABLE ${name} (
  key        TEXT PRIMARY KEY,
  clientcode TEXT NOT NULL,
  json       TEXT NOT NULL,
  seq        BIGINT NOT NULL
);
CREATE INDEX ${name}_client ON ${name}(clientcode);
CREATE INDEX ${name}_seq ON ${name}(seq);
`;

/** All migrations, oldest first (versions equal to the SQLite ones). */
export const PG_MIGRATIONS: readonly Migration[] = [
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
  starting_funds BIGINT NOT NULL,
  blocked        INTEGER NOT NULL DEFAULT 0,
  created_at     BIGINT NOT NULL,
  last_login_at  BIGINT NOT NULL DEFAULT 0
);
CREATE TABLE sessions (
  sid        TEXT PRIMARY KEY,
  clientcode TEXT NOT NULL REFERENCES accounts(clientcode) ON DELETE CASCADE,
  created_at BIGINT NOT NULL,
  expires_at BIGINT NOT NULL,
  revoked_at BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX sessions_client ON sessions(clientcode);
CREATE INDEX sessions_expiry ON sessions(expires_at);
CREATE TABLE counters (
  name  TEXT PRIMARY KEY,
  value BIGINT NOT NULL
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
  position    BIGSERIAL UNIQUE,
  id          TEXT PRIMARY KEY,
  created_at  BIGINT NOT NULL,
  market_time BIGINT NOT NULL,
  label       TEXT NOT NULL DEFAULT '',
  data        BYTEA NOT NULL
);
`,
  },
];
