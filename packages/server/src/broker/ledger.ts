/**
 * The broker's one write path: the engine, its durable id counters and the store, kept in step.
 *
 * Every engine change reaches SQLite through {@link Ledger.commit} (now) or {@link Ledger.enqueue} (group
 * commit: commands of one event-loop turn share one transaction, one fsync of the WAL). The engine mutates
 * its memory before the commit; when the transaction fails, the ledger rebuilds the engine state and the
 * id counters from the database, so memory is never ahead of the disk, and every waiter of that batch gets
 * the error (nothing of the batch is acknowledged or published).
 */
import { Engine } from '../engine/engine.js';
import { restoreState } from '../engine/state.js';
import type { EngineConfig, EngineEvent } from '../engine/types.js';
import type { Store } from '../storage/types.js';
import { PersistentIds } from './ids.js';
import { eventRow, toEngineRows } from './persist.js';

/** Collaborators of a {@link Ledger}. */
export interface LedgerOptions {
  store: Store;
  /** Current market time (epoch ms), for the dated order ids. */
  now: () => number;
  engine?: EngineConfig;
  /** Called with a batch's events once its transaction committed (order-update fan-out). */
  onCommitted?: (events: readonly EngineEvent[]) => void;
  /**
   * Called with the events of every command as it is queued or committed: the engine's memory of their
   * accounts has just changed (read caches drop their views of those accounts).
   */
  onChanged?: (events: readonly EngineEvent[]) => void;
  /** Called after the engine state was rebuilt from the database (read caches drop everything). */
  onRestored?: () => void;
  /**
   * Called once when the log could not be flushed to the disk (see {@link DurabilityError}): the process
   * should stop without a checkpoint and recover on the next start.
   */
  onFatal?: (err: DurabilityError) => void;
}

/** Why a commit failed, as far as the storage error tells. */
export type CommitFailureReason = 'disk_full' | 'storage';

/** SQLite / file-system error codes meaning "no space left" (SQLITE_FULL, ENOSPC, EDQUOT). */
const DISK_FULL_CODES = new Set(['SQLITE_FULL', 'ENOSPC', 'EDQUOT']);

/** Classifies a storage error: a full disk (or quota) versus any other storage failure. */
export function commitFailureReason(cause: unknown): CommitFailureReason {
  for (let e = cause, depth = 0; e && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string' && DISK_FULL_CODES.has(code)) return 'disk_full';
    if (e instanceof AggregateError && e.errors.some((x) => commitFailureReason(x) === 'disk_full'))
      return 'disk_full';
    e = (e as { cause?: unknown }).cause;
  }
  return 'storage';
}

/** Thrown to the waiters of a batch whose transaction failed (the engine state was restored). */
export class CommitError extends Error {
  /** `disk_full` when the storage ran out of space; `storage` for any other failure. */
  readonly reason: CommitFailureReason;
  constructor(cause: unknown) {
    super(`commit failed, state restored from the database: ${(cause as Error)?.message ?? String(cause)}`, {
      cause,
    });
    this.name = 'CommitError';
    this.reason = commitFailureReason(cause);
  }
}

/**
 * Thrown to the waiters whose commit could not be made durable (the flush of the log to the disk failed)
 * and, from then on, to every write: the outcome of those commands is unknown (their transaction may or
 * may not reach the disk), so they are neither acknowledged nor refused, and the ledger stops (crash-only,
 * see docs/paper-broker.md#durability).
 */
export class DurabilityError extends Error {
  constructor(cause: unknown) {
    super(
      `the disk did not confirm a commit, writes stopped: ${(cause as Error)?.message ?? String(cause)}`,
      {
        cause,
      },
    );
    this.name = 'DurabilityError';
  }
}

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** One group commit: its events (published once durable) and the commands waiting for it. */
interface Batch {
  seq: number;
  events: readonly EngineEvent[];
  waiters: Waiter[];
}

/** The engine plus its persistence (see module comment). */
export class Ledger {
  readonly store: Store;
  readonly engine: Engine;
  readonly ids: PersistentIds;
  private readonly onCommitted: ((events: readonly EngineEvent[]) => void) | undefined;
  private readonly onChanged: ((events: readonly EngineEvent[]) => void) | undefined;
  private readonly onRestored: (() => void) | undefined;
  private readonly onFatal: ((err: DurabilityError) => void) | undefined;
  private pending: EngineEvent[] = [];
  private extras: (() => void)[] = [];
  private waiters: Waiter[] = [];
  private flushTimer: ReturnType<typeof setImmediate> | undefined;
  /** Committed batches whose publication waits for an enclosing transaction (see {@link holdPublishing}). */
  private held: Batch[] | undefined;
  /** Batches committed to the log but not known to be on the disk, oldest first. */
  private unsynced: Batch[] = [];
  private seq = 0;
  private syncing = false;
  private failure: DurabilityError | undefined;
  private closed = false;
  private blocking = false;

