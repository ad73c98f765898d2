/**
 * `/smart-stream` on a feed edge: the core's market feed (`ws/market-feed/`) with packets from the bus
 * instead of a local market. It reuses the core's modules for everything a client sees — upgrade
 * credentials and refusals and the connection limit (`auth.ts`), request validation and pair keys
 * (`subscriptions.ts`), text/error frames (`connection.ts`), the slow-consumer policy (`fanout.ts`,
 * `../outbound.ts`) — and replaces only the data side: a pair's packets come from
 * `<p>.md.<exchangeType>.<token>.<mode>` (subscribed on NATS while some client of this edge holds the
 * pair), and the snapshot of a new subscription from the core's `<p>.edge.snapshot` reply. A snapshot
 * that arrives after a live packet of the same pair is dropped (the live one is newer).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  type ExchangeType,
  FEED_LIMITS,
  type FeedMode,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
} from '@smartapi-ts/protocol';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import {
  ClientSlots,
  type MarketFeedAuthInput,
  type MarketFeedAuthResult,
  upgradeFeed,
} from '../ws/market-feed/auth.js';
import { type Conn, messageText, Packet, sendError, sendText } from '../ws/market-feed/connection.js';
import { framePacket } from '../ws/market-feed/encoding.js';
import { Fanout } from '../ws/market-feed/fanout.js';
import type { MarketFeedLimits } from '../ws/market-feed/feed.js';
import { type ParsedRequest, pairKey, parseRequest } from '../ws/market-feed/subscriptions.js';
import { closeFlooder, closeForLogout, InboundLimiter } from '../ws/outbound.js';

/** The bus side an edge feed needs. */
export interface EdgePacketSource {
  /** True when `exchangeType:token` is an instrument of the core's universe. */
  known(exchangeType: ExchangeType, token: string): boolean;
  /** Starts receiving a pair's packets (first holder on this edge). */
  watch(pk: string, onPacket: (bytes: Uint8Array) => void): void;
  /** Stops receiving a pair (last holder gone). */
  unwatch(pk: string): void;
  /** The current packets of pairs (undefined: no quote yet). */
  snapshot(pks: string[]): Promise<(Uint8Array | undefined)[]>;
}

/** Options of {@link EdgeMarketFeed}. */
export interface EdgeMarketFeedOptions {
  source: EdgePacketSource;
  authenticate(input: MarketFeedAuthInput): MarketFeedAuthResult;
  limits?: MarketFeedLimits;
  logger?: { warn(message: string, error?: unknown): void };
}

/** An edge connection: the core's {@link Conn} plus the pairs whose snapshot is still on its way. */
interface EdgeConn extends Conn {
  awaitingSnapshot: Set<string>;
}

/** The edge's market feed (see module comment). */
export class EdgeMarketFeed {
  private readonly wss: WebSocketServer;
  private readonly slots: ClientSlots;
  private readonly maxSubs: number;
  private readonly maxDepth: number;
  private readonly fanout: Fanout;
  private readonly conns = new Set<EdgeConn>();
  /** pair key → connections holding it. */
  private readonly holders = new Map<string, Set<EdgeConn>>();
  private closed = false;
  /** Packets delivered to sockets (benchmarks). */
  delivered = 0;
  /** Order of creation of the packets (coalesced packets flush in this order). */
  private version = 0;

