/**
 * Account commands of the infrastructure (not venue routes): open, reset, and seed a settled holding.
 * They run without the day roll; a fresh funds row starts at the IST day of `now`.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { ErrorCode, istDayStart } from '@smartapi-ts/protocol';
import type { EngineCore } from './context.js';
import { Emitter } from './events.js';
import { holdingFor, holdingQty } from './positions/book.js';
import { reject } from './result.js';
import { holdingKey, newAccount, unindexAccount } from './state.js';
import type { CommandResult, FundsRecord, HoldingRecord, QueryContext } from './types.js';
import { INVALID_INPUT } from './validate.js';

/** Seed of a demo holding. */
export interface SeedHoldingInput {
  exchange: Exchange;
  symboltoken: string;
  quantity: number;
  /** Average buy price in paise. */
  averageprice: number;
}

function freshFunds(clientcode: string, cash: number, now: number): FundsRecord {
  return { clientcode, cash, collateral: 0, initialcash: cash, tradingday: istDayStart(now) };
}

/** Opens an account with `fundsPaise` of cash. Rejects `AB1003` when it exists. */
export function openAccount(
  core: EngineCore,
  clientcode: string,
  fundsPaise: number,
  ctx: { now: number },
): CommandResult<FundsRecord> {
  if (core.state.accounts.has(clientcode))
    return { result: reject(ErrorCode.CLIENT_ALREADY_EXISTS), events: [] };
  if (!Number.isSafeInteger(fundsPaise) || fundsPaise < 0)
    return { result: reject(INVALID_INPUT, 'Invalid funds'), events: [] };
  const funds = freshFunds(clientcode, fundsPaise, ctx.now);
  core.state.accounts.set(clientcode, newAccount(funds));
  const em = new Emitter();
  em.funds(funds);
  return { result: { ...funds }, events: em.events };
}

/**
 * Resets an account: every order, trade, position, holding and GTT rule is deleted (a `reset` event) and
 * the cash goes back to `fundsPaise` (default: the initial funds).
 */
export function resetAccount(
  core: EngineCore,
  clientcode: string,
  ctx: { now: number },
  fundsPaise?: number,
): CommandResult<FundsRecord> {
  const acc = core.state.accounts.get(clientcode);
  if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
  const cash = fundsPaise ?? acc.funds.initialcash;
  if (!Number.isSafeInteger(cash) || cash < 0)
    return { result: reject(INVALID_INPUT, 'Invalid funds'), events: [] };
  unindexAccount(core.state, acc);
  // Pushes still on their way from the exchange belong to the orders the reset deletes.
  const { notices } = core.state;
  if (notices.length > 0) {
    const kept = notices.filter((n) => n.event.clientcode !== clientcode);
    notices.length = 0;
    notices.push(...kept);
  }
  const funds = freshFunds(clientcode, cash, ctx.now);
  core.state.accounts.set(clientcode, newAccount(funds));
  const em = new Emitter();
  em.reset(clientcode);
  em.funds(funds);
  return { result: { ...funds }, events: em.events };
}

/**
 * Adds (or, negative, withdraws) cash on an account (the paper broker's admin funds route). Rejects when
 * the account is unknown or the cash would go negative.
 */
export function addFunds(
  core: EngineCore,
  clientcode: string,
  paise: number,
  _ctx: { now: number },
): CommandResult<FundsRecord> {
  const acc = core.state.accounts.get(clientcode);
  if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
  if (!Number.isSafeInteger(paise) || acc.funds.cash + paise < 0)
    return { result: reject(INVALID_INPUT, 'Invalid funds'), events: [] };
  const em = new Emitter();
  acc.funds.cash += paise;
  em.funds(acc.funds);
  return { result: { ...acc.funds }, events: em.events };
}

/** Adds a settled delivery holding (demo account seeding). Averages with an existing holding. */
export function seedHolding(
  core: EngineCore,
  clientcode: string,
  input: SeedHoldingInput,
  ctx: QueryContext,
): CommandResult<HoldingRecord> {
  const acc = core.state.accounts.get(clientcode);
  if (!acc) return { result: reject(ErrorCode.USER_NOT_FOUND), events: [] };
  const inst = ctx.market.instrument(input.exchange, input.symboltoken);
  if (inst?.segment !== 'EQ' || !inst.tradable)
    return { result: reject(ErrorCode.SYMBOL_NOT_FOUND), events: [] };
  if (!Number.isSafeInteger(input.quantity) || input.quantity <= 0 || !(input.averageprice > 0)) {
    return { result: reject(INVALID_INPUT, 'Invalid holding'), events: [] };
  }
  const h = holdingFor(acc, inst);
  const held = holdingQty(h);
  h.averageprice = (h.averageprice * held + input.averageprice * input.quantity) / (held + input.quantity);
  h.quantity += input.quantity;
  acc.holdings.set(holdingKey(h), h);
  const em = new Emitter();
  em.holding(h);
  return { result: { ...h }, events: em.events };
}
