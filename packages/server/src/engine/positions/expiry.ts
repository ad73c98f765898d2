/**
 * Expiry settlement (docs/paper-broker-rules.md#expiry), run by the day roll for every open derivative
 * position whose expiry day has ended, before the roll settles the positions:
 * - the final settlement price (FSP) is the underlying's average over the last minutes of the expiry
 *   day's session, as `rules/expiry.ts` says, read from the market through `MarketView.averagePrice`;
 * - the position is closed by a settlement row (a {@link TradeRecord} with `settlement` set): futures at
 *   the FSP, in-the-money options at their intrinsic value (`exercised` long, `assigned` short),
 *   out-of-the-money options at 0 (`expired`); the roll then settles its realised P&L into cash;
 * - cash-settled exercised options pay STT on exercise on the intrinsic value, debited as the row's
 *   `charges`;
 * - physically settled stock derivatives also deliver the shares: long futures, exercised long calls and
 *   assigned short puts buy (cash debited, T1 holding that settles T+1), short futures, exercised long
 *   puts and assigned short calls sell out of the holdings (cash credited); shares not held are a short
 *   delivery, closed out at the dated close-out premium. Both sides pay STT at the delivery rate.
 */
import type { Exchange, TransactionType } from '@smartapi-ts/protocol';
import { roundPaise } from '../charges/charges.js';
import type { Run } from '../context.js';
import type { Instrument } from '../ports.js';
import { ruleAt } from '../rules/dated.js';
import {
  expiryKind,
  expiryRule,
  SHORT_DELIVERY_CLOSE_OUT,
  STT_ON_EXERCISE,
  STT_ON_PHYSICAL_DELIVERY,
} from '../rules/expiry.js';
import { holdingKey } from '../state.js';
import type { AccountState, DeliveryRecord, PositionRecord, SettlementKind, TradeRecord } from '../types.js';
import { addToHolding, holdingFor, holdingQty } from './book.js';
import { positionFigures } from './portfolio.js';

const MIN_MS = 60_000;
/** Rates of `rules/expiry.ts` are parts per 10^7. */
const RATE_UNIT = 10_000_000;

/** The cash-market exchange of a derivative's underlying (BFO → BSE, else NSE). */
export function underlyingExchange(exchange: Exchange): Exchange {
  return exchange === 'BFO' ? 'BSE' : 'NSE';
}

/** End of the expiry day's session of `exchange` (15:30 IST when the market does not say). */
function closeOf(run: Run, exchange: Exchange, expiryDay: number): number {
  return run.ctx.market.sessionClose?.(exchange, expiryDay) ?? expiryDay + 930 * MIN_MS;
}

/**
 * The final settlement price (paise) of a derivative that expired on `expiryDay`: the underlying's
 * average over the rule's window before the close (its LTP when the market has no bars there).
 */
export function finalSettlementPrice(
  run: Run,
  p: Pick<PositionRecord, 'exchange' | 'segment' | 'instrumenttype' | 'expiry'>,
  underlyingToken: string,
): number | undefined {
  const kind = expiryKind(p);
  if (!kind) return undefined;
  const rule = expiryRule(kind, p.expiry);
  const ex = underlyingExchange(p.exchange);
  const close = closeOf(run, ex, p.expiry);
  const avg = run.ctx.market.averagePrice?.(
    ex,
    underlyingToken,
    close - rule.price.windowMinutes * MIN_MS,
    close,
    rule.price.weighting,
  );
  const price = avg ?? run.ctx.market.quote(ex, underlyingToken)?.ltp;
  return price !== undefined && price > 0 ? Math.round(price) : undefined;
}

/** Settles every open derivative position of `acc` whose expiry day ended before the IST day `day`. */
export function settleExpiries(run: Run, acc: AccountState, day: number): void {
  for (const p of [...acc.positions.values()]) {
    if (p.expiry <= 0 || p.expiry >= day || !expiryKind(p)) continue;
    const net = positionFigures(p).netQty;
    if (net === 0) continue;
    const inst = run.ctx.market.instrument(p.exchange, p.symboltoken);
    if (!inst?.underlyingToken) continue;
    const fsp = finalSettlementPrice(run, p, inst.underlyingToken);
    if (fsp === undefined) continue;
    settlePosition(run, acc, p, inst, net, fsp);
  }
}

