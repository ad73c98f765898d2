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
import type { QueryContext } from '../types.js';
import { Fields, fail, INVALID_INPUT, parseBody } from '../validate.js';

/** Charge segment of one fill. */
export type ChargeSegment = 'EQ_DELIVERY' | 'EQ_INTRADAY' | 'FUT' | 'OPT';

/** A rate effective from a date (`YYYY-MM-DD`, IST) until the next row. */
export interface DatedRate {
  from: string;
  /** Parts per 10^7 of turnover. */
  rate: number;
}

type BySegment = Readonly<Record<ChargeSegment, readonly DatedRate[]>>;

const r = (from: string, rate: number): DatedRate => ({ from, rate });
const always = (rate: number): readonly DatedRate[] => [r('2000-01-01', rate)];

/**
 * The dated rate table (docs/protocol/market-rules.md#charges). `stt` applies to sells (and to delivery buys), `stamp` to
 * buys; `txn` and `ipft` by exchange group (`NSE` = NSE/NFO/CDS, `BSE` = BSE/BFO, `MCX` = MCX/NCDEX).
 */
export const CHARGE_RATES = {
  sttSell: {
    EQ_DELIVERY: always(10_000),
    EQ_INTRADAY: always(2_500),
    FUT: [r('2000-01-01', 1_250), r('2024-10-01', 2_000), r('2026-04-01', 5_000)],
    OPT: [r('2000-01-01', 6_250), r('2024-10-01', 10_000), r('2026-04-01', 15_000)],
  } satisfies BySegment,
  sttBuy: {
    EQ_DELIVERY: always(10_000),
    EQ_INTRADAY: always(0),
    FUT: always(0),
    OPT: always(0),
  } satisfies BySegment,
  /** Commodity transaction tax (MCX) on sells instead of STT. */
  cttSell: {
    EQ_DELIVERY: always(0),
    EQ_INTRADAY: always(0),
    FUT: always(1_000),
    OPT: always(5_000),
  } satisfies BySegment,
  txn: {
    NSE: {
      EQ_DELIVERY: [r('2000-01-01', 322), r('2024-10-01', 297)],
      EQ_INTRADAY: [r('2000-01-01', 322), r('2024-10-01', 297)],
      FUT: [r('2000-01-01', 188), r('2024-10-01', 173)],
      OPT: [r('2000-01-01', 4_950), r('2024-10-01', 3_503)],
    } satisfies BySegment,
    BSE: {
      EQ_DELIVERY: always(375),
      EQ_INTRADAY: always(375),
      FUT: always(0),
      OPT: always(3_250),
    } satisfies BySegment,
    MCX: {
      EQ_DELIVERY: always(0),
      EQ_INTRADAY: always(0),
      FUT: always(210),
      OPT: always(4_180),
    } satisfies BySegment,
  },
  ipft: {
    NSE: {
      EQ_DELIVERY: always(10),
      EQ_INTRADAY: always(10),
      FUT: always(10),
      OPT: always(50),
    } satisfies BySegment,
    BSE: {
      EQ_DELIVERY: always(0),
      EQ_INTRADAY: always(0),
      FUT: always(0),
      OPT: always(0),
    } satisfies BySegment,
    MCX: {
      EQ_DELIVERY: always(0),
      EQ_INTRADAY: always(0),
      FUT: always(0),
      OPT: always(0),
    } satisfies BySegment,
  },
  sebi: always(10),
  stampBuy: {
    EQ_DELIVERY: always(1_500),
    EQ_INTRADAY: always(300),
    FUT: always(200),
    OPT: always(300),
  } satisfies BySegment,
  /** GST on brokerage + transaction + SEBI + IPFT, in percent. */
  gstPercent: always(18),
  /**
   * Brokerage per executed order (paise): delivery = clamp(0.1 %, ₹2, ₹20) from 1 Nov 2024 (free before);
   * everything else = min(₹20, 0.25 %).
   */
  brokerage: {
    deliveryFrom: '2024-11-01',
    deliveryRate: 10_000,
    deliveryMin: 200,
    deliveryMax: 2_000,
    otherRate: 25_000,
    otherMax: 2_000,
  },
} as const;

/** Picks the rate effective on `date` (`YYYY-MM-DD`). */
export function rateOn(rows: readonly DatedRate[], date: string): number {
  let rate = 0;
  for (const row of rows) if (row.from <= date) rate = row.rate;
  return rate;
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
  const R = CHARGE_RATES;
  const turnover = line.price * line.quantity;
  const frac = (rate: number) => (turnover * rate) / 10_000_000;
  let brokerage: number;
  if (line.segment === 'EQ_DELIVERY') {
    brokerage =
      date < R.brokerage.deliveryFrom
        ? 0
        : Math.min(
            R.brokerage.deliveryMax,
            Math.max(R.brokerage.deliveryMin, frac(R.brokerage.deliveryRate)),
          );
  } else {
    brokerage = Math.min(R.brokerage.otherMax, frac(R.brokerage.otherRate));
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
const rs = (paise: number): number => Math.round(paise + 1e-7) / 100;

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

function venueOf(exchange: Exchange): ChargeLine['venue'] {
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
