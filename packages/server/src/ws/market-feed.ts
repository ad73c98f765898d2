/**
 * The binary market feed at `/smart-stream` (docs/protocol/websocket.md#market-feed): WebSocket 2.0 "Smart
 * Stream" served from the simulated market.
 *
 * - Upgrade: credentials from the headers (`Authorization` with or without `Bearer `, `x-api-key`,
 *   `x-client-code`, `x-feed-token`) or the query form `?clientCode=&feedToken=&apiKey=`, checked by
 *   the injected `authenticate`; a refusal answers HTTP 401 with the spec's `x-error-message`. At most
 *   3 connections per client code: the 4th is refused with HTTP 429 and `x-error-message:
 *   Connection Limit Exceeded` (the venue documents the limit but not the refusal; 429 is what its
 *   order-update socket uses).
 * - Requests (text JSON): subscribe / unsubscribe with any number of exchange types; modes 1–4
 *   (depth-20 only for nse_cm and at most 50 tokens per request); at most 1000 token-mode pairs per
 *   connection (a request that would pass it is refused whole with E1002); duplicates ignored.
 *   Malformed requests get an E1001 frame; unknown tokens get one E1001 frame per request while the
 *   known tokens of the same request are subscribed. Nothing a client sends closes the connection.
 * - Frames: on subscribe, the current snapshot of each new token at once; then one binary packet per
 *   quote change per subscribed mode, encoded once and shared by every subscriber. Text `ping` →
 *   `pong`; protocol pings are answered by `ws`.
 * - Slow consumers: once a socket's `bufferedAmount` passes `highWaterMark`, its ticks are coalesced
 *   (latest packet per token and mode) and flushed when the buffer drains below `lowWaterMark`, so a
 *   stalled client costs at most one packet per subscription plus the high-water mark, and never
 *   slows the others.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  type DepthLevel,
  ERROR_CODES,
  ErrorCode,
  EXCHANGE_TO_EXCHANGE_TYPE,
  EXCHANGE_TYPE_TO_EXCHANGE,
  type ExchangeType,
  ExchangeType as ExchangeTypeEnum,
  encodeFeedPacket,
  FEED_LIMITS,
  FeedAuthMessage,
  type FeedErrorFrame,
  FeedMode,
  type FeedTick,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  isEnumValue,
} from '@smartapi-ts/protocol';
import { type RawData, type WebSocket, WebSocketServer } from 'ws';
import type { BookLevel, Market, Quote } from '../market/types.js';
import type { FeedGate } from './feed-gate.js';

/** Credentials of an upgrade request, from headers or query parameters. */
export interface MarketFeedAuthInput {
  /** `Authorization` header value as sent (with or without `Bearer `). */
  authorization?: string;
  apiKey?: string;
  clientCode?: string;
  feedToken?: string;
}

/** Outcome of {@link MarketFeedOptions.authenticate}. */
export type MarketFeedAuthResult = { ok: true; clientCode: string } | { ok: false; message: FeedAuthMessage };

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

/** `x-error-message` of a refused 4th connection. */
export const FEED_CONNECTION_LIMIT_MESSAGE = 'Connection Limit Exceeded';
/** HTTP status of a refused 4th connection. */
export const FEED_CONNECTION_LIMIT_STATUS = 429;

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

interface Conn {
  ws: WebSocket;
  clientCode: string;
  /** pairKey (`mode|exchangeType|token`) → true. */
  subs: Set<string>;
  /** Latest unsent packet per pairKey while slow; undefined while fast. */
  pending: Map<string, Uint8Array> | undefined;
  closed: boolean;
}

type ModeMap = Map<FeedMode, Set<Conn>>;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

