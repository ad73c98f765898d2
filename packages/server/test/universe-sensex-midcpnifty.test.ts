/**
 * SENSEX (BSE index, derivatives on BFO) and MIDCPNIFTY (NSE index, derivatives on NFO) in the built-in
 * universe, over HTTP (docs/paper-broker-market.md): listed in the scrip master with their lot sizes and
 * expiry weekdays, searchable, quotable, streamed on the feed (BFO = exchange type 4), tradable with
 * margin, and settled at expiry (a SENSEX option on its Thursday expiry cash-settles at the average of
 * the SENSEX index's last 30 minutes).
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { decodeFeedPacket, type FeedTick, istParts } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { wireRow } from '@smartapi-ts/testkit/scrip-master';
import WebSocket from 'ws';
import { universeFromScripMaster } from '../src/market/scrip-master.js';
import type { Instrument } from '../src/market/types.js';
import { ist, sbinOrder, venue } from './admin-helpers.js';

const paise = (rupees: unknown) => Math.round(Number(rupees) * 100);

describe('SENSEX and MIDCPNIFTY: listed, searchable, quotable, streamed, tradable', () => {
  let broker: PaperBroker;
  let jwt: string;
  let feedToken: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00', '2026-12-07'), funds: 1_000_000 });
    const t = await broker.login();
    jwt = t.jwtToken;
    feedToken = t.feedToken;
  });
  after(() => broker.close());

  const rows = async () => {
    const res = await fetch(`${broker.url}/OpenAPI_File/files/OpenAPIScripMaster.json`);
    assert.equal(res.status, 200);
    return (await res.json()) as Record<string, string>[];
  };

  test('the scrip master lists both with their lot sizes, segments and expiry weekdays', async () => {
    const all = await rows();
    const sensexIdx = all.find((r) => r.exch_seg === 'BSE' && r.token === '99919000');
    assert.equal(sensexIdx?.name, 'SENSEX');
    assert.equal(sensexIdx?.instrumenttype, 'AMXIDX');
    const midIdx = all.find((r) => r.exch_seg === 'NSE' && r.token === '99926074');
    assert.equal(midIdx?.name, 'MIDCPNIFTY');
    const sensexFo = all.filter((r) => r.name === 'SENSEX' && r.exch_seg === 'BFO');
    const midFo = all.filter((r) => r.name === 'MIDCPNIFTY' && r.exch_seg === 'NFO');
    assert.ok(sensexFo.some((r) => r.instrumenttype === 'OPTIDX'));
    assert.ok(sensexFo.some((r) => r.instrumenttype === 'FUTIDX'));
    assert.ok(midFo.some((r) => r.instrumenttype === 'OPTIDX'));
    assert.ok(midFo.some((r) => r.instrumenttype === 'FUTIDX'));
    for (const r of sensexFo) assert.equal(r.lotsize, '20', r.symbol);
    for (const r of midFo) assert.equal(r.lotsize, '120', r.symbol);
    const weekday = (expiry: string) =>
      istParts(Date.parse(`${expiry.slice(0, 2)} ${expiry.slice(2, 5)} ${expiry.slice(5)} 12:00 GMT+0530`))
        .weekday;
    // SENSEX expires on Thursdays (weekly and monthly), MIDCPNIFTY on the last Tuesday (monthly only);
    // an expiry on a holiday moves to the previous trading day (26 Jan 2027, Republic Day → Monday 25).
    for (const r of sensexFo) assert.equal(weekday(r.expiry!), 4, r.symbol);
    for (const r of midFo) {
      if (r.expiry === '25JAN2027') assert.equal(weekday(r.expiry), 1, r.symbol);
      else assert.equal(weekday(r.expiry!), 2, r.symbol);
    }
    assert.ok(new Set(sensexFo.map((r) => r.expiry)).size >= 4, 'weekly SENSEX expiries');
    assert.equal(new Set(midFo.map((r) => r.expiry)).size, 3, 'three monthly MIDCPNIFTY expiries');
    // Options listed on the contract month's strike grid.
    assert.ok(sensexFo.some((r) => /^SENSEX\d{2}[A-Z]{3}\d{2}\d+CE$/.test(r.symbol!)));
  });

  test('searchScrip finds them; quote answers for BFO and the index', async () => {
    const s = await venue(broker, jwt, 'searchScrip', { exchange: 'BFO', searchscrip: 'SENSEX' });
    assert.equal(s.body?.status, true, s.text);
    const hits = (s.body?.data ?? []) as { exchange: string; tradingsymbol: string }[];
    assert.ok(hits.length > 0);
    for (const r of hits) {
      assert.equal(r.exchange, 'BFO');
      assert.match(r.tradingsymbol, /^SENSEX/);
    }
    const m = await venue(broker, jwt, 'searchScrip', { exchange: 'NFO', searchscrip: 'MIDCPNIFTY' });
    assert.ok(((m.body?.data ?? []) as unknown[]).length > 0, m.text);
    const fut = broker.market
      .instruments()
      .find((i) => i.exchange === 'BFO' && i.instrumentType === 'FUTIDX')!;
    const q = await venue(broker, jwt, 'quote', {
      mode: 'LTP',
      exchangeTokens: { BFO: [fut.token], BSE: ['99919000'], NSE: ['99926074'] },
    });
    assert.equal(q.body?.status, true, q.text);
    const fetched = q.body?.data.fetched as { exchange: string; symbolToken: string; ltp: number }[];
    assert.equal(fetched.length, 3, q.text);
    for (const f of fetched) assert.ok(f.ltp > 0, JSON.stringify(f));
  });

  test('the feed streams a BFO contract as exchange type 4', async () => {
    const opt = broker.market.instruments().find((i) => i.exchange === 'BFO' && i.optionType === 'CE')!;
    assert.equal(opt.exchangeType, 4);
    const ws = new WebSocket(`${broker.wsUrl}/smart-stream`, {
      headers: {
        Authorization: `Bearer ${jwt}`,
        'x-api-key': broker.account.apiKey,
        'x-client-code': broker.account.clientcode,
        'x-feed-token': feedToken,
      },
    });
    const ticks: FeedTick[] = [];
    ws.on('message', (data, binary) => {
      if (binary) ticks.push(decodeFeedPacket(new Uint8Array(data as Buffer)));
    });
    try {
      await new Promise<void>((resolve, reject) => {
        ws.once('open', () => resolve());
        ws.once('error', reject);
      });
      ws.send(
        JSON.stringify({
          correlationID: 'bfo',
          action: 1,
          params: { mode: 1, tokenList: [{ exchangeType: 4, tokens: [opt.token] }] },
        }),
      );
      await eventually(() => assert.ok(ticks.some((t) => t.token === opt.token && t.exchangeType === 4)), {
        message: 'a BFO tick',
      });
      const t = ticks.find((x) => x.token === opt.token);
      assert.ok(t && 'lastTradedPrice' in t);
      assert.ok(t.lastTradedPrice > 0);
    } finally {
      ws.close();
    }
  });

  test('orders on BFO and on MIDCPNIFTY fill, with margin', async () => {
    const pick = (ex: string, name: string, itype: string): Instrument => {
      const list = broker.market
        .instruments()
        .filter(
          (i) => i.exchange === ex && i.name === name && i.instrumentType === itype && i.optionType !== 'PE',
        )
        .filter((i) => (broker.market.quote(i.exchange, i.token)?.ltp ?? 0) > 2_000)
        .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0));
      assert.ok(list[0], `${name} ${itype}`);
      return list[0];
    };
    for (const i of [
      pick('BFO', 'SENSEX', 'OPTIDX'),
      pick('BFO', 'SENSEX', 'FUTIDX'),
      pick('NFO', 'MIDCPNIFTY', 'OPTIDX'),
      pick('NFO', 'MIDCPNIFTY', 'FUTIDX'),
    ]) {
      const before = paise((await venue(broker, jwt, 'getRMS')).body?.data.availablecash);
      const r = await venue(broker, jwt, 'placeOrder', {
        ...sbinOrder(),
        exchange: i.exchange,
        tradingsymbol: i.symbol,
        symboltoken: i.token,
        producttype: 'CARRYFORWARD',
        quantity: String(i.lotSize),
      });
      assert.equal(r.body?.status, true, r.text);
      const book = (await venue(broker, jwt, 'getOrderBook')).body?.data as {
        orderid: string;
        status: string;
        text: string;
      }[];
      const row = book.find((o) => o.orderid === r.body?.data.orderid);
      assert.equal(row?.status, 'complete', JSON.stringify(row));
      const rms = (await venue(broker, jwt, 'getRMS')).body?.data;
      assert.ok(
        paise(rms.availablecash) < before || paise(rms.utiliseddebits) > 0,
        `${i.symbol} uses margin`,
      );
      // A quantity that is not a lot multiple is refused.
      const bad = await venue(broker, jwt, 'placeOrder', {
        ...sbinOrder(),
        exchange: i.exchange,
        tradingsymbol: i.symbol,
        symboltoken: i.token,
        producttype: 'CARRYFORWARD',
        quantity: String(i.lotSize + 1),
      });
      assert.equal(bad.body?.status, false, bad.text);
    }
    const positions = (await venue(broker, jwt, 'getPosition')).body?.data as {
      exchange: string;
      tradingsymbol: string;
    }[];
    assert.ok(positions.some((p) => p.exchange === 'BFO'));
    assert.ok(positions.some((p) => p.tradingsymbol.startsWith('MIDCPNIFTY')));
  });
});

describe('a loaded scrip master links derivatives to their underlying (for the expiry settlement)', () => {
  test('NFO to the NSE index or -EQ listing, BFO to the BSE index', () => {
    const row = (token: string, symbol: string, name: string, exch: string, itype: string, expiry = '') =>
      wireRow(token, symbol, name, exch, { instrumenttype: itype, expiry });
    const u = universeFromScripMaster([
      row('99926000', 'Nifty 50', 'NIFTY', 'NSE', 'AMXIDX'),
      row('99919000', 'SENSEX', 'SENSEX', 'BSE', 'AMXIDX'),
      row('3045', 'SBIN-EQ', 'SBIN', 'NSE', ''),
      row('500112', 'SBIN', 'SBIN', 'BSE', ''),
      row('1', 'NIFTY29DEC26FUT', 'NIFTY', 'NFO', 'FUTIDX', '29DEC2026'),
      row('2', 'SBIN29DEC26FUT', 'SBIN', 'NFO', 'FUTSTK', '29DEC2026'),
      row('3', 'SENSEX31DEC26FUT', 'SENSEX', 'BFO', 'FUTIDX', '31DEC2026'),
      row('4', 'GHOST29DEC26FUT', 'GHOST', 'NFO', 'FUTSTK', '29DEC2026'),
    ]);
    const under = (token: string) => u.instruments.find((i) => i.token === token)?.underlyingToken;
    assert.equal(under('1'), '99926000');
    assert.equal(under('2'), '3045');
    assert.equal(under('3'), '99919000');
    assert.equal(under('4'), undefined);
  });
});

describe('SENSEX expiry: a Thursday option cash-settles at the SENSEX last-30-minute average', () => {
  const DAY = '2026-12-10'; // a Thursday: SENSEX weekly expiry
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('14:45', DAY), funds: 1_000_000 });
  });
  after(() => broker.close());

  test('an ITM SENSEX put is exercised at the BSE index average', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const expiry = Date.parse(`${DAY}T00:00:00+05:30`);
    const spot = broker.market.quote('BSE', '99919000')?.ltp ?? 0;
    assert.ok(spot > 0);
    const put = broker.market
      .instruments()
      .filter(
        (i) =>
          i.exchange === 'BFO' && i.expiry === expiry && i.optionType === 'PE' && i.strike! >= spot + 100_000,
      )
      .sort((a, b) => a.strike! - b.strike!)[0];
    assert.ok(put, 'an ITM SENSEX put of the day');
    const r = await venue(broker, jwt, 'placeOrder', {
      ...sbinOrder(),
      exchange: 'BFO',
      tradingsymbol: put.symbol,
      symboltoken: put.token,
      producttype: 'CARRYFORWARD',
      quantity: String(put.lotSize),
    });
    assert.equal(r.body?.status, true, r.text);
    await broker.admin('POST', 'clock', { advanceTo: '2026-12-11T09:00:00+05:30' });
    const { jwtToken: jwt2 } = await broker.login();
    const candles = await venue(broker, jwt2, 'getCandleData', {
      exchange: 'BSE',
      symboltoken: '99919000',
      interval: 'ONE_MINUTE',
      fromdate: `${DAY} 15:00`,
      todate: `${DAY} 15:29`,
    });
    const bars = candles.body?.data as [string, number, number, number, number, number][];
    assert.equal(bars.length, 30, candles.text);
    const avg = bars.reduce((s, b) => s + Math.round(b[4] * 100), 0) / bars.length;
    const note = (await broker.admin('GET', `accounts/${cc}/contract-note?date=${DAY}`)).body.data;
    const row = note.trades.find((t: { settlement?: string }) => t.settlement);
    assert.equal(row.settlement, 'exercised');
    assert.equal(row.exchange, 'BFO');
    assert.ok(Math.abs(paise(row.settlementprice) - avg) <= 1);
    assert.equal(paise(row.price), put.strike! - paise(row.settlementprice));
  });
});
