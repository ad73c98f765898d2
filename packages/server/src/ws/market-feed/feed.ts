/**
 * The market feed's facade: upgrades (auth and the connection limit: `auth.ts`), client requests
 * (`subscriptions.ts`), quote fan-out (`fanout.ts`) with packets encoded once per quote and mode
 * (`encoding.ts`).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  ErrorCode,
  EXCHANGE_TO_EXCHANGE_TYPE,
  EXCHANGE_TYPE_TO_EXCHANGE,
  type ExchangeType,
  encodeFeedPacket,
  FEED_LIMITS,
  FeedMode,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
} from '@smartapi-ts/protocol';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import { isSteppedMarket } from '../../market/stepped.js';
import type { Market, Quote } from '../../market/types.js';
import type { FeedGate } from '../feed-gate.js';
import { closeFlooder, closeForLogout, InboundLimiter } from '../outbound.js';
import { ClientSlots, type MarketFeedAuthInput, type MarketFeedAuthResult, upgradeFeed } from './auth.js';
import { type Conn, messageText, Packet, sendError, sendText } from './connection.js';
import { framePacket, ltpFrame, quoteToTick } from './encoding.js';
import { Fanout } from './fanout.js';
import { type ParsedRequest, pairKey, parseRequest, SubscriptionIndex } from './subscriptions.js';

/** Limits of the feed (defaults are the venue's). */
export interface MarketFeedLimits {
  /** @default 3 */
  connectionsPerClient?: number;
  /** Token-mode pairs per connection. @default 1000 */
  subscriptionsPerConnection?: number;
  /** Depth-20 tokens per request. @default 50 */
  depth20TokensPerRequest?: number;
  /** Bytes buffered on a socket before its ticks are coalesced. @default 1 MiB */
  highWaterMark?: number;
  /** Buffered bytes below which coalesced ticks are flushed. @default highWaterMark / 4 */
  lowWaterMark?: number;
  /** Largest client message accepted, bytes. @default 256 KiB */
  maxPayload?: number;
  /** How often slow sockets are checked for drain, ms. @default 25 */
  drainCheckMs?: number;
}

/** Options of {@link createMarketFeed}. */
export interface MarketFeedOptions {
  market: Market;
  /** Validates the credentials of an upgrade (supplied by the session layer). */
  authenticate(input: MarketFeedAuthInput): MarketFeedAuthResult;
  limits?: MarketFeedLimits;
  logger?: { warn(message: string, error?: unknown): void };
}

/** Counters of a running feed (for tests and the dashboard). */
export interface MarketFeedStats {
  connections: number;
  /** Token-mode pairs over all connections. */
  subscriptions: number;
  /** Connections currently coalescing (slow consumers). */
  slowConnections: number;
  /** Coalesced packets waiting over all slow connections. */
  pendingPackets: number;
  /** Ticks replaced before being sent (coalesced away). */
  droppedTicks: number;
  /** Bytes queued in the sockets (sum of `bufferedAmount`). */
  bufferedBytes: number;
}

/**
 * The market feed: connection registry, subscription index and fan-out. Create it with
 * {@link createMarketFeed}; route `upgrade` events for `/smart-stream` to {@link MarketFeed.handleUpgrade}.
 */
export class MarketFeed {
  private readonly market: Market;
  private readonly opts: MarketFeedOptions;
  private readonly wss: WebSocketServer;
  private readonly maxSubs: number;
  private readonly maxDepth: number;
  private readonly slots: ClientSlots;
  private readonly conns = new Set<Conn>();
  private readonly index = new SubscriptionIndex();
  private readonly fanout: Fanout;
  private readonly offQuote: () => void;
  private readonly offStep: (() => void) | undefined;
  /** Version of the next packet (coalesced packets are flushed in this order). */
  private version = 0;
  private closed = false;
  /** Fault hook of the admin API (see `feed-gate.ts`). */
  gate: FeedGate | undefined;

