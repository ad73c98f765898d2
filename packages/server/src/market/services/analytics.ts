/** Derivatives analytics: `gainersLosers`, `putCallRatio` and `OIBuildup` over NFO futures and options. */
import type { ExpiryType, GainerLoser, OiBuildup, PutCallRatio } from '@smartapi-ts/protocol';
import {
  ExpiryType as ExpiryTypeEnum,
  GainersLosersDataType,
  isEnumValue,
  OiBuildupDataType,
} from '@smartapi-ts/protocol';
import type { Instrument, Market, Quote } from '../types.js';
import { bad, expiryClose, isObject, ok, round2, rupees, type ServiceResult } from './common.js';

// ───────────────────────────── analytics (docs/protocol/rest.md#gainers-losers, #put-call-ratio, #oi-buildup) ─────────────────────────────

const EXPIRY_INDEX: Readonly<Record<ExpiryType, number>> = { NEAR: 0, NEXT: 1, FAR: 2 };

/** NFO futures per underlying name, sorted by expiry (only contracts not yet expired). */
function futuresByName(market: Market): Map<string, Instrument[]> {
  const now = market.now();
  const map = new Map<string, Instrument[]>();
  for (const i of market.instruments()) {
    if (i.exchange !== 'NFO' || !i.instrumentType.startsWith('FUT') || i.expiry === undefined) continue;
    if (expiryClose(i) < now) continue;
    let l = map.get(i.name);
    if (!l) {
      l = [];
      map.set(i.name, l);
    }
    l.push(i);
  }
  for (const l of map.values()) l.sort((a, b) => a.expiry! - b.expiry!);
  return map;
}

function parseExpiryType(v: unknown): ExpiryType | undefined {
  const s = typeof v === 'string' ? v.trim().toUpperCase() : undefined;
  return s && isEnumValue(ExpiryTypeEnum, s) ? s : undefined;
}

interface FutureStats {
  inst: Instrument;
  quote: Quote;
  oi: number;
  prevOi: number;
}

/** OI of a future's underlying+expiry aggregated over its option strikes (the future's own OI when none). */
function aggregatedOi(
  market: Market,
  fut: Instrument,
  options: Map<string, Instrument[]>,
): { oi: number; prevOi: number } {
  const list = options.get(`${fut.name}|${fut.expiry}`);
  let oi = 0;
  let prevOi = 0;
  if (list && list.length > 0) {
    for (const o of list) {
      const q = market.quote(o.exchange, o.token);
      if (!q) continue;
      oi += q.openInterest;
      prevOi += q.prevOpenInterest ?? q.openInterest;
    }
    return { oi, prevOi };
  }
  const q = market.quote(fut.exchange, fut.token);
  return { oi: q?.openInterest ?? 0, prevOi: q?.prevOpenInterest ?? q?.openInterest ?? 0 };
}

function optionsByNameExpiry(market: Market): Map<string, Instrument[]> {
  const map = new Map<string, Instrument[]>();
  for (const i of market.instruments()) {
    if (i.exchange !== 'NFO' || !i.optionType) continue;
    const k = `${i.name}|${i.expiry}`;
    let l = map.get(k);
    if (!l) {
      l = [];
      map.set(k, l);
    }
    l.push(i);
  }
  return map;
}

function futureStats(market: Market, expiryType: ExpiryType, withOptionsOi: boolean): FutureStats[] {
  const idx = EXPIRY_INDEX[expiryType];
  const options = withOptionsOi ? optionsByNameExpiry(market) : new Map<string, Instrument[]>();
  const out: FutureStats[] = [];
  for (const list of futuresByName(market).values()) {
    const inst = list[idx];
    if (!inst) continue;
    const quote = market.quote(inst.exchange, inst.token);
    if (!quote) continue;
    const { oi, prevOi } = withOptionsOi
      ? aggregatedOi(market, inst, options)
      : { oi: quote.openInterest, prevOi: quote.prevOpenInterest ?? quote.openInterest };
    out.push({ inst, quote, oi, prevOi });
  }
  return out;
}

const pct = (now: number, before: number) => (before > 0 ? round2(((now - before) / before) * 100) : 0);

/**
 * `POST …/marketData/v1/gainersLosers`: top 10 NFO underlyings by % price change of the
 * `expirytype` future (price types) or by % change of OI aggregated over that expiry's options (OI
 * types), keyed by the future's symbol and token.
 */
