/**
 * A feed edge (`smartapi-paper feed-edge --nats <url> --port <p>`): serves `/smart-stream` and
 * `/smart-order-update` like the core, from the market bus. It holds no state beyond its connections:
 * at start it asks the core for the token key and the instrument list (`<p>.edge.hello`), then
 * subscribes on NATS only to the pairs and client codes its own clients hold. Any number of edges may
 * run behind a TCP load balancer; one that dies loses only its own connections.
 */
import { randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Duplex } from 'node:stream';
import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import type { ExchangeType, OrderUpdateMessage } from '@smartapi-ts/protocol';
import { feedAuthInput } from '../ws/market-feed/auth.js';
import { OrderFeed, refuseUpgrade } from '../ws/order-feed.js';
import { routeUpgrades } from '../ws/upgrade.js';
import { EdgeMarketFeed } from './edge-market-feed.js';
import { EdgeSessions } from './edge-sessions.js';
import { decodeSnapshots, type HelloReply, natsConnectError, Subjects } from './subjects.js';

/** Options of {@link startFeedEdge}. */
export interface FeedEdgeOptions {
  /** NATS server URL(s). */
  nats: string;
  /** @default '127.0.0.1' */
  host?: string;
  /** @default 0 (any free port) */
  port?: number;
  prefix?: string;
  /** How long to wait for the core's hello reply, ms. @default 30000 */
  helloTimeoutMs?: number;
  /** Wall clock for token expiry. @default Date.now */
  now?: () => number;
  logger?: { warn(message: string, error?: unknown): void };
}

/** A running feed edge. */
export interface FeedEdge {
  /** `http://HOST:PORT`. */
  readonly url: string;
  readonly id: string;
  readonly marketFeed: EdgeMarketFeed;
  readonly orderFeed: OrderFeed;
  /** Closes every socket, the port and the NATS connection. */
  close(): Promise<void>;
}

function parseJson<T>(data: Uint8Array): T {
  return JSON.parse(Buffer.from(data).toString('utf8')) as T;
}

async function hello(
  nc: NatsConnection,
  subjects: Subjects,
  id: string,
  timeoutMs: number,
): Promise<HelloReply> {
  const until = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < until) {
    try {
      const m = await nc.request(subjects.hello, JSON.stringify({ edge: id }), { timeout: 1000 });
      return parseJson<HelloReply>(m.data);
    } catch (err) {
      last = err;
      await new Promise((r) => setTimeout(r, 250));
    }
  }
  throw new Error(
    `no paper broker core answered on ${subjects.hello} within ${timeoutMs} ms (${String(last)})`,
  );
}

