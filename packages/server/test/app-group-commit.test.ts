/**
 * Group commit: placements that arrive together share one SQLite transaction, every one is answered
 * only after its transaction committed and the WAL holding it was flushed to the disk (off the event
 * loop, store.walSync), and all of them survive a restart.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatPaise, roundToTick } from '@smartapi-ts/protocol';
import { startPaperBroker } from '@smartapi-ts/testkit';

test('concurrent placements share transactions and every acknowledged order is durable', async () => {
  const broker = await startPaperBroker({ storage: 'file', market: 'static' });
  try {
    const { jwtToken } = await broker.login();
    const store = broker.server.broker.store;
    const walSync = store.walSync;
    assert.ok(walSync, 'a file store flushes its WAL off the event loop');
    const originalTx = walSync.transactionUnsynced.bind(walSync);
    const originalSync = walSync.sync.bind(walSync);
    let transactions = 0;
    const N = 60;
    const ltp = broker.market.quote('NSE', '3045')?.ltp;
    assert.ok(ltp);
    // inside the circuit band, below the market: every order is accepted and rests open
    const price = formatPaise(roundToTick(Math.round(ltp * 0.95), 5));
    const order = (i: number) => ({
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
      ordertag: `gc${i}`,
    });
    // commands issued in one event-loop turn are committed together, and none is answered before that
    const core = broker.server.broker;
    const clientcode = broker.account.clientcode;
    const account = store.accounts.get(clientcode);
    assert.ok(account);
    core.ensureAccount(account);
    let committed = false;
    let synced = false;
    const grouped = Array.from({ length: N }, (_, i) =>
      core
        .run((ctx) => core.engine.placeOrder(clientcode, order(i), ctx))
        .then((r) => {
          assert.ok(committed, 'answered only after the commit');
          assert.ok(synced, 'answered only after the WAL flush');
          return r;
        }),
    );
    walSync.transactionUnsynced = (fn) => {
      transactions++;
      const out = originalTx(fn);
      committed = true;
      return out;
    };
    walSync.sync = async () => {
      const wasCommitted = committed;
      await originalSync();
      synced ||= wasCommitted;
    };
    const results = await Promise.all(grouped);
    assert.equal(transactions, 1, `${N} placements in one turn used ${transactions} transactions`);
    const ids = new Set<string>();
    for (const r of results) {
      assert.ok(r.ok);
      ids.add((r.data as { orderid: string }).orderid);
    }
    // and over HTTP, concurrently: every acknowledged order is there after a restart
    const answers = await Promise.all(
      Array.from({ length: N }, (_, i) =>
        fetch(`${broker.url}/rest/secure/angelbroking/order/v1/placeOrder`, {
          method: 'POST',
          headers: broker.headers(jwtToken),
          body: JSON.stringify(order(N + i)),
        }).then((r) => r.json() as Promise<{ status: boolean; data: { orderid: string } }>),
      ),
    );
    walSync.transactionUnsynced = originalTx;
    walSync.sync = originalSync;
    assert.ok(answers.every((a) => a.status === true && /^\d{15}$/.test(a.data.orderid)));
    for (const a of answers) ids.add(a.data.orderid);
    assert.equal(ids.size, 2 * N);

    await broker.restart();
    const { jwtToken: jwt2 } = await broker.login();
    const book = (await (
      await fetch(`${broker.url}/rest/secure/angelbroking/order/v1/getOrderBook`, {
        headers: broker.headers(jwt2),
      })
    ).json()) as { data: { orderid: string }[] };
    const stored = new Set(book.data.map((o) => o.orderid));
    for (const id of ids) assert.ok(stored.has(id), `order ${id} survived the restart`);
  } finally {
    await broker.close();
  }
});
