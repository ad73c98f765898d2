import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  ERROR_CODES,
  ErrorCode,
  errorInfo,
  failureEnvelope,
  parseEnvelope,
  stripBearer,
  successEnvelope,
} from '../src/index.js';

test('every code of the spec tables is present with a category', () => {
  const spec = [
    'AG8001',
    'AG8002',
    'AG8003',
    'AG8004',
    'AB8050',
    'AB8051',
    'AB1000',
    'AB1001',
    'AB1002',
    'AB1003',
    'AB1004',
    'AB1005',
    'AB1006',
    'AB1007',
    'AB1008',
    'AB1009',
    'AB1010',
    'AB1011',
    'AB1012',
    'AB1013',
    'AB1014',
    'AB1015',
    'AB1016',
    'AB1017',
    'AB1018',
    'AB1031',
    'AB1032',
    'AB1050',
    'AB2000',
    'AB2001',
    'AB2002',
    'AB4008',
    'AB4018',
    'AG1000',
    'AG2001',
    'E1001',
    'E1002',
  ];
  for (let n = 9000; n <= 9018; n++) spec.push(`AB${n}`);
  for (const code of spec) assert.ok(ERROR_CODES[code], code);
  for (const code of Object.values(ErrorCode)) assert.ok(ERROR_CODES[code], code);
});

test('token errors use the gateway envelope and invalidate the session', () => {
  for (const code of ['AG8001', 'AG8002', 'AG8003']) {
    const info = errorInfo(code);
    assert.equal(info.envelope, 'success');
    assert.equal(info.sessionInvalid, true);
    assert.equal(info.category, 'auth');
  }
  assert.equal(errorInfo('AB1009').httpStatus, 200);
  assert.equal(errorInfo('AB1004').retryable, true);
  assert.equal(errorInfo('AB1007').sessionInvalid, false);
});

test('unknown codes classify as server errors without throwing', () => {
  assert.equal(errorInfo('XX1').category, 'server');
  assert.equal(errorInfo(undefined).code, '');
});

test('parseEnvelope reads both forms', () => {
  assert.deepEqual(parseEnvelope(successEnvelope({ a: 1 })), {
    ok: true,
    message: 'SUCCESS',
    data: { a: 1 },
  });
  assert.deepEqual(parseEnvelope({ status: false, message: 'bad', errorcode: 'AB1009', data: null }), {
    ok: false,
    code: 'AB1009',
    message: 'bad',
    data: null,
    form: 'status',
  });
  assert.deepEqual(
    parseEnvelope({ success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' }),
    {
      ok: false,
      code: 'AG8001',
      message: 'Invalid Token',
      data: '',
      form: 'success',
    },
  );
  assert.equal(
    parseEnvelope({ status: 'true', data: 1 }).ok,
    true,
    'docs sometimes print booleans as strings',
  );
  assert.equal(parseEnvelope({ status: 'false', errorcode: 'AB1' }).ok, false);
  assert.equal(parseEnvelope([1]).ok, 'invalid');
  assert.equal(parseEnvelope('Access denied').ok, 'invalid');
  assert.equal(parseEnvelope({ message: 'x' }).ok, 'invalid');
});

test('failureEnvelope builds each form', () => {
  assert.deepEqual(failureEnvelope('AB1009', 'Symbol Not Found'), {
    status: false,
    message: 'Symbol Not Found',
    errorcode: 'AB1009',
    data: null,
  });
  assert.deepEqual(failureEnvelope('AG8001', 'Invalid Token', 'success'), {
    success: false,
    message: 'Invalid Token',
    errorCode: 'AG8001',
    data: '',
  });
});

test('stripBearer accepts the token with or without the prefix', () => {
  assert.equal(stripBearer('Bearer abc'), 'abc');
  assert.equal(stripBearer('bearer   abc'), 'abc');
  assert.equal(stripBearer('abc'), 'abc');
  assert.equal(stripBearer(undefined), '');
});
