/**
 * Indian charges per fill from a dated rate table (docs/protocol/market-rules.md#charges) and the
 * `brokerage/v1/estimateCharges` response (docs/protocol/rest.md#estimate-charges). Rates are integers in parts
 * per 10^7 (0.00297 % = 297) so they stay exact; amounts are paise (fractional until rounded for display;
 * totals are summed exactly and rounded once).
 */

import type { ChargeNode, ChargeSummary, EstimateChargesResponse } from '@smartapi-ts/protocol';
import {
  Exchange,
  formatIstDate,
  isEnumValue,
  ProductType,
  TransactionType,
  tryParseInteger,
  tryRupeesToPaise,
} from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import type { Rejection } from '../result.js';
import { CHARGE_RATES, type ChargeSegment } from '../rules/charges.js';
import { type DatedRow, type RuleTable, rowOn } from '../rules/dated.js';
import type { QueryContext } from '../types.js';
import { Fields, fail, INVALID_INPUT, parseBody } from '../validate.js';

export type { ChargeSegment } from '../rules/charges.js';
export { CHARGE_RATES } from '../rules/charges.js';

/** A rate row of the charge tables (kept for callers of the earlier `{ from, rate }` rows). */
export type DatedRate = DatedRow<number>;

/** The value of a rate table in force on `date` (`YYYY-MM-DD`); a date before the table is an error. */
export function rateOn(rows: RuleTable<number>, date: string): number {
  return rowOn(rows, date).value;
}

/** One fill to charge. */
export interface ChargeLine {
  segment: ChargeSegment;
  /** Exchange group of the transaction charges. */
  venue: 'NSE' | 'BSE' | 'MCX';
  side: TransactionType;
  /** Paise. */
  price: number;
  quantity: number;
}

/** Exact charges of one fill (paise, fractional). */
export interface ChargeBreakdown {
  turnover: number;
  brokerage: number;
  stt: number;
  txn: number;
  ipft: number;
  sebi: number;
  stamp: number;
  gst: number;
  total: number;
}

/** Computes the charges of one fill on `date` (`YYYY-MM-DD`, IST). */
export function chargesFor(line: ChargeLine, date: string): ChargeBreakdown {
  return chargesOnTurnover(line, line.price * line.quantity, date);
}

/**
 * Charges of one executed order (or of its fills so far) with `turnover` = Σ price × quantity (paise) on
 * `date`: brokerage is per executed order, everything else is proportional to turnover.
 */
export function chargesOnTurnover(
  line: Pick<ChargeLine, 'segment' | 'venue' | 'side'>,
  turnover: number,
  date: string,
): ChargeBreakdown {
  const R = CHARGE_RATES;
  const frac = (rate: number) => (turnover * rate) / 10_000_000;
  const b = rowOn(R.brokerage, date).value;
  let brokerage: number;
  if (line.segment === 'EQ_DELIVERY') {
    brokerage = b.delivery.free
      ? 0
      : Math.min(b.delivery.max, Math.max(b.delivery.min, frac(b.delivery.rate)));
  } else {
    brokerage = Math.min(b.other.max, frac(b.other.rate));
  }
  if (turnover === 0) brokerage = 0;
  const sell = line.side === 'SELL';
  const stt =
    line.venue === 'MCX'
      ? sell
        ? frac(rateOn(R.cttSell[line.segment], date))
        : 0
      : frac(rateOn((sell ? R.sttSell : R.sttBuy)[line.segment], date));
  const txn = frac(rateOn(R.txn[line.venue][line.segment], date));
  const ipft = frac(rateOn(R.ipft[line.venue][line.segment], date));
  const sebi = frac(rateOn(R.sebi, date));
  const stamp = sell ? 0 : frac(rateOn(R.stampBuy[line.segment], date));
  const gst = ((brokerage + txn + sebi + ipft) * rateOn(R.gstPercent, date)) / 100;
  const total = brokerage + stt + txn + ipft + sebi + stamp + gst;
  return { turnover, brokerage, stt, txn, ipft, sebi, stamp, gst, total };
}

/** The DP charge per ISIN per day on `date` (paise): the charge, its GST and the total (whole paise). */
export function dpCharge(date: string): { dp: number; gst: number; total: number } {
  const dp = rateOn(CHARGE_RATES.dpPerIsinDay, date);
  const gst = (dp * rateOn(CHARGE_RATES.gstPercent, date)) / 100;
  return { dp, gst, total: roundPaise(dp + gst) };
}

/** Fractional paise → whole paise, the way the wire rounds rupees (half up). */
export function roundPaise(paise: number): number {
  return Math.round(paise + 1e-7);
}

