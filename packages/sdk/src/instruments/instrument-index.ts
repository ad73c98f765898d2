/**
 * The instrument index: lookups by token, by exchange + trading symbol (series-aware), by name + expiry
 * + strike + option type, fuzzy search, expiries, option chains and ATM strikes over one scrip master.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { dayStartMs, dayToExpiryText, istDayNumber, toExpiryDay } from './dates.js';
import { NameIndex, SearchEngine } from './search.js';
import { type ColumnStore, EXCHANGE_TYPES, EXCHANGES, exchangeCode, KIND, KIND_NAMES } from './store.js';
import { buildSymbol, parseSymbol } from './symbols.js';
import type {
  Instrument,
  InstrumentKind,
  InstrumentsSource,
  OptionType,
  ParsedSymbol,
  SymbolSpec,
} from './types.js';

/**
 * Cash series tried, in order, when an NSE-style symbol is given without its series
 * (`SBIN` → `SBIN-EQ`, then `SBIN-BE`, …). Other series follow alphabetically.
 */
export const SERIES_PRIORITY: readonly string[] = ['EQ', 'BE', 'BZ', 'SM', 'ST', 'IV', 'RR', 'GB', 'N1'];

/** Options of {@link InstrumentIndex.search}. */
export interface SearchOptions {
  /** Only instruments of these exchanges. */
  exchange?: Exchange | readonly Exchange[];
  /** Only instruments of these kinds. */
  kind?: InstrumentKind | readonly InstrumentKind[];
  /** Maximum number of results. @default 20 */
  limit?: number;
}

/** Selects the derivatives of an underlying. */
export interface DerivativeOptions {
  /**
   * Exchange of the contracts. When omitted, the first exchange (NFO, BFO, MCX, CDS, NCDEX order) that
   * lists derivatives of the name is used, so NIFTY means NFO and SENSEX means BFO.
   */
  exchange?: Exchange;
  /** Futures, options or both. @default 'ANY' */
  kind?: 'FUT' | 'OPT' | 'ANY';
}

/** One strike of an option chain. */
export interface OptionChainStrike {
  /** Strike in rupees. */
  strike: number;
  /** The call at this strike, when listed. */
  ce: Instrument | null;
  /** The put at this strike, when listed. */
  pe: Instrument | null;
}

/** The options of one underlying and expiry, by strike. */
export interface OptionChain {
  name: string;
  exchange: Exchange;
  /** Expiry day at 00:00 IST. */
  expiry: Date;
  /** `DDMMMYYYY`. */
  expiryText: string;
  /** Lot size of the contracts (of the first row). */
  lotSize: number;
  /** Strikes in ascending order. */
  strikes: OptionChainStrike[];
}

/** Query of {@link InstrumentIndex.findOption}. */
export interface OptionQuery {
  name: string;
  expiry: Date | string;
  /** Strike in rupees. */
  strike: number;
  optionType: OptionType;
  exchange?: Exchange;
}

const ALL_EXCHANGES_MASK = (1 << EXCHANGES.length) - 1;
const ALL_KINDS_MASK = (1 << KIND_NAMES.length) - 1;
const DERIVATIVE_EXCHANGE_ORDER = [1, 3, 4, 5, 6, 0, 2]; // NFO, BFO, MCX, CDS, NCDEX, NSE, BSE

function seriesRank(series: string): number {
  const i = SERIES_PRIORITY.indexOf(series);
  return i >= 0 ? i : SERIES_PRIORITY.length;
}

/** An immutable, in-memory index of one scrip master. Build it with {@link Instruments}. */
export class InstrumentIndex {
  readonly #s: ColumnStore;
  readonly #objs: (Instrument | undefined)[];
  #symMaps: Map<string, number>[] | undefined;
  #equityMaps: Map<string, number[]>[] | undefined;
  #names: NameIndex | undefined;
  #search: SearchEngine | undefined;
  /** Where the data came from. */
  readonly source: InstrumentsSource;

