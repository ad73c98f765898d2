/**
 * The Postgres implementation of {@link Store} (docs/scaling.md#postgres): the same repositories, schema
 * versions, secrets at rest and single-server lock as the SQLite store, over a synchronous bridge
 * (`bridge.ts`: a worker thread owns the `pg` connection, the caller blocks on each call).
 *
 * - Durability: `synchronous_commit = on` is set on the connection, so a COMMIT returns once the
 *   server flushed its WAL (and, with synchronous standbys configured, once they confirmed): what the
 *   ledger acknowledges is committed.
 * - Round trips: inside {@link Store.transaction} the writes that return nothing (engine rows, counters)
 *   are queued and sent with BEGIN and COMMIT in one bridge call, so a group commit of the ledger is one
 *   bridge call; a read inside the transaction sends the queue first (reads see the transaction's writes).
 * - Lock: a session-level `pg_advisory_lock` held by the connection; a second server on the same
 *   database is refused with `DatabaseLockedError`. It dies with the connection, so a `kill -9`ed server
 *   leaves no stale lock (the server ends the session when the socket closes).
 */

import { AccountCache } from '../account-cache.js';
import { DatabaseLockedError } from '../sqlite/lock.js';
import { SECRET_META_KEYS, type SecretBox } from '../sqlite/secrets.js';
import type {
  AccountRecord,
  AccountRepository,
  CounterRepository,
  EngineRow,
  EngineRowKind,
  EngineRowRepository,
  MetaRepository,
  SessionRecord,
  SessionRepository,
  SnapshotRepository,
  Store,
  StoreDump,
} from '../types.js';
import { ENGINE_ROW_KINDS } from '../types.js';
import { dbUrlSecrets, redactDbUrl, validatePostgresUrl } from '../url.js';
import { type QueryResult, type Statement, SyncPostgres } from './bridge.js';
import { PG_MIGRATIONS } from './migrations.js';
import { openPostgresSecrets } from './secrets.js';

/** Options of {@link openPostgresStore}. */
export interface PostgresStoreOptions {
  /**
   * Take the single-server lock (an advisory lock of the database). Servers do; short CLI commands
   * that may run next to a server do not.
   * @default true
   */
  lock?: boolean;
  /** Environment holding `PAPER_SECRET_PASSPHRASE`. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** A key file for the secrets instead of the passphrase (created when missing). */
  keyFile?: string;
  /** Longest wait for one call to the database, ms. @default 60000 */
  timeoutMs?: number;
}

/** Key of the single-server advisory lock (`pg_try_advisory_lock`): "smartap" in ASCII. */
export const SERVER_LOCK_KEY = 0x736d6172746170n;
/** Key of the transaction-level lock that serialises migrations of concurrent openers. */
const MIGRATION_LOCK_KEY = 0x736d6172746171n;

const TABLE: Readonly<Record<EngineRowKind, string>> = {
  order: 'orders',
  trade: 'trades',
  position: 'positions',
  holding: 'holdings',
  funds: 'funds',
  gtt: 'gtt_rules',
};

/** Tables a snapshot covers (as in SQLite), each with its order (SQLite's rowid order). */
const SNAPSHOT_TABLES: readonly (readonly [string, string])[] = [
  ['accounts', 'created_at, clientcode'],
  ['counters', 'name'],
  ['orders', 'seq'],
  ['trades', 'seq'],
  ['positions', 'seq'],
  ['holdings', 'seq'],
  ['funds', 'seq'],
  ['gtt_rules', 'seq'],
];

function toAccount(r: Record<string, unknown>, box: SecretBox): AccountRecord {
  return {
    clientcode: r.clientcode as string,
    name: r.name as string,
    email: r.email as string,
    mobileno: r.mobileno as string,
    pinHash: r.pin_hash as string,
    totpSecret: box.open(r.totp_secret as string),
    apiKey: r.api_key as string,
    startingFunds: r.starting_funds as number,
    blocked: r.blocked !== 0,
    createdAt: r.created_at as number,
    lastLoginAt: r.last_login_at as number,
  };
}

