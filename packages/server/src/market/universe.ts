/**
 * The paper broker's instrument universe: the built-in one ({@link buildUniverse}) and a real scrip
 * master loaded from a file ({@link loadScripMaster}). Both produce the same {@link Universe}: the
 * instruments, the scrip-master rows served at `/OpenAPI_File/files/OpenAPIScripMaster.json`, and the
 * price "drivers" (one random walk per index, company or commodity) the simulator moves.
 */
import { readFileSync } from 'node:fs';
import type { Exchange, ExchangeType, ScripMasterRow } from '@smartapi-ts/protocol';
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  formatExpiry,
  istDayStart,
  istParts,
  istToEpoch,
  MONTHS,
  parseExpiry,
} from '@smartapi-ts/protocol';
import { DEFAULT_CALENDAR, type TradingCalendar } from './calendar.js';
import { hashString, mixSeed, Rng } from './rng.js';
import type { Instrument, Segment } from './types.js';

const DAY_MS = 86_400_000;

/** Class of a price driver; decides default volatility and liquidity. */
export type DriverClass = 'index' | 'equity' | 'commodity' | 'currency';

/** One underlying random walk: an index, a company (shared by its NSE and BSE listings) or a commodity. */
export interface DriverSpec {
  /** Unique key (`IDX:NIFTY`, `EQ:SBIN`, `COM:GOLD`). */
  key: string;
  /** Underlying name (`NIFTY`, `SBIN`, `GOLD`). */
  name: string;
  cls: DriverClass;
  /** Spot price at the simulation start, paise. */
  basePrice: number;
  /** Annualised volatility (0.2 = 20 %). */
  vol: number;
  /** Correlation of its shocks with the market factor (NIFTY). */
  marketCorr: number;
  /** Annual cost of carry used to price futures (0.07 = 7 %). */
  carry: number;
  /** Tick (paise) the spot is kept on; 1 for indices and hidden commodity spots. */
  tick: number;
}

/** The instruments plus the model data the simulator needs. */
export interface Universe {
  instruments: Instrument[];
  /** Scrip-master rows, one per instrument, in the same order. */
  scripMaster: ScripMasterRow[];
  drivers: DriverSpec[];
  /** `EXCHANGE:token` → driver key. */
  driverOf: Map<string, string>;
  /** Price-band (circuit) fraction per `EXCHANGE:token` for cash equities (0.2 = ±20 %). */
  bands: Map<string, number>;
  /** Rows skipped while loading a scrip-master file (0 for the built-in universe). */
  skipped: number;
}

/** `EXCHANGE:token`, the key used by all maps of the market. */
export function instrumentKey(exchange: string, token: string): string {
  return `${exchange}:${token}`;
}

// ─────────────────────────────── reference data ───────────────────────────────

