import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type CandleRequest,
  type CandleRow,
  formatIstIso,
  INTERVAL_MAX_DAYS,
  type Interval,
  type OiDataPoint,
  parseIstDateTime,
} from '@smartapi-ts/protocol';
import { AbortError, apiErrorFromCode, InputError, RateLimitError } from '../src/errors.js';
import {
  fetchCandles,
  fetchOi,
  HistoricalData,
  iterateCandles,
  Pacer,
  splitRange,
  toCandle,
} from '../src/historical/index.js';

const MIN = 60_000;
const DAY = 86_400_000;
const ist = (s: string) => parseIstDateTime(s)!;

/** Virtual time: sleep advances the clock instantly. */
function virtualClock(start = ist('2024-07-01 09:00')) {
  const c = {
    now: start,
    sleeps: [] as number[],
    clock: () => c.now,
    sleep: async (ms: number) => {
      c.sleeps.push(ms);
      c.now += ms;
    },
  };
  return c;
}

/**
 * A fake venue: 1-minute bars 09:15–15:29 IST on weekdays, bar value derived from its time. Like a lenient
 * server, it also returns the bar just before `fromdate` (so chunk edges overlap) and refuses spans longer
 * than the interval's maximum.
 */
function fakeVenue(opts: { failFirst?: number; code?: string } = {}) {
  const calls: CandleRequest[] = [];
  let failures = opts.failFirst ?? 0;
  const source = {
    calls,
    async candles(p: CandleRequest): Promise<CandleRow[]> {
      calls.push(p);
      if (failures > 0) {
        failures--;
        throw apiErrorFromCode({
          code: opts.code ?? 'AB1004',
          message: 'x',
          httpStatus: 200,
          route: 'getCandleData',
        });
      }
      const from = ist(p.fromdate);
      const to = ist(p.todate);
      assert.ok(to - from <= INTERVAL_MAX_DAYS[p.interval] * DAY, 'span within the venue maximum');
      const out: CandleRow[] = [];
      for (let t = from - MIN; t <= to; t += MIN) {
        const d = new Date(t + 19_800_000);
        const mod = d.getUTCHours() * 60 + d.getUTCMinutes();
        if (d.getUTCDay() === 0 || d.getUTCDay() === 6 || mod < 555 || mod > 929) continue;
        const v = (t / MIN) % 1000;
        out.push([formatIstIso(t), v, v + 2, v - 1, v + 1, 10]);
      }
      // the venue answers in order, but be robust to any order
      return out.reverse();
    },
    async oiData(p: CandleRequest): Promise<OiDataPoint[]> {
      calls.push(p);
      const from = ist(p.fromdate);
      const to = ist(p.todate);
      const out: OiDataPoint[] = [];
      for (let t = from - 3 * MIN; t <= to; t += 3 * MIN) out.push({ time: formatIstIso(t), oi: t / MIN });
      return out;
    },
  };
  return source;
}

test('splitRange: windows of the interval maximum, contiguous, inclusive ends', () => {
  const intervals: Interval[] = [
    'ONE_MINUTE',
    'THREE_MINUTE',
    'FIVE_MINUTE',
    'TEN_MINUTE',
    'FIFTEEN_MINUTE',
    'THIRTY_MINUTE',
    'ONE_HOUR',
    'ONE_DAY',
  ];
  const from = ist('2015-01-01 09:15');
  const to = ist('2024-06-28 15:30');
  for (const iv of intervals) {
    const chunks = splitRange(from, to, iv);
    const max = INTERVAL_MAX_DAYS[iv] * DAY;
    assert.equal(chunks[0]!.from, from);
    assert.equal(chunks.at(-1)!.to, to);
    assert.equal(chunks.length, Math.ceil((to - from + MIN) / (max + MIN)), iv);
    for (let i = 0; i < chunks.length; i++) {
      const c = chunks[i]!;
      assert.ok(c.to - c.from <= max, `${iv} window ${i} too long`);
      assert.ok(c.to >= c.from);
      if (i > 0) assert.equal(c.from, chunks[i - 1]!.to + MIN, 'next window starts one minute later');
      assert.equal(ist(c.fromdate), c.from);
      assert.equal(ist(c.todate), c.to);
    }
  }
  const one = splitRange('2024-01-01 09:15', '2024-01-31 09:15', 'ONE_MINUTE');
  assert.deepEqual(
    one.map((c) => [c.fromdate, c.todate]),
    [['2024-01-01 09:15', '2024-01-31 09:15']],
    'exactly 30 days fits one request',
  );
  assert.equal(splitRange('2024-01-01 09:15', '2024-01-31 09:16', 'ONE_MINUTE').length, 2);
  assert.deepEqual(
    splitRange(new Date(ist('2024-01-01 10:00') + 59_999), ist('2024-01-01 10:00'), 'ONE_DAY').length,
    1,
  );
  assert.throws(() => splitRange('2024-02-01', '2024-01-01', 'ONE_DAY'), RangeError);
  assert.throws(() => splitRange('yesterday', '2024-01-01', 'ONE_DAY'), RangeError);
  assert.equal(splitRange('2024-01-01', '2024-01-10', 'ONE_DAY', 2).length, 5, 'maxDays override');
});

