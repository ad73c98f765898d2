/**
 * The storage test suite every {@link Store} implementation passes (SQLite: storage-sqlite.test.ts;
 * Postgres: storage-postgres.test.ts): accounts, sessions, engine rows, counters, transactions and their
 * rollback, the account cache, the single-server lock, reopen, an offline account reset, snapshots, and
 * a `kill -9` of a process in the middle of committing (nothing acknowledged is lost, the lock is free).
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { istDayStart } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { resetAccountOffline } from '../src/broker/reset.js';
import { createAccount, ensureDemoAccount, listAccounts } from '../src/identity/accounts.js';
import { hashPin, verifyPin } from '../src/identity/pin-hash.js';
import { DatabaseLockedError } from '../src/storage/sqlite/lock.js';
import type { Store } from '../src/storage/types.js';

/** How the suite gets stores of one implementation. */
export interface StoreHarness {
  /** A new, empty database: a file name or a URL (`openStore` accepts both). */
  fresh(): string;
  /** Opens a database (the implementation's options: `lock`). */
  open(db: string, opts?: { lock?: boolean }): Store;
  /** Environment of a child process that opens the database (e.g. the secrets passphrase). */
  childEnv?: NodeJS.ProcessEnv;
}

const CHILD = fileURLToPath(new URL('./storage-kill-child.ts', import.meta.url));

