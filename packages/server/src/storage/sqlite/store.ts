/**
 * The SQLite implementation of {@link Store}: better-sqlite3, WAL journal, `synchronous=FULL` (an
 * acknowledged commit survives `kill -9` and power loss), prepared statements, numbered migrations.
 *
 * {@link Store.walSync} (file databases): the ledger's group commits run under `synchronous=NORMAL` (the
 * COMMIT writes the WAL, no fsync) and are made durable by an `fdatasync` of the WAL file on libuv's thread
 * pool, so the event loop never waits for the disk on the order path (docs/paper-broker.md#durability).
 */
import { closeSync, fdatasync, fdatasyncSync, fsyncSync, mkdirSync, openSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import Database from 'better-sqlite3';
import { AccountCache } from '../account-cache.js';
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
  WalSync,
} from '../types.js';
import { ENGINE_ROW_KINDS } from '../types.js';
import { acquireDatabaseLock, type DatabaseLock, lockFileOf } from './lock.js';
import { MIGRATIONS } from './migrations.js';
import {
  ensurePrivateFile,
  openSecrets,
  privateJournalFiles,
  SECRET_META_KEYS,
  type SecretBox,
} from './secrets.js';

/** Options of {@link openSqliteStore}. */
export interface SqliteStoreOptions {
  /**
   * Take the single-server lock (`<file>-lock`). Servers do; short CLI commands that may run next to a
   * server (`accounts create`, `accounts list`) do not.
   * @default true
   */
  lock?: boolean;
  /**
   * Milliseconds to wait for a write lock held by another connection (e.g. a CLI next to a server).
   * @default 5000
   */
  busyTimeout?: number;
  /**
   * The flush of the WAL file behind {@link Store.walSync} (tests inject a slow or failing one).
   * @default fs.fdatasync
   */
  fdatasync?: (fd: number, done: (err: NodeJS.ErrnoException | null) => void) => void;
}

const TABLE: Readonly<Record<EngineRowKind, string>> = {
  order: 'orders',
  trade: 'trades',
  position: 'positions',
  holding: 'holdings',
  funds: 'funds',
  gtt: 'gtt_rules',
};

interface AccountRow {
  clientcode: string;
  name: string;
  email: string;
  mobileno: string;
  pin_hash: string;
  totp_secret: string;
  api_key: string;
  starting_funds: number;
  blocked: number;
  created_at: number;
  last_login_at: number;
}

interface SessionRow {
  sid: string;
  clientcode: string;
  created_at: number;
  expires_at: number;
  revoked_at: number;
}

function toAccount(r: AccountRow, box: SecretBox): AccountRecord {
  return {
    clientcode: r.clientcode,
    name: r.name,
    email: r.email,
    mobileno: r.mobileno,
    pinHash: r.pin_hash,
    totpSecret: box.open(r.totp_secret),
    apiKey: r.api_key,
    startingFunds: r.starting_funds,
    blocked: r.blocked !== 0,
    createdAt: r.created_at,
    lastLoginAt: r.last_login_at,
  };
}

function toSession(r: SessionRow): SessionRecord {
  return {
    sid: r.sid,
    clientcode: r.clientcode,
    createdAt: r.created_at,
    expiresAt: r.expires_at,
    revokedAt: r.revoked_at,
  };
}

/** Applies pending migrations; returns the schema version. */
function migrate(db: Database.Database): number {
  let version = db.pragma('user_version', { simple: true }) as number;
  const latest = MIGRATIONS[MIGRATIONS.length - 1]?.version ?? 0;
  if (version > latest) {
    throw new Error(
      `database schema version ${version} is newer than this smartapi-paper (${latest}); upgrade the package`,
    );
  }
  for (const m of MIGRATIONS) {
    if (m.version <= version) continue;
    db.transaction(() => {
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }).immediate();
    version = m.version;
  }
  return version;
}

/**
 * Opens (creating if needed) a SQLite store. The parent directory of a file database is created.
 * Throws `DatabaseLockedError` when `lock` is on and another server holds the database.
 */
