import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { decodeFeedPacket, MARKET_FEED_PATH } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';

/** The composed server routes `/smart-stream` upgrades to the market feed, authenticated by the session layer. */
describe('market feed through the composed server', () => {
  let b: PaperBroker;
  let tokens: { jwtToken: string; feedToken: string };
  before(async () => {
    b = await startPaperBroker();
    tokens = await b.login();
  });
  after(() => b.close());

  function open(headers: Record<string, string>, query = ''): Promise<WebSocket> {
    const ws = new WebSocket(b.wsUrl + MARKET_FEED_PATH + query, { headers });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(ws));
      ws.once('unexpected-response', (_req, res) =>
        reject(
          Object.assign(new Error(`HTTP ${res.statusCode}`), {
            status: res.statusCode,
            message: res.headers['x-error-message'],
          }),
        ),
      );
      ws.once('error', reject);
    });
  }

  it('accepts client code + feed token (official headers) and streams a decodable LTP tick', async () => {
    const ws = await open({
      Authorization: `Bearer ${tokens.jwtToken}`,
      'x-api-key': b.account.apiKey,
      'x-client-code': b.account.clientcode,
      'x-feed-token': tokens.feedToken,
    });
    try {
      const frame = new Promise<Buffer>((resolve) =>
        ws.once('message', (d: Buffer, isBinary: boolean) => isBinary && resolve(d)),
      );
      ws.send(
        JSON.stringify({
          correlationID: 'abc123',
          action: 1,
          params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] },
        }),
      );
      const tick = decodeFeedPacket(new Uint8Array(await frame));
      assert.equal(tick.token, '3045');
      assert.equal(tick.exchangeType, 1);
    } finally {
      ws.close();
    }
  });

  it('streams with any x-api-key value (a client that sends a placeholder key streams live)', async () => {
    for (const key of ['YOUR_API_KEY', 'x']) {
      const ws = await open({
        'x-api-key': key,
        'x-client-code': b.account.clientcode,
        'x-feed-token': tokens.feedToken,
      });
      try {
        const frame = new Promise<Buffer>((resolve) =>
          ws.once('message', (d: Buffer, isBinary: boolean) => isBinary && resolve(d)),
        );
        ws.send(
          JSON.stringify({
            correlationID: 'key123',
            action: 1,
            params: { mode: 1, tokenList: [{ exchangeType: 1, tokens: ['3045'] }] },
          }),
        );
        assert.equal(decodeFeedPacket(new Uint8Array(await frame)).token, '3045');
      } finally {
        ws.close();
      }
    }
  });

  it('accepts the browser query form and refuses a bad feed token with 401 + x-error-message', async () => {
    const ws = await open(
      {},
      `?clientCode=${b.account.clientcode}&feedToken=${tokens.feedToken}&apiKey=${b.account.apiKey}`,
    );
    ws.close();
    await assert.rejects(
      open({ 'x-client-code': b.account.clientcode, 'x-feed-token': 'nope' }),
      (e: { status?: number; message?: string }) => {
        assert.equal(e.status, 401);
        assert.equal(e.message, 'Invalid Header - Invalid Feed Token');
        return true;
      },
    );
  });
});