function refuse(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\nConnection: close\r\nx-error-message: ${message}\r\nContent-Length: 0\r\n\r\n`,
  );
}

function header(req: IncomingMessage, name: string): string | undefined {
  const v = req.headers[name];
  return Array.isArray(v) ? v[0] : v;
}

/** Extracts the credentials of an upgrade request: headers first, then the query-parameter form. */
export function feedAuthInput(req: IncomingMessage): MarketFeedAuthInput {
  const out: MarketFeedAuthInput = {};
  let query: URLSearchParams | undefined;
  const q = (req.url ?? '').indexOf('?');
  if (q >= 0) query = new URLSearchParams((req.url ?? '').slice(q + 1));
  const pick = (h: string, ...params: string[]) => {
    const hv = header(req, h);
    if (hv !== undefined && hv !== '') return hv;
    for (const p of params) {
      const v = query?.get(p);
      if (v !== null && v !== undefined && v !== '') return v;
    }
    return undefined;
  };
  const authorization = pick('authorization', 'jwtToken', 'authorization');
  const apiKey = pick('x-api-key', 'apiKey', 'apikey');
  const clientCode = pick('x-client-code', 'clientCode', 'clientcode');
  const feedToken = pick('x-feed-token', 'feedToken', 'feedtoken');
  if (authorization !== undefined) out.authorization = authorization;
  if (apiKey !== undefined) out.apiKey = apiKey;
  if (clientCode !== undefined) out.clientCode = clientCode;
  if (feedToken !== undefined) out.feedToken = feedToken;
  return out;
}

/** Raw wire price (paise; 10^-7 rupee for currency) of a paise amount. */
function wirePrice(paise: number, exchangeType: number): number {
  return exchangeType === 13 ? paise * 100_000 : paise;
}

function levels(list: readonly BookLevel[], exchangeType: number): DepthLevel[] {
  return list.map((l) => ({
    price: wirePrice(l.price, exchangeType),
    quantity: l.quantity,
    orders: l.orders,
  }));
}

/**
 * The tick of a quote in a feed mode, prices as raw wire integers (encode with `rawPrices: true`).
 * SnapQuote's `lastTradedTimestamp` is in epoch **seconds** (the venue's unit is undocumented; see
 * docs/paper-broker-market.md); every other timestamp is epoch milliseconds.
 */
export function quoteToTick(
  q: Quote,
  mode: FeedMode,
  depth?: { bids: BookLevel[]; asks: BookLevel[] },
): FeedTick {
  const exchangeType = EXCHANGE_TO_EXCHANGE_TYPE[q.exchange];
  const p = (x: number) => wirePrice(x, exchangeType);
  const head = { exchangeType, token: q.token };
  if (mode === FeedMode.DEPTH_20) {
    const d = depth ?? { bids: q.bids, asks: q.asks };
    return {
      ...head,
      mode,
      exchangeTimestamp: q.timestamp,
      packetReceivedTime: q.timestamp,
      bestBids: levels(d.bids, exchangeType),
      bestAsks: levels(d.asks, exchangeType),
    };
  }
  const ltp = { sequenceNumber: q.sequence, exchangeTimestamp: q.timestamp, lastTradedPrice: p(q.ltp) };
  if (mode === FeedMode.LTP) return { ...head, mode, ...ltp };
  const quote = {
    ...ltp,
    lastTradedQuantity: q.lastTradeQty,
    averageTradedPrice: p(q.avgPrice),
    volumeTradedForTheDay: q.volume,
    totalBuyQuantity: q.totalBuyQty,
    totalSellQuantity: q.totalSellQty,
    openPrice: p(q.open),
    highPrice: p(q.high),
    lowPrice: p(q.low),
    closePrice: p(q.close),
  };
  if (mode === FeedMode.QUOTE) return { ...head, mode, ...quote };
  return {
    ...head,
    mode: FeedMode.SNAP_QUOTE,
    ...quote,
    lastTradedTimestamp: Math.floor(q.lastTradeTime / 1000),
    openInterest: q.openInterest,
    bestBids: levels(q.bids, exchangeType),
    bestAsks: levels(q.asks, exchangeType),
    upperCircuit: p(q.upperCircuit),
    lowerCircuit: p(q.lowerCircuit),
    high52Week: p(q.high52Week),
    low52Week: p(q.low52Week),
  };
}

interface ParsedRequest {
  correlationID: string;
  action: 0 | 1;
  mode: FeedMode;
  groups: { exchangeType: ExchangeType; tokens: string[] }[];
}

/**
 * The market feed: connection registry, subscription index and fan-out. Create it with
 * {@link createMarketFeed}; route `upgrade` events for `/smart-stream` to {@link MarketFeed.handleUpgrade}.
 */
export class MarketFeed {
  private readonly market: Market;
  private readonly opts: MarketFeedOptions;
  private readonly wss: WebSocketServer;
  private readonly maxConn: number;
  private readonly maxSubs: number;
  private readonly maxDepth: number;
  private readonly hwm: number;
  private readonly lwm: number;
  private readonly drainMs: number;
  private readonly perClient = new Map<string, number>();
  private readonly conns = new Set<Conn>();
  /** `exchangeType:token` → mode → subscribers. */
  private readonly index = new Map<string, ModeMap>();
  private readonly slow = new Set<Conn>();
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private readonly offQuote: () => void;
  private dropped = 0;
  private closed = false;
  /** Fault hook of the admin API (see `feed-gate.ts`). */
  gate: FeedGate | undefined;

  /** @param options - market, authenticate, limits */
  constructor(options: MarketFeedOptions) {
    this.opts = options;
    this.market = options.market;
    const l = options.limits ?? {};
    this.maxConn = l.connectionsPerClient ?? FEED_LIMITS.connectionsPerClient;
    this.maxSubs = l.subscriptionsPerConnection ?? FEED_LIMITS.subscriptionsPerConnection;
    this.maxDepth = l.depth20TokensPerRequest ?? FEED_LIMITS.depth20TokensPerRequest;
    this.hwm = l.highWaterMark ?? 1024 * 1024;
    this.lwm = l.lowWaterMark ?? Math.floor(this.hwm / 4);
    this.drainMs = l.drainCheckMs ?? 25;
    this.wss = new WebSocketServer({
      noServer: true,
      perMessageDeflate: false,
      maxPayload: l.maxPayload ?? 256 * 1024,
    });
    this.offQuote = this.market.onQuote((q) => this.onQuote(q));
  }

  /** Authenticates and upgrades a `/smart-stream` request, or refuses it (401 / 429). */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      refuse(socket, 503, 'Service Unavailable');
      return;
    }
    let auth: MarketFeedAuthResult;
    try {
      auth = this.opts.authenticate(feedAuthInput(req));
    } catch (err) {
      this.opts.logger?.warn('market feed: authenticate threw', err);
      auth = { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    }
    if (!auth.ok) {
      refuse(socket, 401, auth.message);
      return;
    }
    const client = auth.clientCode;
    const used = this.perClient.get(client) ?? 0;
    if (used >= this.maxConn) {
      refuse(socket, FEED_CONNECTION_LIMIT_STATUS, FEED_CONNECTION_LIMIT_MESSAGE);
      return;
    }
    this.perClient.set(client, used + 1);
    let released = false;
    const release = () => {
      if (released) return;
      released = true;
      const n = (this.perClient.get(client) ?? 1) - 1;
      if (n <= 0) this.perClient.delete(client);
      else this.perClient.set(client, n);
    };
    socket.once('close', release);
    try {
      this.wss.handleUpgrade(req, socket, head, (ws) => {
        if (this.closed) {
          ws.terminate();
          return;
        }
        this.attach(ws, client, release);
      });
    } catch (err) {
      release();
      this.opts.logger?.warn('market feed: upgrade failed', err);
      socket.destroy();
    }
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
      slowConnections: this.slow.size,
      pendingPackets,
      droppedTicks: this.dropped,
      bufferedBytes,
    };
  }

  /** Closes every connection and detaches from the market. Idempotent. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.offQuote();
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
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
    this.slow.clear();
    this.wss.close();
  }

  // ───────────────────────────── connections ─────────────────────────────

  /** Terminates the connections of a client (all clients when omitted): a dropped feed. */
  dropClients(clientCode?: string): void {
    for (const c of [...this.conns])
      if (clientCode === undefined || c.clientCode === clientCode) c.ws.terminate();
  }

  private attach(ws: WebSocket, clientCode: string, release: () => void): void {
    if (this.gate?.dropOnOpen(clientCode)) {
      ws.terminate();
      release();
      return;
    }
    const conn: Conn = { ws, clientCode, subs: new Set(), pending: undefined, closed: false };
    this.conns.add(conn);
    ws.on('message', (data: RawData, isBinary: boolean) => this.onMessage(conn, data, isBinary));
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
    this.slow.delete(conn);
    conn.pending = undefined;
    for (const pk of conn.subs) this.unindex(conn, pk);
    conn.subs.clear();
  }

  // ───────────────────────────── requests ─────────────────────────────

  private onMessage(conn: Conn, data: RawData, _isBinary: boolean): void {
    const text = Array.isArray(data)
      ? Buffer.concat(data).toString('utf8')
      : Buffer.isBuffer(data)
        ? data.toString('utf8')
        : Buffer.from(new Uint8Array(data)).toString('utf8');
    if (text === HEARTBEAT_PING) {
      this.sendText(conn, HEARTBEAT_PONG);
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      this.sendError(conn, '', ErrorCode.FEED_INVALID_PAYLOAD);
      return;
    }
    const parsed = this.parseRequest(json);
    if (typeof parsed === 'string') {
      this.sendError(conn, parsed, ErrorCode.FEED_INVALID_PAYLOAD);
      return;
    }
    try {
      if (parsed.action === 1) this.subscribe(conn, parsed);
      else this.unsubscribe(conn, parsed);
    } catch (err) {
      this.opts.logger?.warn('market feed: request failed', err);
      this.sendError(conn, parsed.correlationID, ErrorCode.FEED_INVALID_PAYLOAD);
    }
  }

  /** Validates a request; returns the correlation id to echo when it is malformed. */
  private parseRequest(json: unknown): ParsedRequest | string {
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return '';
    const o = json as Record<string, unknown>;
    const cid = typeof o.correlationID === 'string' ? o.correlationID : '';
    if (o.correlationID !== undefined && o.correlationID !== null && typeof o.correlationID !== 'string')
      return '';
    if (o.action !== 0 && o.action !== 1) return cid;
    const params = o.params;
    if (typeof params !== 'object' || params === null || Array.isArray(params)) return cid;
    const p = params as Record<string, unknown>;
    const mode = p.mode;
    if (mode !== 1 && mode !== 2 && mode !== 3 && mode !== 4) return cid;
    if (!Array.isArray(p.tokenList) || p.tokenList.length === 0) return cid;
    const groups: ParsedRequest['groups'] = [];
    let depthTokens = 0;
    for (const g of p.tokenList as unknown[]) {
      if (typeof g !== 'object' || g === null || Array.isArray(g)) return cid;
      const grp = g as Record<string, unknown>;
      if (!isEnumValue(ExchangeTypeEnum, grp.exchangeType)) return cid;
      if (!Array.isArray(grp.tokens)) return cid;
      const tokens: string[] = [];
      for (const t of grp.tokens as unknown[]) {
        if (typeof t !== 'string' || !/^[0-9A-Za-z._-]{1,25}$/.test(t)) return cid;
        tokens.push(t);
      }
      if (mode === FeedMode.DEPTH_20 && o.action === 1) {
        if (grp.exchangeType !== FEED_LIMITS.depth20ExchangeType) return cid;
        depthTokens += tokens.length;
      }
      groups.push({ exchangeType: grp.exchangeType, tokens });
    }
    if (depthTokens > this.maxDepth) return cid;
    return { correlationID: cid, action: o.action, mode, groups };
  }

  private subscribe(conn: Conn, req: ParsedRequest): void {
    const fresh: { pk: string; key: string; exchangeType: ExchangeType; token: string }[] = [];
    const seen = new Set<string>();
    let unknown = false;
    for (const g of req.groups) {
      const exchange = EXCHANGE_TYPE_TO_EXCHANGE[g.exchangeType];
      for (const token of g.tokens) {
        const pk = `${req.mode}|${g.exchangeType}|${token}`;
        if (conn.subs.has(pk) || seen.has(pk)) continue;
        if (!this.market.instrument(exchange, token)) {
          unknown = true;
          continue;
        }
        seen.add(pk);
        fresh.push({ pk, key: `${g.exchangeType}:${token}`, exchangeType: g.exchangeType, token });
      }
    }
    if (conn.subs.size + fresh.length > this.maxSubs) {
      this.sendError(conn, req.correlationID, ErrorCode.FEED_SUBSCRIPTION_LIMIT);
      return;
    }
    for (const f of fresh) {
      conn.subs.add(f.pk);
      let modes = this.index.get(f.key);
      if (!modes) {
        modes = new Map();
        this.index.set(f.key, modes);
      }
      let set = modes.get(req.mode);
      if (!set) {
        set = new Set();
        modes.set(req.mode, set);
      }
      set.add(conn);
    }
    if (unknown) this.sendError(conn, req.correlationID, ErrorCode.FEED_INVALID_PAYLOAD);
    // snapshots of the new subscriptions, at once
    for (const f of fresh) {
      const exchange = EXCHANGE_TYPE_TO_EXCHANGE[f.exchangeType];
      const q = this.market.quote(exchange, f.token);
      if (!q) continue;
      const bytes = this.encode(q, req.mode);
      if (bytes) this.sendPacket(conn, f.pk, bytes);
    }
  }

  private unsubscribe(conn: Conn, req: ParsedRequest): void {
    for (const g of req.groups) {
      for (const token of g.tokens) {
        const pk = `${req.mode}|${g.exchangeType}|${token}`;
        if (!conn.subs.delete(pk)) continue;
        this.unindex(conn, pk);
        conn.pending?.delete(pk);
      }
    }
  }

  private unindex(conn: Conn, pk: string): void {
    const [modeText, ex, token] = pk.split('|') as [string, string, string];
    const key = `${ex}:${token}`;
    const modes = this.index.get(key);
    const mode = Number(modeText) as FeedMode;
    const set = modes?.get(mode);
    if (!modes || !set) return;
    set.delete(conn);
    if (set.size === 0) modes.delete(mode);
    if (modes.size === 0) this.index.delete(key);
  }

  // ───────────────────────────── fan-out ─────────────────────────────

  private encode(q: Quote, mode: FeedMode): Uint8Array | undefined {
    try {
      const depth = mode === FeedMode.DEPTH_20 ? this.market.depth?.(q.exchange, q.token, 20) : undefined;
      return encodeFeedPacket(quoteToTick(q, mode, depth), { rawPrices: true });
    } catch (err) {
      this.opts.logger?.warn(`market feed: cannot encode ${q.exchange}:${q.token} mode ${mode}`, err);
      return undefined;
    }
  }

  private onQuote(q: Quote): void {
    const exchangeType = EXCHANGE_TO_EXCHANGE_TYPE[q.exchange];
    const modes = this.index.get(`${exchangeType}:${q.token}`);
    if (!modes) return;
    for (const [mode, set] of modes) {
      if (set.size === 0) continue;
      const bytes = this.encode(q, mode);
      if (!bytes) continue;
      const pk = `${mode}|${exchangeType}|${q.token}`;
      for (const conn of set) this.sendPacket(conn, pk, bytes);
    }
  }

  private sendPacket(conn: Conn, pk: string, bytes: Uint8Array): void {
    if (conn.closed || this.gate?.stalled(conn.clientCode)) return;
    if (conn.pending) {
      if (conn.pending.has(pk)) this.dropped++;
      conn.pending.delete(pk); // keep insertion order = latest change last
      conn.pending.set(pk, bytes);
      return;
    }
    if (conn.ws.bufferedAmount > this.hwm) {
      conn.pending = new Map([[pk, bytes]]);
      this.slow.add(conn);
      this.ensureDrainTimer();
      return;
    }
    conn.ws.send(bytes, { binary: true });
  }

  private ensureDrainTimer(): void {
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => this.checkDrains(), this.drainMs);
    this.drainTimer.unref?.();
  }

  private checkDrains(): void {
    for (const conn of this.slow) {
      if (conn.closed || !conn.pending) {
        this.slow.delete(conn);
        continue;
      }
      if (conn.ws.bufferedAmount > this.lwm) continue;
      const pending = conn.pending;
      conn.pending = undefined;
      this.slow.delete(conn);
      for (const [pk, bytes] of pending) {
        if (conn.subs.has(pk)) this.sendPacket(conn, pk, bytes);
      }
    }
    if (this.slow.size === 0 && this.drainTimer) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
    }
  }

  private sendText(conn: Conn, text: string): void {
    if (conn.closed || this.gate?.stalled(conn.clientCode)) return;
    conn.ws.send(text);
  }

  private sendError(conn: Conn, correlationID: string, code: string): void {
    const frame: FeedErrorFrame = {
      correlationID,
      errorCode: code,
      errorMessage: ERROR_CODES[code]?.message ?? '',
    };
    this.sendText(conn, JSON.stringify(frame));
  }
}

/** Creates the market feed (see {@link MarketFeed}). */
export function createMarketFeed(options: MarketFeedOptions): MarketFeed {
  return new MarketFeed(options);
}
