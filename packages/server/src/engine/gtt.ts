/**
 * GTT rules (docs/protocol/rest.md#gtt): create, modify, cancel, details and list; expiry; firing a rule (a LIMIT
 * order placed when the LTP crosses its trigger, in the direction decided at create/modify).
 */
import type { GttIdResponse, GttRule, TransactionType } from '@smartapi-ts/protocol';
import {
  ErrorCode,
  Exchange,
  GttStatus,
  MAX_GTT_DAYS,
  ProductType,
  TransactionType as Side,
} from '@smartapi-ts/protocol';
import type { Run } from './context.js';
import { submit } from './orders/lifecycle.js';
import type { Instrument, MarketView } from './ports.js';
import { isRejection, type Result, reject } from './result.js';
import { indexGtt } from './state.js';
import type { AccountState, EngineState, GttRuleRecord } from './types.js';
import { Fields, fail, parseBody } from './validate.js';
import { gttRow } from './views.js';

const DAY_MS = 86_400_000;

function gttDirection(side: TransactionType, trigger: number, ltp: number | undefined): 'up' | 'down' {
  if (ltp !== undefined && ltp > 0) return trigger >= ltp ? 'up' : 'down';
  return side === 'BUY' ? 'down' : 'up';
}

function gttInstrument(
  f: Fields,
  market: MarketView,
  requireSymbol: boolean,
  rule?: GttRuleRecord,
): Instrument {
  const exchange = f.enumOf('exchange', Exchange, ErrorCode.GTT_INVALID_EXCHANGE);
  if (exchange !== 'NSE' && exchange !== 'BSE') fail(ErrorCode.GTT_INVALID_EXCHANGE);
  const token = f.str('symboltoken', ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
  if (rule && (rule.exchange !== exchange || rule.symboltoken !== token)) {
    fail(rule.exchange !== exchange ? ErrorCode.GTT_INVALID_EXCHANGE : ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
  }
  const inst = market.instrument(exchange, token);
  if (!inst?.tradable || inst.segment !== 'EQ') fail(ErrorCode.GTT_INVALID_SYMBOL_TOKEN);
  const symbol = requireSymbol
    ? f.str('tradingsymbol', ErrorCode.GTT_INVALID_TRADING_SYMBOL)
    : f.optStr('tradingsymbol', ErrorCode.GTT_INVALID_TRADING_SYMBOL);
  if (symbol !== undefined && symbol.toUpperCase() !== inst.symbol.toUpperCase())
    fail(ErrorCode.GTT_INVALID_TRADING_SYMBOL);
  return inst;
}

function gttValues(
  f: Fields,
  inst: Instrument,
  rule: GttRuleRecord | undefined,
): { price: number; qty: number; trigger: number; disclosed: number; timeperiod: number } {
  const price = f.optPaise('price', ErrorCode.GTT_INVALID_PRICE) ?? rule?.price;
  const qty = f.optInt('qty', ErrorCode.GTT_INVALID_QUANTITY) ?? rule?.qty;
  const trigger = f.optPaise('triggerprice', ErrorCode.GTT_INVALID_TRIGGER_PRICE) ?? rule?.triggerprice;
  if (price === undefined || price <= 0) fail(ErrorCode.GTT_INVALID_PRICE);
  if (qty === undefined || qty <= 0 || qty > inst.freezeQty) fail(ErrorCode.GTT_INVALID_QUANTITY);
  if (trigger === undefined || trigger <= 0) fail(ErrorCode.GTT_INVALID_TRIGGER_PRICE);
  const tick = inst.tickSize;
  if (tick > 0 && price % tick !== 0) fail(ErrorCode.GTT_INVALID_PRICE);
  if (tick > 0 && trigger % tick !== 0) fail(ErrorCode.GTT_INVALID_TRIGGER_PRICE);
  const disclosed =
    f.optInt('disclosedqty', ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY) ??
    Math.min(rule?.disclosedqty ?? 0, qty);
  if (disclosed < 0 || disclosed > qty) fail(ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY);
  const timeperiod =
    f.optInt('timeperiod', ErrorCode.GTT_INVALID_TIME_PERIOD) ?? rule?.timeperiod ?? MAX_GTT_DAYS;
  if (timeperiod < 1 || timeperiod > MAX_GTT_DAYS) fail(ErrorCode.GTT_INVALID_TIME_PERIOD);
  return { price, qty, trigger, disclosed, timeperiod };
}

function gttRuleOf(acc: AccountState, f: Fields): GttRuleRecord {
  const id = f.optStr('id', ErrorCode.GTT_INVALID_RULE_ID);
  const rule = id === undefined ? undefined : acc.gttRules.get(id);
  if (!rule) fail(ErrorCode.GTT_INVALID_RULE_ID);
  return rule;
}

/** gtt `createRule` (docs/protocol/rest.md#gtt): NSE/BSE equity, DELIVERY/MARGIN; answers `{ id }`. */
export function gttCreate(run: Run, acc: AccountState, body: unknown): Result<GttIdResponse> {
  const { core, ctx, em } = run;
  const parsed = parseBody(() => {
    const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
    const inst = gttInstrument(f, ctx.market, true);
    const side = f.enumOf('transactiontype', Side, ErrorCode.GTT_INVALID_ORDER_SIDE);
    const product = f.enumOf('producttype', ProductType, ErrorCode.GTT_INVALID_PRODUCT_TYPE);
    if (product !== 'DELIVERY' && product !== 'MARGIN') fail(ErrorCode.GTT_INVALID_PRODUCT_TYPE);
    const values = gttValues(f, inst, undefined);
    return { inst, side, product, ...values };
  });
  if (isRejection(parsed)) return parsed;
  const { inst } = parsed;
  const rule: GttRuleRecord = {
    clientcode: acc.clientcode,
    id: ctx.ids.gttRuleId(),
    status: 'NEW',
    createdat: ctx.now,
    updatedat: ctx.now,
    expiresat: ctx.now + parsed.timeperiod * DAY_MS,
    exchange: inst.exchange,
    symboltoken: inst.token,
    tradingsymbol: inst.symbol,
    transactiontype: parsed.side,
    producttype: parsed.product,
    price: parsed.price,
    qty: parsed.qty,
    triggerprice: parsed.trigger,
    disclosedqty: parsed.disclosed,
    timeperiod: parsed.timeperiod,
    direction: gttDirection(parsed.side, parsed.trigger, ctx.market.quote(inst.exchange, inst.token)?.ltp),
    orderid: '',
  };
  acc.gttRules.set(rule.id, rule);
  indexGtt(core.state, rule);
  em.gtt(rule);
  return { id: rule.id };
}

/** gtt `modifyRule`: only armed (`NEW`) rules; answers `{ id }`. */
export function gttModify(run: Run, acc: AccountState, body: unknown): Result<GttIdResponse> {
  const { ctx, em } = run;
  const parsed = parseBody(() => {
    const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
    const rule = gttRuleOf(acc, f);
    if (rule.status !== 'NEW') fail(ErrorCode.GTT_INVALID_RULE_ID);
    const inst = gttInstrument(f, ctx.market, false, rule);
    const values = gttValues(f, inst, rule);
    return { rule, inst, ...values };
  });
  if (isRejection(parsed)) return parsed;
  const { rule } = parsed;
  Object.assign(rule, {
    price: parsed.price,
    qty: parsed.qty,
    triggerprice: parsed.trigger,
    disclosedqty: parsed.disclosed,
    timeperiod: parsed.timeperiod,
    updatedat: ctx.now,
    expiresat: rule.createdat + parsed.timeperiod * DAY_MS,
    direction: gttDirection(
      rule.transactiontype,
      parsed.trigger,
      ctx.market.quote(rule.exchange, rule.symboltoken)?.ltp,
    ),
  });
  em.gtt(rule);
  return { id: rule.id };
}

/** gtt `cancelRule`: only armed rules; answers `{ id }`. */
export function gttCancel(run: Run, acc: AccountState, body: unknown): Result<GttIdResponse> {
  const { core, ctx, em } = run;
  const rule = parseBody(() => {
    const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
    const r = gttRuleOf(acc, f);
    if (r.status !== 'NEW') fail(ErrorCode.GTT_INVALID_RULE_ID);
    gttInstrument(f, ctx.market, false, r);
    return r;
  });
  if (isRejection(rule)) return rule;
  rule.status = 'CANCELLED';
  rule.updatedat = ctx.now;
  indexGtt(core.state, rule);
  em.gtt(rule);
  return { id: rule.id };
}

/** gtt `ruleDetails` (`AB9013` for unknown ids). */
export function gttDetails(state: EngineState, clientcode: string, body: unknown): Result<GttRule> {
  const acc = state.accounts.get(clientcode);
  if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
  return parseBody(() => gttRow(gttRuleOf(acc, new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS))));
}

/**
 * gtt `ruleList`: `status` a non-empty array of GTT statuses (`FORALL` = every rule; `ACTIVE` also matches
 * armed `NEW` rules), `page` ≥ 1, `count` 1–500. Newest first.
 */
export function gttList(state: EngineState, clientcode: string, body: unknown): Result<GttRule[]> {
  const acc = state.accounts.get(clientcode);
  if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
  return parseBody(() => {
    const f = new Fields(body, ErrorCode.GTT_INVALID_PARAMETERS);
    const status = f.obj.status;
    if (!Array.isArray(status) || status.length === 0 || status.length > 5)
      fail(ErrorCode.GTT_INVALID_STATUS_ARRAY);
    const wanted = new Set<string>();
    for (const s of status) {
      if (typeof s !== 'string' || !Object.values(GttStatus).includes(s as GttStatus))
        fail(ErrorCode.GTT_INVALID_STATUS_ARRAY);
      wanted.add(s);
    }
    const page = f.int('page', ErrorCode.GTT_INVALID_PAGE);
    const count = f.int('count', ErrorCode.GTT_INVALID_COUNT);
    if (page < 1) fail(ErrorCode.GTT_INVALID_PAGE);
    if (count < 1 || count > 500) fail(ErrorCode.GTT_INVALID_COUNT);
    const all = [...acc.gttRules.values()].filter(
      (r) => wanted.has('FORALL') || wanted.has(r.status) || (r.status === 'NEW' && wanted.has('ACTIVE')),
    );
    all.reverse();
    return all.slice((page - 1) * count, page * count).map(gttRow);
  });
}

/** Cancels an armed rule whose time period ended; true when it did. */
export function expireGtt(run: Run, rule: GttRuleRecord): boolean {
  if (rule.status !== 'NEW' || rule.expiresat > run.ctx.now) return false;
  rule.status = 'CANCELLED';
  rule.updatedat = run.ctx.now;
  indexGtt(run.core.state, rule);
  run.em.gtt(rule);
  return true;
}

/** Fires a rule whose trigger the LTP crossed: it is sent to the exchange as a DAY LIMIT order. */
export function fireGtt(run: Run, acc: AccountState, rule: GttRuleRecord): void {
  const { core, ctx, em } = run;
  const inst = ctx.market.instrument(rule.exchange, rule.symboltoken);
  rule.status = 'SENTTOEXCHANGE';
  rule.updatedat = ctx.now;
  indexGtt(core.state, rule);
  if (inst) {
    const o = submit(
      run,
      acc,
      {
        variety: 'NORMAL',
        inst,
        side: rule.transactiontype,
        ordertype: 'LIMIT',
        product: rule.producttype,
        duration: 'DAY',
        price: rule.price,
        trigger: 0,
        qty: rule.qty,
        disclosed: rule.disclosedqty,
        squareoff: 0,
        stoploss: 0,
        trailing: 0,
        ordertag: '',
      },
      '',
      rule.id,
    );
    rule.orderid = o.orderid;
  }
  em.gtt(rule);
}