function toSession(r: Record<string, unknown>): SessionRecord {
  return {
    sid: r.sid as string,
    clientcode: r.clientcode as string,
    createdAt: r.created_at as number,
    expiresAt: r.expires_at as number,
    revokedAt: r.revoked_at as number,
  };
}

/** Applies pending migrations in one transaction (serialised between openers); returns the version. */
function migrate(db: SyncPostgres): number {
  const latest = PG_MIGRATIONS[PG_MIGRATIONS.length - 1]?.version ?? 0;
  db.run([
    { sql: 'BEGIN' },
    { sql: 'SELECT pg_advisory_xact_lock($1)', params: [String(MIGRATION_LOCK_KEY)] },
    {
      sql: `CREATE TABLE IF NOT EXISTS schema_migrations (
        version    INTEGER PRIMARY KEY,
        name       TEXT NOT NULL,
        applied_at BIGINT NOT NULL
      )`,
    },
  ]);
  try {
    const r = db.query('SELECT COALESCE(MAX(version), 0) AS v FROM schema_migrations');
    let version = Number(r.rows[0]?.v ?? 0);
    if (version > latest) {
      throw new Error(
        `database schema version ${version} is newer than this smartapi-paper (${latest}); upgrade the package`,
      );
    }
    const steps: Statement[] = [];
    for (const m of PG_MIGRATIONS) {
      if (m.version <= version) continue;
      steps.push(
        { sql: m.sql },
        {
          sql: 'INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)',
          params: [m.version, m.name, Date.now()],
        },
      );
      version = m.version;
    }
    db.run([...steps, { sql: 'COMMIT' }]);
    return version;
  } catch (err) {
    try {
      db.query('ROLLBACK');
    } catch {
      // the migration error is the one to report
    }
    throw err;
  }
}

/**
 * Opens a Postgres store (`postgres://` or `postgresql://` URL), migrating the schema. Throws
 * `DatabaseLockedError` when `lock` is on and another server holds the database, `SecretsKeyError`
 * without a secrets key, and errors whose messages never contain the URL's password.
 */
export function openPostgresStore(url: string, opts: PostgresStoreOptions = {}): Store {
  validatePostgresUrl(url);
  const label = redactDbUrl(url);
  const db = new SyncPostgres(url, {
    secrets: dbUrlSecrets(url),
    ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
  });
  try {
    db.query("SET synchronous_commit = 'on'");
    if (opts.lock !== false) {
      const r = db.query('SELECT pg_try_advisory_lock($1) AS ok', [String(SERVER_LOCK_KEY)]);
      if (r.rows[0]?.ok !== true) throw new DatabaseLockedError(label);
    }
    migrate(db);
    const box = openPostgresSecrets(db, label, opts.env ?? process.env, opts.keyFile);
    return new PostgresStore(db, label, box);
  } catch (err) {
    db.close();
    throw err;
  }
}

/** Sends queued writes with the next call (see the module comment). */
class Connection {
  private pending: Statement[] | undefined;

  constructor(readonly db: SyncPostgres) {}

  get inTransaction(): boolean {
    return this.pending !== undefined;
  }

  /** Runs statements now (after the queued ones); their results only. */
  run(statements: readonly Statement[]): QueryResult[] {
    const queued = this.pending ?? [];
    if (this.pending) this.pending = [];
    const results = this.db.run([...queued, ...statements]);
    return results.slice(queued.length);
  }

  query(sql: string, params?: readonly unknown[]): QueryResult {
    const r = this.run([params === undefined ? { sql } : { sql, params }])[0];
    if (!r) throw new Error('no result');
    return r;
  }

  /** A write whose result nobody reads: queued inside a transaction, else its own transaction. */
  write(statements: readonly Statement[]): void {
    if (statements.length === 0) return;
    if (this.pending) this.pending.push(...statements);
    else this.transaction(() => this.pending?.push(...statements));
  }

