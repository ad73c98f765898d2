import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { istDayStart } from '@smartapi-ts/protocol';
import { resetAccountOffline } from '../src/broker/reset.js';
import { createAccount, ensureDemoAccount, listAccounts } from '../src/identity/accounts.js';
import { hashPin, verifyPin } from '../src/identity/pin-hash.js';
import { DatabaseLockedError, isDatabaseLocked } from '../src/storage/sqlite/lock.js';
import { MIGRATIONS } from '../src/storage/sqlite/migrations.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));

describe('sqlite store', () => {
  it('migrates a new file to the latest schema, WAL + synchronous=FULL', () => {
    const file = join(dir, 'a.db');
    const s = openSqliteStore(file);
    s.close();
    const s2 = openSqliteStore(file);
    // Re-opening applies nothing and keeps data.
    assert.equal(s2.counters.get('x'), undefined);
    s2.close();
    assert.ok(MIGRATIONS.length >= 1);
  });

  it('stores accounts with a scrypt PIN hash, never the PIN', async () => {
    const s = openSqliteStore(':memory:');
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
    const s = openSqliteStore(':memory:');
    s.transaction(() => {
      s.rows.apply([
        { kind: 'order', key: 'o1', clientcode: 'A1', data: { v: 1 } },
        { kind: 'order', key: 'o2', clientcode: 'B1', data: { v: 2 } },
        { kind: 'order', key: 'o1', clientcode: 'A1', data: { v: 3 } },
        { kind: 'funds', key: 'A1', clientcode: 'A1', data: { cash: 1 } },
      ]);
    });
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
    const s = openSqliteStore(':memory:');
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
    const file = join(dir, 'account-cache.db');
    const s = openSqliteStore(file);
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
    const cli = openSqliteStore(file, { lock: false });
    const { account: other } = await createAccount(cli, { pin: '1234' });
    cli.close();
    assert.equal(s.accounts.byApiKey(other.apiKey)?.clientcode, other.clientcode);
    s.close();
  });

  it('refuses a second server on the same file and frees the lock on close', () => {
    const file = join(dir, 'locked.db');
    const s = openSqliteStore(file);
    assert.equal(isDatabaseLocked(file), true);
    assert.throws(() => openSqliteStore(file), DatabaseLockedError);
    // Short CLI commands (no lock) may still open it.
    const cli = openSqliteStore(file, { lock: false });
    cli.close();
    s.close();
    assert.equal(isDatabaseLocked(file), false);
    openSqliteStore(file).close();
  });

  it('keeps data across reopen; the demo account is stable', async () => {
    const file = join(dir, 'demo.db');
    const s = openSqliteStore(file);
    const d1 = await ensureDemoAccount(s, 1_000_00);
    s.counters.set('order', 42);
    s.close();
    const s2 = openSqliteStore(file);
    const d2 = await ensureDemoAccount(s2, 1_000_00);
    assert.deepEqual(d2, d1);
    assert.equal(s2.counters.get('order'), 42);
    assert.equal(s2.accounts.list().length, 1);
    s2.close();
  });

  it('accounts reset (offline) deletes the client rows, restores the funds and ends its sessions, in one write', async () => {
    const s = openSqliteStore(':memory:');
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
});