export function gainersLosers(market: Market, body: unknown): ServiceResult<GainerLoser[]> {
  if (!isObject(body)) return bad('Invalid request body');
  const dt = typeof body.datatype === 'string' ? body.datatype.trim() : '';
  if (!isEnumValue(GainersLosersDataType, dt)) return bad('Invalid datatype');
  const et = parseExpiryType(body.expirytype);
  if (!et) return bad('Invalid expirytype');
  const isOi = dt === 'PercOIGainers' || dt === 'PercOILosers';
  const gainers = dt === 'PercPriceGainers' || dt === 'PercOIGainers';
  const rows = futureStats(market, et, isOi).map((s): GainerLoser => {
    if (isOi) {
      return {
        tradingSymbol: s.inst.symbol,
        percentChange: pct(s.oi, s.prevOi),
        symbolToken: Number(s.inst.token),
        opnInterest: s.oi,
        netChangeOpnInterest: s.oi - s.prevOi,
      };
    }
    return {
      tradingSymbol: s.inst.symbol,
      percentChange: pct(s.quote.ltp, s.quote.close),
      symbolToken: Number(s.inst.token),
      ltp: rupees(s.quote.ltp),
      netChange: rupees(s.quote.ltp - s.quote.close),
    };
  });
  rows.sort((a, b) => (gainers ? b.percentChange - a.percentChange : a.percentChange - b.percentChange));
  return ok(rows.slice(0, 10));
}

/**
 * `GET …/marketData/v1/putCallRatio`: per NFO underlying with options, total put OI / total call OI
 * over all its live expiries (2 decimals), keyed by its nearest future's symbol.
 */
export function putCallRatio(market: Market): ServiceResult<PutCallRatio[]> {
  const now = market.now();
  const sums = new Map<string, { ce: number; pe: number }>();
  for (const i of market.instruments()) {
    if (i.exchange !== 'NFO' || !i.optionType || expiryClose(i) < now) continue;
    const q = market.quote(i.exchange, i.token);
    if (!q) continue;
    let s = sums.get(i.name);
    if (!s) {
      s = { ce: 0, pe: 0 };
      sums.set(i.name, s);
    }
    if (i.optionType === 'CE') s.ce += q.openInterest;
    else s.pe += q.openInterest;
  }
  const futs = futuresByName(market);
  const out: PutCallRatio[] = [];
  for (const [name, s] of sums) {
    const fut = futs.get(name)?.[0];
    if (!fut || s.ce === 0) continue;
    out.push({ pcr: round2(s.pe / s.ce), tradingSymbol: fut.symbol });
  }
  out.sort((a, b) => (a.tradingSymbol < b.tradingSymbol ? -1 : 1));
  return ok(out);
}

/**
 * `POST …/marketData/v1/OIBuildup`: NFO futures of the `expirytype` classified by the signs of the
 * day's price change and OI change (Long Built Up: price ↑ OI ↑; Short Built Up: price ↓ OI ↑; Short
 * Covering: price ↑ OI ↓; Long Unwinding: price ↓ OI ↓), largest |% price change| first; all values
 * strings as in the docs sample.
 */
export function oiBuildup(market: Market, body: unknown): ServiceResult<OiBuildup[]> {
  if (!isObject(body)) return bad('Invalid request body');
  const dt = typeof body.datatype === 'string' ? body.datatype.trim() : '';
  if (!isEnumValue(OiBuildupDataType, dt)) return bad('Invalid datatype');
  const et = parseExpiryType(body.expirytype);
  if (!et) return bad('Invalid expirytype');
  const wantUp = dt === 'Long Built Up' || dt === 'Short Covering';
  const wantOiUp = dt === 'Long Built Up' || dt === 'Short Built Up';
  const rows = futureStats(market, et, false).filter((s) => {
    const dp = s.quote.ltp - s.quote.close;
    const doi = s.oi - s.prevOi;
    return dp !== 0 && doi !== 0 && dp > 0 === wantUp && doi > 0 === wantOiUp;
  });
  rows.sort((a, b) => Math.abs(pct(b.quote.ltp, b.quote.close)) - Math.abs(pct(a.quote.ltp, a.quote.close)));
  return ok(
    rows.map((s) => ({
      symbolToken: s.inst.token,
      ltp: String(rupees(s.quote.ltp)),
      netChange: String(rupees(s.quote.ltp - s.quote.close)),
      percentChange: String(pct(s.quote.ltp, s.quote.close)),
      opnInterest: String(s.oi),
      netChangeOpnInterest: String(s.oi - s.prevOi),
      tradingSymbol: s.inst.symbol,
    })),
  );
}
