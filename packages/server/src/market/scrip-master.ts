/**
 * A real scrip master as the universe: rows of an `OpenAPIScripMaster.json` file turned into
 * instruments, with price drivers derived for them (see docs/paper-broker-market.md).
 */
import { isAscii } from 'node:buffer';
import { readFileSync } from 'node:fs';
import type { Exchange, ScripMasterRow } from '@smartapi-ts/protocol';
import { EXCHANGE_TO_EXCHANGE_TYPE, parseExpiry } from '@smartapi-ts/protocol';
import {
  COMMODITIES,
  EQUITIES,
  effectiveFreeze,
  INDEX_FREEZE_LIMITS,
  INDICES,
  RISK_FREE_RATE,
} from './instruments/reference-data.js';
import { equityTick } from './instruments/symbols.js';
import { hashString, mixSeed, Rng } from './rng.js';
import type { Instrument, Segment } from './types.js';
import { type DriverClass, type DriverSpec, instrumentKey, type Universe } from './universe.js';

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

/** 1 to 20 ASCII digits (a symbol token). */
function isDigits(s: string): boolean {
  if (s.length === 0 || s.length > 20) return false;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}

/**
 * Converts parsed scrip-master JSON (an array of row objects) into a {@link Universe}. Rows that are
 * not objects, lack `token`/`symbol`/`exch_seg`, have an unknown exchange, a non-numeric lot/tick/strike,
 * a malformed expiry, or duplicate an (exchange, token) pair are skipped and counted in `skipped`.
 *
 * One pass over the rows does everything per row (the instrument, its scrip-master row, its index
 * entries, its cash listing or derivative for {@link linkUnderlyings}, its price driver key): a real file
 * has ~160,000 rows, and a second pass over objects that have left the cache costs as much as the first.
 */
export function universeFromScripMaster(rows: unknown, seed = 1): Universe {
  if (!Array.isArray(rows)) throw new TypeError('scrip master: expected a JSON array of rows');
  const instruments: Instrument[] = [];
  const scripMaster: ScripMasterRow[] = [];
  const byKey = new Map<string, Instrument>();
  const bySymbol = new Map<string, Instrument>();
  /** Instruments whose symbol has a lower-case letter (each needs a second, upper-case entry). */
  const lowerCase: Instrument[] = [];
  const links = new UnderlyingLinks();
  const drivers = new DriverCollector(seed);
  /** A real file has a few hundred distinct expiry texts over ~160,000 rows: parse each once. */
  const expiries = new Map<string, number | undefined>();
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
    if (!exchange || !isDigits(token) || symbol === '') {
      skipped++;
      continue;
    }
    const itype = isStr(r.instrumenttype) ? r.instrumenttype.trim().toUpperCase() : '';
    const lot = Number(r.lotsize ?? 1);
    const tick = Number(r.tick_size ?? 0);
    const strikeRaw = Number(r.strike ?? -1);
    const expiryText = isStr(r.expiry) ? r.expiry.trim() : '';
    let expiry: number | undefined;
    if (expiryText !== '') {
      if (expiries.has(expiryText)) expiry = expiries.get(expiryText);
      else {
        expiry = parseExpiry(expiryText);
        expiries.set(expiryText, expiry);
      }
    }
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
    if (byKey.has(key)) {
      skipped++;
      continue;
    }
    const trimmedName = isStr(r.name) ? r.name.trim() : '';
    const name = trimmedName !== '' ? trimmedName : symbol.replace(/-[A-Z0-9]{1,3}$/, '');
    const segment = segmentOf(exchange, itype);
    const isOption =
      itype.startsWith('OPT') ||
      ((symbol.endsWith('CE') || symbol.endsWith('PE')) && expiry !== undefined && strikeRaw > 0);
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
    byKey.set(key, inst);
    bySymbol.set(`${exchange}:${symbol}`, inst);
    if (hasLowerCase(symbol)) lowerCase.push(inst);
    links.add(inst);
    drivers.add(inst, key);
    const lotText = String(lotSize);
    // A row already in the venue's form (every field a string, nothing trimmed or normalised) is kept
    // as it is: no copy of ~160,000 rows to allocate and collect at start.
    if (
      r.token === token &&
      r.symbol === symbol &&
      r.name === name &&
      r.expiry === expiryText &&
      isStr(r.strike) &&
      r.lotsize === lotText &&
      r.instrumenttype === itype &&
      isStr(r.exch_seg) &&
      isStr(r.tick_size)
    )
      scripMaster.push(r as unknown as ScripMasterRow);
    else
      scripMaster.push({
        token,
        symbol,
        name,
        expiry: expiryText,
        strike: isStr(r.strike) ? r.strike : strikeRaw.toFixed(6),
        lotsize: lotText,
        instrumenttype: itype,
        exch_seg: isStr(r.exch_seg) ? r.exch_seg : exchange,
        tick_size: isStr(r.tick_size) ? r.tick_size : tick.toFixed(6),
      });
  }
  // Symbols are upper case but for a few: only those need a second, upper-case entry.
  for (const inst of lowerCase) {
    const upper = `${inst.exchange}:${inst.symbol.toUpperCase()}`;
    if (!bySymbol.has(upper)) bySymbol.set(upper, inst);
  }
  links.link();
  return { instruments, scripMaster, ...drivers.finish(), skipped, index: { byKey, bySymbol } };
}

