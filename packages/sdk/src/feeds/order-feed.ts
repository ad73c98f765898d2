/**
 * `OrderFeed`: the order-status WebSocket (`wss://tns.angelone.in/smart-order-update`,
 * docs/protocol/websocket.md#order-feed), with the same connection machinery as the market feed and
 * optional order-book reconciliation after reconnects.
 */
import {
  DEFAULT_ORDER_FEED_URL,
  emptyOrderUpdateData,
  Header,
  ORDER_FEED_PATH,
  ORDER_STATUS_TO_UPDATE_CODE,
  type OrderStatus,
  OrderUpdateCode,
  type OrderUpdateData,
  type OrderUpdateMessage,
  stripBearer,
  WireHeader,
} from '@smartapi-ts/protocol';
import { type ConnectionError, FeedAuthError, FeedError, InputError } from '../errors.js';
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
import { feedUrlFromRoot, type SessionSource } from './market-feed.js';
import { FeedStream, type StreamOptions } from './stream.js';

/** Name of an order-update code (`AB01` → `'open'`, `AB00` → `'connected'`). */
export type OrderUpdateStatus = (typeof OrderUpdateCode)[OrderUpdateCode];

/** A string outside the known literals (keeps editor completion of the literal union). */
type OtherString = string & Record<never, never>;

/**
 * An order-book row as returned by the REST client's order book (only the fields reconciliation
 * reads are required; numeric fields may be strings or numbers).
 */
export interface OrderBookRow {
  orderid: string;
  status: string;
  orderstatus?: string;
  filledshares?: string | number;
  unfilledshares?: string | number;
  averageprice?: string | number;
  updatetime?: string;
}

/** What reconciliation needs: anything with `orders.book()` (e.g. a `SmartApi` client). */
export interface OrderBookSource {
  orders: { book(): Promise<readonly OrderBookRow[] | null> };
}

/** One order update. */
export interface OrderUpdate {
  /** The venue's `order-status` code, `AB00`–`AB11` (an unknown code is passed through as sent). */
  code: OrderUpdateCode | OtherString;
  /** Name of the code (`'open'`, `'complete'`, …); for an unknown code, `orderData.status` or `'unknown'`. */
  status: OrderUpdateStatus | OtherString;
  /** `user-id`: the client code. */
  userId: string;
  /** `status-code` (`"200"` normally). */
  statusCode: string;
  /** `error-message` (`""` normally). */
  errorMessage: string;
  /** The order snapshot with the venue's field names (`orderid`, `status`, `filledshares`, …). */
  order: OrderUpdateData;
  /**
   * True for an update built by reconciliation from the order book after a reconnect (the live
   * message was missed while disconnected); false for a message from the socket.
   */
  synthetic: boolean;
  /** The message as received (for synthetic updates, the order-book row). */
  raw: unknown;
}

/** Reconciliation settings. */
export interface OrderFeedReconcileOptions {
  /** Where to fetch the order book from (a `SmartApi` client or anything with `orders.book()`). */
  client: OrderBookSource;
}

/** Options of {@link OrderFeed}. */
export interface OrderFeedOptions extends ConnectionOptions {
  /** JWT from login, with or without the `Bearer ` prefix (`Authorization: Bearer …`). */
  jwtToken: string;
  /** Feed URL (e.g. the paper broker's). @default DEFAULT_ORDER_FEED_URL (wss://tns.angelone.in/smart-order-update) */
  url?: string;
  /** Optional extra headers some official clients send (`x-api-key`, `x-client-code`, `x-feed-token`). */
  apiKey?: string;
  clientCode?: string;
  feedToken?: string;
  /**
   * Fetch the order book on the first open (baseline) and after every reconnect, and emit a
   * synthetic `'update'` for each order whose status or filled quantity changed (or that appeared)
   * while the socket was down.
   */
  reconcile?: OrderFeedReconcileOptions;
}

/** Events of {@link OrderFeed}. */
export type OrderFeedEvents = {
  /** An order event (`AB01`–`AB11`), live or synthetic (reconciliation). */
  update: [update: OrderUpdate];
  /** Every text message as received (before parsing), for logging and the migration helper. */
  message: [text: string];
  /** The venue's `AB00` message after a (re)connect. */
  connected: [update: OrderUpdate];
  open: [info: OpenInfo];
  close: [info: CloseInfo];
  reconnecting: [info: ReconnectInfo];
  /**
   * Bad messages (`FeedError` code `BAD_MESSAGE`), reconciliation failures (`RECONCILE_FAILED`),
   * lost sockets (`ConnectionError`), and the auth failure that stopped the feed (`FeedAuthError`).
   */
  error: [error: FeedError | ConnectionError];
  stateChange: [change: StateChange];
  /** Reconciliation after a reconnect finished; `emitted` synthetic updates were sent. */
  reconciled: [result: { emitted: number }];
};

interface KnownOrder {
  status: string;
  filled: string;
  /** Bumped by every live update, to detect updates racing a reconciliation fetch. */
  version: number;
}

const NUMERIC_FIELDS = [
  'price',
  'triggerprice',
  'squareoff',
  'stoploss',
  'trailingstoploss',
  'strikeprice',
  'averageprice',
] as const;

