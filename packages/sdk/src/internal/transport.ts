/**
 * HTTP transports. The default one is undici's `Pool` driven through its `dispatch` handler API (no
 * streams, no `fetch` objects: the cheapest per call in client CPU, see benchmarks/rest); a `node:http`
 * keep-alive transport is kept as an option; an injected `fetch` (tests, browsers, proxies) replaces both.
 * Transports throw only `ConnectionError`, `TimeoutError` or `AbortError`; HTTP statuses are data.
 */
import http from 'node:http';
import https from 'node:https';
import type { HttpMethod } from '@smartapi-ts/protocol';
import type { Pool } from 'undici';
import { AbortError, ConnectionError, TimeoutError } from '../errors.js';

/** One HTTP exchange to perform. */
export interface TransportRequest {
  readonly method: HttpMethod;
  /** Path below the root, starting with `/`. */
  readonly path: string;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string | undefined;
  readonly timeoutMs: number;
  readonly signal: AbortSignal | undefined;
  /** Route name, for error objects. */
  readonly route: string;
}

/** The answer, whatever its status. */
export interface TransportResponse {
  readonly status: number;
  readonly body: string;
  /** `Retry-After` header value, when present. */
  readonly retryAfter: string | undefined;
}

/** Sends requests. */
export interface Transport {
  send(req: TransportRequest): Promise<TransportResponse>;
  /** Releases pooled connections. */
  close(): void;
}

/** A `fetch`-compatible function (the global one, undici's, or a test double). */
export type FetchLike = (
  url: string,
  init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal },
) => Promise<{ status: number; text(): Promise<string>; headers: { get(name: string): string | null } }>;

const NOT_DELIVERED = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'EADDRNOTAVAIL',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'CERT_HAS_EXPIRED',
  'ERR_INVALID_URL',
]);

