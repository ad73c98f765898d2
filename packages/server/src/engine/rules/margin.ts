/**
 * Margin rules of the exchange and the broker as dated tables (docs/paper-broker-rules.md#margin): the
 * SPAN parameters of equity derivatives (price scan range, volatility scan range, extreme moves, short
 * option minimum charge), exposure (extreme loss) margin rates, the additional exposure margin on the
 * expiry day, the delivery margin of physically settled stock derivatives in the expiry week, the
 * pricing inputs of the risk array, and the intraday (MIS) leverage of each stock. A change of rule is a
 * new row. Fractions: 0.093 = 9.3 %.
 */
import { type RuleTable, ruleAt } from './dated.js';

/** Which SPAN parameter set a derivative uses. */
export type SpanClass = 'index' | 'stock';

/** SPAN parameters of one class of underlying. */
export interface SpanParams {
  /** Price scan range as a fraction of the underlying price. */
  psr: number;
  /** Volatility scan range: `max(vsrRatio × volatility, vsrFloor)`, in absolute volatility (0.04 = 4 points). */
  vsrRatio: number;
  vsrFloor: number;
  /** Extreme moves (scenarios 15–16): this multiple of the PSR … */
  extremeMultiple: number;
  /** … of which this fraction of the loss counts. */
  extremeWeight: number;
  /** Short option minimum charge, fraction of the notional (underlying price × quantity) of short options. */
  shortOptionMinimum: number;
  /** Exposure (extreme loss) margin, fraction of the notional of futures and short options. */
  exposure: number;
}

const NSE_SPAN = 'https://www.nseclearing.in/risk-management/equity-derivatives/span-risk-parameters';
const ELM = 'https://zerodha.com/z-connect/comment/192569';
const SOMC_NONE =
  "[INF] SOMC 0: NSE Clearing's SPAN parameter page lists none, and Angel One's published hedged NIFTY figures (https://tradingqna.com/t/can-someone-explain-how-these-fno-margins-work/178234) are far below the 3 % / 7.5 % of notional once charged (https://www.investorq.com/question/what-is-meant-by-span-margins-in-futures-and-options-trading-)";

/**
 * SPAN parameters. PSR: NSE Clearing sets 6σ·√2 of the underlying subject to a minimum of 9.3 % (index) /
 * 14.2 % (stocks); the engine keeps no EWMA volatility, so it uses the minimum [INF]. VSR: 25 % of the
 * annualised volatility, at least 4 (index) / 10 (stock) volatility points. Extreme moves ±2×PSR at 35 %
 * are the standard SPAN scenarios 15–16. SOMC: none today [INF], see the row's source. Exposure: 2 %
 * (index) / 3.5 % (stock) of the notional, as SEBI mandates.
 */
export const SPAN_PARAMS: Readonly<Record<SpanClass, RuleTable<SpanParams>>> = {
  index: [
    {
      from: '2000-01-01',
      source: `${NSE_SPAN} (PSR 9.3 % minimum [INF: used as the PSR], VSR 25 % / min 4 %); ${SOMC_NONE}; exposure 2 % ${ELM}`,
      value: {
        psr: 0.093,
        vsrRatio: 0.25,
        vsrFloor: 0.04,
        extremeMultiple: 2,
        extremeWeight: 0.35,
        shortOptionMinimum: 0,
        exposure: 0.02,
      },
    },
  ],
  stock: [
    {
      from: '2000-01-01',
      source: `${NSE_SPAN} (PSR 14.2 % minimum [INF: used as the PSR], VSR 25 % / min 10 %); ${SOMC_NONE}; exposure 3.5 % ${ELM}`,
      value: {
        psr: 0.142,
        vsrRatio: 0.25,
        vsrFloor: 0.1,
        extremeMultiple: 2,
        extremeWeight: 0.35,
        shortOptionMinimum: 0,
        exposure: 0.035,
      },
    },
  ],
};

