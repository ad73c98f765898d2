/**
 * Market-feed (WebSocket 2.0) and order-update WebSocket messages and limits
 * (spec smartapi-websocket.md §1.2, §1.3, §1.9, §2).
 */
import type { ExchangeType, OrderUpdateCode } from './enums.js';

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

/** The order snapshot carried by an order-update message (numeric prices, string quantities). */
export interface OrderUpdateData {
  variety: string;
  ordertype: string;
  ordertag: string;
  producttype: string;
  price: number;
  triggerprice: number;
  quantity: string;
  disclosedquantity: string;
  duration: string;
  squareoff: number;
  stoploss: number;
  trailingstoploss: number;
  tradingsymbol: string;
  transactiontype: string;
  exchange: string;
  symboltoken: string;
  instrumenttype: string;
  strikeprice: number;
  optiontype: string;
  expirydate: string;
  lotsize: string;
  cancelsize: string;
  averageprice: number;
  filledshares: string;
  unfilledshares: string;
  orderid: string;
  text: string;
  status: string;
  orderstatus: string;
  updatetime: string;
  exchtime: string;
  exchorderupdatetime: string;
  fillid: string;
  filltime: string;
  parentorderid: string;
  clientcode?: string;
  uniqueorderid?: string;
  exchangeorderid?: string;
}

/** Server → client order-update message. */
export interface OrderUpdateMessage {
  'user-id': string;
  'status-code': string;
  'order-status': OrderUpdateCode;
  'error-message': string;
  orderData: OrderUpdateData;
}
