/**
 * Faults over HTTP and the feeds: each kind observed through the venue's routes or sockets, the
 * filters (route, clientcode, count, until, probability), listing and deleting, and bad input.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { ErrorCode, RATE_LIMIT_TEXT } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { type Envelope, ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

describe('faults', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  const arm = async (spec: Record<string, unknown>) => {
    const r = await broker.admin('POST', 'faults', spec);
    assert.equal(r.status, 200, JSON.stringify(r.body));
    return r.body.data.id as string;
  };

  test('http500 on one route, count 1: the next call answers again', async () => {
    const id = await arm({ kind: 'http500', route: 'getProfile', count: 1 });
    assert.match(id, /^F\d+$/);
    // Another route is untouched.
    assert.equal((await venue(broker, jwt, 'getRMS')).status, 200);
    const r = await venue(broker, jwt, 'getProfile');
    assert.equal(r.status, 500);
    assert.equal(r.body?.status, false);
    const ok = await venue(broker, jwt, 'getProfile');
    assert.equal(ok.status, 200);
    assert.equal(ok.body?.status, true);
    const list = (await broker.admin('GET', 'faults')).body.data as {
      id: string;
      fired: number;
      active: boolean;
    }[];
    const f = list.find((x) => x.id === id);
    assert.equal(f?.fired, 1);
    assert.equal(f?.active, false);
  });

  test('rateLimit answers the venue 403 text; ab1004 the envelope; DELETE disarms', async () => {
    const id = await arm({ kind: 'rateLimit', route: 'getRMS' });
    for (let i = 0; i < 2; i++) {
      const r = await venue(broker, jwt, 'getRMS');
      assert.equal(r.status, 403);
      assert.equal(r.text, RATE_LIMIT_TEXT);
    }
    const del = await broker.admin('DELETE', `faults/${id}`);
    assert.equal(del.status, 200);
    assert.equal((await venue(broker, jwt, 'getRMS')).status, 200);
    assert.equal((await broker.admin('DELETE', `faults/${id}`)).status, 404);

    await arm({ kind: 'ab1004', route: 'getOrderBook', count: 1 });
    const r = await venue(broker, jwt, 'getOrderBook');
    assert.equal(r.status, 200);
    assert.equal(r.body?.status, false);
    assert.equal(r.body?.errorcode, ErrorCode.SOMETHING_WENT_WRONG);
  });

  test('slow delays the answer by ms; timeout never answers', async () => {
    await arm({ kind: 'slow', route: 'getTradeBook', ms: 300, count: 1 });
    const t0 = Date.now();
    const r = await venue(broker, jwt, 'getTradeBook');
    assert.equal(r.status, 200);
    assert.ok(Date.now() - t0 >= 290, `answered after ${Date.now() - t0} ms`);

    await arm({ kind: 'timeout', route: 'getHolding', count: 1 });
    await assert.rejects(
      fetch(`${broker.url}/rest/secure/angelbroking/portfolio/v1/getHolding`, {
        headers: broker.headers(jwt),
        signal: AbortSignal.timeout(400),
      }),
      (err: Error) => err.name === 'TimeoutError',
    );
    const list = (await broker.admin('GET', 'faults')).body.data as { kind: string; fired: number }[];
    assert.equal(list.find((f) => f.kind === 'timeout')?.fired, 1);
    assert.equal((await venue(broker, jwt, 'getHolding')).status, 200);
  });

  test('sessionExpired: AG8001 until the client logs in again', async () => {
    const other = await broker.createAccount();
    const mine = await broker.login();
    const theirs = await broker.login(other);
    await arm({ kind: 'sessionExpired', clientcode: broker.account.clientcode, count: 1 });
    const theirRms = await fetch(`${broker.url}/rest/secure/angelbroking/user/v1/getRMS`, {
      headers: broker.headers(theirs.jwtToken, other),
    });
    assert.equal(theirRms.status, 200);
    const r1 = await venue(broker, mine.jwtToken, 'getRMS');
    assert.equal(r1.status, 401);
    assert.equal((r1.body as unknown as { errorCode: string }).errorCode, 'AG8001');
    // The fault fired once, but the old token stays dead …
    const r2 = await venue(broker, mine.jwtToken, 'getRMS');
    assert.equal(r2.status, 401);
    // … until a new login.
    const fresh = await broker.login();
    assert.equal((await venue(broker, fresh.jwtToken, 'getRMS')).status, 200);
    jwt = fresh.jwtToken;
  });

  test('reject: orders rejected with the given message (rejected row in the book)', async () => {
    await arm({ kind: 'reject', message: 'RMS: exchange is closed for this scrip', count: 1 });
    const r = await venue(broker, jwt, 'placeOrder', sbinOrder());
    assert.equal(r.body?.status, false);
    assert.equal(r.body?.errorcode, ErrorCode.ORDER_REJECTED_BY_RMS);
    assert.equal(r.body?.message, 'RMS: exchange is closed for this scrip');
    const book = await orderBook(broker, jwt);
    const row = book.find((o) => o.orderid === r.body?.data.orderid);
    assert.equal(row?.status, 'rejected');
    assert.equal(row?.text, 'RMS: exchange is closed for this scrip');
    const next = await venue(broker, jwt, 'placeOrder', sbinOrder());
    assert.equal(next.body?.status, true, next.text);
  });

  test('until: a fault ends at a market time (proved by advancing the clock)', async () => {
    await arm({ kind: 'ab1004', route: 'getPosition', until: '2026-12-03T10:05:00+05:30' });
    assert.equal((await venue(broker, jwt, 'getPosition')).body?.errorcode, 'AB1004');
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T10:05:00+05:30' });
    assert.equal((await venue(broker, jwt, 'getPosition')).body?.status, true);
  });

  test('probability: the seeded draw fires the same requests on every run', async () => {
    const pattern = async () => {
      const b = await startPaperBroker({ start: ist('10:00'), market: 'static' });
      try {
        const t = (await b.login()).jwtToken;
        await b.admin('POST', 'faults', { kind: 'ab1004', route: 'getRMS', probability: 0.5 });
        let s = '';
        for (let i = 0; i < 16; i++) s += (await venue(b, t, 'getRMS')).body?.status ? '.' : 'x';
        return s;
      } finally {
        await b.close();
      }
    };
    const a = await pattern();
    assert.equal(a, await pattern());
    assert.match(a, /x/);
    assert.match(a, /\./);
  });

  test('bad input: unknown kind, bad route, bad count/probability/until — nothing is armed', async () => {
    const n = ((await broker.admin('GET', 'faults')).body.data as unknown[]).length;
    const cases: [unknown, RegExp][] = [
      [{ kind: 'explode' }, /unknown fault kind "explode"/],
      [{}, /unknown fault kind/],
      [{ kind: 'http500', route: 'nope' }, /unknown route "nope"/],
      [{ kind: 'feedDrop', route: 'placeOrder' }, /marketFeed or orderFeed/],
      [{ kind: 'reject', route: 'getRMS' }, /only be placeOrder/],
      [{ kind: 'http500', count: 0 }, /count must be a positive integer/],
      [{ kind: 'http500', probability: 1.5 }, /probability/],
      [{ kind: 'http500', until: 'tomorrow' }, /until must be an ISO 8601/],
      [{ kind: 'slow' }, /needs ms/],
      [{ kind: 'http500', ms: 5 }, /slow faults only/],
      [{ kind: 'http500', colour: 'red' }, /unknown field colour/],
      [{ kind: 'http500', clientcode: '12 34' }, /clientcode/],
    ];
    for (const [body, msg] of cases) {
      const r = await broker.admin('POST', 'faults', body);
      assert.equal(r.status, 400, JSON.stringify(body));
      assert.equal(r.body.errorcode, 'PA1002');
      assert.match(r.body.message, msg);
    }
    assert.equal(((await broker.admin('GET', 'faults')).body.data as unknown[]).length, n);
    assert.equal((await broker.admin('DELETE', 'faults/F999')).body.errorcode, 'PA1003');
  });
});

describe('feed faults', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
  });
  after(() => broker.close());

  const openOrderFeed = async (jwt: string) => {
    const ws = new WebSocket(`${broker.wsUrl}/smart-order-update`, {
      headers: { Authorization: `Bearer ${jwt}` },
    });
    const messages: string[] = [];
    let closed = false;
    ws.on('message', (d) => messages.push(d.toString()));
    ws.on('close', () => {
      closed = true;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    await eventually(() => messages.length > 0, { message: 'the AB00 greeting' });
    return { ws, messages, isClosed: () => closed };
  };

  test('feedDrop closes the order socket; count 1 lets the reconnect stay', async () => {
    const { jwtToken } = await broker.login();
    const a = await openOrderFeed(jwtToken);
    await broker.admin('POST', 'faults', { kind: 'feedDrop', route: 'orderFeed', count: 1 });
    await eventually(a.isClosed, { message: 'the dropped socket to close' });
    const b = await openOrderFeed(jwtToken);
    const r = await venue(broker, jwtToken, 'placeOrder', sbinOrder());
    assert.equal(r.body?.status, true);
    await eventually(() => b.messages.some((m) => m.includes(r.body?.data.orderid)), {
      message: 'the order update',
    });
    assert.equal(b.isClosed(), false);
    b.ws.close();
  });

  test('feedStall keeps the socket open and sends nothing until deleted', async () => {
    const { jwtToken } = await broker.login();
    const s = await openOrderFeed(jwtToken);
    const id = (await broker.admin('POST', 'faults', { kind: 'feedStall', route: 'orderFeed' })).body.data.id;
    const r = await venue(broker, jwtToken, 'placeOrder', sbinOrder());
    assert.equal(r.body?.status, true);
    const seen = s.messages.length;
    await broker.admin('DELETE', `faults/${id}`);
    const r2 = await venue(broker, jwtToken, 'placeOrder', sbinOrder());
    await eventually(() => s.messages.some((m) => m.includes(r2.body?.data.orderid)), {
      message: 'the update after the stall',
    });
    // Nothing of the first order was sent while stalled (every update after the stall is of the second).
    assert.ok(s.messages.slice(seen).every((m) => !m.includes(r.body?.data.orderid)));
    assert.ok(s.messages.every((m) => !m.includes(r.body?.data.orderid)));
    assert.equal(s.isClosed(), false);
    s.ws.close();
  });

  test('feedDrop on the market feed closes market sockets', async () => {
    const { jwtToken, feedToken } = await broker.login();
    const ws = new WebSocket(`${broker.wsUrl}/smart-stream`, {
      headers: {
        Authorization: `Bearer ${jwtToken}`,
        'x-api-key': broker.account.apiKey,
        'x-client-code': broker.account.clientcode,
        'x-feed-token': feedToken,
      },
    });
    let closed = false;
    ws.on('close', () => {
      closed = true;
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    const r = await broker.admin('POST', 'faults', { kind: 'feedDrop', route: 'marketFeed', count: 1 });
    assert.equal((r.body as Envelope).status, true);
    await eventually(() => closed, { message: 'the market socket to close' });
  });
});
