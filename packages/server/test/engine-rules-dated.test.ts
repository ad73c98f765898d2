import assert from 'node:assert/strict';
import { test } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { istDate, type RuleTable, rowOn, ruleAt } from '../src/engine/rules/dated.js';

const table: RuleTable<number> = [
  { from: '2024-01-01', source: 'circular A', value: 1 },
  { from: '2026-04-01', source: 'circular B', value: 2 },
];

test('a rule table answers the row in force on a date, by IST day', () => {
  assert.equal(rowOn(table, '2024-01-01').value, 1);
  assert.equal(rowOn(table, '2026-03-31').value, 1);
  assert.equal(rowOn(table, '2026-04-01').source, 'circular B');
  // 31 Mar 2026 23:59 IST is still the old row; 00:00 IST of 1 Apr is the new one.
  assert.equal(ruleAt(table, istToEpoch(2026, 3, 31, 23, 59)), 1);
  assert.equal(ruleAt(table, istToEpoch(2026, 4, 1)), 2);
  assert.equal(istDate(istToEpoch(2026, 12, 4, 0, 30)), '2026-12-04');
});

test('a date before the first row is an error, not a silent default', () => {
  assert.throws(() => rowOn(table, '2023-12-31'), /no rule in force on 2023-12-31/);
});
