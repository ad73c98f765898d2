/**
 * The regex-free fast paths of the engine's value readers (validate.ts): `plainPaise` and `plainDigits`
 * must give exactly what `tryRupeesToPaise` / `tryParseInteger` give for every string they accept, and
 * refuse (-1) everything else, which then takes the general path.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { tryParseInteger, tryRupeesToPaise } from '@smartapi-ts/protocol';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import { plainDigits, plainPaise } from '../src/engine/validate.js';

const chars = fc.constantFrom('0', '1', '5', '9', '.', '-', '+', ' ', 'e', 'x', '00', '.5', '12', '');
const text = fc.array(chars, { maxLength: 8 }).map((a) => a.join(''));
const decimal = fc
  .tuple(fc.nat({ max: 1_999_999_999 }), fc.nat({ max: 999 }), fc.integer({ min: 0, max: 3 }))
  .map(([w, f, n]) => (n === 0 ? String(w) : `${w}.${String(f).padStart(3, '0').slice(0, n)}`));

test('engine parse: plainPaise agrees with tryRupeesToPaise on every string it accepts', (t) => {
  const cases = [
    '0',
    '800',
    '799.95',
    '799.9',
    '00.5',
    '.5',
    '5.',
    '1.005',
    '-1',
    ' 1',
    '1e3',
    '123456789.99',
  ];
  for (const s of cases) {
    const fast = plainPaise(s);
    if (fast >= 0) assert.equal(fast, tryRupeesToPaise(s), s);
  }
  assert.equal(plainPaise('799.95'), 79_995);
  assert.equal(plainPaise('.5'), -1);
  assert.equal(plainPaise('1.005'), -1);
  assert.equal(plainPaise('1234567890'), -1);
  fc.assert(
    fc.property(fc.oneof(text, decimal), (s) => {
      const fast = plainPaise(s);
      if (fast >= 0) assert.equal(fast, tryRupeesToPaise(s), s);
    }),
    propertyOptions(t, { numRuns: 2000 }),
  );
});

test('engine parse: plainDigits agrees with tryParseInteger on every string it accepts', (t) => {
  assert.equal(plainDigits('007'), 7);
  assert.equal(plainDigits('1000.0'), -1);
  assert.equal(plainDigits(' 1'), -1);
  assert.equal(plainDigits('1234567890123456'), -1);
  fc.assert(
    fc.property(fc.oneof(text, fc.nat().map(String)), (s) => {
      const fast = plainDigits(s);
      if (fast >= 0) assert.equal(fast, tryParseInteger(s), s);
    }),
    propertyOptions(t, { numRuns: 2000 }),
  );
});
