import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { type RateLimit, ROUTES } from '@smartapi-ts/protocol';
import { eventually, neverWithin } from '@smartapi-ts/testkit/timing';
import { AbortError, type FetchLike, SmartApi } from '../src/index.js';
import { RateLimiter } from '../src/internal/rate-limiter.js';
import { type FakeVenue, ManualClock, ok, startFakeVenue, TOKENS } from './support/rest-fakes.js';

const THREE: RateLimit = { group: 'g3', perSecond: 3 };

async function settled(p: Promise<unknown>): Promise<boolean> {
  let done = false;
  p.then(
    () => {
      done = true;
    },
    () => {
      done = true;
    },
  );
  await new Promise((r) => setImmediate(r));
  return done;
}

test('grants up to the per-second budget at once, then queues FIFO until the window slides', async () => {
  const clock = new ManualClock();
  const rl = new RateLimiter(clock);
  for (let i = 0; i < 3; i++) assert.equal(rl.acquire(THREE), undefined, `grant ${i} is immediate`);
  const order: number[] = [];
  const waits = [4, 5, 6].map((i) => (rl.acquire(THREE) as Promise<void>).then(() => order.push(i)));
  assert.equal(rl.queued, 3);
  clock.advance(1000);
  await new Promise((r) => setImmediate(r));
  assert.deepEqual(order, [], 'still inside the window (plus safety margin)');
  clock.advance(50);
  await Promise.all(waits);
  assert.deepEqual(order, [4, 5, 6]);
  assert.equal(rl.queued, 0);
});

test('never lets more than the limit through in any sliding window (unlike a refilled bucket)', async () => {
  const clock = new ManualClock();
  const rl = new RateLimiter(clock);
  const grants: number[] = [];
  const all: Promise<void>[] = [];
  for (let i = 0; i < 12; i++) {
    const p = rl.acquire(THREE);
    if (p === undefined) grants.push(clock.now());
    else all.push(p.then(() => void grants.push(clock.now())));
  }
  for (let t = 0; t < 5000; t += 10) {
    clock.advance(10);
    await new Promise((r) => setImmediate(r));
  }
  await Promise.all(all);
  assert.equal(grants.length, 12);
  for (let i = 3; i < grants.length; i++) {
    assert.ok((grants[i] as number) - (grants[i - 3] as number) >= 1000, `window ${i}`);
  }
});

test('per-minute windows and the scale option', async () => {
  const clock = new ManualClock();
  const half = new RateLimiter(clock, 0.5);
  const lim: RateLimit = { group: 'm', perSecond: 10, perMinute: 4 };
  assert.equal(half.acquire(lim), undefined);
  assert.equal(half.acquire(lim), undefined);
  const third = half.acquire(lim);
  assert.ok(third, 'scale 0.5 halves the minute budget to 2');
  clock.advance(59_000);
  assert.equal(await settled(third), false);
  clock.advance(1_600);
  assert.equal(await settled(third), true);
  assert.throws(() => new RateLimiter(clock, 0), RangeError);
});

test('a queued acquire can be aborted', async () => {
  const clock = new ManualClock();
  const rl = new RateLimiter(clock);
  const one: RateLimit = { group: 'one', perSecond: 1 };
  rl.acquire(one);
  const ctl = new AbortController();
  const p = rl.acquire(one, ctl.signal) as Promise<void>;
  ctl.abort();
  await assert.rejects(p, AbortError);
  assert.equal(rl.queued, 0);
});

let venue: FakeVenue;
before(async () => {
  venue = await startFakeVenue((req) =>
    req.path === ROUTES.getOrderBook.path || req.path === ROUTES.getRMS.path ? { body: ok([]) } : undefined,
  );
});
after(() => venue.close());

test('clients of the same client code share one budget; 100 concurrent book() calls cost 3 requests', async () => {
  const clock = new ManualClock();
  // records each request the moment the client sends it (the venue only sees it after real I/O)
  const sent: string[] = [];
  const recordingFetch: FetchLike = (url, init) => {
    sent.push(url);
    return fetch(url, init);
  };
  const mk = () => {
    const api = new SmartApi({ apiKey: 'rl-key', root: venue.url, clock, fetch: recordingFetch });
    api.setSession({ clientCode: 'SHARED1', ...TOKENS });
    return api;
  };
  const a = mk();
  const b = mk();
  try {
    venue.requests.length = 0;
    const calls = Array.from({ length: 100 }, (_, i) => (i % 2 ? a : b).orders.book());
    await eventually(() => assert.equal(sent.length, 1), { message: 'first request' });
    // getOrderBook allows 1/s for the client code (+50 ms safety margin): the rest wait, sharing one
    // queued request per client; the shared budget holds client a back too
    await neverWithin(1049, () => assert.equal(sent.length, 1), {
      clock,
      interval: 1,
      message: 'a second request inside the 1050 ms window',
    });
    clock.advance(1);
    await eventually(() => assert.equal(sent.length, 2), { message: 'second request at 1050 ms' });
    await eventually(() => assert.equal(venue.requests.length, 2), { message: 'second request' });
    clock.advance(1100);
    const results = await Promise.all(calls);
    assert.equal(results.length, 100);
    assert.equal(venue.count('/getOrderBook'), 3, 'one immediate + one queued per client');
    assert.notEqual(results[3], results[5], 'coalesced callers get their own arrays');
    assert.deepEqual(results[3], results[5]);
  } finally {
    a.close();
    b.close();
  }
});

test('rateLimit:false sends every call at once and never waits', async () => {
  const clock = new ManualClock();
  const api = new SmartApi({ apiKey: 'rl-key2', root: venue.url, clock, rateLimit: false });
  api.setSession({ clientCode: 'FREE1', ...TOKENS });
  try {
    venue.requests.length = 0;
    await Promise.all(Array.from({ length: 10 }, () => api.user.rms()));
    assert.equal(venue.count('/getRMS'), 10);
    assert.equal(clock.scheduled.length, 0);
  } finally {
    api.close();
  }
});
