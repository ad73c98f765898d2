/**
 * Smoke test of the margin comparison (benchmarks/margin/compare.ts): every strategy with a published
 * Angel One calculator figure stays within 15 % of it, so a change of the margin rules that drifts from
 * the venue shows here. Deterministic: the published situation is rebuilt from constants.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { compareTable } from './compare.js';

test('our SPAN + exposure is within 15 % of every published figure', () => {
  const { markdown, allWithin } = compareTable();
  assert.ok(allWithin, markdown);
  // Six strategies carry a published figure; eleven rows in all.
  assert.equal(markdown.split('\n').length - 2, 11);
  assert.equal((markdown.match(/ %/g) ?? []).length, 6);
});
