import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import {
  HOLIDAY_YEARS,
  HOLIDAYS,
  holidaysKnown,
  holidayTableNotice,
  TradingCalendar,
} from '../src/market/calendar.js';
import { SimClock, SystemClock } from '../src/market/clock.js';

const cal = new TradingCalendar();
const at = (y: number, mo: number, d: number, h: number, mi: number) => istToEpoch(y, mo, d, h, mi);

describe('trading calendar', () => {
  it('knows weekends and holidays', () => {
    assert.equal(cal.isTradingDay(at(2026, 1, 6, 10, 0)), true); // Tuesday
    assert.equal(cal.isTradingDay(at(2026, 1, 10, 10, 0)), false); // Saturday
    assert.equal(cal.isTradingDay(at(2026, 1, 11, 10, 0)), false); // Sunday
    assert.equal(cal.isTradingDay(at(2026, 1, 26, 10, 0)), false); // Republic Day
    assert.equal(cal.isTradingDay(at(2025, 12, 25, 10, 0)), false); // Christmas
    assert.equal(cal.isHoliday(at(2025, 10, 21, 12, 0)), true);
    for (const h of HOLIDAYS) assert.match(h, /^202[5-7]-\d{2}-\d{2}$/);
  });

  it('after the last listed year: weekends only (every weekday trades), with a startup notice', () => {
    assert.deepEqual(HOLIDAY_YEARS, { first: 2025, last: 2027 });
    // inside the table: a holiday, no notice
    assert.equal(holidaysKnown(at(2027, 1, 26, 10, 0)), true);
    assert.equal(cal.isTradingDay(at(2027, 1, 26, 10, 0)), false);
    assert.equal(holidayTableNotice(at(2027, 12, 31, 23, 59)), undefined);
    // 2028: Republic Day (a Wednesday) is not known, so it trades; the weekend stays closed
    const republicDay2028 = at(2028, 1, 26, 10, 0);
    assert.equal(holidaysKnown(republicDay2028), false);
    assert.equal(cal.isHoliday(republicDay2028), false);
    assert.equal(cal.isTradingDay(republicDay2028), true);
    assert.equal(cal.session('NSE', republicDay2028), 'open');
    assert.equal(cal.isTradingDay(at(2028, 1, 29, 10, 0)), false, 'Saturday');
    assert.equal(cal.nextTradingDay(at(2028, 1, 28, 12, 0)), istToEpoch(2028, 1, 31), 'Fri → Mon');
    // the first IST minute of 2028 is already beyond the table (IST, not UTC, decides the year)
    assert.equal(holidayTableNotice(istToEpoch(2027, 12, 31, 23, 59)), undefined);
    assert.match(
      holidayTableNotice(istToEpoch(2028, 1, 1, 0, 0)) ?? '',
      /holiday table ends in 2027; in 2028 .* every weekday as a trading day \(weekends stay closed\)/,
    );
    // before the table: the same rule, but no startup notice (only history reaches back there)
    assert.equal(holidaysKnown(at(2024, 1, 26, 10, 0)), false);
    assert.equal(cal.isTradingDay(at(2024, 1, 26, 10, 0)), true);
    assert.equal(holidayTableNotice(at(2024, 1, 26, 10, 0)), undefined);
  });

  it('next/previous trading days skip weekends and holidays', () => {
    assert.equal(cal.nextTradingDay(at(2026, 1, 23, 12, 0)), istToEpoch(2026, 1, 27)); // Fri → (Mon 26 holiday) Tue
    assert.equal(cal.previousTradingDay(at(2026, 1, 27, 12, 0)), istToEpoch(2026, 1, 23));
    assert.deepEqual(cal.tradingDaysBetween(at(2026, 1, 23, 0, 0), at(2026, 1, 28, 0, 0)), [
      istToEpoch(2026, 1, 23),
      istToEpoch(2026, 1, 27),
      istToEpoch(2026, 1, 28),
    ]);
  });

  it('equity sessions: pre-open, open, post-close', () => {
    assert.equal(cal.session('NSE', at(2026, 1, 6, 8, 59)), 'closed');
    assert.equal(cal.session('NSE', at(2026, 1, 6, 9, 0)), 'preopen');
    assert.equal(cal.session('NSE', at(2026, 1, 6, 9, 14)), 'preopen');
    assert.equal(cal.session('NSE', at(2026, 1, 6, 9, 15)), 'open');
    assert.equal(cal.session('BSE', at(2026, 1, 6, 15, 29)), 'open');
    assert.equal(cal.session('NSE', at(2026, 1, 6, 15, 30)), 'postclose');
    assert.equal(cal.session('NSE', at(2026, 1, 6, 16, 0)), 'closed');
    assert.equal(cal.session('NSE', at(2026, 1, 10, 11, 0)), 'closed');
  });

  it('F&O and MCX sessions', () => {
    // F&O pre-open (futures call auction) from 8 Dec 2025; none before.
    assert.equal(cal.session('NFO', at(2025, 12, 5, 9, 5)), 'closed');
    assert.equal(cal.session('NFO', at(2026, 1, 6, 9, 5)), 'preopen');
    assert.equal(cal.session('BFO', at(2026, 1, 6, 9, 5)), 'preopen');
    assert.equal(cal.session('NFO', at(2026, 1, 6, 9, 15)), 'open');
    assert.equal(cal.session('NFO', at(2026, 1, 6, 15, 30)), 'closed');
    // MCX: 23:55 in winter (US standard time), 23:30 in summer.
    assert.equal(cal.session('MCX', at(2026, 1, 6, 9, 0)), 'open');
    assert.equal(cal.session('MCX', at(2026, 1, 6, 23, 54)), 'open');
    assert.equal(cal.session('MCX', at(2026, 1, 6, 23, 55)), 'closed');
    assert.equal(cal.session('MCX', at(2026, 6, 4, 23, 29)), 'open');
    assert.equal(cal.session('MCX', at(2026, 6, 4, 23, 30)), 'closed');
    // The switch days of 2026: US DST starts 8 Mar, ends 1 Nov.
    assert.equal(cal.sessionBounds('MCX', at(2026, 3, 6, 12, 0)).close, at(2026, 3, 6, 23, 55));
    assert.equal(cal.sessionBounds('MCX', at(2026, 3, 9, 12, 0)).close, at(2026, 3, 9, 23, 30));
    assert.equal(cal.sessionBounds('MCX', at(2026, 10, 30, 12, 0)).close, at(2026, 10, 30, 23, 30));
    assert.equal(cal.sessionBounds('MCX', at(2026, 11, 2, 12, 0)).close, at(2026, 11, 2, 23, 55));
    // 2023: the circular MCX/TRD/675/2023 moved the close to 23:55 from 6 Nov 2023.
    assert.equal(cal.sessionBounds('MCX', at(2023, 11, 3, 12, 0)).close, at(2023, 11, 3, 23, 30));
    assert.equal(cal.sessionBounds('MCX', at(2023, 11, 6, 12, 0)).close, at(2023, 11, 6, 23, 55));
  });

  it('special sessions open a weekend day', () => {
    const c = new TradingCalendar({ specialSessions: [at(2026, 1, 10, 12, 0)] });
    assert.equal(c.isTradingDay(at(2026, 1, 10, 0, 0)), true);
    assert.equal(c.session('NSE', at(2026, 1, 10, 10, 0)), 'open');
    assert.equal(c.isTradingDay(at(2026, 1, 11, 0, 0)), false);
  });
});