  constructor(private readonly opts: EdgeMarketFeedOptions) {
    const l = opts.limits ?? {};
    this.slots = new ClientSlots(l.connectionsPerClient ?? FEED_LIMITS.connectionsPerClient);
    this.maxSubs = l.subscriptionsPerConnection ?? FEED_LIMITS.subscriptionsPerConnection;
    this.maxDepth = l.depth20TokensPerRequest ?? FEED_LIMITS.depth20TokensPerRequest;
    const hwm = l.highWaterMark ?? 1024 * 1024;
    this.fanout = new Fanout(
      {
        highWaterMark: hwm,
        lowWaterMark: l.lowWaterMark ?? Math.floor(hwm / 4),
        drainCheckMs: l.drainCheckMs ?? 25,
      },
      () => undefined,
      // Packets reach an edge already encoded (framed once on arrival, see `packet`): nothing to encode.
      () => null,
    );
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: l.maxPayload ?? 256 * 1024,
    });
  }

  /** Open connections. */
  get connections(): number {
    return this.conns.size;
  }

  /** Authenticates and upgrades a `/smart-stream` request, or refuses it (401 / 429), as the core does. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const opts = this.opts;
    upgradeFeed(
      {
        isClosed: () => this.closed,
        wss: this.wss,
        slots: this.slots,
        authenticate: (input) => opts.authenticate(input),
        logger: opts.logger,
        label: 'edge feed',
        attach: (ws, client, release, sid) => this.attach(ws, client, release, sid),
      },
      req,
      socket,
      head,
    );
  }

  /** Closes the connections opened with a session's feed token (the session logged out). */
  dropSession(sid: string): void {
    for (const c of [...this.conns]) if (c.sid === sid) closeForLogout(c.ws);
  }

  /** Closes every connection (1001). Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.fanout.close();
    for (const c of this.conns) {
      c.closed = true;
      try {
        c.ws.close(1001, 'server shutting down');
      } catch {
        c.ws.terminate();
      }
      for (const pk of c.subs) this.release(c, pk);
    }
    this.conns.clear();
    this.wss.close();
  }

  private attach(ws: WebSocket, clientCode: string, release: () => void, sid?: string): void {
    const conn: EdgeConn = {
      ws,
      clientCode,
      sid,
      inbound: new InboundLimiter(),
      subs: new Set(),
      pending: undefined,
      batch: [],
      batchBytes: 0,
      closed: false,
      awaitingSnapshot: new Set(),
    };
    this.conns.add(conn);
    ws.on('message', (data: RawData) => this.onMessage(conn, data));
    ws.on('error', () => {
      // the 'close' event follows
    });
    ws.on('close', () => {
      conn.closed = true;
      release();
      this.conns.delete(conn);
      this.fanout.forget(conn);
      for (const pk of conn.subs) this.release(conn, pk);
      conn.subs.clear();
    });
  }

  /** A bus packet as the fan-out's shared packet: framed once, sent to every holder. */
  private packet(pk: string, bytes: Uint8Array): Packet {
    const mode = Number(pk.slice(0, pk.indexOf('|'))) as FeedMode;
    return new Packet(pk, this.version++, undefined, mode, framePacket(bytes));
  }

  private hold(conn: EdgeConn, pk: string): void {
    let set = this.holders.get(pk);
    if (!set) {
      set = new Set();
      this.holders.set(pk, set);
      const holders = set;
      this.opts.source.watch(pk, (bytes) => {
        const packet = this.packet(pk, bytes);
        for (const c of holders) {
          c.awaitingSnapshot.delete(pk);
          this.fanout.send(c, packet);
          this.delivered++;
        }
      });
    }
    set.add(conn);
  }

  private release(conn: EdgeConn, pk: string): void {
    const set = this.holders.get(pk);
    if (!set) return;
    set.delete(conn);
    conn.awaitingSnapshot.delete(pk);
    if (set.size === 0) {
      this.holders.delete(pk);
      this.opts.source.unwatch(pk);
    }
  }

  private onMessage(conn: EdgeConn, data: RawData): void {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    if (!conn.inbound.take()) {
      closeFlooder(conn.ws);
      return;
    }
    const text = messageText(data);
    if (text === HEARTBEAT_PING) {
      sendText(conn, HEARTBEAT_PONG, undefined);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      sendError(conn, '', ErrorCode.FEED_INVALID_PAYLOAD, undefined);
      return;
    }
    const parsed = parseRequest(json, this.maxDepth);
    if (typeof parsed === 'string') {
      sendError(conn, parsed, ErrorCode.FEED_INVALID_PAYLOAD, undefined);
      return;
    }
    if (parsed.action === 1) this.subscribe(conn, parsed);
    else this.unsubscribe(conn, parsed);
  }

  private subscribe(conn: EdgeConn, req: ParsedRequest): void {
    const fresh: string[] = [];
    const seen = new Set<string>();
    let unknown = false;
    for (const g of req.groups) {
      for (const token of g.tokens) {
        const pk = pairKey(req.mode, g.exchangeType, token);
        if (conn.subs.has(pk) || seen.has(pk)) continue;
        if (!this.opts.source.known(g.exchangeType, token)) {
          unknown = true;
          continue;
        }
        seen.add(pk);
        fresh.push(pk);
      }
    }
    if (conn.subs.size + fresh.length > this.maxSubs) {
      sendError(conn, req.correlationID, ErrorCode.FEED_SUBSCRIPTION_LIMIT, undefined);
      return;
    }
    for (const pk of fresh) {
      conn.subs.add(pk);
      conn.awaitingSnapshot.add(pk);
      this.hold(conn, pk);
    }
    if (unknown) sendError(conn, req.correlationID, ErrorCode.FEED_INVALID_PAYLOAD, undefined);
    if (fresh.length === 0) return;
    this.opts.source.snapshot(fresh).then(
      (packets) => {
        fresh.forEach((pk, i) => {
          const bytes = packets[i];
          if (!conn.awaitingSnapshot.delete(pk) || !bytes || !conn.subs.has(pk)) return;
          this.fanout.send(conn, this.packet(pk, bytes));
        });
      },
      (err: unknown) => {
        for (const pk of fresh) conn.awaitingSnapshot.delete(pk);
        this.opts.logger?.warn('edge feed: snapshot failed', err);
      },
    );
  }

  private unsubscribe(conn: EdgeConn, req: ParsedRequest): void {
    for (const g of req.groups) {
      for (const token of g.tokens) {
        const pk = pairKey(req.mode, g.exchangeType, token);
        if (!conn.subs.delete(pk)) continue;
        this.release(conn, pk);
        conn.pending?.delete(pk);
      }
    }
  }
}
