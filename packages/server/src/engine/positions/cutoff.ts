/**
 * The intraday cut-off (docs/paper-broker-rules.md#product-cut-offs-and-auto-square-off): from the
 * cut-off of an exchange, intraday orders into its open session that do not only reduce an open intraday
 * position, and conversions to intraday, are refused.
 */
import type { Exchange, TransactionType } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { pendingQty } from '../risk/funds.js';
import { type IntradayRules, isIntradayProduct, isTradingDay, timeOn } from '../rules/intraday.js';
import { positionKey } from '../state.js';
import type { AccountState, EngineState, OrderRecord } from '../types.js';
import { positionFigures } from './portfolio.js';

function hhmm(ms: number): string {
  const m = Math.round((ms - istDayStart(ms)) / 60_000);
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Epoch ms of the cut-off of `exchange` on the day of `at` (undefined: none that day). */
function cutoffAt(
  rules: IntradayRules,
  market: MarketView,
  exchange: Exchange,
  at: number,
): number | undefined {
  if (!rules.enabled || !isTradingDay(market, exchange, at)) return undefined;
  return timeOn(market, exchange, at, rules.times(exchange, at).cutoff);
}

/** Open quantity of the order's position that `side` would reduce (0 when none). */
function reducible(
  acc: AccountState,
  o: Pick<OrderRecord, 'exchange' | 'symboltoken' | 'producttype'>,
  side: TransactionType,
): number {
  const p = acc.positions.get(
    positionKey({
      clientcode: acc.clientcode,
      exchange: o.exchange,
      symboltoken: o.symboltoken,
      producttype: o.producttype,
    }),
  );
  const net = p ? positionFigures(p).netQty : 0;
  return side === 'SELL' ? Math.max(0, net) : Math.max(0, -net);
}

/**
 * The cut-off check of a new order (called once from the order lifecycle): the refusal text for an
 * intraday order placed into an open session at or after the exchange's cut-off that does not only reduce
 * an open intraday position, else undefined. Exit legs of bracket orders are never refused.
 */
export function intradayCutoff(
  rules: IntradayRules,
  state: EngineState,
  acc: AccountState,
  o: OrderRecord,
  market: MarketView,
  now: number,
): string | undefined {
  if (!isIntradayProduct(o.producttype) || o.parentorderid) return undefined;
  if (market.session(o.exchange, now) !== 'open') return undefined;
  const cutoff = cutoffAt(rules, market, o.exchange, now);
  if (cutoff === undefined || now < cutoff) return undefined;
  const open = reducible(acc, o, o.transactiontype) - pendingQty(state, acc, o, o.transactiontype, o.orderid);
  if (o.quantity <= open) return undefined;
  return `New ${o.producttype} orders are not allowed on ${o.exchange} after the intraday cut-off time ${hhmm(cutoff)}`;
}

/** The refusal text of a conversion to an intraday product after the cut-off, else undefined. */
export function conversionCutoff(
  rules: IntradayRules,
  market: MarketView,
  exchange: Exchange,
  product: OrderRecord['producttype'],
  now: number,
): string | undefined {
  if (!isIntradayProduct(product) || market.session(exchange, now) !== 'open') return undefined;
  const cutoff = cutoffAt(rules, market, exchange, now);
  if (cutoff === undefined || now < cutoff) return undefined;
  return `Position conversion failed: conversion to ${product} is not allowed on ${exchange} after the intraday cut-off time ${hhmm(cutoff)}`;
}
