import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, describe, test } from 'node:test';
import { encodeFeedPacket, type FeedTick } from '@smartapi-ts/protocol';
import { eventually, neverWithin } from '@smartapi-ts/testkit/timing';
import { FeedAuthError, FeedDecodeError, FeedError, InputError } from '../src/errors.js';
import { MarketFeed } from '../src/feeds/index.js';
import { Instruments } from '../src/instruments/index.js';
import { CREDS, type FeedServer, nextEvent, startFeedServer } from './feed-helpers.js';
import { depth20Tick, ltpTick, quoteTick, snapQuoteTick } from './feed-samples.js';
import { ManualClock } from './support/rest-fakes.js';

const servers: FeedServer[] = [];
const feeds: MarketFeed[] = [];
after(async () => {
  await Promise.all(feeds.map((f) => f.close()));
  await Promise.all(servers.map((s) => s.close()));
});

async function setup(
  opts: Parameters<typeof startFeedServer>[0] = {},
  feedOpts: Partial<ConstructorParameters<typeof MarketFeed>[0]> = {},
): Promise<{ server: FeedServer; feed: MarketFeed }> {
  const server = await startFeedServer(opts);
  servers.push(server);
  const feed = new MarketFeed({
    ...CREDS,
    url: server.url,
    reconnect: { initialDelayMs: 5, maxDelayMs: 20 },
    ...feedOpts,
  });
  feeds.push(feed);
  return { server, feed };
}

describe('MarketFeed decoding', () => {
  test('sends the upgrade headers and decodes every mode, including fragmented frames', async () => {
    const { server, feed } = await setup();
    const got: FeedTick[] = [];
    feed.on('tick', (t) => got.push(t));
    await feed.connect();
    const conn = await server.waitForConnections(1);
    assert.equal(conn.headers.authorization, 'Bearer jwt-token-1');
    assert.equal(conn.headers['x-api-key'], 'api-key-1');
    assert.equal(conn.headers['x-client-code'], 'D88311');
    assert.equal(conn.headers['x-feed-token'], 'feed-token-1');

    const sent = [ltpTick(), quoteTick(), snapQuoteTick(), depth20Tick(), snapQuoteTick('99926000', 7, 13)];
    for (const t of sent) conn.ws.send(encodeFeedPacket(t));
    // one SnapQuote split over three WebSocket fragments
    const frame = encodeFeedPacket(snapQuoteTick('2885', 42));
    conn.ws.send(frame.subarray(0, 100), { fin: false, binary: true });
    conn.ws.send(frame.subarray(100, 200), { fin: false, binary: true });
    conn.ws.send(frame.subarray(200), { fin: true, binary: true });
    await eventually(() => assert.equal(got.length, 6), { message: 'six ticks' });
    for (let i = 0; i < sent.length; i++) assert.deepEqual(got[i], sent[i]);
    assert.deepEqual(got[5], snapQuoteTick('2885', 42));
    const ltp = got[0]!;
    assert.equal(ltp.mode, 1);
    if (ltp.mode === 1) assert.equal(ltp.lastTradedPrice, 568.2);
  });

  test('rawPrices delivers wire integers', async () => {
    const { server, feed } = await setup({}, { rawPrices: true });
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const p = nextEvent<[FeedTick]>(feed, 'tick');
    conn.ws.send(encodeFeedPacket(ltpTick()));
    const [tick] = await p;
    assert.equal(tick.mode === 1 && tick.lastTradedPrice, 56820);
  });

  test('bad binary frames produce FeedDecodeError events and the feed keeps running', async () => {
    const { server, feed } = await setup();
    const errors: FeedError[] = [];
    const ticks: FeedTick[] = [];
    feed.on('error', (e) => errors.push(e as FeedError));
    feed.on('tick', (t) => ticks.push(t));
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const good = encodeFeedPacket(quoteTick());
    conn.ws.send(good.subarray(0, 60)); // truncated
    conn.ws.send(Buffer.from([5, 1, 0x33])); // unknown mode
    conn.ws.send(Buffer.alloc(0)); // empty
    conn.ws.send(good);
    await eventually(() => assert.equal(ticks.length, 1), { message: 'the good tick' });
    assert.deepEqual(
      errors.map((e) => [e instanceof FeedDecodeError, e.code]),
      [
        [true, 'TRUNCATED'],
        [true, 'UNKNOWN_MODE'],
        [true, 'EMPTY'],
      ],
    );
    assert.equal(feed.state, 'open');
    assert.equal(server.conns.length, 1);
  });

  test('trailing bytes are ignored by default and rejected with strict', async () => {
    const { server, feed } = await setup({}, { strict: true });
    const errors: FeedError[] = [];
    feed.on('error', (e) => errors.push(e as FeedError));
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const long = Buffer.concat([encodeFeedPacket(ltpTick()), Buffer.from([1, 2, 3])]);
    conn.ws.send(long);
    await eventually(() => assert.equal(errors.length, 1));
    assert.equal(errors[0]!.code, 'TOO_LONG');

    const lenient = await setup();
    const ticks: FeedTick[] = [];
    lenient.feed.on('tick', (t) => ticks.push(t));
    await lenient.feed.connect();
    (await lenient.server.waitForConnections(1)).ws.send(long);
    await eventually(() => assert.equal(ticks.length, 1));
    assert.deepEqual(ticks[0], ltpTick());
  });

  test('venue error frames become typed FeedError events', async () => {
    const { server, feed } = await setup();
    await feed.connect();
    const conn = await server.waitForConnections(1);
    const p = nextEvent<[FeedError]>(feed, 'error');
    conn.ws.send(
      JSON.stringify({
        correlationID: 'abcde12345',
        errorCode: 'E1002',
        errorMessage: 'Invalid Request. Subscription Limit Exceeded',
      }),
    );
    const [err] = await p;
    assert.ok(err instanceof FeedError);
    assert.equal(err.code, 'E1002');
    assert.match(err.message, /Subscription Limit Exceeded.*abcde12345/);
    const p2 = nextEvent<[FeedError]>(feed, 'error');
    conn.ws.send(
      JSON.stringify({ correlationID: '', errorCode: 'E1001', errorMessage: 'Invalid Request Payload.' }),
    );
    assert.equal((await p2)[0].code, 'E1001');
    assert.equal(feed.state, 'open');
  });
});

