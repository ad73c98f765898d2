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

  test('heartbeat, watchdog and reconnect delay run on the injected clock', async () => {
    const clock = new ManualClock();
    const sockets: { sent: string[] }[] = [];
    const OpeningSocket = class extends EventEmitter implements FeedSocket {
      readyState = 0;
      sent: string[] = [];
      constructor() {
        super();
        sockets.push(this);
        setImmediate(() => {
          this.readyState = 1;
          this.emit('open');
        });
      }
      send(text: string): void {
        this.sent.push(text);
      }
      close(): void {
        this.terminate();
      }
      terminate(): void {
        if (this.readyState === 3) return;
        this.readyState = 3;
        this.emit('close', 1006, Buffer.alloc(0));
      }
    } as unknown as FeedSocketConstructor;
    const feed = new MarketFeed({
      ...CREDS,
      WebSocket: OpeningSocket,
      clock,
      heartbeat: { intervalMs: 10_000, timeoutMs: 20_000 },
      reconnect: { initialDelayMs: 1000, maxDelayMs: 1000 },
      random: () => 0.5,
    });
    const errors: FeedError[] = [];
    feed.on('error', (e) => errors.push(e as FeedError));
    await feed.connect();
    // a silent socket survives just under 20 s of simulated time, pinging every 10 s
    await neverWithin(19_999, () => assert.deepEqual(errors, []), { clock, message: 'a heartbeat timeout' });
    assert.deepEqual(sockets[0]!.sent, ['ping']);
    clock.advance(1);
    assert.equal(errors[0]?.code, 'HEARTBEAT_TIMEOUT');
    assert.equal(feed.state, 'reconnecting');
    // the reconnect delay (0.5 × 1000 ms) is simulated time too
    await neverWithin(499, () => assert.equal(sockets.length, 1), { clock, message: 'an early reconnect' });
    clock.advance(1);
    assert.equal(sockets.length, 2);
    await eventually(() => assert.equal(feed.state, 'open'));
    await feed.close();
    assert.equal(clock.timers.size, 0, 'close() cleared every timer');
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
