/**
 * The market bus with a real nats-server (started and stopped here; when it cannot be installed the
 * test fails with the reason): ticks through a feed edge are byte for byte the core's for the same
 * instant (manual clock), and an order update reaches the right account's sockets on every edge and
 * never another account's.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeFeedPacket, type FeedTick } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { type NatsServer, startNatsServer } from '@smartapi-ts/testkit/nats';
import { eventually, neverWithin } from '@smartapi-ts/testkit/timing';
import WebSocket from 'ws';
import { type CoreBus, type FeedEdge, startCoreBus, startFeedEdge } from '../src/bus/index.js';

interface Tap {
  ws: WebSocket;
  packets: Buffer[];
  texts: string[];
}

async function open(url: string, headers: Record<string, string>): Promise<Tap> {
  const ws = new WebSocket(url, { headers });
  const tap: Tap = { ws, packets: [], texts: [] };
  ws.on('message', (data, isBinary) => {
    if (isBinary) tap.packets.push(Buffer.from(data as Buffer));
    else tap.texts.push(String(data));
  });
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_q, r) =>
      reject(new Error(`HTTP ${r.statusCode} ${r.headers['x-error-message']}`)),
    );
    ws.once('error', reject);
  });
  return tap;
}

const wsOf = (url: string) => url.replace(/^http/, 'ws');

describe('market bus over NATS', () => {
  let nats: NatsServer;
  let broker: PaperBroker;
  let bus: CoreBus;
  const edges: FeedEdge[] = [];
  const sockets: WebSocket[] = [];

  before(async () => {
    nats = await startNatsServer();
    broker = await startPaperBroker({ market: 'sim', clock: 'manual' });
    const s = broker.server;
    bus = await startCoreBus({
      url: nats.url,
      market: s.market,
      orderFeed: s.orderFeed,
      sessions: s.sessions,
      store: s.store,
    });
    edges.push(await startFeedEdge({ nats: nats.url }), await startFeedEdge({ nats: nats.url }));
  });
  after(async () => {
    for (const ws of sockets) ws.terminate();
    for (const e of edges) await e.close();
    await bus?.close();
    await broker?.close();
    await nats?.stop();
  });

  it('ticks through an edge equal the core’s, byte for byte, for the same instants', async () => {
    broker.advance(60_000);
    const tokens = await broker.login();
    const headers = {
      Authorization: `Bearer ${tokens.jwtToken}`,
      'x-api-key': broker.account.apiKey,
      'x-client-code': broker.account.clientcode,
      'x-feed-token': tokens.feedToken,
    };
    const core = await open(`${broker.wsUrl}/smart-stream`, headers);
    const edge = await open(`${wsOf(edges[0]!.url)}/smart-stream`, headers);
    sockets.push(core.ws, edge.ws);
    const request = (mode: number) =>
      JSON.stringify({
        correlationID: `m${mode}`,
        action: 1,
        params: { mode, tokenList: [{ exchangeType: 1, tokens: ['3045', '2885'] }] },
      });
    for (const mode of [1, 2, 3, 4]) {
      core.ws.send(request(mode));
      edge.ws.send(request(mode));
    }
    // snapshots: 2 tokens × 4 modes on each socket, at the same instant (the clock does not move)
    await eventually(
      () => {
        assert.equal(core.packets.length, 8);
        assert.equal(edge.packets.length, 8);
      },
      { message: 'eight snapshots on each socket' },
    );
    const key = (b: Buffer) => {
      const t = decodeFeedPacket(new Uint8Array(b)) as FeedTick;
      return `${t.mode}|${t.token}`;
    };
    const byKey = (list: Buffer[]) => new Map(list.map((b) => [key(b), b.toString('hex')]));
    assert.deepEqual(byKey(edge.packets), byKey(core.packets), 'snapshots equal');
    assert.deepEqual(edge.texts, [], 'no error frames on the edge');

    // live ticks: every quote change of the two tokens is 4 packets (one per mode) on each socket
    let changes = 0;
    const off = broker.market.onQuote((q) => {
      if (q.exchange === 'NSE' && (q.token === '3045' || q.token === '2885')) changes++;
    });
    try {
      for (let step = 0; step < 5; step++) broker.advance(1000);
    } finally {
      off();
    }
    assert.ok(changes > 0, 'the market moved');
    await eventually(
      () => {
        assert.equal(core.packets.length, 8 + 4 * changes);
        assert.equal(edge.packets.length, 8 + 4 * changes);
      },
      { message: 'every live tick on both sockets' },
    );
    assert.deepEqual(
      edge.packets.map((b) => b.toString('hex')),
      core.packets.map((b) => b.toString('hex')),
      'the same packets in the same order',
    );
    await neverWithin(200, () => edge.packets.length === core.packets.length, {
      message: 'the edge sends nothing the core did not',
    });
  });

  it('an unknown token gets E1001 on the edge as on the core, and a bad feed token the same 401', async () => {
    const tokens = await broker.login();
    const headers = {
      Authorization: `Bearer ${tokens.jwtToken}`,
      'x-api-key': broker.account.apiKey,
      'x-client-code': broker.account.clientcode,
      'x-feed-token': tokens.feedToken,
    };
    const core = await open(`${broker.wsUrl}/smart-stream`, headers);
    const edge = await open(`${wsOf(edges[1]!.url)}/smart-stream`, headers);
    sockets.push(core.ws, edge.ws);
    const req = JSON.stringify({
      correlationID: 'x1',
      action: 1,
      params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['99999999'] }] },
    });
    core.ws.send(req);
    edge.ws.send(req);
    await eventually(() => {
      assert.equal(core.texts.length, 1);
      assert.equal(edge.texts.length, 1);
    });
    assert.equal(edge.texts[0], core.texts[0]);
    const refusal = async (url: string) => {
      const r = await open(url, { ...headers, 'x-feed-token': `${tokens.feedToken}x` }).then(
        () => 'opened',
        (e: Error) => e.message,
      );
      return r;
    };
    assert.equal(
      await refusal(`${wsOf(edges[1]!.url)}/smart-stream`),
      await refusal(`${broker.wsUrl}/smart-stream`),
    );
    assert.match(
      await refusal(`${wsOf(edges[1]!.url)}/smart-stream`),
      /^HTTP 401 Invalid Header - Invalid Feed Token/,
    );
  });

  it('an edge with no core on its bus fails to start and says why', async () => {
    await assert.rejects(
      startFeedEdge({ nats: nats.url, prefix: 'nobody-home', helloTimeoutMs: 300 }),
      /no paper broker core answered on nobody-home\.edge\.hello within 300 ms/,
    );
  });

  it('an order update reaches the right account’s sockets on every edge and never another’s', async () => {
    const a = broker.account;
    const b = await broker.createAccount();
    const ta = await broker.login(a);
    const tb = await broker.login(b);
    const auth = (jwt: string) => ({ Authorization: `Bearer ${jwt}` });
    const coreA = await open(`${broker.wsUrl}/smart-order-update`, auth(ta.jwtToken));
    const edgeA0 = await open(`${wsOf(edges[0]!.url)}/smart-order-update`, auth(ta.jwtToken));
    const edgeA1 = await open(`${wsOf(edges[1]!.url)}/smart-order-update`, auth(ta.jwtToken));
    const edgeB0 = await open(`${wsOf(edges[0]!.url)}/smart-order-update`, auth(tb.jwtToken));
    const edgeB1 = await open(`${wsOf(edges[1]!.url)}/smart-order-update`, auth(tb.jwtToken));
    sockets.push(coreA.ws, edgeA0.ws, edgeA1.ws, edgeB0.ws, edgeB1.ws);
    for (const t of [coreA, edgeA0, edgeA1, edgeB0, edgeB1])
      await eventually(() => assert.equal(t.texts.length, 1, 'AB00'));
    const res = await fetch(`${broker.url}/rest/secure/angelbroking/order/v1/placeOrder`, {
      method: 'POST',
      headers: broker.headers(ta.jwtToken, a),
      body: JSON.stringify({
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'DELIVERY',
        duration: 'DAY',
        price: '750',
        quantity: '1',
      }),
    });
    const body = (await res.json()) as { status: boolean; message: string };
    assert.equal(body.status, true, body.message);
    await eventually(() => assert.ok(coreA.texts.length > 1, 'the core sent the update'));
    await eventually(
      () => {
        assert.deepEqual(edgeA0.texts, coreA.texts);
        assert.deepEqual(edgeA1.texts, coreA.texts);
      },
      { message: 'both edges relay A’s updates exactly' },
    );
    await neverWithin(300, () => edgeB0.texts.length === 1 && edgeB1.texts.length === 1, {
      message: 'B never sees A’s order',
    });
    // logout of A's session closes its edge sockets too
    const closed = new Promise<number>((r) => edgeA0.ws.once('close', (code) => r(code)));
    const out = await fetch(`${broker.url}/rest/secure/angelbroking/user/v1/logout`, {
      method: 'POST',
      headers: broker.headers(ta.jwtToken, a),
      body: JSON.stringify({ clientcode: a.clientcode }),
    });
    assert.equal(((await out.json()) as { status: boolean }).status, true);
    assert.equal(await closed, 1008);
    const again = (url: string) =>
      open(`${url}/smart-order-update`, auth(ta.jwtToken)).then(
        () => 'opened',
        (e: Error) => e.message,
      );
    assert.equal(await again(wsOf(edges[0]!.url)), 'HTTP 401 Invalid Token', 'a logged-out token is refused');
    assert.equal(await again(wsOf(edges[1]!.url)), await again(broker.wsUrl), 'as the core refuses it');
  });
});
