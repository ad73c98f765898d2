import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { ORDER_FEED_PATH } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import WebSocket from 'ws';
import { pathOf, startTestBroker, type TestBroker } from './app-helpers.js';

interface Msg {
  'user-id': string;
  'status-code': string;
  'order-status': string;
  'error-message': string;
  orderData: Record<string, unknown>;
}

/** Opens an order-feed socket and collects its messages. */
function connect(wsUrl: string, authorization?: string) {
  const ws = new WebSocket(
    wsUrl + ORDER_FEED_PATH,
    authorization === undefined ? {} : { headers: { Authorization: authorization } },
  );
  const messages: (Msg | string)[] = [];
  ws.on('message', (d: Buffer) => {
    const text = d.toString();
    messages.push(text.startsWith('{') ? (JSON.parse(text) as Msg) : text);
  });
  const opened = new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_req, res) =>
      reject(Object.assign(new Error(`HTTP ${res.statusCode}`), { status: res.statusCode })),
    );
    ws.once('error', reject);
  });
  /** Resolves with all messages once at least `n` arrived. */
  const until = (n: number, timeout = 3000): Promise<(Msg | string)[]> =>
    eventually(
      () => {
        assert.ok(messages.length >= n, `${n} messages, got ${JSON.stringify(messages)}`);
        return messages;
      },
      { timeout },
    );
  /** Resolves with the first order update matching `pred`. */
  const waitFor = (pred: (m: Msg) => boolean, timeout = 3000): Promise<Msg> =>
    eventually(
      () => {
        const hit = messages.find((m): m is Msg => typeof m !== 'string' && pred(m));
        assert.ok(
          hit,
          `no matching update; got ${JSON.stringify(messages.map((m) => (typeof m === 'string' ? m : [m['order-status'], m.orderData.orderid])))}`,
        );
        return hit;
      },
      { timeout },
    );
  return { ws, messages, opened, until, waitFor };
}

function closed(ws: WebSocket): Promise<void> {
  return ws.readyState === WebSocket.CLOSED
    ? Promise.resolve()
    : new Promise((r) => ws.once('close', () => r()));
}

