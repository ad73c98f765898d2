/**
 * Disk full, for real: the broker's database lives on a small tmpfs (mounted by the test; root only, else
 * skipped with the reason printed) together with a ballast file. Orders are placed (one by one and in
 * concurrent bursts, LIMIT and MARKET) until the disk is full. Every refusal answers in the venue's envelope
 * (HTTP 200, status false, AB2001 with a message saying the disk is full), and a refused order exists
 * nowhere: not in the order book, not on the order feed, not in the positions (a refused MARKET order did
 * not fill), not in the database, also after a restart. Deleting the ballast gives space back and the next
 * order is accepted without a restart.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ErrorCode, ROUTES } from '@smartapi-ts/protocol';
import { DISK_FULL_MESSAGE } from '../../src/broker/broker.js';
import { toEngineRows } from '../../src/broker/persist.js';
import { type EngineRows, restoreState, stateRows } from '../../src/engine/index.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';
import { startTestBroker, type TestBroker } from '../app-helpers.js';

function canonical(rows: EngineRows): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const [kind, list] of Object.entries(rows) as [string, readonly unknown[]][])
    out[kind] = list.map((r) => JSON.stringify(r)).sort();
  return out;
}

/** Mounts a tmpfs of `size` on a fresh directory; returns why it cannot when it cannot. */
function mountTmpfs(size: string): { dir: string } | { skip: string } {
  if (process.platform !== 'linux') return { skip: `tmpfs needs Linux (platform is ${process.platform})` };
  if (process.getuid?.() !== 0)
    return { skip: 'mounting a tmpfs needs root (run as root to include this test)' };
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-diskfull-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', `size=${size}`, 'tmpfs', dir], { stdio: 'pipe' });
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    return { skip: `mount -t tmpfs failed: ${String((err as { stderr?: unknown }).stderr ?? err).trim()}` };
  }
  return { dir };
}

const ORDER = (ordertype: 'LIMIT' | 'MARKET') => ({
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype,
  producttype: 'DELIVERY',
  duration: 'DAY',
  price: ordertype === 'LIMIT' ? '700' : '0',
  quantity: '1',
});

interface Answer {
  http: number;
  body: { status: boolean; message: string; errorcode: string; data: { orderid?: string } | null };
}

const mounted = mountTmpfs('1m');
const skip = 'skip' in mounted ? mounted.skip : false;
if (skip) console.log(`# abuse-disk-full skipped: ${skip}`);

describe('disk full (tmpfs)', { skip }, () => {
  const dir = 'dir' in mounted ? mounted.dir : '';
  const db = join(dir, 'paper.db');
  const ballast = join(dir, 'ballast');
  let b: TestBroker;
  let jwt: string;
  const accepted = new Map<string, 'LIMIT' | 'MARKET'>();
  const refused: Answer[] = [];
  const published = new Set<string>();
  const logged: string[] = [];
  const originalError = console.error;

  before(async () => {
    b = await startTestBroker({ db });
    jwt = (await b.login()).jwtToken;
    const feed = b.server.orderFeed;
    const publish = feed.publish.bind(feed);
    feed.publish = (clientcode, code, data) => {
      published.add(String((data as { orderid?: unknown }).orderid));
      publish(clientcode, code, data);
    };
    console.error = (m: unknown) => logged.push(String(m));
  });
  after(async () => {
    console.error = originalError;
    await b?.close();
    try {
      execFileSync('umount', [dir], { stdio: 'pipe' });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  const call = async (
    name: 'placeOrder' | 'getOrderBook' | 'getPosition',
    body?: unknown,
  ): Promise<Answer> => {
    const res = await b.server.app.inject({
      method: ROUTES[name].method as 'GET' | 'POST',
      url: ROUTES[name].path,
      headers: b.headers(jwt),
      ...(body === undefined ? {} : { payload: JSON.stringify(body) }),
    });
    return { http: res.statusCode, body: JSON.parse(res.body) as Answer['body'] };
  };
  const place = async (type: 'LIMIT' | 'MARKET') => {
    const r = await call('placeOrder', ORDER(type));
    if (r.body.status && r.body.data?.orderid) accepted.set(r.body.data.orderid, type);
    else refused.push(r);
    return r;
  };
  const marketQty = () => [...accepted.values()].filter((t) => t === 'MARKET').length;
  const netQty = async () => {
    const rows = ((await call('getPosition')).body.data as unknown as { netqty: string }[] | null) ?? [];
    return rows.reduce((s, p) => s + Number(p.netqty), 0);
  };
  const bookIds = async () =>
    (((await call('getOrderBook')).body.data as unknown as { orderid: string }[] | null) ?? [])
      .map((o) => o.orderid)
      .sort();

  it('fills the disk: refusals answer AB2001 "disk is full" in the envelope', async () => {
    // leave ~256 KiB of room next to the database: it fills after a few dozen orders
    writeFileSync(ballast, Buffer.alloc(0));
    const { statfsSync } = await import('node:fs');
    const free = () => {
      const s = statfsSync(dir);
      return s.bavail * s.bsize;
    };
    writeFileSync(ballast, Buffer.alloc(Math.max(0, free() - 256 * 1024)));
    for (let i = 0; i < 2000 && refused.length < 12; i++) {
      if (i % 5 === 4)
        await Promise.all(['LIMIT', 'MARKET', 'MARKET', 'LIMIT'].map((t) => place(t as 'LIMIT')));
      else await place(i % 2 ? 'MARKET' : 'LIMIT');
    }
    assert.ok(accepted.size > 0, 'some orders were accepted before the disk filled');
    assert.ok(refused.length >= 12, `the disk filled (accepted ${accepted.size})`);
    for (const r of refused) {
      assert.equal(r.http, 200);
      assert.equal(r.body.status, false);
      assert.equal(r.body.errorcode, ErrorCode.INTERNAL_ERROR);
      assert.equal(r.body.message, DISK_FULL_MESSAGE);
      assert.equal(r.body.data, null);
    }
    assert.ok(logged.some((m) => m.includes('commit failed')));
  });

  it('a refused order exists nowhere: book, feed, positions, memory = database', async () => {
    assert.deepEqual(await bookIds(), [...accepted.keys()].sort());
    for (const id of published) assert.ok(accepted.has(id), `order ${id} was published but refused`);
    assert.equal(await netQty(), marketQty(), 'only accepted MARKET orders filled');
    const { store, engine } = b.server.broker;
    assert.deepEqual(
      canonical(stateRows(engine.state)),
      canonical(stateRows(restoreState(toEngineRows(store.rows.loadAll())))),
    );
  });

  it('space back: the next order is accepted without a restart', async () => {
    rmSync(ballast);
    const r = await place('MARKET');
    assert.equal(r.body.status, true, r.body.message);
    assert.equal(await netQty(), marketQty());
  });

  it('after a restart the database holds exactly the accepted orders and fills', async () => {
    await b.close();
    const store = openSqliteStore(db);
    try {
      const state = restoreState(toEngineRows(store.rows.loadAll()));
      const rows = stateRows(state) as unknown as { orders: { orderid: string }[] };
      assert.deepEqual(rows.orders.map((o) => o.orderid).sort(), [...accepted.keys()].sort());
      assert.equal(store.rows.count('trade'), marketQty());
    } finally {
      store.close();
    }
  });
});