/** Sums breakdowns (exact). */
export function sumCharges(list: readonly ChargeBreakdown[]): ChargeBreakdown {
  const out: ChargeBreakdown = {
    turnover: 0,
    brokerage: 0,
    stt: 0,
    txn: 0,
    ipft: 0,
    sebi: 0,
    stamp: 0,
    gst: 0,
    total: 0,
  };
  for (const b of list) for (const k of Object.keys(out) as (keyof ChargeBreakdown)[]) out[k] += b[k];
  return out;
}

/** Paise (fractional) → rupees rounded to 2 decimals. */
const rs = (paise: number): number => roundPaise(paise) / 100;

function node(name: string, amount: number, breakup: ChargeNode[] = []): ChargeNode {
  return { name, amount: rs(amount), msg: '', breakup };
}

/** The wire summary of a breakdown. */
export function chargeSummary(b: ChargeBreakdown): ChargeSummary {
  return {
    total_charges: rs(b.total),
    trade_value: rs(b.turnover),
    breakup: [
      node('Angel One Brokerage', b.brokerage),
      node('External Charges', b.txn + b.ipft + b.stamp + b.sebi, [
        node('Exchange Transaction Charges', b.txn),
        node('IPFT Charges', b.ipft),
        node('Stamp Duty', b.stamp),
        node('SEBI Fees', b.sebi),
      ]),
      node('Taxes', b.stt + b.gst, [node('Security Transaction Tax', b.stt), node('GST', b.gst)]),
    ],
  };
}

/** Exchange group of the transaction charges. */
export function venueOf(exchange: Exchange): ChargeLine['venue'] {
  if (exchange === 'BSE' || exchange === 'BFO') return 'BSE';
  if (exchange === 'MCX' || exchange === 'NCDEX') return 'MCX';
  return 'NSE';
}

/** Charge segment from exchange, product and instrument facts. */
export function chargeSegment(
  exchange: Exchange,
  product: ProductType,
  optiontype: string | undefined,
  symbol: string,
): ChargeSegment {
  if (exchange === 'NSE' || exchange === 'BSE') {
    return product === 'DELIVERY' || product === 'MARGIN' ? 'EQ_DELIVERY' : 'EQ_INTRADAY';
  }
  const isOpt =
    optiontype === 'CE' || optiontype === 'PE' || (optiontype === undefined && /(CE|PE)$/.test(symbol));
  return isOpt ? 'OPT' : 'FUT';
}

/**
 * `estimateCharges`: validates the request and prices every order as one fill with the rates in effect
 * on the IST date of `q.now`.
 */
export function estimateCharges(
  body: unknown,
  q: QueryContext | { now: number; market?: MarketView },
): EstimateChargesResponse | Rejection {
  return parseBody(() => {
    const f = new Fields(body);
    const orders = f.obj.orders;
    if (!Array.isArray(orders) || orders.length === 0)
      fail(INVALID_INPUT, 'orders must be a non-empty array');
    const date = formatIstDate(q.now);
    const lines = orders.map((raw, i) => {
      const o = new Fields(raw);
      const where = `orders[${i}]`;
      const product = o.enumOf(
        'product_type',
        ProductType,
        INVALID_INPUT,
        `${where}.product_type is invalid`,
      );
      const side = o.enumOf(
        'transaction_type',
        TransactionType,
        INVALID_INPUT,
        `${where}.transaction_type is invalid`,
      );
      const exchange = o.enumOf('exchange', Exchange, INVALID_INPUT, `${where}.exchange is invalid`);
      const qty = tryParseInteger(o.raw('quantity'));
      if (qty === undefined || qty <= 0) fail(INVALID_INPUT, `${where}.quantity is invalid`);
      const pr = o.raw('price');
      const price = typeof pr === 'string' || typeof pr === 'number' ? tryRupeesToPaise(pr) : undefined;
      if (price === undefined || price < 0) fail(INVALID_INPUT, `${where}.price is invalid`);
      const token = o.optStr('token', INVALID_INPUT) ?? '';
      const symbol = o.optStr('symbol_name', INVALID_INPUT) ?? '';
      const inst =
        q.market && isEnumValue(Exchange, exchange) ? q.market.instrument(exchange, token) : undefined;
      const line: ChargeLine = {
        segment: chargeSegment(
          exchange,
          product,
          inst ? (inst.optionType ?? '') : undefined,
          inst?.symbol ?? symbol,
        ),
        venue: venueOf(exchange),
        side,
        price,
        quantity: qty,
      };
      return line;
    });
    const each = lines.map((l) => chargesFor(l, date));
    return { summary: chargeSummary(sumCharges(each)), charges: each.map(chargeSummary) };
  });
}
