/**
 * Client child process of the fanout benchmark: opens N bare `ws` clients to a market-feed URL, each
 * with its own credentials, subscribes each to the same token list, and counts the binary frames
 * (ticks) they receive during the measured window.
 *
 * argv: CONFIG_FILE (JSON {@link ClientsConfig}).
 * stdout: `{"event":"subscribed"}` once every client is connected and subscribed, then one JSON line
 * {@link ClientsResult}.
 */
import { readFileSync } from 'node:fs';
import { decodeFeedPacket, FeedAction, type FeedRequest, type FeedTokenGroup } from '@smartapi-ts/protocol';
import WebSocket from 'ws';

/** Input of this child. */
export interface ClientsConfig {
  url: string;
  clients: { clientCode: string; feedToken: string; jwtToken: string; apiKey: string }[];
  tokenList: FeedTokenGroup[];
  mode: 1 | 2 | 3;
  warmupMs: number;
  durationMs: number;
}

/** Output of this child. */
export interface ClientsResult {
  event: 'result';
  /** Binary frames received by all clients in the measured window. */
  frames: number;
  seconds: number;
  /** Fewest / most frames one client received in the window. */
  minPerClient: number;
  maxPerClient: number;
  /** Sampled frames that decoded to a subscribed token in the subscribed mode / sampled. */
  sampledOk: number;
  sampled: number;
  /** Text frames (errors) received during the whole run, with the first one. */
  textFrames: number;
  firstText?: string;
}

const file = process.argv[2];
if (file === undefined) {
  process.stderr.write('usage: clients-child.ts CONFIG_FILE\n');
  process.exit(2);
}
const cfg = JSON.parse(readFileSync(file, 'utf8')) as ClientsConfig;
const subscribed = new Set(cfg.tokenList.flatMap((g) => g.tokens.map((t) => `${g.exchangeType}:${t}`)));
const counts = new Array<number>(cfg.clients.length).fill(0);
let measuring = false;
let sampled = 0;
let sampledOk = 0;
let seen = 0;
let textFrames = 0;
let firstText: string | undefined;

const sockets = await Promise.all(
  cfg.clients.map(
    (c, i) =>
      new Promise<WebSocket>((resolve, reject) => {
        const ws = new WebSocket(cfg.url, {
          headers: {
            Authorization: `Bearer ${c.jwtToken}`,
            'x-api-key': c.apiKey,
            'x-client-code': c.clientCode,
            'x-feed-token': c.feedToken,
          },
          perMessageDeflate: false,
        });
        ws.on('message', (data: Buffer, isBinary: boolean) => {
          if (!isBinary) {
            textFrames++;
            firstText ??= data.toString('utf8').slice(0, 200);
            return;
          }
          if (!measuring) return;
          counts[i] = (counts[i] ?? 0) + 1;
          if (++seen % 997 === 0) {
            sampled++;
            const t = decodeFeedPacket(data);
            if (t.mode === cfg.mode && subscribed.has(`${t.exchangeType}:${t.token}`)) sampledOk++;
          }
        });
        ws.once('open', () => {
          const req: FeedRequest = {
            correlationID: `bench${i}`,
            action: FeedAction.SUBSCRIBE,
            params: { mode: cfg.mode, tokenList: cfg.tokenList },
          };
          ws.send(JSON.stringify(req));
          resolve(ws);
        });
        ws.once('error', reject);
        ws.once('unexpected-response', (_req, res) =>
          reject(
            new Error(
              `upgrade refused: HTTP ${res.statusCode} ${String(res.headers['x-error-message'] ?? '')}`,
            ),
          ),
        );
      }),
  ),
);
process.stdout.write(`${JSON.stringify({ event: 'subscribed' })}\n`);
await new Promise((r) => setTimeout(r, cfg.warmupMs));
measuring = true;
const t0 = performance.now();
await new Promise((r) => setTimeout(r, cfg.durationMs));
measuring = false;
const seconds = (performance.now() - t0) / 1000;
const result: ClientsResult = {
  event: 'result',
  frames: counts.reduce((a, b) => a + b, 0),
  seconds,
  minPerClient: Math.min(...counts),
  maxPerClient: Math.max(...counts),
  sampledOk,
  sampled,
  textFrames,
  ...(firstText !== undefined ? { firstText } : {}),
};
process.stdout.write(`${JSON.stringify(result)}\n`);
for (const ws of sockets) ws.terminate();
process.exit(0);
