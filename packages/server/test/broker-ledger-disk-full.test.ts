/**
 * The ledger under a storage that runs out of space half way through a transaction (an injected store
 * whose row writes throw SQLITE_FULL after some rows were written): the batch is rolled back, every waiter
 * gets a CommitError classified `disk_full`, nothing is published, the engine's memory equals the
 * database, the id counters are not consumed, and once space is back the next command commits.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { StaticMarket } from '@smartapi-ts/testkit';
import { CommitError, commitFailureReason, Ledger } from '../src/broker/ledger.js';
import { toEngineRows } from '../src/broker/persist.js';
import { type EngineEvent, type EngineRows, restoreState, stateRows } from '../src/engine/index.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import type { Store } from '../src/storage/types.js';

function canonical(rows: EngineRows): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, list] of Object.entries(rows) as [string, readonly unknown[]][])
    out[kind] = list.map((r) => JSON.stringify(r)).sort();
  return out;
}

/** An SQLite error as better-sqlite3 throws it when the disk is full. */
function sqliteFull(): Error {
  return Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
}

/** Makes the store's row writes fail with SQLITE_FULL after `afterRows` more rows, while `full()` is true. */
function fillableDisk(store: Store): { full: (on: boolean) => void } {
  const apply = store.rows.apply.bind(store.rows);
  let on = false;
  store.rows.apply = (rows) => {
    if (!on) return apply(rows);
    // the first row reaches SQLite (inside the transaction), then the disk is full
    apply(rows.slice(0, 1));
    throw sqliteFull();
  };
  return { full: (v) => (on = v) };
}

const LIMIT = (price: string) => ({
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'LIMIT',
  producttype: 'DELIVERY',
  duration: 'DAY',
  price,
  quantity: '2',
});
const MARKET = { ...LIMIT('0'), ordertype: 'MARKET' };

describe('ledger on a full disk', () => {
  it('classifies storage errors: SQLITE_FULL / ENOSPC (also as a cause) are disk_full, others storage', () => {
    assert.equal(commitFailureReason(sqliteFull()), 'disk_full');
    assert.equal(commitFailureReason(Object.assign(new Error('x'), { code: 'ENOSPC' })), 'disk_full');
    assert.equal(commitFailureReason(new Error('wrap', { cause: sqliteFull() })), 'disk_full');
    assert.equal(commitFailureReason(new AggregateError([new Error('a'), sqliteFull()])), 'disk_full');
    assert.equal(commitFailureReason(Object.assign(new Error('x'), { code: 'SQLITE_IOERR' })), 'storage');
    assert.equal(commitFailureReason('text'), 'storage');
  });

  it('rolls back a half-written batch: no waiter succeeds, nothing is published, memory equals the DB', async () => {
    const store = openSqliteStore(':memory:');
    const market = new StaticMarket();
    const published: EngineEvent[] = [];
    const publishedOrders = () => published.filter((e) => e.type === 'order').length;
    const ledger = new Ledger({ store, now: () => market.now(), onCommitted: (ev) => published.push(...ev) });
    const disk = fillableDisk(store);
    const ctx = () => ({ now: market.now(), ids: ledger.ids, market });
    const { engine } = ledger;
    ledger.commit(engine.openAccount('A1', 100_000_000, { now: market.now() }).events);

    const kept = engine.placeOrder('A1', LIMIT('700'), ctx());
    await ledger.enqueue(kept.events);
    const keptId = (kept.result as { orderid: string }).orderid;
    const countersBefore = store.counters.all();
    const dbBefore = canonical(stateRows(restoreState(toEngineRows(store.rows.loadAll()))));
    published.length = 0;

    disk.full(true);
    // one batch of three commands (same event-loop turn): a resting LIMIT, a filled MARKET, a cancel
    const a = engine.placeOrder('A1', LIMIT('690'), ctx());
    const m = engine.placeOrder('A1', MARKET, ctx());
    const c = engine.cancelOrder('A1', { variety: 'NORMAL', orderid: keptId }, ctx());
    assert.ok(a.events.length && m.events.length && c.events.length);
    // the engine applied them in memory before the commit
    assert.equal(engine.orderBook('A1', { now: market.now() })?.length, 3);
    const waits = [a, m, c].map((r) =>
      ledger.enqueue(r.events).then(
        () => 'ok',
        (e: unknown) => e,
      ),
    );
    const outcomes = await Promise.all(waits);
    for (const o of outcomes) {
      assert.ok(o instanceof CommitError, `expected a CommitError, got ${String(o)}`);
      assert.equal(o.reason, 'disk_full');
    }
    assert.deepEqual(published, [], 'nothing of a failed batch reaches the order feed');
    // memory went back to the database, which holds exactly what it held before
    assert.deepEqual(canonical(stateRows(engine.state)), dbBefore);
    assert.deepEqual(canonical(stateRows(restoreState(toEngineRows(store.rows.loadAll())))), dbBefore);
    const book = engine.orderBook('A1', { now: market.now() }) ?? [];
    assert.deepEqual(
      book.map((o) => o.orderid),
      [keptId],
    );
    assert.equal(book[0]?.status, 'open', 'the cancel of the refused batch did not happen either');
    const pos = (engine.positions('A1', { now: market.now(), market }) as unknown[] | null) ?? [];
    assert.equal(pos.length, 0, 'the refused MARKET order did not fill');
    assert.deepEqual(store.counters.all(), countersBefore, 'no id counter was consumed');

    // the synchronous path (commit) refuses the same way and leaves nothing either
    const s = engine.placeOrder('A1', MARKET, ctx());
    assert.throws(
      () => ledger.commit(s.events),
      (e: unknown) => e instanceof CommitError && e.reason === 'disk_full',
    );
    assert.deepEqual(canonical(stateRows(engine.state)), dbBefore);

    // space is back: the next command commits and is published
    disk.full(false);
    const next = engine.placeOrder('A1', MARKET, ctx());
    await ledger.enqueue(next.events);
    assert.ok(publishedOrders() > 0);
    assert.deepEqual(
      canonical(stateRows(engine.state)),
      canonical(stateRows(restoreState(toEngineRows(store.rows.loadAll())))),
    );
    assert.equal(
      ((engine.positions('A1', { now: market.now(), market }) as unknown[] | null) ?? []).length,
      1,
    );
    store.close();
  });
});