  constructor(opts: LedgerOptions) {
    this.store = opts.store;
    this.onCommitted = opts.onCommitted;
    this.onChanged = opts.onChanged;
    this.onRestored = opts.onRestored;
    this.onFatal = opts.onFatal;
    this.ids = new PersistentIds(opts.store, opts.now);
    this.engine = new Engine(opts.engine, restoreState(toEngineRows(opts.store.rows.loadAll())));
  }

  /** Set once the log could not be flushed to the disk: every write is refused from then on. */
  get failed(): DurabilityError | undefined {
    return this.failure;
  }

  /** Throws the {@link DurabilityError} once writes stopped (call before changing the engine). */
  assertWritable(): void {
    if (this.failure) throw this.failure;
  }

  /**
   * Persists events (and id counters) in one transaction right now, together with anything queued for
   * the group commit, makes it durable (blocking) and publishes them. `alsoInTransaction` runs inside the
   * same transaction (e.g. ending an account's sessions on reset). Throws a {@link CommitError} when the
   * transaction fails (the engine state has been restored from the database then), a
   * {@link DurabilityError} when the disk did not confirm it.
   */
  commit(events: readonly EngineEvent[], alsoInTransaction?: () => void): void {
    this.assertWritable();
    let failure: unknown;
    let failed = false;
    if (events.length) this.onChanged?.(events);
    for (const e of events) this.pending.push(e);
    if (alsoInTransaction) this.extras.push(alsoInTransaction);
    this.waiters.push({
      resolve: () => {},
      reject: (err) => {
        failed = true;
        failure = err;
      },
    });
    // flushed below, blocking: no flush on the thread pool for this batch
    this.blocking = true;
    try {
      this.flushPending();
    } finally {
      this.blocking = false;
    }
    if (!failed) this.syncNow();
    if (failed) throw failure;
  }

  /**
   * Queues events for the next group commit and resolves once they are durable (rejects with a
   * {@link CommitError} when their transaction failed, with a {@link DurabilityError} when the disk did
   * not confirm it). Everything is written in the order it was queued, so a market-driven fill is never
   * overwritten by an older row of the same order.
   */
  enqueue(events: readonly EngineEvent[]): Promise<void> {
    if (this.failure) return Promise.reject(this.failure);
    if (events.length) this.onChanged?.(events);
    for (const e of events) this.pending.push(e);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushTimer ??= setImmediate(() => this.flushPending());
    return done;
  }

