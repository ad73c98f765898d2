/**
 * Internal column store: the scrip master parsed once into compact parallel arrays (typed arrays for
 * numbers, interned names), so an index of 160k rows costs a few MB besides the token/symbol strings.
 */
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  type ExchangeType,
  parseExpiry,
} from '@smartapi-ts/protocol';
import { istDayNumber } from './dates.js';
import type { InstrumentKind } from './types.js';

/** Exchanges in lookup-priority order; a row's exchange is stored as its position here. */
export const EXCHANGES: readonly Exchange[] = ['NSE', 'NFO', 'BSE', 'BFO', 'MCX', 'CDS', 'NCDEX'];
/** exchangeType of each entry of {@link EXCHANGES}. */
export const EXCHANGE_TYPES: readonly ExchangeType[] = EXCHANGES.map((e) => EXCHANGE_TO_EXCHANGE_TYPE[e]);

const EXCHANGE_ALIASES: Readonly<Record<string, number>> = {
  NSE: 0,
  NSE_CM: 0,
  NFO: 1,
  NSE_FO: 1,
  BSE: 2,
  BSE_CM: 2,
  BFO: 3,
  BSE_FO: 3,
  MCX: 4,
  MCX_FO: 4,
  CDS: 5,
  CDE_FO: 5,
  NCDEX: 6,
  NCX_FO: 6,
};

/** Exchange code (position in {@link EXCHANGES}) of an exchange name or feed segment, case-insensitive. */
export function exchangeCode(text: string): number | undefined {
  const c = EXCHANGE_ALIASES[text];
  return c !== undefined ? c : EXCHANGE_ALIASES[text.trim().toUpperCase()];
}

/** Kind codes stored per row. */
export const KIND = { EQ: 0, INDEX: 1, FUT: 2, OPT: 3, OTHER: 4 } as const;
/** Kind code → kind name. */
export const KIND_NAMES: readonly InstrumentKind[] = ['EQ', 'INDEX', 'FUT', 'OPT', 'OTHER'];

function kindOf(instrumentType: string): number {
  if (instrumentType === '') return KIND.EQ;
  if (instrumentType.startsWith('OPT')) return KIND.OPT;
  if (instrumentType.startsWith('FUT')) return KIND.FUT;
  if (instrumentType === 'AMXIDX' || instrumentType === 'INDEX') return KIND.INDEX;
  return KIND.OTHER;
}

/** The parsed master. All arrays have `count` meaningful entries. */
export interface ColumnStore {
  count: number;
  skipped: number;
  /** token → the last row with that token; follow `tokenNext` for rows of other exchanges. */
  tokenHead: Map<string, number>;
  /** Next row with the same token, or -1. */
  tokenNext: Int32Array;
  token: string[];
  symbol: string[];
  /** Index into `names`. */
  nameId: Int32Array;
  names: string[];
  /** Index into {@link EXCHANGES}. */
  exch: Uint8Array;
  /** Index into `types`. */
  typeId: Uint16Array;
  types: string[];
  kind: Uint8Array;
  /** IST day number of the expiry, or -1. */
  expiryDay: Int32Array;
  /** Strike × 100 as in the master, or NaN when not an option. */
  strikeX100: Float64Array;
  /** 0 none, 1 CE, 2 PE. */
  optType: Uint8Array;
  lot: Int32Array;
  tickPaise: Float64Array;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

function num(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v === 'string') return v === '' ? Number.NaN : Number(v);
  return Number.NaN;
}

