import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { sbinOrder } from './admin-helpers.js';
import {
  assertAckedSurvived,
  type Creds,
  headers,
  login,
  placeUntilKilled,
  runCli,
  type ServeChild,
  startServe,
} from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-serve-'));
const children: ServeChild[] = [];
after(() => {
  for (const c of children) c.child.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function profile(
  url: string,
  c: Creds,
  jwt: string,
): Promise<{ status?: boolean; data?: { clientcode: string } }> {
  const res = await fetch(url + ROUTES.getProfile.path, { headers: headers(c.apiKey, jwt) });
  return (await res.json()) as { status?: boolean; data?: { clientcode: string } };
}

describe('smartapi-paper serve (child process)', () => {
  it('prints the JSON line first, refuses a second server on the same DB, survives kill -9', async () => {
    const db = join(dir, 'paper.db');
    const created = await runCli(['accounts', 'create', '--db', db, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as Creds;

    const first = await startServe([
      '--port',
      '0',
      '--db',
      db,
      '--seed',
      '7',
      '--no-rate-limits',
      '--fills',
      'ideal',
      '--rms-rejections',
      'book',
    ]);
    children.push(first);
    assert.match(first.firstLine, /^\{"event":"listening","url":"http:\/\/127\.0\.0\.1:\d+"\}$/);
    assert.equal(first.url, JSON.parse(first.firstLine).url);
    const port = new URL(first.url).port;
    const jwt = await login(first.url, creds);
    assert.equal((await profile(first.url, creds, jwt)).data?.clientcode, creds.clientcode);

    // Place orders; each acknowledgement means the order is committed.
    const acked = await Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        const res = await fetch(first.url + ROUTES.placeOrder.path, {
          method: 'POST',
          headers: headers(creds.apiKey, jwt),
          body: JSON.stringify({
            variety: 'NORMAL',
            tradingsymbol: 'SBIN-EQ',
            symboltoken: '3045',
            transactiontype: i % 2 ? 'SELL' : 'BUY',
            exchange: 'NSE',
            ordertype: i % 3 ? 'MARKET' : 'LIMIT',
            producttype: 'INTRADAY',
            duration: 'DAY',
            price: i % 3 ? '0' : '1',
            quantity: '1',
          }),
        });
        const body = (await res.json()) as { status: boolean; data: { orderid: string } };
        assert.equal(body.status, true, JSON.stringify(body));
        return body.data.orderid;
      }),
    );
    assert.equal(new Set(acked).size, 40);

    // A second live server on the same database is refused with a clear message.
    const second = await runCli(['serve', '--port', '0', '--db', db]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use by another running smartapi-paper server/);
    assert.equal(second.stdout, '');

    // kill -9, then restart at once on the same database and port: the old JWT still works.
    first.child.kill('SIGKILL');
    await first.exited;
    const again = await startServe(['--port', port, '--db', db, '--seed', '7', '--fills', 'ideal']);
    children.push(again);
    assert.equal(again.url, first.url);
    assert.equal((await profile(again.url, creds, jwt)).data?.clientcode, creds.clientcode);
    // Every acknowledged order survived.
    const book = await fetch(again.url + ROUTES.getOrderBook.path, { headers: headers(creds.apiKey, jwt) });
    const rows = ((await book.json()) as { data: { orderid: string }[] | null }).data ?? [];
    const ids = new Set(rows.map((r) => r.orderid));
    for (const id of acked) assert.ok(ids.has(id), `order ${id} lost`);
    // New ids continue after the restart (no reuse).
    const next = await fetch(again.url + ROUTES.placeOrder.path, {
      method: 'POST',
      headers: headers(creds.apiKey, jwt),
      body: JSON.stringify(sbinOrder({ quantity: '1' })),
    });
    const nextId = ((await next.json()) as { data: { orderid: string } }).data.orderid;
    assert.ok(!ids.has(nextId));
    assert.ok(nextId.slice(6) > [...acked].sort().at(-1)!.slice(6));

    // SIGTERM shuts down cleanly (exit code 0) and releases the database.
    again.child.kill('SIGTERM');
    const { code } = await again.exited;
    assert.equal(code, 0);
    assert.match(again.stderr(), /shutting down/);
  });

  it('kill -9 while orders are in flight loses no acknowledged order, trade or position', async () => {
    const db = join(dir, 'inflight.db');
    const created = await runCli(['accounts', 'create', '--db', db, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as Creds;
    const first = await startServe([
      '--port',
      '0',
      '--db',
      db,
      '--seed',
      '3',
      '--no-rate-limits',
      '--fills',
      'ideal',
    ]);
    children.push(first);
    const jwt = await login(first.url, creds);
    // 8 concurrent writers; the process is killed once 60 are acknowledged, requests still in flight.
    const acked = await placeUntilKilled(first, creds, jwt);

    const again = await startServe([
      '--port',
      '0',
      '--db',
      db,
      '--seed',
      '3',
      '--no-rate-limits',
      '--fills',
      'ideal',
    ]);
    children.push(again);
    // Every acknowledged market order, its fill and the position survived.
    await assertAckedSurvived(again, creds, jwt, acked);
    again.child.kill('SIGTERM');
    assert.equal((await again.exited).code, 0);
  });

  it('--demo creates a stored demo account and prints its credentials to stderr', async () => {
    const db = join(dir, 'demo.db');
    const a = await startServe(['--port', '0', '--db', db, '--demo']);
    children.push(a);
    assert.equal(a.stdout().split('\n')[0], a.firstLine);
    // Human output goes to stderr; wait for it.
    await eventually(() => assert.match(a.stderr(), /API key:/), { interval: 50 });
    const m =
      /client code:\s+(\S+)[\s\S]*PIN:\s+(\S+)[\s\S]*TOTP secret:\s+(\S+)[\s\S]*API key:\s+(\S+)/.exec(
        a.stderr(),
      );
    assert.ok(m, a.stderr());
    const creds: Creds = {
      clientcode: m[1] ?? '',
      password: m[2] ?? '',
      totpSecret: m[3] ?? '',
      apiKey: m[4] ?? '',
    };
    await login(a.url, creds);
    a.child.kill('SIGINT');
    assert.equal((await a.exited).code, 0);
    // Same demo account after a restart.
    const b = await startServe(['--port', '0', '--db', db, '--demo']);
    children.push(b);
    await eventually(() => assert.match(b.stderr(), /API key:/), { interval: 50 });
    assert.match(b.stderr(), new RegExp(`client code:\\s+${creds.clientcode}`));
    b.child.kill('SIGTERM');
    await b.exited;
  });
});
