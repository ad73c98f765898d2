/**
 * The checks of the rules that reject an order live (docs/paper-broker-rules.md#rules-that-reject-live):
 * SL-M where the exchange withdrew it, limit prices outside the LPP band, AMOs outside the broker's AMO
 * window. The rules themselves are the dated tables of `rules/order-rules.ts`.
 */
import { formatPaise, istDayStart, istParts } from '@smartapi-ts/protocol';
import type { Instrument } from '../ports.js';
import { ruleAt } from '../rules/dated.js';
import { AMO_WINDOWS, LPP_BANDS, SLM_REFUSALS } from '../rules/order-rules.js';
import type { OrderRecord, QueryContext } from '../types.js';

const NOON_MS = 12 * 3_600_000;

/** `HH:mm` of IST minutes of the day. */
function clock(minutes: number): string {
  return `${String(Math.floor(minutes / 60)).padStart(2, '0')}:${String(minutes % 60).padStart(2, '0')}`;
}

/** The SL-M refusal text, or undefined when SL-M is allowed for the instrument at `now`. */
export function slmRefusal(
  inst: Pick<Instrument, 'exchange' | 'instrumentType'>,
  now: number,
): string | undefined {
  const rule = ruleAt(SLM_REFUSALS, now);
  if (rule.exchanges.includes(inst.exchange)) {
    return `Stop loss market (STOPLOSS_MARKET) orders are not allowed on ${inst.exchange}. Place a STOPLOSS_LIMIT order instead`;
  }
  if (rule.instrumentTypes[inst.exchange]?.includes(inst.instrumentType)) {
    return `Stop loss market (STOPLOSS_MARKET) orders are not allowed for options on ${inst.exchange}. Place a STOPLOSS_LIMIT order instead`;
  }
  return undefined;
}

// The last band key built (orders come in runs on one kind of instrument).
let lastBand = { exchange: '', instrumentType: '', key: ':' };

/** `exchange:instrumentType`, the key of the LPP band table (memoised). */
function bandKey(exchange: string, instrumentType: string): string {
  if (exchange !== lastBand.exchange || instrumentType !== lastBand.instrumentType)
    lastBand = { exchange, instrumentType, key: `${exchange}:${instrumentType}` };
  return lastBand.key;
}

/**
 * The LPP band `[low, high]` (paise, on the tick grid) of an instrument around `reference`, or undefined
 * when the instrument has no band at `now`.
 */
export function lppRange(
  inst: Pick<Instrument, 'exchange' | 'instrumentType' | 'tickSize'>,
  reference: number,
  now: number,
): { low: number; high: number } | undefined {
  const band = ruleAt(LPP_BANDS, now)[bandKey(inst.exchange, inst.instrumentType)];
  if (!band || reference <= 0) return undefined;
  const half = Math.max(Math.round(reference * band.pct), band.min);
  const tick = Math.max(1, inst.tickSize);
  return {
    low: Math.max(tick, Math.ceil((reference - half) / tick) * tick),
    high: Math.floor((reference + half) / tick) * tick,
  };
}

/** The AMO-window refusal text for an order placed while its exchange's session is closed. */
export function amoWindowRefusal(exchange: Instrument['exchange'], ctx: QueryContext): string | undefined {
  const session = ctx.market.session(exchange, ctx.now);
  // Open: not an AMO. NSE/BSE pre-open (09:00–09:15): left as it was (the call auction is its own rule).
  // The F&O pre-open (futures only, from 8 Dec 2025) keeps the AMO window for what does not enter it.
  if (session === 'open' || (session === 'preopen' && (exchange === 'NSE' || exchange === 'BSE')))
    return undefined;
  const window = ruleAt(AMO_WINDOWS, ctx.now)[exchange];
  if (!window) return undefined;
  // A day without a session at noon (weekend, holiday) accepts AMOs all day.
  if (ctx.market.session(exchange, istDayStart(ctx.now) + NOON_MS) !== 'open') return undefined;
  const p = istParts(ctx.now);
  const minute = p.hour * 60 + p.minute;
  if (minute >= window.opens || minute < window.closes) return undefined;
  return `After market orders for ${exchange} are accepted from ${clock(window.opens)} to ${clock(window.closes)} IST`;
}

/**
 * The live-rule checks of an order about to be accepted (placement or modification); returns the
 * rejection text or undefined. ROBO exit legs (placed by the broker itself) are exempt.
 */
export function liveRuleCheck(o: OrderRecord, inst: Instrument, ctx: QueryContext): string | undefined {
  if (o.parentorderid) return undefined;
  if (o.ordertype === 'STOPLOSS_MARKET') {
    const text = slmRefusal(inst, ctx.now);
    if (text !== undefined) return text;
  }
  if ((o.ordertype === 'LIMIT' || o.ordertype === 'STOPLOSS_LIMIT') && o.price > 0) {
    const ltp = ctx.market.quote(inst.exchange, inst.token)?.ltp ?? 0;
    const range = lppRange(inst, ltp, ctx.now);
    const lpp = 'Order price is beyond the Limit Price Protection range defined by the exchange.';
    if (range && o.transactiontype === 'BUY' && o.price > range.high)
      return `${lpp} Please reduce the limit price to ${formatPaise(range.high, 2)} or below`;
    if (range && o.transactiontype === 'SELL' && o.price < range.low)
      return `${lpp} Please increase the limit price to ${formatPaise(range.low, 2)} or above`;
  }
  if (o.ordertype === 'MARKET' && ctx.market.session(inst.exchange, ctx.now) === 'open') {
    // Market protection needs an LTP (NSE answers such orders 17181 with this text).
    if (!((ctx.market.quote(inst.exchange, inst.token)?.ltp ?? 0) > 0))
      return 'Contract not traded. Market order not allowed';
  }
  return amoWindowRefusal(inst.exchange, ctx);
}
