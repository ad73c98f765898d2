import assert from 'node:assert/strict';
import { after, describe, test } from 'node:test';
import { encodeFeedPacket, type FeedTick } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { FeedError } from '../src/errors.js';
import { FeedStream, MarketFeed, tickKey } from '../src/feeds/index.js';
import { CREDS, type FeedServer, startFeedServer } from './feed-helpers.js';
import { ltpTick, snapQuoteTick } from './feed-samples.js';

const servers: FeedServer[] = [];
const feeds: MarketFeed[] = [];
after(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  await Promise.all(servers.map((s) => s.close()));
});

async function setup(): Promise<{ server: FeedServer; feed: MarketFeed }> {
  const server = await startFeedServer();
  servers.push(server);
  const feed = new MarketFeed({
    ...CREDS,
    url: server.url,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
  });
  feeds.push(feed);
  return { server, feed };
}

describe('FeedStream buffer', () => {
  const noop = (): void => {};

  test('passes items through in order while below the bound', async () => {
    const s = new FeedStream<FeedTick>(10, tickKey, noop);
    for (let i = 0; i < 10; i++) s.push(ltpTick('1', i));
    assert.equal(s.buffered, 10);
    for (let i = 0; i < 10; i++) {
      const r = await s.next();
      assert.equal(!r.done && r.value.mode === 1 && r.value.sequenceNumber, i);
    }
    assert.equal(s.stats.coalesced, 0);
  });

  test('coalesces latest per key beyond the bound and drops oldest keys beyond it', async () => {
    const s = new FeedStream<FeedTick>(4, tickKey, noop);
    for (let i = 0; i < 1000; i++) s.push(ltpTick(String(i % 3), i));
    assert.ok(s.buffered <= 4);
    const seen: string[] = [];
    while (s.buffered > 0) {
      const r = await s.next();
      if (!r.done && r.value.mode === 1) seen.push(`${r.value.token}:${r.value.sequenceNumber}`);
    }
    assert.deepEqual(seen.sort(), ['0:999', '1:997', '2:998']);
    const d = new FeedStream<FeedTick>(4, tickKey, noop);
    for (let i = 0; i < 10; i++) d.push(ltpTick(String(i), i));
    assert.equal(d.buffered, 4);
    assert.equal(d.stats.dropped, 6);
    const r = await d.next();
    assert.equal(!r.done && r.value.token, '6');
  });

  test('ends on abort, and rethrows a terminal error after draining', async () => {
    const ac = new AbortController();
    const s = new FeedStream<FeedTick>(4, tickKey, noop, ac.signal);
    const pending = s.next();
    ac.abort();
    assert.deepEqual(await pending, { value: undefined, done: true });
    const e = new FeedStream<FeedTick>(4, tickKey, noop);
    e.push(ltpTick());
    e.end(new FeedError('boom', 'X'));
    assert.equal((await e.next()).done, false);
    await assert.rejects(e.next(), /boom/);
  });
});

