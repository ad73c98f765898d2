/**
 * Per-call `RequestOptions.maxRetries` and `RequestOptions.headers` against the local fake venue.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, test } from 'node:test';
import { RATE_LIMIT_TEXT, ROUTES } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { InputError, type RequestOptions, ServerError, SmartApi } from '../src/index.js';
import {
  type FakeVenue,
  FastClock,
  fail,
  type Handler,
  ManualClock,
  SBIN_LIMIT_ORDER as ORDER,
  ok,
  startFakeVenue,
  TOKENS,
} from './support/rest-fakes.js';

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue();
});
after(() => venue.close());
beforeEach(() => {
  venue.requests.length = 0;
});

function client(handler: Handler, extra: Record<string, unknown> = {}): SmartApi {
  venue.handler = handler;
  const api = new SmartApi({
    apiKey: 'opts-key',
    root: venue.url,
    rateLimit: false,
    clock: new FastClock(),
    random: () => 0.5,
    timeout: 500,
    ...extra,
  });
  api.setSession({ clientCode: 'O1', ...TOKENS });
  return api;
}

const BOOK = '/getOrderBook';
const badGateway = () => ({ status: 502, body: '<html>bad gateway</html>' });

test('maxRetries overrides the client retry count of a read, both down and up', async () => {
  const api = client(badGateway); // the client default is 3 retries
  try {
    await assert.rejects(api.orders.book({ maxRetries: 1 }), ServerError);
    assert.equal(venue.count(BOOK), 2, 'first attempt + 1 retry');
    venue.requests.length = 0;
    await assert.rejects(api.orders.book({ maxRetries: 0 }), ServerError);
    assert.equal(venue.count(BOOK), 1, 'no retry');
    venue.requests.length = 0;
    await assert.rejects(api.orders.book(), ServerError);
    assert.equal(venue.count(BOOK), 4, 'without it, the client default');
  } finally {
    api.close();
  }
  venue.requests.length = 0;
  const none = client(badGateway, { retry: false });
  try {
    await assert.rejects(none.orders.book({ maxRetries: 2 }), ServerError);
    assert.equal(venue.count(BOOK), 3, 'a client with retries off still retries this call');
  } finally {
    none.close();
  }
});

test('maxRetries never makes a write retry blindly; it bounds the retries that are safe', async () => {
  const api = client(() => ({ status: 500, body: fail('AB2001', 'Internal Error') }));
  try {
    await assert.rejects(api.orders.place(ORDER, { maxRetries: 5 }), ServerError);
    assert.equal(venue.count('/placeOrder'), 1, 'the venue may have acted: not re-sent');
  } finally {
    api.close();
  }
  venue.requests.length = 0;
  // The rate-limit answer proves the venue did not act: retried, up to maxRetries.
  const limited = client(() => ({ status: 403, body: RATE_LIMIT_TEXT }));
  try {
    await assert.rejects(limited.orders.place(ORDER, { maxRetries: 1 }));
    assert.equal(venue.count('/placeOrder'), 2);
  } finally {
    limited.close();
  }
});

test('a bad maxRetries is an InputError and sends nothing', async () => {
  const api = client(() => ({ body: ok([]) }));
  try {
    for (const maxRetries of [-1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2' as unknown as number]) {
      const e = await api.orders.book({ maxRetries }).catch((x: unknown) => x);
      assert.ok(e instanceof InputError, String(maxRetries));
      assert.match(e.message, /maxRetries must be a whole number ≥ 0/);
      assert.equal(e.httpStatus, 0);
    }
    assert.equal(venue.requests.length, 0);
  } finally {
    api.close();
  }
});

test('extra headers are sent on every attempt, next to the SDK headers', async () => {
  let i = 0;
  const api = client((req) =>
    req.path === ROUTES.getOrderBook.path && ++i === 1 ? badGateway() : { body: ok([]) },
  );
  try {
    await api.orders.book({ headers: { 'X-Request-Id': 'trace-1', 'x-proxy-route': 'blue' } });
    assert.equal(venue.requests.length, 2, 'one retry');
    for (const r of venue.requests) {
      assert.equal(r.headers['x-request-id'], 'trace-1');
      assert.equal(r.headers['x-proxy-route'], 'blue');
      assert.equal(r.headers.authorization, `Bearer ${TOKENS.jwtToken}`, 'auth untouched');
      assert.equal(r.headers['x-privatekey'], 'opts-key');
    }
    venue.requests.length = 0;
    await api.orders.book();
    assert.equal(venue.requests[0]?.headers['x-request-id'], undefined, 'only on that call');
    venue.requests.length = 0;
    await api.orders.place(ORDER, { headers: { 'X-Request-Id': 'trace-2' } });
    assert.equal(venue.requests[0]?.headers['x-request-id'], 'trace-2', 'writes too');
    assert.equal(venue.requests[0]?.headers['content-type'], 'application/json');
  } finally {
    api.close();
  }
});

test('the SDK headers cannot be overridden per call: InputError, nothing sent', async () => {
  const api = client(() => ({ body: ok([]) }));
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ authorization: 'Bearer someone-else' }, /authorization is set by the SDK/],
    [{ 'X-PrivateKey': 'other-key' }, /X-PrivateKey is set by the SDK/],
    [{ 'x-clientlocalip': '10.0.0.1' }, /x-clientlocalip is set by the SDK/],
    [{ 'X-MACAddress': 'aa:bb:cc:dd:ee:ff' }, /X-MACAddress is set by the SDK/],
    [{ 'X-UserType': 'ADMIN' }, /set by the SDK/],
    [{ 'Content-Type': 'text/plain' }, /set by the SDK/],
    [{ Host: 'evil.example' }, /Host is set by the SDK/],
    [{ 'Content-Length': '0' }, /set by the SDK/],
    [{ 'bad header': 'x' }, /"bad header" is not a valid header name/],
    [{ 'X-Ok': 'line\r\nX-Injected: 1' }, /must be a string without line breaks/],
    [{ 'X-Ok': 5 }, /must be a string/],
  ];
  try {
    for (const [headers, message] of cases) {
      const e = await api.orders
        .book({ headers: headers as RequestOptions['headers'] } as RequestOptions)
        .catch((x: unknown) => x);
      assert.ok(e instanceof InputError, JSON.stringify(headers));
      assert.match(e.message, message);
    }
    const nul = await api.orders
      .book({ headers: null } as unknown as RequestOptions)
      .catch((x: unknown) => x);
    assert.ok(nul instanceof InputError);
    assert.equal(venue.requests.length, 0);
  } finally {
    api.close();
  }
});

test('reads with their own headers or retry count do not share a queued request', async () => {
  const clock = new ManualClock();
  venue.handler = () => ({ body: ok([]) });
  const api = new SmartApi({ apiKey: 'opts-key2', root: venue.url, clock });
  api.setSession({ clientCode: 'O2', ...TOKENS });
  try {
    // getOrderBook allows 1/s: the first goes now, the others queue behind the limiter.
    const calls = [
      api.orders.book(),
      api.orders.book(),
      api.orders.book(),
      api.orders.book({ headers: { 'X-Request-Id': 'a' } }),
      api.orders.book({ maxRetries: 0 }),
    ];
    // The limiter runs on the manual clock, the requests on real sockets: wait (real time) for each
    // request to reach the venue, then move the clock past the next 1 s window.
    for (let n = 1; n <= 4; n++) {
      await eventually(() => venue.count(BOOK) >= n, { message: `request ${n} reached the venue` });
      await clock.advance(1100);
    }
    let done = false;
    const all = Promise.all(calls).finally(() => {
      done = true;
    });
    await eventually(() => done, { message: 'every call answered after 4 requests' });
    await all;
    // 1 immediate + 1 shared by the two plain queued calls + 1 each for the two with options
    assert.equal(venue.count(BOOK), 4);
    assert.equal(venue.requests.filter((r) => r.headers['x-request-id'] === 'a').length, 1);
  } finally {
    api.close();
  }
});
