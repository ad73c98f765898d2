/**
 * `MarketFeed`: the WebSocket 2.0 ("Smart Stream") market-data feed
 * (`wss://smartapisocket.angelone.in/smart-stream`, docs/protocol/websocket.md#market-feed).
 */
import {
  DEFAULT_MARKET_FEED_URL,
  DEFAULT_ROOT_URL,
  type DecodeOptions,
  decodeFeedPacket,
  FEED_LIMITS,
  FeedAction,
  type FeedErrorFrame,
  type FeedMode,
  type FeedTick,
  type FeedTokenGroup,
  Header,
  MARKET_FEED_PATH,
  stripBearer,
  WireHeader,
} from '@smartapi-ts/protocol';
import { type ConnectionError, FeedAuthError, FeedDecodeError, FeedError, InputError } from '../errors.js';
import {
  type CloseInfo,
  type ConnectionOptions,
  type ConnectionState,
  FeedConnection,
  type OpenInfo,
  type ReconnectInfo,
  type StateChange,
} from './connection.js';
import { TypedEmitter } from './emitter.js';
import { FeedStream, type StreamOptions } from './stream.js';
import {
  buildRequests,
  checkDepth20,
  correlationId,
  type FeedModeInput,
  parseMode,
  parseTokenList,
  SubscriptionSet,
  type TokenListInput,
} from './subscriptions.js';

/** Options of {@link MarketFeed}. */
export interface MarketFeedOptions extends ConnectionOptions {
  /** Angel One client code (`x-client-code`). */
  clientCode: string;
  /** `feedToken` from login / generateTokens (`x-feed-token`). */
  feedToken: string;
  /** SmartAPI key (`x-api-key`). */
  apiKey: string;
  /** JWT from login, with or without the `Bearer ` prefix (`Authorization: Bearer …`). */
  jwtToken: string;
  /** Feed URL (e.g. the paper broker's). @default DEFAULT_MARKET_FEED_URL (wss://smartapisocket.angelone.in/smart-stream) */
  url?: string;
  /** Deliver prices as raw wire integers (paise; 10^-7 rupee for cde_fo) instead of rupees. @default false */
  rawPrices?: boolean;
  /**
   * Reject binary frames longer than their mode's packet size (an `'error'` event). With `false`
   * trailing bytes are ignored, so a venue that appends fields does not stop the feed.
   * @default false
   */
  strict?: boolean;
}

/** The session fields a feed needs (a `Session` of the REST client has them). */
export interface FeedCredentials {
  clientCode: string;
  apiKey: string;
  jwtToken: string;
  feedToken: string;
}

/**
 * Anything that holds a session and announces refreshed ones: a `SmartApi` client (its `session`
 * property and `'session'` event).
 */
export interface SessionSource {
  readonly session: FeedCredentials | undefined;
  on(event: 'session', listener: (session: FeedCredentials) => void): unknown;
  /**
   * The client's REST root (`SmartApi.root`). When it is not the venue's, `fromClient` derives the feed
   * URL from it (`http://host:port` → `ws://host:port/<path>`) unless `url` is given.
   */
  readonly root?: string;
}

/**
 * The feed URL `fromClient` uses: `explicit` when given; else, for a client whose REST root is not
 * the venue's (e.g. the paper broker), `ws(s)://<root host>` + `path`; else `undefined` (the venue's
 * default socket).
 */
