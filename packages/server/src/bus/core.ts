/**
 * The core side of the market bus (`serve --nats <url>`): publishes the already-encoded market-feed
 * packets of the pairs some edge needs, and every order update, to NATS; answers the edges' hello,
 * snapshot and session-check requests. Subjects and payloads: `subjects.ts` and docs/scaling.md.
 *
 * Packets are published only for the pairs (token × mode) some live edge announced on
 * `<p>.edge.interest`: an edge that stops announcing for three periods is forgotten, so a dead edge
 * costs the core nothing after a few seconds.
 */

import { connect, type NatsConnection, type Subscription } from '@nats-io/transport-node';
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  EXCHANGE_TYPE_TO_EXCHANGE,
  type ExchangeType,
  encodeFeedPacket,
  FeedMode,
  type OrderUpdateCode,
  type OrderUpdateData,
  type OrderUpdateMessage,
} from '@smartapi-ts/protocol';
import type { SessionService } from '../identity/sessions.js';
import type { Market, Quote } from '../market/types.js';
import type { Store } from '../storage/types.js';
import { quoteToTick } from '../ws/market-feed/index.js';
import type { OrderFeed } from '../ws/order-feed.js';
import { encodeSnapshots, type HelloReply, natsConnectError, SnapshotStatus, Subjects } from './subjects.js';

/** How often edges re-announce their interest, ms. */
export const INTEREST_EVERY_MS = 2000;

/** What the core bus attaches to. */
export interface CoreBusOptions {
  /** NATS server URL(s), e.g. `nats://127.0.0.1:4222`. */
  url: string;
  market: Market;
  orderFeed: OrderFeed;
  sessions: SessionService;
  store: Store;
  /** Wall clock for session expiry. @default Date.now */
  now?: () => number;
  prefix?: string;
  logger?: { warn(message: string, error?: unknown): void };
}

/** Counters of a core bus. */
export interface CoreBusStats {
  packetsPublished: number;
  orderUpdatesPublished: number;
  edges: number;
  /** Pairs (token × mode) some edge needs. */
  pairs: number;
}

/** A running core bus; `close()` drains and disconnects. */
export interface CoreBus {
  stats(): CoreBusStats;
  close(): Promise<void>;
}

/** Parses a pair key `mode|exchangeType|token`. */
function parsePair(pk: unknown): { mode: FeedMode; exchangeType: ExchangeType; token: string } | undefined {
  if (typeof pk !== 'string') return undefined;
  const [m, e, token] = pk.split('|');
  const mode = Number(m);
  const exchangeType = Number(e) as ExchangeType;
  if (!(mode >= 1 && mode <= 4) || !EXCHANGE_TYPE_TO_EXCHANGE[exchangeType] || !token) return undefined;
  return { mode: mode as FeedMode, exchangeType, token };
}

