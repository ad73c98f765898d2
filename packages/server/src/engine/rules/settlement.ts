/**
 * Equity settlement cycle (docs/paper-broker-rules.md#settlement-on-trading-days): shares bought for
 * delivery on trading day T are T1 quantity until the next trading day of their exchange (T+1, weekends
 * and exchange holidays skipped), when they count as settled holdings. Sales of T1 quantity (BTST) are
 * allowed: a day's sales come out of the settled quantity first, then out of T1.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { type RuleTable, ruleAt } from './dated.js';
import { isTradingDay } from './intraday.js';

/** Settlement cycle: trading days after the trade day on which bought shares settle. */
export const SETTLEMENT_CYCLE: RuleTable<{ tradingDays: 1 }> = [
  {
    from: '1900-01-01',
    source: '[INF] T+1 also before 27 Jan 2023 (the earlier T+2 cycle is not modelled)',
    value: { tradingDays: 1 },
  },
  {
    from: '2023-01-27',
    source:
      'SEBI circular SEBI/HO/MRD2/DCAP/P/CIR/2021/628 (7 Sep 2021): T+1 rolling settlement, all scrips from 27 Jan 2023',
    value: { tradingDays: 1 },
  },
];

/**
 * True when T1 quantity settles as the account rolls into the IST day `day` (epoch ms of 00:00 IST): the
 * day is a trading day of the holding's exchange, so it is T+1 (or later) of every unsettled purchase.
 */
export function t1SettlesOn(market: MarketView, exchange: Exchange, day: number): boolean {
  ruleAt(SETTLEMENT_CYCLE, day);
  return isTradingDay(market, exchange, day);
}
