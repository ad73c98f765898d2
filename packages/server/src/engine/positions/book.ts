/**
 * Position and holding records of an account: find-or-create by key, the quantity a holding has, and
 * moving quantity between the sides of positions (day first, then carried forward).
 */
import type { ProductType, TransactionType } from '@smartapi-ts/protocol';
import type { Instrument } from '../ports.js';
import { holdingKey, positionKey, snapshotOf } from '../state.js';
import type { AccountState, HoldingRecord, InstrumentSnapshot, PositionRecord } from '../types.js';

/** The account's position in an instrument and product, or a new empty one (not yet in the account). */
export function positionFor(
  acc: AccountState,
  inst: InstrumentSnapshot | Instrument,
  product: ProductType,
): PositionRecord {
  const snap = 'token' in inst ? snapshotOf(inst) : inst;
  const key = positionKey({
    clientcode: acc.clientcode,
    exchange: snap.exchange,
    symboltoken: snap.symboltoken,
    producttype: product,
  });
  const existing = acc.positions.get(key);
  if (existing) return existing;
  return {
    exchange: snap.exchange,
    symboltoken: snap.symboltoken,
    tradingsymbol: snap.tradingsymbol,
    name: snap.name,
    instrumenttype: snap.instrumenttype,
    segment: snap.segment,
    lotsize: snap.lotsize,
    ticksize: snap.ticksize,
    strike: snap.strike,
    optiontype: snap.optiontype,
    expiry: snap.expiry,
    clientcode: acc.clientcode,
    producttype: product,
    multiplier: 1,
    buyqty: 0,
    buyamount: 0,
    sellqty: 0,
    sellamount: 0,
    cfbuyqty: 0,
    cfbuyamount: 0,
    cfsellqty: 0,
    cfsellamount: 0,
  };
}

/** The account's holding of an instrument, or a new empty one (not yet in the account). */
export function holdingFor(acc: AccountState, inst: InstrumentSnapshot | Instrument): HoldingRecord {
  const exchange = inst.exchange;
  const token = 'token' in inst ? inst.token : inst.symboltoken;
  const existing = acc.holdings.get(holdingKey({ clientcode: acc.clientcode, exchange, symboltoken: token }));
  if (existing) return existing;
  const full = 'token' in inst ? inst : undefined;
  return {
    clientcode: acc.clientcode,
    exchange,
    symboltoken: token,
    tradingsymbol: 'token' in inst ? inst.symbol : inst.tradingsymbol,
    isin: full?.isin ?? '',
    quantity: 0,
    t1quantity: 0,
    usedquantity: 0,
    authorisedquantity: 0,
    authorisedday: 0,
    edisreqid: '',
    averageprice: 0,
    lotsize: 'token' in inst ? inst.lotSize : inst.lotsize,
    ticksize: 'token' in inst ? inst.tickSize : inst.ticksize,
  };
}

/** The quantity a holding has now: settled + T1 − sold today. */
export function holdingQty(h: HoldingRecord): number {
  return h.quantity + h.t1quantity - h.usedquantity;
}

/** Adds `qty` bought at `price` (paise) to a holding's T1 quantity, averaging its price. */
export function addToHolding(h: HoldingRecord, qty: number, price: number): void {
  const held = holdingQty(h);
  h.averageprice = (h.averageprice * held + price * qty) / (held + qty);
  h.t1quantity += qty;
}

/** Quantities and values taken out of one side of a position (day first, then carried forward). */
export interface Taken {
  dayQty: number;
  dayAmount: number;
  cfQty: number;
  cfAmount: number;
}

/** What taking `qty` out of the `side` of a position takes, at the position's own averages. */
export function takeFromPosition(p: PositionRecord, side: TransactionType, qty: number): Taken {
  const buy = side === 'BUY';
  const dayQtyAvail = buy ? p.buyqty : p.sellqty;
  const dayAmt = buy ? p.buyamount : p.sellamount;
  const cfQtyAvail = buy ? p.cfbuyqty : p.cfsellqty;
  const cfAmt = buy ? p.cfbuyamount : p.cfsellamount;
  const dayQty = Math.min(qty, dayQtyAvail);
  const cfQty = qty - dayQty;
  return {
    dayQty,
    dayAmount: dayQtyAvail ? (dayAmt * dayQty) / dayQtyAvail : 0,
    cfQty,
    cfAmount: cfQtyAvail ? (cfAmt * cfQty) / cfQtyAvail : 0,
  };
}

/** Adds (`sign` 1) or removes (`sign` −1) a {@link Taken} on the `side` of a position. */
export function applyTake(p: PositionRecord, side: TransactionType, t: Taken, sign: 1 | -1): void {
  if (side === 'BUY') {
    p.buyqty += sign * t.dayQty;
    p.buyamount += sign * t.dayAmount;
    p.cfbuyqty += sign * t.cfQty;
    p.cfbuyamount += sign * t.cfAmount;
  } else {
    p.sellqty += sign * t.dayQty;
    p.sellamount += sign * t.dayAmount;
    p.cfsellqty += sign * t.cfQty;
    p.cfsellamount += sign * t.cfAmount;
  }
}
