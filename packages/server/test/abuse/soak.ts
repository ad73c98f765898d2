/**
 * The long soak of the security suite (`npm run soak`, not part of `npm test`): one paper broker on
 * 127.0.0.1 under mixed abuse for `SOAK_SECONDS` (default 180 s) — REST order traffic of a legitimate
 * client, a brute-force login loop (locked out, unlocked every 30 s), forged refresh tokens, and feed
 * flooders that reconnect as soon as they are dropped. Samples RSS and `/health` latency every 5 s and
 * fails (exit 1) when RSS grows by more than `SOAK_MAX_GROWTH_MB` (default 96), or the heap after a
 * full GC by more than half that, between the first and the last third of the run, or when `/health`
 * ever takes more than 2 s.
 *
 * Run: `npm run soak` (or `SOAK_SECONDS=600 npm run soak`).
 */

import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { MARKET_FEED_PATH, ORDER_FEED_PATH, ROUTES } from '@smartapi-ts/protocol';
import { startPaperBroker } from '@smartapi-ts/testkit';
import WebSocket from 'ws';
import { ist, sbinOrder, venue } from '../admin-helpers.js';

const seconds = Number(process.env.SOAK_SECONDS ?? 180);
// A hung soak is a failure too.
setTimeout(
  () => {
    console.error('soak hung');
    process.exit(1);
  },
  (seconds + 120) * 1000,
).unref();
const maxGrowthMb = Number(process.env.SOAK_MAX_GROWTH_MB ?? 96);
const broker = await startPaperBroker({ start: ist('10:00') });
const end = Date.now() + seconds * 1000;
const live = () => Date.now() < end;
const tokens = await broker.login();
const counts = { orders: 0, logins: 0, forged: 0, floodConnections: 0 };

async function orderTraffic(): Promise<void> {
  while (live()) {
    const r = await venue(
      broker,
      tokens.jwtToken,
      'placeOrder',
      sbinOrder({ ordertype: 'LIMIT', price: '700', quantity: '1' }),
    );
    const id = r.body?.data?.orderid as string | undefined;
    if (id) await venue(broker, tokens.jwtToken, 'cancelOrder', { variety: 'NORMAL', orderid: id });
    await venue(broker, tokens.jwtToken, 'getOrderBook');
    counts.orders++;
  }
}

async function bruteForce(): Promise<void> {
  let last = Date.now();
  while (live()) {
    const res = await fetch(broker.url + ROUTES.loginByPassword.path, {
      method: 'POST',
      headers: broker.headers(),
      body: JSON.stringify({
        clientcode: ` ${broker.account.clientcode.toLowerCase()}`,
        password: String(counts.logins % 10000).padStart(4, '0'),
        totp: '000000',
      }),
    });
    await res.arrayBuffer();
    counts.logins++;
    if (Date.now() - last > 30_000) {
      await broker.admin('POST', `accounts/${broker.account.clientcode}/unlock`, {});
      last = Date.now();
    }
  }
}

async function forged(): Promise<void> {
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url');
  while (live()) {
    const t = `eyJhbGciOiJIUzUxMiJ9.${b64({ username: `U${counts.forged}`.padEnd(2000, 'X'), sid: 's', typ: 'refresh', iat: 1, exp: 4e9, jti: 'j' })}.x`;
    const res = await fetch(broker.url + ROUTES.generateTokens.path, {
      method: 'POST',
      headers: broker.headers(),
      body: JSON.stringify({ refreshToken: t }),
    });
    await res.arrayBuffer();
    counts.forged++;
  }
}

async function flooder(path: string, frame: string): Promise<void> {
  while (live()) {
    const headers =
      path === MARKET_FEED_PATH
        ? {
            'x-api-key': broker.account.apiKey,
            'x-client-code': broker.account.clientcode,
            'x-feed-token': tokens.feedToken,
          }
        : { Authorization: `Bearer ${tokens.jwtToken}` };
    const ws = new WebSocket(broker.wsUrl + path, { headers });
    const socket = () => (ws as unknown as { _socket?: { pause(): void; resume(): void } })._socket;
    await new Promise<void>((resolve) => {
      // A paused socket never sees the server's close: read again after 3 s, give up after 6 s.
      const resume = setTimeout(() => socket()?.resume(), 3000);
      const giveUp = setTimeout(() => resolve(), 6000);
      const done = () => {
        clearTimeout(resume);
        clearTimeout(giveUp);
        resolve();
      };
      ws.once('open', () => {
        counts.floodConnections++;
        socket()?.pause();
        const pump = () => {
          if (ws.readyState !== WebSocket.OPEN || !live()) return;
          for (let i = 0; i < 100 && ws.bufferedAmount < 1 << 20; i++) ws.send(frame);
          setTimeout(pump, 5);
        };
        pump();
      });
      ws.once('close', done);
      ws.once('error', done);
      ws.once('unexpected-response', done);
    });
    ws.terminate();
    await new Promise((r) => setTimeout(r, 200));
  }
}

/** A full garbage collection (so heap samples show what is retained, not what is not yet collected). */
function collectGarbage(): void {
  setFlagsFromString('--expose-gc');
  (runInNewContext('gc') as () => void)();
}

const samples: { t: number; rssMb: number; heapMb: number; healthMs: number }[] = [];
async function sampler(): Promise<void> {
  const t0 = Date.now();
  while (live()) {
    const s = Date.now();
    const h = await fetch(`${broker.url}/health`);
    await h.arrayBuffer();
    const healthMs = Date.now() - s;
    collectGarbage();
    const m = process.memoryUsage();
    samples.push({
      t: Math.round((Date.now() - t0) / 1000),
      rssMb: Math.round(m.rss / 2 ** 20),
      heapMb: Math.round(m.heapUsed / 2 ** 20),
      healthMs,
    });
    await new Promise((r) => setTimeout(r, 5000));
  }
}

await Promise.all([
  orderTraffic(),
  bruteForce(),
  forged(),
  flooder(MARKET_FEED_PATH, 'x'),
  flooder(MARKET_FEED_PATH, 'ping'),
  flooder(ORDER_FEED_PATH, 'ping'),
  sampler(),
]);
await broker.close();

const third = Math.max(1, Math.floor(samples.length / 3));
const avg = (xs: typeof samples, k: 'rssMb' | 'heapMb') => xs.reduce((a, s) => a + s[k], 0) / xs.length;
const growth = avg(samples.slice(-third), 'rssMb') - avg(samples.slice(0, third), 'rssMb');
const heapGrowth = avg(samples.slice(-third), 'heapMb') - avg(samples.slice(0, third), 'heapMb');
const worstHealth = Math.max(...samples.map((s) => s.healthMs));
const summary = {
  seconds,
  counts,
  rssGrowthMb: Math.round(growth),
  heapGrowthMb: Math.round(heapGrowth),
  worstHealthMs: worstHealth,
};
console.log(JSON.stringify({ ...summary, samples }));
// The bound is on retained memory (heap after a full GC) and on RSS (with its allocator slack).
if (heapGrowth > maxGrowthMb / 2 || growth > maxGrowthMb || worstHealth > 2000) {
  console.error(
    `soak failed (max RSS growth ${maxGrowthMb} MB, heap ${maxGrowthMb / 2} MB): ${JSON.stringify(summary)}`,
  );
  process.exit(1);
}
console.error(`soak ok: ${JSON.stringify(summary)}`);
