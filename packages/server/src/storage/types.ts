/**
 * Repository interfaces of the paper broker's persistent state. The SQLite implementation lives in
 * `storage/sqlite/`; everything above it (sessions, accounts, the HTTP layer, the engine driver) only
 * sees these interfaces.
 */

/** One trading account. */
export interface AccountRecord {
  /** Client code, e.g. `P123456`. */
  clientcode: string;
  name: string;
  email: string;
  mobileno: string;
  /** Encoded scrypt hash of the trading PIN (see `identity/pin-hash.ts`). */
  pinHash: string;
  /** Base32 TOTP secret (RFC 6238, SHA-1, 6 digits, 30 s). */
  totpSecret: string;
  /** The SmartAPI api key bound to this account (`X-PrivateKey`). */
  apiKey: string;
  /** Funds at creation and after `accounts reset`, in paise. */
  startingFunds: number;
  /** A blocked client cannot log in (AB1006). */
  blocked: boolean;
  /** Creation time, epoch ms. */
  createdAt: number;
  /** Last successful login, epoch ms; 0 when never. */
  lastLoginAt: number;
}

/** Account lookups and updates. */
export interface AccountRepository {
  insert(account: AccountRecord): void;
  get(clientcode: string): AccountRecord | undefined;
  byApiKey(apiKey: string): AccountRecord | undefined;
  list(): AccountRecord[];
  setLastLogin(clientcode: string, at: number): void;
  setBlocked(clientcode: string, blocked: boolean): void;
}

/** One API session (a successful login); all tokens issued for it carry its id. */
export interface SessionRecord {
  /** Session id (random, URL-safe). */
  sid: string;
  clientcode: string;
  createdAt: number;
  /** Epoch ms after which every token of the session is expired (next midnight IST at login). */
  expiresAt: number;
  /** Epoch ms of logout; 0 while active. */
  revokedAt: number;
}

/** Session persistence. */
export interface SessionRepository {
  insert(session: SessionRecord): void;
  get(sid: string): SessionRecord | undefined;
  revoke(sid: string, at: number): void;
  /** Revokes every session of a client (e.g. on account reset). */
  revokeAll(clientcode: string, at: number): void;
  /** Deletes sessions that expired before `before`; returns how many. */
  purgeExpired(before: number): number;
}

/** Kinds of engine rows the store keeps (one table each). */
export type EngineRowKind = 'order' | 'trade' | 'position' | 'holding' | 'funds' | 'gtt';

/** All engine row kinds. */
export const ENGINE_ROW_KINDS: readonly EngineRowKind[] = [
  'order',
  'trade',
  'position',
  'holding',
  'funds',
  'gtt',
];

/** One persisted engine row: its kind, unique key, owner and JSON-serialisable payload. */
export interface EngineRow {
  kind: EngineRowKind;
  /** Unique within the kind (order id, fill id, position key, …). */
  key: string;
  clientcode: string;
  /** The row itself (stored as JSON). */
  data: unknown;
  /** Remove the row instead of upserting it. */
  deleted?: boolean;
}

/** Engine rows: loaded once at startup, then written by commands. */
export interface EngineRowRepository {
  /** Every stored row, in insertion order per kind. */
  loadAll(): EngineRow[];
  /** Upserts (or deletes) rows. Call inside {@link Store.transaction}. */
  apply(rows: readonly EngineRow[]): void;
  /** Deletes every row of a client (account reset). */
  deleteClient(clientcode: string): void;
  /** Number of rows of one kind for a client. */
  count(kind: EngineRowKind, clientcode?: string): number;
}

/** Durable named counters (order-id sequence, fill ids, GTT ids, …). */
export interface CounterRepository {
  get(name: string): number | undefined;
  all(): Record<string, number>;
  set(name: string, value: number): void;
}

/** Small key/value settings (JWT secret, …). */
export interface MetaRepository {
  get(key: string): string | undefined;
  set(key: string, value: string): void;
}

/** Rows of the tables a snapshot covers, by table name (sessions, meta and snapshots excluded). */
export type StoreDump = Record<string, Record<string, unknown>[]>;

/** One saved snapshot of the whole broker (admin API). */
export interface SnapshotRecord {
  id: string;
  /** Wall-clock creation time, epoch ms. */
  createdAt: number;
  /** Market time when taken, epoch ms. */
  marketTime: number;
  label: string;
  /** Serialized state (see `scenario/snapshots.ts`). */
  data: Uint8Array;
}

/** Snapshot persistence and the raw table dump/load a snapshot is made of. */
export interface SnapshotRepository {
  insert(s: SnapshotRecord): void;
  get(id: string): SnapshotRecord | undefined;
  /** Newest last, without `data`. */
  list(): Omit<SnapshotRecord, 'data'>[];
  /** Every row of accounts, counters and the engine tables. */
  dump(): StoreDump;
  /**
   * Replaces those tables' rows by a dump (call inside {@link Store.transaction}). Accounts are
   * upserted (sessions of accounts that remain stay valid); accounts not in the dump are deleted.
   */
  load(dump: StoreDump): void;
}

/** The whole store. */
export interface Store {
  readonly snapshots: SnapshotRepository;
  readonly accounts: AccountRepository;
  readonly sessions: SessionRepository;
  readonly rows: EngineRowRepository;
  readonly counters: CounterRepository;
  readonly meta: MetaRepository;
  /** Runs `fn` in one transaction (nested calls join the outer one); commits before returning. */
  transaction<T>(fn: () => T): T;
  /**
   * Commits whose wait for the disk runs off the event loop (optional: a store without it makes every
   * {@link transaction} durable before it returns). The broker's ledger uses it for its group commit.
   */
  readonly walSync?: WalSync | undefined;
  /** File name, or `:memory:`. */
  readonly file: string;
  /** Flushes the WAL into the main file and closes; idempotent. */
  close(): void;
}

/**
 * Durability decoupled from the commit (see {@link Store.walSync}): a transaction committed by
 * {@link transactionUnsynced} is visible at once but reaches the disk only once a later {@link sync} or
 * {@link syncNow} returned. A failed sync is final: every later one fails too (the caller stops).
 */
export interface WalSync {
  /**
   * Runs `fn` in one transaction whose COMMIT writes the log without flushing it to the disk. Returns
   * false when it joined an enclosing transaction (nothing is committed until that one commits).
   */
  transactionUnsynced(fn: () => void): boolean;
  /** Flushes every transaction committed so far to the disk, off the event loop. */
  sync(): Promise<void>;
  /** Same as {@link sync}, blocking. */
  syncNow(): void;
}