export function openSqliteStore(file: string, opts: SqliteStoreOptions = {}): Store {
  const memory = file === ':memory:';
  const path = memory ? file : resolve(file);
  if (!memory) mkdirSync(dirname(path), { recursive: true });
  let lock: DatabaseLock | undefined;
  if (!memory && opts.lock !== false) {
    ensurePrivateFile(lockFileOf(path)); // SQLite gives its journal the same mode
    lock = acquireDatabaseLock(path);
  }
  let db: Database.Database | undefined;
  let box: SecretBox;
  try {
    // The database and its journals are the server user's only (secrets.ts); an existing file is fixed.
    if (!memory) ensurePrivateFile(path);
    db = new Database(path, { timeout: opts.busyTimeout ?? 5000 });
    if (!memory) db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('foreign_keys = ON');
    migrate(db);
    if (!memory) privateJournalFiles(path);
    box = openSecrets(db, memory ? file : path);
  } catch (err) {
    db?.close();
    lock?.release();
    throw err;
  }
  const walSync = memory ? undefined : new SqliteWalSync(db, path, opts.fdatasync ?? fdatasync);
  return new SqliteStore(db, memory ? file : path, lock, box, walSync);
}

/**
 * {@link WalSync} of a WAL-mode database: unsynced transactions run under `synchronous=NORMAL` (SQLite
 * then writes the WAL at COMMIT without fsync; the connection goes back to FULL right after, so every
 * other write stays durable at COMMIT), and {@link sync} runs `fdatasync` on the `-wal` file in libuv's
 * thread pool. The directory is fsynced once when the WAL is first opened, so the file's entry is durable
 * too. After a failed flush every later one fails with the same error: on Linux a failed fsync may drop
 * the dirty pages and a retry would "succeed" without them (PostgreSQL's "fsyncgate", 2018).
 */
class SqliteWalSync implements WalSync {
  private readonly normal: Database.Statement;
  private readonly full: Database.Statement;
  private fd: number | undefined;
  private failure: Error | undefined;
  private inFlight = 0;
  private closed = false;
  /** Called when an unsynced transaction rolled back (the store drops what it cached meanwhile). */
  onRollback: (() => void) | undefined;

  constructor(
    private readonly db: Database.Database,
    private readonly file: string,
    private readonly flush: NonNullable<SqliteStoreOptions['fdatasync']>,
  ) {
    this.normal = db.prepare('PRAGMA synchronous = NORMAL');
    this.full = db.prepare('PRAGMA synchronous = FULL');
  }

  transactionUnsynced(fn: () => void): boolean {
    if (this.db.inTransaction) {
      fn();
      return false;
    }
    this.normal.run();
    try {
      this.db.transaction(fn).immediate();
    } catch (err) {
      this.onRollback?.();
      throw err;
    } finally {
      this.full.run();
    }
    return true;
  }

  sync(): Promise<void> {
    let fd: number;
    try {
      fd = this.walFd();
    } catch (err) {
      return Promise.reject(err);
    }
    this.inFlight++;
    return new Promise((resolve, reject) => {
      this.flush(fd, (err) => {
        this.inFlight--;
        if (this.closed && this.inFlight === 0) this.closeFd();
        if (err) {
          this.failure ??= err;
          reject(err);
        } else if (this.failure) reject(this.failure);
        else resolve();
      });
    });
  }

  syncNow(): void {
    const fd = this.walFd();
    try {
      fdatasyncSync(fd);
    } catch (err) {
      this.failure ??= err as Error;
      throw err;
    }
  }

  /** True once a flush failed (the store then closes without a checkpoint). */
  get failed(): boolean {
    return this.failure !== undefined;
  }

  close(): void {
    this.closed = true;
    if (this.inFlight === 0) this.closeFd();
  }

  private walFd(): number {
    if (this.failure) throw this.failure;
    if (this.closed) throw new Error('store closed');
    if (this.fd === undefined) {
      // The WAL exists from the first commit on and stays (same inode) while this connection is open.
      this.fd = openSync(`${this.file}-wal`, 'r');
      const dir = openSync(dirname(this.file), 'r');
      try {
        fsyncSync(dir);
      } finally {
        closeSync(dir);
      }
    }
    return this.fd;
  }

