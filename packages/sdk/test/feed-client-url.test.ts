// fromClient() derives the feed URLs from the client's REST root, so a client pointed at the paper
// broker never sends its tokens to the venue's sockets by accident.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { DEFAULT_ROOT_URL } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { SmartApi } from '../src/client.js';
import { feedUrlFromRoot, MarketFeed, OrderFeed } from '../src/feeds/index.js';

let broker: PaperBroker;
let api: SmartApi;

before(async () => {
  broker = await startPaperBroker({ market: 'static' });
  api = new SmartApi({ apiKey: broker.account.apiKey, root: broker.url, rateLimit: false });
  await api.login({
    clientCode: broker.account.clientcode,
    password: broker.account.password,
    totpSecret: broker.account.totpSecret,
  });
});

after(async () => {
  api?.close();
  await broker?.close();
});

test('feedUrlFromRoot: explicit url wins; the venue root keeps the default; other roots map to ws(s)', () => {
  assert.equal(feedUrlFromRoot('http://127.0.0.1:8080', '/smart-stream'), 'ws://127.0.0.1:8080/smart-stream');
  assert.equal(
    feedUrlFromRoot('https://paper.example:9/', '/smart-order-update'),
    'wss://paper.example:9/smart-order-update',
  );
  assert.equal(feedUrlFromRoot('http://127.0.0.1:8080', '/smart-stream', 'ws://x/y'), 'ws://x/y');
  assert.equal(feedUrlFromRoot(DEFAULT_ROOT_URL, '/smart-stream'), undefined);
  assert.equal(feedUrlFromRoot(`${DEFAULT_ROOT_URL}/`, '/smart-stream'), undefined);
  assert.equal(feedUrlFromRoot(undefined, '/smart-stream'), undefined);
});

test('MarketFeed.fromClient / OrderFeed.fromClient connect to the paper broker without a url option', async () => {
  const market = MarketFeed.fromClient(api);
  assert.equal(market.url, `${broker.wsUrl}/smart-stream`);
  const orders = OrderFeed.fromClient(api, { reconcile: false });
  try {
    const ready = new Promise<void>((resolve) => orders.once('connected', () => resolve()));
    await Promise.all([market.connect(), orders.connect()]);
    await ready;
    assert.equal(market.state, 'open');
    assert.equal(orders.state, 'open');
  } finally {
    await market.close();
    await orders.close();
  }
  // An explicit url still wins.
  const explicit = MarketFeed.fromClient(api, { url: 'ws://127.0.0.1:9/custom' });
  assert.equal(explicit.url, 'ws://127.0.0.1:9/custom');
});
