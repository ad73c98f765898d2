/**
 * Drop-in shapes of the official Python SDK's `SmartWebSocketV2` and `SmartWebSocketOrderUpdate`
 * (constructor arguments, callback names, method names, tick dictionaries), built on `MarketFeed`
 * and `OrderFeed`. Differences from the official classes:
 * - no shared class state: every instance has its own subscriptions, retry counter and callbacks;
 * - real reconnect (backoff with jitter, unlimited by default) that replays exactly the current
 *   subscription set (the official one replays unsubscribed tokens and gives up after 1 retry);
 * - `connect()` returns a promise instead of blocking; `close_connection()` really closes;
 * - the depth-20 `exchange_timestamp` comes from bytes 27–34 (the Python client reads 35–42);
 * - errors are `FeedError`/`ConnectionError` objects, not strings.
 */
import type { Depth20Tick, FeedTick, LtpTick, QuoteFields, SnapQuoteTick } from '@smartapi-ts/protocol';
import type { ConnectionError, FeedError } from '../errors.js';
import type { ConnectionOptions } from './connection.js';
import { MarketFeed } from './market-feed.js';
import { OrderFeed } from './order-feed.js';
import type { TokenGroupInput } from './subscriptions.js';

/** Python's LTP dictionary (prices in paise, as the official client delivers them). */
export interface OfficialLtpTick {
  subscription_mode: 1;
  exchange_type: number;
  token: string;
  sequence_number: number;
  exchange_timestamp: number;
  last_traded_price: number;
  subscription_mode_val: 'LTP';
}

/** Python's Quote dictionary. */
export interface OfficialQuoteTick
  extends Omit<OfficialLtpTick, 'subscription_mode' | 'subscription_mode_val'> {
  subscription_mode: 2;
  subscription_mode_val: 'QUOTE';
  last_traded_quantity: number;
  average_traded_price: number;
  volume_trade_for_the_day: number;
  total_buy_quantity: number;
  total_sell_quantity: number;
  open_price_of_the_day: number;
  high_price_of_the_day: number;
  low_price_of_the_day: number;
  closed_price: number;
}

/** One best-five entry of Python's SnapQuote dictionary. */
export interface OfficialBestFive {
  flag: 0 | 1;
  quantity: number;
  price: number;
  'no of orders': number;
}

/** Python's SnapQuote dictionary. */
export interface OfficialSnapQuoteTick
  extends Omit<OfficialQuoteTick, 'subscription_mode' | 'subscription_mode_val'> {
  subscription_mode: 3;
  subscription_mode_val: 'SNAP_QUOTE';
  last_traded_timestamp: number;
  open_interest: number;
  /** Documented by the venue as a garbage value; always 0 here. */
  open_interest_change_percentage: number;
  best_5_buy_data: OfficialBestFive[];
  best_5_sell_data: OfficialBestFive[];
  upper_circuit_limit: number;
  lower_circuit_limit: number;
  '52_week_high_price': number;
  '52_week_low_price': number;
}

/** One level of Python's depth-20 dictionary. */
export interface OfficialDepthLevel {
  quantity: number;
  price: number;
  num_of_orders: number;
}

/** Python's depth-20 dictionary. */
export interface OfficialDepth20Tick {
  subscription_mode: 4;
  exchange_type: number;
  token: string;
  exchange_timestamp: number;
  packet_received_time: number;
  depth_20_buy_data: OfficialDepthLevel[];
  depth_20_sell_data: OfficialDepthLevel[];
}

/** What `on_data` receives. */
export type OfficialTick = OfficialLtpTick | OfficialQuoteTick | OfficialSnapQuoteTick | OfficialDepth20Tick;

function ltpPart(
  t: Pick<LtpTick, 'exchangeType' | 'token' | 'sequenceNumber' | 'exchangeTimestamp' | 'lastTradedPrice'>,
) {
  return {
    exchange_type: t.exchangeType,
    token: t.token,
    sequence_number: t.sequenceNumber,
    exchange_timestamp: t.exchangeTimestamp,
    last_traded_price: t.lastTradedPrice,
  };
}

