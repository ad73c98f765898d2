/**
 * The reconnecting WebSocket under `MarketFeed` and `OrderFeed`: an explicit state machine,
 * heartbeat, exponential backoff with full jitter, and typed failures.
 *
 * ```
 *            connect()              'open'
 *   idle ───────────────▶ connecting ──────▶ open
 *    ▲                     ▲    │              │ socket lost / heartbeat timeout / 429
 *    │          timer fires│    │ failed       ▼
 *    │                     └── reconnecting ◀──┘
 *    │                              │ close(), auth failure (401/403), attempts exhausted
 *    └──────── (connect() again) ── closed ◀───┘
 * ```
 *
 * Heartbeat and close-grace timers are `unref()`'d; the reconnect-delay timer is not, so that a
 * feed keeps the process alive while it is logically connected (open or reconnecting), exactly like
 * its open socket does, and never after `close()` or a terminal stop. `close()` clears every timer.
 * Nothing here calls `process.exit` or throws out of a socket callback.
 */
import { HEARTBEAT_PING, HEARTBEAT_PONG, Header } from '@smartapi-ts/protocol';
import WebSocket from 'ws';
import { ConnectionError, FeedAuthError, FeedError } from '../errors.js';
import { type Clock, systemClock, unrefTimer } from '../internal/clock.js';

/** States of a feed connection. */
export const ConnectionState = {
  /** Created, `connect()` not called yet. */
  IDLE: 'idle',
  /** Opening a socket (first time or after a reconnect delay). */
  CONNECTING: 'connecting',
  /** The socket is open; subscriptions have been (re)sent. */
  OPEN: 'open',
  /** The socket was lost; waiting for the backoff delay before the next attempt. */
  RECONNECTING: 'reconnecting',
  /** Stopped: `close()` was called, the venue refused our credentials, or attempts ran out. */
  CLOSED: 'closed',
} as const;
/** A state of a feed connection. */
export type ConnectionState = (typeof ConnectionState)[keyof typeof ConnectionState];

/** Reconnect policy: exponential backoff with full jitter. */
export interface ReconnectOptions {
  /**
   * Delay cap before "full jitter" for the first retry: the first delay is uniform in
   * `[0, initialDelayMs)`, the n-th in `[0, min(maxDelayMs, initialDelayMs × multiplier^(n−1)))`.
   * @default 500
   */
  initialDelayMs?: number;
  /** Upper bound of any delay. @default 10000 */
  maxDelayMs?: number;
  /** Growth factor of the delay bound per consecutive failed attempt. @default 2 */
  multiplier?: number;
  /** Consecutive failed attempts before giving up (state `closed`). @default Infinity */
  maxAttempts?: number;
  /**
   * A connection that stayed open at least this long resets the attempt counter when it drops,
   * so a healthy feed reconnects fast while a flapping one backs off.
   * @default 10000
   */
  resetAfterMs?: number;
}

/** Heartbeat policy. */
export interface HeartbeatOptions {
  /** Interval of the text `ping` the client sends (the venue answers `pong`); 0 disables. @default 10000 */
  intervalMs?: number;
  /**
   * A socket with no inbound traffic at all (ticks, `pong`, anything) for this long is considered
   * dead: it is terminated and the feed reconnects. 0 disables. Detection happens between
   * `timeoutMs` and 1.25 × `timeoutMs`.
   * @default 20000
   */
  timeoutMs?: number;
}

/** The subset of a `ws` client socket the feeds use. */
export interface FeedSocket {
  readonly readyState: number;
  send(data: string, cb?: (err?: Error) => void): void;
  close(code?: number, reason?: string): void;
  terminate(): void;
  on(event: 'open', listener: () => void): unknown;
  on(event: 'message', listener: (data: Buffer, isBinary: boolean) => void): unknown;
  on(event: 'close', listener: (code: number, reason: Buffer) => void): unknown;
  on(event: 'error', listener: (err: Error) => void): unknown;
  on(
    event: 'unexpected-response',
    listener: (
      req: unknown,
      res: {
        statusCode?: number | undefined;
        headers: Record<string, string | string[] | undefined>;
        resume(): unknown;
      },
    ) => void,
  ): unknown;
}

/** Options passed to the socket constructor (a subset of `ws` `ClientOptions`). */
export interface FeedSocketOptions {
  headers: Record<string, string>;
  handshakeTimeout: number;
  perMessageDeflate: boolean;
  followRedirects: boolean;
}

