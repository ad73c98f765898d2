/**
 * `smartapi-ts`: a typed Angel One SmartAPI client.
 *
 * - {@link SmartApi}: the idiomatic client (resources per domain, typed data, typed errors).
 * - {@link SmartConnect}: the official clients' method names, for drop-in migration.
 */

export type {
  AllHoldings,
  CandleRequest,
  CandleRow,
  CautionaryScrip,
  ChargeNode,
  ChargeOrder,
  ChargeSummary,
  ConvertPositionRequest,
  EstimateChargesRequest,
  EstimateChargesResponse,
  GainerLoser,
  GainersLosersRequest,
  GenerateTpinRequest,
  GttCancelRequest,
  GttCreateRequest,
  GttIdResponse,
  GttModifyRequest,
  GttRule,
  Holding,
  IntradayScrip,
  LtpRequest,
  MarginPosition,
  MarginRequest,
  MarginResponse,
  ModifyOrderRequest,
  NumLike,
  OiBuildup,
  OiBuildupRequest,
  OiDataPoint,
  OptionGreek,
  OptionGreekRequest,
  Order,
  OrderDetails,
  OrderIdResponse,
  PlaceOrderRequest,
  PlaceOrderResponse,
  Position,
  Profile,
  PutCallRatio,
  QuoteDepthLevel,
  QuoteFull,
  QuoteLtp,
  QuoteOhlc,
  QuoteResponse,
  QuoteUnfetched,
  RmsLimits,
  ScripSearchResult,
  SearchScripRequest,
  SessionTokens,
  TotalHolding,
  Trade,
  TranStatusRequest,
  TranStatusResponse,
  VerifyDisRequest,
  VerifyDisResponse,
} from '@smartapi-ts/protocol';
// Wire types and enums of the protocol, so users need a single import.
export {
  Duration,
  Exchange,
  ExpiryType,
  GainersLosersDataType,
  GttStatus,
  INTERVAL_MAX_DAYS,
  Interval,
  OiBuildupDataType,
  OrderStatus,
  OrderType,
  ProductType,
  QuoteMode,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';
export { SmartApi, type SmartApiEvents, type SmartApiOptions } from './client.js';
export {
  type CompatEnvelope,
  PUBLISHER_LOGIN_URL,
  SmartConnect,
  type SmartConnectOptions,
} from './compat.js';
export * from './errors.js';
export * from './feeds/index.js';
export * from './historical/index.js';
export * from './instruments/index.js';
export { type Clock, systemClock } from './internal/clock.js';
export type { RequestOptions } from './internal/core.js';
export { FALLBACK_LOCAL_IP, FALLBACK_MAC } from './internal/headers.js';
export type { Logger } from './internal/logger.js';
export type { RetryOptions } from './internal/retry.js';
export type { FetchLike } from './internal/transport.js';
export * from './portfolio-math/index.js';
export type { Analytics } from './resources/analytics.js';
export { type Charges, MAX_CHARGE_ORDERS } from './resources/charges.js';
export type { Edis } from './resources/edis.js';
export { GTT_EXCHANGES, GTT_PRODUCTS, type Gtt, type GttListParams } from './resources/gtt.js';
export { type CandleParams, HISTORICAL_EXCHANGES, type Historical } from './resources/historical.js';
export { MAX_MARGIN_POSITIONS, type Margin } from './resources/margin.js';
export { type Ltp, MAX_QUOTE_TOKENS, type Market, type QuoteParams } from './resources/market.js';
export {
  type CancelOrderParams,
  MAX_ORDERTAG_LENGTH,
  type ModifyOrderParams,
  type Orders,
  type PlaceOrderParams,
} from './resources/orders.js';
export type { ConvertPositionParams, Portfolio } from './resources/portfolio.js';
export type { User } from './resources/user.js';
export {
  type LoginParams,
  RELOGIN_DELAY_MS,
  Session,
  type SessionEvents,
  type SessionTokensInit,
} from './session/session.js';
export { MemorySessionStore, type SessionStore, type StoredSession } from './session/store.js';
export { totpCode } from './session/totp.js';
