/**
 * Rules of the exchanges and the broker that reject an order live (docs/paper-broker-rules.md#rules-that-reject-live):
 * where stop-loss market (SL-M) orders are refused, the limit price protection (LPP) bands, and the
 * after-market-order (AMO) windows. Each is a dated table (`dated.ts`); each row cites its source.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import type { RuleTable } from './dated.js';

// ───────────────────────────── SL-M ─────────────────────────────

/** Where SL-M (`STOPLOSS_MARKET`) orders are refused: whole exchanges, or instrument types of one. */
export interface SlmRule {
  /** Exchanges that refuse SL-M for every instrument. */
  exchanges: readonly Exchange[];
  /** `exchange` → scrip-master instrument types (`OPTIDX`, `OPTSTK`) refused there. */
  instrumentTypes: Readonly<Partial<Record<Exchange, readonly string[]>>>;
}

/** SL-M refusals in force by day. */
export const SLM_REFUSALS: RuleTable<SlmRule> = [
  {
    from: '2000-01-01',
    source: '[INF] baseline: SL-M allowed everywhere before the exchanges withdrew it',
    value: { exchanges: [], instrumentTypes: {} },
  },
  {
    from: '2021-09-27',
    source:
      'NSE F&O: SL-M withdrawn for index and stock options from 27 Sep 2021 (exchange rejection 16052 "Function not available"); https://www.sasonline.in/bulletin.php?p=388',
    value: { exchanges: [], instrumentTypes: { NFO: ['OPTIDX', 'OPTSTK'] } },
  },
  {
    from: '2023-10-09',
    source:
      'BSE discontinued SL-M in every segment (equity, derivatives, currency) from 9 Oct 2023; https://upstox.com/?p=46531 and https://v2.webnotes.in/sl-m-blocked-bse/',
    value: { exchanges: ['BSE', 'BFO'], instrumentTypes: { NFO: ['OPTIDX', 'OPTSTK'] } },
  },
];

// ───────────────────────────── LPP ─────────────────────────────

/**
 * One limit price protection band: a limit order may lie at most `max(pct × reference, min)` away from
 * the reference price (buy above the high limit and sell below the low limit are rejected).
 */
export interface LppBand {
  /** Fraction of the reference price (0.4 = 40 %). */
  pct: number;
  /** Smallest half-width of the band, paise. */
  min: number;
}

/** LPP bands by `EXCHANGE:instrumenttype` (e.g. `NFO:OPTIDX`); instruments not listed have none. */
export type LppTable = Readonly<Record<string, LppBand>>;

const NSE_OPTIONS: LppBand = { pct: 0.4, min: 2000 };
const NSE_FUTURES: LppBand = { pct: 0.03, min: 0 };
const BSE_OPTIONS: LppBand = { pct: 0.6, min: 3000 };
const BSE_FUTURES: LppBand = { pct: 0.03, min: 150 };

/** LPP bands in force by day (reference ≤ ₹50: ±₹20, above: ±40 % is `max(40 %, ₹20)`). */
export const LPP_BANDS: RuleTable<LppTable> = [
  { from: '2000-01-01', source: '[INF] baseline: no LPP before NSE introduced it', value: {} },
  {
    from: '2022-10-31',
    source:
      'NSE circular NSE/FAOP/54242 (28 Oct 2022), index options: reference ≤ ₹50 ±₹20, above ±40 %; https://nseindia.com/trade/limit-price-protection-faqs',
    value: { 'NFO:OPTIDX': NSE_OPTIONS },
  },
  {
    from: '2023-01-25',
    source:
      'NSE circular of 25 Jan 2023 extends LPP to stock options (same bands); https://angelone.in/knowledge-center/online-share-trading/order-gets-rejected-outside-allowed-limit-price-protection-range',
    value: { 'NFO:OPTIDX': NSE_OPTIONS, 'NFO:OPTSTK': NSE_OPTIONS },
  },
  {
    from: '2023-02-03',
    source:
      'NSE circular of 3 Feb 2023: index and stock futures ±3 % of the reference price; same Angel One page',
    value: {
      'NFO:OPTIDX': NSE_OPTIONS,
      'NFO:OPTSTK': NSE_OPTIONS,
      'NFO:FUTIDX': NSE_FUTURES,
      'NFO:FUTSTK': NSE_FUTURES,
    },
  },
  {
    from: '2024-04-05',
    source:
      'BSE circular of 5 Apr 2024: options 60 % (at least ₹30), futures 3 % (at least ₹1.50); same Angel One page',
    value: {
      'NFO:OPTIDX': NSE_OPTIONS,
      'NFO:OPTSTK': NSE_OPTIONS,
      'NFO:FUTIDX': NSE_FUTURES,
      'NFO:FUTSTK': NSE_FUTURES,
      'BFO:OPTIDX': BSE_OPTIONS,
      'BFO:OPTSTK': BSE_OPTIONS,
      'BFO:FUTIDX': BSE_FUTURES,
      'BFO:FUTSTK': BSE_FUTURES,
    },
  },
];

