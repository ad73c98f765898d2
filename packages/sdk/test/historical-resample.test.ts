import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatIstIso, parseIstDateTime } from '@smartapi-ts/protocol';
import { type Candle, parseResampleTarget, resample, resampleOi } from '../src/historical/index.js';

const MIN = 60_000;
const ist = (s: string) => parseIstDateTime(s)!;
const iso = (d: Date) => formatIstIso(d.getTime()).slice(0, 16).replace('T', ' ');

/** 1-minute candles 09:15–15:29 IST of one day; open = minute index, high = open + 1, low = open − 1. */
function day(date: string): Candle[] {
  const out: Candle[] = [];
  const start = ist(`${date} 09:15`);
  for (let i = 0; i < 375; i++) {
    out.push({
      time: new Date(start + i * MIN),
      open: i,
      high: i + 1,
      low: i - 1,
      close: i + 0.5,
      volume: 1,
    });
  }
  return out;
}

test('parseResampleTarget understands venue intervals and shorthand', () => {
  assert.deepEqual(parseResampleTarget('2h'), { unit: 'minute', size: 120 });
  assert.deepEqual(parseResampleTarget('75m'), { unit: 'minute', size: 75 });
  assert.deepEqual(parseResampleTarget('ONE_HOUR'), { unit: 'minute', size: 60 });
  assert.deepEqual(parseResampleTarget('ONE_DAY'), { unit: 'day', size: 1 });
  assert.deepEqual(parseResampleTarget('1w'), { unit: 'week', size: 1 });
  assert.deepEqual(parseResampleTarget('1M'), { unit: 'month', size: 1 });
  assert.deepEqual(parseResampleTarget(45), { unit: 'minute', size: 45 });
  assert.throws(() => parseResampleTarget('2x'), RangeError);
  assert.throws(() => parseResampleTarget('0h'), RangeError);
  assert.throws(() => parseResampleTarget(-5), RangeError);
});

test('2h and 4h buckets align to the 09:15 IST session open', () => {
  const bars = resample(day('2024-01-02'), '2h');
  assert.deepEqual(
    bars.map((b) => iso(b.time)),
    ['2024-01-02 09:15', '2024-01-02 11:15', '2024-01-02 13:15', '2024-01-02 15:15'],
  );
  assert.deepEqual(bars[0], { time: bars[0]!.time, open: 0, high: 120, low: -1, close: 119.5, volume: 120 });
  assert.deepEqual(bars[3], {
    time: bars[3]!.time,
    open: 360,
    high: 375,
    low: 359,
    close: 374.5,
    volume: 15,
  });
  const four = resample(day('2024-01-02'), '4h');
  assert.deepEqual(
    four.map((b) => [iso(b.time), b.volume]),
    [
      ['2024-01-02 09:15', 240],
      ['2024-01-02 13:15', 135],
    ],
  );
  const hour = resample(day('2024-01-02'), 'ONE_HOUR');
  assert.equal(hour.length, 7);
  assert.equal(iso(hour[6]!.time), '2024-01-02 15:15');
  // MCX-style session: 09:00 alignment
  const mcx = resample(day('2024-01-02'), '1h', { sessionStart: '09:00' });
  assert.equal(iso(mcx[0]!.time), '2024-01-02 09:00');
  assert.equal(mcx[0]!.volume, 45);
});

test('daily, weekly and monthly buckets (IST calendar), unsorted input', () => {
  const week1 = ['2024-01-01', '2024-01-02', '2024-01-03', '2024-01-04', '2024-01-05'].flatMap(day);
  const week2 = ['2024-01-08', '2024-01-09'].flatMap(day);
  const feb = day('2024-02-01');
  const all = [...feb, ...week2, ...week1].reverse(); // out of order on purpose
  const daily = resample(all, '1d');
  assert.equal(daily.length, 8);
  assert.equal(formatIstIso(daily[0]!.time.getTime()), '2024-01-01T00:00:00+05:30');
  assert.deepEqual(
    {
      open: daily[0]!.open,
      high: daily[0]!.high,
      low: daily[0]!.low,
      close: daily[0]!.close,
      volume: daily[0]!.volume,
    },
    { open: 0, high: 375, low: -1, close: 374.5, volume: 375 },
  );
  const weekly = resample(all, '1w');
  assert.deepEqual(
    weekly.map((b) => [iso(b.time), b.volume]),
    [
      ['2024-01-01 00:00', 375 * 5],
      ['2024-01-08 00:00', 375 * 2],
      ['2024-01-29 00:00', 375],
    ],
    'weeks start Monday 00:00 IST',
  );
  const monthly = resample(all, '1M');
  assert.deepEqual(
    monthly.map((b) => [iso(b.time), b.volume]),
    [
      ['2024-01-01 00:00', 375 * 7],
      ['2024-02-01 00:00', 375],
    ],
  );
  // Resampling daily candles (venue timestamps 00:00 IST) to weeks works the same.
  assert.deepEqual(
    resample(daily, '1w').map((b) => b.volume),
    [375 * 5, 375 * 2, 375],
  );
  assert.deepEqual(resample([], '2h'), []);
});

test('resampleOi keeps the last value per bucket', () => {
  const pts = [
    { time: new Date(ist('2024-01-02 09:15')), oi: 100 },
    { time: new Date(ist('2024-01-02 10:00')), oi: 150 },
    { time: new Date(ist('2024-01-02 11:15')), oi: 90 },
    { time: new Date(ist('2024-01-02 11:30')), oi: 95 },
  ];
  assert.deepEqual(
    resampleOi(pts, '2h').map((p) => [iso(p.time), p.oi]),
    [
      ['2024-01-02 09:15', 150],
      ['2024-01-02 11:15', 95],
    ],
  );
});