test('iterateCandles merges windows oldest-first without chunk-edge duplicates', async () => {
  const venue = fakeVenue();
  const v = virtualClock();
  const q = {
    exchange: 'NSE',
    symboltoken: '3045',
    interval: 'ONE_MINUTE',
    from: '2024-01-01 09:15',
    to: '2024-03-15 15:29',
  } as const;
  const progress: number[] = [];
  const got = await fetchCandles(venue, q, {
    now: v.clock,
    sleep: v.sleep,
    onProgress: (p) => progress.push(p.done),
  });
  assert.equal(venue.calls.length, 3, '75 days of 1-minute data = 3 requests');
  assert.deepEqual(progress, [1, 2, 3]);
  assert.deepEqual(
    venue.calls.map((c) => c.fromdate),
    ['2024-01-01 09:15', '2024-01-31 09:16', '2024-03-01 09:17'],
  );
  // Expected: every weekday minute 09:15..15:29 between the bounds.
  let expected = 0;
  for (let t = ist('2024-01-01 09:15'); t <= ist('2024-03-15 15:29'); t += MIN) {
    const d = new Date(t + 19_800_000);
    const mod = d.getUTCHours() * 60 + d.getUTCMinutes();
    if (d.getUTCDay() !== 0 && d.getUTCDay() !== 6 && mod >= 555 && mod <= 929) expected++;
  }
  assert.equal(got.length, expected);
  for (let i = 1; i < got.length; i++) assert.ok(got[i]!.time > got[i - 1]!.time, 'strictly increasing');
  const first = got[0]!;
  assert.equal(first.time.getTime(), ist('2024-01-01 09:15'));
  assert.equal(first.high - first.open, 2);
  assert.equal(first.volume, 10);

  // The iterator form yields the same sequence lazily.
  const venue2 = fakeVenue();
  let n = 0;
  for await (const c of iterateCandles(venue2, q, { now: v.clock, sleep: v.sleep })) {
    assert.equal(c.time.getTime(), got[n]!.time.getTime());
    if (++n === 10) break;
  }
  assert.equal(venue2.calls.length, 1, 'stopping early sends no further requests');
});

test('AB1004 and rate-limit answers are retried with exponential backoff; others are not', async () => {
  const v = virtualClock();
  const venue = fakeVenue({ failFirst: 3 });
  const q = {
    exchange: 'NSE',
    symboltoken: '3045',
    interval: 'ONE_DAY',
    from: '2024-01-01',
    to: '2024-01-31',
  } as const;
  const got = await fetchCandles(venue, q, { now: v.clock, sleep: v.sleep, pace: false, backoffMs: 500 });
  assert.ok(got.length > 0);
  assert.deepEqual(v.sleeps, [500, 1000, 2000]);
  assert.equal(venue.calls.length, 4);

  const base = fakeVenue();
  let first = true;
  const rate = {
    candles: async (p: CandleRequest) => {
      if (first) {
        first = false;
        // the venue's rate-limit answer (HTTP 403), as the client classifies it
        throw new RateLimitError({
          code: '',
          message: 'Access denied',
          httpStatus: 403,
          route: 'getCandleData',
          retryAfter: 3,
        });
      }
      return base.candles(p);
    },
  };
  const v2 = virtualClock();
  await fetchCandles(rate, q, { now: v2.clock, sleep: v2.sleep, pace: false });
  assert.deepEqual(v2.sleeps, [3000], 'Retry-After (s) wins over a shorter backoff');

  const bad = fakeVenue({ failFirst: 1, code: 'AB1009' });
  await assert.rejects(fetchCandles(bad, q, { now: v.clock, sleep: v.sleep, pace: false }), InputError);
  assert.equal(bad.calls.length, 1);

  const always = fakeVenue({ failFirst: 100 });
  const v3 = virtualClock();
  await assert.rejects(
    fetchCandles(always, q, { now: v3.clock, sleep: v3.sleep, pace: false, retries: 2 }),
    (e: unknown) => (e as { code?: string }).code === 'AB1004',
  );
  assert.equal(always.calls.length, 3);
  assert.deepEqual(v3.sleeps, [1000, 2000]);
});

