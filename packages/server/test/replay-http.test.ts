/**
 * The replay source through the whole paper broker, with data files the test writes: REST quotes,
 * LTP and depth stay in the bar of their time while the admin clock advances; the binary feed's ticks
 * too; getCandleData of the replayed day answers the recorded bars exactly (JSON and CSV inputs);
 * market, limit and stop-loss fills lie in the bars' range; instruments without data refuse orders
 * (AB1009) unless `--fill-missing synthetic` simulates them; a malformed file stops `serve` before it
 * listens, naming file and line.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { decodeFeedPacket, type FeedTick } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { main } from '../src/main.js';
import { orderBook, sbinOrder, venue } from './admin-helpers.js';
import { barAt, dayBars, rangeOver, tempDir, writeCsv, writeJson } from './replay-helpers.js';

const DAY = '2026-11-20';

const SBIN = dayBars(DAY, 812.4, 5);
const RELIANCE = dayBars(DAY, 1420.1, 6);

describe('replay over HTTP and WebSocket', () => {
  let broker: PaperBroker;
  let jwt: string;
  let feedToken: string;
  const dir = tempDir();
  before(async () => {
    writeJson(dir, 'NSE', '3045', SBIN);
    writeCsv(dir, 'NSE', '2885', RELIANCE);
    broker = await startPaperBroker({ market: 'replay', data: dir });
    ({ jwtToken: jwt, feedToken } = await broker.login());
  });
  after(async () => {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const quoteFull = async (token: string) => {
    const res = await fetch(`${broker.url}/rest/secure/angelbroking/market/v1/quote`, {
      method: 'POST',
      headers: broker.headers(jwt),
      body: JSON.stringify({ mode: 'FULL', exchangeTokens: { NSE: [token] } }),
    });
    const body = (await res.json()) as {
      status: boolean;
      data: {
        fetched: {
          ltp: number;
          tradeVolume: number;
          depth: { buy: { price: number; quantity: number }[]; sell: { price: number; quantity: number }[] };
        }[];
      };
    };
    assert.equal(body.status, true);
    const q = body.data.fetched[0];
    assert.ok(q);
    return q;
  };

  test('the clock starts at the first bar; quotes, LTP and depth stay in the bar of their time', async () => {
    const clock = (await broker.admin('GET', 'clock')).body.data;
    assert.equal(clock.now, `${DAY}T09:15:00+05:30`);
    for (let i = 0; i < 40; i++) {
      await broker.admin('POST', 'clock', { advanceBy: 7 + i * 3 });
      const now = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
      for (const [token, rows] of [
        ['3045', SBIN],
        ['2885', RELIANCE],
      ] as const) {
        const bar = barAt(rows, now);
        assert.ok(bar, `a bar at ${new Date(now).toISOString()}`);
        const q = await quoteFull(token);
        assert.ok(q.ltp >= bar[3] && q.ltp <= bar[2], `${token} ltp ${q.ltp} in [${bar[3]}, ${bar[2]}]`);
        for (const l of [...q.depth.buy, ...q.depth.sell])
          if (l.quantity > 0) assert.ok(l.price >= bar[3] && l.price <= bar[2], `depth ${l.price}`);
        const ltp = await venue(broker, jwt, 'getLtpData', {
          exchange: 'NSE',
          tradingsymbol: token === '3045' ? 'SBIN-EQ' : 'RELIANCE-EQ',
          symboltoken: token,
        });
        assert.equal(Number(ltp.body?.data.ltp), q.ltp);
      }
    }
  });

  test('the feed: every tick of an advance lies in the bar of its exchange time', async () => {
    const ws = new WebSocket(`${broker.wsUrl}/smart-stream`, {
      headers: {
        Authorization: `Bearer ${jwt}`,
        'x-api-key': broker.account.apiKey,
        'x-client-code': broker.account.clientcode,
        'x-feed-token': feedToken,
      },
    });
    const ticks: FeedTick[] = [];
    ws.on('message', (data, isBinary) => {
      if (isBinary) ticks.push(decodeFeedPacket(new Uint8Array(data as Buffer)));
    });
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    ws.send(
      JSON.stringify({
        correlationID: 'r1',
        action: 1,
        params: { mode: 3, tokenList: [{ exchangeType: 1, tokens: ['3045', '2885'] }] },
      }),
    );
    await eventually(() => assert.equal(ticks.length >= 2, true), { message: 'the snapshots' });
    const before = ticks.length;
    await broker.admin('POST', 'clock', { advanceBy: 20 * 60 });
    await eventually(() => assert.ok(ticks.length >= before + 100, `${ticks.length - before} ticks`), {
      message: 'the ticks of the advance',
    });
    for (const t of ticks) {
      assert.ok(t.mode !== 4);
      const rows = t.token === '3045' ? SBIN : RELIANCE;
      const bar = barAt(rows, t.exchangeTimestamp) ?? rangeBar(rows, t.exchangeTimestamp);
      assert.ok(
        t.lastTradedPrice >= bar[3] && t.lastTradedPrice <= bar[2],
        `${t.token} ${t.lastTradedPrice} at ${new Date(t.exchangeTimestamp).toISOString()}`,
      );
    }
    ws.close();
  });

  test('orders: market, limit and stop-loss fills lie in the range of the bars while they worked', async () => {
    const place = async (o: Record<string, string>) => {
      const r = await venue(broker, jwt, 'placeOrder', sbinOrder(o));
      assert.equal(r.body?.status, true, r.text);
      return r.body?.data.orderid as string;
    };
    const t0 = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
    const buy = await place({ quantity: '20' });
    const row = () => orderBook(broker, jwt);
    const filled = (await row()).find((o) => o.orderid === buy);
    assert.equal(filled?.orderstatus, 'complete');
    const b = barAt(SBIN, t0);
    assert.ok(
      b && filled.averageprice >= b[3] && filled.averageprice <= b[2],
      `market buy ${filled.averageprice}`,
    );
    // A stop-loss sell a little below and a limit buy a little below the LTP: both trigger/fill later.
    const ltp = (await quoteFull('3045')).ltp;
    const trig = (Math.round(ltp * 20 * 0.998) / 20).toFixed(2);
    const sl = await place({
      transactiontype: 'SELL',
      variety: 'STOPLOSS',
      ordertype: 'STOPLOSS_MARKET',
      triggerprice: trig,
      quantity: '10',
    });
    const lim = await place({ ordertype: 'LIMIT', price: trig, quantity: '5' });
    let prev = t0;
    const done = new Map<string, { price: number; from: number; to: number }>();
    for (let i = 0; i < 300 && done.size < 2; i++) {
      await broker.admin('POST', 'clock', { advanceBy: 60 });
      const now = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
      for (const o of await row()) {
        if ((o.orderid === sl || o.orderid === lim) && o.orderstatus === 'complete' && !done.has(o.orderid))
          done.set(o.orderid, { price: o.averageprice, from: prev, to: now });
      }
      prev = now;
    }
    assert.equal(done.size, 2, 'the stop and the limit filled during the day');
    for (const [id, f] of done) {
      const r = rangeOver(SBIN, f.from, f.to);
      assert.ok(f.price >= r.low && f.price <= r.high, `${id} at ${f.price} in [${r.low}, ${r.high}]`);
    }
  });

  test('a GTT rule triggers when the replayed LTP crosses it; its order fills inside the bars', async () => {
    const known = new Set((await orderBook(broker, jwt)).map((o) => o.orderid as string));
    const ltp = (await quoteFull('3045')).ltp;
    const trig = Math.round(ltp * 20 * 0.998) / 20;
    const g = await venue(broker, jwt, 'gttCreateRule', {
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
      exchange: 'NSE',
      producttype: 'DELIVERY',
      transactiontype: 'BUY',
      price: trig,
      qty: 3,
      disclosedqty: 3,
      triggerprice: trig,
      timeperiod: 365,
    });
    assert.equal(g.body?.status, true, g.text);
    let prev = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
    let fill: { price: number; from: number; to: number } | undefined;
    for (let i = 0; i < 300 && !fill; i++) {
      await broker.admin('POST', 'clock', { advanceBy: 60 });
      const now = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
      const o = (await orderBook(broker, jwt)).find(
        (x) => !known.has(x.orderid) && x.orderstatus === 'complete',
      );
      if (o) fill = { price: o.averageprice, from: prev, to: now };
      prev = now;
    }
    assert.ok(fill, 'the GTT order filled during the day');
    const r = rangeOver(SBIN, fill.from, fill.to);
    assert.ok(r.low <= trig, `the bars reached the trigger ${trig} (low ${r.low})`);
    assert.ok(
      fill.price >= r.low && fill.price <= Math.min(r.high, trig),
      `GTT fill ${fill.price} in [${r.low}, ${trig}]`,
    );
  });

  test('getCandleData of the replayed day equals the recorded bars (JSON and CSV inputs)', async () => {
    await broker.admin('POST', 'clock', { advanceTo: `${DAY}T15:45:00+05:30` });
    for (const [token, rows] of [
      ['3045', SBIN],
      ['2885', RELIANCE],
    ] as const) {
      const r = await venue(broker, jwt, 'getCandleData', {
        exchange: 'NSE',
        symboltoken: token,
        interval: 'ONE_MINUTE',
        fromdate: `${DAY} 09:15`,
        todate: `${DAY} 15:30`,
      });
      assert.equal(r.body?.status, true, r.text);
      assert.deepEqual(r.body?.data, rows);
    }
  });

  test('an instrument without data refuses orders (AB1009) and has no quote', async () => {
    const r = await venue(
      broker,
      jwt,
      'placeOrder',
      sbinOrder({ tradingsymbol: 'INFY-EQ', symboltoken: '1594' }),
    );
    assert.equal(r.body?.status, false);
    assert.equal(r.body?.errorcode, 'AB1009');
    const before = await orderBook(broker, jwt);
    assert.equal(before.filter((o) => o.symboltoken === '1594').length, 0);
  });
});

/** The last bar at or before `t` (between bars the quote holds the last close). */
function rangeBar(rows: readonly (readonly [string, number, number, number, number, number])[], t: number) {
  let best = rows[0];
  for (const r of rows) if (Date.parse(r[0]) <= t) best = r;
  assert.ok(best);
  return best;
}

