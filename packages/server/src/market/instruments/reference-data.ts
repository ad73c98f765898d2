/**
 * Reference data of the built-in universe: the equities (real NSE tokens), indices and MCX
 * commodities with their reference prices, volatilities and lot sizes, the risk-free rate and the
 * index freeze limits.
 */
export interface EquitySpec {
  symbol: string;
  /** NSE token (real where marked in {@link EQUITIES}). */
  nse: string;
  /** BSE scrip code, when the built-in universe lists it on BSE too. */
  bse?: string;
  isin: string;
  /** Reference price, rupees. */
  price: number;
  vol: number;
  /** Circuit band (fraction). */
  band: number;
  /** F&O lot size (stock futures are listed when set). */
  lot?: number;
  /** Option strike step in rupees (stock options are listed when set). */
  strikeStep?: number;
}

/**
 * Liquid NSE equities. NSE tokens are the real exchange tokens (SBIN 3045, RELIANCE 2885, INFY 1594 are
 * from the official docs; the others are the well-known NSE tokens used by every broker's instrument
 * dump, believed correct). BSE codes are the real BSE scrip codes. ISINs are the real ones as far as
 * known (some changed after splits/bonuses; treat them as plausible). Prices are approximate late-2025
 * levels; lot sizes approximate the 2025-26 NSE lots.
 */
export const EQUITIES: readonly EquitySpec[] = [
  {
    symbol: 'SBIN',
    nse: '3045',
    bse: '500112',
    isin: 'INE062A01020',
    price: 850,
    vol: 0.24,
    band: 0.2,
    lot: 750,
    strikeStep: 10,
  },
  {
    symbol: 'RELIANCE',
    nse: '2885',
    bse: '500325',
    isin: 'INE002A01018',
    price: 1400,
    vol: 0.22,
    band: 0.2,
    lot: 500,
    strikeStep: 10,
  },
  {
    symbol: 'INFY',
    nse: '1594',
    bse: '500209',
    isin: 'INE009A01021',
    price: 1500,
    vol: 0.25,
    band: 0.2,
    lot: 400,
    strikeStep: 20,
  },
  {
    symbol: 'TCS',
    nse: '11536',
    bse: '532540',
    isin: 'INE467B01029',
    price: 3100,
    vol: 0.22,
    band: 0.2,
    lot: 175,
    strikeStep: 20,
  },
  {
    symbol: 'HDFCBANK',
    nse: '1333',
    bse: '500180',
    isin: 'INE040A01034',
    price: 980,
    vol: 0.2,
    band: 0.2,
    lot: 550,
    strikeStep: 10,
  },
  {
    symbol: 'ICICIBANK',
    nse: '4963',
    bse: '532174',
    isin: 'INE090A01021',
    price: 1380,
    vol: 0.22,
    band: 0.2,
    lot: 700,
  },
  {
    symbol: 'ITC',
    nse: '1660',
    bse: '500875',
    isin: 'INE154A01025',
    price: 410,
    vol: 0.2,
    band: 0.2,
    lot: 1600,
  },
  {
    symbol: 'LT',
    nse: '11483',
    bse: '500510',
    isin: 'INE018A01030',
    price: 3900,
    vol: 0.24,
    band: 0.2,
    lot: 175,
  },
  { symbol: 'AXISBANK', nse: '5900', isin: 'INE238A01034', price: 1200, vol: 0.26, band: 0.2, lot: 625 },
  { symbol: 'KOTAKBANK', nse: '1922', isin: 'INE237A01028', price: 2100, vol: 0.24, band: 0.2, lot: 400 },
  { symbol: 'BHARTIARTL', nse: '10604', isin: 'INE397D01024', price: 2000, vol: 0.22, band: 0.2, lot: 475 },
  { symbol: 'HINDUNILVR', nse: '1394', isin: 'INE030A01027', price: 2450, vol: 0.2, band: 0.2, lot: 300 },
  {
    symbol: 'TATASTEEL',
    nse: '3499',
    bse: '500470',
    isin: 'INE081A01020',
    price: 170,
    vol: 0.32,
    band: 0.2,
    lot: 5500,
  },
  { symbol: 'SUZLON', nse: '12018', isin: 'INE040H01021', price: 58, vol: 0.5, band: 0.05 },
  {
    symbol: 'TITAN',
    nse: '3506',
    bse: '500114',
    isin: 'INE280A01028',
    price: 3700,
    vol: 0.24,
    band: 0.2,
    lot: 175,
  },
  { symbol: 'WIPRO', nse: '3787', isin: 'INE075A01022', price: 250, vol: 0.26, band: 0.2, lot: 3000 },
  { symbol: 'MARUTI', nse: '10999', isin: 'INE585B01010', price: 15500, vol: 0.24, band: 0.2, lot: 50 },
  { symbol: 'SUNPHARMA', nse: '3351', isin: 'INE044A01036', price: 1700, vol: 0.22, band: 0.2, lot: 350 },
  { symbol: 'ASIANPAINT', nse: '236', isin: 'INE021A01026', price: 2450, vol: 0.24, band: 0.2, lot: 250 },
  { symbol: 'HCLTECH', nse: '7229', isin: 'INE860A01027', price: 1600, vol: 0.25, band: 0.2, lot: 350 },
  { symbol: 'NTPC', nse: '11630', isin: 'INE733E01010', price: 340, vol: 0.24, band: 0.2, lot: 1500 },
  { symbol: 'ONGC', nse: '2475', isin: 'INE213A01029', price: 245, vol: 0.28, band: 0.2, lot: 2250 },
  { symbol: 'POWERGRID', nse: '14977', isin: 'INE752E01010', price: 290, vol: 0.22, band: 0.2, lot: 1900 },
  { symbol: 'TATAPOWER', nse: '3426', isin: 'INE245A01021', price: 390, vol: 0.32, band: 0.2, lot: 1450 },
  { symbol: 'YESBANK', nse: '11915', isin: 'INE528G01035', price: 21, vol: 0.4, band: 0.2 },
  { symbol: 'IDEA', nse: '14366', isin: 'INE669E01016', price: 9, vol: 0.6, band: 0.2 },
];

