/**
 * Test doubles for the REST client tests: a local fake venue (node:http on 127.0.0.1, port 0), a
 * manual clock, and a recording fetch.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { normalizePath } from '@smartapi-ts/protocol';
import type { Clock, PlaceOrderParams } from '../../src/index.js';

/** One request the fake venue received. */
export interface Recorded {
  method: string;
  /** Raw path incl. query. */
  url: string;
  /** Normalised path (protocol `normalizePath`). */
  path: string;
  query: string | null;
  /** Lower-case header names. */
  headers: Record<string, string>;
  /** Header names as sent on the wire. */
  rawHeaderNames: string[];
  body: string;
  json: unknown;
  /** Remote port of the client socket (same port = same keep-alive connection). */
  remotePort: number;
}

/** A reply of the fake venue. */
export interface Reply {
  status?: number;
  /** Objects are sent as JSON; strings as-is. */
  body?: unknown;
  headers?: Record<string, string>;
  /** Destroy the socket without answering (after `delayMs`). */
  hangUp?: boolean;
  /** Answer after this many ms (real time). */
  delayMs?: number;
}

export type Handler = (req: Recorded) => Reply | undefined | Promise<Reply | undefined>;

/** A success envelope. */
export const ok = (data: unknown, message = 'SUCCESS') => ({ status: true, message, errorcode: '', data });
/** A business-failure envelope. */
export const fail = (errorcode: string, message = 'failed', data: unknown = null) => ({
  status: false,
  message,
  errorcode,
  data,
});
/** A gateway-form failure. */
export const gateway = (errorCode: string, message = 'Invalid Token') => ({
  success: false,
  message,
  errorCode,
  data: '',
});

/** A running fake venue. */
export interface FakeVenue {
  url: string;
  requests: Recorded[];
  handler: Handler;
  close(): Promise<void>;
  /** Requests whose normalised path ends with `suffix`. */
  count(suffix: string): number;
}

/** Starts a fake venue; `handler` may return undefined for the default `{ status: true, data: null }`. */
export async function startFakeVenue(handler: Handler = () => undefined): Promise<FakeVenue> {
  const requests: Recorded[] = [];
  const venue: FakeVenue = {
    url: '',
    requests,
    handler,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
    count: (suffix) => requests.filter((r) => r.path.endsWith(suffix)).length,
  };
  const server = http.createServer((req, res) => {
    let body = '';
    req.setEncoding('utf8');
    req.on('data', (c: string) => {
      body += c;
    });
    req.on('end', async () => {
      const url = req.url ?? '/';
      const q = url.indexOf('?');
      let json: unknown;
      try {
        json = body ? JSON.parse(body) : undefined;
      } catch {
        json = undefined;
      }
      const headers: Record<string, string> = {};
      for (const [k, v] of Object.entries(req.headers)) if (typeof v === 'string') headers[k] = v;
      const rawHeaderNames: string[] = [];
      for (let i = 0; i < req.rawHeaders.length; i += 2) rawHeaderNames.push(req.rawHeaders[i] as string);
      const rec: Recorded = {
        method: req.method ?? '',
        url,
        path: normalizePath(url),
        query: q >= 0 ? url.slice(q + 1) : null,
        headers,
        rawHeaderNames,
        body,
        json,
        remotePort: req.socket.remotePort ?? 0,
      };
      requests.push(rec);
      let reply: Reply | undefined;
      try {
        reply = await venue.handler(rec);
      } catch (e) {
        reply = { status: 500, body: String(e) };
      }
      const r = reply ?? { body: ok(null) };
      const send = () => {
        if (r.hangUp) {
          req.socket.destroy();
          return;
        }
        const text = typeof r.body === 'string' ? r.body : JSON.stringify(r.body ?? ok(null));
        res.writeHead(r.status ?? 200, {
          'content-type': typeof r.body === 'string' ? 'text/plain' : 'application/json',
          ...(r.headers ?? {}),
        });
        res.end(text);
      };
      if (r.delayMs) setTimeout(send, r.delayMs);
      else send();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  venue.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return venue;
}

/** A manual clock: time moves only through `advance()` (or `tick()`, which runs due timers). */
export class ManualClock implements Clock {
  #now: number;
  #seq = 0;
  readonly timers = new Map<number, { at: number; fn: () => void; ms: number }>();
  /** Every delay ever scheduled, in order. */
  readonly scheduled: number[] = [];
  constructor(start = Date.UTC(2025, 0, 6, 4, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.#seq;
    this.timers.set(id, { at: this.#now + ms, fn, ms });
    this.scheduled.push(ms);
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.timers.delete(handle as number);
  }
  /** Moves time forward, firing due timers in time order. */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (;;) {
      let next: [number, { at: number; fn: () => void }] | undefined;
      for (const e of this.timers) if (e[1].at <= end && (!next || e[1].at < next[1].at)) next = e;
      if (!next) break;
      this.timers.delete(next[0]);
      this.#now = Math.max(this.#now, next[1].at);
      next[1].fn();
    }
    this.#now = end;
  }
}

/**
 * A clock whose timers fire on the next macrotask while time jumps forward by their delay: backoff
 * and rate-limit waits take no real time, and `scheduled` records them.
 */
export class FastClock implements Clock {
  #now: number;
  readonly scheduled: number[] = [];
  constructor(start = Date.UTC(2025, 0, 6, 4, 0, 0)) {
    this.#now = start;
  }
  now(): number {
    return this.#now;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    this.scheduled.push(ms);
    const h = setImmediate(() => {
      this.#now += ms;
      fn();
    });
    return h;
  }
  clearTimeout(handle: unknown): void {
    clearImmediate(handle as NodeJS.Immediate);
  }
}

/** Fake tokens that look like the venue's (JWT-shaped). */
export const TOKENS = {
  jwtToken: 'eyJhbGciOiJIUzUxMiJ9.eyJ1c2VybmFtZSI6IkExMjM0NTYifQ.c2lnbmF0dXJlLW9uZQ',
  refreshToken: 'eyJhbGciOiJIUzUxMiJ9.eyJ0b2tlbiI6IlJFRlJFU0gtVE9LRU4ifQ.cmVmcmVzaC1zaWc',
  feedToken: 'eyJhbGciOiJIUzUxMiJ9.eyJmZWVkIjoiZmVlZCJ9.ZmVlZC1zaWc',
};
/** Second generation of tokens (after a refresh). */
export const TOKENS2 = {
  jwtToken: 'eyJhbGciOiJIUzUxMiJ9.eyJ1c2VybmFtZSI6IkExMjM0NTYiLCJnIjoyfQ.c2lnbmF0dXJlLXR3bw',
  refreshToken: 'eyJhbGciOiJIUzUxMiJ9.eyJ0b2tlbiI6IlJFRlJFU0gtMiJ9.cmVmcmVzaC0y',
  feedToken: 'eyJhbGciOiJIUzUxMiJ9.eyJmZWVkIjoiZmVlZDIifQ.ZmVlZDI',
};
/** A valid base32 TOTP secret (test only). */
export const TOTP_SECRET = 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP';

/** A valid SBIN-EQ LIMIT placement, the order most tests send. */
export const SBIN_LIMIT_ORDER: PlaceOrderParams = {
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'LIMIT',
  producttype: 'INTRADAY',
  duration: 'DAY',
  price: '500',
  quantity: '1',
};