  /** @param options - market, authenticate, limits */
  constructor(options: MarketFeedOptions) {
    this.opts = options;
    this.market = options.market;
    const l = options.limits ?? {};
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
      () => this.gate,
      (q, mode) => this.encode(q, mode),
    );
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: l.maxPayload ?? 256 * 1024,
    });
    // Only subscribed tokens: the synthetic market then builds no quote for the others.
    this.offQuote = this.market.onQuote(
      (q) => this.onQuote(q),
      (exchange, token) => this.index.modes(EXCHANGE_TO_EXCHANGE_TYPE[exchange], token) !== undefined,
    );
    // A stepped market publishes a step's quotes inside one clock move: the step's packets go out when
    // it ends (one socket write per connection), also inside a long synchronous admin advance.
    this.offStep = isSteppedMarket(this.market)
      ? this.market.clock.onAdvance(() => this.fanout.flush())
      : undefined;
  }

  /** Authenticates and upgrades a `/smart-stream` request, or refuses it (401 / 429). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const opts = this.opts;
    upgradeFeed(
      {
        isClosed: () => this.closed,
        wss: this.wss,
        slots: this.slots,
        authenticate: (input) => opts.authenticate(input),
        logger: opts.logger,
        label: 'market feed',
        attach: (ws, client, release, sid) => this.attach(ws, client, release, sid),
      },
      req,
      socket,
      head,
    );
  }

  /** Counters of the feed. */
  stats(): MarketFeedStats {
    let subscriptions = 0;
    let pendingPackets = 0;
    let bufferedBytes = 0;
    for (const c of this.conns) {
      subscriptions += c.subs.size;
      pendingPackets += c.pending?.size ?? 0;
      bufferedBytes += c.ws.bufferedAmount;
    }
    return {
      connections: this.conns.size,
      subscriptions,
      slowConnections: this.fanout.slowConnections,
      pendingPackets,
      droppedTicks: this.fanout.droppedTicks,
      bufferedBytes,
    };
  }

  /** Closes every connection and detaches from the market. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offQuote();
    this.offStep?.();
    this.fanout.close();
    for (const c of this.conns) {
      c.closed = true;
      try {
        c.ws.close(1001, 'server shutting down');
      } catch {
        c.ws.terminate();
      }
    }
    this.conns.clear();
    this.index.clear();
    this.wss.close();
  }

  // ───────────────────────────── connections ─────────────────────────────

  /** Terminates the connections of a client (all clients when omitted): a dropped feed. */
  dropClients(clientCode?: string): void {
    for (const c of [...this.conns])
      if (clientCode === undefined || c.clientCode === clientCode) c.ws.terminate();
  }

  /** Closes the connections opened with a session's feed token (the session logged out). */
  dropSession(sid: string): void {
    for (const c of [...this.conns]) if (c.sid === sid) closeForLogout(c.ws);
  }

  private attach(ws: WebSocket, clientCode: string, release: () => void, sid?: string): void {
    if (this.gate?.dropOnOpen(clientCode)) {
      ws.terminate();
      release();
      return;
    }
    const conn: Conn = {
      ws,
      clientCode,
      sid,
      inbound: new InboundLimiter(),
      subs: new Set(),
      pending: undefined,
      batch: [],
      batchBytes: 0,
      closed: false,
    };
    this.conns.add(conn);
    ws.on('message', (data: RawData) => this.onMessage(conn, data));
    ws.on('error', () => {
      // the 'close' event follows; nothing else to do
    });
    ws.on('close', () => {
      conn.closed = true;
      release();
      this.detach(conn);
    });
  }

  private detach(conn: Conn): void {
    this.conns.delete(conn);
    this.fanout.forget(conn);
    for (const pk of conn.subs) this.index.remove(conn, pk);
    conn.subs.clear();
  }

  // ───────────────────────────── requests ─────────────────────────────

  private onMessage(conn: Conn, data: RawData): void {
    if (conn.closed || conn.ws.readyState !== conn.ws.OPEN) return;
    if (!conn.inbound.take()) {
      closeFlooder(conn.ws);
      return;
    }
    const text = messageText(data);
    // text frames follow the packets already gathered for this connection
    this.fanout.flushConn(conn);
    if (text === HEARTBEAT_PING) {
      sendText(conn, HEARTBEAT_PONG, this.gate);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      sendError(conn, '', ErrorCode.FEED_INVALID_PAYLOAD, this.gate);
      return;
    }
    const parsed = parseRequest(json, this.maxDepth);
    if (typeof parsed === 'string') {
      sendError(conn, parsed, ErrorCode.FEED_INVALID_PAYLOAD, this.gate);
      return;
    }
    try {
      if (parsed.action === 1) this.subscribe(conn, parsed);
      else this.unsubscribe(conn, parsed);
    } catch (err) {
      this.opts.logger?.warn('market feed: request failed', err);
      sendError(conn, parsed.correlationID, ErrorCode.FEED_INVALID_PAYLOAD, this.gate);
    }
  }

  private subscribe(conn: Conn, req: ParsedRequest): void {
    const fresh: { pk: string; exchangeType: ExchangeType; token: string }[] = [];
    const seen = new Set<string>();
    let unknown = false;
    for (const g of req.groups) {
      const exchange = EXCHANGE_TYPE_TO_EXCHANGE[g.exchangeType];
      for (const token of g.tokens) {
        const pk = pairKey(req.mode, g.exchangeType, token);
        if (conn.subs.has(pk) || seen.has(pk)) continue;
        if (!this.market.instrument(exchange, token)) {
          unknown = true;
          continue;
        }
        seen.add(pk);
        fresh.push({ pk, exchangeType: g.exchangeType, token });
      }
    }
    if (conn.subs.size + fresh.length > this.maxSubs) {
      sendError(conn, req.correlationID, ErrorCode.FEED_SUBSCRIPTION_LIMIT, this.gate);
      return;
    }
    for (const f of fresh) {
      conn.subs.add(f.pk);
      this.index.add(f.exchangeType, f.token, req.mode, conn);
    }
    if (unknown) sendError(conn, req.correlationID, ErrorCode.FEED_INVALID_PAYLOAD, this.gate);
    // snapshots of the new subscriptions, at once
    for (const f of fresh) {
      const exchange = EXCHANGE_TYPE_TO_EXCHANGE[f.exchangeType];
      const q = this.market.quote(exchange, f.token);
      if (!q) continue;
      this.fanout.send(conn, this.packet(q, req.mode, f.pk));
    }
  }

  private unsubscribe(conn: Conn, req: ParsedRequest): void {
    for (const g of req.groups) {
      for (const token of g.tokens) {
        const pk = pairKey(req.mode, g.exchangeType, token);
        if (!conn.subs.delete(pk)) continue;
        this.index.remove(conn, pk);
        conn.pending?.delete(pk);
      }
    }
  }

  // ───────────────────────────── fan-out ─────────────────────────────

  private encode(q: Quote, mode: FeedMode): Buffer | null {
    try {
      if (mode === FeedMode.LTP) {
        const fast = ltpFrame(q);
        if (fast) return fast;
      }
      const depth = mode === FeedMode.DEPTH_20 ? this.market.depth?.(q.exchange, q.token, 20) : undefined;
      return framePacket(encodeFeedPacket(quoteToTick(q, mode, depth), { rawPrices: true }));
    } catch (err) {
      this.opts.logger?.warn(`market feed: cannot encode ${q.exchange}:${q.token} mode ${mode}`, err);
      return null;
    }
  }

  /** The packet of a quote in a mode; encoded when first sent, except depth-20 (the book of now). */
  private packet(q: Quote, mode: FeedMode, pk: string): Packet {
    const version = this.version++;
    if (mode === FeedMode.DEPTH_20) return new Packet(pk, version, q, mode, this.encode(q, mode));
    return new Packet(pk, version, q, mode);
  }

  private onQuote(q: Quote): void {
    const modes = this.index.modes(EXCHANGE_TO_EXCHANGE_TYPE[q.exchange], q.token);
    if (!modes) return;
    for (const entry of modes.values()) {
      if (entry.conns.size === 0) continue;
      const packet = this.packet(q, entry.mode, entry.pk);
      for (const conn of entry.conns) this.fanout.send(conn, packet);
    }
  }
}

/** Creates the market feed (see {@link MarketFeed}). */
export function createMarketFeed(options: MarketFeedOptions): MarketFeed {
  return new MarketFeed(options);
}
