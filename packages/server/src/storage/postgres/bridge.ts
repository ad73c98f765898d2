/**
 * A synchronous bridge to one Postgres connection. The {@link Store} interface is synchronous (the
 * ledger's group commit is one synchronous transaction per event-loop turn; recovery reloads the engine
 * rows synchronously), and every Postgres client for Node is asynchronous. So a worker thread owns the
 * connection (npm `pg`, pure JS) and the calling thread blocks on each call:
 *
 *   caller: postMessage(request) on a MessageChannel → Atomics.wait(flag)
 *   worker: awaits the queries → postMessage(answer) → Atomics.store(flag, 1) + Atomics.notify
 *   caller: wakes → receiveMessageOnPort(port) reads the answer synchronously
 *
 * (the technique of npm `synckit`, written out here in ~100 lines so the worker source ships as a string
 * inside `dist/` and needs no loader under tsx). One call = one message round trip between threads plus
 * the queries' round trips to the server. A call that gets no answer within `timeoutMs` (a dead worker,
 * a hung server) throws instead of blocking forever.
 */
import { createRequire } from 'node:module';
import { MessageChannel, type MessagePort, receiveMessageOnPort, Worker } from 'node:worker_threads';

/** One SQL statement with positional parameters (`$1`, `$2`, …). */
export interface Statement {
  readonly sql: string;
  readonly params?: readonly unknown[];
}

/** The result of one statement. */
export interface QueryResult {
  rows: Record<string, unknown>[];
  rowCount: number;
  command: string;
}

/** SQLSTATE disk_full. */
const DISK_FULL = '53100';

/** An error of the server or of the connection, as the worker saw it. */
export class PostgresError extends Error {
  override readonly name = 'PostgresError';
  /**
   * The SQLSTATE (e.g. `23505` unique_violation) or a Node error code (`ECONNREFUSED`), except for the
   * server's `53100` disk_full, which is `ENOSPC` here: the ledger classifies commit failures by the
   * file-system codes (a full disk is a full disk, on this machine or on the database server).
   */
  readonly code: string | undefined;
  /** The SQLSTATE when the server sent one. */
  readonly sqlState: string | undefined;
  constructor(message: string, code: string | undefined) {
    super(message);
    this.sqlState = code !== undefined && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
    this.code = code === DISK_FULL ? 'ENOSPC' : code;
  }
}

/**
 * The worker's source (CommonJS, run with `eval: true`). Statements of one request run one after the
 * other on the one connection; the first failure stops the request and is the answer. BIGINT (int8) is
 * parsed to a number: every BIGINT of the schema is an epoch-ms time, an amount in paise or a counter,
 * far below 2^53.
 */
const WORKER_SOURCE = `
const { workerData } = require('node:worker_threads');
const pg = require(workerData.pgPath);
pg.types.setTypeParser(20, (v) => Number(v));
const { port, flag } = workerData;
const state = new Int32Array(flag);
let client;
function answer(msg) {
  port.postMessage(msg);
  Atomics.store(state, 0, 1);
  Atomics.notify(state, 0);
}
function errorOf(err) {
  const e = err || {};
  return { message: String(e.message || e), code: typeof e.code === 'string' ? e.code : undefined,
    detail: typeof e.detail === 'string' ? e.detail : undefined };
}
// One simple-protocol query of several statements (one round trip), parameters inlined as literals;
// undefined when a parameter is not a string, a finite number, a boolean or null.
function mergeStatements(statements) {
  const parts = [];
  for (const s of statements) {
    let ok = true;
    const text = s.sql.replace(/\\$(\\d+)/g, (_m, n) => {
      const v = (s.params || [])[Number(n) - 1];
      if (v === null || v === undefined) return 'NULL';
      if (typeof v === 'string') return client.escapeLiteral(v);
      if (typeof v === 'number' && Number.isFinite(v)) return String(v);
      if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
      ok = false;
      return '';
    });
    if (!ok) return undefined;
    parts.push(text);
  }
  return parts.join(';\\n');
}
// anything unexpected still wakes the caller (with the error) instead of leaving it blocked
process.on('uncaughtException', (err) => answer({ ok: false, error: errorOf(err), index: -1 }));
process.on('unhandledRejection', (err) => answer({ ok: false, error: errorOf(err), index: -1 }));
port.on('message', async (req) => {
  try {
    if (req.op === 'connect') {
      client = new pg.Client({ connectionString: req.url, application_name: 'smartapi-paper',
        statement_timeout: req.statementTimeoutMs, connectionTimeoutMillis: req.connectTimeoutMs });
      client.on('error', () => {}); // a dropped connection fails the next query instead
      await client.connect();
      answer({ ok: true, results: [] });
      return;
    }
    if (req.op === 'close') {
      const c = client;
      client = undefined;
      if (c) await c.end().catch(() => {});
      answer({ ok: true, results: [] });
      return;
    }
    if (!client) throw new Error('the Postgres connection is closed');
    const merged = req.merge && req.statements.length > 1 ? mergeStatements(req.statements) : undefined;
    if (merged !== undefined) {
      let r;
      try {
        r = await client.query(merged);
      } catch (err) {
        answer({ ok: false, error: errorOf(err), index: -1 });
        return;
      }
      const list = Array.isArray(r) ? r : [r];
      answer({ ok: true, results: list.map((x) => ({ rows: x.rows, rowCount: x.rowCount ?? 0, command: x.command })) });
      return;
    }
    const results = [];
    for (const s of req.statements) {
      try {
        const r = await client.query({ text: s.sql, values: s.params });
        results.push({ rows: r.rows, rowCount: r.rowCount ?? 0, command: r.command });
      } catch (err) {
        answer({ ok: false, error: errorOf(err), index: results.length });
        return;
      }
    }
    answer({ ok: true, results });
  } catch (err) {
    answer({ ok: false, error: errorOf(err), index: -1 });
  }
});
`;