function grow<T extends Int32Array | Uint8Array | Uint16Array | Float64Array>(a: T, need: number): T {
  if (need <= a.length) return a;
  const b = new (a.constructor as new (n: number) => T)(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

/**
 * Incremental column-store builder. Rows that are not objects, lack a token or symbol, name an unknown
 * exchange, have a non-integer lot size, a non-numeric tick/strike, a derivative without a valid expiry,
 * or repeat an (exchange, token) pair already seen are skipped and counted.
 */
export class StoreBuilder {
  #count = 0;
  #skipped = 0;
  readonly #token: string[] = [];
  readonly #symbol: string[] = [];
  #nameId: Int32Array;
  readonly #names: string[] = [];
  readonly #nameMap = new Map<string, number>();
  #exch: Uint8Array;
  #typeId: Uint16Array;
  readonly #types: string[] = [];
  readonly #typeMap = new Map<string, number>();
  #kind: Uint8Array;
  #expiryDay: Int32Array;
  #strikeX100: Float64Array;
  #optType: Uint8Array;
  #lot: Int32Array;
  #tickPaise: Float64Array;
  #tokenNext: Int32Array;
  readonly #tokenHead = new Map<string, number>();
  readonly #expiryCache = new Map<string, number>();

  /** @param capacity expected number of rows (arrays grow as needed) */
  constructor(capacity = 1024) {
    const n = Math.max(16, capacity);
    this.#nameId = new Int32Array(n);
    this.#exch = new Uint8Array(n);
    this.#typeId = new Uint16Array(n);
    this.#kind = new Uint8Array(n);
    this.#expiryDay = new Int32Array(n);
    this.#strikeX100 = new Float64Array(n);
    this.#optType = new Uint8Array(n);
    this.#lot = new Int32Array(n);
    this.#tickPaise = new Float64Array(n);
    this.#tokenNext = new Int32Array(n);
  }

  #ensure(need: number): void {
    if (need <= this.#nameId.length) return;
    this.#nameId = grow(this.#nameId, need);
    this.#exch = grow(this.#exch, need);
    this.#typeId = grow(this.#typeId, need);
    this.#kind = grow(this.#kind, need);
    this.#expiryDay = grow(this.#expiryDay, need);
    this.#strikeX100 = grow(this.#strikeX100, need);
    this.#optType = grow(this.#optType, need);
    this.#lot = grow(this.#lot, need);
    this.#tickPaise = grow(this.#tickPaise, need);
    this.#tokenNext = grow(this.#tokenNext, need);
  }

  /** Adds every row of an array. */
  addAll(rows: readonly unknown[]): void {
    this.#ensure(this.#count + rows.length);
    for (let i = 0; i < rows.length; i++) this.add(rows[i]);
  }

  /** Adds one row (skipped and counted when malformed). */
  add(row: unknown): void {
    const r = row as Record<string, unknown> | null | undefined;
    if (r === null || typeof r !== 'object') {
      this.#skipped++;
      return;
    }
    const tok = str(r.token);
    const sym = str(r.symbol);
    const seg = r.exch_seg;
    if (!tok || !sym || typeof seg !== 'string') {
      this.#skipped++;
      return;
    }
    const ex = exchangeCode(seg);
    if (ex === undefined) {
      this.#skipped++;
      return;
    }
    const lotN = num(r.lotsize);
    if (!Number.isInteger(lotN) || lotN < 0) {
      this.#skipped++;
      return;
    }
    const tickRaw = r.tick_size;
    const tick = tickRaw === undefined || tickRaw === '' ? 0 : num(tickRaw);
    if (!(tick >= 0)) {
      this.#skipped++;
      return;
    }
    const it = typeof r.instrumenttype === 'string' ? r.instrumenttype.trim() : '';
    const k = kindOf(it);
    let day = -1;
    const expText = r.expiry;
    if (typeof expText === 'string' && expText !== '') {
      let d = this.#expiryCache.get(expText);
      if (d === undefined) {
        const ms = parseExpiry(expText);
        d = ms === undefined ? -2 : istDayNumber(ms);
        this.#expiryCache.set(expText, d);
      }
      day = d;
    }
    if (day === -2 || ((k === KIND.FUT || k === KIND.OPT) && day < 0)) {
      this.#skipped++;
      return;
    }
    let strike = Number.NaN;
    let ot = 0;
    if (k === KIND.OPT) {
      strike = num(r.strike);
      if (!(strike > 0)) {
        this.#skipped++;
        return;
      }
      ot = sym.endsWith('CE') ? 1 : sym.endsWith('PE') ? 2 : 0;
    } else if (r.strike !== undefined && r.strike !== '' && Number.isNaN(num(r.strike))) {
      this.#skipped++;
      return;
    }
    const head = this.#tokenHead.get(tok);
    for (let j = head ?? -1; j >= 0; j = this.#tokenNext[j]!) {
      if (this.#exch[j] === ex) {
        this.#skipped++;
        return;
      }
    }
    const i = this.#count;
    this.#ensure(i + 1);
    this.#tokenNext[i] = head ?? -1;
    this.#tokenHead.set(tok, i);
    const nm = typeof r.name === 'string' ? r.name : '';
    let nid = this.#nameMap.get(nm);
    if (nid === undefined) {
      nid = this.#names.length;
      this.#names.push(nm);
      this.#nameMap.set(nm, nid);
    }
    let tid = this.#typeMap.get(it);
    if (tid === undefined) {
      tid = this.#types.length;
      this.#types.push(it);
      this.#typeMap.set(it, tid);
    }
    this.#token.push(tok);
    this.#symbol.push(sym);
    this.#nameId[i] = nid;
    this.#exch[i] = ex;
    this.#typeId[i] = tid;
    this.#kind[i] = k;
    this.#expiryDay[i] = day;
    this.#strikeX100[i] = strike;
    this.#optType[i] = ot;
    this.#lot[i] = lotN;
    this.#tickPaise[i] = tick;
    this.#count = i + 1;
  }

  /** The finished store (arrays trimmed to the row count). */
  finish(): ColumnStore {
    const n = this.#count;
    return {
      count: n,
      skipped: this.#skipped,
      tokenHead: this.#tokenHead,
      tokenNext: this.#tokenNext.slice(0, n),
      token: this.#token,
      symbol: this.#symbol,
      nameId: this.#nameId.slice(0, n),
      names: this.#names,
      exch: this.#exch.slice(0, n),
      typeId: this.#typeId.slice(0, n),
      types: this.#types,
      kind: this.#kind.slice(0, n),
      expiryDay: this.#expiryDay.slice(0, n),
      strikeX100: this.#strikeX100.slice(0, n),
      optType: this.#optType.slice(0, n),
      lot: this.#lot.slice(0, n),
      tickPaise: this.#tickPaise.slice(0, n),
    };
  }
}

/** Parses scrip-master rows into a column store (see {@link StoreBuilder} for what is skipped). */
export function buildStore(rows: readonly unknown[]): ColumnStore {
  const b = new StoreBuilder(rows.length);
  b.addAll(rows);
  return b.finish();
}