  /** @internal Use {@link Instruments.fromRows}, {@link Instruments.fromFile} or {@link Instruments.load}. */
  constructor(store: ColumnStore, source: InstrumentsSource) {
    this.#s = store;
    this.#objs = new Array(store.count);
    this.source = source;
  }

  /** Number of instruments indexed. */
  get size(): number {
    return this.#s.count;
  }

  /** Number of malformed or duplicate rows skipped while loading. */
  get skipped(): number {
    return this.#s.skipped;
  }

  /** All instruments, in file order. */
  *[Symbol.iterator](): IterableIterator<Instrument> {
    for (let i = 0; i < this.#s.count; i++) yield this.#at(i);
  }

  #at(i: number): Instrument {
    const cached = this.#objs[i];
    if (cached !== undefined) return cached;
    const s = this.#s;
    const ex = s.exch[i]!;
    const kind = KIND_NAMES[s.kind[i]!]!;
    const day = s.expiryDay[i]!;
    const sym = s.symbol[i]!;
    const ot = s.optType[i]!;
    const strike = s.strikeX100[i]!;
    const tick = s.tickPaise[i]!;
    let series: string | null = null;
    if (kind === 'EQ') {
      const dash = sym.lastIndexOf('-');
      if (dash > 0 && sym.length - dash <= 3) series = sym.slice(dash + 1);
    }
    const obj: Instrument = {
      token: s.token[i]!,
      symbol: sym,
      name: s.names[s.nameId[i]!]!,
      exchange: EXCHANGES[ex]!,
      exchangeType: EXCHANGE_TYPES[ex]!,
      instrumentType: s.types[s.typeId[i]!]!,
      kind,
      series,
      expiry: day >= 0 ? new Date(dayStartMs(day)) : null,
      expiryText: day >= 0 ? dayToExpiryText(day) : '',
      strike: Number.isNaN(strike) ? null : Math.round(strike * 10_000) / 1_000_000,
      optionType: ot === 1 ? 'CE' : ot === 2 ? 'PE' : null,
      lotSize: s.lot[i]!,
      tickSize: Math.round(tick * 10_000) / 1_000_000,
      tickSizePaise: tick,
    };
    this.#objs[i] = obj;
    return obj;
  }

  // ───────────── token / symbol lookups ─────────────

  /**
   * The instrument with this token. Tokens are unique per exchange only: pass `exchange` to be exact;
   * without it the first match in NSE, NFO, BSE, BFO, MCX, CDS, NCDEX order is returned. ~0.1 µs.
   */
  byToken(token: string | number, exchange?: Exchange): Instrument | undefined {
    const s = this.#s;
    let j = s.tokenHead.get(typeof token === 'string' ? token : String(token));
    if (j === undefined) return undefined;
    if (exchange !== undefined) {
      const ex = exchangeCode(exchange);
      for (; j >= 0; j = s.tokenNext[j]!) if (s.exch[j] === ex) return this.#at(j);
      return undefined;
    }
    let best = j;
    for (j = s.tokenNext[j]!; j >= 0; j = s.tokenNext[j]!) if (s.exch[j]! < s.exch[best]!) best = j;
    return this.#at(best);
  }