/** The text has a lower-case ASCII letter. */
function hasLowerCase(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 97 && c <= 122) return true;
  }
  return false;
}

/**
 * Sets `underlyingToken` of NFO/BFO derivatives to their underlying's token on NSE/BSE (the index of
 * the same name, else the `<NAME>-EQ` / `<NAME>` cash listing), which the expiry settlement's final
 * settlement price needs (docs/paper-broker-rules.md#expiry). Derivatives without one are left as they are.
 * Instruments are added as they are loaded; {@link link} runs once all are known.
 */
class UnderlyingLinks {
  // Cash listings by name, one map per exchange and kind (no composite keys to build per row).
  private readonly cash = {
    NSE: { IDX: new Map<string, string>(), EQ: new Map<string, string>() },
    BSE: { IDX: new Map<string, string>(), EQ: new Map<string, string>() },
  };
  private readonly derivatives: Instrument[] = [];

  add(i: Instrument): void {
    if (i.segment === 'FO') {
      this.derivatives.push(i);
      return;
    }
    if (i.exchange !== 'NSE' && i.exchange !== 'BSE') return;
    const maps = this.cash[i.exchange];
    if (i.segment === 'IDX') maps.IDX.set(i.name, i.token);
    else if (i.segment === 'EQ' && isCashListingOf(i.symbol, i.name) && !maps.EQ.has(i.name))
      maps.EQ.set(i.name, i.token);
  }

  link(): void {
    for (const i of this.derivatives) {
      if (i.underlyingToken !== undefined) continue;
      const maps = i.exchange === 'BFO' ? this.cash.BSE : this.cash.NSE;
      const token = i.instrumentType.endsWith('IDX')
        ? maps.IDX.get(i.name)
        : (maps.EQ.get(i.name) ?? maps.IDX.get(i.name));
      if (token !== undefined) i.underlyingToken = token;
    }
  }
}

/** `symbol` is `<name>-EQ` or `<name>` itself. */
function isCashListingOf(symbol: string, name: string): boolean {
  if (symbol === name) return true;
  return symbol.length === name.length + 3 && symbol.endsWith('-EQ') && symbol.startsWith(name);
}

/**
 * Loads a real scrip-master JSON file (`--instruments FILE`) as the universe. Throws when the file
 * cannot be read or is not a JSON array; malformed rows are skipped and counted.
 */
export function loadScripMaster(file: string, seed = 1): Universe {
  return universeFromScripMaster(JSON.parse(readJsonText(file)) as unknown, seed);
}

/**
 * A JSON file's text. The venue's scrip master is ASCII (~30 MB): checked with `isAscii` and decoded as
 * Latin-1, which is the same string as UTF-8 for ASCII and about twice as fast to build; other files are
 * decoded as UTF-8.
 */