describe('order-update WebSocket', () => {
  let t: TestBroker;
  let wsUrl: string;
  let jwt: string;
  before(async () => {
    t = await startTestBroker({ port: 0 });
    const url = await t.server.listen();
    wsUrl = url.replace(/^http/, 'ws');
    jwt = (await t.login()).jwtToken;
  });
  after(() => t.close());

  const order = (over: Record<string, string> = {}) => ({
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'DELIVERY',
    duration: 'DAY',
    price: '700',
    quantity: '2',
    ...over,
  });

  it('sends AB00 first, then place → open → fill (complete) and cancel, in order, for this account only', async () => {
    const other = await t.newAccount();
    const otherJwt = (await t.login(other)).jwtToken;
    const mine = connect(wsUrl, `Bearer ${jwt}`);
    const theirs = connect(wsUrl, otherJwt); // without "Bearer": accepted too
    await Promise.all([mine.opened, theirs.opened]);
    const [hello] = await mine.until(1);
    assert.deepEqual(
      { ...(hello as Msg), orderData: undefined },
      {
        'user-id': t.creds.clientcode,
        'status-code': '200',
        'order-status': 'AB00',
        'error-message': '',
        orderData: undefined,
      },
    );
    assert.equal((hello as Msg).orderData.price, 0);
    assert.equal((hello as Msg).orderData.quantity, '0');
    assert.equal((hello as Msg).orderData.status, '');

    try {
      const placed = await t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: order(),
      });
      const orderid = placed.json().data.orderid as string;
      const open = await mine.waitFor((m) => m.orderData.orderid === orderid && m['order-status'] === 'AB01');
      assert.equal(open.orderData.status, 'open');
      assert.equal(typeof open.orderData.price, 'number');
      assert.equal(open.orderData.price, 700);
      assert.equal(typeof open.orderData.quantity, 'string');
      assert.equal(open.orderData.quantity, '2');

      // The market trades through the limit: the order fills.
      t.market.setPrice('NSE', '3045', 69_000);
      const done = await mine.waitFor((m) => m.orderData.orderid === orderid && m['order-status'] === 'AB05');
      assert.equal(done.orderData.status, 'complete');
      assert.equal(done.orderData.filledshares, '2');
      assert.equal(done.orderData.averageprice, 690.05);

      // Place and cancel a second order.
      const p2 = await t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: order({ price: '600' }),
      });
      const id2 = p2.json().data.orderid as string;
      await mine.waitFor((m) => m.orderData.orderid === id2 && m['order-status'] === 'AB01');
      const c = await t.server.app.inject({
        method: 'POST',
        url: pathOf('cancelOrder'),
        headers: t.headers(jwt),
        payload: { variety: 'NORMAL', orderid: id2 },
      });
      assert.equal(c.json().status, true);
      await mine.waitFor((m) => m.orderData.orderid === id2 && m['order-status'] === 'AB02');

      // Every order's updates arrive in lifecycle order.
      const seq = (id: string) =>
        (mine.messages as Msg[])
          .filter((m) => typeof m !== 'string' && m.orderData.orderid === id)
          .map((m) => m['order-status']);
      assert.deepEqual(seq(orderid), ['AB09', 'AB01', 'AB05']);
      assert.deepEqual(seq(id2), ['AB09', 'AB01', 'AB02']);
      for (const m of mine.messages as Msg[]) assert.equal(m['user-id'], t.creds.clientcode);

      // The other account saw only its AB00.
      await theirs.until(1);
      assert.equal(theirs.messages.length, 1);
      assert.equal((theirs.messages[0] as Msg)['user-id'], other.clientcode);
    } finally {
      mine.ws.close();
      theirs.ws.close();
      await Promise.all([closed(mine.ws), closed(theirs.ws)]);
    }
  });

  it('pushes modify (AB11 → AB04), stop orders (AB09 → AB10 → … → AB05) and risk rejections (AB03)', async () => {
    const mine = connect(wsUrl, `Bearer ${jwt}`);
    await mine.opened;
    await mine.until(1);
    const place = (over: Record<string, string>) =>
      t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: order(over),
      });
    const seq = (id: string) =>
      (mine.messages as Msg[])
        .filter((m) => typeof m !== 'string' && m.orderData.orderid === id)
        .map((m) => m['order-status']);
    try {
      t.market.setPrice('NSE', '3045', 69_000);
      // modify a resting order
      const id = (await place({ price: '600' })).json().data.orderid as string;
      await mine.waitFor((m) => m.orderData.orderid === id && m['order-status'] === 'AB01');
      const mod = await t.server.app.inject({
        method: 'POST',
        url: pathOf('modifyOrder'),
        headers: t.headers(jwt),
        payload: {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'LIMIT',
          producttype: 'DELIVERY',
          duration: 'DAY',
          price: '610',
          quantity: '2',
        },
      });
      assert.equal(mod.json().status, true, mod.body);
      const modified = await mine.waitFor((m) => m.orderData.orderid === id && m['order-status'] === 'AB04');
      assert.equal(modified.orderData.price, 610);
      assert.deepEqual(seq(id), ['AB09', 'AB01', 'AB11', 'AB04']);

      // a stop-loss buy waits for its trigger, then fills
      const sl = (
        await place({ variety: 'STOPLOSS', ordertype: 'STOPLOSS_LIMIT', triggerprice: '720', price: '725' })
      ).json().data.orderid as string;
      await mine.waitFor((m) => m.orderData.orderid === sl && m['order-status'] === 'AB10');
      t.market.setPrice('NSE', '3045', 72_100);
      const filled = await mine.waitFor((m) => m.orderData.orderid === sl && m['order-status'] === 'AB05');
      assert.equal(filled.orderData.status, 'complete');
      const slSeq = seq(sl);
      assert.deepEqual(slSeq.slice(0, 2), ['AB09', 'AB10']);
      assert.equal(slSeq.at(-1), 'AB05');

      // a risk-check rejection is pushed as AB03 with the venue's text
      const rej = await place({ quantity: '1000000' });
      assert.equal(rej.json().status, false);
      const rid = rej.json().data.orderid as string;
      const pushed = await mine.waitFor((m) => m.orderData.orderid === rid && m['order-status'] === 'AB03');
      assert.equal(pushed.orderData.status, 'rejected');
      assert.match(String(pushed.orderData.text), /Insufficient Funds/);
    } finally {
      mine.ws.close();
      await closed(mine.ws);
    }
  });

  it('pushes after-market states: placed (AB06), modified (AB08), cancelled (AB07)', async () => {
    const mine = connect(wsUrl, `Bearer ${jwt}`);
    await mine.opened;
    await mine.until(1);
    t.market.setSession('closed');
    try {
      const placed = await t.server.app.inject({
        method: 'POST',
        url: pathOf('placeOrder'),
        headers: t.headers(jwt),
        payload: order({ price: '650' }),
      });
      const id = placed.json().data.orderid as string;
      const amo = await mine.waitFor((m) => m.orderData.orderid === id && m['order-status'] === 'AB06');
      assert.equal(amo.orderData.status, 'after market order req received');
      const mod = await t.server.app.inject({
        method: 'POST',
        url: pathOf('modifyOrder'),
        headers: t.headers(jwt),
        payload: {
          variety: 'NORMAL',
          orderid: id,
          ordertype: 'LIMIT',
          producttype: 'DELIVERY',
          duration: 'DAY',
          price: '655',
          quantity: '2',
        },
      });
      assert.equal(mod.json().status, true, mod.body);
      await mine.waitFor((m) => m.orderData.orderid === id && m['order-status'] === 'AB08');
      const c = await t.server.app.inject({
        method: 'POST',
        url: pathOf('cancelOrder'),
        headers: t.headers(jwt),
        payload: { variety: 'NORMAL', orderid: id },
      });
      assert.equal(c.json().status, true, c.body);
      const cancelled = await mine.waitFor((m) => m.orderData.orderid === id && m['order-status'] === 'AB07');
      assert.equal(cancelled.orderData.status, 'cancelled after market order');
    } finally {
      t.market.setSession('open');
      mine.ws.close();
      await closed(mine.ws);
    }
  });

  it('answers text ping with text pong', async () => {
    const c = connect(wsUrl, `Bearer ${jwt}`);
    await c.opened;
    await c.until(1);
    c.ws.send('ping');
    const msgs = await c.until(2);
    assert.equal(msgs[1], 'pong');
    c.ws.close();
    await closed(c.ws);
  });

  it('refuses bad tokens with 401, expired with 403 and a fourth connection with 429', async () => {
    // Earlier tests' sockets may still be closing on the server side.
    await eventually(() => assert.equal(t.server.orderFeed.connections(t.creds.clientcode), 0));
    await assert.rejects(connect(wsUrl).opened, (e: { status?: number }) => e.status === 401);
    await assert.rejects(connect(wsUrl, 'Bearer nope').opened, (e: { status?: number }) => e.status === 401);
    const conns = [connect(wsUrl, jwt), connect(wsUrl, jwt), connect(wsUrl, jwt)];
    await Promise.all(conns.map((c) => c.opened));
    await assert.rejects(connect(wsUrl, jwt).opened, (e: { status?: number }) => e.status === 429);
    conns[0]?.ws.close();
    await closed(conns[0]?.ws as WebSocket);
    await eventually(() => assert.equal(t.server.orderFeed.connections(t.creds.clientcode), 2));
    // A slot is free again.
    const again = connect(wsUrl, jwt);
    await again.opened;
    for (const c of [...conns.slice(1), again]) c.ws.close();
    await Promise.all([...conns.slice(1), again].map((c) => closed(c.ws)));
  });

  it('refuses unknown upgrade paths with 404', async () => {
    const ws = new WebSocket(`${wsUrl}/nope`);
    const status = await new Promise<number>((resolve) => {
      ws.once('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
      ws.once('error', () => resolve(-1));
    });
    assert.equal(status, 404);
  });
});

describe('order-update WebSocket: expired token', () => {
  it('answers 403 once the session expired (midnight IST)', async () => {
    let now = Date.now();
    const t = await startTestBroker({ port: 0, wallClock: () => now });
    try {
      const url = await t.server.listen();
      const { jwtToken } = await t.login();
      now += 2 * 86_400_000;
      const c = connect(url.replace(/^http/, 'ws'), `Bearer ${jwtToken}`);
      await assert.rejects(c.opened, (e: { status?: number }) => e.status === 403);
    } finally {
      await t.close();
    }
  });
});