  /** Every instrument with this token (one per exchange at most). */
  byTokenAll(token: string | number): Instrument[] {
    const s = this.#s;
    const out: Instrument[] = [];
    for (let j = s.tokenHead.get(String(token)) ?? -1; j >= 0; j = s.tokenNext[j]!) out.push(this.#at(j));
    return out.sort((a, b) => EXCHANGES.indexOf(a.exchange) - EXCHANGES.indexOf(b.exchange));
  }

  #symbolMaps(): Map<string, number>[] {
    if (this.#symMaps) return this.#symMaps;
    const s = this.#s;
    const maps = EXCHANGES.map(() => new Map<string, number>());
    for (let i = 0; i < s.count; i++) {
      const m = maps[s.exch[i]!]!;
      const key = s.symbol[i]!.toUpperCase();
      if (!m.has(key)) m.set(key, i);
    }
    this.#symMaps = maps;
    return maps;
  }

  #equities(): Map<string, number[]>[] {
    if (this.#equityMaps) return this.#equityMaps;
    const s = this.#s;
    const maps = EXCHANGES.map(() => new Map<string, number[]>());
    for (let i = 0; i < s.count; i++) {
      if (s.kind[i] !== KIND.EQ) continue;
      const sym = s.symbol[i]!.toUpperCase();
      const dash = sym.lastIndexOf('-');
      if (dash <= 0 || sym.length - dash > 3) continue;
      const base = sym.slice(0, dash);
      const m = maps[s.exch[i]!]!;
      const list = m.get(base);
      if (list) list.push(i);
      else m.set(base, [i]);
    }
    for (const m of maps) {
      for (const list of m.values()) {
        if (list.length < 2) continue;
        const ser = (i: number) => {
          const sym = s.symbol[i]!;
          return sym.slice(sym.lastIndexOf('-') + 1).toUpperCase();
        };
        list.sort((a, b) => seriesRank(ser(a)) - seriesRank(ser(b)) || (ser(a) < ser(b) ? -1 : 1));
      }
    }
    this.#equityMaps = maps;
    return maps;
  }

  /**
   * The instrument with this trading symbol on this exchange (case-insensitive). Series-aware for cash:
   * a symbol without its series resolves to the best listed series ({@link SERIES_PRIORITY}: `SBIN` →
   * `SBIN-EQ`, else `SBIN-BE`, …).
   */
  bySymbol(exchange: Exchange, tradingsymbol: string): Instrument | undefined {
    const ex = exchangeCode(exchange);
    if (ex === undefined) return undefined;
    const map = this.#symbolMaps()[ex]!;
    let i = map.get(tradingsymbol);
    if (i === undefined) {
      const up = tradingsymbol.trim().toUpperCase();
      i = map.get(up);
      if (i === undefined) i = this.#equities()[ex]!.get(up)?.[0];
    }
    return i === undefined ? undefined : this.#at(i);
  }

  /**
   * Resolves user text to one instrument: `NSE:SBIN`, `NSE:SBIN-EQ`, `NFO:NIFTY25JAN2418000CE`,
   * `NSE:3045` (token), or a bare symbol/token. Without an exchange prefix, `defaultExchange` is tried
   * first, then derivative symbols on NFO, BFO, MCX, CDS, NCDEX, then every other exchange.
   * @param defaultExchange @default 'NSE'
   */
  resolve(text: string, defaultExchange: Exchange = 'NSE'): Instrument | undefined {
    const t = text.trim();
    const colon = t.indexOf(':');
    if (colon > 0) {
      const ex = exchangeCode(t.slice(0, colon));
      if (ex === undefined) return undefined;
      const rest = t.slice(colon + 1).trim();
      const exchange = EXCHANGES[ex]!;
      return this.bySymbol(exchange, rest) ?? (/^\d+$/.test(rest) ? this.byToken(rest, exchange) : undefined);
    }
    const order = [exchangeCode(defaultExchange) ?? 0, ...DERIVATIVE_EXCHANGE_ORDER];
    for (const ex of order) {
      const hit = this.bySymbol(EXCHANGES[ex]!, t);
      if (hit) return hit;
    }
    return /^\d+$/.test(t) ? (this.byToken(t, defaultExchange) ?? this.byToken(t)) : undefined;
  }

  // ───────────── search ─────────────

  /**
   * Fuzzy search by name or trading symbol (case-insensitive): exact > prefix > substring > subsequence,
   * cash and indices before futures before options (an exact match first whatever its kind). Typically
   * well under 2 ms on a full master; the search structures are built on the first call.
   */
  search(text: string, options: SearchOptions = {}): Instrument[] {
    if (!this.#search) this.#search = new SearchEngine(this.#s, this.#nameIndex());
    let exchangeMask = ALL_EXCHANGES_MASK;
    if (options.exchange !== undefined) {
      exchangeMask = 0;
      const list = typeof options.exchange === 'string' ? [options.exchange] : options.exchange;
      for (const e of list) {
        const c = exchangeCode(e);
        if (c !== undefined) exchangeMask |= 1 << c;
      }
    }
    let kindMask = ALL_KINDS_MASK;
    if (options.kind !== undefined) {
      kindMask = 0;
      const list = typeof options.kind === 'string' ? [options.kind] : options.kind;
      for (const k of list) {
        const c = KIND_NAMES.indexOf(k);
        if (c >= 0) kindMask |= 1 << c;
      }
    }
    const rows = this.#search.search(text, options.limit ?? 20, { exchangeMask, kindMask });
    return rows.map((i) => this.#at(i));
  }

  // ───────────── derivatives ─────────────

  #nameIndex(): NameIndex {
    if (!this.#names) this.#names = new NameIndex(this.#s);
    return this.#names;
  }

  /** Rows of the derivatives of `name` on one exchange (chosen as documented in DerivativeOptions). */
  #derivativeRows(name: string, opts: DerivativeOptions, filterDay?: number): number[] {
    const ni = this.#nameIndex();
    const s = this.#s;
    const ids = ni.nameIds(name.trim().toUpperCase());
    const kind = opts.kind ?? 'ANY';
    const byEx: number[][] = EXCHANGES.map(() => []);
    for (const id of ids) {
      if (kind !== 'OPT') {
        for (const r of ni.nonOptionRows(id)) if (s.kind[r] === KIND.FUT) byEx[s.exch[r]!]!.push(r);
      }
      if (kind !== 'FUT') for (const r of ni.optionRows(id)) byEx[s.exch[r]!]!.push(r);
    }
    const want = opts.exchange !== undefined ? exchangeCode(opts.exchange) : undefined;
    for (const ex of want !== undefined ? [want] : DERIVATIVE_EXCHANGE_ORDER) {
      let rows = byEx[ex]!;
      if (filterDay !== undefined) rows = rows.filter((r) => s.expiryDay[r] === filterDay);
      if (rows.length > 0) return rows;
    }
    return [];
  }

  /** Distinct expiries (`DDMMMYYYY`, chronological) of the futures/options of an underlying. */
  expiries(name: string, options: DerivativeOptions = {}): string[] {
    const days = new Set<number>();
    const s = this.#s;
    for (const r of this.#derivativeRows(name, options)) days.add(s.expiryDay[r]!);
    return [...days].sort((a, b) => a - b).map(dayToExpiryText);
  }

  /**
   * The first expiry of an underlying on or after the IST day of `at` (an expiry stays "nearest" for its
   * whole expiry day), or undefined when none is left.
   * @param at @default now
   */
  nearestExpiry(
    name: string,
    at: Date | number = Date.now(),
    options: DerivativeOptions = {},
  ): string | undefined {
    const today = istDayNumber(typeof at === 'number' ? at : at.getTime());
    let best = Number.POSITIVE_INFINITY;
    const s = this.#s;
    for (const r of this.#derivativeRows(name, options)) {
      const d = s.expiryDay[r]!;
      if (d >= today && d < best) best = d;
    }
    return best === Number.POSITIVE_INFINITY ? undefined : dayToExpiryText(best);
  }

  /**
   * The futures contract of an underlying for an expiry, or the nearest one not yet expired at `at`.
   */
  future(
    name: string,
    options: { expiry?: Date | string; exchange?: Exchange; at?: Date } = {},
  ): Instrument | undefined {
    const opts: DerivativeOptions = { kind: 'FUT' };
    if (options.exchange !== undefined) opts.exchange = options.exchange;
    const day =
      options.expiry !== undefined
        ? toExpiryDay(options.expiry)
        : toExpiryDay(this.nearestExpiry(name, options.at ?? Date.now(), opts) ?? '');
    if (day === undefined) return undefined;
    const rows = this.#derivativeRows(name, opts, day);
    return rows.length > 0 ? this.#at(rows[0]!) : undefined;
  }

  /**
   * The option chain of an underlying for one expiry: strikes ascending, each with its CE and PE rows.
   * Returns undefined when the name has no options for that expiry.
   */
  optionChain(
    name: string,
    expiry: Date | string,
    options: { exchange?: Exchange } = {},
  ): OptionChain | undefined {
    const day = toExpiryDay(expiry);
    if (day === undefined) return undefined;
    const opts: DerivativeOptions = { kind: 'OPT' };
    if (options.exchange !== undefined) opts.exchange = options.exchange;
    const rows = this.#derivativeRows(name, opts, day);
    if (rows.length === 0) return undefined;
    const s = this.#s;
    const byStrike = new Map<number, OptionChainStrike>();
    for (const r of rows) {
      const x = s.strikeX100[r]!;
      let e = byStrike.get(x);
      if (!e) {
        e = { strike: x / 100, ce: null, pe: null };
        byStrike.set(x, e);
      }
      const inst = this.#at(r);
      if (inst.optionType === 'CE') e.ce ??= inst;
      else if (inst.optionType === 'PE') e.pe ??= inst;
    }
    const first = this.#at(rows[0]!);
    return {
      name: first.name,
      exchange: first.exchange,
      expiry: new Date(dayStartMs(day)),
      expiryText: dayToExpiryText(day),
      lotSize: first.lotSize,
      strikes: [...byStrike.values()].sort((a, b) => a.strike - b.strike),
    };
  }

  /**
   * The listed strike closest to `price` for an underlying and expiry (ties go to the lower strike), or
   * undefined when there are no options.
   */
  atmStrike(
    name: string,
    expiry: Date | string,
    price: number,
    options: { exchange?: Exchange } = {},
  ): number | undefined {
    const day = toExpiryDay(expiry);
    if (day === undefined || !Number.isFinite(price)) return undefined;
    const opts: DerivativeOptions = { kind: 'OPT' };
    if (options.exchange !== undefined) opts.exchange = options.exchange;
    const s = this.#s;
    const target = price * 100;
    let best = Number.NaN;
    let bestDist = Number.POSITIVE_INFINITY;
    for (const r of this.#derivativeRows(name, opts, day)) {
      const x = s.strikeX100[r]!;
      const d = Math.abs(x - target);
      if (d < bestDist || (d === bestDist && x < best)) {
        best = x;
        bestDist = d;
      }
    }
    return Number.isNaN(best) ? undefined : best / 100;
  }

  /** The option with this underlying, expiry, strike (rupees) and right, if listed. */
  findOption(query: OptionQuery): Instrument | undefined {
    const day = toExpiryDay(query.expiry);
    if (day === undefined) return undefined;
    const opts: DerivativeOptions = { kind: 'OPT' };
    if (query.exchange !== undefined) opts.exchange = query.exchange;
    const s = this.#s;
    const x = Math.round(query.strike * 10_000) / 100;
    const ot = query.optionType === 'CE' ? 1 : 2;
    for (const r of this.#derivativeRows(query.name, opts, day)) {
      if (s.optType[r] === ot && Math.abs(s.strikeX100[r]! - x) < 1e-6) return this.#at(r);
    }
    return undefined;
  }

  /** Builds a venue trading symbol (see {@link buildSymbol}). */
  buildSymbol(spec: SymbolSpec): string {
    return buildSymbol(spec);
  }

  /** Parses a venue trading symbol (see {@link parseSymbol}). */
  parseSymbol(text: string): ParsedSymbol | undefined {
    return parseSymbol(text);
  }
}
