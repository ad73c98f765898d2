/**
 * The pre-open call auction and opening gaps over HTTP with the manual clock
 * (docs/paper-broker-rules.md#pre-open-call-auction, docs/paper-broker-market.md#opening-gaps-and-the-pre-open-call-auction):
 * an AMO placed the evening before fills at the auction's equilibrium at the end of order entry
 * (09:07:xx), not at the normal market's price; a pre-open LIMIT above the equilibrium fills at it, one
 * below stays open; getQuote in the pre-open shows the indicative price; the day's open is the
 * equilibrium; each day opens with a gap that is the same in every run with one seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

interface FullQuote {
  ltp: number;
  open: number;
  close: number;
  tradeVolume: number;
}

async function fullQuote(broker: PaperBroker, jwt: string, token = '3045'): Promise<FullQuote> {
  const r = await venue(broker, jwt, 'quote', { mode: 'FULL', exchangeTokens: { NSE: [token] } });
  assert.equal(r.body?.status, true, r.text);
  return r.body?.data.fetched[0] as FullQuote;
}

const tick = (rupees: number) => (Math.round(rupees * 20) / 20).toFixed(2);

describe('pre-open call auction (NSE equity, NFO futures)', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('20:00', '2026-12-02') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  test('AMO fills at the equilibrium at the end of order entry; a limit below it stays open', async () => {
    const close = (await fullQuote(broker, jwt)).ltp;
    const amo = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ variety: 'AMO', producttype: 'DELIVERY', quantity: '10' }),
    );
    assert.equal(amo.body?.status, true, amo.text);
    // F&O: an AMO on the current-month NIFTY future takes part (NSE/FAOP/71092), one on an option does not.
    const now = broker.market.now();
    const nifty = broker.market
      .instruments()
      .filter((i) => i.exchange === 'NFO' && i.name === 'NIFTY' && (i.expiry ?? 0) > now)
      .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0));
    const fut = nifty.find((i) => i.instrumentType === 'FUTIDX');
    const opt = nifty.find((i) => i.instrumentType === 'OPTIDX' && i.optionType === 'CE');
    assert.ok(fut && opt);
    const nfo = (i: { symbol: string; token: string; lotSize: number }) =>
      sbinOrder({
        variety: 'AMO',
        exchange: 'NFO',
        tradingsymbol: i.symbol,
        symboltoken: i.token,
        producttype: 'CARRYFORWARD',
        quantity: String(i.lotSize),
      });
    const futAmo = await venue(broker, jwt, 'placeOrder', nfo(fut));
    const optAmo = await venue(broker, jwt, 'placeOrder', nfo(opt));
    assert.equal(futAmo.body?.status, true, futAmo.text);
    assert.equal(optAmo.body?.status, true, optAmo.text);

    // Pre-open order entry: the quote shows the indicative equilibrium (the gapped open), and the market
    // publishes it to the feed's listeners.
    const published: { ltp: number; at: number }[] = [];
    const off = broker.market.onQuote((q) => {
      if (q.exchange === 'NSE' && q.token === '3045') published.push({ ltp: q.ltp, at: broker.market.now() });
    });
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T09:03:00+05:30' });
    off();
    const pre = await fullQuote(broker, jwt);
    const eq = pre.ltp;
    assert.notEqual(eq, close, 'the day opens with a gap');
    assert.equal(pre.open, eq);
    assert.equal(pre.close, close);
    assert.ok(
      published.some((p) => Math.round(eq * 100) === p.ltp && p.at >= ist('09:00') && p.at <= ist('09:03')),
      'the indicative price went out in the pre-open',
    );
    const futQ = await venue(broker, jwt, 'quote', { mode: 'FULL', exchangeTokens: { NFO: [fut.token] } });
    const futEq = Number(futQ.body?.data.fetched[0].ltp);
    const below = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: tick(eq * 0.98), producttype: 'DELIVERY', quantity: '3' }),
    );
    const above = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: tick(eq * 1.01), producttype: 'DELIVERY', quantity: '2' }),
    );
    assert.equal(below.body?.status, true, below.text);
    assert.equal(above.body?.status, true, above.text);
    let book = await orderBook(broker, jwt);
    // Orders of the order entry reach the exchange at once and wait; the AMO is still an AMO.
    assert.equal(book.find((o) => o.orderid === below.body?.data.orderid).status, 'open');
    assert.equal(
      book.find((o) => o.orderid === amo.body?.data.orderid).status,
      'after market order req received',
    );
    assert.equal(book.find((o) => o.orderid === above.body?.data.orderid).filledshares, '0');

    // After the random end of order entry (09:07:00–09:07:59) the auction has matched.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T09:08:30+05:30' });
    book = await orderBook(broker, jwt);
    const amoRow = book.find((o) => o.orderid === amo.body?.data.orderid);
    assert.equal(amoRow.status, 'complete');
    assert.equal(Number(amoRow.averageprice), eq);
    const aboveRow = book.find((o) => o.orderid === above.body?.data.orderid);
    assert.equal(aboveRow.status, 'complete');
    assert.equal(Number(aboveRow.averageprice), eq);
    assert.equal(book.find((o) => o.orderid === below.body?.data.orderid).status, 'open');
    const futRow = book.find((o) => o.orderid === futAmo.body?.data.orderid);
    assert.equal(futRow.status, 'complete');
    assert.equal(Number(futRow.averageprice), futEq);
    const optRow = book.find((o) => o.orderid === optAmo.body?.data.orderid);
    assert.equal(optRow.status, 'after market order req received', 'options have no pre-open');
    const trades = ((await venue(broker, jwt, 'getTradeBook')).body?.data ?? []) as {
      orderid: string;
      filltime: string;
    }[];
    const amoTrade = trades.find((t) => t.orderid === amo.body?.data.orderid);
    assert.match(amoTrade?.filltime ?? '', /^09:07:\d\d$/);
    const matched = await fullQuote(broker, jwt);
    assert.equal(matched.open, eq, "the day's open is the equilibrium");
    assert.ok(matched.tradeVolume > 0, 'the auction traded');

    // The normal market moves on from the open; the AMO's price stays the auction's.
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-03T09:40:00+05:30' });
    const later = await fullQuote(broker, jwt);
    assert.notEqual(later.ltp, eq, 'the market moved after the open');
    assert.equal(later.open, eq);
    book = await orderBook(broker, jwt);
    assert.equal(
      book.find((o) => o.orderid === optAmo.body?.data.orderid).status,
      'complete',
      'released at 09:15',
    );
  });

  test('F&O: the current-month future has an auction, options do not', () => {
    const market = broker.market as unknown as {
      callAuction(ex: string, token: string, at: number): { price: number } | undefined;
    };
    const nfo = broker.market.instruments().filter((i) => i.exchange === 'NFO' && i.name === 'NIFTY');
    const futs = nfo
      .filter((i) => i.instrumentType === 'FUTIDX')
      .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0));
    const opt = nfo.find((i) => i.instrumentType === 'OPTIDX');
    const day = ist('12:00', '2026-12-04');
    assert.ok(futs[0] && opt);
    assert.ok(market.callAuction('NFO', futs[0].token, day));
    assert.equal(market.callAuction('NFO', futs.at(-1)?.token ?? '', day), undefined);
    assert.equal(market.callAuction('NFO', opt.token, day), undefined);
  });
});

describe('opening gaps', () => {
  /** The previous close and open of SBIN and NIFTY on `day`, watched from 23:58 of the day before. */
  async function openOf(seed: number, before: string, day: string): Promise<number[]> {
    const broker = await startPaperBroker({ start: ist('23:58', before), seed });
    try {
      const jwt = (await broker.login()).jwtToken;
      const before = [(await fullQuote(broker, jwt)).ltp, (await fullQuote(broker, jwt, '99926000')).ltp];
      await broker.admin('POST', 'clock', { advanceTo: `${day}T09:16:00+05:30` });
      const out: number[] = [];
      for (const [i, token] of ['3045', '99926000'].entries()) {
        const q = await fullQuote(broker, jwt, token);
        assert.equal(q.close, before[i], 'previous close');
        assert.notEqual(q.open, q.close, `${token} opens with a gap on ${day}`);
        out.push(q.close, q.open);
      }
      return out;
    } finally {
      await broker.close();
    }
  }

  test('two days open away from the previous close, the same in every run with one seed', async () => {
    const runs: number[][] = [];
    for (const [prev, day] of [
      ['2026-12-02', '2026-12-03'],
      ['2026-12-03', '2026-12-04'],
    ] as const)
      runs.push(await openOf(7, prev, day));
    assert.deepEqual(await openOf(7, '2026-12-02', '2026-12-03'), runs[0]);
    assert.notDeepEqual(await openOf(8, '2026-12-02', '2026-12-03'), runs[0]);
  });
});