export function feedUrlFromRoot(
  root: string | undefined,
  path: string,
  explicit?: string,
): string | undefined {
  if (explicit !== undefined) return explicit;
  if (typeof root !== 'string' || root === '') return undefined;
  const clean = root.replace(/\/+$/, '');
  if (clean === DEFAULT_ROOT_URL || !/^https?:\/\//i.test(clean)) return undefined;
  return clean.replace(/^http/i, 'ws') + path;
}

/** Options of a subscribe/unsubscribe call. */
export interface SubscribeOptions {
  /** 10-character id echoed by the venue in error frames. @default random */
  correlationId?: string;
}

/** Events of {@link MarketFeed}. */
export type MarketFeedEvents = {
  /** A decoded tick; discriminate on `tick.mode` (1 LTP, 2 Quote, 3 SnapQuote, 4 Depth-20). */
  tick: [tick: FeedTick];
  /**
   * A binary frame exactly as received, before decoding (what `smartapi record` writes to tick
   * files); emitted before its `tick`, also for frames that fail to decode.
   */
  frame: [frame: Uint8Array];
  /** The socket opened and the subscription set was (re)sent. */
  open: [info: OpenInfo];
  /** An open socket closed (`willReconnect` says whether the feed goes on) or the feed stopped. */
  close: [info: CloseInfo];
  /** A reconnect attempt is scheduled. */
  reconnecting: [info: ReconnectInfo];
  /**
   * A problem that did not stop the feed by itself (bad frame: `FeedDecodeError`; venue error frame:
   * `FeedError` with code `E1001`/`E1002`; lost socket: `ConnectionError`), or the reason it stopped
   * (`FeedAuthError`).
   */
  error: [error: FeedError | ConnectionError];
  /** Every state transition. */
  stateChange: [change: StateChange];
};

/** Options of `ticks()`. */
export interface TickStreamOptions extends StreamOptions {}

/** Coalescing key of a tick: instrument and mode. */
export function tickKey(tick: FeedTick): string {
  return `${tick.exchangeType}|${tick.token}|${tick.mode}`;
}

/** Default `bufferSize` of `ticks()`: above 3 × 1000 pairs, so a slow consumer coalesces but never drops. */
export const DEFAULT_TICK_BUFFER = 4096;

/**
 * The market-data feed: one WebSocket connection with heartbeat, automatic reconnect (exponential
 * backoff with full jitter, capped at 10 s, unlimited attempts) and exact resubscription.
 *
 * ```ts
 * const feed = new MarketFeed({ clientCode, feedToken, apiKey, jwtToken });
 * feed.on('error', (e) => log.warn(e));
 * feed.subscribe('snapQuote', ['nse_cm|3045', 'nse_cm|2885']);
 * await feed.connect();
 * for await (const tick of feed.ticks()) console.log(tick.token, tick.lastTradedPrice);
 * ```
 *
 * Instances share nothing: two feeds in one process have separate sockets, subscriptions and listeners.
 */
export class MarketFeed extends TypedEmitter<MarketFeedEvents> {
  readonly #conn: FeedConnection;
  readonly #subs = new SubscriptionSet();
  readonly #decode: DecodeOptions;
  #streams: FeedStream<FeedTick>[] = [];
  #clientCode: string;
  #feedToken: string;
  #apiKey: string;
  #jwtToken: string;
  readonly #url: string;
  readonly #random: () => number;

  constructor(options: MarketFeedOptions) {
    super();
    for (const k of ['clientCode', 'feedToken', 'apiKey', 'jwtToken'] as const) {
      if (typeof options[k] !== 'string' || options[k] === '') {
        throw new InputError({
          code: 'MISSING_CREDENTIAL',
          message: `${k} is required`,
          httpStatus: 0,
          route: 'marketFeed',
        });
      }
    }
    this.#clientCode = options.clientCode;
    this.#feedToken = options.feedToken;
    this.#apiKey = options.apiKey;
    this.#jwtToken = options.jwtToken;
    this.#url = options.url ?? DEFAULT_MARKET_FEED_URL;
    this.#random = options.random ?? Math.random;
    this.#decode = { rawPrices: options.rawPrices === true, strict: options.strict === true };
    this.#conn = new FeedConnection(
      { ...options, url: this.#url, label: 'market feed', headers: () => this.#headers() },
      {
        onOpen: (info) => {
          this.#resubscribe();
          this.emit('open', info);
        },
        onMessage: (data, isBinary) => this.#onMessage(data, isBinary),
        onClose: (info) => {
          this.emit('close', info);
          if (!info.willReconnect) this.#endStreams(info.error);
        },
        onReconnecting: (info) => this.emit('reconnecting', info),
        onError: (err) => this.emit('error', err),
        onStateChange: (change) => this.emit('stateChange', change),
      },
    );
  }

  /**
   * A feed using the session of a logged-in client (`SmartApi`). New sessions (token refresh,
   * daily re-login) are applied to the next reconnect, and a feed stopped by `FeedAuthError` is
   * reconnected when a new session arrives.
   * Without `url`, a client whose `root` is not the venue's (the paper broker) gets `ws://<root host>` +
   * the feed path ({@link feedUrlFromRoot}).
   * @throws `InputError` (`NO_SESSION`) when the client is not logged in
   */
  static fromClient(
    client: SessionSource,
    options: Omit<MarketFeedOptions, keyof FeedCredentials> = {},
  ): MarketFeed {
    const session = client.session;
    if (!session) {
      throw new InputError({
        code: 'NO_SESSION',
        message: 'log in before creating a feed from the client',
        httpStatus: 0,
        route: 'marketFeed',
      });
    }
    const url = feedUrlFromRoot(client.root, MARKET_FEED_PATH, options.url);
    const feed = new MarketFeed({
      ...options,
      ...(url === undefined ? {} : { url }),
      clientCode: session.clientCode,
      apiKey: session.apiKey,
      jwtToken: session.jwtToken,
      feedToken: session.feedToken,
    });
    client.on('session', (s) => {
      feed.updateTokens({ jwtToken: s.jwtToken, feedToken: s.feedToken });
      if (feed.state === 'closed' && feed.lastError instanceof FeedAuthError) void feed.connect();
    });
    return feed;
  }

  /** The feed URL. */
  get url(): string {
    return this.#url;
  }

  /** Connection state: `idle`, `connecting`, `open`, `reconnecting` or `closed`. */
  get state(): ConnectionState {
    return this.#conn.state;
  }

  /** The error that last interrupted or stopped the connection, if any. */
  get lastError(): FeedError | ConnectionError | null {
    return this.#conn.lastError;
  }

  /** Number of subscribed token-mode pairs (the venue allows 1000 per connection). */
  get subscriptionCount(): number {
    return this.#subs.size;
  }

  /** The current subscription set in the venue's shape, per mode (`{ 3: [{ exchangeType: 1, tokens }] }`). */
  get subscriptions(): Partial<Record<FeedMode, FeedTokenGroup[]>> {
    return this.#subs.toJSON();
  }

  /**
   * Opens the connection. Resolves on the first open; rejects with `FeedAuthError` when the venue
   * refuses the credentials (no retry), or with `FeedError` when `close()` is called first. Safe to
   * ignore the promise: the feed reports through events either way.
   */
  connect(): Promise<void> {
    return this.#conn.connect();
  }

  /**
   * Closes the socket, cancels any reconnect and clears all timers; `ticks()` iterators finish after
   * delivering what they buffered. The subscription set is kept, so `connect()` resumes it.
   */
  close(): Promise<void> {
    return this.#conn.close();
  }

  /**
   * Replaces the tokens used for the next (re)connection, e.g. after `generateTokens`. The current
   * socket is not affected.
   */
  updateTokens(tokens: { jwtToken?: string; feedToken?: string }): void {
    if (tokens.jwtToken) this.#jwtToken = tokens.jwtToken;
    if (tokens.feedToken) this.#feedToken = tokens.feedToken;
  }

  /**
   * Adds tokens in a mode. Sent at once when open, otherwise on the next open; tokens already
   * subscribed in that mode are not re-sent. The set is re-sent exactly after every reconnect.
   *
   * @param mode - 1–4 or `'ltp'`, `'quote'`, `'snapQuote'`, `'depth20'`
   * @param tokenList - `[{ exchangeType, tokens }]`, `['nse_cm|3045', …]` or `[{ exchange: 'NSE', token: '3045' }]`
   * @throws `InputError` (nothing is changed or sent) for a bad mode/token/exchange (`INVALID_*`),
   *   depth-20 on an exchangeType other than 1 (`DEPTH20_EXCHANGE`) or more than 50 depth-20 tokens
   *   in one call (`DEPTH20_LIMIT`), or more than 1000 token-mode pairs (`SUBSCRIPTION_LIMIT`)
   */
  subscribe(mode: FeedModeInput, tokenList: TokenListInput, options?: SubscribeOptions): void {
    const route = 'marketFeed.subscribe';
    const m = parseMode(mode, route);
    const groups = parseTokenList(tokenList, route);
    if (m === 4) checkDepth20(groups, route);
    const fresh = this.#subs.missing(m, groups);
    let count = 0;
    for (const t of fresh.values()) count += t.length;
    if (count === 0) return;
    if (this.#subs.size + count > FEED_LIMITS.subscriptionsPerConnection) {
      throw new InputError({
        code: 'SUBSCRIPTION_LIMIT',
        message: `a connection allows ${FEED_LIMITS.subscriptionsPerConnection} token-mode pairs; ${this.#subs.size} subscribed + ${count} new would exceed it (use MarketFeedPool for more)`,
        httpStatus: 0,
        route,
      });
    }
    this.#subs.add(m, fresh);
    this.#send(FeedAction.SUBSCRIBE, m, fresh, options?.correlationId);
  }

  /**
   * Removes tokens from a mode. Sent at once when open (only the tokens that were subscribed);
   * removed tokens are not re-sent after a reconnect.
   * @throws `InputError` for a malformed mode or token list
   */
  unsubscribe(mode: FeedModeInput, tokenList: TokenListInput, options?: SubscribeOptions): void {
    const route = 'marketFeed.unsubscribe';
    const m = parseMode(mode, route);
    const removed = this.#subs.remove(m, parseTokenList(tokenList, route));
    if (removed.size) this.#send(FeedAction.UNSUBSCRIBE, m, removed, options?.correlationId);
  }

  /** Unsubscribes everything (one request per mode when open). */
  unsubscribeAll(): void {
    for (const mode of this.#subs.modes()) {
      const groups = this.#subs.groups(mode);
      this.#subs.remove(mode, groups);
      this.#send(FeedAction.UNSUBSCRIBE, mode, groups, undefined);
    }
  }

  /**
   * Ticks as an async iterator with a bounded buffer: when the consumer falls behind, ticks
   * coalesce to the latest per (exchangeType, token, mode), so memory stays bounded. Ends when the
   * feed closes (throws the error if it stopped on one, e.g. `FeedAuthError`), on `signal` abort,
   * or on `break`.
   */
  ticks(options: TickStreamOptions = {}): FeedStream<FeedTick> {
    const stream = new FeedStream<FeedTick>(
      options.bufferSize ?? DEFAULT_TICK_BUFFER,
      tickKey,
      (s) => {
        this.#streams = this.#streams.filter((x) => x !== s);
      },
      options.signal,
    );
    if (!stream.done) this.#streams = [...this.#streams, stream];
    return stream;
  }

  #headers(): Record<string, string> {
    return {
      [WireHeader.AUTHORIZATION]: `Bearer ${stripBearer(this.#jwtToken)}`,
      [Header.FEED_API_KEY]: this.#apiKey,
      [Header.FEED_CLIENT_CODE]: this.#clientCode,
      [Header.FEED_TOKEN]: this.#feedToken,
    };
  }

  #send(action: FeedAction, mode: FeedMode, groups: Parameters<typeof buildRequests>[2], cid?: string): void {
    if (this.#conn.state !== 'open') return;
    for (const req of buildRequests(action, mode, groups, cid ?? correlationId(this.#random))) {
      this.#conn.send(JSON.stringify(req));
    }
  }

  #resubscribe(): void {
    const cid = correlationId(this.#random);
    for (const mode of this.#subs.modes()) {
      this.#send(FeedAction.SUBSCRIBE, mode, this.#subs.groups(mode), cid);
    }
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    if (isBinary) {
      if (this.listenerCount('frame') > 0) this.emit('frame', new Uint8Array(data));
      let tick: FeedTick;
      try {
        tick = decodeFeedPacket(data, this.#decode);
      } catch (err) {
        const code = (err as { code?: unknown }).code;
        this.emit(
          'error',
          new FeedDecodeError(
            `market feed: bad binary frame (${data.length} bytes): ${err instanceof Error ? err.message : String(err)}`,
            typeof code === 'string' ? code : 'DECODE',
            { cause: err },
          ),
        );
        return;
      }
      this.emit('tick', tick);
      const streams = this.#streams;
      for (let i = 0; i < streams.length; i++) streams[i]!.push(tick);
      return;
    }
    this.#onText(data.toString('utf8'));
  }

  #onText(text: string): void {
    let frame: Partial<FeedErrorFrame> | null = null;
    try {
      frame = JSON.parse(text) as Partial<FeedErrorFrame>;
    } catch {
      // not JSON
    }
    if (frame !== null && typeof frame === 'object' && typeof frame.errorCode === 'string') {
      const cid = frame.correlationID ? ` [correlationID ${frame.correlationID}]` : '';
      this.emit(
        'error',
        new FeedError(
          `market feed: ${frame.errorMessage || 'error frame'} (${frame.errorCode})${cid}`,
          frame.errorCode,
        ),
      );
      return;
    }
    this.emit(
      'error',
      new FeedError(`market feed: unexpected text frame: ${text.slice(0, 200)}`, 'UNEXPECTED_FRAME'),
    );
  }

  #endStreams(error: FeedError | ConnectionError | undefined): void {
    const streams = this.#streams;
    this.#streams = [];
    for (const s of streams) s.end(error);
  }
}