/** A WebSocket constructor compatible with `ws` (injectable for tests). */
export type FeedSocketConstructor = new (url: string, options: FeedSocketOptions) => FeedSocket;

/** Connection tuning shared by `MarketFeed`, `MarketFeedPool` and `OrderFeed`. */
export interface ConnectionOptions {
  /** `false` disables reconnecting; an object tunes it. @default true (unlimited attempts) */
  reconnect?: boolean | ReconnectOptions;
  /** `false` disables ping and the dead-socket watchdog; an object tunes them. @default enabled */
  heartbeat?: boolean | HeartbeatOptions;
  /** Timeout of the opening handshake. @default 10000 */
  handshakeTimeoutMs?: number;
  /** WebSocket implementation. @default the `ws` package's `WebSocket` */
  WebSocket?: FeedSocketConstructor;
  /** Random source in [0, 1) for the backoff jitter (tests). @default Math.random */
  random?: () => number;
  /**
   * Time source of the reconnect delay, the heartbeat and the close grace timer, and of the
   * "stayed open long enough" check (tests inject a manual clock; the socket itself still runs on real
   * time). The same {@link Clock} type as the REST client's `clock` option.
   * @default systemClock
   */
  clock?: Clock;
}

/** Passed to `'open'` listeners. */
export interface OpenInfo {
  /** True when this open follows an earlier open of the same feed (a reconnect). */
  reconnected: boolean;
  /** Failed attempts before this one since the last stable connection. */
  attempts: number;
}

/** Passed to `'close'` listeners: an open connection closed, or the feed stopped. */
export interface CloseInfo {
  /** WebSocket close code (1006 when the socket was lost without a close frame). */
  code: number;
  /** Close reason sent by the peer, if any. */
  reason: string;
  /** Whether the feed will reconnect (`'reconnecting'` follows). */
  willReconnect: boolean;
  /** Why it closed, when it was not a clean close. */
  error?: FeedError | ConnectionError;
}

/** Passed to `'reconnecting'` listeners. */
export interface ReconnectInfo {
  /** 1 for the first retry after a loss. */
  attempt: number;
  /** Delay before the attempt, in ms. */
  delayMs: number;
  /** What failed, when known. */
  error?: FeedError | ConnectionError;
}

/** Passed to `'stateChange'` listeners. */
export interface StateChange {
  from: ConnectionState;
  to: ConnectionState;
}

/** Callbacks of a {@link FeedConnection} (the owning feed re-emits them as events). */
export interface ConnectionHandlers {
  onOpen(info: OpenInfo): void;
  /** Every inbound message except the heartbeat `pong`. */
  onMessage(data: Buffer, isBinary: boolean): void;
  onClose(info: CloseInfo): void;
  onReconnecting(info: ReconnectInfo): void;
  onError(error: FeedError | ConnectionError): void;
  onStateChange(change: StateChange): void;
}

/** Everything a {@link FeedConnection} needs. */
export interface FeedConnectionConfig extends ConnectionOptions {
  url: string;
  /** Upgrade headers; called for every attempt so refreshed tokens are used. */
  headers: () => Record<string, string>;
  /** Name used in error messages (`market feed`, `order feed`). */
  label: string;
}

const DEFAULT_RECONNECT: Required<ReconnectOptions> = {
  initialDelayMs: 500,
  maxDelayMs: 10_000,
  multiplier: 2,
  maxAttempts: Number.POSITIVE_INFINITY,
  resetAfterMs: 10_000,
};
const DEFAULT_HEARTBEAT: Required<HeartbeatOptions> = { intervalMs: 10_000, timeoutMs: 20_000 };
const CLOSE_GRACE_MS = 1_000;

type Failure = FeedError | ConnectionError;

/**
 * Backoff delay of the n-th consecutive attempt (1-based): uniform in
 * `[0, min(maxDelayMs, initialDelayMs × multiplier^(n−1)))` ("full jitter").
 */
export function backoffDelay(
  attempt: number,
  options: Required<ReconnectOptions>,
  random: () => number,
): number {
  const bound = Math.min(options.maxDelayMs, options.initialDelayMs * options.multiplier ** (attempt - 1));
  return Math.floor(random() * bound);
}

/**
 * One logical feed connection: owns at most one socket at a time and replaces it after a loss.
 * @internal used by the feed classes; exported for advanced use and tests.
 */
