/**
 * The contract note of one account for one IST trading day (docs/paper-broker-rules.md#contract-notes):
 * every fill of the day with its charges, the DP charges, the totals and the net amount, as a broker's
 * contract note shows them. Rebuilt from the trade rows, so it is available for any past day too.
 */
import { formatIstDate, formatIstDateTime } from '@smartapi-ts/protocol';
import type { AccountState, SettlementKind, TradeRecord } from '../types.js';
import type { ChargeBreakdown } from './charges.js';
import { roundPaise, sumCharges } from './charges.js';
import { fillBreakdown } from './fee-model.js';

/** One fill on the contract note (rupees, 2 decimals). */
export interface ContractNoteTrade {
  fillid: string;
  orderid: string;
  /** Fill time, `YYYY-MM-DD HH:mm` IST. */
  time: string;
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
  producttype: string;
  transactiontype: string;
  quantity: number;
  price: number;
  /** price × quantity. */
  value: number;
  brokerage: number;
  stt: number;
  exchangecharges: number;
  ipft: number;
  sebifees: number;
  stampduty: number;
  gst: number;
  /** What was debited for this fill: the components above summed exactly, rounded once. */
  charges: number;
  dpcharges: number;
  othercharges: number;
  /**
   * Expiry settlement rows only (docs/paper-broker-rules.md#expiry): `final`, `exercised`, `assigned` or
   * `expired`; their `stt` is the STT on exercise or on the physical delivery, their other charges 0.
   */
  settlement?: SettlementKind;
  /** Final settlement price of the underlying (rupees), on expiry settlement rows. */
  settlementprice?: number;
  /** The physical delivery of a stock derivative's settlement (rupees), on expiry settlement rows. */
  delivery?: {
    side: string;
    tradingsymbol: string;
    quantity: number;
    price: number;
    value: number;
    shortquantity: number;
    closeoutprice: number;
  };
}

/** The day's totals (rupees). */
export interface ContractNoteTotals {
  buyvalue: number;
  sellvalue: number;
  brokerage: number;
  stt: number;
  exchangecharges: number;
  ipft: number;
  sebifees: number;
  stampduty: number;
  gst: number;
  /** Σ per-fill `charges` (brokerage, statutory charges, GST). */
  tradecharges: number;
  dpcharges: number;
  othercharges: number;
  /** tradecharges + dpcharges + othercharges: what the day's fills took from cash. */
  totalcharges: number;
  /** sellvalue − buyvalue − totalcharges: positive = receivable by the client, negative = payable. */
  netamount: number;
}

/** `GET /paper/v1/accounts/{clientcode}/contract-note?date=YYYY-MM-DD`. */
export interface ContractNote {
  clientcode: string;
  /** IST trading day, `YYYY-MM-DD`. */
  date: string;
  trades: ContractNoteTrade[];
  totals: ContractNoteTotals;
}

const rs = (paise: number): number => roundPaise(paise) / 100;

/** The contract note of `acc` for the IST day `date` (`YYYY-MM-DD`); a day without fills has no trades. */
export function contractNote(acc: AccountState, date: string): ContractNote {
  const orderValue = new Map<string, number>();
  const trades: ContractNoteTrade[] = [];
  const breakdowns: ChargeBreakdown[] = [];
  let buy = 0;
  let sell = 0;
  let tradeCharges = 0;
  let dp = 0;
  let other = 0;
  for (const t of acc.trades) {
    const before = orderValue.get(t.orderid) ?? 0;
    if (!t.settlement) orderValue.set(t.orderid, before + t.price * t.quantity);
    if (formatIstDate(t.time) !== date) continue;
    const b = t.settlement ? settlementBreakdown(t) : fillBreakdown(t, before);
    breakdowns.push(b);
    const value = t.price * t.quantity;
    if (t.transactiontype === 'BUY') buy += value;
    else sell += value;
    tradeCharges += t.charges ?? 0;
    dp += t.dpcharges ?? 0;
    other += t.othercharges ?? 0;
    trades.push(noteTrade(t, b));
  }
  const s = sumCharges(breakdowns);
  const total = tradeCharges + dp + other;
  return {
    clientcode: acc.clientcode,
    date,
    trades,
    totals: {
      buyvalue: rs(buy),
      sellvalue: rs(sell),
      brokerage: rs(s.brokerage),
      stt: rs(s.stt),
      exchangecharges: rs(s.txn),
      ipft: rs(s.ipft),
      sebifees: rs(s.sebi),
      stampduty: rs(s.stamp),
      gst: rs(s.gst),
      tradecharges: rs(tradeCharges),
      dpcharges: rs(dp),
      othercharges: rs(other),
      totalcharges: rs(total),
      netamount: rs(sell - buy - total),
    },
  };
}

/** Charges of an expiry settlement row: only STT (on exercise or on the delivery), as `charges`. */
function settlementBreakdown(t: TradeRecord): ChargeBreakdown {
  const stt = t.charges ?? 0;
  return {
    turnover: t.price * t.quantity,
    brokerage: 0,
    stt,
    txn: 0,
    ipft: 0,
    sebi: 0,
    stamp: 0,
    gst: 0,
    total: stt,
  };
}

function noteTrade(t: TradeRecord, b: ChargeBreakdown): ContractNoteTrade {
  const row = baseRow(t, b);
  if (t.settlement) row.settlement = t.settlement;
  if (t.settlementprice !== undefined) row.settlementprice = rs(t.settlementprice);
  if (t.delivery) {
    const d = t.delivery;
    row.delivery = {
      side: d.side,
      tradingsymbol: d.tradingsymbol,
      quantity: d.quantity,
      price: rs(d.price),
      value: rs(d.price * d.quantity),
      shortquantity: d.shortquantity,
      closeoutprice: rs(d.closeoutprice),
    };
  }
  return row;
}

function baseRow(t: TradeRecord, b: ChargeBreakdown): ContractNoteTrade {
  return {
    fillid: t.fillid,
    orderid: t.orderid,
    time: formatIstDateTime(t.time),
    exchange: t.exchange,
    tradingsymbol: t.tradingsymbol,
    symboltoken: t.symboltoken,
    producttype: t.producttype,
    transactiontype: t.transactiontype,
    quantity: t.quantity,
    price: rs(t.price),
    value: rs(t.price * t.quantity),
    brokerage: rs(b.brokerage),
    stt: rs(b.stt),
    exchangecharges: rs(b.txn),
    ipft: rs(b.ipft),
    sebifees: rs(b.sebi),
    stampduty: rs(b.stamp),
    gst: rs(b.gst),
    charges: rs(t.charges ?? 0),
    dpcharges: rs(t.dpcharges ?? 0),
    othercharges: rs(t.othercharges ?? 0),
  };
}
