import assert from 'node:assert/strict';
import { EventEmitter } from 'node:events';
import { describe, test } from 'node:test';
import { eventually, neverWithin } from '@smartapi-ts/testkit/timing';
import { ConnectionError, FeedError } from '../src/errors.js';
import {
  backoffDelay,
  type FeedSocket,
  type FeedSocketConstructor,
  type FeedSocketOptions,
  MarketFeed,
} from '../src/feeds/index.js';
import { CREDS } from './feed-helpers.js';
import { ManualClock } from './support/rest-fakes.js';

/** A socket that never connects: emits 'error' (ECONNREFUSED) then 'close' on the next tick. */
function refusingSocket(log: FeedSocketOptions[]): FeedSocketConstructor {
  return class extends EventEmitter implements FeedSocket {
    readyState = 0;
    constructor(_url: string, options: FeedSocketOptions) {
      super();
      log.push(options);
      setImmediate(() => {
        this.readyState = 3;
        this.emit(
          'error',
          Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
        );
        this.emit('close', 1006, Buffer.alloc(0));
      });
    }
    send(): void {}
    close(): void {}
    terminate(): void {}
  } as unknown as FeedSocketConstructor;
}

describe('connection state machine', () => {
  test('backoff: full jitter under an exponential bound capped at maxDelayMs', () => {
    const opts = {
      initialDelayMs: 500,
      maxDelayMs: 10_000,
      multiplier: 2,
      maxAttempts: Infinity,
      resetAfterMs: 1,
    };
    const top = (): number => 0.999999;
    assert.deepEqual(
      [1, 2, 3, 4, 5, 6, 10, 100].map((n) => backoffDelay(n, opts, top)),
      [499, 999, 1999, 3999, 7999, 9999, 9999, 9999],
    );
    assert.equal(
      backoffDelay(7, opts, () => 0),
      0,
    );
    assert.equal(
      backoffDelay(3, opts, () => 0.5),
      1000,
    );
  });

  test('an injected socket constructor gets the headers; network errors retry until maxAttempts', async () => {
    const log: FeedSocketOptions[] = [];
    const feed = new MarketFeed({
      ...CREDS,
      url: 'ws://feed.invalid/smart-stream',
      WebSocket: refusingSocket(log),
      reconnect: { initialDelayMs: 2, maxDelayMs: 4, maxAttempts: 3 },
    });
    const states: string[] = [];
    const errors: unknown[] = [];
    feed.on('stateChange', ({ to }) => states.push(to));
    feed.on('error', (e) => errors.push(e));
    await assert.rejects(feed.connect(), ConnectionError);
    assert.equal(log.length, 4);
    assert.deepEqual(log[0]!.headers, {
      Authorization: 'Bearer jwt-token-1',
      'x-api-key': 'api-key-1',
      'x-client-code': 'D88311',
      'x-feed-token': 'feed-token-1',
    });
    assert.equal(log[0]!.perMessageDeflate, false);
    assert.deepEqual(states, [
      'connecting',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'reconnecting',
      'connecting',
      'closed',
    ]);
    assert.equal(errors.length, 4);
    assert.ok(errors.every((e) => e instanceof ConnectionError && /ECONNREFUSED/.test(e.message)));
  });

  test('close() during a reconnect delay cancels it; connect() afterwards starts over', async () => {
    const log: FeedSocketOptions[] = [];
    const clock = new ManualClock();
    const feed = new MarketFeed({
      ...CREDS,
      WebSocket: refusingSocket(log),
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 },
      heartbeat: false,
      random: () => 0.5,
      clock,
    });
    feed.on('error', () => {});
    const delays: number[] = [];
    feed.on('reconnecting', (i) => delays.push(i.delayMs));
    const p = feed.connect();
    await eventually(() => assert.equal(feed.state, 'reconnecting'));
    assert.deepEqual(delays, [30_000]);
    assert.deepEqual(clock.scheduled, [30_000], 'the reconnect delay runs on the injected clock');
    await feed.close();
    await assert.rejects(p, (e: unknown) => e instanceof FeedError && e.code === 'CLOSED');
    assert.equal(feed.state, 'closed');
    assert.equal(clock.timers.size, 0, 'close() cleared the reconnect timer');
    // two whole reconnect delays of simulated time: no attempt, the feed stays closed
    await neverWithin(
      60_000,
      () => {
        assert.equal(log.length, 1);
        assert.equal(feed.state, 'closed');
      },
      { clock, message: 'an attempt after close()' },
    );
    const again = feed.connect();
    assert.equal(log.length, 2, 'connect() opens a socket at once');
    await feed.close();
    await assert.rejects(again);
  });

  test('reconnect: false stops after the first loss', async () => {
    const log: FeedSocketOptions[] = [];
    const feed = new MarketFeed({ ...CREDS, WebSocket: refusingSocket(log), reconnect: false });
    feed.on('error', () => {});
    await assert.rejects(feed.connect(), ConnectionError);
    assert.equal(feed.state, 'closed');
    assert.equal(log.length, 1);
  });
});
