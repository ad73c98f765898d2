/**
 * The ledger's group commit on a file store (store.walSync): a batch is committed to the WAL at once but
 * acknowledged and published only once an fdatasync of the WAL covering it returned (one flush in flight,
 * later batches share the next one); the blocking commit() path flushes first and publishes in commit
 * order; a failed flush acknowledges nothing, publishes nothing and stops every later write. The flush is
 * injected (openSqliteStore's `fdatasync` option) so the test holds it or makes it fail.
 */
import assert from 'node:assert/strict';
import { fdatasync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { StaticMarket } from '@smartapi-ts/testkit';
import { eventually, neverWithin } from '@smartapi-ts/testkit/timing';
import { CommitError, DurabilityError, Ledger } from '../src/broker/ledger.js';
import type { EngineEvent } from '../src/engine/index.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import type { Store } from '../src/storage/types.js';

type Done = (err: NodeJS.ErrnoException | null) => void;

/** A flush of the WAL that the test holds, lets through or fails. */
function controlledFlush() {
  let mode: 'pass' | 'hold' | 'fail' = 'pass';
  const held: { fd: number; done: Done }[] = [];
  const state = {
    calls: 0,
    flush(fd: number, done: Done): void {
      state.calls++;
      if (mode === 'hold') held.push({ fd, done });
      else if (mode === 'fail')
        setImmediate(() => done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
      else fdatasync(fd, done);
    },
    hold(): void {
      mode = 'hold';
    },
    fail(): void {
      mode = 'fail';
    },
    /** Lets the held flushes (and every later one) through. */
    release(): void {
      mode = 'pass';
      for (const h of held.splice(0)) fdatasync(h.fd, h.done);
    },
    /** Fails the held flushes (and every later one). */
    failHeld(): void {
      mode = 'fail';
      for (const h of held.splice(0))
        setImmediate(() => h.done(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    },
    get held(): number {
      return held.length;
    },
  };
  return state;
}

const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function setup() {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-walsync-'));
  dirs.push(dir);
  const flush = controlledFlush();
  const store: Store = openSqliteStore(join(dir, 'paper.db'), { fdatasync: flush.flush });
  const market = new StaticMarket();
  const published: EngineEvent[][] = [];
  const fatal: Error[] = [];
  const ledger = new Ledger({
    store,
    now: () => market.now(),
    onCommitted: (ev) => published.push([...ev]),
    onFatal: (err) => fatal.push(err),
  });
  const ctx = () => ({ now: market.now(), ids: ledger.ids, market });
  ledger.commit(ledger.engine.openAccount('A1', 100_000_000, { now: market.now() }).events);
  published.length = 0;
  const place = (price: string) =>
    ledger.engine.placeOrder(
      'A1',
      {
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price,
        quantity: '1',
      },
      ctx(),
    );
  /** Order ids in the order of their first update on the feed. */
  const orderIds = (batches: EngineEvent[][]) => [
    ...new Set(batches.flat().flatMap((e) => (e.type === 'order' && e.update ? [e.order.orderid] : []))),
  ];
  return { dir, store, flush, ledger, published, fatal, place, orderIds };
}

const idOf = (r: { result: unknown }) => (r.result as { orderid: string }).orderid;

describe('ledger group commit with the WAL flushed off the event loop', () => {
  it('acknowledges and publishes a batch only after the flush covering it; batches meanwhile share the next one', async () => {
    const { store, flush, ledger, published, place, orderIds } = setup();
    assert.ok(store.walSync, 'a file store has walSync');
    flush.hold();
    const first = place('700');
    let acked = 0;
    const a = ledger.enqueue(first.events).then(() => acked++);
    await eventually(() => assert.equal(flush.held, 1, 'the flush started after the commit'));
    // committed: the row is in the database already, but not acknowledged nor published
    assert.ok(store.rows.count('order', 'A1') >= 1);
    await neverWithin(100, () => {
      assert.equal(acked, 0, 'no acknowledgement before the flush returned');
      assert.deepEqual(published, [], 'no order update before the flush returned');
    });
    // two more batches (two event-loop turns) while the flush is held: no second flush in flight
    const second = place('701');
    const b = ledger.enqueue(second.events).then(() => acked++);
    await new Promise((r) => setImmediate(r));
    const third = place('702');
    const c = ledger.enqueue(third.events).then(() => acked++);
    await new Promise((r) => setImmediate(r));
    assert.equal(flush.calls, 1, 'one flush in flight at a time');
    flush.release();
    await Promise.all([a, b, c]);
    assert.equal(acked, 3);
    assert.equal(flush.calls, 2, 'the batches committed meanwhile shared one more flush');
    assert.deepEqual(
      orderIds(published),
      [idOf(first), idOf(second), idOf(third)],
      'published in commit order',
    );
    store.close();
  });

  it('commit() flushes before it returns and publishes what was committed before it first', async () => {
    const { store, flush, ledger, published, place, orderIds } = setup();
    flush.hold();
    const queued = place('700');
    let acked = false;
    const q = ledger.enqueue(queued.events).then(() => (acked = true));
    await eventually(() => assert.equal(flush.held, 1));
    const now = place('701');
    ledger.commit(now.events); // blocking flush (fdatasyncSync), the held one is still pending
    assert.deepEqual(orderIds(published), [idOf(queued), idOf(now)]);
    await q;
    assert.ok(acked);
    flush.release(); // the late result of the held flush settles nothing twice
    await neverWithin(50, () => assert.equal(orderIds(published).length, 2));
    store.close();
  });

  it('a failed flush acknowledges nothing, publishes nothing and stops every later write', async () => {
    const { store, flush, ledger, published, fatal, place } = setup();
    flush.hold();
    const a = place('700');
    const b = place('701');
    const outcomes = [a, b].map((r) =>
      ledger.enqueue(r.events).then(
        () => 'acknowledged',
        (e: unknown) => e,
      ),
    );
    await eventually(() => assert.equal(flush.held, 1));
    flush.failHeld();
    for (const o of await Promise.all(outcomes)) {
      assert.ok(o instanceof DurabilityError, `expected a DurabilityError, got ${String(o)}`);
      assert.ok(!(o instanceof CommitError), 'not a refusal: the outcome is unknown');
    }
    assert.deepEqual(published, [], 'nothing unconfirmed reaches the order feed');
    assert.equal(fatal.length, 1, 'onFatal called once');
    assert.ok(ledger.failed instanceof DurabilityError);
    // every later write is refused before it changes anything
    const later = place('702');
    await assert.rejects(ledger.enqueue(later.events), DurabilityError);
    assert.throws(() => ledger.commit([]), DurabilityError);
    assert.throws(() => ledger.assertWritable(), DurabilityError);
    // the store does not retry a failed flush (a retry may "succeed" without the lost pages)
    flush.release();
    await assert.rejects(store.walSync?.sync() ?? Promise.resolve(), /EIO/);
    assert.throws(() => store.walSync?.syncNow(), /EIO/);
    assert.deepEqual(published, []);
    assert.equal(fatal.length, 1);
    store.close();
  });

  it('a transaction that fails (full disk) is refused and restored while an earlier batch still waits for its flush', async () => {
    const { store, flush, ledger, published, place, orderIds } = setup();
    flush.hold();
    const kept = place('700');
    const k = ledger.enqueue(kept.events);
    await eventually(() => assert.equal(flush.held, 1));
    const apply = store.rows.apply.bind(store.rows);
    store.rows.apply = (rows) => {
      apply(rows.slice(0, 1));
      throw Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' });
    };
    const refused = place('701');
    await assert.rejects(
      ledger.enqueue(refused.events),
      (e: unknown) => e instanceof CommitError && e.reason === 'disk_full',
    );
    store.rows.apply = apply;
    const book = ledger.engine.orderBook('A1', { now: Date.now() }) ?? [];
    assert.deepEqual(
      book.map((o) => o.orderid),
      [idOf(kept)],
      'the refused order is not in memory; the committed one stays',
    );
    flush.release();
    await k;
    assert.deepEqual(orderIds(published), [idOf(kept)], 'only the kept order is published');
    store.close();
  });

  it('close() flushes what is queued before the store closes', async () => {
    const { dir, store, ledger, place } = setup();
    const o = place('700');
    const done = ledger.enqueue(o.events);
    ledger.close();
    await done;
    store.close();
    const again = openSqliteStore(join(dir, 'paper.db'));
    assert.equal(again.rows.count('order', 'A1'), 1);
    again.close();
  });
});
