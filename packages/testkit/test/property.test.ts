import assert from 'node:assert/strict';
import { afterEach, test } from 'node:test';
import { propertyOptions, propertySeed, SEED_ENV } from '../src/property.js';

const saved = process.env[SEED_ENV];
afterEach(() => {
  if (saved === undefined) delete process.env[SEED_ENV];
  else process.env[SEED_ENV] = saved;
});

test('a fresh seed per call unless FC_SEED pins it', () => {
  delete process.env[SEED_ENV];
  const seeds = new Set(Array.from({ length: 20 }, () => propertySeed()));
  assert.ok(seeds.size > 1, 'seeds vary between runs');
  for (const s of seeds) assert.ok(Number.isInteger(s) && s >= 0 && s < 2 ** 31);
  process.env[SEED_ENV] = '123';
  assert.equal(propertySeed(), 123);
  process.env[SEED_ENV] = '-5';
  assert.equal(propertySeed(), -5);
  process.env[SEED_ENV] = 'abc';
  assert.throws(() => propertySeed(), /FC_SEED must be an integer, got "abc"/);
});

test('propertyOptions logs the seed with the replay command and keeps the other options', () => {
  process.env[SEED_ENV] = '987654';
  const lines: string[] = [];
  const opts = propertyOptions({ name: 'my property', diagnostic: (m) => lines.push(m) }, { numRuns: 7 });
  assert.deepEqual(opts, { numRuns: 7, seed: 987654 });
  assert.deepEqual(lines, ['property seed 987654 for "my property" (replay with FC_SEED=987654)']);
});
