/**
 * `paper:` ordertag triggers (reject, hold, partial, delay, unknown) over the ordinary placeOrder route,
 * and snapshots: create, list, restore (state equals the snapshot), replay of the same commands after
 * a restore gives the same state, unknown ids, and the clock surviving a restart.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

describe('ordertag triggers', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  const place = async (ordertag: string, over: Record<string, string> = {}) => {
    const r = await venue(broker, jwt, 'placeOrder', sbinOrder({ ordertag, ...over }));
    return r;
  };
  const row = async (orderid: string) => (await orderBook(broker, jwt)).find((o) => o.orderid === orderid);

  test('paper:reject is a risk-style rejection with a rejected row', async () => {
    const r = await place('paper:reject');
    assert.equal(r.body?.status, false);
    assert.equal(r.body?.errorcode, ErrorCode.ORDER_REJECTED_BY_RMS);
    assert.match(r.body?.message ?? '', /paper:reject/);
    assert.equal((await row(r.body?.data.orderid))?.status, 'rejected');
  });

  test('an unknown paper: trigger is rejected, naming the known ones', async () => {
    const r = await place('paper:explode');
    assert.equal(r.body?.status, false);
    assert.match(r.body?.message ?? '', /Unknown paper trigger paper:explode: use paper:reject/);
  });

  test('paper:hold rests and never fills, even across an hour of market', async () => {
    const r = await place('paper:hold');
    assert.equal(r.body?.status, true, r.text);
    await broker.admin('POST', 'clock', { advanceBy: 3600 });
    const o = await row(r.body?.data.orderid);
    assert.equal(o?.status, 'open');
    assert.equal(o?.filledshares, '0');
  });

  test('paper:partial:40 fills 40 % and the rest stays open', async () => {
    const r = await place('paper:partial:40', { quantity: '50' });
    assert.equal(r.body?.status, true, r.text);
    await broker.admin('POST', 'clock', { advanceBy: 600 });
    const o = await row(r.body?.data.orderid);
    assert.equal(o?.status, 'open');
    assert.equal(o?.filledshares, '20');
    assert.equal(o?.unfilledshares, '30');
  });

  test('paper:delay:60000 fills no sooner than one simulated minute after placement', async () => {
    const r = await place('paper:delay:60000');
    assert.equal(r.body?.status, true, r.text);
    assert.equal((await row(r.body?.data.orderid))?.status, 'open');
    await broker.admin('POST', 'clock', { advanceBy: 50 });
    assert.equal((await row(r.body?.data.orderid))?.status, 'open');
    await broker.admin('POST', 'clock', { advanceBy: 30 });
    assert.equal((await row(r.body?.data.orderid))?.status, 'complete');
  });
});

describe('snapshots', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  const state = async () => {
    const strip = (rows: Record<string, unknown>[]) => rows.map(({ uniqueorderid: _u, ...r }) => r);
    const book = strip(await orderBook(broker, jwt));
    const trades = (await venue(broker, jwt, 'getTradeBook')).body?.data ?? null;
    const rms = (await venue(broker, jwt, 'getRMS')).body?.data;
    const clock = (await broker.admin('GET', 'clock')).body.data.now;
    const quotes = broker.market
      .instruments()
      .slice(0, 100)
      .map((i) => broker.market.quote(i.exchange, i.token));
    return JSON.stringify({ book, trades, rms, clock, quotes });
  };

  const commands = async () => {
    await venue(broker, jwt, 'placeOrder', sbinOrder());
    await broker.admin('POST', `accounts/${broker.account.clientcode}/funds`, { add: 5000 });
    await broker.admin('POST', 'clock', { advanceBy: 900 });
    await venue(broker, jwt, 'placeOrder', sbinOrder({ transactiontype: 'SELL', quantity: '5' }));
    await broker.admin('POST', 'clock', { advanceBy: 300 });
  };

  test('restore brings back the snapshot; replaying the same commands gives the same state', async () => {
    await venue(broker, jwt, 'placeOrder', sbinOrder({ quantity: '3' }));
    const snap = await broker.admin('POST', 'snapshots', { label: 'before' });
    assert.equal(snap.status, 200);
    const id = snap.body.data.id as string;
    assert.equal(snap.body.data.label, 'before');
    assert.equal(snap.body.data.marketTime, '2026-12-03T10:00:00+05:30');
    const atSnapshot = await state();

    await commands();
    const first = await state();
    assert.notEqual(first, atSnapshot);

    const restored = await broker.admin('POST', `snapshots/${id}/restore`);
    assert.equal(restored.status, 200);
    assert.equal(restored.body.data.now, '2026-12-03T10:00:00+05:30');
    // The same JWT still works, and the state is the snapshot's.
    assert.equal(await state(), atSnapshot);

    await commands();
    assert.equal(await state(), first);

    const list = await broker.admin('GET', 'snapshots');
    assert.deepEqual(
      (list.body.data as { id: string }[]).map((s) => s.id),
      [id],
    );
  });

  test('unknown snapshot: 404 PA1003, nothing changes', async () => {
    const before = await state();
    const r = await broker.admin('POST', 'snapshots/S-nope/restore');
    assert.equal(r.status, 404);
    assert.equal(r.body.errorcode, 'PA1003');
    assert.equal(await state(), before);
    const bad = await broker.admin('POST', 'snapshots', { label: 42 });
    assert.equal(bad.status, 400);
  });
});

test('the clock position, speed and faults survive a restart (journaled in the store)', async () => {
  const broker = await startPaperBroker({ start: ist('10:00'), storage: 'file' });
  try {
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T11:00:00+05:30' });
    await broker.admin('POST', 'faults', { kind: 'ab1004', route: 'getRMS' });
    await broker.restart();
    const c = (await broker.admin('GET', 'clock')).body.data;
    assert.equal(c.now, '2026-12-03T11:00:00+05:30');
    const faults = (await broker.admin('GET', 'faults')).body.data as { kind: string }[];
    assert.deepEqual(
      faults.map((f) => f.kind),
      ['ab1004'],
    );
    const { jwtToken } = await broker.login();
    assert.equal((await venue(broker, jwtToken, 'getRMS')).body?.errorcode, 'AB1004');
  } finally {
    await broker.close();
  }
});

test('an advance that fails to commit leaves the last committed state, in memory and after a restart', async () => {
  const broker = await startPaperBroker({ start: ist('10:00'), storage: 'file' });
  try {
    let jwt = (await broker.login()).jwtToken;
    const placed = await venue(broker, jwt, 'placeOrder', sbinOrder({ ordertag: 'paper:delay:60000' }));
    assert.equal(placed.body?.status, true, placed.text);
    // The disk "fails" when the advance commits its new clock position: the whole advance rolls back.
    const meta = broker.server.store.meta;
    const set = meta.set.bind(meta);
    meta.set = (key, value) => {
      if (key === 'paper.clock') throw new Error('disk full');
      set(key, value);
    };
    const ltpBefore = broker.market.quote('NSE', '3045')?.ltp;
    const r = await broker.admin('POST', 'clock', { advanceBy: 300 });
    assert.equal(r.status, 500);
    // Memory is not ahead of the disk either: clock, market and book are as they were, before any restart.
    assert.equal((await broker.admin('GET', 'clock')).body.data.now, '2026-12-03T10:00:00+05:30');
    assert.equal(broker.market.quote('NSE', '3045')?.ltp, ltpBefore);
    const live = (await orderBook(broker, jwt)).find((o) => o.orderid === placed.body?.data.orderid);
    assert.equal(live?.status, 'open');
    meta.set = set;
    await broker.restart();
    jwt = (await broker.login()).jwtToken;
    assert.equal((await broker.admin('GET', 'clock')).body.data.now, '2026-12-03T10:00:00+05:30');
    const row = (await orderBook(broker, jwt)).find((o) => o.orderid === placed.body?.data.orderid);
    assert.equal(row?.status, 'open');
    assert.equal(row?.filledshares, '0');
    // The same advance, now committed, fills it.
    await broker.admin('POST', 'clock', { advanceBy: 300 });
    await broker.restart();
    jwt = (await broker.login()).jwtToken;
    assert.equal((await broker.admin('GET', 'clock')).body.data.now, '2026-12-03T10:05:00+05:30');
    const after = (await orderBook(broker, jwt)).find((o) => o.orderid === placed.body?.data.orderid);
    assert.equal(after?.status, 'complete');
  } finally {
    await broker.close();
  }
});
