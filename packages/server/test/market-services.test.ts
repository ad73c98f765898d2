import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { INTERVAL_MINUTES, istToEpoch } from '@smartapi-ts/protocol';
import { intradayLeverage } from '../src/engine/rules/margin.js';
import { SimClock } from '../src/market/clock.js';
import * as svc from '../src/market/services/index.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';

const START = istToEpoch(2026, 1, 6, 9, 15);
const clock = new SimClock({ start: START, manual: true });
const market = new SimulatedMarket({ clock, seed: 9 });
clock.advance(20_000);

function okData<T>(r: svc.ServiceResult<T>): T {
  assert.ok(r.ok, r.ok ? '' : `${r.errorcode} ${r.message}`);
  return r.data;
}
function rejected(r: svc.ServiceResult<unknown>, code: string) {
  assert.equal(r.ok, false);
  if (!r.ok) assert.equal(r.errorcode, code);
}

const BAD_BODIES: unknown[] = [null, 'x', 42, [], true];

describe('getLtpData', () => {
  it('returns string prices from the live quote', () => {
    const d = okData(svc.ltp(market, { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' }));
    const q = market.quote('NSE', '3045')!;
    assert.equal(d.tradingsymbol, 'SBIN-EQ');
    assert.equal(d.ltp, (q.ltp / 100).toFixed(2));
    assert.equal(d.close, (q.close / 100).toFixed(2));
    assert.match(String(d.open), /^\d+\.\d{2}$/);
    okData(svc.ltp(market, { exchange: 'nse', symboltoken: 3045 }));
  });
  it('rejects bad input', () => {
    for (const b of BAD_BODIES) rejected(svc.ltp(market, b), 'AB1018');
    rejected(svc.ltp(market, { exchange: 'XYZ', symboltoken: '3045' }), 'AB1018');
    rejected(svc.ltp(market, { exchange: 'NSE', symboltoken: '' }), 'AB4018');
    rejected(svc.ltp(market, { exchange: 'NSE' }), 'AB4018');
    rejected(svc.ltp(market, { exchange: 'NSE', symboltoken: '999999' }), 'AB1009');
    rejected(svc.ltp(market, { exchange: 'NSE', symboltoken: { a: 1 } }), 'AB1018');
    rejected(svc.ltp(market, { exchange: 'NSE', symboltoken: '3045', tradingsymbol: 5 }), 'AB1018');
  });
});

describe('quote', () => {
  it('FULL mode matches the market quote', () => {
    const d = okData(
      svc.quote(market, { mode: 'FULL', exchangeTokens: { NSE: ['3045', '99926000', '424242', ''] } }),
    );
    assert.equal(d.fetched.length, 2);
    assert.deepEqual(
      d.unfetched.map((u) => u.errorCode),
      ['AB1009', 'AB4018'],
    );
    const row = d.fetched[0] as import('@smartapi-ts/protocol').QuoteFull;
    const q = market.quote('NSE', '3045')!;
    assert.equal(row.ltp, q.ltp / 100);
    assert.equal(row.tradeVolume, q.volume);
    assert.equal(row.depth.buy.length, 5);
    assert.equal(row.depth.buy[0]!.price, q.bids[0]!.price / 100);
    assert.match(row.exchFeedTime, /^\d{2}-[A-Z][a-z]{2}-\d{4} \d{2}:\d{2}:\d{2}$/);
    assert.equal(row.netChange, (q.ltp - q.close) / 100);
    assert.equal(typeof row['52WeekHigh'], 'number');
  });
  it('LTP and OHLC modes carry only their fields', () => {
    const l = okData(svc.quote(market, { mode: 'LTP', exchangeTokens: { NSE: ['3045'] } }));
    assert.deepEqual(Object.keys(l.fetched[0]!).sort(), ['exchange', 'ltp', 'symbolToken', 'tradingSymbol']);
    const o = okData(svc.quote(market, { mode: 'ohlc', exchangeTokens: { NSE: ['3045'], BSE: ['500112'] } }));
    assert.equal(o.fetched.length, 2);
    assert.ok('close' in o.fetched[0]! && !('depth' in o.fetched[0]!));
  });
  it('rejects bad input and more than 50 tokens', () => {
    for (const b of BAD_BODIES) rejected(svc.quote(market, b), 'AB1018');
    rejected(svc.quote(market, { mode: 'BOTH', exchangeTokens: { NSE: ['3045'] } }), 'AB1018');
    rejected(svc.quote(market, { mode: 'LTP', exchangeTokens: { MARS: ['3045'] } }), 'AB1018');
    rejected(svc.quote(market, { mode: 'LTP', exchangeTokens: { NSE: '3045' } }), 'AB1018');
    rejected(svc.quote(market, { mode: 'LTP', exchangeTokens: { NSE: [{}] } }), 'AB1018');
    const many = Array.from({ length: 51 }, (_, i) => String(i + 1));
    rejected(svc.quote(market, { mode: 'LTP', exchangeTokens: { NSE: many } }), 'AB1018');
  });
});

describe('getCandleData / getOIData', () => {
  it('returns venue rows', () => {
    const rows = okData(
      svc.candles(market, {
        exchange: 'NSE',
        symboltoken: '3045',
        interval: 'FIFTEEN_MINUTE',
        fromdate: '2026-01-05 09:15',
        todate: '2026-01-05 15:30',
      }),
    );
    assert.equal(rows.length, 25);
    assert.equal(rows[0]![0], '2026-01-05T09:15:00+05:30');
    for (const r of rows) {
      assert.equal(r.length, 6);
      assert.ok(r[2] >= r[1] && r[3] <= r[4] && Number.isInteger(r[5]));
    }
    const daily = okData(
      svc.candles(market, {
        exchange: 'NSE',
        symboltoken: '3045',
        interval: 'ONE_DAY',
        fromdate: '2025-12-01 00:00',
        todate: '2026-01-06 15:30',
      }),
    );
    assert.equal(daily.at(-1)![0], '2026-01-06T00:00:00+05:30');
  });
  it('answers every interval with bars aligned to the interval over a full session', () => {
    for (const [interval, minutes] of Object.entries(INTERVAL_MINUTES)) {
      if (minutes >= 1440) continue; // ONE_DAY is checked above
      const rows = okData(
        svc.candles(market, {
          exchange: 'NSE',
          symboltoken: '3045',
          interval,
          fromdate: '2026-01-05 09:15',
          todate: '2026-01-05 15:29',
        }),
      );
      assert.equal(rows.length, Math.ceil(375 / minutes), interval);
      for (const [i, r] of rows.entries()) {
        const mins = 9 * 60 + 15 + i * minutes;
        const hhmm = `${String(Math.floor(mins / 60)).padStart(2, '0')}:${String(mins % 60).padStart(2, '0')}`;
        assert.equal(r[0], `2026-01-05T${hhmm}:00+05:30`, interval);
      }
    }
  });
  it('validates interval, dates and span', () => {
    const base = {
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_MINUTE',
      fromdate: '2026-01-05 09:15',
      todate: '2026-01-05 10:15',
    };
    okData(svc.candles(market, base));
    rejected(svc.candles(market, { ...base, interval: 'TWO_MINUTE' }), 'AB1018');
    rejected(svc.candles(market, { ...base, fromdate: '2026/01/05 09:15' }), 'AB1018');
    rejected(svc.candles(market, { ...base, fromdate: '2026-02-30 09:15' }), 'AB1018');
    rejected(svc.candles(market, { ...base, todate: '2026-01-05 25:00' }), 'AB1018');
    rejected(svc.candles(market, { ...base, fromdate: '2026-01-05 11:00' }), 'AB1018');
    rejected(svc.candles(market, { ...base, fromdate: '2025-11-01 09:15' }), 'AB1018');
    rejected(svc.candles(market, { ...base, symboltoken: '1' }), 'AB1009');
    rejected(svc.candles(market, { ...base, interval: 5 }), 'AB1018');
  });
  it('OI data only for derivatives', () => {
    const fut = market.instruments().find((i) => i.instrumentType === 'FUTIDX')!;
    const rows = okData(
      svc.oiData(market, {
        exchange: 'NFO',
        symboltoken: fut.token,
        interval: 'ONE_HOUR',
        fromdate: '2026-01-05 09:15',
        todate: '2026-01-05 15:30',
      }),
    );
    assert.equal(rows.length, 7);
    assert.ok(rows.every((r) => r.oi > 0 && r.time.endsWith('+05:30')));
    rejected(
      svc.oiData(market, {
        exchange: 'NSE',
        symboltoken: '3045',
        interval: 'ONE_HOUR',
        fromdate: '2026-01-05 09:15',
        todate: '2026-01-05 15:30',
      }),
      'AB1018',
    );
  });
});

describe('searchScrip', () => {
  it('finds by text, prefix matches first', () => {
    const rows = okData(svc.searchScrip(market, { exchange: 'NSE', searchscrip: 'sbin' }));
    assert.deepEqual(rows[0], { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' });
    assert.deepEqual(okData(svc.searchScrip(market, { exchange: 'NSE', searchscrip: 'NOSUCHTHING' })), []);
    assert.ok(okData(svc.searchScrip(market, { exchange: 'NFO', searchscrip: 'BANKNIFTY' })).length > 100);
  });
  it('rejects bad input', () => {
    rejected(svc.searchScrip(market, { exchange: 'NSE', searchscrip: '' }), 'AB1018');
    rejected(svc.searchScrip(market, { exchange: 'NSE' }), 'AB1018');
    rejected(svc.searchScrip(market, { exchange: 'MOON', searchscrip: 'SBIN' }), 'AB1018');
    rejected(svc.searchScrip(market, null), 'AB1018');
  });
});

describe('optionGreek', () => {
  it('computes greeks consistent with the model', () => {
    const rows = okData(svc.optionGreek(market, { name: 'NIFTY', expirydate: '27JAN2026' }));
    assert.ok(rows.length > 40);
    const spot = market.quote('NSE', '99926000')!.ltp / 100;
    const atm = rows.filter((r) => Math.abs(Number(r.strikePrice) - spot) < 30);
    assert.ok(atm.length >= 2);
    for (const r of rows) {
      assert.match(r.delta, /^-?\d+\.\d{6}$/);
      assert.match(r.tradeVolume, /^\d+\.\d{2}$/);
      assert.equal(r.expiry, '27JAN2026');
      if (r.optionType === 'CE') assert.ok(Number(r.delta) >= 0 && Number(r.delta) <= 1);
      else assert.ok(Number(r.delta) <= 0 && Number(r.delta) >= -1);
    }
    const ce = atm.find((r) => r.optionType === 'CE')!;
    assert.ok(Math.abs(Number(ce.delta) - 0.5) < 0.1);
    assert.ok(Number(ce.impliedVolatility) > 8 && Number(ce.impliedVolatility) < 25);
    assert.ok(Number(ce.theta) < 0 && Number(ce.gamma) > 0 && Number(ce.vega) > 0);
  });
  it('rejects bad input and unknown contracts', () => {
    rejected(svc.optionGreek(market, { name: 'NIFTY', expirydate: '2026-01-27' }), 'AB1018');
    rejected(svc.optionGreek(market, { name: '', expirydate: '27JAN2026' }), 'AB1018');
    rejected(svc.optionGreek(market, { name: 'NIFTY', expirydate: '28JAN2026' }), 'AB1009');
  });
});

describe('analytics', () => {
  it('gainersLosers price and OI types', () => {
    const g = okData(svc.gainersLosers(market, { datatype: 'PercPriceGainers', expirytype: 'NEAR' }));
    assert.ok(g.length > 0 && g.length <= 10);
    for (let i = 1; i < g.length; i++) assert.ok(g[i]!.percentChange <= g[i - 1]!.percentChange);
    assert.ok(
      g.every(
        (r) =>
          r.tradingSymbol.endsWith('FUT') && typeof r.ltp === 'number' && typeof r.symbolToken === 'number',
      ),
    );
    const l = okData(svc.gainersLosers(market, { datatype: 'PercOILosers', expirytype: 'FAR' }));
    for (let i = 1; i < l.length; i++) assert.ok(l[i]!.percentChange >= l[i - 1]!.percentChange);
    assert.ok(
      l.every((r) => typeof r.opnInterest === 'number' && typeof r.netChangeOpnInterest === 'number'),
    );
    rejected(svc.gainersLosers(market, { datatype: 'Gainers', expirytype: 'NEAR' }), 'AB1018');
    rejected(svc.gainersLosers(market, { datatype: 'PercOIGainers', expirytype: 'SOON' }), 'AB1018');
  });
  it('putCallRatio per underlying', () => {
    const rows = okData(svc.putCallRatio(market));
    const nifty = rows.find((r) => r.tradingSymbol.startsWith('NIFTY'))!;
    assert.ok(nifty.pcr > 0);
    assert.match(nifty.tradingSymbol, /^NIFTY\d{2}[A-Z]{3}\d{2}FUT$/);
  });
  it('OIBuildup classifies by price and OI change', () => {
    const all = ['Long Built Up', 'Short Built Up', 'Short Covering', 'Long Unwinding'].flatMap((dt) =>
      okData(svc.oiBuildup(market, { datatype: dt, expirytype: 'NEAR' })).map((r) => ({ dt, r })),
    );
    assert.ok(all.length > 0);
    for (const { dt, r } of all) {
      assert.equal(typeof r.ltp, 'string');
      const up = Number(r.netChange) > 0;
      const oiUp = Number(r.netChangeOpnInterest) > 0;
      assert.equal(
        dt,
        up ? (oiUp ? 'Long Built Up' : 'Short Covering') : oiUp ? 'Short Built Up' : 'Long Unwinding',
      );
    }
    rejected(svc.oiBuildup(market, { datatype: 'Long  Built Up', expirytype: 'NEAR' }), 'AB1018');
  });
  it('intraday lists and cautionary scrips', () => {
    const nse = okData(svc.nseIntraday(market, intradayLeverage));
    assert.deepEqual(
      nse.find((r) => r.SymbolName === 'SBIN'),
      { exchange: 'NSE', SymbolName: 'SBIN', Multiplier: '5.0' },
    );
    assert.equal(nse.find((r) => r.SymbolName === 'SUZLON')?.Multiplier, '4.0');
    assert.ok(okData(svc.bseIntraday(market, intradayLeverage)).every((r) => r.exchange === 'BSE'));
    assert.deepEqual(okData(svc.cautionaryScrips(market)), []);
  });
});
