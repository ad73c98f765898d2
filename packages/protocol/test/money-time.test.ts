import assert from 'node:assert/strict';
import { test } from 'node:test';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import {
  formatExpiry,
  formatIstDateTime,
  formatIstIso,
  formatIstOrderTime,
  formatIstTime,
  formatPaise,
  formatUtcIsoSeconds,
  istDayStart,
  istParts,
  istToEpoch,
  nextIstMidnight,
  paiseToRupees,
  parseExpiry,
  parseIsoTimestamp,
  parseIstDateTime,
  parseIstOrderTime,
  roundToTick,
  rupeesToPaise,
  tryParseInteger,
  tryRupeesToPaise,
} from '../src/index.js';

test('rupee strings and numbers become exact paise', () => {
  const cases: [string | number, number][] = [
    ['194.50', 19450],
    ['194.5', 19450],
    [194.5, 19450],
    ['0', 0],
    ['-0.00', 0],
    [0.1 + 0.2, 30],
    [1.005, 101],
    ['1.005', 101],
    ['1.004', 100],
    ['-12.345', -1235],
    ['.5', 50],
    ['7.', 700],
    [' 12 ', 1200],
    ['1e3', 100000],
    [1.98253e7, 1982530000],
    [568.2, 56820],
  ];
  for (const [input, want] of cases) assert.equal(rupeesToPaise(input), want, String(input));
  for (const bad of ['', '.', 'abc', '1.2.3', '12a', Number.NaN, Number.POSITIVE_INFINITY, '--1']) {
    assert.equal(tryRupeesToPaise(bad), undefined, String(bad));
  }
  assert.throws(() => rupeesToPaise('x'), RangeError);
});

test('paise format back to the venue strings', () => {
  assert.equal(formatPaise(19450), '194.50');
  assert.equal(formatPaise(-5), '-0.05');
  assert.equal(formatPaise(0), '0.00');
  assert.equal(formatPaise(12345, 4), '123.4500');
  assert.equal(formatPaise(12355, 1), '123.6');
  assert.equal(formatPaise(12349, 0), '123');
  assert.equal(paiseToRupees(56820), 568.2);
});

test('formatPaise and rupeesToPaise round-trip every amount', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: -1e12, max: 1e12 }), (p) => {
      assert.equal(rupeesToPaise(formatPaise(p)), p);
      assert.equal(rupeesToPaise(paiseToRupees(p)), p);
    }),
    propertyOptions(t),
  );
});

test('tick rounding and integer parsing', () => {
  assert.equal(roundToTick(19452, 5), 19450);
  assert.equal(roundToTick(19453, 5), 19455);
  assert.equal(roundToTick(-7, 5), -5);
  assert.equal(tryParseInteger('50'), 50);
  assert.equal(tryParseInteger(50), 50);
  assert.equal(tryParseInteger('5.5'), undefined);
  assert.equal(tryParseInteger(5.5), undefined);
  assert.equal(tryParseInteger(''), undefined);
  assert.equal(tryParseInteger(null), undefined);
});

const T = Date.UTC(2024, 0, 25, 3, 45, 7); // 2024-01-25 09:15:07 IST

test('IST formats of the venue', () => {
  assert.equal(formatIstDateTime(T), '2024-01-25 09:15');
  assert.equal(formatIstIso(T), '2024-01-25T09:15:07+05:30');
  assert.equal(formatExpiry(T), '25JAN2024');
  assert.equal(formatIstOrderTime(T), '25-Jan-2024 09:15:07');
  assert.equal(formatIstTime(T), '09:15:07');
  assert.equal(formatUtcIsoSeconds(T + 999), '2024-01-25T03:45:07Z');
  assert.deepEqual(istParts(T), {
    year: 2024,
    month: 1,
    day: 25,
    hour: 9,
    minute: 15,
    second: 7,
    millisecond: 0,
    weekday: 4,
  });
});

test('IST parsing, including the day boundary', () => {
  assert.equal(parseIstDateTime('2024-01-25 09:15'), T - 7000);
  assert.equal(parseIstDateTime('2024-01-25'), istToEpoch(2024, 1, 25));
  assert.equal(parseIstDateTime('2024-02-30 09:15'), undefined);
  assert.equal(parseIstDateTime('2024-01-25 24:00'), undefined);
  assert.equal(parseIstDateTime('25-01-2024'), undefined);
  assert.equal(parseExpiry('25JAN2024'), istToEpoch(2024, 1, 25));
  assert.equal(parseExpiry('04Apr2024'), istToEpoch(2024, 4, 4));
  assert.equal(parseExpiry('31FEB2024'), undefined);
  assert.equal(parseExpiry('25XYZ2024'), undefined);
  assert.equal(parseIstOrderTime('20-Oct-2020 13:10:59'), istToEpoch(2020, 10, 20, 13, 10, 59));
  assert.equal(parseIstOrderTime('25-Jan-2024'), istToEpoch(2024, 1, 25), 'DD-MMM-YYYY alone');
  assert.equal(parseIstOrderTime('25-JAN-2024 09:15:07'), T, 'month case-insensitive');
  assert.equal(parseIstOrderTime('31-Feb-2024'), undefined);
  assert.equal(parseIstOrderTime('25-Jan-2024 24:00:00'), undefined);
  assert.equal(parseIsoTimestamp('2023-09-06T11:15:00+05:30'), istToEpoch(2023, 9, 6, 11, 15));
  assert.equal(parseIsoTimestamp('2020-11-16T14:19:51Z'), Date.UTC(2020, 10, 16, 14, 19, 51));
  assert.equal(parseIsoTimestamp('yesterday'), undefined);
  // 23:59 IST on the 25th is 18:29 UTC; 00:01 IST on the 26th is 18:31 UTC on the 25th.
  const late = istToEpoch(2024, 1, 25, 23, 59);
  assert.equal(istDayStart(late), istToEpoch(2024, 1, 25));
  assert.equal(nextIstMidnight(late), istToEpoch(2024, 1, 26));
  assert.equal(nextIstMidnight(istToEpoch(2024, 1, 26)), istToEpoch(2024, 1, 27));
});

test('IST formatting and parsing round-trip at minute precision', (t) => {
  fc.assert(
    fc.property(fc.integer({ min: 0, max: 4_102_444_800_000 }), (ms) => {
      const minute = Math.floor(ms / 60_000) * 60_000;
      assert.equal(parseIstDateTime(formatIstDateTime(ms)), minute);
      assert.equal(parseIsoTimestamp(formatIstIso(ms)), Math.floor(ms / 1000) * 1000);
      assert.equal(parseExpiry(formatExpiry(ms)), istDayStart(ms));
    }),
    propertyOptions(t),
  );
});
