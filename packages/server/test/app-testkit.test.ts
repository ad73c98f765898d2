import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ORDER_FEED_PATH, ROUTES } from '@smartapi-ts/protocol';
import { officialRequests, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';

describe('testkit startPaperBroker()', () => {
  it('starts on a free port with a usable account and a manual simulated market', async () => {
    const b = await startPaperBroker();
    try {
      assert.match(b.url, /^http:\/\/127\.0\.0\.1:\d+$/);
      assert.equal(b.wsUrl, b.url.replace('http', 'ws'));
      assert.match(b.totp(), /^\d{6}$/);
      const { jwtToken } = await b.login();
      const res = await fetch(b.url + ROUTES.getRMS.path, { headers: b.headers(jwtToken) });
      const body = (await res.json()) as { status: boolean; data: { availablecash: string } };
      assert.equal(body.status, true);
      assert.equal(body.data.availablecash, '1000000.00');
      const t0 = b.market.now();
      b.advance(60_000);
      assert.equal(b.market.now(), t0 + 60_000);
      const ws = new WebSocket(b.wsUrl + ORDER_FEED_PATH, {
        headers: { Authorization: `Bearer ${jwtToken}` },
      });
      const first = await new Promise<string>((resolve, reject) => {
        ws.once('message', (d: Buffer) => resolve(d.toString()));
        ws.once('error', reject);
      });
      assert.equal(JSON.parse(first)['order-status'], 'AB00');
      ws.close();
    } finally {
      await b.close();
    }
  });

  it('restart() keeps orders and sessions with file storage', async () => {
    const b = await startPaperBroker({ market: 'static', storage: 'file' });
    try {
      const { jwtToken } = await b.login();
      const placed = await fetch(b.url + ROUTES.placeOrder.path, {
        method: 'POST',
        headers: b.headers(jwtToken),
        body: JSON.stringify({
          variety: 'NORMAL',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          transactiontype: 'BUY',
          exchange: 'NSE',
          ordertype: 'LIMIT',
          producttype: 'DELIVERY',
          duration: 'DAY',
          price: '700',
          quantity: '1',
        }),
      });
      const orderid = ((await placed.json()) as { data: { orderid: string } }).data.orderid;
      await b.restart();
      const book = await fetch(b.url + ROUTES.getOrderBook.path, { headers: b.headers(jwtToken) });
      const rows = ((await book.json()) as { data: { orderid: string; status: string }[] }).data;
      assert.deepEqual(
        rows.map((r) => [r.orderid, r.status]),
        [[orderid, 'open']],
      );
    } finally {
      await b.close();
    }
  });

  it('loads the official-client captures', () => {
    const py = officialRequests('python');
    assert.ok(py.some((r) => r.path.startsWith('/gtt-service/')));
    assert.ok(officialRequests('js').every((r) => r.client === 'js'));
  });
});
