// Test helpers for the feed tests: a local WebSocket server on 127.0.0.1:0 speaking the venue's
// feed protocol closely enough (text ping → pong, JSON subscription requests, binary ticks).
import type { IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FeedRequest } from '@smartapi-ts/protocol';
import { type WebSocket, WebSocketServer } from 'ws';

/** One accepted connection as the server sees it. */
export interface ServerConn {
  ws: WebSocket;
  headers: IncomingHttpHeaders;
  /** Text frames received (pings excluded), parsed as JSON when possible. */
  requests: FeedRequest[];
  texts: string[];
  pings: number;
  closed: Promise<void>;
}

export interface FeedServerOptions {
  /** Refuse upgrades with this status and `x-error-message`. */
  refuse?: { status: number; message?: string } | undefined;
  /** Do not answer text `ping` (a frozen server). */
  frozen?: boolean;
  onConnection?: (conn: ServerConn, index: number) => void;
  onRequest?: (conn: ServerConn, req: FeedRequest) => void;
}

export interface FeedServer {
  url: string;
  conns: ServerConn[];
  attempts: number;
  options: FeedServerOptions;
  /** Resolves when the n-th (1-based) connection has been accepted. */
  waitForConnections(n: number): Promise<ServerConn>;
  close(): Promise<void>;
}

export async function startFeedServer(options: FeedServerOptions = {}): Promise<FeedServer> {
  const conns: ServerConn[] = [];
  const waiters: Array<{ n: number; resolve: (c: ServerConn) => void }> = [];
  const server: FeedServer = {
    url: '',
    conns,
    attempts: 0,
    options,
    waitForConnections(n) {
      const c = conns[n - 1];
      if (c) return Promise.resolve(c);
      return new Promise((resolve) => waiters.push({ n, resolve }));
    },
    close: async () => {},
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: false,
    verifyClient: (_info, cb) => {
      server.attempts++;
      const refuse = server.options.refuse;
      if (refuse) {
        cb(false, refuse.status, 'Refused', refuse.message ? { 'x-error-message': refuse.message } : {});
      } else cb(true);
    },
  });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  server.url = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/smart-stream`;
  wss.on('connection', (ws, req) => {
    let onClosed: () => void = () => {};
    const conn: ServerConn = {
      ws,
      headers: req.headers,
      requests: [],
      texts: [],
      pings: 0,
      closed: new Promise<void>((r) => {
        onClosed = r;
      }),
    };
    ws.on('close', () => onClosed());
    ws.on('error', () => {});
    ws.on('message', (data, isBinary) => {
      if (isBinary) return;
      const text = data.toString();
      if (text === 'ping') {
        conn.pings++;
        if (!server.options.frozen) ws.send('pong');
        return;
      }
      conn.texts.push(text);
      try {
        const req = JSON.parse(text) as FeedRequest;
        conn.requests.push(req);
        server.options.onRequest?.(conn, req);
      } catch {}
    });
    conns.push(conn);
    server.options.onConnection?.(conn, conns.length);
    for (const w of waiters.filter((x) => x.n === conns.length)) w.resolve(conn);
  });
  server.close = () =>
    new Promise<void>((resolve) => {
      for (const c of wss.clients) c.terminate();
      wss.close(() => resolve());
    });
  return server;
}

/** Resolves with the args of the next `event` of an emitter-like object. */
export function nextEvent<T extends unknown[]>(
  emitter: { once(event: never, listener: (...args: never[]) => void): unknown },
  event: string,
): Promise<T> {
  return new Promise((resolve) => {
    (emitter.once as unknown as (e: string, l: (...a: T) => void) => unknown)(event, (...args: T) =>
      resolve(args),
    );
  });
}

/** Credentials for a MarketFeed against a test server. */
export const CREDS = {
  clientCode: 'D88311',
  feedToken: 'feed-token-1',
  apiKey: 'api-key-1',
  jwtToken: 'jwt-token-1',
} as const;
