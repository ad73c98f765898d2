/**
 * The paper broker's pure order engine: commands in, events (row upserts) out. See README.md in this
 * folder and docs/paper-broker-engine.md.
 *
 * Usage by the infrastructure:
 * ```ts
 * const engine = new Engine(config, restoreState(rowsFromSqlite));
 * const { result, events } = engine.placeOrder(clientcode, body, { now, ids, market });
 * persistInOneTransaction(events); // then answer: isRejection(result) ? failure envelope : success(result)
 * market.onQuote((q) => persist(engine.onQuote(q, ctx()).events));
 * ```
 */

export type { SeedHoldingInput } from './accounts.js';
export type { ChargeBreakdown, ChargeLine, ChargeSegment, DatedRate } from './charges/charges.js';
export {
  CHARGE_RATES,
  chargeSummary,
  chargesFor,
  chargesOnTurnover,
  dpCharge,
  estimateCharges,
  rateOn,
  roundPaise,
  sumCharges,
} from './charges/charges.js';
export type { ContractNote, ContractNoteTotals, ContractNoteTrade } from './charges/contract-note.js';
export { contractNote } from './charges/contract-note.js';
export { AngelOneFeeModel, fillBreakdown, fillCharge, NoFeeModel } from './charges/fee-model.js';
export { Engine } from './engine.js';
export { ExecutionFillModel, WalkTheBookFillModel } from './execution/fill-model.js';
export type { LatencyDist } from './execution/latency.js';
export {
  applyExecutionChange,
  EXECUTION_PRESETS,
  type ExecutionSettings,
  ExecutionSettingsError,
  type PresetName,
  presetSettings,
  type QueueModel,
} from './execution/presets.js';
export type * from './ports.js';
export type { PositionFigures } from './positions/portfolio.js';
export { breakEven, positionFigures, unrealisedPnl } from './positions/portfolio.js';
export { isRejection, Rejection, type Result, reject } from './result.js';
export { insufficientFunds, productNotAllowed } from './risk/checks.js';
export type { FundsFigures } from './risk/funds.js';
export { DEFAULT_MARGIN_RATES, equityIntradayRate, marginFor, positionMargin } from './risk/margin.js';
export type { FlatMargin, GroupMargin, MarginLeg, PortfolioMargin } from './risk/portfolio-margin.js';
export { netLegs, portfolioMargin, positionLegs, tradingDaysToExpiry } from './risk/portfolio-margin.js';
export type { Scenario, SpanFigures, SpanLeg } from './risk/span.js';
export { impliedVol, optionValue, riskArray, scanRisk, scenarios, spanFigures } from './risk/span.js';
export type { IntradayLeverage, PricingParams, SpanClass, SpanParams } from './rules/margin.js';
export {
  DELIVERY_MARGIN,
  EXPIRY_DAY_ELM,
  INTRADAY_LEVERAGE,
  intradayLeverage,
  SPAN_PARAMS,
  SPAN_PRICING,
} from './rules/margin.js';
export {
  emptyState,
  holdingKey,
  instrumentKey,
  isWorking,
  pendingKey,
  positionKey,
  restoreState,
  snapshotOf,
  stateRows,
} from './state.js';
export type * from './types.js';
export { gttRow, orderDetailsRow, orderUpdateData, positionRow, tradeRow } from './views.js';