// ───────────────────────────── AMO windows ─────────────────────────────

/**
 * The broker's after-market-order window of one exchange on a trading day, in IST minutes of the day:
 * AMOs are accepted from `opens` (after the close) through midnight and until `closes` (before the
 * next open). Weekends accept AMOs at any time.
 */
export interface AmoWindow {
  /** First minute of the evening window (e.g. 15:45 = 945). */
  opens: number;
  /** Last accepted minute is `closes − 1` (e.g. 08:57 = 537: orders until 08:56:59). */
  closes: number;
}

/** AMO windows by exchange; an exchange not listed accepts an AMO whenever its session is not open. */
export type AmoWindows = Readonly<Partial<Record<Exchange, AmoWindow>>>;

const hm = (h: number, m: number): number => h * 60 + m;

/** AMO windows in force by day. */
export const AMO_WINDOWS: RuleTable<AmoWindows> = [
  {
    from: '2000-01-01',
    source:
      '[INF] Angel One publishes no AMO timings; the usual broker windows are used (equity 15:45–08:57 NSE / 08:59 BSE, F&O 15:45–09:10, currency 15:45–08:59: https://support.zerodha.com/category/trading-and-markets/kite-web-and-mobile/articles/what-is-amo-and-when-can-we-place-it). MCX and NCDEX: any time the session is closed',
    value: {
      NSE: { opens: hm(15, 45), closes: hm(8, 57) },
      BSE: { opens: hm(15, 45), closes: hm(8, 59) },
      NFO: { opens: hm(15, 45), closes: hm(9, 10) },
      BFO: { opens: hm(15, 45), closes: hm(9, 10) },
      CDS: { opens: hm(15, 45), closes: hm(8, 59) },
    },
  },
];

// ───────────────────────────── market protection ─────────────────────────────

/** One tier of market protection: LTPs up to `upTo` paise (inclusive) get `pct` (0.005 = 0.5 %). */
export interface ProtectionTier {
  upTo: number;
  pct: number;
}

/**
 * Market-protection percentages by instrument class: `EQ` (cash), `FUTIDX`, `FUTSTK`, `OPTIDX`,
 * `OPTSTK`, `FUTCOM`, `OPTCOM` (commodity), `CUR` (currency). Tiers ascending by `upTo`; the last
 * tier's `upTo` is `Infinity`.
 */
export type ProtectionTable = Readonly<Record<string, readonly ProtectionTier[]>>;

const flat = (pct: number): readonly ProtectionTier[] => [{ upTo: Number.POSITIVE_INFINITY, pct }];
const premiumTiers = (below10: number, below20: number, below50: number, above: number) => [
  { upTo: 999, pct: below10 },
  { upTo: 1999, pct: below20 },
  { upTo: 4999, pct: below50 },
  { upTo: Number.POSITIVE_INFINITY, pct: above },
];

const ANGEL_MPP: ProtectionTable = {
  EQ: flat(0.005),
  FUTSTK: flat(0.01),
  FUTIDX: flat(0.005),
  OPTIDX: premiumTiers(0.2, 0.1, 0.05, 0.025),
  OPTSTK: premiumTiers(0.4, 0.2, 0.1, 0.05),
  FUTCOM: flat(0.01),
  OPTCOM: premiumTiers(0.2, 0.1, 0.05, 0.025),
  CUR: flat(0.005),
};

/**
 * Market protection in force by day: a MARKET order becomes a limit order at LTP ± this percentage
 * (SEBI/NSE retail-algo framework: market orders must carry market protection from 1 Apr 2026).
 */
export const MARKET_PROTECTION: RuleTable<ProtectionTable> = [
  {
    from: '2000-01-01',
    source:
      "[INF] Angel One's MPP percentages (below) applied to earlier dates too: no earlier table is published",
    value: ANGEL_MPP,
  },
  {
    from: '2024-12-17',
    source:
      'Angel One MPP: cash 0.5 %, stock futures 1 %, index futures 0.5 %, index options 20/10/5/2.5 % and stock options 40/20/10/5 % for premiums <₹10/₹10–20/₹20–50/>₹50, commodity futures 1 % (options as index options); currency [INF] 0.5 %; https://angelone.in/news/market-price-protection-mpp-on-angel-one-safeguarding-your-orders',
    value: ANGEL_MPP,
  },
];
