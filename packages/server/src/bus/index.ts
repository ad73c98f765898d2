/**
 * The market bus (docs/scaling.md): the core publishes market-feed packets and order updates to NATS
 * (`core.ts`); feed edges serve both WebSocket feeds from it (`edge.ts`). Off unless
 * `serve --nats <url>`.
 */
export {
  type CoreBus,
  type CoreBusOptions,
  type CoreBusStats,
  INTEREST_EVERY_MS,
  startCoreBus,
} from './core.js';
export { type FeedEdge, type FeedEdgeOptions, startFeedEdge } from './edge.js';
export { EdgeMarketFeed } from './edge-market-feed.js';
export { DEFAULT_BUS_PREFIX, Subjects, subjectToken } from './subjects.js';
