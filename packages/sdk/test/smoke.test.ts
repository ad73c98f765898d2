import assert from 'node:assert/strict';
import { test } from 'node:test';
import { PROTOCOL_VERSION } from '../src/index.js';

test('sdk re-exports protocol', () => {
  assert.equal(PROTOCOL_VERSION, '0.1.0');
});
