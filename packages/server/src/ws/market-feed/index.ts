/**
 * The binary market feed at `/smart-stream` (docs/protocol/websocket.md#market-feed): WebSocket 2.0 "Smart
 * Stream" served from the simulated market.
 *
 * - Upgrade: credentials from the headers (`Authorization` with or without `Bearer `, `x-api-key`,
 *   `x-client-code`, `x-feed-token`) or the query form `?clientCode=&feedToken=&apiKey=`, checked by
 *   the injected `authenticate`; a refusal answers HTTP 401 with the spec's `x-error-message`. At most
 *   3 connections per client code: the 4th is refused with HTTP 429 and `x-error-message:
 *   Connection Limit Exceeded` (the venue documents the limit but not the refusal; 429 is what its
 *   order-update socket uses).
 * - Requests (text JSON): subscribe / unsubscribe with any number of exchange types; modes 1–4
 *   (depth-20 only for nse_cm and at most 50 tokens per request); at most 1000 token-mode pairs per
 *   connection (a request that would pass it is refused whole with E1002); duplicates ignored.
 *   Malformed requests get an E1001 frame; unknown tokens get one E1001 frame per request while the
 *   known tokens of the same request are subscribed. Only a flood closes the connection (more messages
 *   than the inbound limit of `../outbound.ts`: close 1008).
 * - Frames: on subscribe, the current snapshot of each new token at once; then one binary packet per
 *   quote change per subscribed mode, encoded once and shared by every subscriber. Text `ping` →
 *   `pong`; protocol pings are answered by `ws`.
 * - Slow consumers: once a socket's `bufferedAmount` passes `highWaterMark`, its ticks are coalesced
 *   (latest packet per token and mode) and flushed when the buffer drains below `lowWaterMark`, so a
 *   stalled client costs at most one packet per subscription plus the high-water mark, and never
 *   slows the others. Every frame (data, error frames, `pong`) is sent under the one outbound policy of
 *   `../outbound.ts`: a socket that would queue more than its limit is closed as a slow consumer.
 * - Logout of the session whose feed token opened a connection closes it (1008 `Session logged out`).
 */
export {
  FEED_CONNECTION_LIMIT_MESSAGE,
  FEED_CONNECTION_LIMIT_STATUS,
  feedAuthInput,
  type MarketFeedAuthInput,
  type MarketFeedAuthResult,
} from './auth.js';
export { quoteToTick } from './encoding.js';
export {
  createMarketFeed,
  MarketFeed,
  type MarketFeedLimits,
  type MarketFeedOptions,
  type MarketFeedStats,
} from './feed.js';
