import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { isDatabaseLocked } from '../src/storage/sqlite/lock.js';
import { MIGRATIONS } from '../src/storage/sqlite/migrations.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import { storageSuite } from './storage-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-storage-'));
after(() => rmSync(dir, { recursive: true, force: true }));
let n = 0;

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

  it('the lock is a file lock other processes can see', () => {
    const file = join(dir, 'locked.db');
    const s = openSqliteStore(file);
    assert.equal(isDatabaseLocked(file), true);
    s.close();
    assert.equal(isDatabaseLocked(file), false);
  });

  storageSuite({
    fresh: () => join(dir, `s${++n}.db`),
    open: (db, opts) => openSqliteStore(db, opts),
  });
});