describe('replay with --fill-missing synthetic', () => {
  test('instruments without data are simulated on the same clock', async () => {
    const dir = tempDir();
    writeJson(dir, 'NSE', '3045', SBIN.slice(0, 30));
    const broker = await startPaperBroker({ market: 'replay', data: dir, fillMissing: true });
    try {
      const { jwtToken } = await broker.login();
      await broker.admin('POST', 'clock', { advanceBy: 300 });
      const r = await venue(
        broker,
        jwtToken,
        'placeOrder',
        sbinOrder({ tradingsymbol: 'INFY-EQ', symboltoken: '1594' }),
      );
      assert.equal(r.body?.status, true, r.text);
      const o = (await orderBook(broker, jwtToken)).find((x) => x.orderid === r.body?.data.orderid);
      assert.equal(o?.orderstatus, 'complete');
      const q = broker.market.quote('NSE', '3045');
      const bar = barAt(SBIN, broker.market.now());
      assert.ok(q && bar && q.ltp / 100 >= bar[3] && q.ltp / 100 <= bar[2]);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('serve --market replay with a malformed file', () => {
  test('exits non-zero before listening; the message names the file and the line', async () => {
    const dir = tempDir();
    writeJson(dir, 'NSE', '3045', SBIN.slice(0, 5));
    writeFileSync(
      join(dir, 'NSE-2885.csv'),
      `time,open,high,low,close,volume\n${DAY}T09:15:00+05:30,10,9,8,9,1\n`,
    );
    const out: string[] = [];
    const err: string[] = [];
    try {
      const code = await main(
        [
          'serve',
          '--port',
          '0',
          '--db',
          ':memory:',
          '--market',
          'replay',
          '--data',
          dir,
          '--clock',
          'manual',
        ],
        { out: (t) => out.push(t), err: (t) => err.push(t) },
      );
      assert.notEqual(code, 0);
      assert.equal(out.length, 0, 'never listened');
      assert.match(err.join(''), /NSE-2885\.csv:2: inconsistent bar/);
      const noData = await main(['serve', '--port', '0', '--db', ':memory:', '--market', 'replay'], {
        out: (t) => out.push(t),
        err: (t) => err.push(t),
      });
      assert.notEqual(noData, 0);
      assert.match(err.join(''), /--market replay needs --data/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('replay and the admin snapshots', () => {
  test('a snapshot restores the replayed market: the same quote after the restore', async () => {
    const dir = tempDir();
    writeJson(dir, 'NSE', '3045', SBIN);
    const broker = await startPaperBroker({ market: 'replay', data: dir });
    try {
      await broker.admin('POST', 'clock', { advanceBy: 1800 });
      const q0 = broker.market.quote('NSE', '3045');
      const snap = await broker.admin('POST', 'snapshots', { label: 'half past nine' });
      assert.equal(snap.status, 200, JSON.stringify(snap.body));
      await broker.admin('POST', 'clock', { advanceBy: 3600 });
      assert.notDeepEqual(broker.market.quote('NSE', '3045'), q0);
      const r = await broker.admin('POST', `snapshots/${snap.body.data.id}/restore`);
      assert.equal(r.status, 200, JSON.stringify(r.body));
      assert.equal(r.body.data.epochMs, q0?.timestamp);
      assert.deepEqual(broker.market.quote('NSE', '3045'), q0);
    } finally {
      await broker.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