function json(data: Uint8Array): Record<string, unknown> {
  try {
    const v: unknown = JSON.parse(Buffer.from(data).toString('utf8'));
    return typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Connects to NATS and starts publishing (see module comment). */
export async function startCoreBus(opts: CoreBusOptions): Promise<CoreBus> {
  const nc: NatsConnection = await connect({ servers: opts.url, name: 'smartapi-paper-core' }).catch(
    (err: unknown) => {
      throw natsConnectError(opts.url, err);
    },
  );
  const subjects = new Subjects(opts.prefix);
  const now = opts.now ?? Date.now;
  const stats = { packetsPublished: 0, orderUpdatesPublished: 0 };
  /** edge id → its pairs and when it last announced them. */
  const edges = new Map<string, { pairs: Set<string>; seen: number }>();
  /** `exchangeType:token` → mode → number of edges needing it. */
  const interest = new Map<string, Map<FeedMode, number>>();

  const addInterest = (pk: string, delta: number) => {
    const p = parsePair(pk);
    if (!p) return;
    const key = `${p.exchangeType}:${p.token}`;
    let modes = interest.get(key);
    if (!modes) {
      if (delta < 0) return;
      modes = new Map();
      interest.set(key, modes);
    }
    const n = (modes.get(p.mode) ?? 0) + delta;
    if (n > 0) modes.set(p.mode, n);
    else modes.delete(p.mode);
    if (modes.size === 0) interest.delete(key);
  };
  const setEdge = (edge: string, pairs: Set<string>) => {
    const old = edges.get(edge);
    if (old) for (const pk of old.pairs) if (!pairs.has(pk)) addInterest(pk, -1);
    for (const pk of pairs) if (!old?.pairs.has(pk)) addInterest(pk, 1);
    edges.set(edge, { pairs, seen: Date.now() });
  };
  const expire = setInterval(() => {
    const cutoff = Date.now() - 3 * INTEREST_EVERY_MS;
    for (const [edge, e] of edges)
      if (e.seen < cutoff) {
        for (const pk of e.pairs) addInterest(pk, -1);
        edges.delete(edge);
      }
  }, INTEREST_EVERY_MS);
  expire.unref();

  const encode = (q: Quote, mode: FeedMode): Uint8Array | undefined => {
    try {
      const depth = mode === FeedMode.DEPTH_20 ? opts.market.depth?.(q.exchange, q.token, 20) : undefined;
      return encodeFeedPacket(quoteToTick(q, mode, depth), { rawPrices: true });
    } catch (err) {
      opts.logger?.warn(`bus: cannot encode ${q.exchange}:${q.token} mode ${mode}`, err);
      return undefined;
    }
  };

  // ── market data ──
  const offQuote = opts.market.onQuote(
    (q) => {
      const exchangeType = EXCHANGE_TO_EXCHANGE_TYPE[q.exchange];
      const modes = interest.get(`${exchangeType}:${q.token}`);
      if (!modes) return;
      for (const mode of modes.keys()) {
        const bytes = encode(q, mode);
        if (!bytes) continue;
        nc.publish(subjects.marketData(exchangeType, q.token, mode), bytes);
        stats.packetsPublished++;
      }
    },
    // only the tokens some edge wants: the synthetic market then builds no quote for the others
    (exchange, token) => interest.has(`${EXCHANGE_TO_EXCHANGE_TYPE[exchange]}:${token}`),
  );

  // ── order updates: every frame the core's order feed sends, for edges ──
  const orderFeed = opts.orderFeed;
  const localPublish = orderFeed.publish.bind(orderFeed);
  orderFeed.publish = (clientcode: string, code: OrderUpdateCode, data: OrderUpdateData) => {
    localPublish(clientcode, code, data);
    const msg: OrderUpdateMessage = {
      'user-id': clientcode,
      'status-code': '200',
      'order-status': code,
      'error-message': '',
      orderData: data,
    };
    if (nc.isClosed()) return;
    nc.publish(subjects.orderUpdates(clientcode), JSON.stringify(msg));
    stats.orderUpdatesPublished++;
  };

  // ── sessions ──
  let revokeOn = true;
  opts.sessions.onRevoke((sid) => {
    if (revokeOn && !nc.isClosed()) nc.publish(subjects.revoked, JSON.stringify({ sid }));
  });

  // ── requests of the edges ──
  const subs: Subscription[] = [];
  const serve = (subject: string, fn: (data: Uint8Array) => Uint8Array | string) => {
    subs.push(
      nc.subscribe(subject, {
        callback: (err, msg) => {
          if (err) return;
          try {
            msg.respond(fn(msg.data));
          } catch (e) {
            opts.logger?.warn(`bus: ${subject} failed`, e);
          }
        },
      }),
    );
  };
  serve(subjects.hello, () => {
    const secret = opts.store.meta.get('jwt_secret') ?? '';
    const reply: HelloReply = {
      jwtSecret: secret,
      instruments: opts.market
        .instruments()
        .map((i) => `${EXCHANGE_TO_EXCHANGE_TYPE[i.exchange]}:${i.token}`),
      interestEveryMs: INTEREST_EVERY_MS,
    };
    return JSON.stringify(reply);
  });
  serve(subjects.sessionCheck, (data) => {
    const req = json(data);
    const out: { live?: boolean; client?: boolean } = {};
    if (typeof req.sid === 'string') {
      const s = opts.store.sessions.get(req.sid);
      out.live =
        s !== undefined &&
        s.revokedAt === 0 &&
        s.expiresAt > now() &&
        opts.store.accounts.get(s.clientcode) !== undefined;
    }
    if (typeof req.clientcode === 'string')
      out.client = opts.store.accounts.get(req.clientcode) !== undefined;
    return JSON.stringify(out);
  });
  serve(subjects.snapshot, (data) => {
    const req = json(data);
    const pairs = Array.isArray(req.pairs) ? req.pairs : [];
    const items: (Uint8Array | 0 | 1)[] = [];
    for (const pk of pairs) {
      const p = parsePair(pk);
      const exchange = p && EXCHANGE_TYPE_TO_EXCHANGE[p.exchangeType];
      if (!p || !exchange || !opts.market.instrument(exchange, p.token)) {
        items.push(SnapshotStatus.UNKNOWN);
        continue;
      }
      const q = opts.market.quote(exchange, p.token);
      const bytes = q && encode(q, p.mode);
      items.push(bytes ?? SnapshotStatus.NO_QUOTE);
    }
    return encodeSnapshots(items);
  });
  subs.push(
    nc.subscribe(subjects.interest, {
      callback: (err, msg) => {
        if (err) return;
        const req = json(msg.data);
        if (typeof req.edge !== 'string' || !Array.isArray(req.pairs)) return;
        if (req.bye === true) setEdge(req.edge, new Set());
        else setEdge(req.edge, new Set(req.pairs.filter((x): x is string => typeof x === 'string')));
        if (req.bye === true) edges.delete(req.edge);
      },
    }),
  );
  await nc.flush();

  let closing: Promise<void> | undefined;
  return {
    stats: () => {
      let pairs = 0;
      for (const m of interest.values()) pairs += m.size;
      return { ...stats, edges: edges.size, pairs };
    },
    close() {
      closing ??= (async () => {
        clearInterval(expire);
        offQuote();
        revokeOn = false;
        orderFeed.publish = localPublish;
        try {
          await nc.drain();
        } catch {
          await nc.close();
        }
      })();
      return closing;
    },
  };
}
