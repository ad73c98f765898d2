/**
 * The replay source without HTTP: data files (both formats; every malformed case names file and
 * line), the path inside a bar (a property: every price in range, every extreme reached), and the
 * market on a manual clock (quotes in the bar's range, candles equal to the recorded bars, the finest
 * file wins, --to clips, snapshots restore the same quotes).
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, describe, test } from 'node:test';
import { propertyOptions } from '@smartapi-ts/testkit';
import fc from 'fast-check';
import { TradingCalendar } from '../src/market/calendar.js';
import type { SimClock } from '../src/market/clock.js';
import {
  createReplayMarket,
  parseCandleCsv,
  parseCandleJson,
  ReplayDataError,
  type ReplayMarket,
  readCandleDir,
} from '../src/market/sources/replay/index.js';
import { barPath, priceOnPath, rangeSoFar } from '../src/market/sources/replay/path.js';
import type { Candle } from '../src/market/types.js';
import { buildUniverse } from '../src/market/universe.js';
import { barAt, dayBars, type Row, tempDir, writeCsv, writeJson } from './replay-helpers.js';

const DAY = '2026-11-20';
const dirs: string[] = [];
after(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function dir(): string {
  const d = tempDir();
  dirs.push(d);
  return d;
}

function market(data: string, extra: { to?: string; from?: string } = {}) {
  return createReplayMarket({
    data,
    manual: true,
    speed: 1,
    seed: 7,
    ...extra,
    universe: (start, calendar) => buildUniverse({ date: start, seed: 1, calendar }),
  });
}

const clockOf = (m: ReplayMarket) => m.clock as SimClock;
const paise = (rupees: number) => Math.round(rupees * 100);

describe('replay data files', () => {
  test('JSON and CSV parse to the same bars (paise, epoch ms)', () => {
    const rows = dayBars(DAY, 800, 1, 5);
    const d = dir();
    const a = parseCandleJson(
      'a.json',
      JSON.stringify({ status: true, message: 'SUCCESS', errorcode: '', data: rows }),
    );
    const b = parseCandleCsv(
      'b.csv',
      `time,open,high,low,close,volume\n${rows.map((r) => r.join(',')).join('\n')}\n`,
    );
    assert.deepEqual(a, b);
    assert.equal(a.length, 5);
    assert.equal(a[0]?.time, Date.parse(`${DAY}T09:15:00+05:30`));
    assert.equal(a[0]?.open, paise(rows[0]?.[1] ?? 0));
    writeJson(d, 'NSE', '3045', rows);
    const s = readCandleDir(d);
    assert.equal(s.length, 1);
    assert.equal(s[0]?.intervalMs, 60_000);
  });

  test('malformed files: the error names the file and the line', () => {
    const cases: [string, string, RegExp][] = [
      ['NSE-3045.csv', 'time,open,high,low,close\n', /NSE-3045\.csv:1: expected the header/],
      [
        'NSE-3045.csv',
        `time,open,high,low,close,volume\n${DAY}T09:15:00+05:30,1,2,1,1,10\n${DAY}T09:16:00,1,2,1,1,10\n`,
        /NSE-3045\.csv:3: bad time/,
      ],
      [
        'NSE-3045.csv',
        `time,open,high,low,close,volume\n${DAY}T09:15:00+05:30,1,2,1,1,10\n\n${DAY}T09:16:00+05:30,5,2,1,1,10\n`,
        /NSE-3045\.csv:4: inconsistent bar/,
      ],
      [
        'NSE-3045.csv',
        `time,open,high,low,close,volume\n${DAY}T09:15:00+05:30,1,2,1,1,-3\n`,
        /NSE-3045\.csv:2: bad volume/,
      ],
      [
        'NSE-3045.json',
        `{"status":true,"data":[\n["${DAY}T09:15:00+05:30",1,2,1,1,10],\n["${DAY}T09:16:00+05:30",1,"x",1,1,10]\n]}`,
        /NSE-3045\.json:3: bad high/,
      ],
      ['NSE-3045.json', '{"status":true,"data":[\n["a",1,2\n', /NSE-3045\.json:\d+: not JSON/],
      [
        'NSE-3045.json',
        '{"status":false,"message":"x","data":null}',
        /NSE-3045\.json: expected a getCandleData answer/,
      ],
      [
        'NSE-3045.csv',
        `time,open,high,low,close,volume\n${DAY}T09:16:00+05:30,1,2,1,1,10\n${DAY}T09:15:00+05:30,1,2,1,1,10\n`,
        /NSE-3045\.csv: bar 2 .* not after bar 1/,
      ],
      ['XYZ-1.csv', 'time,open,high,low,close,volume\n', /XYZ-1\.csv: unknown exchange XYZ/],
    ];
    for (const [name, text, re] of cases) {
      const d = dir();
      writeFileSync(join(d, name), text);
      assert.throws(
        () => market(d),
        (err: unknown) => err instanceof ReplayDataError && re.test(err.message),
        `${name}: ${text.slice(0, 60)}`,
      );
    }
  });

  test('a file of an instrument the universe does not have is refused; an empty directory too', () => {
    const d = dir();
    writeJson(d, 'NSE', '999999', dayBars(DAY, 100, 1, 3));
    assert.throws(() => market(d), /NSE-999999\.json: no instrument NSE 999999/);
    assert.throws(() => market(dir()), /no data files/);
  });
});

describe('path inside a bar', () => {
  test('every price lies in [low, high] on the tick grid; the extremes and the close are reached', (t) => {
    const bar = fc
      .tuple(
        fc.integer({ min: 100, max: 10_000_000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 5000 }),
        fc.integer({ min: 0, max: 4 }),
      )
      .map(([low, up, closeUp, k]): Candle => {
        const tick = 5;
        const lo = Math.ceil(low / tick) * tick;
        const hi = lo + Math.floor(up / tick) * tick;
        const open = Math.min(hi, lo + Math.floor(((hi - lo) * k) / 4 / tick) * tick);
        const close = Math.min(hi, lo + Math.floor(closeUp / tick) * tick);
        return { time: 0, open, high: hi, low: lo, close, volume: 100, oi: 0 };
      });
    fc.assert(
      fc.property(bar, fc.integer(), fc.integer({ min: 0, max: 1000 }), (c, seed, idx) => {
        const p = barPath(seed, 'NSE:3045', idx, c);
        const extremes = [priceOnPath(p, p.a, c, 5), priceOnPath(p, p.b, c, 5)].sort((x, y) => x - y);
        assert.deepEqual(extremes, [c.low, c.high]);
        for (let i = 0; i <= 200; i++) {
          const f = i / 200;
          const v = priceOnPath(p, f, c, 5);
          assert.ok(v >= c.low && v <= c.high && v % 5 === 0, `${v} at ${f}`);
          const r = rangeSoFar(p, f, c, 5);
          assert.ok(r.low >= c.low && r.high <= c.high && r.low <= v && v <= r.high);
        }
        assert.equal(priceOnPath(p, 0, c, 5), c.open);
        assert.equal(priceOnPath(p, 1, c, 5), c.close);
      }),
      propertyOptions(t, { numRuns: 300 }),
    );
  });
});

describe('replay market on a manual clock', () => {
  const rows = dayBars(DAY, 812.4, 3);
  const d = dir();
  writeJson(d, 'NSE', '3045', rows);
  // A daily file of the same instrument: the 1-minute file is finer and wins.
  writeCsv(d, 'NSE', '3045', [[`${DAY}T00:00:00+05:30`, 800, 900, 700, 850, 1]] as Row[]);

  test('starts at the first bar; quotes stay in the bar of their time; volume follows the bars', () => {
    const m = market(d);
    const start = Date.parse(`${DAY}T09:15:00+05:30`);
    assert.equal(m.now(), start);
    assert.equal(m.session('NSE'), 'open');
    let q = m.quote('NSE', '3045');
    assert.equal(q?.ltp, paise(rows[0]?.[1] ?? 0));
    let cumulative = 0;
    let prevVolume = 0;
    for (let step = 0; step < 375 * 4; step++) {
      clockOf(m).advance(15_000);
      q = m.quote('NSE', '3045');
      assert.ok(q);
      const t = m.now();
      const row = barAt(rows, t) ?? rows[rows.length - 1];
      assert.ok(row);
      assert.ok(
        q.ltp >= paise(row[3]) && q.ltp <= paise(row[2]),
        `ltp ${q.ltp} at ${new Date(t).toISOString()}`,
      );
      for (const l of [...q.bids, ...q.asks])
        if (l.quantity > 0) assert.ok(l.price >= paise(row[3]) && l.price <= paise(row[2]));
      assert.ok(q.volume >= prevVolume);
      prevVolume = q.volume;
    }
    for (const r of rows) cumulative += r[5];
    assert.equal(q?.volume, cumulative);
    assert.equal(q?.ltp, paise(rows[rows.length - 1]?.[4] ?? 0));
    assert.equal(q?.high, Math.max(...rows.map((r) => paise(r[2]))));
    assert.equal(q?.low, Math.min(...rows.map((r) => paise(r[3]))));
    m.close();
  });

  test('candles() of the day equal the recorded bars exactly; coarser intervals aggregate them', () => {
    const m = market(d);
    clockOf(m).advance(7 * 3_600_000);
    const from = Date.parse(`${DAY}T09:15:00+05:30`);
    const to = Date.parse(`${DAY}T15:29:00+05:30`);
    const got = m.candles('NSE', '3045', 1, from, to);
    assert.deepEqual(
      got.map((c) => [c.time, c.open, c.high, c.low, c.close, c.volume]),
      rows.map((r) => [Date.parse(r[0]), paise(r[1]), paise(r[2]), paise(r[3]), paise(r[4]), r[5]]),
    );
    const five = m.candles('NSE', '3045', 5, from, to);
    assert.equal(five.length, 75);
    assert.equal(five[0]?.high, Math.max(...rows.slice(0, 5).map((r) => paise(r[2]))));
    assert.equal(
      five[0]?.volume,
      rows.slice(0, 5).reduce((s, r) => s + r[5], 0),
    );
    const daily = m.candles('NSE', '3045', 1440, from, to);
    assert.equal(daily.length, 1);
    assert.equal(daily[0]?.close, paise(rows[rows.length - 1]?.[4] ?? 0));
    m.close();
  });

  test('mid-day: no bars after now; the bar in progress is cut at now and stays in range', () => {
    const m = market(d);
    clockOf(m).advance(30 * 60_000 + 20_000);
    const bars = m.candles('NSE', '3045', 1, 0, Number.MAX_SAFE_INTEGER);
    assert.equal(bars.length, 31);
    const last = bars[30];
    const row = rows[30];
    assert.ok(last && row);
    assert.ok(last.high <= paise(row[2]) && last.low >= paise(row[3]) && last.volume < row[5]);
    assert.equal(last.close, m.quote('NSE', '3045')?.ltp);
    m.close();
  });

  test('--to drops later days; --from starts the clock on that day', () => {
    const d2 = dir();
    writeJson(d2, 'NSE', '3045', [...dayBars('2026-11-19', 800, 1, 10), ...dayBars(DAY, 810, 2, 10)]);
    const a = market(d2, { to: '2026-11-19' });
    assert.equal(a.now(), Date.parse('2026-11-19T09:15:00+05:30'));
    assert.equal(a.candles('NSE', '3045', 1, 0, Number.MAX_SAFE_INTEGER).length, 1);
    clockOf(a).advance(7 * 86_400_000);
    assert.equal(a.candles('NSE', '3045', 1, 0, Number.MAX_SAFE_INTEGER).length, 10);
    a.close();
    const b = market(d2, { from: DAY });
    assert.equal(b.now(), Date.parse(`${DAY}T09:15:00+05:30`));
    // the previous day is history: its bars are served and its close is the quote's previous close
    assert.equal(b.candles('NSE', '3045', 1, 0, Number.MAX_SAFE_INTEGER).length, 11);
    assert.equal(b.quote('NSE', '3045')?.close, paise(dayBars('2026-11-19', 800, 1, 10)[9]?.[4] ?? 0));
    b.close();
  });

  test('instruments without data have no quote; exportState/importState restore the same quotes', () => {
    const m = market(d);
    assert.equal(m.quote('NSE', '2885'), undefined);
    clockOf(m).advance(600_000);
    const state = m.exportState();
    const q1 = m.quote('NSE', '3045');
    clockOf(m).advance(600_000);
    assert.notDeepEqual(m.quote('NSE', '3045'), q1);
    clockOf(m).setTime(q1?.timestamp ?? 0);
    m.importState(structuredClone(state));
    assert.deepEqual(m.quote('NSE', '3045'), q1);
    assert.throws(
      () => m.checkState({ kind: 'replay', simTime: 0, seqs: { 'NSE:1': 1 }, tickCursor: 0 }),
      /no replay data/,
    );
    m.close();
  });

  test('the calendar opens every day with data, even a holiday', () => {
    const cal = new TradingCalendar();
    const d3 = dir();
    writeJson(d3, 'NSE', '3045', dayBars('2026-11-22', 800, 1, 3)); // a Sunday
    const m = market(d3);
    assert.equal(cal.isTradingDay(m.now()), false);
    assert.equal(m.session('NSE'), 'open');
    m.close();
  });
});
