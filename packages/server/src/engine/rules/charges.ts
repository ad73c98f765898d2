/**
 * Charge rates (docs/paper-broker-rules.md#charges-in-the-books, docs/protocol/market-rules.md#charges):
 * dated rule tables of brokerage, STT/CTT, exchange transaction charges, IPFT, SEBI fee, stamp duty, GST
 * and the DP charge. Percentage rates are integers in parts per 10^7 of turnover (0.00297 % = 297) so
 * they stay exact; fixed amounts are paise. Each row cites its source (or is marked `[INF]`).
 */
import type { DatedRow, RuleTable } from './dated.js';

/** Charge segment of one fill. */
export type ChargeSegment = 'EQ_DELIVERY' | 'EQ_INTRADAY' | 'FUT' | 'OPT';

/** One table per charge segment. */
export type BySegment = Readonly<Record<ChargeSegment, RuleTable<number>>>;

/** Angel One's published charges page (brokerage and the statutory rates it lists). */
export const ANGEL_CHARGES_URL = 'https://www.angelone.in/exchange-transaction-charges';
/** STT revision of the Finance (No. 2) Act, 2024, in force 1 Oct 2024. */
const STT_2024 = `Finance (No. 2) Act, 2024 (STT on F&O from 1 Oct 2024); ${ANGEL_CHARGES_URL}`;
/** STT revision of the Union Budget 2026-27, in force 1 Apr 2026 (secondary: budget coverage). */
const STT_2026 =
  'Union Budget 2026-27, Finance Bill 2026 (STT on F&O from 1 Apr 2026; as reported, secondary)';
/** The NSE transaction-charge revision of 1 Oct 2024 (SEBI's uniform "true to label" charges). */
const NSE_TXN_2024 = `NSE transaction-charge revision in force 1 Oct 2024; ${ANGEL_CHARGES_URL}`;
/** Rates in force before the first published figure we found. */
const BEFORE = "[INF] rate published before the revision (brokers' charge pages, 2023–24)";
const STAMP =
  'Indian Stamp Act, 1899 as amended by the Finance Act, 2019 (uniform stamp duty from 1 Jul 2020)';
const MCX_TXN = '[INF] MCX transaction charge as quoted by brokers (docs/protocol/market-rules.md#charges)';

const row = (from: string, value: number, source: string): DatedRow<number> => ({ from, source, value });
const always = (value: number, source: string): RuleTable<number> => [row('2000-01-01', value, source)];
const same = (value: number, source: string): BySegment => ({
  EQ_DELIVERY: always(value, source),
  EQ_INTRADAY: always(value, source),
  FUT: always(value, source),
  OPT: always(value, source),
});

/** Brokerage of Angel One per executed order. */
export interface BrokerageRule {
  /** Equity delivery: rate (parts per 10^7), minimum and maximum per order (paise); `free` = no brokerage. */
  delivery: { free: boolean; rate: number; min: number; max: number };
  /** Intraday and F&O: min(rate × turnover, max) per order. */
  other: { rate: number; max: number };
}

/** Brokerage per executed order: delivery clamp(0.1 %, ₹2, ₹20) from 1 Nov 2024 (free before). */
const BROKERAGE: RuleTable<BrokerageRule> = [
  {
    from: '2000-01-01',
    source: '[INF] Angel One equity delivery brokerage was ₹0 before 1 Nov 2024 (its charges page, 2024)',
    value: { delivery: { free: true, rate: 0, min: 0, max: 0 }, other: { rate: 25_000, max: 2_000 } },
  },
  {
    from: '2024-11-01',
    source: `${ANGEL_CHARGES_URL} ("applicable from 1st November 2024")`,
    value: {
      delivery: { free: false, rate: 10_000, min: 200, max: 2_000 },
      other: { rate: 25_000, max: 2_000 },
    },
  },
];

/**
 * The dated rate tables. `sttSell`/`sttBuy` apply on NSE/BSE (STT), `cttSell` on MCX (CTT); `stampBuy`
 * to buys only; `txn` and `ipft` by exchange group (`NSE` = NSE/NFO/CDS, `BSE` = BSE/BFO, `MCX` = MCX/NCDEX).
 */