describe('MarketFeed streaming', () => {
  test('a sleeping for-await consumer keeps memory bounded and gets the latest tick per token', async () => {
    const { server, feed } = await setup();
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const stream = feed.ticks({ bufferSize: 64 });
    let received = 0;
    feed.on('tick', () => received++);
    const total = 20_000;
    const tokens = 10;
    const frames = Array.from({ length: total }, (_, i) =>
      encodeFeedPacket(snapQuoteTick(String(1000 + (i % tokens)), i)),
    );
    for (const f of frames) conn.ws.send(f);
    // the consumer "sleeps" until everything has arrived
    await eventually(() => assert.equal(received, total), { timeout: 10_000, message: 'all ticks' });
    assert.ok(stream.stats.maxBuffered <= 64, `maxBuffered ${stream.stats.maxBuffered}`);
    assert.ok(stream.buffered <= tokens);
    assert.equal(stream.stats.dropped, 0);
    assert.ok(stream.stats.coalesced >= total - 64 - tokens);
    const last = new Map<string, number>();
    for await (const tick of stream) {
      if (tick.mode === 3) last.set(tick.token, tick.sequenceNumber);
      if (stream.buffered === 0) break;
    }
    assert.equal(last.size, tokens);
    for (let t = 0; t < tokens; t++) assert.equal(last.get(String(1000 + t)), total - tokens + t);
  });

  test('for await ends when the feed closes; abort ends only that iterator', async () => {
    const { server, feed } = await setup();
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const ac = new AbortController();
    const aborted = feed.ticks({ signal: ac.signal });
    const all: number[] = [];
    const consumer = (async () => {
      for await (const t of feed.ticks()) if (t.mode === 1) all.push(t.sequenceNumber);
    })();
    conn.ws.send(encodeFeedPacket(ltpTick('1', 1)));
    await eventually(() => assert.equal(all.length, 1));
    ac.abort();
    assert.equal((await aborted.next()).value?.mode, 1); // buffered before the abort
    assert.equal((await aborted.next()).done, true);
    conn.ws.send(encodeFeedPacket(ltpTick('1', 2)));
    await eventually(() => assert.equal(all.length, 2));
    await feed.close();
    await consumer;
    assert.deepEqual(all, [1, 2]);
    assert.equal(feed.state, 'closed');
  });

  test('two feeds in one process share no listeners, subscriptions or sockets', async () => {
    const a = await setup();
    const b = await setup();
    const ticksA: string[] = [];
    const ticksB: string[] = [];
    a.feed.on('tick', (t) => ticksA.push(t.token));
    b.feed.on('tick', (t) => ticksB.push(t.token));
    a.feed.subscribe('ltp', ['nse_cm|111']);
    b.feed.subscribe('ltp', ['nse_cm|222']);
    await Promise.all([a.feed.connect(), b.feed.connect()]);
    const ca = await a.server.waitForConnections(1);
    const cb = await b.server.waitForConnections(1);
    await eventually(() =>
      assert.ok(
        ca.requests.length === 1 && cb.requests.length === 1,
        'ca.requests.length === 1 && cb.requests.length === 1',
      ),
    );
    assert.deepEqual(ca.requests[0]!.params.tokenList, [{ exchangeType: 1, tokens: ['111'] }]);
    assert.deepEqual(cb.requests[0]!.params.tokenList, [{ exchangeType: 1, tokens: ['222'] }]);
    ca.ws.send(encodeFeedPacket(ltpTick('111')));
    cb.ws.send(encodeFeedPacket(ltpTick('222')));
    cb.ws.send(encodeFeedPacket(ltpTick('222')));
    await eventually(() =>
      assert.ok(ticksA.length === 1 && ticksB.length === 2, 'ticksA.length === 1 && ticksB.length === 2'),
    );
    assert.deepEqual(ticksA, ['111']);
    assert.deepEqual(ticksB, ['222', '222']);
    assert.equal(a.feed.listenerCount('tick'), 1);
    await a.feed.close();
    assert.equal(a.feed.state, 'closed');
    assert.equal(b.feed.state, 'open');
    cb.ws.send(encodeFeedPacket(ltpTick('222')));
    await eventually(() => assert.equal(ticksB.length, 3));
    assert.deepEqual(b.feed.subscriptions, { 1: [{ exchangeType: 1, tokens: ['222'] }] });
  });

  test('a throwing tick listener is reported as an error and does not stop the feed', async () => {
    const { server, feed } = await setup();
    const errors: FeedError[] = [];
    feed.on('error', (e) => errors.push(e as FeedError));
    let calls = 0;
    feed.on('tick', () => {
      calls++;
      throw new Error('user bug');
    });
    await feed.connect();
    const conn = await server.waitForConnections(1);
    conn.ws.send(encodeFeedPacket(ltpTick()));
    conn.ws.send(encodeFeedPacket(ltpTick()));
    await eventually(() => assert.equal(calls, 2));
    assert.equal(errors.length, 2);
    assert.equal(errors[0]!.code, 'LISTENER_ERROR');
    assert.equal(feed.state, 'open');
  });
});