/** Additional exposure margin on short index options on their expiry day (fraction of notional). */
export const EXPIRY_DAY_ELM: RuleTable<number> = [
  { from: '2000-01-01', source: '[INF] none before the SEBI measure of 2024', value: 0 },
  {
    from: '2024-11-20',
    source:
      'SEBI circular SEBI/HO/MRD/TPD-1/P/CIR/2024/132 (1 Oct 2024) §6; NSE Clearing circular NCL/CMPT/64639 (21 Oct 2024): +2 % ELM on short index options expiring that day',
    value: 0.02,
  },
];

/**
 * Delivery margin of physically settled stock derivatives (futures and in-the-money options, long or
 * short) as a fraction of the stock's VaR+ELM margin on the contract value: index = trading days before
 * expiry (0 = the expiry day). Beyond the table: none.
 */
export const DELIVERY_MARGIN: RuleTable<readonly number[]> = [
  { from: '2000-01-01', source: '[INF] none before physical settlement of stock derivatives', value: [] },
  {
    from: '2018-07-01',
    source:
      'https://zerodha.com/marketintel/bulletin/281793/physical-delivery-margin-in-the-money-long-options (E-4 10 %, E-3 25 %, E-2 45 %, E-1 70 % of VaR+ELM); expiry day 100 %: https://share.market/support/home/trading-investment/futures-and-options/margin-related/how-do-delivery-margins-change-before-the-expiration-of-a-futures-contract',
    value: [1, 0.7, 0.45, 0.25, 0.1],
  },
];

/** Inputs of the option pricing of the risk array. */
export interface PricingParams {
  /** Continuously compounded risk-free rate. */
  rate: number;
  /** Volatility used when an option's implied volatility cannot be solved from its price. */
  defaultVol: Readonly<Record<SpanClass, number>>;
}

export const SPAN_PRICING: RuleTable<PricingParams> = [
  {
    from: '2000-01-01',
    source:
      '[INF] 6.5 % rate (the simulated market prices options with the same); 15 % / 30 % fallback volatility',
    value: { rate: 0.065, defaultVol: { index: 0.15, stock: 0.3 } },
  },
];

/** Intraday (MIS) leverage of cash equities: `default` for any stock, `bySymbol` overrides (by name). */
export interface IntradayLeverage {
  default: number;
  bySymbol: Readonly<Record<string, number>>;
}

/**
 * Intraday leverage per stock. 5× (20 % of the trade value, the VaR+ELM floor of liquid stocks) for the
 * F&O stocks of the built-in universe, per the broker pages cited; 4× for the others [INF: the
 * more volatile, non-F&O names get a higher VaR+ELM]. Used by the RMS (INTRADAY margin = value / leverage)
 * and by `nseIntraday` / `bseIntraday`; it is also the VaR+ELM rate behind the delivery margin.
 */
export const INTRADAY_LEVERAGE: RuleTable<IntradayLeverage> = [
  {
    from: '2000-01-01',
    source:
      'https://www.sharekhan.com/bulletin/latest-intraday-leverages-and-square-off-timings-288169 (19 Jul 2024: equity 5×, 20 % of the trade value); SEBI peak margin circular SEBI/HO/MRD2/DCAP/CIR/P/2020/127 (20 Jul 2020)',
    value: {
      default: 4,
      bySymbol: Object.fromEntries(
        [
          'SBIN',
          'RELIANCE',
          'INFY',
          'TCS',
          'HDFCBANK',
          'ICICIBANK',
          'ITC',
          'LT',
          'AXISBANK',
          'KOTAKBANK',
          'BHARTIARTL',
          'HINDUNILVR',
          'TATASTEEL',
          'TITAN',
          'WIPRO',
          'MARUTI',
          'SUNPHARMA',
          'ASIANPAINT',
          'HCLTECH',
          'NTPC',
          'ONGC',
          'POWERGRID',
          'TATAPOWER',
        ].map((s) => [s, 5]),
      ),
    },
  },
];

/** Intraday leverage of the stock `name` at `at` (epoch ms). */
export function intradayLeverage(name: string, at: number): number {
  const row = ruleAt(INTRADAY_LEVERAGE, at);
  return row.bySymbol[name.toUpperCase()] ?? row.default;
}