export interface IndexSpec {
  name: string;
  symbol: string;
  token: string;
  /** Cash exchange that publishes the index; its derivatives trade on NFO (NSE) or BFO (BSE). @default 'NSE' */
  exchange?: 'NSE' | 'BSE';
  /** Weekday of its expiries (0 = Sunday). @default NSE_EXPIRY_WEEKDAY (Tuesday) */
  expiryWeekday?: number;
  /**
   * First (synthetic) token of its derivatives when they are numbered apart from the NFO series that
   * starts at 35001 (indices added later keep the earlier tokens stable).
   */
  firstToken?: number;
  /** Where the lot size, strike step and expiry cycle come from. */
  source?: string;
  price: number;
  vol: number;
  corr: number;
  lot: number;
  /** Freeze limit in units before rounding down to a lot multiple. */
  freeze: number;
  strikeStep: number;
  weekly: boolean;
}

/**
 * Indices with derivatives (real index tokens). Lots and freeze limits per docs/protocol/market-rules.md
 * (2025-26: NIFTY 65, BANKNIFTY 30, FINNIFTY 60, MIDCPNIFTY 120, SENSEX 20; freeze NIFTY 1800,
 * BANKNIFTY 600, FINNIFTY 1800, MIDCPNIFTY 2800, SENSEX 1000). SENSEX is a BSE index with derivatives
 * on BFO (Thursday expiries); the others are NSE indices with derivatives on NFO (Tuesday expiries).
 */