export class FeedConnection {
  readonly #config: FeedConnectionConfig;
  readonly #handlers: ConnectionHandlers;
  readonly #reconnect: Required<ReconnectOptions> | null;
  readonly #heartbeat: Required<HeartbeatOptions> | null;
  readonly #WS: FeedSocketConstructor;
  readonly #random: () => number;
  readonly #clock: Clock;

  #state: ConnectionState = ConnectionState.IDLE;
  #socket: FeedSocket | null = null;
  #attempts = 0;
  #everOpened = false;
  #openedAt = 0;
  #stopping = false;
  #pendingFailure: Failure | null = null;
  #lastError: Failure | null = null;
  #reconnectTimer: unknown = null;
  #pingTimer: Repeating | null = null;
  #watchdogTimer: Repeating | null = null;
  #graceTimer: unknown = null;
  #traffic = false;
  #silentChecks = 0;
  #connectWaiters: Array<{ resolve: () => void; reject: (e: unknown) => void }> = [];
  #closeWaiters: Array<() => void> = [];

  constructor(config: FeedConnectionConfig, handlers: ConnectionHandlers) {
    this.#config = config;
    this.#handlers = handlers;
    const r = config.reconnect ?? true;
    this.#reconnect = r === false ? null : { ...DEFAULT_RECONNECT, ...(r === true ? {} : r) };
    const h = config.heartbeat ?? true;
    this.#heartbeat = h === false ? null : { ...DEFAULT_HEARTBEAT, ...(h === true ? {} : h) };
    this.#WS = config.WebSocket ?? (WebSocket as unknown as FeedSocketConstructor);
    this.#random = config.random ?? Math.random;
    this.#clock = config.clock ?? systemClock;
  }

  /** Current state. */
  get state(): ConnectionState {
    return this.#state;
  }

  /** The error that last stopped or interrupted the connection, if any. */
  get lastError(): Failure | null {
    return this.#lastError;
  }