const EMPTY_ORDER: Readonly<OrderUpdateData> = Object.freeze(emptyOrderUpdateData());

/**
 * The order-status feed: every order event of the client code, pushed by the venue. Same
 * connection machinery as `MarketFeed` (heartbeat, reconnect with backoff, auth failures stop).
 *
 * ```ts
 * const orders = new OrderFeed({ jwtToken, reconcile: { client: api } });
 * orders.on('update', (u) => console.log(u.order.orderid, u.status, u.order.filledshares));
 * await orders.connect();
 * ```
 */
export class OrderFeed extends TypedEmitter<OrderFeedEvents> {
  readonly #conn: FeedConnection;
  readonly #options: OrderFeedOptions;
  #jwtToken: string;
  #streams: FeedStream<OrderUpdate>[] = [];
  readonly #known = new Map<string, KnownOrder>();
  #baselineDone = false;
  #reconcileRun = 0;

  constructor(options: OrderFeedOptions) {
    super();
    if (typeof options.jwtToken !== 'string' || options.jwtToken === '') {
      throw new InputError({
        code: 'MISSING_CREDENTIAL',
        message: 'jwtToken is required',
        httpStatus: 0,
        route: 'orderFeed',
      });
    }
    this.#options = options;
    this.#jwtToken = options.jwtToken;
    this.#conn = new FeedConnection(
      {
        ...options,
        url: options.url ?? DEFAULT_ORDER_FEED_URL,
        label: 'order feed',
        headers: () => this.#headers(),
      },
      {
        onOpen: (info) => {
          this.emit('open', info);
          if (this.#options.reconcile) void this.#reconcile(this.#options.reconcile.client);
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
   * An order feed using the session of a logged-in client (`SmartApi`), reconciling through the
   * same client's order book (disable with `reconcile: false`). New sessions apply to the next
   * reconnect; a feed stopped by `FeedAuthError` reconnects when a new session arrives.
   * Without `url`, a client whose `root` is not the venue's (the paper broker) gets `ws://<root host>` +
   * the feed path ({@link feedUrlFromRoot}).
   * @throws `InputError` (`NO_SESSION`) when the client is not logged in
   */
  static fromClient(
    client: SessionSource & OrderBookSource,
    options: Omit<OrderFeedOptions, 'jwtToken' | 'reconcile'> & { reconcile?: boolean } = {},
  ): OrderFeed {
    const session = client.session;
    if (!session) {
      throw new InputError({
        code: 'NO_SESSION',
        message: 'log in before creating a feed from the client',
        httpStatus: 0,
        route: 'orderFeed',
      });
    }
    const { reconcile, ...rest } = options;
    const url = feedUrlFromRoot(client.root, ORDER_FEED_PATH, rest.url);
    const feed = new OrderFeed({
      ...rest,
      ...(url === undefined ? {} : { url }),
      jwtToken: session.jwtToken,
      clientCode: rest.clientCode ?? session.clientCode,
      ...(reconcile === false ? {} : { reconcile: { client } }),
    });
    client.on('session', (s) => {
      feed.updateTokens({ jwtToken: s.jwtToken });
      if (feed.state === 'closed' && feed.lastError instanceof FeedAuthError) void feed.connect();
    });
    return feed;
  }

  /** Connection state. */
  get state(): ConnectionState {
    return this.#conn.state;
  }

  /** The error that last interrupted or stopped the connection, if any. */
  get lastError(): FeedError | ConnectionError | null {
    return this.#conn.lastError;
  }

  /** Opens the connection; see `MarketFeed.connect`. */
  connect(): Promise<void> {
    return this.#conn.connect();
  }

  /** Closes the connection and clears every timer; `updates()` iterators finish. */
  close(): Promise<void> {
    return this.#conn.close();
  }

  /** Replaces the JWT used for the next (re)connection. */
  updateTokens(tokens: { jwtToken?: string }): void {
    if (tokens.jwtToken) this.#jwtToken = tokens.jwtToken;
  }

  /**
   * Order updates (live and synthetic, not `AB00`) as an async iterator. Order updates are never
   * coalesced or dropped: the buffer is unbounded (updates are as many as order events).
   */
  updates(options: Omit<StreamOptions, 'bufferSize'> = {}): FeedStream<OrderUpdate> {
    const stream = new FeedStream<OrderUpdate>(
      Number.POSITIVE_INFINITY,
      undefined,
      (s) => {
        this.#streams = this.#streams.filter((x) => x !== s);
      },
      options.signal,
    );
    if (!stream.done) this.#streams = [...this.#streams, stream];
    return stream;
  }

  #headers(): Record<string, string> {
    const h: Record<string, string> = { [WireHeader.AUTHORIZATION]: `Bearer ${stripBearer(this.#jwtToken)}` };
    if (this.#options.apiKey) h[Header.FEED_API_KEY] = this.#options.apiKey;
    if (this.#options.clientCode) h[Header.FEED_CLIENT_CODE] = this.#options.clientCode;
    if (this.#options.feedToken) h[Header.FEED_TOKEN] = this.#options.feedToken;
    return h;
  }

  #onMessage(data: Buffer, isBinary: boolean): void {
    const text = data.toString('utf8');
    this.emit('message', text);
    let msg: Partial<OrderUpdateMessage> | null = null;
    try {
      msg = JSON.parse(text) as Partial<OrderUpdateMessage>;
    } catch {
      // reported below
    }
    if (msg === null || typeof msg !== 'object' || isBinary) {
      this.emit(
        'error',
        new FeedError(`order feed: unexpected message: ${text.slice(0, 200)}`, 'BAD_MESSAGE'),
      );
      return;
    }
    const statusCode = String(msg['status-code'] ?? '200');
    if (statusCode === '401' || statusCode === '403') {
      this.#conn.drop(
        new FeedAuthError(
          `order feed: ${statusCode === '401' ? 'invalid' : 'expired'} token${msg['error-message'] ? `: ${msg['error-message']}` : ''}`,
          statusCode,
        ),
      );
      return;
    }
    if (statusCode === '429') {
      this.#conn.drop(new FeedError('order feed: connection limit breached (429)', '429'));
      return;
    }
    const code = msg['order-status'];
    if (typeof code !== 'string') {
      this.emit(
        'error',
        new FeedError(`order feed: message without order-status: ${text.slice(0, 200)}`, 'BAD_MESSAGE'),
      );
      return;
    }
    const order: OrderUpdateData = { ...EMPTY_ORDER, ...(msg.orderData ?? {}) };
    const update: OrderUpdate = {
      code,
      status: Object.hasOwn(OrderUpdateCode, code)
        ? OrderUpdateCode[code as OrderUpdateCode]
        : order.status || 'unknown',
      userId: String(msg['user-id'] ?? ''),
      statusCode,
      errorMessage: String(msg['error-message'] ?? ''),
      order,
      synthetic: false,
      raw: msg,
    };
    if (code === 'AB00') {
      this.emit('connected', update);
      return;
    }
    if (order.orderid) {
      const prev = this.#known.get(order.orderid);
      this.#known.set(order.orderid, {
        status: normStatus(order.status || order.orderstatus),
        filled: String(order.filledshares),
        version: (prev?.version ?? 0) + 1,
      });
    }
    this.#deliver(update);
  }

  #deliver(update: OrderUpdate): void {
    this.emit('update', update);
    for (const s of this.#streams) s.push(update);
  }

  /**
   * First open: records the order book as the baseline. Later opens: compares the book with what
   * is known and emits synthetic updates for the differences.
   */
  async #reconcile(client: OrderBookSource): Promise<void> {
    const run = ++this.#reconcileRun;
    const versions = new Map<string, number>();
    for (const [id, k] of this.#known) versions.set(id, k.version);
    let rows: readonly OrderBookRow[] | null;
    try {
      rows = await client.orders.book();
    } catch (err) {
      this.emit(
        'error',
        new FeedError(
          `order feed: reconciliation could not fetch the order book: ${err instanceof Error ? err.message : String(err)}`,
          'RECONCILE_FAILED',
          { cause: err },
        ),
      );
      return;
    }
    if (run !== this.#reconcileRun) return; // a newer reconnect superseded this run
    const baseline = !this.#baselineDone;
    this.#baselineDone = true;
    let emitted = 0;
    for (const row of rows ?? []) {
      if (!row || typeof row.orderid !== 'string' || row.orderid === '') continue;
      const status = normStatus(row.status || row.orderstatus);
      const filled = String(row.filledshares ?? '0');
      const known = this.#known.get(row.orderid);
      // A live update that arrived during the fetch is newer than the book: keep it.
      if (known && known.version !== (versions.get(row.orderid) ?? 0)) continue;
      if (known && known.status === status && known.filled === filled) continue;
      this.#known.set(row.orderid, { status, filled, version: known?.version ?? 0 });
      if (baseline) continue;
      const code = ORDER_STATUS_TO_UPDATE_CODE[status as OrderStatus];
      if (code === undefined) continue;
      const order = bookRowToUpdateData(row);
      this.#deliver({
        code,
        status: OrderUpdateCode[code],
        userId: this.#options.clientCode ?? '',
        statusCode: '200',
        errorMessage: '',
        order,
        synthetic: true,
        raw: row,
      });
      emitted++;
    }
    if (!baseline) this.emit('reconciled', { emitted });
  }

  #endStreams(error: FeedError | ConnectionError | undefined): void {
    const streams = this.#streams;
    this.#streams = [];
    for (const s of streams) s.end(error);
  }
}

function normStatus(s: string | undefined): string {
  return (s ?? '').trim().toLowerCase();
}

function bookRowToUpdateData(row: OrderBookRow): OrderUpdateData {
  const out: Record<string, unknown> = { ...EMPTY_ORDER };
  for (const [k, v] of Object.entries(row)) {
    if (v === undefined || v === null) continue;
    out[k] = (NUMERIC_FIELDS as readonly string[]).includes(k)
      ? Number(v) || 0
      : typeof v === 'number'
        ? String(v)
        : v;
  }
  return out as unknown as OrderUpdateData;
}