function settlePosition(
  run: Run,
  acc: AccountState,
  p: PositionRecord,
  inst: Instrument,
  net: number,
  fsp: number,
): void {
  const { ctx, em } = run;
  const kind = expiryKind(p)!;
  const rule = expiryRule(kind, p.expiry);
  const qty = Math.abs(net);
  const long = net > 0;
  const isOption = p.optiontype === 'CE' || p.optiontype === 'PE';
  const intrinsic = !isOption
    ? 0
    : p.optiontype === 'CE'
      ? Math.max(0, fsp - p.strike)
      : Math.max(0, p.strike - fsp);
  const price = isOption ? intrinsic : fsp;
  const settlement: SettlementKind = !isOption
    ? 'final'
    : intrinsic <= 0
      ? 'expired'
      : long
        ? 'exercised'
        : 'assigned';
  const time = closeOf(run, p.exchange, p.expiry);
  const trade: TradeRecord = {
    exchange: p.exchange,
    symboltoken: p.symboltoken,
    tradingsymbol: p.tradingsymbol,
    name: p.name,
    instrumenttype: p.instrumenttype,
    segment: p.segment,
    lotsize: p.lotsize,
    ticksize: p.ticksize,
    strike: p.strike,
    optiontype: p.optiontype,
    expiry: p.expiry,
    clientcode: acc.clientcode,
    fillid: ctx.ids.tradeId(),
    orderid: '',
    producttype: p.producttype,
    transactiontype: long ? 'SELL' : 'BUY',
    price,
    quantity: qty,
    time,
    charges: 0,
    dpcharges: 0,
    othercharges: 0,
    settlement,
    settlementprice: fsp,
  };
  let cash = 0;
  const physical = rule.style === 'physical' && (settlement === 'final' || intrinsic > 0);
  if (!physical && settlement === 'exercised') {
    trade.charges = roundPaise((ruleAt(STT_ON_EXERCISE, p.expiry) * intrinsic * qty) / RATE_UNIT);
  }
  if (physical) {
    // Which way the shares go: long future / long call / short put buy; the others sell.
    const buys = isOption ? (p.optiontype === 'CE') === long : long;
    const deliveryPrice = isOption ? p.strike : fsp;
    const delivery = deliver(run, acc, inst, buys ? 'BUY' : 'SELL', qty, deliveryPrice, fsp, p.expiry);
    trade.delivery = delivery;
    const value = delivery.quantity * delivery.price;
    cash += buys ? -value : value;
    cash -= delivery.shortquantity * delivery.closeoutprice;
    trade.charges = roundPaise((ruleAt(STT_ON_PHYSICAL_DELIVERY, p.expiry) * value) / RATE_UNIT);
  }
  // The row closes the position at `price`; the day roll settles the realised P&L into cash.
  if (long) {
    p.sellqty += qty;
    p.sellamount += price * qty;
  } else {
    p.buyqty += qty;
    p.buyamount += price * qty;
  }
  acc.trades.push(trade);
  em.trade(trade);
  em.position(p);
  cash -= trade.charges ?? 0;
  if (cash !== 0) {
    acc.funds.cash += Math.round(cash);
    em.funds(acc.funds);
  }
}

/**
 * Delivers `qty` shares of the derivative's underlying at `price`: a buy adds T1 quantity to the NSE
 * holding; a sell takes what the account holds and records the rest as a short delivery closed out at
 * the close-out premium over the final settlement price.
 */
function deliver(
  run: Run,
  acc: AccountState,
  inst: Instrument,
  side: TransactionType,
  qty: number,
  price: number,
  fsp: number,
  expiryDay: number,
): DeliveryRecord {
  const ex = underlyingExchange(inst.exchange);
  const token = inst.underlyingToken ?? '';
  const stock = run.ctx.market.instrument(ex, token);
  const h = holdingFor(
    acc,
    stock ?? {
      exchange: ex,
      symboltoken: token,
      tradingsymbol: `${inst.name}-EQ`,
      name: inst.name,
      instrumenttype: '',
      segment: 'EQ',
      lotsize: 1,
      ticksize: inst.tickSize,
      strike: -1,
      optiontype: '',
      expiry: 0,
    },
  );
  let shortqty = 0;
  let closeout = 0;
  if (side === 'BUY') {
    addToHolding(h, qty, price);
  } else {
    const covered = Math.min(qty, Math.max(0, holdingQty(h)));
    h.usedquantity += covered;
    shortqty = qty - covered;
    if (shortqty > 0) {
      closeout = Math.round(fsp + (fsp * ruleAt(SHORT_DELIVERY_CLOSE_OUT, expiryDay)) / RATE_UNIT);
    }
  }
  if (side === 'BUY' || h.usedquantity > 0) {
    acc.holdings.set(holdingKey(h), h);
    run.em.holding(h);
  }
  return {
    side,
    exchange: ex,
    symboltoken: token,
    tradingsymbol: h.tradingsymbol,
    quantity: qty,
    price,
    shortquantity: shortqty,
    closeoutprice: closeout,
  };
}