  /**
   * Opens the connection (from `idle` or `closed`). Resolves on the first `open`; rejects when the
   * connection reaches `closed` before opening (auth failure, `close()`, attempts exhausted). While
   * connecting or reconnecting it waits for the next open; when already open it resolves at once.
   * The returned promise is pre-handled: ignoring it never causes an unhandled rejection.
   */
  connect(): Promise<void> {
    if (this.#state === ConnectionState.OPEN) return Promise.resolve();
    const p = new Promise<void>((resolve, reject) => this.#connectWaiters.push({ resolve, reject }));
    p.catch(() => {});
    if (this.#state === ConnectionState.IDLE || this.#state === ConnectionState.CLOSED) {
      this.#stopping = false;
      this.#attempts = 0;
      this.#lastError = null;
      this.#openSocket();
    }
    return p;
  }

  /**
   * Stops for good (until `connect()` is called again): cancels a pending reconnect, closes the
   * socket with code 1000 (terminating it if the peer does not answer within 1 s) and clears every
   * timer. Resolves once the state is `closed`.
   */
  close(): Promise<void> {
    if (this.#state === ConnectionState.CLOSED) return Promise.resolve();
    if (this.#stopping && this.#socket !== null) {
      // already closing: wait for the same socket
      return new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    }
    this.#stopping = true;
    this.#clearReconnectTimer();
    const sock = this.#socket;
    if (sock === null) {
      this.#finishClosed(1000, '', false, undefined);
      return Promise.resolve();
    }
    const p = new Promise<void>((resolve) => this.#closeWaiters.push(resolve));
    this.#stopHeartbeat();
    if (sock.readyState === WebSocket.CONNECTING) {
      sock.terminate();
    } else {
      try {
        sock.close(1000, '');
      } catch {
        sock.terminate();
      }
      // (a socket may report 'close' synchronously: then there is nothing left to wait for)
      if (this.#socket === sock) {
        this.#graceTimer = this.#clock.setTimeout(() => sock.terminate(), CLOSE_GRACE_MS);
        unrefTimer(this.#graceTimer);
      }
    }
    return p;
  }

  /** Sends a text frame when open; returns false (and sends nothing) otherwise. */
  send(text: string): boolean {
    const sock = this.#socket;
    if (this.#state !== ConnectionState.OPEN || sock === null || sock.readyState !== WebSocket.OPEN)
      return false;
    sock.send(text);
    return true;
  }

  /**
   * Drops the current socket because of `error` and lets the reconnect policy decide (e.g. a JSON
   * `429`). A `FeedAuthError` stops the connection instead of reconnecting.
   */
  drop(error: Failure): void {
    const sock = this.#socket;
    if (sock === null) return;
    this.#pendingFailure = error;
    sock.terminate();
  }

  #setState(to: ConnectionState): void {
    const from = this.#state;
    if (from === to) return;
    this.#state = to;
    this.#handlers.onStateChange({ from, to });
  }

  #openSocket(): void {
    this.#setState(ConnectionState.CONNECTING);
    let sock: FeedSocket;
    try {
      sock = new this.#WS(this.#config.url, {
        headers: this.#config.headers(),
        handshakeTimeout: this.#config.handshakeTimeoutMs ?? 10_000,
        perMessageDeflate: false,
        followRedirects: false,
      });
    } catch (err) {
      // An invalid URL or header value: retrying cannot help.
      const e = new FeedError(
        `${this.#config.label}: cannot open ${this.#config.url}: ${msg(err)}`,
        'INVALID',
        {
          cause: err,
        },
      );
      this.#lastError = e;
      this.#handlers.onError(e);
      this.#finishClosed(1006, '', true, e);
      return;
    }
    this.#socket = sock;
    sock.on('open', () => {
      if (this.#socket !== sock) return;
      this.#onOpen(sock);
    });
    sock.on('message', (data, isBinary) => {
      if (this.#socket !== sock) return;
      this.#traffic = true;
      if (!isBinary && data.length === 4 && data.toString('latin1') === HEARTBEAT_PONG) return;
      this.#handlers.onMessage(data, isBinary);
    });
    sock.on('unexpected-response', (_req, res) => {
      if (this.#socket !== sock) return;
      this.#pendingFailure = upgradeFailure(this.#config.label, res.statusCode ?? 0, res.headers);
      res.resume();
      sock.terminate();
    });
    sock.on('error', (err) => {
      if (this.#socket !== sock) return;
      if (this.#pendingFailure === null) {
        this.#pendingFailure = new ConnectionError(`${this.#config.label}: ${err.message}`, { cause: err });
      }
    });
    sock.on('close', (code, reason) => {
      if (this.#socket !== sock) return;
      this.#onSocketClosed(code, reason.toString('utf8'));
    });
  }

  #onOpen(sock: FeedSocket): void {
    this.#openedAt = this.#clock.now();
    const reconnected = this.#everOpened;
    this.#everOpened = true;
    const attempts = this.#attempts;
    this.#setState(ConnectionState.OPEN);
    this.#startHeartbeat(sock);
    this.#handlers.onOpen({ reconnected, attempts });
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    for (const w of waiters) w.resolve();
  }

  #onSocketClosed(code: number, reason: string): void {
    const wasOpen = this.#state === ConnectionState.OPEN;
    this.#stopHeartbeat();
    if (this.#graceTimer !== null) {
      this.#clock.clearTimeout(this.#graceTimer);
      this.#graceTimer = null;
    }
    this.#socket = null;
    const failure = this.#pendingFailure;
    this.#pendingFailure = null;

    if (this.#stopping) {
      this.#finishClosed(code, reason, wasOpen, undefined);
      return;
    }
    if (failure !== null) {
      this.#lastError = failure;
      this.#handlers.onError(failure);
    }
    if (failure instanceof FeedAuthError) {
      // Retrying with the same credentials cannot succeed and would hammer the venue.
      this.#finishClosed(code, reason, wasOpen, failure);
      return;
    }
    const policy = this.#reconnect;
    if (policy !== null && wasOpen && this.#clock.now() - this.#openedAt >= policy.resetAfterMs)
      this.#attempts = 0;
    if (policy === null || this.#attempts >= policy.maxAttempts) {
      const why =
        failure ??
        new FeedError(
          policy === null
            ? `${this.#config.label}: connection closed (code ${code}) and reconnect is disabled`
            : `${this.#config.label}: gave up after ${this.#attempts} reconnect attempts`,
          policy === null ? 'CLOSED' : 'RECONNECT_EXHAUSTED',
        );
      this.#finishClosed(code, reason, wasOpen, why);
      return;
    }
    this.#attempts++;
    const delayMs = backoffDelay(this.#attempts, policy, this.#random);
    const info: ReconnectInfo = { attempt: this.#attempts, delayMs };
    if (failure !== null) info.error = failure;
    this.#setState(ConnectionState.RECONNECTING);
    if (wasOpen) {
      const ci: CloseInfo = { code, reason, willReconnect: true };
      if (failure !== null) ci.error = failure;
      this.#handlers.onClose(ci);
    }
    this.#handlers.onReconnecting(info);
    // A listener may have called close() (state closed) or connect() is irrelevant here.
    if (this.#state !== ConnectionState.RECONNECTING) return;
    // Deliberately NOT unref'd: while reconnecting there is no socket, and an unref'd timer would let
    // a bot whose only activity is this feed exit silently during an outage. The feed holds the
    // event loop exactly while an open socket would (until close() or a terminal stop).
    this.#reconnectTimer = this.#clock.setTimeout(() => {
      this.#reconnectTimer = null;
      if (this.#state === ConnectionState.RECONNECTING) this.#openSocket();
    }, delayMs);
  }

  #finishClosed(code: number, reason: string, emitClose: boolean, error: Failure | undefined): void {
    this.#clearReconnectTimer();
    this.#stopHeartbeat();
    const wasStopping = this.#stopping;
    this.#setState(ConnectionState.CLOSED);
    if (emitClose || error !== undefined || wasStopping) {
      const ci: CloseInfo = { code, reason, willReconnect: false };
      if (error !== undefined) ci.error = error;
      this.#handlers.onClose(ci);
    }
    const waiters = this.#connectWaiters;
    this.#connectWaiters = [];
    const rejection =
      error ?? new FeedError(`${this.#config.label}: closed before the connection opened`, 'CLOSED');
    for (const w of waiters) w.reject(rejection);
    const closers = this.#closeWaiters;
    this.#closeWaiters = [];
    for (const c of closers) c();
  }

  #startHeartbeat(sock: FeedSocket): void {
    const hb = this.#heartbeat;
    if (hb === null) return;
    if (hb.intervalMs > 0) {
      this.#pingTimer = repeat(this.#clock, hb.intervalMs, () => {
        if (sock.readyState === WebSocket.OPEN) sock.send(HEARTBEAT_PING);
      });
    }
    if (hb.timeoutMs > 0) {
      this.#traffic = false;
      this.#silentChecks = 0;
      const checks = 4;
      this.#watchdogTimer = repeat(this.#clock, Math.max(1, Math.floor(hb.timeoutMs / checks)), () => {
        if (this.#traffic) {
          this.#traffic = false;
          this.#silentChecks = 0;
          return;
        }
        if (++this.#silentChecks < checks) return;
        if (this.#socket !== sock) return;
        this.#pendingFailure = new FeedError(
          `${this.#config.label}: no traffic for ${hb.timeoutMs} ms; the connection is considered dead`,
          'HEARTBEAT_TIMEOUT',
        );
        sock.terminate();
      });
    }
  }

  #stopHeartbeat(): void {
    this.#pingTimer?.cancel();
    this.#watchdogTimer?.cancel();
    this.#pingTimer = null;
    this.#watchdogTimer = null;
  }

  #clearReconnectTimer(): void {
    if (this.#reconnectTimer !== null) this.#clock.clearTimeout(this.#reconnectTimer);
    this.#reconnectTimer = null;
  }
}

/** A cancellable repeating timer on a {@link Clock}. */
interface Repeating {
  cancel(): void;
}

/** Calls `fn` every `ms` on `clock` (an unref'd interval built from one-shot timers) until cancelled. */
function repeat(clock: Clock, ms: number, fn: () => void): Repeating {
  let stopped = false;
  let handle: unknown;
  const schedule = (): void => {
    handle = clock.setTimeout(() => {
      if (stopped) return;
      schedule();
      fn();
    }, ms);
    unrefTimer(handle);
  };
  schedule();
  return {
    cancel() {
      stopped = true;
      clock.clearTimeout(handle);
    },
  };
}

function msg(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Turns a refused upgrade into a typed error: 401/403 → `FeedAuthError`, others → `FeedError`. */
function upgradeFailure(
  label: string,
  status: number,
  headers: Record<string, string | string[] | undefined>,
): FeedError {
  const raw = headers[Header.ERROR_MESSAGE];
  const detail = Array.isArray(raw) ? raw.join(', ') : (raw ?? '');
  const text = `${label}: upgrade refused with HTTP ${status}${detail ? `: ${detail}` : ''}`;
  if (status === 401 || status === 403) return new FeedAuthError(text, String(status));
  return new FeedError(text, String(status));
}