type Answer =
  | { ok: true; results: QueryResult[] }
  | { ok: false; error: { message: string; code?: string; detail?: string }; index: number };

/** Options of {@link SyncPostgres}. */
export interface SyncPostgresOptions {
  /** Longest wait for one call's answer, ms. @default 60000 */
  timeoutMs?: number;
  /** Server-side `statement_timeout`, ms (0 = none). @default 30000 */
  statementTimeoutMs?: number;
  /** Connection timeout, ms. @default 10000 */
  connectTimeoutMs?: number;
  /** Strings to remove from every error message (the URL's password). */
  secrets?: readonly string[];
}

/** A blocking client of one Postgres connection (see the module comment). */
export class SyncPostgres {
  private readonly worker: Worker;
  private readonly port: MessagePort;
  private readonly flag: Int32Array;
  private readonly timeoutMs: number;
  private readonly secrets: readonly string[];
  private closed = false;

  /** Starts the worker and connects (blocking); throws {@link PostgresError} when it cannot. */
  constructor(url: string, opts: SyncPostgresOptions = {}) {
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.secrets = (opts.secrets ?? []).filter((s) => s !== '');
    const shared = new SharedArrayBuffer(4);
    this.flag = new Int32Array(shared);
    const { port1, port2 } = new MessageChannel();
    this.port = port1;
    const pgPath = createRequire(import.meta.url).resolve('pg');
    this.worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { port: port2, flag: shared, pgPath },
      transferList: [port2],
      // the worker needs neither the caller's loaders (tsx) nor its flags
      execArgv: [],
    });
    this.worker.unref();
    // a dead worker must not take the process down: the blocked call times out and reports it
    this.worker.on('error', () => {});
    try {
      this.call({
        op: 'connect',
        url,
        statementTimeoutMs: opts.statementTimeoutMs ?? 30_000,
        connectTimeoutMs: opts.connectTimeoutMs ?? 10_000,
      });
    } catch (err) {
      void this.worker.terminate();
      this.closed = true;
      throw err;
    }
  }

  /**
   * Runs statements in order on the connection; returns one result per statement. `merge`: send them
   * as ONE simple-protocol query (one round trip to the server) with the parameters inlined as escaped
   * literals (`escapeLiteral` of `pg`; strings, finite numbers, booleans and null only, else they run one
   * by one). Only for statements that are one SQL statement each, whose `$n` are all parameters.
   */
  run(statements: readonly Statement[], opts: { merge?: boolean } = {}): QueryResult[] {
    if (this.closed) throw new PostgresError('the Postgres connection is closed', undefined);
    if (statements.length === 0) return [];
    return this.call({ op: 'query', statements, merge: opts.merge === true });
  }

  /** One statement. */
  query(sql: string, params?: readonly unknown[]): QueryResult {
    const r = this.run([params === undefined ? { sql } : { sql, params }])[0];
    if (!r) throw new PostgresError('no result', undefined);
    return r;
  }

  /** Ends the connection and the worker (blocking); idempotent. */
  close(): void {
    if (this.closed) return;
    try {
      this.call({ op: 'close' });
    } catch {
      // closing a broken connection: the worker goes anyway
    } finally {
      this.closed = true;
      void this.worker.terminate();
      this.port.close();
    }
  }

  private redact(s: string): string {
    let out = s;
    for (const secret of this.secrets) out = out.split(secret).join('***');
    return out;
  }

  private call(req: Record<string, unknown>): QueryResult[] {
    Atomics.store(this.flag, 0, 0);
    this.port.postMessage(req);
    const waited = Atomics.wait(this.flag, 0, 0, this.timeoutMs);
    const msg = receiveMessageOnPort(this.port);
    if (!msg) {
      this.closed = true;
      void this.worker.terminate();
      throw new PostgresError(
        waited === 'timed-out'
          ? `no answer from the Postgres worker within ${this.timeoutMs} ms (connection closed)`
          : 'the Postgres worker answered nothing (connection closed)',
        'ETIMEDOUT',
      );
    }
    const a = msg.message as Answer;
    if (a.ok) return a.results;
    const detail = a.error.detail ? ` (${a.error.detail})` : '';
    throw new PostgresError(this.redact(`${a.error.message}${detail}`), a.error.code);
  }
}
