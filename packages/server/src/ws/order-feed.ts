/**
 * The order-update WebSocket (`/smart-order-update`, docs/protocol/websocket.md#order-feed): authenticated
 * with `Authorization: Bearer <jwt>` (the prefix is optional); refused upgrades answer HTTP 401
 * (invalid token), 403 (expired token) or 429 (more than 3 connections of one client). After the
 * upgrade the server sends one AB00 message, then one message per order event of that client only.
 * Text `ping` is answered with text `pong`; protocol pings are answered by `ws`. Every frame goes out
 * under the one outbound policy of `outbound.ts` (slow consumers closed, floods closed with 1008), and
 * the connections of a session close (1008) when it logs out.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import {
  emptyOrderUpdateData,
  FEED_LIMITS,
  HEARTBEAT_PING,
  HEARTBEAT_PONG,
  OrderFeedRefusal,
  type OrderUpdateCode,
  type OrderUpdateData,
  type OrderUpdateMessage,
} from '@smartapi-ts/protocol';
import { type WebSocket, WebSocketServer } from 'ws';
import type { FeedGate } from './feed-gate.js';
import { closeFlooder, closeForLogout, InboundLimiter, OUTBOUND_LIMITS, sendBounded } from './outbound.js';

/** Outcome of authenticating an upgrade's token. */
export type OrderFeedAuth =
  | { ok: true; clientcode: string; sid?: string }
  | { ok: false; reason: 'missing' | 'invalid' | 'expired' };

/** Options of {@link OrderFeed}. */
export interface OrderFeedOptions {
  /** Checks the `Authorization` header value (with or without `Bearer `). */
  authenticate(authorization: string): OrderFeedAuth;
  /** @default 3 */
  maxConnectionsPerClient?: number;
  /** A client whose unsent data would exceed this many bytes is disconnected. @default 4 MiB */
  maxBufferedBytes?: number;
}