  transaction<T>(fn: () => T): T {
    if (this.pending) return fn();
    this.pending = [{ sql: 'BEGIN' }];
    try {
      const result = fn();
      const queued = this.pending;
      this.pending = undefined;
      // the group commit: every queued write and the COMMIT in one round trip to the server
      const results = this.db.run([...queued, { sql: 'COMMIT' }], { merge: true });
      // COMMIT of a failed transaction answers ROLLBACK instead of an error
      if (results[results.length - 1]?.command !== 'COMMIT') {
        throw new Error('the transaction was rolled back by the database');
      }
      return result;
    } catch (err) {
      const sentBegin = this.pending?.[0]?.sql !== 'BEGIN';
      this.pending = undefined;
      if (sentBegin) {
        try {
          this.db.run([{ sql: 'ROLLBACK' }]);
        } catch {
          // the connection is gone: the server rolls the transaction back itself
        }
      }
      throw err;
    }
  }
}

class PostgresStore implements Store {
  readonly accounts: AccountRepository;
  readonly sessions: SessionRepository;
  readonly rows: EngineRowRepository;
  readonly counters: CounterRepository;
  readonly meta: MetaRepository;
  readonly snapshots: SnapshotRepository;
  readonly file: string;
  private readonly conn: Connection;
  private readonly accountCache = new AccountCache();
  private readonly seq: { value: number };
  private closed = false;

  constructor(db: SyncPostgres, label: string, box: SecretBox) {
    this.conn = new Connection(db);
    this.file = label;
    this.seq = { value: maxSeq(this.conn) };
    this.accounts = accountRepo(this.conn, box, this.accountCache);
    this.sessions = sessionRepo(this.conn);
    this.rows = rowRepo(this.conn, this.seq);
    this.counters = counterRepo(this.conn);
    this.meta = metaRepo(this.conn, box);
    this.snapshots = snapshotRepo(this.conn, this.accountCache, this.seq);
  }

