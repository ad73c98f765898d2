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

export type { ChargeBreakdown, ChargeLine, ChargeSegment, DatedRate } from './charges.js';
export { CHARGE_RATES, chargeSummary, chargesFor, estimateCharges, rateOn, sumCharges } from './charges.js';
export type { FundsFigures, SeedHoldingInput } from './engine.js';
export { DEFAULT_MARGIN_RATES, Engine, insufficientFunds, productNotAllowed, snapshotOf } from './engine.js';
export { NoFeeModel } from './fee-model.js';
export { WalkTheBookFillModel } from './fill-model.js';
export { marginFor, positionMargin } from './margin.js';
export type { PositionFigures } from './portfolio.js';
export { breakEven, positionFigures, unrealisedPnl } from './portfolio.js';
export type * from './ports.js';
export { isRejection, Rejection, type Result, reject } from './result.js';
export {
  emptyState,
  holdingKey,
  instrumentKey,
  isWorking,
  positionKey,
  restoreState,
  stateRows,
} from './state.js';
export type * from './types.js';
export { gttRow, orderDetailsRow, orderRow, orderUpdateData, positionRow, tradeRow } from './views.js';
