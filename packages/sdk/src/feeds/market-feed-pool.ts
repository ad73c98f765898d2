/**
 * `MarketFeedPool`: more than 1000 token-mode pairs, spread over up to 3 market-feed connections
 * (the venue's per-client-code connection limit, docs/protocol/websocket.md#market-feed-limits).
 */
import { FEED_LIMITS, type FeedMode, type FeedTick, type FeedTokenGroup } from '@smartapi-ts/protocol';
import { type ConnectionError, type FeedError, InputError } from '../errors.js';
import type { CloseInfo, ConnectionState, OpenInfo, ReconnectInfo, StateChange } from './connection.js';
import { TypedEmitter } from './emitter.js';
import {
  DEFAULT_TICK_BUFFER,
  MarketFeed,
  type MarketFeedOptions,
  type SubscribeOptions,
  type TickStreamOptions,
  tickKey,
} from './market-feed.js';
import { FeedStream } from './stream.js';
import {
  checkDepth20,
  type FeedModeInput,
  parseMode,
  parseTokenList,
  type TokenListInput,
  toTokenList,
} from './subscriptions.js';

/** Options of {@link MarketFeedPool}: those of `MarketFeed`, plus the connection cap. */
export interface MarketFeedPoolOptions extends MarketFeedOptions {
  /** Maximum number of connections (each holds up to 1000 token-mode pairs). @default 3 */
  maxConnections?: number;
}

/** Events of {@link MarketFeedPool}; connection events carry the connection's index (0-based). */
export type MarketFeedPoolEvents = {
  tick: [tick: FeedTick];
  open: [info: OpenInfo, connection: number];
  close: [info: CloseInfo, connection: number];
  reconnecting: [info: ReconnectInfo, connection: number];
  error: [error: FeedError | ConnectionError, connection: number];
  stateChange: [change: StateChange, connection: number];
};

type ExchangeTypeOf<T> = T extends { exchangeType: infer E } ? E : never;
type Groups = Map<ExchangeTypeOf<FeedTokenGroup>, string[]>;

/**
 * A set of `MarketFeed` connections used as one feed. Subscriptions fill the first connection up to
 * 1000 token-mode pairs, then open the next (up to `maxConnections`, default 3: the venue allows 3
 * connections per client code, so the pool then uses all of them). Each connection reconnects and
 * resubscribes on its own; ticks from all of them arrive on one `'tick'` event / `ticks()` iterator.
 */
export class MarketFeedPool extends TypedEmitter<MarketFeedPoolEvents> {
  readonly #options: MarketFeedOptions;
  readonly #max: number;
  #feeds: MarketFeed[] = [];
  readonly #owner = new Map<string, MarketFeed>();
  #started = false;
  #streams: FeedStream<FeedTick>[] = [];

  constructor(options: MarketFeedPoolOptions) {
    super();
    const { maxConnections, ...feedOptions } = options;
    const max = maxConnections ?? FEED_LIMITS.connectionsPerClient;
    if (!Number.isInteger(max) || max < 1) throw new RangeError(`maxConnections must be >= 1, got ${max}`);
    this.#max = max;
    this.#options = feedOptions;
    // Validate credentials now, like MarketFeed does.
    this.#addFeed();
  }

  /** The underlying connections, in creation order. */
  get feeds(): readonly MarketFeed[] {
    return this.#feeds;
  }

  /** State of each connection. */
  get states(): ConnectionState[] {
    return this.#feeds.map((f) => f.state);
  }