describe('clocks', () => {
  it('SimClock starts at 09:15 IST of today by default and advances manually', () => {
    const real = at(2026, 1, 6, 20, 0);
    const c = new SimClock({ manual: true, realSource: () => real });
    assert.equal(c.now(), at(2026, 1, 6, 9, 15));
    const seen: number[] = [];
    const off = c.onAdvance((t) => seen.push(t));
    c.advance(1000);
    c.advanceTo(c.now() + 500);
    c.advanceTo(0);
    off();
    c.advance(1);
    assert.deepEqual(seen, [at(2026, 1, 6, 9, 15) + 1000, at(2026, 1, 6, 9, 15) + 1500]);
    assert.throws(() => c.advance(-1), RangeError);
    c.start(); // manual: no timer
    c.stop();
  });

  it('SimClock started on a weekend or a holiday opens the latest trading day at 09:15', () => {
    const start = (y: number, m: number, d: number) =>
      new SimClock({ manual: true, realSource: () => at(y, m, d, 13, 0) }).now();
    assert.equal(start(2026, 12, 5), at(2026, 12, 4, 9, 15)); // Saturday → Friday
    assert.equal(start(2026, 12, 6), at(2026, 12, 4, 9, 15)); // Sunday → Friday
    assert.equal(start(2026, 1, 26), at(2026, 1, 23, 9, 15)); // Republic Day (Monday) → Friday
    assert.equal(start(2026, 12, 7), at(2026, 12, 7, 9, 15)); // a Monday stays
  });

  it('SimClock with speed advances from a real source when its timer fires', async () => {
    let real = 1_000_000;
    const c = new SimClock({ start: 0, speed: 10, tickMs: 5, realSource: () => real });
    const done = new Promise<number>((resolve) => {
      const off = c.onAdvance((t) => {
        if (t > 0) {
          off();
          resolve(t);
        }
      });
    });
    // the clock's timer is unref'd (it must not keep a server alive), so hold the loop open meanwhile
    const keepAlive = setTimeout(() => {}, 5000);
    c.start();
    real += 100;
    const t = await done;
    clearTimeout(keepAlive);
    c.stop();
    assert.equal(t, 1000);
  });

  it('SystemClock reads its source', () => {
    const c = new SystemClock({ source: () => 42 });
    assert.equal(c.now(), 42);
    assert.equal(c.kind, 'system');
  });
});
