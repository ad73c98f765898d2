/**
 * Market-feed (WebSocket 2.0) and order-update WebSocket messages and limits
 * (docs/protocol/websocket.md#market-feed-limits, #subscription-request, #feed-errors, #order-feed).
 */
import type { ExchangeType, OrderUpdateCode } from './enums.js';
import type { Order } from './types.js';

/** Subscription action codes. */
export const FeedAction = { UNSUBSCRIBE: 0, SUBSCRIBE: 1 } as const;
export type FeedAction = (typeof FeedAction)[keyof typeof FeedAction];

/** Venue limits of the market feed. */
export const FEED_LIMITS = {
  /** Concurrent market-feed connections per client code. */
  connectionsPerClient: 3,
  /** Token-mode pairs per connection. */
  subscriptionsPerConnection: 1000,
  /** Depth-20 (mode 4): tokens per request. */
  depth20TokensPerRequest: 50,
  /** Depth-20 is only for this exchangeType (nse_cm). */
  depth20ExchangeType: 1,
  /** Order-update connections per client code. */
  orderFeedConnectionsPerClient: 3,
} as const;

/** Heartbeat texts: the client sends `ping`, the server answers `pong`. */
export const HEARTBEAT_PING = 'ping';
export const HEARTBEAT_PONG = 'pong';

/** One exchange's tokens in a subscription request. */
export interface FeedTokenGroup {
  exchangeType: ExchangeType;
  tokens: string[];
}

/** Client → server subscription request (text JSON). */
export interface FeedRequest {
  correlationID?: string;
  action: FeedAction;
  params: { mode: 1 | 2 | 3 | 4; tokenList: FeedTokenGroup[] };
}

/** Server → client error frame (text JSON). */
export interface FeedErrorFrame {
  correlationID: string;
  errorCode: string;
  errorMessage: string;
}

/**
 * The order snapshot carried by an order-update message: the order-book fields, but with numeric
 * prices (quantities stay strings), plus the ids live messages carry.
 */
export interface OrderUpdateData
  extends Omit<
    Order,
    | 'price'
    | 'triggerprice'
    | 'squareoff'
    | 'stoploss'
    | 'trailingstoploss'
    | 'strikeprice'
    | 'averageprice'
    | 'uniqueorderid'
    | 'exchangeorderid'
  > {
  price: number;
  triggerprice: number;
  squareoff: number;
  stoploss: number;
  trailingstoploss: number;
  strikeprice: number;
  averageprice: number;
  clientcode?: string;
  uniqueorderid?: string;
  exchangeorderid?: string;
}

/** The all-empty order snapshot of the initial `AB00` message (also a base to merge partial snapshots into). */
export function emptyOrderUpdateData(): OrderUpdateData {
  return {
    variety: '',
    ordertype: '',
    ordertag: '',
    producttype: '',
    price: 0,
    triggerprice: 0,
    quantity: '0',
    disclosedquantity: '0',
    duration: '',
    squareoff: 0,
    stoploss: 0,
    trailingstoploss: 0,
    tradingsymbol: '',
    transactiontype: '',
    exchange: '',
    symboltoken: '',
    instrumenttype: '',
    strikeprice: 0,
    optiontype: '',
    expirydate: '',
    lotsize: '0',
    cancelsize: '0',
    averageprice: 0,
    filledshares: '0',
    unfilledshares: '0',
    orderid: '',
    text: '',
    status: '',
    orderstatus: '',
    updatetime: '',
    exchtime: '',
    exchorderupdatetime: '',
    fillid: '',
    filltime: '',
    parentorderid: '',
  };
}

/** Server → client order-update message. */
export interface OrderUpdateMessage {
  'user-id': string;
  'status-code': string;
  'order-status': OrderUpdateCode;
  'error-message': string;
  orderData: OrderUpdateData;
}