  /** Total subscribed token-mode pairs. */
  get subscriptionCount(): number {
    let n = 0;
    for (const f of this.#feeds) n += f.subscriptionCount;
    return n;
  }

  /** Free token-mode pairs left in the pool. */
  get capacity(): number {
    return this.#max * FEED_LIMITS.subscriptionsPerConnection - this.subscriptionCount;
  }

  /** Connects every connection; resolves when all are open (rejects like `MarketFeed.connect`). */
  async connect(): Promise<void> {
    this.#started = true;
    await Promise.all(this.#feeds.map((f) => f.connect()));
  }

  /** Closes every connection; `ticks()` iterators finish. */
  async close(): Promise<void> {
    this.#started = false;
    await Promise.all(this.#feeds.map((f) => f.close()));
    this.#endStreams(undefined);
  }

  /**
   * Subscribes, filling connections in order. Same inputs and errors as `MarketFeed.subscribe`;
   * the pair limit is `maxConnections × 1000` (`SUBSCRIPTION_LIMIT`). Atomic: on error nothing changes.
   */
  subscribe(mode: FeedModeInput, tokenList: TokenListInput, options?: SubscribeOptions): void {
    const route = 'marketFeedPool.subscribe';
    const m = parseMode(mode, route);
    const groups = parseTokenList(tokenList, route);
    if (m === 4) checkDepth20(groups, route);
    const fresh: Array<[ExchangeTypeOf<FeedTokenGroup>, string]> = [];
    for (const [et, tokens] of groups)
      for (const t of tokens) if (!this.#owner.has(key(m, et, t))) fresh.push([et, t]);
    if (fresh.length === 0) return;
    if (fresh.length > this.capacity) {
      throw new InputError({
        code: 'SUBSCRIPTION_LIMIT',
        message: `the pool allows ${this.#max} × ${FEED_LIMITS.subscriptionsPerConnection} token-mode pairs; ${this.subscriptionCount} subscribed + ${fresh.length} new would exceed it`,
        httpStatus: 0,
        route,
      });
    }
    let i = 0;
    for (let f = 0; i < fresh.length; f++) {
      const feed = this.#feeds[f] ?? this.#addFeed();
      const room = FEED_LIMITS.subscriptionsPerConnection - feed.subscriptionCount;
      if (room <= 0) continue;
      const part: Groups = new Map();
      for (const [et, t] of fresh.slice(i, i + room)) {
        const g = part.get(et);
        if (g) g.push(t);
        else part.set(et, [t]);
        this.#owner.set(key(m, et, t), feed);
      }
      i += Math.min(room, fresh.length - i);
      feed.subscribe(m, toTokenList(part), options);
    }
  }

  /** Unsubscribes from whichever connection holds each pair. */
  unsubscribe(mode: FeedModeInput, tokenList: TokenListInput, options?: SubscribeOptions): void {
    const route = 'marketFeedPool.unsubscribe';
    const m = parseMode(mode, route);
    const byFeed = new Map<MarketFeed, Groups>();
    for (const [et, tokens] of parseTokenList(tokenList, route)) {
      for (const t of tokens) {
        const k = key(m, et, t);
        const feed = this.#owner.get(k);
        if (!feed) continue;
        this.#owner.delete(k);
        let g = byFeed.get(feed);
        if (!g) {
          g = new Map();
          byFeed.set(feed, g);
        }
        const list = g.get(et);
        if (list) list.push(t);
        else g.set(et, [t]);
      }
    }
    for (const [feed, g] of byFeed) feed.unsubscribe(m, toTokenList(g), options);
  }

  /** The current subscription set per mode, merged over the connections. */
  get subscriptions(): Partial<Record<FeedMode, FeedTokenGroup[]>> {
    const merged = new Map<FeedMode, Map<number, string[]>>();
    for (const f of this.#feeds) {
      for (const [mode, list] of Object.entries(f.subscriptions)) {
        const m = Number(mode) as FeedMode;
        let byEt = merged.get(m);
        if (!byEt) {
          byEt = new Map();
          merged.set(m, byEt);
        }
        for (const g of list ?? [])
          byEt.set(g.exchangeType, [...(byEt.get(g.exchangeType) ?? []), ...g.tokens]);
      }
    }
    const out: Partial<Record<FeedMode, FeedTokenGroup[]>> = {};
    for (const [m, byEt] of [...merged].sort((a, b) => a[0] - b[0])) {
      out[m] = [...byEt].map(([exchangeType, tokens]) => ({
        exchangeType: exchangeType as FeedTokenGroup['exchangeType'],
        tokens,
      }));
    }
    return out;
  }

  /** Ticks of every connection as one async iterator (see `MarketFeed.ticks`). */
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

  #addFeed(): MarketFeed {
    if (this.#feeds.length >= this.#max) throw new Error('MarketFeedPool: no connection left (internal)');
    const feed = new MarketFeed(this.#options);
    const index = this.#feeds.length;
    feed.on('tick', (tick) => {
      this.emit('tick', tick);
      const streams = this.#streams;
      for (let i = 0; i < streams.length; i++) streams[i]!.push(tick);
    });
    feed.on('open', (info) => this.emit('open', info, index));
    feed.on('close', (info) => {
      this.emit('close', info, index);
      if (!info.willReconnect && info.error !== undefined) this.#endStreams(info.error);
    });
    feed.on('reconnecting', (info) => this.emit('reconnecting', info, index));
    feed.on('error', (err) => this.emit('error', err, index));
    feed.on('stateChange', (change) => this.emit('stateChange', change, index));
    this.#feeds = [...this.#feeds, feed];
    if (this.#started) void feed.connect();
    return feed;
  }

  #endStreams(error: FeedError | ConnectionError | undefined): void {
    const streams = this.#streams;
    this.#streams = [];
    for (const s of streams) s.end(error);
  }
}

function key(mode: number, exchangeType: number, token: string): string {
  return `${mode}|${exchangeType}|${token}`;
}
