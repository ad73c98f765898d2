/**
 * An order the risk checks reject: by default the broker answers HTTP 200 `status:false` with AB4001, the
 * venue's rejection text and the order's ids, and the rejected row is in the order book; with
 * `rmsRejections: 'book'` it answers success and the rejection shows only in the book.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode, type Order, ROUTES } from '@smartapi-ts/protocol';
import { startPaperBroker } from '@smartapi-ts/testkit';

const TOO_BIG = {
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'MARKET',
  producttype: 'DELIVERY',
  duration: 'DAY',
  price: '0',
  quantity: '1000000',
};

test('insufficient funds: status:false AB4001 with the venue text and ids; the rejected row is in the book', async () => {
  const broker = await startPaperBroker({ market: 'static' });
  try {
    const { jwtToken } = await broker.login();
    const post = (path: string, body: unknown) =>
      fetch(broker.url + path, {
        method: 'POST',
        headers: broker.headers(jwtToken),
        body: JSON.stringify(body),
      });
    const before = (await (
      await fetch(broker.url + ROUTES.getRMS.path, { headers: broker.headers(jwtToken) })
    ).json()) as {
      data: { availablecash: string; utiliseddebits: string };
    };
    const res = await post(ROUTES.placeOrder.path, TOO_BIG);
    assert.equal(res.status, 200);
    const body = (await res.json()) as {
      status: boolean;
      errorcode: string;
      message: string;
      data: { orderid: string; uniqueorderid: string; script: string };
    };
    assert.equal(body.status, false);
    assert.equal(body.errorcode, ErrorCode.ORDER_REJECTED_BY_RMS);
    assert.match(
      body.message,
      /^Your order has been rejected due to Insufficient Funds\. Available funds - Rs\. [\d.]+ \. You require Rs\. [\d.]+ funds to execute this order\.$/,
    );
    assert.match(body.data.orderid, /^\d{15}$/);
    assert.equal(body.data.script, 'SBIN-EQ');

    const book = (await (
      await fetch(broker.url + ROUTES.getOrderBook.path, { headers: broker.headers(jwtToken) })
    ).json()) as {
      data: Order[];
    };
    const row = book.data.find((o) => o.orderid === body.data.orderid);
    assert.ok(row, 'the rejected order is in the book');
    assert.equal(row.status, 'rejected');
    assert.equal(row.text, body.message);
    assert.equal(row.uniqueorderid, body.data.uniqueorderid);
    const after = (await (
      await fetch(broker.url + ROUTES.getRMS.path, { headers: broker.headers(jwtToken) })
    ).json()) as {
      data: { availablecash: string; utiliseddebits: string };
    };
    assert.deepEqual(after.data, before.data, 'no funds blocked or spent');
  } finally {
    await broker.close();
  }
});

test("rmsRejections: 'book' answers success and leaves the rejection to the order book", async () => {
  const broker = await startPaperBroker({ market: 'static', rmsRejections: 'book' });
  try {
    const { jwtToken } = await broker.login();
    const res = await fetch(broker.url + ROUTES.placeOrder.path, {
      method: 'POST',
      headers: broker.headers(jwtToken),
      body: JSON.stringify(TOO_BIG),
    });
    const body = (await res.json()) as { status: boolean; data: { orderid: string } };
    assert.equal(body.status, true);
    const book = (await (
      await fetch(broker.url + ROUTES.getOrderBook.path, { headers: broker.headers(jwtToken) })
    ).json()) as {
      data: Order[];
    };
    const row = book.data.find((o) => o.orderid === body.data.orderid);
    assert.equal(row?.status, 'rejected');
    assert.match(row?.text ?? '', /Insufficient Funds/);
  } finally {
    await broker.close();
  }
});
