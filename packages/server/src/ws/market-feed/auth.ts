/**
 * Upgrade side of the market feed: the credentials of an upgrade request (headers, then the query
 * form), the per-client connection limit, and the HTTP refusals with `x-error-message`.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import type { FeedAuthMessage } from '@smartapi-ts/protocol';

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
