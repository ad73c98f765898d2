/**
 * The pure order engine's facade: one instance serves every account and owns an {@link EngineState}
 * (plain data, rebuilt with `restoreState`). Each method delegates to the module of its area:
 * `orders/` (lifecycle, matching), `execution/` (fill model), `risk/` (checks, margin, funds),
 * `positions/` (book, conversion, day roll), `charges/`, `gtt.ts`, `edis.ts`, `accounts.ts`,
 * `queries.ts` and `reports.ts` (views), `drivers.ts` (quote and clock). Account commands share one
 * prologue ({@link command}: account lookup, then the day roll). Commands validate raw bodies, mutate the
 * state only after every check passed, and return `{ result, events }`. Not thread-safe by design: the
 * infrastructure calls it from one event loop and persists each command's events before answering.
 */
import type {
  AllHoldings,
  EstimateChargesResponse,
  GttIdResponse,
  GttRule,
  Holding,
  MarginResponse,
  Order,
  OrderDetails,
  OrderIdResponse,
  PlaceOrderResponse,
  PortfolioHolding,
  PortfolioPosition,
  Position,
  RmsLimits,
  Trade,
  TranStatusResponse,
  VerifyDisResponse,
} from '@smartapi-ts/protocol';
import { ErrorCode } from '@smartapi-ts/protocol';
import * as accounts from './accounts.js';
import { estimateCharges } from './charges/charges.js';
import { type ContractNote, contractNote } from './charges/contract-note.js';
import { AngelOneFeeModel } from './charges/fee-model.js';
import { command, drive, type EngineCore } from './context.js';
import { onClock, onQuote } from './drivers.js';
import * as edis from './edis.js';
import { WalkTheBookFillModel } from './execution/fill-model.js';
import * as gtt from './gtt.js';
import { cancelOrder, modifyOrder, placeOrder } from './orders/commands.js';
import type { FeeModel, FillModel, MarketView, OrderCheck, Quote } from './ports.js';
import { convertPosition } from './positions/convert.js';
import { rollDay } from './positions/day-roll.js';
import * as queries from './queries.js';
import * as reports from './reports.js';
import { type Result, reject } from './result.js';
import { type FundsFigures, fundsFigures } from './risk/funds.js';
import { DEFAULT_MARGIN_RATES } from './risk/margin.js';
import { marginBatch } from './risk/margin-batch.js';
import { type IntradayRules, intradayRules } from './rules/intraday.js';
import { emptyState, restoreState } from './state.js';
import type {
  CommandResult,
  DriverResult,
  EngineConfig,
  EngineContext,
  EngineRows,
  EngineState,
  FundsRecord,
  HoldingRecord,
  MarginRates,
  OrderRecord,
  QueryContext,
} from './types.js';

/** The engine (see module comment). */
export class Engine implements EngineCore {
  readonly state: EngineState;
  readonly fillModel: FillModel;
  readonly feeModel: FeeModel;
  readonly rates: MarginRates;
  readonly offHours: 'amo' | 'reject';
  readonly rmsRejections: 'book' | 'error';
  readonly orderCheck: OrderCheck | undefined;
  readonly intraday: IntradayRules;
  readonly marketProtection: number | undefined;

  constructor(config: EngineConfig = {}, state: EngineState = emptyState()) {
    this.state = state;
    this.fillModel = config.fillModel ?? new WalkTheBookFillModel();
    this.feeModel = config.feeModel ?? new AngelOneFeeModel();
    this.rates = { ...DEFAULT_MARGIN_RATES, ...config.marginRates };
    this.offHours = config.offHours ?? 'amo';
    this.rmsRejections = config.rmsRejections ?? 'book';
    this.orderCheck = config.orderCheck;
    this.intraday = intradayRules(config.intraday);
    if (
      config.marketProtection !== undefined &&
      !(config.marketProtection > 0 && config.marketProtection <= 100)
    )
      throw new RangeError(
        `marketProtection must be a percentage in (0, 100], got ${config.marketProtection}`,
      );
    this.marketProtection = config.marketProtection;
  }

  /**
   * Replaces the whole state with the one rebuilt from `rows` (in place, so every holder of
   * {@link Engine.state} sees it). The infrastructure calls it when a commit failed, to drop the
   * changes the database does not have.
   */
  restore(rows: EngineRows): void {
    Object.assign(this.state, restoreState(rows));
  }

  // ───────────────────────────── accounts (infrastructure commands) ─────────────────────────────