interface EquitySpec {
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
const EQUITIES: readonly EquitySpec[] = [
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

interface IndexSpec {
  name: string;
  symbol: string;
  token: string;
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
 * NSE indices (real index tokens). Lots and freeze limits per docs/protocol/market-rules.md (2025-26: NIFTY 65,
 * BANKNIFTY 30, FINNIFTY 60; freeze NIFTY 1800, BANKNIFTY 600, FINNIFTY 1800).
 */
const INDICES: readonly IndexSpec[] = [
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
];

interface CommoditySpec {
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
const COMMODITIES: readonly CommoditySpec[] = [
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

// ─────────────────────────────── expiry calendar ───────────────────────────────

/** Weekday of the NSE expiry (Tuesday, from September 2025). */
export const NSE_EXPIRY_WEEKDAY = 2;

/** 00:00 IST of the last `weekday` of the month (month 1–12). */
function lastWeekdayOfMonth(year: number, month: number, weekday: number): number {
  const firstOfNext = month === 12 ? istToEpoch(year + 1, 1, 1) : istToEpoch(year, month + 1, 1);
  let d = firstOfNext - DAY_MS;
  while (istParts(d).weekday !== weekday) d -= DAY_MS;
  return d;
}

/** Shifts `day` back to the previous trading day when it is a holiday or weekend. */
function shiftToTradingDay(day: number, calendar: TradingCalendar): number {
  return calendar.isTradingDay(day) ? day : calendar.previousTradingDay(day);
}

/**
 * NSE monthly expiries on or after `date`: the last Tuesday of each month (moved to the previous
 * trading day when that is a holiday). Returns `count` expiries (00:00 IST of each).
 */
export function monthlyExpiries(
  date: number,
  count: number,
  calendar: TradingCalendar = DEFAULT_CALENDAR,
): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let { year, month } = istParts(today);
  while (out.length < count) {
    const d = shiftToTradingDay(lastWeekdayOfMonth(year, month, NSE_EXPIRY_WEEKDAY), calendar);
    if (d >= today) out.push(d);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

/**
 * NIFTY weekly expiries on or after `date`: every Tuesday (previous trading day on holidays).
 * Includes the monthly ones (they are the last Tuesday's weekly).
 */
export function weeklyExpiries(
  date: number,
  count: number,
  calendar: TradingCalendar = DEFAULT_CALENDAR,
): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let d = today;
  while (istParts(d).weekday !== NSE_EXPIRY_WEEKDAY) d += DAY_MS;
  // A Tuesday holiday shifts to Monday, which may be "today" even when Tuesday is tomorrow.
  for (let guard = 0; out.length < count && guard < 1000; guard++, d += 7 * DAY_MS) {
    const e = shiftToTradingDay(d, calendar);
    if (e >= today) out.push(e);
  }
  return out;
}

/** MCX expiries: the `day`-th of each month (0 = last trading day), previous trading day on holidays. */
function commodityExpiries(date: number, day: number, count: number, calendar: TradingCalendar): number[] {
  const today = istDayStart(date);
  const out: number[] = [];
  let { year, month } = istParts(today);
  while (out.length < count) {
    const raw =
      day === 0
        ? (month === 12 ? istToEpoch(year + 1, 1, 1) : istToEpoch(year, month + 1, 1)) - DAY_MS
        : istToEpoch(year, month, day);
    const d = shiftToTradingDay(raw, calendar);
    if (d >= today) out.push(d);
    month++;
    if (month > 12) {
      month = 1;
      year++;
    }
  }
  return out;
}

// ─────────────────────────────── symbols and rows ───────────────────────────────

/** `28MAR24` of an expiry day. */
function expiryCode(expiry: number): string {
  const p = istParts(expiry);
  return `${String(p.day).padStart(2, '0')}${MONTHS[p.month - 1]}${String(p.year % 100).padStart(2, '0')}`;
}

/** Futures symbol per docs/protocol/scrip-master.md#symbols: `NIFTY28MAR24FUT`. */
export function futureSymbol(name: string, expiry: number): string {
  return `${name}${expiryCode(expiry)}FUT`;
}

/** Option symbol per docs/protocol/scrip-master.md#symbols: `NIFTY25JAN2418000CE` (strike in paise; whole rupees printed bare). */
export function optionSymbol(name: string, expiry: number, strikePaise: number, type: 'CE' | 'PE'): string {
  const rupees = strikePaise % 100 === 0 ? String(strikePaise / 100) : (strikePaise / 100).toString();
  return `${name}${expiryCode(expiry)}${rupees}${type}`;
}

/** The parsed form of a derivative trading symbol. */
export interface ParsedDerivativeSymbol {
  name: string;
  /** 00:00 IST of the expiry day. */
  expiry: number;
  kind: 'FUT' | 'CE' | 'PE';
  /** Strike in paise (options only). */
  strike?: number;
}

const DERIVATIVE_RE = /^([A-Z0-9&-]+?)(\d{2})([A-Z]{3})(\d{2})(?:(FUT)|(\d+(?:\.\d+)?)(CE|PE))$/;

/** Parses a derivative symbol (docs/protocol/scrip-master.md#symbols regex); undefined when it is not one. */
export function parseDerivativeSymbol(symbol: string): ParsedDerivativeSymbol | undefined {
  const m = DERIVATIVE_RE.exec(symbol);
  if (!m) return undefined;
  const expiry = parseExpiry(`${m[2]}${m[3]}20${m[4]}`);
  if (expiry === undefined) return undefined;
  if (m[5] === 'FUT') return { name: m[1]!, expiry, kind: 'FUT' };
  return { name: m[1]!, expiry, kind: m[7] as 'CE' | 'PE', strike: Math.round(Number(m[6]) * 100) };
}

/** The scrip-master row of an instrument (all strings, strike × 100 and tick in paise with 6 decimals). */
export function toScripMasterRow(inst: Instrument): ScripMasterRow {
  const strike =
    inst.strike !== undefined
      ? `${inst.strike}.000000`
      : inst.instrumentType === 'AMXIDX'
        ? '0.000000'
        : '-1.000000';
  return {
    token: inst.token,
    symbol: inst.symbol,
    name: inst.name,
    expiry: inst.expiry !== undefined ? formatExpiry(inst.expiry) : '',
    strike,
    lotsize: String(inst.lotSize),
    instrumenttype: inst.instrumentType,
    exch_seg: inst.exchange,
    tick_size: `${inst.tickSize}.000000`,
  };
}

/** NSE cash tick (paise) for a price (paise): ₹0.01 below ₹250, else ₹0.05. */
export function equityTick(pricePaise: number): number {
  return pricePaise < 25_000 ? 1 : 5;
}

// ─────────────────────────────── built-in universe ───────────────────────────────

/** Options of {@link buildUniverse}. */
export interface BuildUniverseOptions {
  /**
   * The day the universe is built for: expiries are on or after it.
   * @default the current wall-clock date
   */
  date?: number;
  /**
   * Seed for the reference prices (each underlying's start price is moved by up to ±3 %).
   * @default 1
   */
  seed?: number;
  /** Trading calendar for expiry shifting. @default the built-in holiday list */
  calendar?: TradingCalendar;
  /**
   * Strikes on each side of the at-the-money strike for near expiries.
   * @default 20
   */
  strikesEachSide?: number;
}

/**
 * Builds the built-in universe for `date` (see docs/paper-broker-market.md for the exact contents):
 * NSE equities (real tokens), a few BSE listings, NIFTY / BANKNIFTY / FINNIFTY indices with futures (3
 * monthly expiries) and options (NIFTY: 4 weekly + 3 monthly, others 3 monthly; ±20 strikes for the two
 * nearest expiries, ±10 for the others), stock futures and options, and MCX commodity futures.
 */
export function buildUniverse(options: BuildUniverseOptions = {}): Universe {
  const date = istDayStart(options.date ?? Date.now());
  const seed = options.seed ?? 1;
  const calendar = options.calendar ?? DEFAULT_CALENDAR;
  const each = options.strikesEachSide ?? 20;
  const instruments: Instrument[] = [];
  const drivers: DriverSpec[] = [];
  const driverOf = new Map<string, string>();
  const bands = new Map<string, number>();

  const jitter = (name: string) => {
    const r = new Rng(mixSeed(seed, hashString(name)));
    return 1 + (r.next() * 2 - 1) * 0.03;
  };
  const add = (inst: Instrument, driver: string) => {
    instruments.push(inst);
    driverOf.set(instrumentKey(inst.exchange, inst.token), driver);
  };
  const ex = (e: Exchange): ExchangeType => EXCHANGE_TO_EXCHANGE_TYPE[e];

  // Indices
  for (const ix of INDICES) {
    const base = Math.round(ix.price * 100 * jitter(ix.name));
    const key = `IDX:${ix.name}`;
    drivers.push({
      key,
      name: ix.name,
      cls: 'index',
      basePrice: base,
      vol: ix.vol,
      marketCorr: ix.corr,
      carry: RISK_FREE_RATE,
      tick: 1,
    });
    add(
      {
        exchange: 'NSE',
        exchangeType: ex('NSE'),
        token: ix.token,
        symbol: ix.symbol,
        name: ix.name,
        instrumentType: 'AMXIDX',
        segment: 'IDX',
        lotSize: 1,
        tickSize: 0,
        freezeQty: Number.POSITIVE_INFINITY,
        tradable: false,
      },
      key,
    );
  }

  // Equities (NSE + some BSE listings)
  for (const eq of EQUITIES) {
    const base = Math.round(eq.price * 100 * jitter(eq.symbol));
    const tick = equityTick(base);
    const key = `EQ:${eq.symbol}`;
    drivers.push({
      key,
      name: eq.symbol,
      cls: 'equity',
      basePrice: Math.round(base / tick) * tick,
      vol: eq.vol,
      marketCorr: 0.55,
      carry: RISK_FREE_RATE,
      tick,
    });
    const listings: [Exchange, string, string][] = [['NSE', eq.nse, `${eq.symbol}-EQ`]];
    if (eq.bse) listings.push(['BSE', eq.bse, eq.symbol]);
    for (const [exchange, token, symbol] of listings) {
      add(
        {
          exchange,
          exchangeType: ex(exchange),
          token,
          symbol,
          name: eq.symbol,
          instrumentType: '',
          segment: 'EQ',
          lotSize: 1,
          tickSize: tick,
          freezeQty: Number.POSITIVE_INFINITY,
          isin: eq.isin,
          tradable: true,
        },
        key,
      );
      bands.set(instrumentKey(exchange, token), eq.band);
    }
  }

  // NFO: index and stock derivatives. Tokens are synthetic, assigned in a fixed order.
  let nfoToken = 35001;
  const monthly = monthlyExpiries(date, 3, calendar);
  const addFuture = (
    name: string,
    underlying: string,
    expiry: number,
    lot: number,
    freeze: number,
    itype: string,
    tick: number,
  ) => {
    const token = String(nfoToken++);
    add(
      {
        exchange: 'NFO',
        exchangeType: ex('NFO'),
        token,
        symbol: futureSymbol(name, expiry),
        name,
        instrumentType: itype,
        segment: 'FO',
        lotSize: lot,
        tickSize: tick,
        freezeQty: freeze,
        expiry,
        underlyingToken: underlying,
        tradable: true,
      },
      `${itype === 'FUTIDX' ? 'IDX' : 'EQ'}:${name}`,
    );
  };
  const addOptions = (
    name: string,
    underlying: string,
    expiry: number,
    atm: number,
    step: number,
    n: number,
    lot: number,
    freeze: number,
    itype: string,
  ) => {
    for (let i = -n; i <= n; i++) {
      const strike = atm + i * step;
      if (strike <= 0) continue;
      for (const type of ['CE', 'PE'] as const) {
        const token = String(nfoToken++);
        add(
          {
            exchange: 'NFO',
            exchangeType: ex('NFO'),
            token,
            symbol: optionSymbol(name, expiry, strike, type),
            name,
            instrumentType: itype,
            segment: 'FO',
            lotSize: lot,
            tickSize: 5,
            freezeQty: freeze,
            expiry,
            strike,
            optionType: type,
            underlyingToken: underlying,
            tradable: true,
          },
          `${itype === 'OPTIDX' ? 'IDX' : 'EQ'}:${name}`,
        );
      }
    }
  };

  for (const ix of INDICES) {
    const spot = drivers.find((d) => d.key === `IDX:${ix.name}`)!.basePrice;
    const freeze = effectiveFreeze(ix.freeze, ix.lot);
    for (const e of monthly) addFuture(ix.name, ix.token, e, ix.lot, freeze, 'FUTIDX', 10);
    const expiries = ix.weekly
      ? [...new Set([...weeklyExpiries(date, 4, calendar), ...monthly])].sort((a, b) => a - b)
      : monthly;
    const stepPaise = ix.strikeStep * 100;
    const atm = Math.round(spot / stepPaise) * stepPaise;
    expiries.forEach((e, i) => {
      addOptions(
        ix.name,
        ix.token,
        e,
        atm,
        stepPaise,
        i < 2 ? each : Math.ceil(each / 2),
        ix.lot,
        freeze,
        'OPTIDX',
      );
    });
  }
  for (const eq of EQUITIES) {
    if (!eq.lot) continue;
    const spot = drivers.find((d) => d.key === `EQ:${eq.symbol}`)!.basePrice;
    const freeze = eq.lot * 20;
    for (const e of monthly) addFuture(eq.symbol, eq.nse, e, eq.lot, freeze, 'FUTSTK', 10);
    if (eq.strikeStep) {
      const stepPaise = eq.strikeStep * 100;
      const atm = Math.round(spot / stepPaise) * stepPaise;
      addOptions(
        eq.symbol,
        eq.nse,
        monthly[0]!,
        atm,
        stepPaise,
        Math.ceil(each / 2),
        eq.lot,
        freeze,
        'OPTSTK',
      );
    }
  }

  // MCX commodity futures (hidden spot driver per commodity).
  let mcxToken = 430001;
  for (const c of COMMODITIES) {
    const key = `COM:${c.name}`;
    drivers.push({
      key,
      name: c.name,
      cls: 'commodity',
      basePrice: Math.round(c.price * 100 * jitter(c.name)),
      vol: c.vol,
      marketCorr: 0,
      carry: 0.05,
      tick: 1,
    });
    for (const e of commodityExpiries(date, c.expiryDay, 3, calendar)) {
      const token = String(mcxToken++);
      add(
        {
          exchange: 'MCX',
          exchangeType: ex('MCX'),
          token,
          symbol: futureSymbol(c.name, e),
          name: c.name,
          instrumentType: 'FUTCOM',
          segment: 'COM',
          lotSize: c.lot,
          tickSize: c.tick,
          freezeQty: c.lot * 50,
          expiry: e,
          tradable: true,
        },
        key,
      );
      bands.set(instrumentKey('MCX', token), c.band);
    }
  }

  return {
    instruments,
    scripMaster: instruments.map(toScripMasterRow),
    drivers,
    driverOf,
    bands,
    skipped: 0,
  };
}

// ─────────────────────────────── scrip-master loading ───────────────────────────────

const KNOWN_EXCHANGES: Readonly<Record<string, Exchange>> = {
  NSE: 'NSE',
  BSE: 'BSE',
  NFO: 'NFO',
  BFO: 'BFO',
  MCX: 'MCX',
  CDS: 'CDS',
  NCDEX: 'NCDEX',
  NSE_CM: 'NSE',
  NSE_FO: 'NFO',
  BSE_CM: 'BSE',
  BSE_FO: 'BFO',
  MCX_FO: 'MCX',
  NCX_FO: 'NCDEX',
  CDE_FO: 'CDS',
};

function segmentOf(exchange: Exchange, itype: string): Segment {
  if (itype === 'AMXIDX' || itype === 'INDEX') return 'IDX';
  switch (exchange) {
    case 'NSE':
    case 'BSE':
      return 'EQ';
    case 'NFO':
    case 'BFO':
      return 'FO';
    case 'CDS':
      return 'CUR';
    default:
      return 'COM';
  }
}

const isStr = (v: unknown): v is string => typeof v === 'string';

/**
 * Converts parsed scrip-master JSON (an array of row objects) into a {@link Universe}. Rows that are
 * not objects, lack `token`/`symbol`/`exch_seg`, have an unknown exchange, a non-numeric lot/tick/strike,
 * a malformed expiry, or duplicate an (exchange, token) pair are skipped and counted in `skipped`.
 */
export function universeFromScripMaster(rows: unknown, seed = 1): Universe {
  if (!Array.isArray(rows)) throw new TypeError('scrip master: expected a JSON array of rows');
  const instruments: Instrument[] = [];
  const scripMaster: ScripMasterRow[] = [];
  const seen = new Set<string>();
  let skipped = 0;
  for (const raw of rows as unknown[]) {
    if (typeof raw !== 'object' || raw === null) {
      skipped++;
      continue;
    }
    const r = raw as Record<string, unknown>;
    const exchange = isStr(r.exch_seg) ? KNOWN_EXCHANGES[r.exch_seg.toUpperCase()] : undefined;
    const token = isStr(r.token) ? r.token.trim() : typeof r.token === 'number' ? String(r.token) : '';
    const symbol = isStr(r.symbol) ? r.symbol.trim() : '';
    if (!exchange || !/^\d{1,20}$/.test(token) || symbol === '') {
      skipped++;
      continue;
    }
    const itype = isStr(r.instrumenttype) ? r.instrumenttype.trim().toUpperCase() : '';
    const lot = Number(r.lotsize ?? 1);
    const tick = Number(r.tick_size ?? 0);
    const strikeRaw = Number(r.strike ?? -1);
    const expiryText = isStr(r.expiry) ? r.expiry.trim() : '';
    const expiry = expiryText === '' ? undefined : parseExpiry(expiryText);
    if (
      !Number.isFinite(lot) ||
      lot <= 0 ||
      !Number.isFinite(tick) ||
      tick < 0 ||
      !Number.isFinite(strikeRaw)
    ) {
      skipped++;
      continue;
    }
    if (expiryText !== '' && expiry === undefined) {
      skipped++;
      continue;
    }
    const key = instrumentKey(exchange, token);
    if (seen.has(key)) {
      skipped++;
      continue;
    }
    seen.add(key);
    const name =
      isStr(r.name) && r.name.trim() !== '' ? r.name.trim() : symbol.replace(/-[A-Z0-9]{1,3}$/, '');
    const segment = segmentOf(exchange, itype);
    const isOption =
      itype.startsWith('OPT') || (/(CE|PE)$/.test(symbol) && expiry !== undefined && strikeRaw > 0);
    const lotSize = Math.round(lot);
    const limit = INDEX_FREEZE_LIMITS[name];
    const inst: Instrument = {
      exchange,
      exchangeType: EXCHANGE_TO_EXCHANGE_TYPE[exchange],
      token,
      symbol,
      name,
      instrumentType: itype,
      segment,
      lotSize,
      tickSize: tick,
      freezeQty:
        segment === 'FO' && limit !== undefined
          ? effectiveFreeze(limit, lotSize)
          : segment === 'EQ' || segment === 'IDX'
            ? Number.POSITIVE_INFINITY
            : lotSize * 100,
      tradable: segment !== 'IDX',
    };
    if (expiry !== undefined) inst.expiry = expiry;
    if (isOption && strikeRaw > 0) {
      inst.strike = Math.round(strikeRaw);
      inst.optionType = symbol.endsWith('PE') ? 'PE' : 'CE';
    }
    instruments.push(inst);
    scripMaster.push({
      token,
      symbol,
      name,
      expiry: expiryText,
      strike: isStr(r.strike) ? r.strike : strikeRaw.toFixed(6),
      lotsize: String(lotSize),
      instrumenttype: itype,
      exch_seg: isStr(r.exch_seg) ? r.exch_seg : exchange,
      tick_size: isStr(r.tick_size) ? r.tick_size : tick.toFixed(6),
    });
  }
  const { drivers, driverOf, bands } = deriveDrivers(instruments, seed);
  return { instruments, scripMaster, drivers, driverOf, bands, skipped };
}

/**
 * Loads a real scrip-master JSON file (`--instruments FILE`) as the universe. Throws when the file
 * cannot be read or is not a JSON array; malformed rows are skipped and counted.
 */
export function loadScripMaster(file: string, seed = 1): Universe {
  const text = readFileSync(file, 'utf8');
  return universeFromScripMaster(JSON.parse(text) as unknown, seed);
}

/**
 * Builds price drivers for an arbitrary instrument list: one per index / company name (NSE and BSE
 * listings of a name share it) and one per commodity name. Start prices come from the built-in
 * reference table when the name is known, else from the median option strike of that name, else a
 * seeded price.
 */
function deriveDrivers(
  instruments: Instrument[],
  seed: number,
): Pick<Universe, 'drivers' | 'driverOf' | 'bands'> {
  const known = new Map<string, { price: number; vol: number; corr: number; cls: DriverClass }>();
  for (const ix of INDICES) known.set(ix.name, { price: ix.price, vol: ix.vol, corr: ix.corr, cls: 'index' });
  for (const eq of EQUITIES)
    known.set(eq.symbol, { price: eq.price, vol: eq.vol, corr: 0.55, cls: 'equity' });
  for (const c of COMMODITIES) known.set(c.name, { price: c.price, vol: c.vol, corr: 0, cls: 'commodity' });
  const strikes = new Map<string, number[]>();
  for (const i of instruments) {
    if (i.strike !== undefined) {
      let s = strikes.get(i.name);
      if (!s) {
        s = [];
        strikes.set(i.name, s);
      }
      s.push(i.strike);
    }
  }
  const drivers = new Map<string, DriverSpec>();
  const driverOf = new Map<string, string>();
  const bands = new Map<string, number>();
  for (const i of instruments) {
    const cls: DriverClass =
      i.segment === 'IDX' || i.instrumentType.endsWith('IDX')
        ? 'index'
        : i.segment === 'COM'
          ? 'commodity'
          : i.segment === 'CUR'
            ? 'currency'
            : 'equity';
    const key = `${cls === 'index' ? 'IDX' : cls === 'commodity' ? 'COM' : cls === 'currency' ? 'CUR' : 'EQ'}:${i.name}`;
    driverOf.set(instrumentKey(i.exchange, i.token), key);
    if (i.segment === 'EQ') bands.set(instrumentKey(i.exchange, i.token), 0.2);
    if (drivers.has(key)) continue;
    const k = known.get(i.name);
    let price: number;
    if (k) price = k.price * 100;
    else {
      const s = strikes.get(i.name);
      if (s && s.length > 0) {
        s.sort((a, b) => a - b);
        price = s[Math.floor(s.length / 2)]!;
      } else {
        const r = new Rng(mixSeed(seed, hashString(key)));
        price = Math.round(Math.exp(Math.log(2000) + r.normal() * 1.2)) * 5 + 100;
      }
    }
    const tick = cls === 'equity' ? equityTick(price) : 1;
    drivers.set(key, {
      key,
      name: i.name,
      cls,
      basePrice: Math.max(tick, Math.round(price / tick) * tick),
      vol: k?.vol ?? (cls === 'index' ? 0.15 : cls === 'commodity' ? 0.25 : cls === 'currency' ? 0.05 : 0.3),
      marketCorr: k?.corr ?? (cls === 'equity' ? 0.5 : cls === 'index' ? 0.8 : 0),
      carry: cls === 'commodity' ? 0.05 : RISK_FREE_RATE,
      tick,
    });
  }
  return { drivers: [...drivers.values()], driverOf, bands };
}
