import assert from 'node:assert/strict';
import { test } from 'node:test';
import { AuthenticationError, apiErrorFromCode, InputError, ServerError } from '../src/index.js';

test('venue codes map to the error classes of the protocol table', () => {
  const e = apiErrorFromCode({ code: 'AG8001', message: '', httpStatus: 401, route: 'getProfile' });
  assert.ok(e instanceof AuthenticationError);
  assert.equal(e.message, 'getProfile: Invalid Token (AG8001) [HTTP 401]');
  assert.ok(
    apiErrorFromCode({ code: 'AB1009', message: 'x', httpStatus: 200, route: 'placeOrder' }) instanceof
      InputError,
  );
  assert.ok(
    apiErrorFromCode({ code: 'ZZ999', message: 'x', httpStatus: 500, route: 'quote' }) instanceof ServerError,
  );
});