const STATUS_TEXT: Record<number, string> = {
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Writes a plain HTTP refusal on an upgrade socket and closes it. */
export function refuseUpgrade(socket: Duplex, status: number, message: string): void {
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const body = JSON.stringify({ 'status-code': String(status), 'error-message': message });
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status] ?? 'Error'}\r\n` +
      'Connection: close\r\n' +
      'Content-Type: application/json\r\n' +
      `x-error-message: ${message}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`,
  );
}

/** The order-update feed: connection registry per client and fan-out of order events. */
export class OrderFeed {
  private readonly wss = new WebSocketServer({
    noServer: true,
    perMessageDeflate: false,
    maxPayload: 64 * 1024,
  });
  private readonly clients = new Map<string, Set<WebSocket>>();
  /** Upgrades authenticated but not yet open, counted against the limit. */
  private readonly pending = new Map<string, number>();
  /** Session id of each connection (closed when the session logs out). */
  private readonly sessions = new Map<WebSocket, string>();
  private readonly opts: OrderFeedOptions;
  private closed = false;
  /** Fault hook of the admin API (see `feed-gate.ts`). */
  gate: FeedGate | undefined;

  constructor(opts: OrderFeedOptions) {
    this.opts = opts;
  }

  /** Number of open connections of a client (all clients when omitted). */
  connections(clientcode?: string): number {
    if (clientcode !== undefined) return this.clients.get(clientcode)?.size ?? 0;
    let n = 0;
    for (const s of this.clients.values()) n += s.size;
    return n;
  }

  /** Handles an HTTP upgrade for the order-feed path. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    if (this.closed) {
      refuseUpgrade(socket, 503, 'Server is shutting down');
      return;
    }
    const raw = req.headers.authorization;
    // Browsers cannot set headers on a WebSocket: the dashboard sends the JWT as `?jwttoken=` [INF].
    const header = Array.isArray(raw) ? (raw[0] ?? '') : (raw ?? '');
    const auth = this.opts.authenticate(header !== '' ? header : queryToken(req.url));
    if (!auth.ok) {
      const expired = auth.reason === 'expired';
      refuseUpgrade(
        socket,
        expired ? OrderFeedRefusal.EXPIRED_TOKEN : OrderFeedRefusal.INVALID_TOKEN,
        expired ? 'Token Expired' : 'Invalid Token',
      );
      return;
    }
    const cc = auth.clientcode;
    const limit = this.opts.maxConnectionsPerClient ?? FEED_LIMITS.orderFeedConnectionsPerClient;
    const inUse = this.connections(cc) + (this.pending.get(cc) ?? 0);
    if (inUse >= limit) {
      refuseUpgrade(socket, OrderFeedRefusal.CONNECTION_LIMIT, 'Connection limit exceeded');
      return;
    }
    this.pending.set(cc, (this.pending.get(cc) ?? 0) + 1);
    const release = () => {
      const n = (this.pending.get(cc) ?? 1) - 1;
      if (n <= 0) this.pending.delete(cc);
      else this.pending.set(cc, n);
    };
    socket.once('close', release);
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      socket.off('close', release);
      release();
      this.attach(cc, ws, auth.sid);
    });
  }

  /** Terminates the connections of a client (all clients when omitted): a dropped feed. */
  dropClients(clientcode?: string): void {
    for (const [cc, set] of this.clients) {
      if (clientcode === undefined || cc === clientcode) for (const ws of [...set]) ws.terminate();
    }
  }

  /** Closes the connections opened with a session's token (the session logged out). */
  dropSession(sid: string): void {
    for (const [ws, s] of this.sessions) if (s === sid) closeForLogout(ws);
  }

  private attach(clientcode: string, ws: WebSocket, sid?: string): void {
    if (this.closed || this.gate?.dropOnOpen(clientcode)) {
      ws.terminate();
      return;
    }
    let set = this.clients.get(clientcode);
    if (!set) {
      set = new Set();
      this.clients.set(clientcode, set);
    }
    set.add(ws);
    if (sid !== undefined) this.sessions.set(ws, sid);
    const inbound = new InboundLimiter();
    ws.on('message', (data, isBinary) => {
      if (ws.readyState !== ws.OPEN) return;
      if (!inbound.take()) {
        closeFlooder(ws);
        return;
      }
      if (!isBinary && data.toString() === HEARTBEAT_PING && !this.gate?.stalled(clientcode))
        sendBounded(ws, HEARTBEAT_PONG, this.maxBuffered());
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.sessions.delete(ws);
      const s = this.clients.get(clientcode);
      s?.delete(ws);
      if (s && s.size === 0) this.clients.delete(clientcode);
    });
    this.sendTo(ws, this.message(clientcode, 'AB00', emptyOrderUpdateData()), clientcode);
  }

  private message(clientcode: string, code: OrderUpdateCode, data: OrderUpdateData): string {
    const msg: OrderUpdateMessage = {
      'user-id': clientcode,
      'status-code': '200',
      'order-status': code,
      'error-message': '',
      orderData: data,
    };
    return JSON.stringify(msg);
  }

  private sendTo(ws: WebSocket, text: string, clientcode: string): void {
    if (ws.readyState !== ws.OPEN || this.gate?.stalled(clientcode)) return;
    sendBounded(ws, text, this.maxBuffered());
  }

  private maxBuffered(): number {
    return this.opts.maxBufferedBytes ?? OUTBOUND_LIMITS.maxBufferedBytes;
  }

  /** Pushes one order event to every connection of its client. */
  publish(clientcode: string, code: OrderUpdateCode, data: OrderUpdateData): void {
    const set = this.clients.get(clientcode);
    if (!set || set.size === 0) return;
    const text = this.message(clientcode, code, data);
    for (const ws of set) this.sendTo(ws, text, clientcode);
  }

  /** Closes every connection (code 1001) and refuses new ones. */
  close(): void {
    this.closed = true;
    for (const set of this.clients.values()) for (const ws of set) ws.close(1001, 'server shutdown');
    const timer = setTimeout(() => {
      for (const set of this.clients.values()) for (const ws of set) ws.terminate();
    }, 500);
    timer.unref();
    this.wss.close();
  }
}

/** The `jwttoken` query parameter of an upgrade URL (the browser form of `Authorization`), or ''. */
function queryToken(url: string | undefined): string {
  const q = (url ?? '').indexOf('?');
  if (q < 0) return '';
  return new URLSearchParams((url ?? '').slice(q + 1)).get('jwttoken') ?? '';
}
