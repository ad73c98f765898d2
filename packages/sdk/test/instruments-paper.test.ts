import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { SmartApi } from '../src/client.js';
import { fetchCandles, resample } from '../src/historical/index.js';
import { type InstrumentIndex, Instruments } from '../src/instruments/index.js';

/**
 * The market day is pinned (Tue 20 Jan 2026, 09:15 IST) so the 45-day backfill window, its holidays and
 * the option expiries are the same whatever day the suite runs.
 */
const MARKET_START = istToEpoch(2026, 1, 20, 9, 15);

let broker: PaperBroker;
let dir: string;
let ins: InstrumentIndex;

before(async () => {
  broker = await startPaperBroker({ market: 'sim', start: MARKET_START });
  dir = mkdtempSync(join(tmpdir(), 'smartapi-ins-paper-'));
  ins = await Instruments.load({ root: broker.url, cacheDir: dir });
});

after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the paper broker's scrip master indexes cleanly and answers the well-known lookups", async () => {
  assert.equal(ins.source.kind, 'network');
  assert.ok(ins.size > 5, `indexed ${ins.size}`);
  assert.equal(ins.skipped, 0, 'the broker serves no malformed rows');
  assert.equal(ins.byToken('3045', 'NSE')?.symbol, 'SBIN-EQ');
  assert.equal(ins.bySymbol('NSE', 'SBIN')?.token, '3045');
  assert.equal(ins.search('sbin')[0]?.symbol, 'SBIN-EQ');
  const name = [...ins].find((i) => i.kind === 'OPT')?.name;
  if (name) {
    const exp = ins.nearestExpiry(name, new Date(0));
    assert.ok(exp);
    const chain = ins.optionChain(name, exp);
    assert.ok(chain && chain.strikes.length > 0);
    for (const s of chain.strikes) {
      if (s.ce) assert.equal(ins.parseSymbol(s.ce.symbol)?.kind, 'OPT');
    }
  }
  // A second load is served from the cache, without a request.
  const again = await Instruments.load({ root: broker.url, cacheDir: dir });
  assert.equal(again.source.kind, 'cache');
  assert.equal(again.size, ins.size);
});

test('candle backfill through the REST client against the paper broker', async () => {
  const tokens = await broker.login();
  const api = new SmartApi({ apiKey: broker.account.apiKey, root: broker.url });
  api.setSession({ clientCode: broker.account.clientcode, jwtToken: tokens.jwtToken });
  try {
    const sbin = ins.bySymbol('NSE', 'SBIN')!;
    const to = new Date(broker.market.now());
    assert.equal(to.getTime(), MARKET_START);
    const from = new Date(to.getTime() - 45 * 86_400_000);
    const requests: number[] = [];
    const candles = await fetchCandles(
      api.historical,
      { exchange: sbin.exchange, symboltoken: sbin.token, interval: 'ONE_MINUTE', from, to },
      { pace: false, onProgress: (p) => requests.push(p.done) },
    );
    assert.deepEqual(requests, [1, 2], '45 days of 1-minute data = 2 requests within the 30-day limit');
    for (let i = 1; i < candles.length; i++) assert.ok(candles[i]!.time > candles[i - 1]!.time);
    for (const c of candles) assert.ok(c.high >= c.low && Number.isFinite(c.close));
    assert.ok(candles.length > 20 * 375, `about 30 sessions of minute bars, got ${candles.length}`);
    assert.ok(candles[0]!.time.getTime() >= from.getTime() - 60_000, 'first bar inside the range');
    const daily = resample(candles, '1d');
    assert.ok(daily.length >= 20 && daily.length < candles.length);
    assert.equal(
      daily.reduce((a, c) => a + c.volume, 0),
      candles.reduce((a, c) => a + c.volume, 0),
    );
  } finally {
    api.close();
  }
});