  private closeFd(): void {
    if (this.fd === undefined) return;
    closeSync(this.fd);
    this.fd = undefined;
  }
}

class SqliteStore implements Store {
  readonly accounts: AccountRepository;
  readonly sessions: SessionRepository;
  readonly rows: EngineRowRepository;
  readonly counters: CounterRepository;
  readonly meta: MetaRepository;
  readonly snapshots: SnapshotRepository;
  readonly file: string;
  private readonly db: Database.Database;
  private readonly lock: DatabaseLock | undefined;
  private readonly accountCache: AccountCache;
  private closed = false;
  readonly walSync: SqliteWalSync | undefined;

  constructor(
    db: Database.Database,
    file: string,
    lock: DatabaseLock | undefined,
    box: SecretBox,
    walSync: SqliteWalSync | undefined,
  ) {
    this.db = db;
    this.file = file;
    this.lock = lock;
    this.walSync = walSync;
    if (walSync) walSync.onRollback = () => this.accountCache.clear();
    this.accountCache = new AccountCache();
    this.accounts = accountRepo(db, box, this.accountCache);
    this.sessions = sessionRepo(db);
    this.rows = rowRepo(db);
    this.counters = counterRepo(db);
    this.meta = metaRepo(db, box);
    this.snapshots = snapshotRepo(db, this.accountCache);
  }

  transaction<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    try {
      return this.db.transaction(fn).immediate();
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
    try {
      this.walSync?.close();
      // After a failed flush of the WAL nothing more is written (crash-only): the next open recovers
      // from what reached the disk.
      if (this.file !== ':memory:' && !this.walSync?.failed) this.db.pragma('wal_checkpoint(TRUNCATE)');
    } catch {
      // A failed checkpoint (e.g. SQLITE_FULL on a full disk) loses nothing: every committed transaction
      // is in the WAL, which the next open replays. Closing must still release the file and the lock.
    } finally {
      this.db.close();
      this.lock?.release();
    }
  }
}

function accountRepo(db: Database.Database, box: SecretBox, cache: AccountCache): AccountRepository {
  const insert = db.prepare(
    `INSERT INTO accounts (clientcode, name, email, mobileno, pin_hash, totp_secret, api_key, starting_funds,
       blocked, created_at, last_login_at)
     VALUES (@clientcode, @name, @email, @mobileno, @pinHash, @totpSecret, @apiKey, @startingFunds,
       @blocked, @createdAt, @lastLoginAt)`,
  );
  const get = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE clientcode = ?');
  const byKey = db.prepare<[string], AccountRow>('SELECT * FROM accounts WHERE api_key = ?');
  const list = db.prepare<[], AccountRow>('SELECT * FROM accounts ORDER BY created_at, clientcode');
  const setLogin = db.prepare('UPDATE accounts SET last_login_at = ? WHERE clientcode = ?');
  const setBlocked = db.prepare('UPDATE accounts SET blocked = ? WHERE clientcode = ?');
  return {
    insert(a) {
      cache.clear();
      insert.run({ ...a, totpSecret: box.seal(a.totpSecret), blocked: a.blocked ? 1 : 0 });
    },
    get(clientcode) {
      const hit = cache.byCode.get(clientcode);
      if (hit) return hit;
      const r = get.get(clientcode);
      return r ? cache.put(toAccount(r, box)) : undefined;
    },
    byApiKey(apiKey) {
      const hit = cache.byKey.get(apiKey);
      if (hit) return hit;
      const r = byKey.get(apiKey);
      return r ? cache.put(toAccount(r, box)) : undefined;
    },
    list() {
      return list.all().map((r) => toAccount(r, box));
    },
    setLastLogin(clientcode, at) {
      cache.clear();
      setLogin.run(at, clientcode);
    },
    setBlocked(clientcode, blocked) {
      cache.clear();
      setBlocked.run(blocked ? 1 : 0, clientcode);
    },
  };
}