function errorCode(e: unknown): string | undefined {
  let cur: unknown = e;
  for (let i = 0; i < 4 && cur && typeof cur === 'object'; i++) {
    const code = (cur as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    cur = (cur as { cause?: unknown }).cause;
  }
  return undefined;
}

/** Wraps a low-level failure into a `ConnectionError` that says whether the request may have arrived. */
export function connectionError(route: string, e: unknown): ConnectionError {
  const code = errorCode(e);
  const maybeDelivered = !(code && NOT_DELIVERED.has(code));
  return new ConnectionError(`${route}: connection failed${code ? ` (${code})` : ''}`, {
    cause: e,
    route,
    maybeDelivered,
  });
}

function timeoutError(route: string, ms: number): TimeoutError {
  return new TimeoutError(`${route}: no answer within ${ms} ms`, { route, maybeDelivered: true });
}

function abortError(route: string, signal: AbortSignal | undefined): AbortError {
  const reason: unknown = signal?.reason;
  return new AbortError(`${route}: aborted`, reason === undefined ? undefined : { cause: reason });
}

/** Options of the node:http transport. */
export interface NodeTransportOptions {
  /** Root URL (`https://apiconnect.angelone.in`). */
  root: string;
  /** Pooled sockets per host. @default 64 */
  maxSockets?: number;
}

/** The default transport: node:http(s) with a keep-alive agent. */
export function createNodeTransport(opts: NodeTransportOptions): Transport {
  const url = new URL(opts.root);
  const secure = url.protocol === 'https:';
  const mod = secure ? https : http;
  const maxSockets = opts.maxSockets ?? 64;
  const agent = secure
    ? new https.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' })
    : new http.Agent({ keepAlive: true, maxSockets, maxFreeSockets: maxSockets, scheduling: 'lifo' });
  const hostname = url.hostname.startsWith('[') ? url.hostname.slice(1, -1) : url.hostname;
  const port = url.port ? Number(url.port) : secure ? 443 : 80;
  const basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;

  return {
    send(req: TransportRequest): Promise<TransportResponse> {
      const { route, signal } = req;
      if (signal?.aborted) return Promise.reject(abortError(route, signal));
      return new Promise<TransportResponse>((resolve, reject) => {
        let settled = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        const finish = (err: Error | undefined, res?: TransportResponse) => {
          if (settled) return;
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve(res as TransportResponse);
        };
        const r = mod.request(
          { method: req.method, hostname, port, path: basePath + req.path, headers: req.headers, agent },
          (res) => {
            res.setEncoding('utf8');
            let body = '';
            res.on('data', (chunk: string) => {
              body += chunk;
            });
            res.on('end', () => {
              const ra = res.headers['retry-after'];
              finish(undefined, { status: res.statusCode ?? 0, body, retryAfter: ra });
            });
            res.on('error', (e) => finish(connectionError(route, e)));
            res.on('close', () => {
              if (!res.complete) finish(connectionError(route, new Error('response truncated')));
            });
          },
        );
        const onAbort = () => {
          const e = abortError(route, signal);
          r.destroy(e);
          finish(e);
        };
        r.on('error', (e) => {
          if (e instanceof TimeoutError || e instanceof AbortError) finish(e);
          else finish(connectionError(route, e));
        });
        if (req.timeoutMs > 0 && Number.isFinite(req.timeoutMs)) {
          timer = setTimeout(() => {
            const e = timeoutError(route, req.timeoutMs);
            r.destroy(e);
            finish(e);
          }, req.timeoutMs);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        r.end(req.body);
      });
    },
    close() {
      agent.destroy();
    },
  };
}

/** Options of the undici transport. */
export interface UndiciTransportOptions {
  /** Root URL (`https://apiconnect.angelone.in`). */
  root: string;
  /** Pooled keep-alive connections to the host. @default 64 */
  maxSockets?: number;
}

const RETRY_AFTER = 'retry-after';

/** The `Retry-After` value among undici's raw header pairs (name, value, name, value …). */
function retryAfterOf(raw: Buffer[]): string | undefined {
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = raw[i] as Buffer;
    if (name.length === RETRY_AFTER.length && name.toString('latin1').toLowerCase() === RETRY_AFTER) {
      return (raw[i + 1] as Buffer).toString('latin1');
    }
  }
  return undefined;
}

/**
 * The default transport: an undici `Pool` (keep-alive, `maxSockets` connections, no pipelining) and its
 * `dispatch` handler API: the answer's chunks are collected and decoded once, without streams or promises
 * per chunk. Timeouts and aborts are this transport's own (undici's header/body timeouts are off), so they
 * behave as in the other transports.
 */
export function createUndiciTransport(opts: UndiciTransportOptions): Transport {
  const url = new URL(opts.root);
  const basePath = url.pathname.endsWith('/') ? url.pathname.slice(0, -1) : url.pathname;
  // undici is loaded on the first request, not at import: loading it initialises process.stderr (node:assert),
  // and constructing a client must leave no handle behind (packaging test).
  let pool: Pool | undefined;
  let closed = false;
  let loading: Promise<Pool> | undefined;
  const load = (): Promise<Pool> =>
    (loading ??= import('undici').then(({ Pool }) => {
      pool = new Pool(url.origin, {
        connections: opts.maxSockets ?? 64,
        pipelining: 1,
        headersTimeout: 0,
        bodyTimeout: 0,
      });
      if (closed) void pool.destroy().catch(() => {});
      return pool;
    }));

  const transport: Transport = {
    send(req: TransportRequest): Promise<TransportResponse> {
      const { route, signal } = req;
      if (signal?.aborted) return Promise.reject(abortError(route, signal));
      const p = pool;
      if (!p) {
        return load().then(
          () => transport.send(req),
          (e: unknown) => Promise.reject(connectionError(route, e)),
        );
      }
      return new Promise<TransportResponse>((resolve, reject) => {
        let settled = false;
        let timer: ReturnType<typeof setTimeout> | undefined;
        let abortRequest: ((err?: Error) => void) | undefined;
        let cancelled: Error | undefined;
        let status = 0;
        let retryAfter: string | undefined;
        const chunks: Buffer[] = [];
        const finish = (err: Error | undefined, res?: TransportResponse) => {
          if (settled) return;
          settled = true;
          if (timer !== undefined) clearTimeout(timer);
          signal?.removeEventListener('abort', onAbort);
          if (err) reject(err);
          else resolve(res as TransportResponse);
        };
        const cancel = (e: Error) => {
          cancelled = e;
          finish(e);
          abortRequest?.(e);
        };
        const onAbort = () => cancel(abortError(route, signal));
        if (req.timeoutMs > 0 && Number.isFinite(req.timeoutMs)) {
          timer = setTimeout(() => cancel(timeoutError(route, req.timeoutMs)), req.timeoutMs);
        }
        signal?.addEventListener('abort', onAbort, { once: true });
        try {
          p.dispatch(
            {
              method: req.method,
              path: basePath + req.path,
              headers: req.headers as Record<string, string>,
              body: req.body ?? null,
            },
            {
              onConnect(abort) {
                abortRequest = abort;
                if (cancelled) abort(cancelled);
              },
              onHeaders(statusCode, headers) {
                status = statusCode;
                retryAfter = retryAfterOf(headers);
                return true;
              },
              onData(chunk) {
                chunks.push(chunk);
                return true;
              },
              onComplete() {
                const body =
                  chunks.length === 1
                    ? (chunks[0] as Buffer).toString('utf8')
                    : Buffer.concat(chunks).toString('utf8');
                // Settle once undici has made the connection idle again: with pipelining 1 it waits
                // for a setImmediate queued right after this callback, so ours is queued after it (from a
                // microtask) and the next call reuses this connection instead of opening another one.
                const res = { status, body, retryAfter };
                queueMicrotask(() => setImmediate(finish, undefined, res));
              },
              onError(e) {
                if (cancelled) finish(cancelled);
                else finish(connectionError(route, e));
              },
            },
          );
        } catch (e) {
          finish(connectionError(route, e));
        }
      });
    },
    close() {
      closed = true;
      if (pool) void pool.destroy().catch(() => {});
    },
  };
  return transport;
}

/** A transport over an injected `fetch`. */
export function createFetchTransport(fetchFn: FetchLike, root: string): Transport {
  const base = root.endsWith('/') ? root.slice(0, -1) : root;
  return {
    async send(req: TransportRequest): Promise<TransportResponse> {
      const { route, signal } = req;
      if (signal?.aborted) throw abortError(route, signal);
      const ctl = new AbortController();
      let timedOut = false;
      const onAbort = () => ctl.abort(signal?.reason);
      signal?.addEventListener('abort', onAbort, { once: true });
      const timer =
        req.timeoutMs > 0 && Number.isFinite(req.timeoutMs)
          ? setTimeout(() => {
              timedOut = true;
              ctl.abort();
            }, req.timeoutMs)
          : undefined;
      try {
        const init: { method: string; headers: Record<string, string>; body?: string; signal: AbortSignal } =
          {
            method: req.method,
            headers: req.headers as Record<string, string>,
            signal: ctl.signal,
          };
        if (req.body !== undefined) init.body = req.body;
        const res = await fetchFn(base + req.path, init);
        const body = await res.text();
        return { status: res.status, body, retryAfter: res.headers.get('retry-after') ?? undefined };
      } catch (e) {
        if (timedOut) throw timeoutError(route, req.timeoutMs);
        if (signal?.aborted) throw abortError(route, signal);
        throw connectionError(route, e);
      } finally {
        if (timer !== undefined) clearTimeout(timer);
        signal?.removeEventListener('abort', onAbort);
      }
    },
    close() {},
  };
}
