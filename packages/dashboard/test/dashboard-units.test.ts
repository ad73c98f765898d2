/**
 * The dashboard's browser-free parts: the per-frame batcher, the order ticket's bodies and checks (the
 * protocol's rules, so the venue's messages), the tick → price mapping of the market feed and the P&L
 * curve sampling.
 */
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { checkRequest, decodeFeedPacket, encodeFeedPacket } from '@smartapi-ts/protocol';
import { FrameBatcher } from '../src/batcher.js';
import { addPnlSample } from '../src/charts.js';
import { priceOf } from '../src/feeds.js';
import { checkTicket, modifyOrderBody, placeOrderBody, type TicketFields } from '../src/ticket.js';

const ticket: TicketFields = {
  variety: 'NORMAL',
  transactiontype: 'BUY',
  ordertype: 'LIMIT',
  producttype: 'INTRADAY',
  duration: 'DAY',
  exchange: 'NSE',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  quantity: '1',
  price: '800.05',
  triggerprice: '',
  squareoff: '',
  stoploss: '',
  disclosedquantity: '',
  ordertag: '',
};

describe('FrameBatcher', () => {
  test('keeps the latest value per key and flushes once per frame', () => {
    const frames: (() => void)[] = [];
    const seen: Map<string, number>[] = [];
    const b = new FrameBatcher<string, number>(
      (m) => seen.push(new Map(m)),
      (cb) => frames.push(cb),
    );
    for (let i = 0; i < 1000; i++) b.push(`k${i % 500}`, i);
    assert.equal(frames.length, 1, 'one frame scheduled for the burst');
    frames.shift()?.();
    assert.equal(seen.length, 1);
    assert.equal(seen[0]?.size, 500);
    assert.equal(seen[0]?.get('k0'), 500);
    assert.equal(seen[0]?.get('k499'), 999);
    b.push('k1', 1);
    assert.equal(frames.length, 1, 'the next tick schedules the next frame');
    frames.shift()?.();
    assert.deepEqual([b.received, b.flushes], [1001, 2]);
  });
});

describe('order ticket', () => {
  test('a valid LIMIT ticket gives the venue body in strings and passes the rules', () => {
    const body = placeOrderBody(ticket);
    assert.deepEqual(body, {
      variety: 'NORMAL',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      transactiontype: 'BUY',
      exchange: 'NSE',
      ordertype: 'LIMIT',
      producttype: 'INTRADAY',
      duration: 'DAY',
      price: '800.05',
      quantity: '1',
    });
    assert.equal(checkTicket(body).ok, true);
  });

  test('invalid tickets get the same code and message as checkRequest (what the broker answers)', () => {
    for (const change of [
      { price: '' },
      { quantity: '0' },
      { quantity: 'abc' },
      { ordertag: 'x'.repeat(20) },
      { symboltoken: '' },
    ]) {
      const body = placeOrderBody({ ...ticket, ...change });
      const r = checkTicket(body);
      const expected = checkRequest('placeOrder', body);
      assert.equal(r.ok, false, JSON.stringify(change));
      assert.deepEqual(r, expected);
    }
  });

  test('modify keeps the order identity and takes the new price and quantity', () => {
    const body = modifyOrderBody(
      {
        variety: 'NORMAL',
        orderid: '1',
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        exchange: 'NSE',
      },
      { price: '801', quantity: '3', triggerprice: '' },
    );
    assert.equal(body.orderid, '1');
    assert.equal(body.price, '801');
    assert.equal(body.quantity, '3');
    assert.equal('triggerprice' in body, false);
    assert.equal(checkRequest('modifyOrder', body).ok, true);
  });
});

describe('market feed ticks', () => {
  test('a quote packet decodes to the REST exchange key, LTP and close in rupees', () => {
    const bytes = encodeFeedPacket({
      mode: 2,
      exchangeType: 1,
      token: '3045',
      sequenceNumber: 1,
      exchangeTimestamp: 1_796_272_200_000,
      lastTradedPrice: 801.25,
      lastTradedQuantity: 1,
      averageTradedPrice: 800,
      volumeTradedForTheDay: 10,
      totalBuyQuantity: 1,
      totalSellQuantity: 1,
      openPrice: 799,
      highPrice: 802,
      lowPrice: 798,
      closePrice: 790.5,
    });
    assert.deepEqual(priceOf(decodeFeedPacket(bytes)), {
      key: 'NSE|3045',
      ltp: 801.25,
      close: 790.5,
      time: 1_796_272_200_000,
    });
  });
});

describe('P&L curve', () => {
  test('one point per market second, never going back in time', () => {
    const c: { timeMs: number; pnl: number }[] = [];
    addPnlSample(c, 10_000, 1);
    addPnlSample(c, 10_500, 2);
    addPnlSample(c, 9_000, 5);
    addPnlSample(c, 11_000, 3);
    assert.deepEqual(c, [
      { timeMs: 10_000, pnl: 2 },
      { timeMs: 11_000, pnl: 3 },
    ]);
  });
});
