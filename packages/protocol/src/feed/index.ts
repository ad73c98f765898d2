/**
 * Market-feed binary codec: the WebSocket 2.0 tick packets (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20, #feed-errors, #price-scaling).
 */
export { decodeFeedPacket, encodeFeedPacket, feedPriceDivisor } from './codec.js';
export { FeedDecodeError, FeedDecodeErrorCode, FeedEncodeError, FeedEncodeErrorCode } from './errors.js';
export * from './tick-file.js';
export {
  CURRENCY_EXCHANGE_TYPE,
  type DecodeOptions,
  type Depth20Tick,
  type DepthLevel,
  type EncodeOptions,
  FeedMode,
  type FeedTick,
  type FeedTickHeader,
  type LtpTick,
  PACKET_SIZE,
  type QuoteFields,
  type QuoteTick,
  type SnapQuoteTick,
} from './types.js';
export { FeedPacketView } from './view.js';