function quotePart(t: QuoteFields) {
  return {
    last_traded_quantity: t.lastTradedQuantity,
    average_traded_price: t.averageTradedPrice,
    volume_trade_for_the_day: t.volumeTradedForTheDay,
    total_buy_quantity: t.totalBuyQuantity,
    total_sell_quantity: t.totalSellQuantity,
    open_price_of_the_day: t.openPrice,
    high_price_of_the_day: t.highPrice,
    low_price_of_the_day: t.lowPrice,
    closed_price: t.closePrice,
  };
}

function depth20(t: Depth20Tick): OfficialDepth20Tick {
  const side = (levels: Depth20Tick['bestBids']): OfficialDepthLevel[] =>
    levels.map((l) => ({ quantity: l.quantity, price: l.price, num_of_orders: l.orders }));
  return {
    subscription_mode: 4,
    exchange_type: t.exchangeType,
    token: t.token,
    exchange_timestamp: t.exchangeTimestamp,
    packet_received_time: t.packetReceivedTime,
    depth_20_buy_data: side(t.bestBids),
    depth_20_sell_data: side(t.bestAsks),
  };
}

/**
 * Converts a tick decoded with `rawPrices: true` into the official Python client's dictionary
 * (field names, paise). Best-five entries are split by position and given flag 1 (buy) / 0 (sell).
 */
export function toOfficialTick(t: FeedTick): OfficialTick {
  switch (t.mode) {
    case 1:
      return { subscription_mode: 1, ...ltpPart(t), subscription_mode_val: 'LTP' };
    case 2:
      return { subscription_mode: 2, ...ltpPart(t), subscription_mode_val: 'QUOTE', ...quotePart(t) };
    case 3: {
      const five = (levels: SnapQuoteTick['bestBids'], flag: 0 | 1): OfficialBestFive[] =>
        levels.map((l) => ({ flag, quantity: l.quantity, price: l.price, 'no of orders': l.orders }));
      return {
        subscription_mode: 3,
        ...ltpPart(t),
        subscription_mode_val: 'SNAP_QUOTE',
        ...quotePart(t),
        last_traded_timestamp: t.lastTradedTimestamp,
        open_interest: t.openInterest,
        open_interest_change_percentage: 0,
        upper_circuit_limit: t.upperCircuit,
        lower_circuit_limit: t.lowerCircuit,
        '52_week_high_price': t.high52Week,
        '52_week_low_price': t.low52Week,
        best_5_buy_data: five(t.bestBids, 1),
        best_5_sell_data: five(t.bestAsks, 0),
      };
    }
    case 4:
      return depth20(t);
  }
}

/** Extra options of the migration classes (URL for the paper broker, reconnect tuning, …). */
export interface MigrationOptions extends ConnectionOptions {
  url?: string;
}

/**
 * The official `SmartWebSocketV2` API on top of {@link MarketFeed}.
 *
 * ```ts
 * const sws = new SmartWebSocketV2(AUTH_TOKEN, API_KEY, CLIENT_CODE, FEED_TOKEN);
 * sws.on_open = (wsapp) => sws.subscribe('abc123', 1, [{ exchangeType: 1, tokens: ['26009'] }]);
 * sws.on_data = (wsapp, message) => console.log(message.last_traded_price / 100);
 * await sws.connect();
 * ```
 */
export class SmartWebSocketV2 {
  static readonly LTP_MODE = 1;
  static readonly QUOTE = 2;
  static readonly SNAP_QUOTE = 3;
  static readonly DEPTH = 4;

