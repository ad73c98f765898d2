/**
 * The memoised keys of `state.ts` (positionKey, pendingKey, instrumentKey): each remembers the last key it
 * built, so a change of any part must give a new key, and going back must give the old one again.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { instrumentKey, pendingKey, positionKey } from '../src/engine/state.js';

test('engine keys: a memoised key follows every part of its input', () => {
  const base = { clientcode: 'A1', exchange: 'NSE', symboltoken: '3045', producttype: 'INTRADAY' } as const;
  assert.equal(positionKey(base), 'A1|NSE|3045|INTRADAY');
  assert.equal(positionKey({ ...base, clientcode: 'A2' }), 'A2|NSE|3045|INTRADAY');
  assert.equal(positionKey({ ...base, exchange: 'BSE' }), 'A1|BSE|3045|INTRADAY');
  assert.equal(positionKey({ ...base, symboltoken: '1' }), 'A1|NSE|1|INTRADAY');
  assert.equal(positionKey({ ...base, producttype: 'DELIVERY' }), 'A1|NSE|3045|DELIVERY');
  assert.equal(positionKey(base), 'A1|NSE|3045|INTRADAY');
  assert.equal(pendingKey('A1', base, 'BUY'), 'A1|NSE:3045|INTRADAY|BUY');
  assert.equal(pendingKey('A1', base, 'SELL'), 'A1|NSE:3045|INTRADAY|SELL');
  assert.equal(pendingKey('A2', base, 'SELL'), 'A2|NSE:3045|INTRADAY|SELL');
  assert.equal(pendingKey('A2', { ...base, producttype: 'DELIVERY' }, 'SELL'), 'A2|NSE:3045|DELIVERY|SELL');
  assert.equal(pendingKey('A2', { ...base, exchange: 'BSE' }, 'SELL'), 'A2|BSE:3045|INTRADAY|SELL');
  assert.equal(pendingKey('A2', { ...base, symboltoken: '7' }, 'SELL'), 'A2|NSE:7|INTRADAY|SELL');
  assert.equal(pendingKey('A1', base, 'BUY'), 'A1|NSE:3045|INTRADAY|BUY');
  assert.equal(instrumentKey('NSE', '3045'), 'NSE:3045');
  assert.equal(instrumentKey('NFO', '3045'), 'NFO:3045');
  assert.equal(instrumentKey('NFO', '1'), 'NFO:1');
  assert.equal(instrumentKey('NSE', '3045'), 'NSE:3045');
});
