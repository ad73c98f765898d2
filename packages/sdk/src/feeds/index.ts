/**
 * Market-data and order-update feeds (WebSocket 2.0 and order-status sockets).
 */

// The protocol's feed types, so feed users need a single import.
export {
  type Depth20Tick,
  type DepthLevel,
  ExchangeType,
  FeedMode,
  type FeedTick,
  type FeedTokenGroup,
  type LtpTick,
  OrderUpdateCode,
  type OrderUpdateData,
  type QuoteTick,
  type SnapQuoteTick,
} from '@smartapi-ts/protocol';
export {
  backoffDelay,
  type CloseInfo,
  type ConnectionOptions,
  ConnectionState,
  type FeedSocket,
  type FeedSocketConstructor,
  type FeedSocketOptions,
  type HeartbeatOptions,
  type OpenInfo,
  type ReconnectInfo,
  type ReconnectOptions,
  type StateChange,
} from './connection.js';
export { type EventMap, TypedEmitter } from './emitter.js';
export {
  DEFAULT_TICK_BUFFER,
  type FeedCredentials,
  feedUrlFromRoot,
  MarketFeed,
  type MarketFeedEvents,
  type MarketFeedOptions,
  type SessionSource,
  type SubscribeOptions,
  type TickStreamOptions,
  tickKey,
} from './market-feed.js';
export {
  MarketFeedPool,
  type MarketFeedPoolEvents,
  type MarketFeedPoolOptions,
} from './market-feed-pool.js';
export {
  type MigrationOptions,
  type OfficialBestFive,
  type OfficialDepth20Tick,
  type OfficialDepthLevel,
  type OfficialLtpTick,
  type OfficialQuoteTick,
  type OfficialSnapQuoteTick,
  type OfficialTick,
  SmartWebSocketOrderUpdate,
  SmartWebSocketV2,
  toOfficialTick,
} from './migration.js';
export {
  type OrderBookRow,
  type OrderBookSource,
  OrderFeed,
  type OrderFeedEvents,
  type OrderFeedOptions,
  type OrderFeedReconcileOptions,
  type OrderUpdate,
  type OrderUpdateStatus,
} from './order-feed.js';
export { FeedStream, type StreamOptions, type StreamStats } from './stream.js';
export {
  type ExchangeSegment,
  type FeedModeInput,
  FeedModeName,
  type InstrumentRef,
  type TokenGroupInput,
  type TokenListInput,
} from './subscriptions.js';