  /** Called after every (re)connect, once the subscription set has been re-sent. */
  on_open: (wsapp: SmartWebSocketV2) => void = () => {};
  /** Called for every tick, as the official Python dictionary (prices in paise). */
  on_data: (wsapp: SmartWebSocketV2, message: OfficialTick) => void = () => {};
  /** Called for every error (bad frame, venue error frame, lost socket, auth failure). */
  on_error: (wsapp: SmartWebSocketV2, error: FeedError | ConnectionError) => void = () => {};
  /** Called when an open socket closes (including before a reconnect) and when the feed stops. */
  on_close: (wsapp: SmartWebSocketV2) => void = () => {};

  /** The underlying feed (events, state, `ticks()`). */
  readonly feed: MarketFeed;

  constructor(
    auth_token: string,
    api_key: string,
    client_code: string,
    feed_token: string,
    options: MigrationOptions = {},
  ) {
    this.feed = new MarketFeed({
      ...options,
      jwtToken: auth_token,
      apiKey: api_key,
      clientCode: client_code,
      feedToken: feed_token,
      rawPrices: true,
    });
    this.feed.on('open', () => this.on_open(this));
    this.feed.on('tick', (t) => this.on_data(this, toOfficialTick(t)));
    this.feed.on('error', (e) => this.on_error(this, e));
    this.feed.on('close', () => this.on_close(this));
  }

  /** Opens the socket (resolves when open; the official one blocks in `run_forever`). */
  connect(): Promise<void> {
    return this.feed.connect();
  }

  /**
   * Subscribes `token_list` (`[{ exchangeType, tokens }]`) in `mode` (1–4).
   * @throws `InputError` like the official client raises for depth-20 on exchangeType ≠ 1 or > 50 tokens
   */
  subscribe(correlation_id: string, mode: number, token_list: readonly TokenGroupInput[]): void {
    this.feed.subscribe(mode as 1, token_list, { correlationId: correlation_id });
  }

  /** Unsubscribes; unlike the official client, the tokens are not re-subscribed after a reconnect. */
  unsubscribe(correlation_id: string, mode: number, token_list: readonly TokenGroupInput[]): void {
    this.feed.unsubscribe(mode as 1, token_list, { correlationId: correlation_id });
  }

  /** Closes the socket and stops reconnecting. */
  close_connection(): Promise<void> {
    return this.feed.close();
  }
}

/**
 * The official `SmartWebSocketOrderUpdate` API on top of {@link OrderFeed}. `on_message` receives
 * the venue's message text (as the official client does), including the initial `AB00` message.
 */
export class SmartWebSocketOrderUpdate {
  /** Called for every message (the raw JSON text). */
  on_message: (wsapp: SmartWebSocketOrderUpdate, message: string) => void = () => {};
  on_open: (wsapp: SmartWebSocketOrderUpdate) => void = () => {};
  on_error: (wsapp: SmartWebSocketOrderUpdate, error: FeedError | ConnectionError) => void = () => {};
  on_close: (wsapp: SmartWebSocketOrderUpdate, close_status_code: number, close_msg: string) => void =
    () => {};

  /** The underlying feed (typed `'update'` events, state). */
  readonly feed: OrderFeed;

  constructor(
    auth_token: string,
    api_key: string,
    client_code: string,
    feed_token: string,
    options: MigrationOptions = {},
  ) {
    this.feed = new OrderFeed({
      ...options,
      jwtToken: auth_token,
      apiKey: api_key,
      clientCode: client_code,
      feedToken: feed_token,
    });
    this.feed.on('message', (text) => this.on_message(this, text));
    this.feed.on('open', () => this.on_open(this));
    this.feed.on('error', (e) => this.on_error(this, e));
    this.feed.on('close', (info) => this.on_close(this, info.code, info.reason));
  }

  /** Opens the socket (resolves when open). */
  connect(): Promise<void> {
    return this.feed.connect();
  }

  /** Closes the socket and stops reconnecting. */
  close_connection(): Promise<void> {
    return this.feed.close();
  }
}