describe('MarketFeed subscriptions', () => {
  test('accepts every token-list shape and mode names, sends only new pairs', async () => {
    const { server, feed } = await setup();
    await feed.connect();
    const conn = await server.waitForConnections(1);
    feed.subscribe('ltp', [{ exchangeType: 1, tokens: ['3045', '2885'] }]);
    feed.subscribe(
      1,
      ['nse_cm|3045', 'NFO|35003', { exchange: 'BSE', token: 500325 }, { exch_seg: 'MCX', token: '1' }],
      {
        correlationId: 'abc123abc1',
      },
    );
    feed.subscribe('snapQuote', [{ exchangeType: 'nse_cm', token: '3045' }]);
    feed.subscribe('ltp', ['nse_cm|2885']); // nothing new: nothing sent
    await eventually(() => assert.equal(conn.requests.length, 3));
    assert.deepEqual(conn.requests[0]!.params, {
      mode: 1,
      tokenList: [{ exchangeType: 1, tokens: ['3045', '2885'] }],
    });
    assert.equal(conn.requests[0]!.action, 1);
    assert.match(conn.requests[0]!.correlationID ?? '', /^[a-z0-9]{10}$/);
    assert.deepEqual(conn.requests[1], {
      correlationID: 'abc123abc1',
      action: 1,
      params: {
        mode: 1,
        tokenList: [
          { exchangeType: 2, tokens: ['35003'] },
          { exchangeType: 3, tokens: ['500325'] },
          { exchangeType: 5, tokens: ['1'] },
        ],
      },
    });
    assert.deepEqual(conn.requests[2]!.params, {
      mode: 3,
      tokenList: [{ exchangeType: 1, tokens: ['3045'] }],
    });
    assert.equal(feed.subscriptionCount, 6);

    feed.unsubscribe('ltp', ['nse_cm|2885', 'nse_cm|9999']);
    await eventually(() => assert.equal(conn.requests.length, 4));
    assert.deepEqual(conn.requests[3]!.action, 0);
    assert.deepEqual(conn.requests[3]!.params, {
      mode: 1,
      tokenList: [{ exchangeType: 1, tokens: ['2885'] }],
    });
    assert.deepEqual(feed.subscriptions, {
      1: [
        { exchangeType: 1, tokens: ['3045'] },
        { exchangeType: 2, tokens: ['35003'] },
        { exchangeType: 3, tokens: ['500325'] },
        { exchangeType: 5, tokens: ['1'] },
      ],
      3: [{ exchangeType: 1, tokens: ['3045'] }],
    });
  });

  test('instrument objects from the scrip-master index subscribe as they are', () => {
    const ins = Instruments.fromRows(
      JSON.parse(
        readFileSync(new URL('../../../fixtures/instruments/scrip-master.json', import.meta.url), 'utf8'),
      ) as unknown[],
    );
    const sbin = ins.bySymbol('NSE', 'SBIN');
    const fut = ins.future('NIFTY', { at: new Date('2024-01-01T00:00:00Z') });
    assert.ok(sbin && fut, 'fixture has SBIN-EQ and a NIFTY future');
    const feed = new MarketFeed({ ...CREDS, url: 'ws://127.0.0.1:9/unused' });
    feed.subscribe('quote', [sbin, fut]);
    assert.deepEqual(feed.subscriptions, {
      2: [
        { exchangeType: 1, tokens: [sbin.token] },
        { exchangeType: fut.exchangeType, tokens: [fut.token] },
      ],
    });
    assert.equal(fut.exchangeType, 2, 'NFO is nse_fo');
  });

  test('enforces the venue limits client-side with InputError and changes nothing', async () => {
    const feed = new MarketFeed({ ...CREDS, url: 'ws://127.0.0.1:9/unused' });
    const code = (fn: () => void): string => {
      try {
        fn();
      } catch (e) {
        assert.ok(e instanceof InputError, String(e));
        return e.code;
      }
      return 'no error';
    };
    assert.equal(
      code(() => feed.subscribe('depth20', ['nse_fo|35003'])),
      'DEPTH20_EXCHANGE',
    );
    const fiftyOne = Array.from({ length: 51 }, (_, i) => `nse_cm|${i + 1}`);
    assert.equal(
      code(() => feed.subscribe(4, fiftyOne)),
      'DEPTH20_LIMIT',
    );
    assert.equal(
      code(() => feed.subscribe(4, fiftyOne.slice(0, 50))),
      'no error',
    );
    assert.equal(
      code(() => feed.subscribe(5 as 1, ['nse_cm|1'])),
      'INVALID_MODE',
    );
    assert.equal(
      code(() => feed.subscribe('full' as 'ltp', ['nse_cm|1'])),
      'INVALID_MODE',
    );
    assert.equal(
      code(() => feed.subscribe(1, ['xx_cm|1'])),
      'INVALID_EXCHANGE',
    );
    assert.equal(
      code(() => feed.subscribe(1, [{ exchangeType: 6 as 1, tokens: ['1'] }])),
      'INVALID_EXCHANGE',
    );
    assert.equal(
      code(() => feed.subscribe(1, ['nse_cm|'])),
      'INVALID_TOKEN',
    );
    assert.equal(
      code(() => feed.subscribe(1, ['3045'])),
      'INVALID_TOKEN',
    );
    const many = Array.from({ length: 950 }, (_, i) => `nse_fo|${i + 1}`);
    assert.equal(
      code(() => feed.subscribe(1, many)),
      'no error',
    );
    assert.equal(feed.subscriptionCount, 1000);
    assert.equal(
      code(() => feed.subscribe(2, ['nse_cm|1'])),
      'SUBSCRIPTION_LIMIT',
    );
    assert.equal(
      code(() => feed.subscribe(1, ['nse_fo|1'])),
      'no error',
    ); // duplicate: not counted
    assert.equal(feed.subscriptionCount, 1000);
    assert.equal(feed.state, 'idle');
  });

  test('resubscribes after 20 drops in a row with exactly the current set', async () => {
    const drops = 20;
    const { server, feed } = await setup({
      onConnection: (conn, n) => {
        if (n > drops) return;
        // drop connection n once its whole resubscription arrived (it follows reconnect attempt n − 1:
        // two modes until attempt 10 adds a third), alternating a hard and a clean loss
        const want = n - 1 < 10 ? 2 : 3;
        conn.ws.on('message', () => {
          if (conn.requests.length === want) n % 2 ? conn.ws.terminate() : conn.ws.close();
        });
      },
    });
    feed.subscribe('ltp', ['nse_cm|3045', 'nse_cm|2885']);
    feed.subscribe('snapQuote', ['nse_fo|35003']);
    const reconnects: number[] = [];
    feed.on('reconnecting', ({ attempt }) => {
      reconnects.push(attempt);
      if (attempt === 5) feed.unsubscribe('ltp', ['nse_cm|2885']);
      if (attempt === 10) feed.subscribe('quote', ['bse_cm|500325']);
    });
    let opens = 0;
    feed.on('open', () => opens++);
    await feed.connect();
    const last = await server.waitForConnections(drops + 1);
    await eventually(() => assert.ok(last.requests.length >= 3, 'last.requests.length >= 3'), {
      message: 'resubscription on the last connection',
    });
    assert.equal(opens, drops + 1);
    assert.deepEqual(
      reconnects,
      Array.from({ length: drops }, (_, i) => i + 1),
    );
    const setOf = (i: number): string[] => {
      const out: string[] = [];
      for (const r of server.conns[i]!.requests) {
        assert.equal(r.action, 1, 'only subscribe requests are replayed');
        for (const g of r.params.tokenList)
          for (const t of g.tokens) out.push(`${r.params.mode}:${g.exchangeType}:${t}`);
      }
      return out.sort();
    };
    const first = ['1:1:2885', '1:1:3045', '3:2:35003'];
    const middle = ['1:1:3045', '3:2:35003'];
    const lastSet = ['1:1:3045', '2:3:500325', '3:2:35003'];
    for (let i = 0; i <= drops; i++) {
      // connection i+1 follows reconnect attempt i
      const expected = i < 5 ? first : i < 10 ? middle : lastSet;
      await eventually(
        () => assert.ok(setOf(i).length >= expected.length, 'setOf(i).length >= expected.length'),
        {
          timeout: 2000,
          message: `requests of connection ${i + 1}`,
        },
      );
      assert.deepEqual(setOf(i), expected, `connection ${i + 1}`);
    }
    assert.equal(feed.state, 'open');
  });

  test('a heartbeat timeout detects a frozen server and reconnects', async () => {
    const { server, feed } = await setup(
      { frozen: true },
      { heartbeat: { intervalMs: 10, timeoutMs: 80 }, reconnect: { initialDelayMs: 5, maxDelayMs: 10 } },
    );
    const p = nextEvent<[FeedError]>(feed, 'error');
    await feed.connect();
    const [err] = await p;
    assert.equal(err.code, 'HEARTBEAT_TIMEOUT');
    await server.waitForConnections(2);
    assert.ok(server.conns[0]!.pings >= 1, 'the client sent text pings');
  });

  test('pongs keep a quiet connection alive', async () => {
    const { server, feed } = await setup({}, { heartbeat: { intervalMs: 10, timeoutMs: 400 } });
    const errors: unknown[] = [];
    feed.on('error', (e) => errors.push(e));
    await feed.connect();
    await eventually(
      () => assert.ok((server.conns[0]?.pings ?? 0) >= 60, '(server.conns[0]?.pings ?? 0) >= 60'),
      { message: '60 pings' },
    );
    assert.deepEqual(errors, []);
    assert.equal(server.conns.length, 1);
    assert.equal(feed.state, 'open');
  });

  test('an auth failure on upgrade stops without looping and surfaces x-error-message', async () => {
    const clock = new ManualClock();
    const { server, feed } = await setup(
      { refuse: { status: 401, message: 'Invalid Header - Invalid Feed Token' } },
      { clock },
    );
    const states: string[] = [];
    feed.on('stateChange', ({ to }) => states.push(to));
    const errors: unknown[] = [];
    feed.on('error', (e) => errors.push(e));
    let reconnecting = 0;
    feed.on('reconnecting', () => reconnecting++);
    const stream = feed.ticks();
    await assert.rejects(feed.connect(), (e: unknown) => {
      assert.ok(e instanceof FeedAuthError);
      assert.equal(e.code, '401');
      assert.match(e.message, /Invalid Header - Invalid Feed Token/);
      return true;
    });
    await assert.rejects(stream.next(), FeedAuthError);
    assert.equal(server.attempts, 1);
    assert.equal(clock.timers.size, 0, 'no reconnect timer was scheduled');
    // far beyond the 20 ms backoff cap of setup(): a retry would open a socket (state 'connecting')
    await neverWithin(
      60_000,
      () => {
        assert.equal(reconnecting, 0);
        assert.deepEqual(states, ['connecting', 'closed']);
      },
      { clock, message: 'a retry after an auth failure' },
    );
    assert.equal(server.attempts, 1);
    assert.equal(errors.length, 1);
    assert.ok(feed.lastError instanceof FeedAuthError);
  });

  test('429 on upgrade backs off and retries; reconnect can be limited', async () => {
    const { server, feed } = await setup(
      { refuse: { status: 429 } },
      { reconnect: { initialDelayMs: 5, maxDelayMs: 10, maxAttempts: 3 } },
    );
    const infos: { attempt: number; code: string | undefined }[] = [];
    feed.on('reconnecting', (i) =>
      infos.push({ attempt: i.attempt, code: (i.error as FeedError | undefined)?.code }),
    );
    feed.on('error', () => {});
    await assert.rejects(feed.connect(), (e: unknown) => e instanceof FeedError && e.code === '429');
    assert.deepEqual(infos, [
      { attempt: 1, code: '429' },
      { attempt: 2, code: '429' },
      { attempt: 3, code: '429' },
    ]);
    assert.equal(server.attempts, 4);
    assert.equal(feed.state, 'closed');
  });
});