function sessionRepo(db: Database.Database): SessionRepository {
  const insert = db.prepare(
    'INSERT INTO sessions (sid, clientcode, created_at, expires_at, revoked_at) VALUES (?, ?, ?, ?, ?)',
  );
  const get = db.prepare<[string], SessionRow>('SELECT * FROM sessions WHERE sid = ?');
  const revoke = db.prepare('UPDATE sessions SET revoked_at = ? WHERE sid = ? AND revoked_at = 0');
  const revokeAll = db.prepare('UPDATE sessions SET revoked_at = ? WHERE clientcode = ? AND revoked_at = 0');
  const purge = db.prepare('DELETE FROM sessions WHERE expires_at < ?');
  return {
    insert(s) {
      insert.run(s.sid, s.clientcode, s.createdAt, s.expiresAt, s.revokedAt);
    },
    get(sid) {
      const r = get.get(sid);
      return r ? toSession(r) : undefined;
    },
    revoke(sid, at) {
      revoke.run(at, sid);
    },
    revokeAll(clientcode, at) {
      revokeAll.run(at, clientcode);
    },
    purgeExpired(before) {
      return purge.run(before).changes;
    },
  };
}

function rowRepo(db: Database.Database): EngineRowRepository {
  const upsert = new Map<EngineRowKind, Database.Statement>();
  const del = new Map<EngineRowKind, Database.Statement>();
  const delClient = new Map<EngineRowKind, Database.Statement>();
  const all = new Map<
    EngineRowKind,
    Database.Statement<[], { key: string; clientcode: string; json: string }>
  >();
  const count = new Map<EngineRowKind, Database.Statement<[], { n: number }>>();
  const countClient = new Map<EngineRowKind, Database.Statement<[string], { n: number }>>();
  let seq = 0;
  for (const kind of ENGINE_ROW_KINDS) {
    const t = TABLE[kind];
    upsert.set(
      kind,
      db.prepare(
        `INSERT INTO ${t} (key, clientcode, json, seq) VALUES (?, ?, ?, ?)
         ON CONFLICT(key) DO UPDATE SET json = excluded.json, clientcode = excluded.clientcode`,
      ),
    );
    del.set(kind, db.prepare(`DELETE FROM ${t} WHERE key = ?`));
    delClient.set(kind, db.prepare(`DELETE FROM ${t} WHERE clientcode = ?`));
    all.set(kind, db.prepare(`SELECT key, clientcode, json FROM ${t} ORDER BY seq`));
    count.set(kind, db.prepare(`SELECT COUNT(*) AS n FROM ${t}`));
    countClient.set(kind, db.prepare(`SELECT COUNT(*) AS n FROM ${t} WHERE clientcode = ?`));
    const max = db.prepare<[], { m: number | null }>(`SELECT MAX(seq) AS m FROM ${t}`).get();
    seq = Math.max(seq, max?.m ?? 0);
  }
  return {
    loadAll() {
      const out: EngineRow[] = [];
      for (const kind of ENGINE_ROW_KINDS) {
        for (const r of all.get(kind)?.all() ?? []) {
          out.push({ kind, key: r.key, clientcode: r.clientcode, data: JSON.parse(r.json) as unknown });
        }
      }
      return out;
    },
    apply(rows) {
      for (const row of rows) {
        if (row.deleted) del.get(row.kind)?.run(row.key);
        else upsert.get(row.kind)?.run(row.key, row.clientcode, JSON.stringify(row.data), ++seq);
      }
    },
    deleteClient(clientcode) {
      for (const kind of ENGINE_ROW_KINDS) delClient.get(kind)?.run(clientcode);
    },
    count(kind, clientcode) {
      const r = clientcode === undefined ? count.get(kind)?.get() : countClient.get(kind)?.get(clientcode);
      return r?.n ?? 0;
    },
  };
}

function counterRepo(db: Database.Database): CounterRepository {
  const get = db.prepare<[string], { value: number }>('SELECT value FROM counters WHERE name = ?');
  const all = db.prepare<[], { name: string; value: number }>('SELECT name, value FROM counters');
  const set = db.prepare(
    'INSERT INTO counters (name, value) VALUES (?, ?) ON CONFLICT(name) DO UPDATE SET value = excluded.value',
  );
  return {
    get(name) {
      return get.get(name)?.value;
    },
    all() {
      return Object.fromEntries(all.all().map((r) => [r.name, r.value]));
    },
    set(name, value) {
      set.run(name, value);
    },
  };
}