  transaction<T>(fn: () => T): T {
    if (this.conn.inTransaction) return fn();
    try {
      return this.conn.transaction(fn);
    } catch (err) {
      // Rolled back: an account read inside the transaction may have been cached from rows that no
      // longer exist.
      this.accountCache.clear();
      throw err;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.conn.db.close(); // ends the session: the advisory lock goes with it
  }
}

function maxSeq(conn: Connection): number {
  const parts = ENGINE_ROW_KINDS.map((k) => `SELECT MAX(seq) AS m FROM ${TABLE[k]}`).join(' UNION ALL ');
  const r = conn.query(`SELECT COALESCE(MAX(m), 0) AS m FROM (${parts}) t`);
  return Number(r.rows[0]?.m ?? 0);
}

function accountRepo(conn: Connection, box: SecretBox, cache: AccountCache): AccountRepository {
  const one = (sql: string, v: string) => {
    const r = conn.query(sql, [v]).rows[0];
    return r ? cache.put(toAccount(r, box)) : undefined;
  };
  return {
    insert(a) {
      cache.clear();
      conn.query(
        `INSERT INTO accounts (clientcode, name, email, mobileno, pin_hash, totp_secret, api_key, starting_funds,
           blocked, created_at, last_login_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)`,
        [
          a.clientcode,
          a.name,
          a.email,
          a.mobileno,
          a.pinHash,
          box.seal(a.totpSecret),
          a.apiKey,
          a.startingFunds,
          a.blocked ? 1 : 0,
          a.createdAt,
          a.lastLoginAt,
        ],
      );
    },
    get(clientcode) {
      return cache.byCode.get(clientcode) ?? one('SELECT * FROM accounts WHERE clientcode = $1', clientcode);
    },
    byApiKey(apiKey) {
      return cache.byKey.get(apiKey) ?? one('SELECT * FROM accounts WHERE api_key = $1', apiKey);
    },
    list() {
      return conn
        .query('SELECT * FROM accounts ORDER BY created_at, clientcode')
        .rows.map((r) => toAccount(r, box));
    },
    setLastLogin(clientcode, at) {
      cache.clear();
      conn.query('UPDATE accounts SET last_login_at = $1 WHERE clientcode = $2', [at, clientcode]);
    },
    setBlocked(clientcode, blocked) {
      cache.clear();
      conn.query('UPDATE accounts SET blocked = $1 WHERE clientcode = $2', [blocked ? 1 : 0, clientcode]);
    },
  };
}

function sessionRepo(conn: Connection): SessionRepository {
  return {
    insert(s) {
      conn.query(
        'INSERT INTO sessions (sid, clientcode, created_at, expires_at, revoked_at) VALUES ($1, $2, $3, $4, $5)',
        [s.sid, s.clientcode, s.createdAt, s.expiresAt, s.revokedAt],
      );
    },
    get(sid) {
      const r = conn.query('SELECT * FROM sessions WHERE sid = $1', [sid]).rows[0];
      return r ? toSession(r) : undefined;
    },
    revoke(sid, at) {
      conn.query('UPDATE sessions SET revoked_at = $1 WHERE sid = $2 AND revoked_at = 0', [at, sid]);
    },
    revokeAll(clientcode, at) {
      conn.query('UPDATE sessions SET revoked_at = $1 WHERE clientcode = $2 AND revoked_at = 0', [
        at,
        clientcode,
      ]);
    },
    purgeExpired(before) {
      return conn.query('DELETE FROM sessions WHERE expires_at < $1', [before]).rowCount;
    },
  };
}

function rowRepo(conn: Connection, seq: { value: number }): EngineRowRepository {
  return {
    loadAll() {
      const results = conn.run(
        ENGINE_ROW_KINDS.map((k) => ({ sql: `SELECT key, clientcode, json FROM ${TABLE[k]} ORDER BY seq` })),
      );
      const out: EngineRow[] = [];
      ENGINE_ROW_KINDS.forEach((kind, i) => {
        for (const r of results[i]?.rows ?? []) {
          out.push({
            kind,
            key: r.key as string,
            clientcode: r.clientcode as string,
            data: JSON.parse(r.json as string) as unknown,
          });
        }
      });
      return out;
    },
    apply(rows) {
      conn.write(
        rows.map((row) =>
          row.deleted
            ? { sql: `DELETE FROM ${TABLE[row.kind]} WHERE key = $1`, params: [row.key] }
            : {
                sql: `INSERT INTO ${TABLE[row.kind]} (key, clientcode, json, seq) VALUES ($1, $2, $3, $4)
                      ON CONFLICT (key) DO UPDATE SET json = excluded.json, clientcode = excluded.clientcode`,
                params: [row.key, row.clientcode, JSON.stringify(row.data), ++seq.value],
              },
        ),
      );
    },
    deleteClient(clientcode) {
      conn.write(
        ENGINE_ROW_KINDS.map((k) => ({
          sql: `DELETE FROM ${TABLE[k]} WHERE clientcode = $1`,
          params: [clientcode],
        })),
      );
    },
    count(kind, clientcode) {
      const r =
        clientcode === undefined
          ? conn.query(`SELECT COUNT(*) AS n FROM ${TABLE[kind]}`)
          : conn.query(`SELECT COUNT(*) AS n FROM ${TABLE[kind]} WHERE clientcode = $1`, [clientcode]);
      return Number(r.rows[0]?.n ?? 0);
    },
  };
}

function counterRepo(conn: Connection): CounterRepository {
  return {
    get(name) {
      const v = conn.query('SELECT value FROM counters WHERE name = $1', [name]).rows[0]?.value;
      return v === undefined ? undefined : Number(v);
    },
    all() {
      return Object.fromEntries(
        conn.query('SELECT name, value FROM counters').rows.map((r) => [r.name as string, Number(r.value)]),
      );
    },
    set(name, value) {
      conn.write([
        {
          sql: 'INSERT INTO counters (name, value) VALUES ($1, $2) ON CONFLICT (name) DO UPDATE SET value = excluded.value',
          params: [name, value],
        },
      ]);
    },
  };
}

function metaRepo(conn: Connection, box: SecretBox): MetaRepository {
  return {
    get(key) {
      const v = conn.query('SELECT value FROM meta WHERE key = $1', [key]).rows[0]?.value as
        | string
        | undefined;
      return v !== undefined && SECRET_META_KEYS.has(key) ? box.open(v) : v;
    },
    set(key, value) {
      conn.query(
        'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
        [key, SECRET_META_KEYS.has(key) ? box.seal(value) : value],
      );
    },
  };
}

function asBuffer(v: unknown): Buffer {
  if (Buffer.isBuffer(v)) return v;
  const u = v as Uint8Array;
  return Buffer.from(u.buffer, u.byteOffset, u.byteLength);
}

function snapshotRepo(
  conn: Connection,
  accountCache: AccountCache,
  seq: { value: number },
): SnapshotRepository {
  const columns = new Map<string, string[]>();
  const colsOf = (t: string): string[] => {
    let cols = columns.get(t);
    if (!cols) {
      cols = conn
        .query(
          `SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
          [t],
        )
        .rows.map((r) => r.column_name as string);
      columns.set(t, cols);
    }
    return cols;
  };
  return {
    insert(s) {
      conn.query(
        'INSERT INTO snapshots (id, created_at, market_time, label, data) VALUES ($1, $2, $3, $4, $5)',
        [s.id, s.createdAt, s.marketTime, s.label, Buffer.from(s.data)],
      );
    },
    get(id) {
      const r = conn.query('SELECT id, created_at, market_time, label, data FROM snapshots WHERE id = $1', [
        id,
      ]).rows[0];
      return r
        ? {
            id: r.id as string,
            createdAt: r.created_at as number,
            marketTime: r.market_time as number,
            label: r.label as string,
            data: asBuffer(r.data),
          }
        : undefined;
    },
    list() {
      return conn
        .query('SELECT id, created_at, market_time, label FROM snapshots ORDER BY position')
        .rows.map((r) => ({
          id: r.id as string,
          createdAt: r.created_at as number,
          marketTime: r.market_time as number,
          label: r.label as string,
        }));
    },
    dump() {
      const results = conn.run(
        SNAPSHOT_TABLES.map(([t, order]) => ({ sql: `SELECT * FROM ${t} ORDER BY ${order}` })),
      );
      const out: StoreDump = {};
      SNAPSHOT_TABLES.forEach(([t], i) => {
        out[t] = results[i]?.rows ?? [];
      });
      return out;
    },
    load(dump) {
      accountCache.clear();
      for (const [t] of SNAPSHOT_TABLES) {
        if (!Array.isArray(dump[t])) throw new Error(`snapshot has no table ${t}`);
      }
      const statements: Statement[] = [];
      for (const [t] of SNAPSHOT_TABLES) {
        const cols = colsOf(t);
        const rows = dump[t] ?? [];
        const names = cols.join(', ');
        const marks = cols.map((_, i) => `$${i + 1}`).join(', ');
        const values = (r: Record<string, unknown>) => cols.map((c) => (r[c] === undefined ? null : r[c]));
        if (t === 'accounts') {
          // Upsert (a delete would cascade to the sessions of kept accounts).
          const keep = rows.map((r) => String(r.clientcode));
          statements.push({
            sql: 'DELETE FROM accounts WHERE NOT (clientcode = ANY($1::text[]))',
            params: [keep],
          });
          const set = cols
            .filter((c) => c !== 'clientcode')
            .map((c) => `${c} = excluded.${c}`)
            .join(', ');
          for (const r of rows) {
            statements.push({
              sql: `INSERT INTO accounts (${names}) VALUES (${marks}) ON CONFLICT (clientcode) DO UPDATE SET ${set}`,
              params: values(r),
            });
          }
          continue;
        }
        statements.push({ sql: `DELETE FROM ${t}` });
        for (const r of rows)
          statements.push({ sql: `INSERT INTO ${t} (${names}) VALUES (${marks})`, params: values(r) });
      }
      conn.run(statements);
      seq.value = Math.max(seq.value, maxSeq(conn));
    },
  };
}
