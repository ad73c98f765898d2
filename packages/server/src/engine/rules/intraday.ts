/**
 * Intraday product rules of the broker: per exchange, the cut-off after which new intraday orders (and
 * conversions to intraday) are refused, the time the broker squares off open intraday positions, and the
 * auto square-off charge. Dated tables (docs/paper-broker-rules.md#product-cut-offs-and-auto-square-off);
 * {@link IntradayConfig} overrides the times.
 */
import type { Exchange, ProductType } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { type RuleTable, ruleAt } from './dated.js';

/**
 * A time of the trading day: `at` = minutes after 00:00 IST, or `beforeClose` = minutes before the
 * exchange's close of continuous trading that day (for markets whose close moves, such as MCX).
 */
export type DayTime = { at: number } | { beforeClose: number };

/** Cut-off and square-off of one exchange. */
export interface IntradayTimes {
  /** From this time new intraday orders (and conversions to intraday) that do not reduce a position are refused. */
  cutoff: DayTime;
  /** At this time pending intraday orders are cancelled and open intraday positions closed at market. */
  squareOff: DayTime;
}

const hm = (h: number, m: number): DayTime => ({ at: h * 60 + m });

const ZERODHA =
  'https://support.zerodha.com/category/trading-and-markets/margin-leverage-and-product-and-order-types/articles/intraday-auto-square-off-timings';

/**
 * Intraday times per exchange. Angel One publishes no time we could verify; the defaults are Zerodha's
 * published times [INF: chosen from another broker]: 15:20 cash, 15:25 F&O, 16:45 currency, 25 minutes
 * before the close for commodities (NCDEX treated like MCX).
 */
export const INTRADAY_TIMES: Readonly<Record<Exchange, RuleTable<IntradayTimes>>> = {
  NSE: [
    { from: '2000-01-01', source: `[INF] ${ZERODHA}`, value: { cutoff: hm(15, 20), squareOff: hm(15, 20) } },
  ],
  BSE: [
    { from: '2000-01-01', source: `[INF] ${ZERODHA}`, value: { cutoff: hm(15, 20), squareOff: hm(15, 20) } },
  ],
  NFO: [
    { from: '2000-01-01', source: `[INF] ${ZERODHA}`, value: { cutoff: hm(15, 25), squareOff: hm(15, 25) } },
  ],
  BFO: [
    { from: '2000-01-01', source: `[INF] ${ZERODHA}`, value: { cutoff: hm(15, 25), squareOff: hm(15, 25) } },
  ],
  CDS: [
    { from: '2000-01-01', source: `[INF] ${ZERODHA}`, value: { cutoff: hm(16, 45), squareOff: hm(16, 45) } },
  ],
  MCX: [
    {
      from: '2000-01-01',
      source: `[INF] ${ZERODHA}`,
      value: { cutoff: { beforeClose: 25 }, squareOff: { beforeClose: 25 } },
    },
  ],
  NCDEX: [
    {
      from: '2000-01-01',
      source: `[INF] ${ZERODHA} (commodities)`,
      value: { cutoff: { beforeClose: 25 }, squareOff: { beforeClose: 25 } },
    },
  ],
};

/** The auto square-off charge: a fixed amount per square-off order plus GST on it. */
export interface SquareOffCharge {
  /** Paise per order placed by the auto square-off. */
  perOrder: number;
  /** GST rate on it (0.18 = 18 %). */
  gst: number;
}

/**
 * `ordertag` of the orders the auto square-off places (visible in the order book and the order feed);
 * the first fill of such an order carries the auto square-off charge as `othercharges`.
 */
export const AUTO_SQUARE_OFF_TAG = 'AUTOSQUAREOFF';

/**
 * Angel One's auto square-off charge: ₹20 + 18 % GST per order (secondary source; one other secondary
 * page lists ₹0).
 */
export const AUTO_SQUARE_OFF_CHARGE: RuleTable<SquareOffCharge> = [
  {
    from: '2000-01-01',
    source: 'https://investking.in/angel-one-brokerage-charges-pricing-list (secondary)',
    value: { perOrder: 2000, gst: 0.18 },
  },
];

/** The auto square-off charge (paise, GST included, rounded to the paisa) of one order placed at `at`. */
export function autoSquareOffCharge(
  at: number,
  table: RuleTable<SquareOffCharge> = AUTO_SQUARE_OFF_CHARGE,
): number {
  const c = ruleAt(table, at);
  return Math.round(c.perOrder * (1 + c.gst));
}

/**
 * Overrides of the intraday rules (engine config `intraday`): times per exchange replace the table's,
 * `charge` replaces the charge table, `enabled: false` turns cut-off and square-off off.
 */
export interface IntradayConfig {
  /** @default true */
  enabled?: boolean;
  /** Per exchange: replaces the table's times (both or either). */
  times?: Partial<Record<Exchange, Partial<IntradayTimes>>>;
  /** Replaces the charge (paise per order and GST rate). */
  charge?: SquareOffCharge;
}

/** The resolved intraday rules an engine runs with. */
export interface IntradayRules {
  enabled: boolean;
  times: (exchange: Exchange, at: number) => IntradayTimes;
  charge: (at: number) => number;
}

/** Resolves an {@link IntradayConfig} over the tables. */
export function intradayRules(config: IntradayConfig = {}): IntradayRules {
  const charge = config.charge;
  return {
    enabled: config.enabled ?? true,
    times: (exchange, at) => {
      const override = config.times?.[exchange];
      const row = ruleAt(INTRADAY_TIMES[exchange], at);
      return override ? { ...row, ...override } : row;
    },
    charge: charge ? () => Math.round(charge.perOrder * (1 + charge.gst)) : (at) => autoSquareOffCharge(at),
  };
}

/** True for the products the broker squares off at the end of the day (intraday and bracket). */
export function isIntradayProduct(product: ProductType): boolean {
  return product === 'INTRADAY' || product === 'BO';
}

// The last IST day judged by weekday (a pure function of the day, memoised).
let lastWeekdayStart = Number.NaN;
let lastWeekday = false;

/** Weekdays are trading days when the market does not say (a market without a calendar). */
function weekday(at: number): boolean {
  const day = istDayStart(at);
  if (day !== lastWeekdayStart) {
    const wd = new Date(day + 330 * 60_000).getUTCDay();
    lastWeekday = wd !== 0 && wd !== 6;
    lastWeekdayStart = day;
  }
  return lastWeekday;
}

/** True when `at` falls on a trading day of `exchange` (the market's calendar, else Monday–Friday). */
export function isTradingDay(market: MarketView, exchange: Exchange, at: number): boolean {
  return market.isTradingDay ? market.isTradingDay(exchange, at) : weekday(at);
}

/**
 * Epoch ms of a {@link DayTime} on the IST day of `at`, or undefined when it cannot be placed (relative to
 * a close the market does not know).
 */
export function timeOn(market: MarketView, exchange: Exchange, at: number, t: DayTime): number | undefined {
  if ('at' in t) return istDayStart(at) + t.at * 60_000;
  const close = market.sessionClose?.(exchange, at);
  return close === undefined ? undefined : close - t.beforeClose * 60_000;
}