/** Registers the shared tests (call inside a `describe`). */
export function storageSuite(h: StoreHarness): void {
  it('stores accounts with a scrypt PIN hash, never the PIN', async () => {
    const s = h.open(h.fresh());
    const { account, credentials } = await createAccount(s, { funds: 5_000_00, pin: '4321' });
    assert.match(account.pinHash, /^scrypt\$/);
    assert.ok(!account.pinHash.includes('4321'));
    assert.equal(credentials.password, '4321');
    assert.ok(await verifyPin('4321', s.accounts.get(credentials.clientcode)?.pinHash ?? ''));
    assert.equal(await verifyPin('1234', account.pinHash), false);
    assert.equal(s.accounts.byApiKey(credentials.apiKey)?.clientcode, credentials.clientcode);
    assert.equal(listAccounts(s)[0]?.funds, 5000);
    await assert.rejects(createAccount(s, { clientcode: credentials.clientcode }), /already exists/);
    s.close();
  });

  it('pin hashes are salted and reject malformed encodings', async () => {
    const a = await hashPin('0000');
    const b = await hashPin('0000');
    assert.notEqual(a, b);
    assert.equal(await verifyPin('0000', 'plain'), false);
    assert.equal(await verifyPin('0000', 'scrypt$x$8$1$AAAA$AAAA'), false);
  });

  it('upserts engine rows by key, keeps first-insert order, deletes per client', () => {
    const s = h.open(h.fresh());
    s.transaction(() => {
      s.rows.apply([
        { kind: 'order', key: 'o1', clientcode: 'A1', data: { v: 1 } },
        { kind: 'order', key: 'o2', clientcode: 'B1', data: { v: 2 } },
        { kind: 'order', key: 'o1', clientcode: 'A1', data: { v: 3 } },
        { kind: 'funds', key: 'A1', clientcode: 'A1', data: { cash: 1 } },
        // quotes, backslashes, placeholders and separators survive every dialect's quoting
        { kind: 'trade', key: "t'1;$1", clientcode: 'A1', data: { s: "it's \\ $1 ; -- '' \u0000 ₹" } },
      ]);
    });
    assert.deepEqual(s.rows.loadAll().find((r) => r.kind === 'trade')?.data, {
      s: "it's \\ $1 ; -- '' \u0000 ₹",
    });
    s.rows.apply([{ kind: 'trade', key: "t'1;$1", clientcode: 'A1', data: null, deleted: true }]);
    const rows = s.rows.loadAll();
    assert.deepEqual(
      rows.map((r) => [r.kind, r.key, r.data]),
      [
        ['order', 'o1', { v: 3 }],
        ['order', 'o2', { v: 2 }],
        ['funds', 'A1', { cash: 1 }],
      ],
    );
    assert.equal(s.rows.count('order'), 2);
    assert.equal(s.rows.count('order', 'A1'), 1);
    s.rows.deleteClient('A1');
    assert.deepEqual(
      s.rows.loadAll().map((r) => r.key),
      ['o2'],
    );
    s.rows.apply([{ kind: 'order', key: 'o2', clientcode: 'B1', data: null, deleted: true }]);
    assert.equal(s.rows.count('order'), 0);
    s.close();
  });

  it('rolls back a failed transaction completely', () => {
    const s = h.open(h.fresh());
    assert.throws(() =>
      s.transaction(() => {
        s.counters.set('order', 5);
        s.rows.apply([{ kind: 'trade', key: 't', clientcode: 'A', data: 1 }]);
        throw new Error('boom');
      }),
    );
    assert.equal(s.counters.get('order'), undefined);
    assert.equal(s.rows.count('trade'), 0);
    s.close();
  });

  it('serves accounts from memory, coherent with every write and with rolled-back transactions', async () => {
    const file = h.fresh();
    const s = h.open(file);
    const { account } = await createAccount(s, { pin: '1234' });
    const a = s.accounts.byApiKey(account.apiKey);
    assert.equal(a?.clientcode, account.clientcode);
    assert.equal(s.accounts.get(account.clientcode), a, 'the same record: served from memory');
    assert.ok(Object.isFrozen(a), 'a shared record cannot be changed by a caller');
    s.accounts.setBlocked(account.clientcode, true);
    assert.equal(s.accounts.get(account.clientcode)?.blocked, true);
    assert.equal(s.accounts.byApiKey(account.apiKey)?.blocked, true);
    s.accounts.setLastLogin(account.clientcode, 42);
    assert.equal(s.accounts.byApiKey(account.apiKey)?.lastLoginAt, 42);
    // An account read inside a transaction that rolls back does not survive in memory.
    const ghost = { ...account, clientcode: 'G999999', apiKey: 'ghost-key' };
    assert.throws(() =>
      s.transaction(() => {
        s.accounts.insert(ghost);
        assert.equal(s.accounts.byApiKey('ghost-key')?.clientcode, 'G999999');
        throw new Error('boom');
      }),
    );
    assert.equal(s.accounts.byApiKey('ghost-key'), undefined);
    assert.equal(s.accounts.get('G999999'), undefined);
    // An account created by another connection (`accounts create` next to a server) is found.
    const cli = h.open(file, { lock: false });
    const { account: other } = await createAccount(cli, { pin: '1234' });
    cli.close();
    assert.equal(s.accounts.byApiKey(other.apiKey)?.clientcode, other.clientcode);
    s.close();
  });

  it('refuses a second server on the same database and frees the lock on close', () => {
    const file = h.fresh();
    const s = h.open(file);
    assert.throws(() => h.open(file), DatabaseLockedError);
    // Short CLI commands (no lock) may still open it.
    const cli = h.open(file, { lock: false });
    cli.close();
    s.close();
    h.open(file).close();
  });

  it('keeps data across reopen; the demo account is stable', async () => {
    const file = h.fresh();
    const s = h.open(file);
    const d1 = await ensureDemoAccount(s, 1_000_00);
    s.counters.set('order', 42);
    s.close();
    const s2 = h.open(file);
    const d2 = await ensureDemoAccount(s2, 1_000_00);
    assert.deepEqual(d2, d1);
    assert.equal(s2.counters.get('order'), 42);
    assert.equal(s2.accounts.list().length, 1);
    s2.close();
  });

  it('accounts reset (offline) deletes the client rows, restores the funds and ends its sessions, in one write', async () => {
    const s = h.open(h.fresh());
    const { credentials } = await createAccount(s, { funds: 500_00 });
    const cc = credentials.clientcode;
    s.sessions.insert({ sid: 's1', clientcode: cc, createdAt: 1, expiresAt: Date.now() + 1e6, revokedAt: 0 });
    s.rows.apply([
      { kind: 'order', key: '1', clientcode: cc, data: { clientcode: cc, orderid: '1', createdat: 1 } },
      {
        kind: 'order',
        key: '2',
        clientcode: 'OTHER',
        data: { clientcode: 'OTHER', orderid: '2', createdat: 1 },
      },
    ]);
    let transactions = 0;
    const original = s.transaction.bind(s);
    s.transaction = <T>(fn: () => T): T => {
      transactions++;
      return original(fn);
    };
    // SQLite's group commits go through walSync (no fsync in COMMIT, the WAL flushed after): count those too
    const wal = s.walSync;
    if (wal) {
      const unsynced = wal.transactionUnsynced.bind(wal);
      wal.transactionUnsynced = (fn: () => void): boolean => {
        transactions++;
        return unsynced(fn);
      };
    }
    // the engine never opened this account: its stray rows go, a funds row is written
    resetAccountOffline(s, cc.toLowerCase(), 123);
    assert.equal(transactions, 1);
    assert.equal(s.rows.count('order', cc), 0);
    assert.equal(s.rows.count('order', 'OTHER'), 1);
    assert.equal(s.sessions.get('s1')?.revokedAt, 123);
    const funds = () => s.rows.loadAll().filter((r) => r.kind === 'funds' && r.clientcode === cc);
    assert.deepEqual(
      funds().map((r) => r.data),
      [{ clientcode: cc, cash: 500_00, collateral: 0, initialcash: 500_00, tradingday: istDayStart(123) }],
    );
    // an open account with spent cash goes back to its starting funds
    s.rows.apply([
      { kind: 'funds', key: cc, clientcode: cc, data: { ...(funds()[0]?.data as object), cash: 1 } },
    ]);
    resetAccountOffline(s, cc, 456);
    assert.deepEqual(
      funds().map((r) => (r.data as { cash: number }).cash),
      [500_00],
    );
    s.close();
  });

  it('sessions: insert, revoke one, revoke all of a client, purge the expired', async () => {
    const s = h.open(h.fresh());
    const { credentials: a } = await createAccount(s, { pin: '1234' });
    const { credentials: b } = await createAccount(s, { pin: '1234' });
    const sess = (sid: string, clientcode: string, expiresAt: number) =>
      s.sessions.insert({ sid, clientcode, createdAt: 1, expiresAt, revokedAt: 0 });
    sess('a1', a.clientcode, 1_000);
    sess('a2', a.clientcode, 5_000);
    sess('b1', b.clientcode, 5_000);
    assert.deepEqual(s.sessions.get('a1'), {
      sid: 'a1',
      clientcode: a.clientcode,
      createdAt: 1,
      expiresAt: 1_000,
      revokedAt: 0,
    });
    s.sessions.revoke('a1', 10);
    s.sessions.revoke('a1', 20); // the first logout time stays
    assert.equal(s.sessions.get('a1')?.revokedAt, 10);
    s.sessions.revokeAll(a.clientcode, 30);
    assert.equal(s.sessions.get('a2')?.revokedAt, 30);
    assert.equal(s.sessions.get('b1')?.revokedAt, 0);
    assert.equal(s.sessions.purgeExpired(2_000), 1);
    assert.equal(s.sessions.get('a1'), undefined);
    assert.equal(s.sessions.get('nope'), undefined);
    s.close();
  });

  it('counters and meta (secret meta values read back in plain)', () => {
    const db = h.fresh();
    const s = h.open(db);
    s.transaction(() => {
      s.counters.set('order', 7);
      s.counters.set('fill', 1_700_000_000_123);
      s.counters.set('order', 8);
    });
    assert.deepEqual(s.counters.all(), { order: 8, fill: 1_700_000_000_123 });
    s.meta.set('jwt_secret', 'top-secret');
    s.meta.set('plain', 'v');
    s.close();
    const s2 = h.open(db);
    assert.equal(s2.meta.get('jwt_secret'), 'top-secret');
    assert.equal(s2.meta.get('plain'), 'v');
    assert.equal(s2.meta.get('missing'), undefined);
    assert.equal(s2.counters.get('fill'), 1_700_000_000_123);
    s2.close();
  });

  it('snapshots: stored bytes come back equal; a table dump loads back over changed tables', async () => {
    const s = h.open(h.fresh());
    const { credentials } = await createAccount(s, { funds: 1_000_00 });
    const cc = credentials.clientcode;
    s.transaction(() => {
      s.rows.apply([
        { kind: 'order', key: 'o1', clientcode: cc, data: { a: 1 } },
        { kind: 'funds', key: cc, clientcode: cc, data: { cash: 5 } },
      ]);
      s.counters.set('order', 1);
    });
    const data = new Uint8Array([0, 1, 2, 250, 255]);
    s.snapshots.insert({ id: 'snap-b', createdAt: 2, marketTime: 20, label: 'second', data });
    s.snapshots.insert({ id: 'snap-a', createdAt: 1, marketTime: 10, label: '', data: new Uint8Array() });
    assert.deepEqual(
      s.snapshots.list().map((x) => x.id),
      ['snap-b', 'snap-a'],
      'in insertion order',
    );
    assert.deepEqual([...(s.snapshots.get('snap-b')?.data ?? [])], [...data]);
    assert.equal(s.snapshots.get('snap-a')?.data.length, 0);
    assert.equal(s.snapshots.get('nope'), undefined);
    const dump = s.snapshots.dump();
    // change everything a dump covers, then load it back
    const { credentials: other } = await createAccount(s, {});
    s.transaction(() => {
      s.rows.apply([
        { kind: 'order', key: 'o2', clientcode: cc, data: { a: 2 } },
        { kind: 'order', key: 'o1', clientcode: cc, data: null, deleted: true },
      ]);
      s.counters.set('order', 2);
      s.accounts.setBlocked(cc, true);
    });
    s.sessions.insert({ sid: 'kept', clientcode: cc, createdAt: 1, expiresAt: 9e12, revokedAt: 0 });
    s.transaction(() => s.snapshots.load(dump));
    assert.deepEqual(s.snapshots.dump(), dump);
    assert.equal(s.accounts.get(other.clientcode), undefined, 'an account not in the dump is gone');
    assert.equal(s.accounts.get(cc)?.blocked, false);
    assert.equal(s.sessions.get('kept')?.clientcode, cc, 'sessions of kept accounts stay');
    assert.deepEqual(
      s.rows.loadAll().map((r) => [r.kind, r.key, r.data]),
      [
        ['order', 'o1', { a: 1 }],
        ['funds', cc, { cash: 5 }],
      ],
    );
    assert.throws(() => s.transaction(() => s.snapshots.load({ accounts: [] })), /no table/);
    s.close();
  });

  it('kill -9 in the middle of commits loses nothing acknowledged and leaves no lock', async () => {
    const db = h.fresh();
    h.open(db).close(); // migrated before the child starts
    const child: ChildProcess = spawn(
      process.execPath,
      ['--conditions=source', '--import', 'tsx', CHILD, db],
      { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...h.childEnv } },
    );
    let out = '';
    let err = '';
    child.stdout?.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_c, s) => resolve(s)));
    const acked = () =>
      out
        .split('\n')
        .filter((l) => /^\d+$/.test(l))
        .map(Number);
    try {
      await eventually(
        () => assert.ok(acked().length >= 40, `child acknowledged ${acked().length}; ${err}`),
        {
          timeout: 60_000,
          interval: 20,
        },
      );
    } finally {
      child.kill('SIGKILL');
    }
    assert.equal(await exited, 'SIGKILL');
    const done = acked();
    const last = done[done.length - 1] ?? 0;
    // the lock died with the process: a server opens the database at once
    const s = h.open(db);
    try {
      const n = s.counters.get('n') ?? 0;
      assert.ok(n >= last, `counter ${n} behind the last acknowledged commit ${last}`);
      const keys = new Set(s.rows.loadAll().map((r) => r.key));
      for (const i of done) assert.ok(keys.has(`o${i}`), `acknowledged row o${i} lost`);
      // each transaction wrote its counter and its row together
      assert.equal(s.rows.count('order'), n);
    } finally {
      s.close();
    }
  });
}
