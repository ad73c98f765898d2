/**
 * The paper broker's instrument universe: the built-in one ({@link buildUniverse}, from the tables in
 * `instruments/`) and a real scrip master loaded from a file (`loadScripMaster` in `scrip-master.ts`).
 * Both produce the same {@link Universe}: the instruments, the scrip-master rows served at
 * `/OpenAPI_File/files/OpenAPIScripMaster.json`, and the price "drivers" (one random walk per index,
 * company or commodity) the synthetic source moves.
 */
import type { Exchange, ExchangeType, ScripMasterRow } from '@smartapi-ts/protocol';
import { EXCHANGE_TO_EXCHANGE_TYPE, istDayStart } from '@smartapi-ts/protocol';
import { DEFAULT_CALENDAR, type TradingCalendar } from './calendar.js';
import {
  commodityExpiries,
  monthlyExpiries,
  NSE_EXPIRY_WEEKDAY,
  weeklyExpiries,
} from './instruments/expiries.js';
import {
  COMMODITIES,
  EQUITIES,
  effectiveFreeze,
  INDICES,
  RISK_FREE_RATE,
} from './instruments/reference-data.js';
import { equityTick, futureSymbol, optionSymbol, toScripMasterRow } from './instruments/symbols.js';
import { hashString, mixSeed, Rng } from './rng.js';
import type { Instrument } from './types.js';

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
  /**
   * Look-up maps a loader built while it read the rows (a scrip-master file): the market uses them as
   * they are instead of a second pass over ~160,000 instruments. Every instrument has a driver.
   */
  index?: {
    /** `EXCHANGE:token` → instrument. */
    byKey: Map<string, Instrument>;
    /** `EXCHANGE:symbol` → instrument (exact; plus an upper-case entry for symbols with lower case). */
    bySymbol: Map<string, Instrument>;
  };
}

/** `EXCHANGE:token`, the key used by all maps of the market. */
export function instrumentKey(exchange: string, token: string): string {
  return `${exchange}:${token}`;
}

export {
  BSE_EXPIRY_WEEKDAY,
  monthlyExpiries,
  NSE_EXPIRY_WEEKDAY,
  weeklyExpiries,
} from './instruments/expiries.js';
export { effectiveFreeze, INDEX_FREEZE_LIMITS, RISK_FREE_RATE } from './instruments/reference-data.js';
export {
  equityTick,
  futureSymbol,
  optionSymbol,
  type ParsedDerivativeSymbol,
  parseDerivativeSymbol,
  toScripMasterRow,
} from './instruments/symbols.js';

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
 * NSE equities (real tokens), a few BSE listings, NIFTY / BANKNIFTY / FINNIFTY / MIDCPNIFTY (NFO) and
 * SENSEX (BSE index, derivatives on BFO) with futures (3 monthly expiries) and options (NIFTY and
 * SENSEX: 4 weekly + 3 monthly, others 3 monthly; ±20 strikes for the two nearest expiries, ±10 for the
 * others), stock futures and options, and MCX commodity futures.
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
    const cashEx: Exchange = ix.exchange ?? 'NSE';
    add(
      {
        exchange: cashEx,
        exchangeType: ex(cashEx),
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
  /** Derivatives of an index numbered apart (`IndexSpec.firstToken`) and listed on BFO or NFO. */
  let series: { exchange: 'NFO' | 'BFO'; next: number } | undefined;
  const nextToken = (): string => (series ? String(series.next++) : String(nfoToken++));
  const foExchange = (): 'NFO' | 'BFO' => series?.exchange ?? 'NFO';
  const addFuture = (
    name: string,
    underlying: string,
    expiry: number,
    lot: number,
    freeze: number,
    itype: string,
    tick: number,
  ) => {
    const token = nextToken();
    add(
      {
        exchange: foExchange(),
        exchangeType: ex(foExchange()),
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
        const token = nextToken();
        add(
          {
            exchange: foExchange(),
            exchangeType: ex(foExchange()),
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
    const weekday = ix.expiryWeekday ?? NSE_EXPIRY_WEEKDAY;
    series =
      ix.firstToken !== undefined
        ? { exchange: ix.exchange === 'BSE' ? 'BFO' : 'NFO', next: ix.firstToken }
        : undefined;
    const ixMonthly = weekday === NSE_EXPIRY_WEEKDAY ? monthly : monthlyExpiries(date, 3, calendar, weekday);
    for (const e of ixMonthly) addFuture(ix.name, ix.token, e, ix.lot, freeze, 'FUTIDX', 10);
    const expiries = ix.weekly
      ? [...new Set([...weeklyExpiries(date, 4, calendar, weekday), ...ixMonthly])].sort((a, b) => a - b)
      : ixMonthly;
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
  series = undefined;
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
