/**
 * Pre-trade risk and exchange checks of an order (product per segment, ROBO shape, IOC, lot, freeze,
 * tick, circuit, stop trigger vs LTP, holdings), and the venue's rejection texts.
 */
import type { Exchange, OrderType, ProductType } from '@smartapi-ts/protocol';
import { formatPaise } from '@smartapi-ts/protocol';
import type { Instrument } from '../ports.js';
import { holdingQty } from '../positions/book.js';
import { holdingKey } from '../state.js';
import type { AccountState, EngineState, OrderRecord, QueryContext } from '../types.js';
import { pendingQty } from './funds.js';
import { liveRuleCheck } from './live-rules.js';
import { isDeliveryProduct } from './margin.js';

const SEGMENT_CODE: Readonly<Record<Exchange, string>> = {
  NSE: 'nse_cm',
  BSE: 'bse_cm',
  NFO: 'nse_fo',
  BFO: 'bse_fo',
  MCX: 'mcx_fo',
  CDS: 'cde_fo',
  NCDEX: 'ncx_fo',
};

/** True for the stop order types (they wait for a trigger). */
export const isStop = (t: OrderType): boolean => t === 'STOPLOSS_LIMIT' || t === 'STOPLOSS_MARKET';

/** The venue's text for an insufficient-funds rejection (amounts in rupees, 2 decimals). */
export function insufficientFunds(availablePaise: number, requiredPaise: number): string {
  return `Your order has been rejected due to Insufficient Funds. Available funds - Rs. ${formatPaise(Math.floor(availablePaise), 2)} . You require Rs. ${formatPaise(Math.ceil(requiredPaise), 2)} funds to execute this order.`;
}

/** Product rules per segment; returns the rejection text or undefined. */
export function productNotAllowed(
  inst: Pick<Instrument, 'segment' | 'exchange'>,
  product: ProductType,
): string | undefined {
  const seg = SEGMENT_CODE[inst.exchange];
  if (inst.segment === 'EQ' && product === 'CARRYFORWARD') return `NRML product not allowed in ${seg}`;
  if (inst.segment !== 'EQ' && product === 'DELIVERY') return `CNC product not allowed in ${seg}`;
  return undefined;
}

function maxLotMultiple(freeze: number, lot: number): number {
  return Math.floor(freeze / lot) * lot;
}

/** The rejection text of a price `v` that is not a multiple of `tick`, else undefined. */
function offGrid(name: string, v: number, tick: number): string | undefined {
  if (v % tick === 0) return undefined;
  return `${name} ${formatPaise(v, 2)} is not a multiple of the tick size ${formatPaise(tick, 2)}`;
}

/** The rejection text of a price `v` (> 0) outside the quote's circuit limits, else undefined. */
function outsideCircuit(
  v: number,
  quote: { upperCircuit: number; lowerCircuit: number },
): string | undefined {
  if (!(v > 0 && (v > quote.upperCircuit || v < quote.lowerCircuit))) return undefined;
  return `Order price ${formatPaise(v, 2)} is outside the circuit limits (${formatPaise(quote.lowerCircuit, 2)} - ${formatPaise(quote.upperCircuit, 2)})`;
}

/**
 * RMS / exchange checks of an order (`exclude` = the order's own id, left out of the pending sells);
 * returns the rejection text or undefined. Funds are checked separately (see `risk/funds.ts`).
 */
export function rmsCheck(
  state: EngineState,
  acc: AccountState,
  o: OrderRecord,
  inst: Instrument,
  ctx: QueryContext,
  exclude: string,
): string | undefined {
  const notAllowed = productNotAllowed(inst, o.producttype);
  if (notAllowed !== undefined) return notAllowed;
  if (o.variety === 'ROBO' && !o.parentorderid) {
    if (o.ordertype !== 'LIMIT') return 'Bracket (ROBO) orders must be LIMIT orders';
    if (o.squareoff <= 0 || o.stoploss <= 0) return 'Bracket (ROBO) orders need squareoff and stoploss';
  }
  if (o.duration === 'IOC' && inst.segment === 'COM')
    return 'IOC orders are not allowed for commodities segment';
  const lot = Math.max(1, inst.lotSize);
  if (o.quantity % lot !== 0) return `Order quantity ${o.quantity} is not a multiple of the lot size ${lot}`;
  if (o.quantity > inst.freezeQty) {
    return `Order quantity ${o.quantity} exceeds the freeze quantity ${maxLotMultiple(inst.freezeQty, lot)}`;
  }
  const tick = inst.tickSize;
  // Field by field (no array of pairs per order): the first price off the tick grid names the rejection.
  const offTick =
    tick > 0
      ? (offGrid('Price', o.price, tick) ??
        offGrid('Trigger price', o.triggerprice, tick) ??
        offGrid('Squareoff', o.squareoff, tick) ??
        offGrid('Stoploss', o.stoploss, tick))
      : undefined;
  if (offTick !== undefined) return offTick;
  const live = liveRuleCheck(o, inst, ctx);
  if (live !== undefined) return live;
  const quote = ctx.market.quote(inst.exchange, inst.token);
  if (quote && quote.upperCircuit > 0 && quote.lowerCircuit > 0) {
    const outside = outsideCircuit(o.price, quote) ?? outsideCircuit(o.triggerprice, quote);
    if (outside !== undefined) return outside;
  }
  if (isStop(o.ordertype) && !o.triggered) {
    if (o.ordertype === 'STOPLOSS_LIMIT') {
      if (o.transactiontype === 'BUY' && o.price < o.triggerprice)
        return 'Limit price of a stop loss buy order should be at or above the trigger price';
      if (o.transactiontype === 'SELL' && o.price > o.triggerprice)
        return 'Limit price of a stop loss sell order should be at or below the trigger price';
    }
    const ltp = quote?.ltp ?? 0;
    if (ltp > 0 && ctx.market.session(inst.exchange, ctx.now) === 'open') {
      if (o.transactiontype === 'BUY' && o.triggerprice <= ltp)
        return 'Trigger price for stop loss buy order should be higher than the last traded price';
      if (o.transactiontype === 'SELL' && o.triggerprice >= ltp)
        return 'Trigger price for stop loss sell order should be lower than the last traded price';
    }
  }
  if (o.transactiontype === 'SELL' && isDeliveryProduct(inst, o.producttype)) {
    const h = acc.holdings.get(
      holdingKey({ clientcode: acc.clientcode, exchange: inst.exchange, symboltoken: inst.token }),
    );
    const pending = pendingQty(state, acc, o, 'SELL', exclude);
    const avail = (h ? holdingQty(h) : 0) - pending;
    if (o.quantity - o.filledshares > avail) {
      return `Your order has been rejected due to Insufficient Holdings. Available quantity - ${Math.max(0, avail)} . You are trying to sell ${o.quantity - o.filledshares} quantity.`;
    }
  }
  return undefined;
}