/** Starts a feed edge (see module comment). */
export async function startFeedEdge(opts: FeedEdgeOptions): Promise<FeedEdge> {
  const id = `edge-${randomBytes(6).toString('hex')}`;
  const subjects = new Subjects(opts.prefix);
  const nc = await connect({
    servers: opts.nats,
    name: `smartapi-paper-${id}`,
    maxReconnectAttempts: -1,
  }).catch((err: unknown) => {
    throw natsConnectError(opts.nats, err);
  });
  let server: Server | undefined;
  try {
    const h = await hello(nc, subjects, id, opts.helloTimeoutMs ?? 30_000);
    const instruments = new Set(h.instruments);
    const sessions = new EdgeSessions(Buffer.from(h.jwtSecret, 'hex'), opts.now);

    // ── market data: one NATS subscription per pair some client of this edge holds ──
    const pairSubs = new Map<string, Subscription>();
    let dirty = false;
    const announce = () => {
      dirty = false;
      if (!nc.isClosed())
        nc.publish(subjects.interest, JSON.stringify({ edge: id, pairs: [...pairSubs.keys()] }));
    };
    const marketFeed = new EdgeMarketFeed({
      authenticate: (input) => sessions.authenticateFeed(input),
      source: {
        known: (et: ExchangeType, token: string) => instruments.has(`${et}:${token}`),
        watch(pk, onPacket) {
          const [mode, et, token] = pk.split('|') as [string, string, string];
          pairSubs.set(
            pk,
            nc.subscribe(subjects.marketData(Number(et), token, Number(mode)), {
              callback: (err, msg) => {
                if (!err) onPacket(msg.data);
              },
            }),
          );
          dirty = true;
        },
        unwatch(pk) {
          pairSubs.get(pk)?.unsubscribe();
          pairSubs.delete(pk);
          if (!dirty) queueMicrotask(() => dirty && announce());
          dirty = true;
        },
        async snapshot(pks) {
          if (dirty) announce(); // the core publishes a pair from the moment it knows an edge needs it
          const m = await nc.request(subjects.snapshot, JSON.stringify({ edge: id, pairs: pks }), {
            timeout: 5000,
          });
          return decodeSnapshots(m.data);
        },
      },
      ...(opts.logger ? { logger: opts.logger } : {}),
    });
    const every = setInterval(announce, h.interestEveryMs);
    every.unref();

    // ── order updates: one NATS subscription per client code with an open order-feed socket ──
    const clientSubs = new Map<string, Subscription>();
    const orderFeed = new OrderFeed({
      authenticate(authorization) {
        const a = sessions.checkAccess(authorization);
        if (a.ok && !clientSubs.has(a.clientcode)) {
          clientSubs.set(
            a.clientcode,
            nc.subscribe(subjects.orderUpdates(a.clientcode), {
              callback: (err, msg) => {
                if (err) return;
                const m = parseJson<OrderUpdateMessage>(msg.data);
                orderFeed.publish(m['user-id'], m['order-status'], m.orderData);
              },
            }),
          );
        }
        return a;
      },
    });
    const sweep = setInterval(() => {
      for (const [cc, sub] of clientSubs) {
        if (orderFeed.connections(cc) === 0) {
          sub.unsubscribe();
          clientSubs.delete(cc);
        }
      }
    }, 5000);
    sweep.unref();

    nc.subscribe(subjects.revoked, {
      callback: (err, msg) => {
        if (err) return;
        const { sid } = parseJson<{ sid?: string }>(msg.data);
        if (typeof sid !== 'string') return;
        sessions.revoke(sid);
        marketFeed.dropSession(sid);
        orderFeed.dropSession(sid);
      },
    });

    // ── the port: upgrades after one session check per unknown session / client code ──
    server = createServer((req, res) => {
      if (req.url === '/health') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ status: 'ok', role: 'feed-edge', id }));
        return;
      }
      res.writeHead(404, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: false, message: 'a feed edge serves only the WebSocket feeds' }));
    });
    const srv = server;
    // The core's upgrade router (paths, 404s), driven once the session questions are answered.
    const router = new EventEmitter();
    const feeds = routeUpgrades(router as Server, { marketFeed, orderFeed });
    const routeUpgrade = (req: IncomingMessage, s: Duplex, h: Buffer): void => {
      router.emit('upgrade', req, s, h);
    };
    srv.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      const input = feedAuthInput(req);
      const qi = (req.url ?? '').indexOf('?');
      const jwtQuery =
        qi < 0 ? undefined : new URLSearchParams((req.url ?? '').slice(qi + 1)).get('jwttoken');
      const q = sessions.unknown(
        [input.authorization, input.feedToken, jwtQuery ?? undefined],
        input.clientCode,
      );
      if (q.sids.length === 0 && q.clientcodes.length === 0) {
        routeUpgrade(req, socket, head);
        return;
      }
      socket.pause();
      const asks = [
        ...q.sids.map((sid): { sid?: string; clientcode?: string } => ({ sid })),
        ...q.clientcodes.map((clientcode): { sid?: string; clientcode?: string } => ({ clientcode })),
      ].map(async (body) => {
        const m = await nc.request(subjects.sessionCheck, JSON.stringify(body), { timeout: 3000 });
        const r = parseJson<{ live?: boolean; client?: boolean }>(m.data);
        sessions.learn(body.sid, r.live, body.clientcode, r.client);
      });
      Promise.all(asks).then(
        () => {
          if (socket.destroyed) return;
          socket.resume();
          routeUpgrade(req, socket, head);
        },
        (err: unknown) => {
          opts.logger?.warn('feed edge: session check failed', err);
          refuseUpgrade(socket, 503, 'Service Unavailable');
        },
      );
    });
    await new Promise<void>((resolve, reject) => {
      srv.once('error', reject);
      srv.listen(opts.port ?? 0, opts.host ?? '127.0.0.1', () => resolve());
    });
    const a = srv.address() as AddressInfo;
    const host = a.address.includes(':') ? `[${a.address}]` : a.address;
    let closing: Promise<void> | undefined;
    return {
      url: `http://${host}:${a.port}`,
      id,
      marketFeed,
      orderFeed,
      close() {
        closing ??= (async () => {
          clearInterval(every);
          clearInterval(sweep);
          feeds();
          marketFeed.close();
          orderFeed.close();
          srv.closeAllConnections();
          await new Promise<void>((r) => srv.close(() => r()));
          if (!nc.isClosed()) {
            nc.publish(subjects.interest, JSON.stringify({ edge: id, pairs: [], bye: true }));
            await nc.drain().catch(() => nc.close());
          }
        })();
        return closing;
      },
    };
  } catch (err) {
    server?.close();
    await nc.close();
    throw err;
  }
}
