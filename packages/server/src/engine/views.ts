/**
 * Records → wire rows (docs/protocol/rest.md#order-book, #order-details, #trade-book, #holdings, #all-holdings, #positions, #gtt; docs/protocol/websocket.md#order-status-codes).
 */

import type {
  GttRule,
  Order,
  OrderDetails,
  OrderUpdateCode as OrderUpdateCodeT,
  OrderUpdateData,
  Position,
  Trade,
} from '@smartapi-ts/protocol';
import {
  formatExpiry,
  formatIstOrderTime,
  formatIstTime,
  formatPaise,
  formatUtcIsoSeconds,
  OrderUpdateCode,
} from '@smartapi-ts/protocol';
import { positionFigures, unrealisedPnl } from './positions/portfolio.js';
import type { GttRuleRecord, InstrumentSnapshot, OrderRecord, PositionRecord, TradeRecord } from './types.js';

/** Price decimals of an instrument (4 for currency, else 2). */
export function precisionOf(inst: Pick<InstrumentSnapshot, 'segment'>): number {
  return inst.segment === 'CUR' ? 4 : 2;
}

/** A price string: `"0"` for zero, else rupees with the instrument's decimals (`"194.00"`). */
export function priceText(paise: number, decimals = 2): string {
  return paise === 0 ? '0' : formatPaise(Math.round(paise), decimals);
}

/** Rupees as a number rounded to 2 decimals (paise may be fractional). */
export function rupees(paise: number): number {
  return Math.round(paise) / 100;
}

function rupeesExact(paise: number, decimals: number): number {
  const f = 10 ** decimals;
  return Math.round((paise / 100) * f) / f;
}

/** Average fill price of an order (paise, fractional). */
export function averagePrice(o: Pick<OrderRecord, 'filledvalue' | 'filledshares'>): number {
  return o.filledshares === 0 ? 0 : o.filledvalue / o.filledshares;
}

function strikeText(inst: InstrumentSnapshot): string {
  return inst.strike < 0 ? '-1' : formatPaise(inst.strike, 2);
}

function expiryText(inst: InstrumentSnapshot): string {
  return inst.expiry > 0 ? formatExpiry(inst.expiry) : '';
}

function unfilled(o: OrderRecord): number {
  return Math.max(0, o.quantity - o.filledshares);
}

/** The order-book row of an order (all strings, prices like `"194.00"`). */
export function orderRow(o: OrderRecord): Order {
  const d = precisionOf(o);
  const exch = o.exchangeorderid !== '';
  return {
    variety: o.variety,
    ordertype: o.ordertype,
    producttype: o.producttype,
    duration: o.duration,
    price: priceText(o.price, d),
    triggerprice: priceText(o.triggerprice, d),
    quantity: String(o.quantity),
    disclosedquantity: String(o.disclosedquantity),
    squareoff: priceText(o.squareoff, d),
    stoploss: priceText(o.stoploss, d),
    trailingstoploss: priceText(o.trailingstoploss, d),
    tradingsymbol: o.tradingsymbol,
    transactiontype: o.transactiontype,
    exchange: o.exchange,
    symboltoken: o.symboltoken,
    ordertag: o.ordertag,
    instrumenttype: o.instrumenttype,
    strikeprice: strikeText(o),
    optiontype: o.optiontype,
    expirydate: expiryText(o),
    lotsize: String(o.lotsize),
    cancelsize: String(o.cancelsize),
    averageprice: priceText(averagePrice(o), d),
    filledshares: String(o.filledshares),
    unfilledshares: String(unfilled(o)),
    orderid: o.orderid,
    text: o.text,
    status: o.status,
    orderstatus: o.status,
    updatetime: formatIstOrderTime(o.updatedat),
    exchtime: exch ? formatIstOrderTime(o.exchangeat || o.createdat) : '',
    exchorderupdatetime: exch ? formatIstOrderTime(o.updatedat) : '',
    fillid: o.fillid,
    filltime: o.filltime > 0 ? formatIstTime(o.filltime) : '',
    parentorderid: o.parentorderid,
    uniqueorderid: o.uniqueorderid,
    exchangeorderid: o.exchangeorderid,
  };
}

/** The individual-order-details row: order-book fields with numeric prices (docs/protocol/rest.md#order-details). */
export function orderDetailsRow(o: OrderRecord): OrderDetails {
  const d = precisionOf(o);
  return {
    ...orderRow(o),
    price: rupeesExact(o.price, d),
    triggerprice: rupeesExact(o.triggerprice, d),
    squareoff: rupeesExact(o.squareoff, d),
    stoploss: rupeesExact(o.stoploss, d),
    trailingstoploss: rupeesExact(o.trailingstoploss, d),
    strikeprice: o.strike < 0 ? -1 : rupeesExact(o.strike, 2),
    averageprice: rupeesExact(averagePrice(o), d),
  };
}