export const INDICES: readonly IndexSpec[] = [
  {
    name: 'NIFTY',
    symbol: 'Nifty 50',
    token: '99926000',
    price: 25800,
    vol: 0.13,
    corr: 1,
    lot: 65,
    freeze: 1800,
    strikeStep: 50,
    weekly: true,
  },
  {
    name: 'BANKNIFTY',
    symbol: 'Nifty Bank',
    token: '99926009',
    price: 57800,
    vol: 0.15,
    corr: 0.85,
    lot: 30,
    freeze: 600,
    strikeStep: 100,
    weekly: false,
  },
  {
    name: 'FINNIFTY',
    symbol: 'Nifty Fin Service',
    token: '99926037',
    price: 27200,
    vol: 0.14,
    corr: 0.9,
    lot: 60,
    freeze: 1800,
    strikeStep: 50,
    weekly: false,
  },
  {
    name: 'MIDCPNIFTY',
    symbol: 'NIFTY MID SELECT',
    token: '99926074',
    price: 13800,
    vol: 0.17,
    corr: 0.8,
    lot: 120,
    freeze: 2800,
    strikeStep: 25,
    weekly: false,
    firstToken: 60001,
    source:
      'lot 120 from the January 2026 expiry: NSE circular NSE/FAOP/70616 (Oct 2025), https://www.share.market/support/home/trading-investment/futures-and-options/other-frequently-asked-questions/important-updates-on-lot-size-revision-for-index-derivatives-contracts; monthly contracts only, last Tuesday (NSE expiry-day change of 1 Sep 2025; MIDCPNIFTY futures settled 30 Dec 2025, 27 Jan 2026, 24 Feb 2026: http://balajiequities.com/Market/Derivative/Daily-Settlement-Price); freeze 2800: docs/protocol/market-rules.md',
  },
  {
    name: 'SENSEX',
    symbol: 'SENSEX',
    token: '99919000',
    exchange: 'BSE',
    price: 85000,
    vol: 0.13,
    corr: 0.98,
    lot: 20,
    freeze: 1000,
    strikeStep: 100,
    weekly: true,
    expiryWeekday: 4,
    firstToken: 825001,
    source:
      'lot 20 from 20 Nov 2024 (BSE revision under the SEBI index-derivatives framework: https://rupeezy.in/blog/bse-nse-lot-size-changes-for-index-derivatives; no later revision found); weekly and monthly expiries on Thursday from 1 Sep 2025 (https://www.business-standard.com/amp/markets/capital-market-news/sebi-clears-derivatives-expiry-day-shift-for-nse-and-bse-125061700904_1.html); index token 99919000 on BSE as in the live scrip master; freeze 1000: docs/protocol/market-rules.md',
  },
];

export interface CommoditySpec {
  name: string;
  /** Price per quotation unit, rupees. */
  price: number;
  vol: number;
  /** Lot = quotation units per contract (e.g. GOLD: 1 kg quoted per 10 g = 100). */
  lot: number;
  /** Tick, paise. */
  tick: number;
  /** Day of month of expiry (0 = last trading day of the month). */
  expiryDay: number;
  band: number;
}

/** MCX futures (synthetic tokens; expiry rule approximate, see docs/paper-broker-market.md). */
export const COMMODITIES: readonly CommoditySpec[] = [
  { name: 'GOLD', price: 128000, vol: 0.15, lot: 100, tick: 100, expiryDay: 5, band: 0.06 },
  { name: 'GOLDM', price: 128000, vol: 0.15, lot: 10, tick: 100, expiryDay: 5, band: 0.06 },
  { name: 'SILVER', price: 160000, vol: 0.25, lot: 30, tick: 100, expiryDay: 5, band: 0.06 },
  { name: 'SILVERM', price: 160000, vol: 0.25, lot: 5, tick: 100, expiryDay: 5, band: 0.06 },
  { name: 'CRUDEOIL', price: 5300, vol: 0.35, lot: 100, tick: 100, expiryDay: 19, band: 0.06 },
  { name: 'NATURALGAS', price: 380, vol: 0.55, lot: 1250, tick: 10, expiryDay: 25, band: 0.1 },
  { name: 'COPPER', price: 1000, vol: 0.22, lot: 2500, tick: 5, expiryDay: 0, band: 0.06 },
];

/** Risk-free rate used for option pricing and index carry. */
export const RISK_FREE_RATE = 0.065;

/** Freeze limits in units for index derivatives (docs/protocol/market-rules.md), by underlying name. */
export const INDEX_FREEZE_LIMITS: Readonly<Record<string, number>> = {
  NIFTY: 1800,
  BANKNIFTY: 600,
  FINNIFTY: 1800,
  MIDCPNIFTY: 2800,
  NIFTYNXT50: 600,
  SENSEX: 1000,
};

/** Largest multiple of `lot` that is ≤ `limit` (the effective freeze quantity), at least one lot. */
export function effectiveFreeze(limit: number, lot: number): number {
  if (lot <= 0) return limit;
  return Math.max(lot, Math.floor(limit / lot) * lot);
}