  /**
   * Commits everything queued (one transaction). With a store that has {@link Store.walSync}, the batch's
   * waiters are settled and its events published once a flush of the log covering it returned (one flush
   * in flight at a time; batches committed meanwhile share the next one); otherwise at once.
   */
  flushPending(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.waiters.length === 0) return;
    const events = this.pending;
    const extras = this.extras;
    const waiters = this.waiters;
    this.pending = [];
    this.extras = [];
    this.waiters = [];
    if (this.failure) {
      for (const w of waiters) w.reject(this.failure);
      return;
    }
    let unsynced: boolean;
    try {
      unsynced = this.write(events, extras);
    } catch (err) {
      const error = this.recover(err);
      for (const w of waiters) w.reject(error);
      return;
    }
    const batch: Batch = { seq: ++this.seq, events, waiters };
    const wroteNothing = events.length === 0 && extras.length === 0;
    if (this.held) this.held.push(batch);
    else if (unsynced || (wroteNothing && this.unsynced.length)) {
      this.unsynced.push(batch);
      if (!this.blocking) this.startSync();
    } else {
      // Durable already (or inside a transaction of the caller's): what was committed before goes first.
      try {
        if (this.unsynced.length) this.syncNow();
      } catch (err) {
        for (const w of waiters) w.reject(err);
        return;
      }
      this.settle(batch);
    }
  }

  /**
   * Runs `fn`, which wraps commits in a transaction of its own (an advance of the clock), and settles the
   * batches committed meanwhile (acknowledges and publishes them) only once `fn` returned and the log is
   * on the disk: if `fn` throws, its transaction rolled them back, their waiters get a {@link CommitError}
   * and nothing of them reaches the order feed.
   */
  holdPublishing<T>(fn: () => T): T {
    if (this.held) return fn();
    const held: Batch[] = [];
    this.held = held;
    let result: T;
    try {
      result = fn();
    } catch (err) {
      this.held = undefined;
      const error = new CommitError(err);
      for (const b of held) for (const w of b.waiters) w.reject(error);
      throw err;
    }
    this.held = undefined;
    if (held.length === 0) return result;
    // fn's transaction committed after everything in `unsynced`: one flush covers them all, in order.
    this.unsynced.push(...held);
    this.syncNow();
    return result;
  }

  /**
   * After the engine threw in the middle of a command (a bug: its change may be half applied), commits what
   * is queued and rebuilds the engine state and id counters from the database, dropping the half change.
   */
  resync(): void {
    this.flushPending();
    this.restoreFromDb();
  }

  /**
   * After an enclosing transaction failed (an advance of the clock): drops everything still queued (its
   * waiters get `cause`) and rebuilds the engine state and id counters from the database, so nothing of
   * the rolled-back work stays in memory or gets written later.
   */
  rollback(cause: unknown): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    const waiters = this.waiters;
    this.pending = [];
    this.extras = [];
    this.waiters = [];
    this.restoreFromDb();
    const error = new CommitError(cause);
    for (const w of waiters) w.reject(error);
  }

  /**
   * Commits what is queued and waits (blocking) until everything committed is on the disk, then settles
   * it; later flushes are ignored (shutdown).
   */
  close(): void {
    if (this.closed) return;
    this.flushPending();
    if (this.unsynced.length) this.syncNow();
    this.closed = true;
  }

  /** Flushes the log (blocking) and settles every batch committed so far; a failure stops the ledger. */
  private syncNow(): void {
    const walSync = this.store.walSync;
    const through = this.seq;
    if (walSync && this.unsynced.length) {
      try {
        walSync.syncNow();
      } catch (err) {
        this.fail(err);
        throw this.failure;
      }
    }
    this.settleThrough(through);
  }

  /** Starts a flush of the log unless one is in flight (it restarts itself for what came meanwhile). */
  private startSync(): void {
    const walSync = this.store.walSync;
    if (!walSync || this.syncing || this.failure || this.unsynced.length === 0) return;
    const through = this.seq;
    this.syncing = true;
    walSync.sync().then(
      () => {
        this.syncing = false;
        if (this.closed || this.failure) return;
        this.settleThrough(through);
        this.startSync();
      },
      (err: unknown) => {
        this.syncing = false;
        if (this.closed) return;
        this.fail(err);
      },
    );
  }

  /** Acknowledges and publishes, in commit order, every unsynced batch up to `seq`. */
  private settleThrough(seq: number): void {
    while (this.unsynced.length && (this.unsynced[0] as Batch).seq <= seq) {
      this.settle(this.unsynced.shift() as Batch);
    }
  }

  private settle(batch: Batch): void {
    for (const w of batch.waiters) w.resolve();
    if (batch.events.length) this.onCommitted?.(batch.events);
  }

  /** The log could not be flushed: nothing waiting is acknowledged, and writes stop. */
  private fail(cause: unknown): void {
    if (this.failure) return;
    const error = new DurabilityError(cause);
    this.failure = error;
    const batches = this.unsynced;
    this.unsynced = [];
    for (const b of batches) for (const w of b.waiters) w.reject(error);
    this.onFatal?.(error);
  }

  /** Writes the id counters that were drawn but not committed yet (shutdown). */
  flushIds(): void {
    this.store.transaction(() => this.ids.flush());
  }

  /** Writes a batch; true when it committed without waiting for the disk (see {@link Store.walSync}). */
  private write(events: readonly EngineEvent[], extras: readonly (() => void)[]): boolean {
    if (events.length === 0 && extras.length === 0) return false;
    const walSync = this.store.walSync;
    const tx = (fn: () => void): boolean => {
      if (walSync) return walSync.transactionUnsynced(fn);
      this.store.transaction(fn);
      return false;
    };
    return tx(() => {
      const rows = [];
      for (const e of events) {
        if (e.type === 'reset') {
          if (rows.length) this.store.rows.apply(rows.splice(0));
          this.store.rows.deleteClient(e.clientcode);
          continue;
        }
        const row = eventRow(e);
        if (row) rows.push(row);
      }
      if (rows.length) this.store.rows.apply(rows);
      this.ids.flush();
      for (const fn of extras) fn();
    });
  }

  /**
   * After a failed transaction: the engine state and the id counters go back to what the database holds
   * (the rolled-back batch is forgotten). Returns the error for the batch's waiters.
   */
  private recover(cause: unknown): Error {
    try {
      this.restoreFromDb();
    } catch (err) {
      return new Error('commit failed and the state could not be restored from the database', {
        cause: new AggregateError([cause, err]),
      });
    }
    return new CommitError(cause);
  }

  private restoreFromDb(): void {
    try {
      this.engine.restore(toEngineRows(this.store.rows.loadAll()));
      this.ids.reload();
    } finally {
      this.onRestored?.();
    }
  }
}