  /** True when the account exists. */
  hasAccount(clientcode: string): boolean {
    return this.state.accounts.has(clientcode);
  }

  /** Opens an account with `fundsPaise` of cash. Rejects `AB1003` when it exists. */
  openAccount(clientcode: string, fundsPaise: number, ctx: { now: number }): CommandResult<FundsRecord> {
    return accounts.openAccount(this, clientcode, fundsPaise, ctx);
  }

  /** Deletes every row of the account and puts its cash back to `fundsPaise` (default: initial funds). */
  resetAccount(clientcode: string, ctx: { now: number }, fundsPaise?: number): CommandResult<FundsRecord> {
    return accounts.resetAccount(this, clientcode, ctx, fundsPaise);
  }

  /** Adds (or, negative, withdraws) cash; see `accounts.ts`. */
  addFunds(clientcode: string, paise: number, ctx: { now: number }): CommandResult<FundsRecord> {
    return accounts.addFunds(this, clientcode, paise, ctx);
  }

  /** Adds a settled delivery holding (demo account seeding). Averages with an existing holding. */
  seedHolding(
    clientcode: string,
    input: accounts.SeedHoldingInput,
    ctx: QueryContext,
  ): CommandResult<HoldingRecord> {
    return accounts.seedHolding(this, clientcode, input, ctx);
  }

  // ───────────────────────────── commands (venue routes) ─────────────────────────────

  /** `placeOrder` (docs/protocol/rest.md#place-order); see `orders/commands.ts`. */
  placeOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<PlaceOrderResponse> {
    return command(this, clientcode, ctx, (acc, run) => placeOrder(run, acc, body));
  }

  /** `modifyOrder` (docs/protocol/rest.md#modify-order): only working orders. */
  modifyOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<OrderIdResponse> {
    return command(this, clientcode, ctx, (acc, run) => modifyOrder(run, acc, body));
  }