function metaRepo(db: Database.Database, box: SecretBox): MetaRepository {
  const get = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const set = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  return {
    get(key) {
      const v = get.get(key)?.value;
      return v !== undefined && SECRET_META_KEYS.has(key) ? box.open(v) : v;
    },
    set(key, value) {
      set.run(key, SECRET_META_KEYS.has(key) ? box.seal(value) : value);
    },
  };
}

/** Tables a snapshot covers (everything but sessions, meta and the snapshots themselves). */
const SNAPSHOT_TABLES = [
  'accounts',
  'counters',
  'orders',
  'trades',
  'positions',
  'holdings',
  'funds',
  'gtt_rules',
] as const;

function snapshotRepo(db: Database.Database, accountCache: AccountCache): SnapshotRepository {
  const insert = db.prepare(
    'INSERT INTO snapshots (id, created_at, market_time, label, data) VALUES (?, ?, ?, ?, ?)',
  );
  const get = db.prepare<
    [string],
    { id: string; created_at: number; market_time: number; label: string; data: Buffer }
  >('SELECT * FROM snapshots WHERE id = ?');
  const list = db.prepare<[], { id: string; created_at: number; market_time: number; label: string }>(
    'SELECT id, created_at, market_time, label FROM snapshots ORDER BY rowid',
  );
  const columns = new Map<string, string[]>();
  for (const t of SNAPSHOT_TABLES) {
    const cols = db.prepare<[], { name: string }>(`PRAGMA table_info(${t})`).all();
    columns.set(
      t,
      cols.map((c) => c.name),
    );
  }
  return {
    insert(s) {
      insert.run(s.id, s.createdAt, s.marketTime, s.label, Buffer.from(s.data));
    },
    get(id) {
      const r = get.get(id);
      return r
        ? { id: r.id, createdAt: r.created_at, marketTime: r.market_time, label: r.label, data: r.data }
        : undefined;
    },
    list() {
      return list
        .all()
        .map((r) => ({ id: r.id, createdAt: r.created_at, marketTime: r.market_time, label: r.label }));
    },
    dump() {
      const out: StoreDump = {};
      for (const t of SNAPSHOT_TABLES) {
        out[t] = db.prepare<[], Record<string, unknown>>(`SELECT * FROM ${t} ORDER BY rowid`).all();
      }
      return out;
    },
    load(dump) {
      accountCache.clear();
      for (const t of SNAPSHOT_TABLES) {
        const rows = dump[t];
        if (!Array.isArray(rows)) throw new Error(`snapshot has no table ${t}`);
      }
      for (const t of SNAPSHOT_TABLES) {
        const cols = columns.get(t) ?? [];
        const rows = dump[t] ?? [];
        const names = cols.join(', ');
        const marks = cols.map(() => '?').join(', ');
        const values = (r: Record<string, unknown>) => cols.map((c) => (r[c] === undefined ? null : r[c]));
        if (t === 'accounts') {
          // Upsert (never INSERT OR REPLACE: a delete would cascade to the sessions of kept accounts).
          const keep = new Set(rows.map((r) => String(r.clientcode)));
          for (const r of db.prepare<[], { clientcode: string }>('SELECT clientcode FROM accounts').all()) {
            if (!keep.has(r.clientcode))
              db.prepare('DELETE FROM accounts WHERE clientcode = ?').run(r.clientcode);
          }
          const set = cols
            .filter((c) => c !== 'clientcode')
            .map((c) => `${c} = excluded.${c}`)
            .join(', ');
          const up = db.prepare(
            `INSERT INTO accounts (${names}) VALUES (${marks}) ON CONFLICT(clientcode) DO UPDATE SET ${set}`,
          );
          for (const r of rows) up.run(...values(r));
          continue;
        }
        db.prepare(`DELETE FROM ${t}`).run();
        const ins = db.prepare(`INSERT INTO ${t} (${names}) VALUES (${marks})`);
        for (const r of rows) ins.run(...values(r));
      }
    },
  };
}
