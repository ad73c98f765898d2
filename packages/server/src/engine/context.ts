/**
 * What every engine module works with: the {@link EngineCore} (state plus configured models and rules),
 * and one {@link Run} per command or driver call (core, context, emitter). {@link command} is the one
 * prologue every account command starts with: the account lookup (`AB1032` for an unknown client) and
 * the day roll, whose settlement events come first.
 */
import { ErrorCode } from '@smartapi-ts/protocol';
import { Emitter } from './events.js';
import type { FeeModel, FillModel, OrderCheck } from './ports.js';
import { ensureDay } from './positions/day-roll.js';
import { type Result, reject } from './result.js';
import type { IntradayRules } from './rules/intraday.js';
import type {
  AccountState,
  CommandResult,
  DriverResult,
  EngineContext,
  EngineState,
  MarginRates,
} from './types.js';

/** The engine's shared parts: its state and its configured models and rules. */
export interface EngineCore {
  readonly state: EngineState;
  readonly fillModel: FillModel;
  readonly feeModel: FeeModel;
  readonly rates: MarginRates;
  readonly offHours: 'amo' | 'reject';
  readonly rmsRejections: 'book' | 'error';
  /** An extra pre-trade check run before the risk checks (the paper broker's scenario rules). */
  readonly orderCheck: OrderCheck | undefined;
  /** Intraday cut-off, auto square-off times and charge (`rules/intraday.ts`). */
  readonly intraday: IntradayRules;
  /** Market protection in percent overriding the dated table (`undefined` = the table). */
  readonly marketProtection: number | undefined;
}

/** One command or driver call: the core, its context (time, ids, market) and the events it emits. */
export interface Run {
  readonly core: EngineCore;
  readonly ctx: EngineContext;
  readonly em: Emitter;
}

/**
 * Runs an account command: looks the account up, settles its previous trading day when `ctx.now` falls
 * on a later IST day, then runs `body`. The events are the day roll's followed by the body's; a
 * rejection of the body keeps the day roll's events (they happened regardless).
 */
export function command<T>(
  core: EngineCore,
  clientcode: string,
  ctx: EngineContext,
  body: (acc: AccountState, run: Run) => Result<T>,
): CommandResult<T> {
  const acc = core.state.accounts.get(clientcode);
  if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
  const run: Run = { core, ctx, em: new Emitter(core.state, core.fillModel) };
  run.em.releaseNotices(ctx.now);
  ensureDay(run, acc);
  const result = body(acc, run);
  retire(core);
  return { result, events: run.em.events };
}

/** Runs a market or clock driver over every account it touches. */
export function drive(core: EngineCore, ctx: EngineContext, body: (run: Run) => void): DriverResult {
  const run: Run = { core, ctx, em: new Emitter(core.state, core.fillModel) };
  run.em.releaseNotices(ctx.now);
  body(run);
  retire(core);
  return { events: run.em.events };
}

/** Tells the fill model which orders stopped working in the run (it drops their execution state). */
function retire(core: EngineCore): void {
  const { retired } = core.state;
  if (retired.length === 0) return;
  const fm = core.fillModel;
  if (fm.forget) for (const id of retired) fm.forget(id);
  // A cancel or modification still on its way finds the order no longer working: it changes nothing.
  const { modifies, cancels } = core.state;
  if (modifies.size > 0) for (const id of retired) modifies.delete(id);
  if (cancels.size > 0) for (const id of retired) cancels.delete(id);
  retired.length = 0;
}