export const CHARGE_RATES = {
  sttSell: {
    EQ_DELIVERY: always(10_000, ANGEL_CHARGES_URL),
    EQ_INTRADAY: always(2_500, ANGEL_CHARGES_URL),
    FUT: [
      row('2000-01-01', 1_250, BEFORE),
      row('2024-10-01', 2_000, STT_2024),
      row('2026-04-01', 5_000, STT_2026),
    ],
    OPT: [
      row('2000-01-01', 6_250, BEFORE),
      row('2024-10-01', 10_000, STT_2024),
      row('2026-04-01', 15_000, STT_2026),
    ],
  } satisfies BySegment,
  sttBuy: {
    EQ_DELIVERY: always(10_000, ANGEL_CHARGES_URL),
    EQ_INTRADAY: always(0, ANGEL_CHARGES_URL),
    FUT: always(0, ANGEL_CHARGES_URL),
    OPT: always(0, ANGEL_CHARGES_URL),
  } satisfies BySegment,
  /** Commodity transaction tax (MCX) on sells instead of STT. */
  cttSell: {
    EQ_DELIVERY: always(0, '[INF] no equity on MCX'),
    EQ_INTRADAY: always(0, '[INF] no equity on MCX'),
    FUT: always(1_000, 'Finance Act, 2013 ch. VII (CTT 0.01 % on non-agri commodity futures sells)'),
    OPT: always(5_000, 'Finance Act, 2013 ch. VII (CTT 0.05 % on commodity options sells)'),
  } satisfies BySegment,
  txn: {
    NSE: {
      EQ_DELIVERY: [row('2000-01-01', 322, BEFORE), row('2024-10-01', 297, NSE_TXN_2024)],
      EQ_INTRADAY: [row('2000-01-01', 322, BEFORE), row('2024-10-01', 297, NSE_TXN_2024)],
      FUT: [row('2000-01-01', 188, BEFORE), row('2024-10-01', 173, NSE_TXN_2024)],
      OPT: [row('2000-01-01', 4_950, BEFORE), row('2024-10-01', 3_503, NSE_TXN_2024)],
    } satisfies BySegment,
    BSE: {
      EQ_DELIVERY: always(375, `${ANGEL_CHARGES_URL} (BSE scrip groups A and B)`),
      EQ_INTRADAY: always(375, `${ANGEL_CHARGES_URL} (BSE scrip groups A and B)`),
      FUT: always(0, ANGEL_CHARGES_URL),
      OPT: always(3_250, '[INF] BSE Sensex and Bankex options rate as quoted by brokers'),
    } satisfies BySegment,
    MCX: {
      EQ_DELIVERY: always(0, '[INF] no equity on MCX'),
      EQ_INTRADAY: always(0, '[INF] no equity on MCX'),
      FUT: always(210, MCX_TXN),
      OPT: always(4_180, MCX_TXN),
    } satisfies BySegment,
  },
  ipft: {
    NSE: {
      EQ_DELIVERY: always(10, ANGEL_CHARGES_URL),
      EQ_INTRADAY: always(10, ANGEL_CHARGES_URL),
      FUT: always(10, ANGEL_CHARGES_URL),
      OPT: always(50, ANGEL_CHARGES_URL),
    } satisfies BySegment,
    BSE: same(0, '[INF] IPFT is an NSE charge'),
    MCX: same(0, '[INF] IPFT is an NSE charge'),
  },
  /** SEBI turnover fee: ₹10 per crore. */
  sebi: always(10, `SEBI turnover fee ₹10 per crore; ${ANGEL_CHARGES_URL}`),
  stampBuy: {
    EQ_DELIVERY: always(1_500, STAMP),
    EQ_INTRADAY: always(300, STAMP),
    FUT: always(200, STAMP),
    OPT: always(300, STAMP),
  } satisfies BySegment,
  /** GST on brokerage + transaction + SEBI + IPFT (+ the DP charge), in percent. */
  gstPercent: always(18, `IGST 18 % on broking services; ${ANGEL_CHARGES_URL}`),
  /** Brokerage per executed order: delivery clamp(0.1 %, ₹2, ₹20) from 1 Nov 2024 (free before). */
  brokerage: BROKERAGE,
  /**
   * DP charge (paise, before GST) per ISIN per day on delivery sells out of the demat (settled
   * holdings); GST at `gstPercent` is added on top.
   */
  dpPerIsinDay: always(
    2_000,
    "Angel One DP charge ₹20 + GST per company debit, as published by https://investking.in/angel-one-brokerage-charges-pricing-list and https://tradebrains.in/brokers/what-is-the-brokerage-at-angel-broking/ [INF: third-party pages; Angel One's own page not found]",
  ),
} as const;