function readJsonText(file: string): string {
  const bytes = readFileSync(file);
  return isAscii(bytes) ? bytes.toString('latin1') : bytes.toString('utf8');
}

/**
 * Builds price drivers for an arbitrary instrument list: one per index / company name (NSE and BSE
 * listings of a name share it) and one per commodity name. Start prices come from the built-in
 * reference table when the name is known, else from the median option strike of that name, else a
 * seeded price. Instruments are added as they are loaded (each gets its driver key and band at once);
 * {@link finish} prices the drivers, in the order their names first appeared.
 */
class DriverCollector {
  private readonly strikes = new Map<string, number[]>();
  private readonly driverOf = new Map<string, string>();
  private readonly bands = new Map<string, number>();
  /** Driver key per class prefix and name, built once per name. */
  private readonly keyOf = new Map<string, Map<string, string>>();
  /** The drivers to price: key, name and class, in first-appearance order. */
  private readonly pending = new Map<string, { name: string; cls: DriverClass }>();

  constructor(private readonly seed: number) {}

  add(i: Instrument, instKey: string): void {
    if (i.strike !== undefined) {
      let s = this.strikes.get(i.name);
      if (!s) {
        s = [];
        this.strikes.set(i.name, s);
      }
      s.push(i.strike);
    }
    const cls: DriverClass =
      i.segment === 'IDX' || i.instrumentType.endsWith('IDX')
        ? 'index'
        : i.segment === 'COM'
          ? 'commodity'
          : i.segment === 'CUR'
            ? 'currency'
            : 'equity';
    const prefix = cls === 'index' ? 'IDX' : cls === 'commodity' ? 'COM' : cls === 'currency' ? 'CUR' : 'EQ';
    let byName = this.keyOf.get(prefix);
    if (!byName) {
      byName = new Map();
      this.keyOf.set(prefix, byName);
    }
    let key = byName.get(i.name);
    if (key === undefined) {
      key = `${prefix}:${i.name}`;
      byName.set(i.name, key);
      if (!this.pending.has(key)) this.pending.set(key, { name: i.name, cls });
    }
    this.driverOf.set(instKey, key);
    if (i.segment === 'EQ') this.bands.set(instKey, 0.2);
  }

  finish(): Pick<Universe, 'drivers' | 'driverOf' | 'bands'> {
    const known = new Map<string, { price: number; vol: number; corr: number; cls: DriverClass }>();
    for (const ix of INDICES)
      known.set(ix.name, { price: ix.price, vol: ix.vol, corr: ix.corr, cls: 'index' });
    for (const eq of EQUITIES)
      known.set(eq.symbol, { price: eq.price, vol: eq.vol, corr: 0.55, cls: 'equity' });
    for (const c of COMMODITIES) known.set(c.name, { price: c.price, vol: c.vol, corr: 0, cls: 'commodity' });
    const drivers: DriverSpec[] = [];
    for (const [key, { name, cls }] of this.pending) {
      const k = known.get(name);
      let price: number;
      if (k) price = k.price * 100;
      else {
        const s = this.strikes.get(name);
        if (s && s.length > 0) {
          s.sort((a, b) => a - b);
          price = s[Math.floor(s.length / 2)]!;
        } else {
          const r = new Rng(mixSeed(this.seed, hashString(key)));
          price = Math.round(Math.exp(Math.log(2000) + r.normal() * 1.2)) * 5 + 100;
        }
      }
      const tick = cls === 'equity' ? equityTick(price) : 1;
      drivers.push({
        key,
        name,
        cls,
        basePrice: Math.max(tick, Math.round(price / tick) * tick),
        vol:
          k?.vol ?? (cls === 'index' ? 0.15 : cls === 'commodity' ? 0.25 : cls === 'currency' ? 0.05 : 0.3),
        marketCorr: k?.corr ?? (cls === 'equity' ? 0.5 : cls === 'index' ? 0.8 : 0),
        carry: cls === 'commodity' ? 0.05 : RISK_FREE_RATE,
        tick,
      });
    }
    return { drivers, driverOf: this.driverOf, bands: this.bands };
  }
}
