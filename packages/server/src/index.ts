/**
 * `@smartapi-ts/paper`: a local paper broker that speaks Angel One SmartAPI (REST + WebSocket).
 *
 * ```ts
 * import { buildServer } from '@smartapi-ts/paper';
 * const server = await buildServer({ port: 0, db: ':memory:' });
 * const url = await server.listen();
 * // … point any SmartAPI client at `url` …
 * await server.close();
 * ```
 */

export { type BuildDependencies, buildServer, type MarketFeedHandle, type PaperServer } from './app.js';
export { createClock, createDefaultMarket } from './broker/market.js';
export {
  type CoreBus,
  type CoreBusOptions,
  type FeedEdge,
  type FeedEdgeOptions,
  startCoreBus,
  startFeedEdge,
} from './bus/index.js';
export {
  type ClockMode,
  DEFAULT_CONFIG,
  type LogLevel,
  type PaperConfig,
  type PaperConfigInput,
  resolveConfig,
} from './config.js';
export type { IntradayConfig, IntradayTimes, SquareOffCharge } from './engine/rules/intraday.js';
export {
  type AccountCredentials,
  AccountError,
  type AccountSummary,
  type CreateAccountOptions,
  createAccount,
  ensureDemoAccount,
  listAccounts,
} from './identity/accounts.js';
export { totpCode, verifyTotp } from './identity/totp.js';
export { type CliIo, main } from './main.js';
export { type Clock, SimClock, type SimClockOptions, SystemClock } from './market/clock.js';
export {
  type CreateReplayOptions,
  createReplayMarket,
  ReplayDataError,
  ReplayMarket,
  type ReplayMarketState,
} from './market/sources/replay/index.js';
export {
  createSimulatedMarket,
  SimulatedMarket,
  type SimulatedMarketOptions,
} from './market/sources/synthetic/simulator.js';
export type { BookLevel, Candle, Instrument, Market, Quote, SessionState } from './market/types.js';
export { buildUniverse } from './market/universe.js';
export { openStore, type StoreOptions } from './storage/open.js';
export { openPostgresStore, type PostgresStoreOptions } from './storage/postgres/store.js';
export { DatabaseLockedError } from './storage/sqlite/lock.js';
export { openSqliteStore, type SqliteStoreOptions } from './storage/sqlite/store.js';
export type { Store } from './storage/types.js';
export { isPostgresUrl, redactDbUrl } from './storage/url.js';
