/**
 * Upgrade side of the market feed: the credentials of an upgrade request (headers, then the query
 * form), the per-client connection limit, the HTTP refusals with `x-error-message`, and the upgrade
 * itself (`upgradeFeed`, shared by the core's `/smart-stream` and the edges').
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { FeedAuthMessage } from '@smartapi-ts/protocol';
import type { WebSocket, WebSocketServer } from 'ws';

/** Credentials of an upgrade request, from headers or query parameters. */
export interface MarketFeedAuthInput {
  /** `Authorization` header value as sent (with or without `Bearer `). */
  authorization?: string;
  apiKey?: string;
  clientCode?: string;
  feedToken?: string;
}

/** Outcome of `MarketFeedOptions.authenticate`. */
export type MarketFeedAuthResult =
  | { ok: true; clientCode: string; sid?: string }
  | { ok: false; message: FeedAuthMessage };

/** `x-error-message` of a refused 4th connection. */
export const FEED_CONNECTION_LIMIT_MESSAGE = 'Connection Limit Exceeded';
/** HTTP status of a refused 4th connection. */
export const FEED_CONNECTION_LIMIT_STATUS = 429;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  429: 'Too Many Requests',
  503: 'Service Unavailable',
};

/** Answers an upgrade with an HTTP error and `x-error-message`, then closes the socket. */
export function refuse(socket: Duplex, status: number, message: string): void {
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

/** Open connections per client code, against a limit. */
export class ClientSlots {
  private readonly perClient = new Map<string, number>();

  /** @param max - connections allowed per client code */
  constructor(private readonly max: number) {}

  /**
   * Takes a slot of `client`: a release function (idempotent), or undefined when the client already
   * has `max` connections.
   */
  acquire(client: string): (() => void) | undefined {
    const used = this.perClient.get(client) ?? 0;
    if (used >= this.max) return undefined;
    this.perClient.set(client, used + 1);
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const n = (this.perClient.get(client) ?? 1) - 1;
      if (n <= 0) this.perClient.delete(client);
      else this.perClient.set(client, n);
    };
  }
}

/** What {@link upgradeFeed} needs of a feed server (the core's `/smart-stream` and an edge's). */
export interface FeedUpgrader {
  /** Asked on the request and again when the upgrade completes. */
  isClosed(): boolean;
  readonly wss: WebSocketServer;
  readonly slots: ClientSlots;
  authenticate(input: MarketFeedAuthInput): MarketFeedAuthResult;
  logger?: { warn(message: string, error?: unknown): void } | undefined;
  /** Prefix of log lines (`market feed`, `edge feed`). */
  readonly label: string;
  /** Takes an accepted socket: its client, the release of its slot, the session of its feed token. */
  attach(ws: WebSocket, client: string, release: () => void, sid: string | undefined): void;
}

/**
 * Authenticates and upgrades a `/smart-stream` request, or refuses it: 503 once the server is closed, 401
 * with the venue's message for bad credentials (also when `authenticate` throws), 429 beyond the
 * per-client connection limit. The client's slot is released when the socket closes.
 */
export function upgradeFeed(f: FeedUpgrader, req: IncomingMessage, socket: Duplex, head: Buffer): void {
  if (f.isClosed()) {
    refuse(socket, 503, 'Service Unavailable');
    return;
  }
  let auth: MarketFeedAuthResult;
  try {
    auth = f.authenticate(feedAuthInput(req));
  } catch (err) {
    f.logger?.warn(`${f.label}: authenticate threw`, err);
    auth = { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
  }
  if (!auth.ok) {
    refuse(socket, 401, auth.message);
    return;
  }
  const client = auth.clientCode;
  const release = f.slots.acquire(client);
  if (!release) {
    refuse(socket, FEED_CONNECTION_LIMIT_STATUS, FEED_CONNECTION_LIMIT_MESSAGE);
    return;
  }
  socket.once('close', release);
  try {
    f.wss.handleUpgrade(req, socket, head, (ws) => {
      if (f.isClosed()) {
        ws.terminate();
        return;
      }
      f.attach(ws, client, release, auth.sid);
    });
  } catch (err) {
    release();
    f.logger?.warn(`${f.label}: upgrade failed`, err);
    socket.destroy();
  }
}