/**
 * The `orderData` of an order-update message for `code`: the order's details with `status`/`orderstatus`
 * set to the code's status text (so transient states such as `open pending` can be pushed).
 */
export function orderUpdateData(o: OrderRecord, code: OrderUpdateCodeT): OrderUpdateData {
  const row = orderDetailsRow(o);
  const status = OrderUpdateCode[code];
  return { ...row, status, orderstatus: status, clientcode: o.clientcode };
}

/** A trade-book row. */
export function tradeRow(t: TradeRecord): Trade {
  const d = precisionOf(t);
  return {
    exchange: t.exchange,
    producttype: t.producttype,
    tradingsymbol: t.tradingsymbol,
    instrumenttype: t.instrumenttype,
    symbolgroup: t.segment === 'EQ' ? 'EQ' : '',
    strikeprice: strikeText(t),
    optiontype: t.optiontype,
    expirydate: expiryText(t),
    marketlot: String(t.lotsize),
    precision: String(d),
    multiplier: '-1',
    tradevalue: formatPaise(t.price * t.quantity, 2),
    transactiontype: t.transactiontype,
    fillprice: formatPaise(t.price, d),
    fillsize: String(t.quantity),
    orderid: t.orderid,
    fillid: t.fillid,
    filltime: formatIstTime(t.time),
  };
}

/** A position row (strings) with live `ltp`/`close` (paise; undefined = no quote). */
export function positionRow(p: PositionRecord, ltp: number | undefined, close: number | undefined): Position {
  const d = precisionOf(p);
  const f = positionFigures(p);
  const m = (x: number) => formatPaise(Math.round(x), d);
  const unreal = unrealisedPnl(p, ltp, f);
  return {
    exchange: p.exchange,
    symboltoken: p.symboltoken,
    producttype: p.producttype,
    tradingsymbol: p.tradingsymbol,
    symbolname: p.name,
    instrumenttype: p.instrumenttype,
    priceden: '1',
    pricenum: '1',
    genden: '1',
    gennum: '1',
    precision: String(d),
    multiplier: p.segment === 'EQ' ? '-1' : String(p.multiplier),
    boardlotsize: String(p.lotsize),
    buyqty: String(p.buyqty),
    sellqty: String(p.sellqty),
    buyamount: m(p.buyamount),
    sellamount: m(p.sellamount),
    symbolgroup: p.segment === 'EQ' ? 'EQ' : '',
    strikeprice: strikeText(p),
    optiontype: p.optiontype,
    expirydate: expiryText(p),
    lotsize: String(p.lotsize),
    cfbuyqty: String(p.cfbuyqty),
    cfsellqty: String(p.cfsellqty),
    cfbuyamount: m(p.cfbuyamount),
    cfsellamount: m(p.cfsellamount),
    buyavgprice: m(f.dayBuyAvg),
    sellavgprice: m(f.daySellAvg),
    avgnetprice: m(f.netAvg),
    netvalue: m(f.totalSellValue - f.totalBuyValue),
    netqty: String(f.netQty),
    totalbuyvalue: m(f.totalBuyValue),
    totalsellvalue: m(f.totalSellValue),
    cfbuyavgprice: m(f.cfBuyAvg),
    cfsellavgprice: m(f.cfSellAvg),
    totalbuyavgprice: m(f.totalBuyAvg),
    totalsellavgprice: m(f.totalSellAvg),
    netprice: m(f.netAvg),
    ltp: m(ltp ?? 0),
    close: m(close ?? 0),
    realised: m(f.realised),
    unrealised: m(unreal),
    pnl: m(f.realised + unreal),
  };
}

/** A GTT rule row (ruleDetails; ruleList rows are the same with `id`). */
export function gttRow(r: GttRuleRecord): GttRule {
  return {
    id: r.id,
    status: r.status,
    createddate: formatUtcIsoSeconds(r.createdat),
    updateddate: formatUtcIsoSeconds(r.updatedat),
    expirydate: formatUtcIsoSeconds(r.expiresat),
    clientid: r.clientcode,
    tradingsymbol: r.tradingsymbol,
    symboltoken: r.symboltoken,
    exchange: r.exchange,
    transactiontype: r.transactiontype,
    producttype: r.producttype,
    price: formatPaise(r.price, 2),
    qty: String(r.qty),
    triggerprice: formatPaise(r.triggerprice, 2),
    disclosedqty: String(r.disclosedqty),
  };
}
