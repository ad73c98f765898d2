/**
 * What the user view of the dashboard knows (one object the pages read and the refresh fills), and the
 * row shapes it keeps.
 */
import type { UserSession, VenueClient } from './api.js';
import type { CandleChart, PnlChart } from './charts.js';
import type { MarketFeedClient, OrderFeedClient, PriceUpdate } from './feeds.js';
import type { TicketFields } from './ticket.js';

// biome-ignore lint/suspicious/noExplicitAny: rows of the venue's JSON answers are read field by field
export type Row = Record<string, any>;

/** A row of the scrip master the dashboard reads. */
export interface Instrument {
  token: string;
  symbol: string;
  name: string;
  exch_seg: string;
  lotsize: string;
  instrumenttype: string;
}

/** Everything the user view knows. */
export const S = {
  session: undefined as UserSession | undefined,
  venue: undefined as VenueClient | undefined,
  market: undefined as MarketFeedClient | undefined,
  orderFeed: undefined as OrderFeedClient | undefined,
  instruments: [] as Instrument[],
  byKey: new Map<string, Instrument>(),
  watch: [] as string[],
  prices: new Map<string, PriceUpdate>(),
  orders: [] as Row[],
  trades: [] as Row[],
  positions: [] as Row[],
  holdings: undefined as Row | undefined,
  rms: undefined as Row | undefined,
  charges: undefined as number | undefined,
  marketNow: 0,
  pnlCurve: [] as { timeMs: number; pnl: number }[],
  chartKey: '',
  page: 'watch',
  ticket: undefined as Partial<TicketFields> | undefined,
  lastRefresh: 0,
  refreshTimer: undefined as ReturnType<typeof setTimeout> | undefined,
  candle: undefined as CandleChart | undefined,
  pnlChart: undefined as PnlChart | undefined,
};