test('requests are paced under 3/s and 180/min by default', async () => {
  const v = virtualClock();
  const venue = fakeVenue();
  const times: number[] = [];
  const src = {
    candles: async (p: CandleRequest) => {
      times.push(v.now);
      return venue.candles(p);
    },
  };
  // 250 windows of 1 day each via maxDays.
  await fetchCandles(
    src,
    {
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_MINUTE',
      from: '2023-01-01 09:15',
      to: '2023-09-08 09:15',
    },
    { now: v.clock, sleep: v.sleep, maxDays: 1 },
  );
  assert.equal(times.length, 250);
  for (let i = 0; i < times.length; i++) {
    assert.ok(
      times.filter((t) => t >= times[i]! && t < times[i]! + 1000).length <= 3,
      'at most 3 per second',
    );
    assert.ok(
      times.filter((t) => t >= times[i]! && t < times[i]! + 60_000).length <= 180,
      'at most 180 per minute',
    );
  }
  // and it is not slower than needed: 180 in the first minute
  assert.equal(times.filter((t) => t < times[0]! + 60_000).length, 180);

  const p = new Pacer({ perSecond: 100, perMinute: 5 }, v.clock, v.sleep);
  const start = v.now;
  for (let i = 0; i < 6; i++) await p.acquire();
  assert.equal(v.now - start, 60_000, 'the 6th request waits for the minute window');
});

test('abort stops a backfill with AbortError', async () => {
  const ac = new AbortController();
  const venue = fakeVenue();
  const v = virtualClock();
  const q = {
    exchange: 'NSE',
    symboltoken: '3045',
    interval: 'ONE_MINUTE',
    from: '2024-01-01 09:15',
    to: '2024-06-01 15:29',
  } as const;
  let n = 0;
  await assert.rejects(async () => {
    for await (const _ of iterateCandles(venue, q, { signal: ac.signal, now: v.clock, sleep: v.sleep })) {
      if (++n === 5) ac.abort();
    }
  }, AbortError);
  assert.equal(venue.calls.length, 1);
});

test('OI backfill and HistoricalData share one pacer', async () => {
  const venue = fakeVenue();
  const v = virtualClock();
  const q = {
    exchange: 'NFO',
    symboltoken: '43546',
    interval: 'THREE_MINUTE',
    from: '2024-01-01 09:15',
    to: '2024-01-01 10:15',
  } as const;
  const oi = await fetchOi(venue, q, { now: v.clock, sleep: v.sleep });
  assert.equal(
    oi[0]!.time.getTime(),
    ist('2024-01-01 09:12'),
    'the venue answer is kept as is (no range filter)',
  );
  assert.equal(oi.length, 22);
  const hist = new HistoricalData(venue, {
    now: v.clock,
    sleep: v.sleep,
    pace: { perSecond: 1, perMinute: 100 },
  });
  const before = v.now;
  const [a, b] = await Promise.all([hist.oiArray(q), hist.candlesArray({ ...q, interval: 'ONE_MINUTE' })]);
  assert.equal(a.length, 22);
  assert.equal(b.length, 61);
  assert.ok(v.now - before >= 1000, 'two requests through one 1/s pacer take at least a second');
});

test('toCandle converts wire rows and rejects malformed ones', () => {
  assert.deepEqual(toCandle(['2023-09-06T11:15:00+05:30', 19571.85, 19587.9, 19566.45, 19583.1, 0]), {
    time: new Date('2023-09-06T05:45:00.000Z'),
    open: 19571.85,
    high: 19587.9,
    low: 19566.45,
    close: 19583.1,
    volume: 0,
  });
  assert.equal(toCandle(['2023-09-06T11:15:00+05:30', '1', '2', '0.5', '1.5', '7'])?.volume, 7);
  assert.equal(toCandle(['not a time', 1, 2, 3, 4, 5]), undefined);
  assert.equal(toCandle(['2023-09-06T11:15:00+05:30', 1, 2, 'x', 4, 5]), undefined);
  assert.equal(toCandle({}), undefined);
  assert.equal(toCandle(['2023-09-06T11:15:00+05:30']), undefined);
});