  /** `cancelOrder` (docs/protocol/rest.md#cancel-order): only working orders; cancelling a ROBO leg cancels its sibling. */
  cancelOrder(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<OrderIdResponse> {
    return command(this, clientcode, ctx, (acc, run) => cancelOrder(run, acc, body));
  }

  /** `convertPosition` (docs/protocol/rest.md#convert-position); see `positions/convert.ts`. */
  convertPosition(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<null> {
    return command(this, clientcode, ctx, (acc, run) => convertPosition(run, acc, body));
  }

  /** gtt `createRule` (docs/protocol/rest.md#gtt): answers `{ id }`. */
  gttCreate(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    return command(this, clientcode, ctx, (acc, run) => gtt.gttCreate(run, acc, body));
  }

  /** gtt `modifyRule`: only armed (`NEW`) rules; answers `{ id }`. */
  gttModify(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    return command(this, clientcode, ctx, (acc, run) => gtt.gttModify(run, acc, body));
  }

  /** gtt `cancelRule`: only armed rules; answers `{ id }`. */
  gttCancel(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<GttIdResponse> {
    return command(this, clientcode, ctx, (acc, run) => gtt.gttCancel(run, acc, body));
  }

  /** EDIS `verifyDis` (simulated CDSL authorisation, granted at once). */
  verifyDis(clientcode: string, body: unknown, ctx: EngineContext): CommandResult<VerifyDisResponse> {
    return command(this, clientcode, ctx, (acc, run) => edis.verifyDis(run, acc, body));
  }

  // ───────────────────────────── drivers ─────────────────────────────

  /** Market driver: one quote of one instrument (fills, stop triggers, AMO release, GTT rules). */
  onQuote(quote: Quote, ctx: EngineContext): DriverResult {
    return drive(this, ctx, (run) => onQuote(run, quote));
  }

  /** Clock driver: day roll, AMO release at the open, GTT expiry. Call it periodically. */
  onClock(ctx: EngineContext): DriverResult {
    return drive(this, ctx, (run) => onClock(run));
  }

  /** End-of-day settlement of every account whose trading day ended (see `positions/day-roll.ts`). */
  rollDay(ctx: EngineContext): DriverResult {
    return drive(this, ctx, (run) => rollDay(run));
  }

  // ───────────────────────────── queries ─────────────────────────────

  /** Order book (docs/protocol/rest.md#order-book); `null` when empty. */
  orderBook(clientcode: string, q: { now: number }): Order[] | null {
    return queries.orderBook(this.state, clientcode, q);
  }

  /** Trade book (docs/protocol/rest.md#trade-book): today's fills; `null` when empty. */
  tradeBook(clientcode: string, q: { now: number }): Trade[] | null {
    return queries.tradeBook(this.state, clientcode, q);
  }

  /** Individual order details by `uniqueorderid` (docs/protocol/rest.md#order-details); `AB1013` when unknown. */
  orderDetails(clientcode: string, uniqueorderid: string): Result<OrderDetails> {
    return queries.orderDetails(this.state, clientcode, uniqueorderid);
  }

  /** The order record by orderid (for the infrastructure, e.g. order-update fan-out). */
  order(clientcode: string, orderid: string): OrderRecord | undefined {
    return this.state.accounts.get(clientcode)?.orders.get(orderid);
  }

  /** Position book (docs/protocol/rest.md#positions); `null` when empty. */
  positions(clientcode: string, q: QueryContext): Position[] | null {
    return queries.positions(this.state, clientcode, q);
  }

  /** Holdings (docs/protocol/rest.md#holdings); `[]` when none. */
  holdings(clientcode: string, q: QueryContext): Holding[] {
    return queries.holdings(this.state, clientcode, q);
  }

  /** All holdings with portfolio totals (docs/protocol/rest.md#all-holdings). */
  allHoldings(clientcode: string, q: QueryContext): AllHoldings {
    return queries.allHoldings(this.state, clientcode, q);
  }

  /** The RMS figures (paise) behind `getRMS` at `now` (epoch ms). */
  funds(clientcode: string, market: MarketView, now?: number): FundsFigures | undefined {
    const acc = this.state.accounts.get(clientcode);
    if (!acc) return undefined;
    // Without `now`, the time of the newest quote of the account's instruments (option pricing needs a time).
    let at = now ?? 0;
    if (now === undefined)
      for (const p of acc.positions.values())
        at = Math.max(at, market.quote(p.exchange, p.symboltoken)?.timestamp ?? 0);
    return fundsFigures(acc, market, this.rates, at);
  }

  /** `getRMS` (docs/protocol/rest.md#rms). */
  rms(clientcode: string, q: QueryContext): Result<RmsLimits> {
    return queries.rms(this.state, this.rates, clientcode, q);
  }

  /** gtt `ruleDetails` (`AB9013` for unknown ids). */
  gttDetails(clientcode: string, body: unknown): Result<GttRule> {
    return gtt.gttDetails(this.state, clientcode, body);
  }

  /** gtt `ruleList`, newest first. */
  gttList(clientcode: string, body: unknown): Result<GttRule[]> {
    return gtt.gttList(this.state, clientcode, body);
  }

  /** EDIS `generateTPIN` (simulated). */
  generateTpin(_clientcode: string, body: unknown): Result<null> {
    return edis.generateTpin(body);
  }

  /** EDIS `getTranStatus`. */
  getTranStatus(clientcode: string, body: unknown, q: QueryContext): Result<TranStatusResponse> {
    return edis.getTranStatus(this.state, clientcode, body, q);
  }

  /** `margin/v1/batch` (docs/protocol/rest.md#margin-batch): up to 50 positions priced with the engine's margin rules. */
  marginBatch(body: unknown, q: QueryContext): Result<MarginResponse> {
    return marginBatch(this.rates, body, q);
  }

  /** `brokerage/v1/estimateCharges` (docs/protocol/rest.md#estimate-charges) from the dated rate table. */
  estimateCharges(body: unknown, q: QueryContext): Result<EstimateChargesResponse> {
    return estimateCharges(body, q);
  }

  /**
   * The contract note of an account for the IST day `date` (`YYYY-MM-DD`): the day's fills with their
   * charges, DP and other charges, totals and net amount (`USER_NOT_FOUND` when unknown).
   */
  contractNote(clientcode: string, date: string): Result<ContractNote> {
    const acc = this.state.accounts.get(clientcode);
    return acc ? contractNote(acc, date) : reject(ErrorCode.USER_NOT_FOUND);
  }

  /** Portfolio API `GET /report/holdings/` rows. */
  reportHoldings(clientcode: string, q: QueryContext): PortfolioHolding[] {
    return reports.reportHoldings(this.state, clientcode, q);
  }

  /** Portfolio API `GET /report/positions/` rows. */
  reportPositions(clientcode: string, q: QueryContext): PortfolioPosition[] {
    return reports.reportPositions(this.state, clientcode, q);
  }
}
