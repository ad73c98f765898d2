import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RATE_LIMIT_TEXT } from '@smartapi-ts/protocol';
import {
  ApiError,
  AuthenticationError,
  InputError,
  NotFoundError,
  OrderRejectedError,
  PermissionError,
  RateLimitError,
  ServerError,
} from '../src/index.js';
import { decodeResponse, parseRetryAfter } from '../src/internal/envelope.js';
import { Redactor } from '../src/internal/redact.js';

const r = new Redactor();
const NOW = Date.UTC(2025, 0, 6);
const dec = (status: number, body: unknown, retryAfter?: string) =>
  decodeResponse(
    'getOrderBook',
    { status, body: typeof body === 'string' ? body : JSON.stringify(body), retryAfter },
    r,
    NOW,
  );
const thrown = (fn: () => unknown): ApiError => {
  try {
    fn();
  } catch (e) {
    assert.ok(e instanceof ApiError, `expected ApiError, got ${String(e)}`);
    return e;
  }
  assert.fail('did not throw');
};

test('success envelopes (status and success forms, string "true") yield data and message', () => {
  assert.deepEqual(dec(200, { status: true, message: 'SUCCESS', errorcode: '', data: [1] }), {
    data: [1],
    message: 'SUCCESS',
  });
  assert.deepEqual(dec(200, { success: true, message: 'ok', errorCode: '', data: { a: 1 } }).data, { a: 1 });
  assert.equal(dec(200, { status: 'true', message: 'SUCCESS', data: null }).data, null);
});

test('status/errorcode failures map through the protocol error table', () => {
  const cases: [string, new (...a: never[]) => ApiError][] = [
    ['AB1009', InputError],
    ['AB1013', NotFoundError],
    ['AB2002', OrderRejectedError],
    ['AB1006', PermissionError],
    ['AB1007', AuthenticationError],
    ['AB1004', ServerError],
    ['ZZ0000', ServerError],
  ];
  for (const [code, cls] of cases) {
    const e = thrown(() => dec(200, { status: false, message: 'nope', errorcode: code, data: null }));
    assert.ok(e instanceof cls, `${code} → ${e.name}`);
    assert.equal(e.code, code);
    assert.equal(e.httpStatus, 200);
    assert.equal(e.route, 'getOrderBook');
  }
});

test('gateway form { success:false, errorCode } becomes AuthenticationError with the HTTP status', () => {
  const e = thrown(() =>
    dec(401, { success: false, message: 'Invalid Token', errorCode: 'AG8001', data: '' }),
  );
  assert.ok(e instanceof AuthenticationError);
  assert.equal(e.code, 'AG8001');
  assert.equal(e.httpStatus, 401);
  assert.equal(e.data, undefined);
  const e2 = thrown(() =>
    dec(403, { success: false, message: 'Token Expired', errorCode: 'AG8002', data: '' }),
  );
  assert.ok(e2 instanceof AuthenticationError);
});

test('the rate-limit answer (HTTP 403, plain text) becomes RateLimitError with the raw text', () => {
  const e = thrown(() => dec(403, RATE_LIMIT_TEXT));
  assert.ok(e instanceof RateLimitError);
  assert.equal(e.httpStatus, 403);
  assert.equal(e.rawBody, RATE_LIMIT_TEXT);
  const e2 = thrown(() => dec(429, 'slow down', '2'));
  assert.ok(e2 instanceof RateLimitError);
  assert.equal(e2.retryAfter, 2);
});

test('non-JSON, malformed JSON and non-envelope bodies become ServerError with the raw text', () => {
  const html = thrown(() => dec(502, '<html>Bad Gateway</html>'));
  assert.ok(html instanceof ServerError);
  assert.equal(html.httpStatus, 502);
  assert.equal(html.rawBody, '<html>Bad Gateway</html>');
  const broken = thrown(() => dec(200, '{"status": tru'));
  assert.ok(broken instanceof ServerError);
  assert.equal(broken.rawBody, '{"status": tru');
  const notEnv = thrown(() => dec(200, { foo: 1 }));
  assert.ok(notEnv instanceof ServerError);
  assert.match(notEnv.message, /malformed response/);
  const arr = thrown(() => dec(200, [1, 2]));
  assert.ok(arr instanceof ServerError);
});

test('HTTP errors without a venue code are classified by status', () => {
  assert.ok(thrown(() => dec(500, { status: false, message: 'boom', errorcode: '' })) instanceof ServerError);
  assert.ok(
    thrown(() => dec(401, { status: false, message: 'x', errorcode: '' })) instanceof AuthenticationError,
  );
  assert.ok(thrown(() => dec(404, 'Not Found')) instanceof NotFoundError);
  // a success flag on a 5xx is still a failure
  assert.ok(thrown(() => dec(503, { status: true, message: 'SUCCESS', data: null })) instanceof ServerError);
});

test('failure data is kept on the error (e.g. EDIS AG1000 answers with data)', () => {
  const e = thrown(() =>
    dec(200, { status: false, message: 'already', errorcode: 'AG1000', data: { ReqId: '1' } }),
  );
  assert.ok(e instanceof OrderRejectedError);
  assert.deepEqual(e.data, { ReqId: '1' });
});

test('Retry-After parses seconds and HTTP dates', () => {
  assert.equal(parseRetryAfter('3', NOW), 3);
  assert.equal(parseRetryAfter(new Date(NOW + 5000).toUTCString(), NOW), 5);
  assert.equal(parseRetryAfter('soon', NOW), undefined);
  assert.equal(parseRetryAfter(undefined, NOW), undefined);
});
