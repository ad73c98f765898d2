/**
 * Expiry rules (docs/paper-broker-rules.md#expiry): how each kind of derivative settles when its expiry
 * day ends, how the final settlement price is computed from the underlying, and the STT on exercised
 * options. Dated tables (`rules/dated.ts`): a change of rule is a new row. Rates are integers in parts
 * per 10^7 of value (0.125 % = 12 500), like `rules/charges.ts`.
 */
import type { Segment } from '../ports.js';
import { type RuleTable, ruleAt } from './dated.js';

/** How a derivative settles at expiry. */
export type SettlementStyle = 'cash' | 'physical';

/** How the final settlement price is taken from the underlying's last minutes of the session. */
export interface SettlementPriceMethod {
  /** Length of the window before the session close (minutes). */
  windowMinutes: number;
  /** `time`: plain average of the minute values; `volume`: volume-weighted (VWAP of the window). */
  weighting: 'time' | 'volume';
}

/** The expiry rule of one kind of derivative. */
export interface ExpiryRule {
  style: SettlementStyle;
  price: SettlementPriceMethod;
}

/** Expiry rules by kind: index derivatives (FUTIDX/OPTIDX) and stock derivatives (FUTSTK/OPTSTK). */
export interface ExpiryRules {
  index: ExpiryRule;
  stock: ExpiryRule;
}

const NSE_SETTLEMENT_PRICE =
  'https://nseindia.com/products/content/derivatives/equities/settlement_price.htm';
const NSE_INDEX_CLOSE = `${NSE_SETTLEMENT_PRICE} (final settlement of index futures and options: closing price of the underlying index on the last trading day); [INF] the closing value modelled as the plain average of the index over the last 30 minutes`;
const STOCK_CLOSE = `${NSE_SETTLEMENT_PRICE} (stock derivatives: closing price of the underlying security on the last trading day, i.e. the weighted average price of its last half hour)`;
const PHYSICAL =
  'SEBI circular SEBI/HO/MRD/DP/CIR/P/2018/67 (11 Apr 2018): physical settlement of stock derivatives (phased in by the exchanges from the July 2018 expiry; [INF] modelled for every stock from this date)';

/** Index closing value: time-average over the last 30 minutes; stock closing price: VWAP of the last 30. */
const INDEX_PRICE: SettlementPriceMethod = { windowMinutes: 30, weighting: 'time' };
const STOCK_PRICE: SettlementPriceMethod = { windowMinutes: 30, weighting: 'volume' };

/** Settlement style and final settlement price method per kind of derivative. */
export const EXPIRY_RULES: RuleTable<ExpiryRules> = [
  {
    from: '1900-01-01',
    source: `[INF] stock derivatives cash-settled before physical settlement; ${NSE_INDEX_CLOSE}; ${STOCK_CLOSE}`,
    value: {
      index: { style: 'cash', price: INDEX_PRICE },
      stock: { style: 'cash', price: STOCK_PRICE },
    },
  },
  {
    from: '2018-07-01',
    source: `${PHYSICAL}; ${NSE_INDEX_CLOSE}; ${STOCK_CLOSE}`,
    value: {
      index: { style: 'cash', price: INDEX_PRICE },
      stock: { style: 'physical', price: STOCK_PRICE },
    },
  },
];

/**
 * STT on an exercised (in-the-money at expiry) option, charged to the buyer on the settlement value
 * (intrinsic value × quantity) of a cash-settled option. Parts per 10^7.
 */
export const STT_ON_EXERCISE: RuleTable<number> = [
  {
    from: '1900-01-01',
    source: '[INF] the 2016 rate applied to earlier dates (older rates are not modelled)',
    value: 12_500,
  },
  {
    from: '2016-06-01',
    source:
      'Finance Act, 2016, s. 98 of the Finance (No. 2) Act, 2004 as amended: 0.125 % of the intrinsic value of an exercised option, from 1 Jun 2016',
    value: 12_500,
  },
  {
    from: '2026-04-01',
    source:
      'Union Budget 2026-27, Finance Bill 2026: STT on exercised options 0.15 % from 1 Apr 2026 (as reported, secondary)',
    value: 15_000,
  },
];

/**
 * STT on the delivery of a physically settled stock derivative, charged to buyer and seller on the
 * delivery value (settlement price or strike × quantity): the equity delivery rate. Parts per 10^7.
 */
export const STT_ON_PHYSICAL_DELIVERY: RuleTable<number> = [
  {
    from: '1900-01-01',
    source:
      'Finance (No. 2) Act, 2004, ch. VII, s. 98 (delivery-based sale or purchase of equity shares: 0.1 %), [INF] applied to physically settled stock derivatives as to a delivery trade',
    value: 10_000,
  },
];

/** Kind of a derivative for the expiry rules, or undefined when the instrument does not expire here. */
export function expiryKind(p: { segment: Segment; instrumenttype: string }): 'index' | 'stock' | undefined {
  if (p.segment !== 'FO') return undefined;
  if (p.instrumenttype === 'FUTIDX' || p.instrumenttype === 'OPTIDX') return 'index';
  if (p.instrumenttype === 'FUTSTK' || p.instrumenttype === 'OPTSTK') return 'stock';
  return undefined;
}

/** The expiry rule in force on the expiry day `at` for a kind of derivative. */
export function expiryRule(kind: 'index' | 'stock', at: number): ExpiryRule {
  return ruleAt(EXPIRY_RULES, at)[kind];
}

/**
 * Close-out of a short delivery (shares a physically settled derivative obliges the account to deliver
 * but it does not hold): the exchange's auction buys them in, and when it fails closes out at the higher
 * of the highest price from the trade day to the auction day and 20 % above the official closing price
 * on the auction day. Modelled as a premium over the final settlement price, parts per 10^7.
 */
export const SHORT_DELIVERY_CLOSE_OUT: RuleTable<number> = [
  {
    from: '1900-01-01',
    source:
      "NSE capital market auction and close-out rules (close-out at the higher of the highest price since the trade day and 20 % above the auction day's closing price); [INF] modelled as 20 % above the final settlement price, settled with the expiry",
    value: 2_000_000,
  },
];
