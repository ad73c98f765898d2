/**
 * Market-data services of the paper broker: pure functions from a {@link Market} and a request body
 * (already JSON-decoded, of unknown shape) to the response `data` or a venue rejection. The HTTP layer
 * wraps the result in the envelope; nothing here throws on bad input.
 *
 * Error codes (the venue documents no specific code for malformed market-data requests; these are the
 * closest entries of the protocol table, all in the `input` category):
 * - `AB4018` Symbol token cannot be empty — missing or empty `symboltoken`;
 * - `AB1009` Symbol Not Found — well-formed exchange + token that is not in the universe, or no
 *   contracts for an optionGreek name/expiry;
 * - `AB1018` Failed to get symbol details — every other invalid parameter (body not an object, unknown
 *   exchange, wrong types, bad enum values, malformed or out-of-range dates, too many tokens); the
 *   `message` says which parameter.
 */
import type {
  CandleRow,
  CautionaryScrip,
  Exchange,
  ExpiryType,
  GainerLoser,
  IntradayScrip,
  LtpData,
  OiBuildup,
  OiDataPoint,
  OptionGreek,
  PutCallRatio,
  QuoteFull,
  QuoteLtp,
  QuoteOhlc,
  QuoteResponse,
  QuoteUnfetched,
  ScripSearchResult,
} from '@smartapi-ts/protocol';
import {
  ErrorCode,
  Exchange as ExchangeEnum,
  ExpiryType as ExpiryTypeEnum,
  formatExpiry,
  formatIstIso,
  formatIstOrderTime,
  formatPaise,
  GainersLosersDataType,
  INTERVAL_MAX_DAYS,
  INTERVAL_MINUTES,
  Interval,
  isEnumValue,
  istToEpoch,
  OiBuildupDataType,
  parseExpiry,
  QuoteMode,
} from '@smartapi-ts/protocol';
import { SESSION_TIMES } from './calendar.js';
import { bsGreeks, bsPrice, yearsBetween } from './pricing.js';
import type { Instrument, Market, Quote } from './types.js';
import { RISK_FREE_RATE } from './universe.js';

/** A business rejection: the venue's error code and message. */
export interface MarketRejection {
  ok: false;
  errorcode: string;
  message: string;
}

/** Result of a market-data service: `data` for the envelope, or a rejection. */
export type ServiceResult<T> = { ok: true; data: T } | MarketRejection;

/** Most tokens in one `market/v1/quote` request (docs/protocol/rest.md#quote). */
export const MAX_QUOTE_TOKENS = 50;

const DAY_MS = 86_400_000;

function ok<T>(data: T): ServiceResult<T> {
  return { ok: true, data };
}
function reject(errorcode: string, message: string): MarketRejection {
  return { ok: false, errorcode, message };
}
const bad = (message: string) => reject(ErrorCode.SYMBOL_DETAILS_FAILED, message);
const notFound = (message = 'Symbol Not Found') => reject(ErrorCode.SYMBOL_NOT_FOUND, message);

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses an exchange value (case-insensitive); undefined when unknown. */
function parseExchange(v: unknown): Exchange | undefined {
  if (typeof v !== 'string') return undefined;
  const up = v.trim().toUpperCase();
  return isEnumValue(ExchangeEnum, up) ? up : undefined;
}

/** A token as string: strings and non-negative integers are accepted. */
function parseToken(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return undefined;
}

type Resolved = { ok: true; inst: Instrument; quote: Quote } | MarketRejection;

function resolve(market: Market, exchangeRaw: unknown, tokenRaw: unknown): Resolved {
  if (exchangeRaw === undefined || exchangeRaw === null || exchangeRaw === '') return bad('Invalid exchange');
  const exchange = parseExchange(exchangeRaw);
  if (!exchange) return bad('Invalid exchange');
  if (tokenRaw === undefined || tokenRaw === null)
    return reject(ErrorCode.SYMBOL_TOKEN_EMPTY, 'Symbol token cannot be empty');
  const token = parseToken(tokenRaw);
  if (token === undefined) return bad('Invalid symboltoken');
  if (token === '') return reject(ErrorCode.SYMBOL_TOKEN_EMPTY, 'Symbol token cannot be empty');
  const inst = market.instrument(exchange, token);
  const quote = inst ? market.quote(exchange, token) : undefined;
  if (!inst || !quote) return notFound();
  return { ok: true, inst, quote };
}

const rupees = (paise: number) => Math.round(paise) / 100;
const round2 = (x: number) => Math.round(x * 100) / 100;

// ───────────────────────────── getLtpData (docs/protocol/rest.md#ltp) ─────────────────────────────

/**
 * `POST …/order/v1/getLtpData`: one instrument's LTP and day OHLC (close = previous close), prices
 * as rupee strings with two decimals. `tradingsymbol` is type-checked but the token decides.
 */
export function ltp(market: Market, body: unknown): ServiceResult<LtpData> {
  if (!isObject(body)) return bad('Invalid request body');
  if (
    body.tradingsymbol !== undefined &&
    body.tradingsymbol !== null &&
    typeof body.tradingsymbol !== 'string'
  )
    return bad('Invalid tradingsymbol');
  const r = resolve(market, body.exchange, body.symboltoken);
  if (!r.ok) return r;
  const { inst, quote: q } = r;
  return ok({
    exchange: inst.exchange,
    tradingsymbol: inst.symbol,
    symboltoken: inst.token,
    open: formatPaise(q.open),
    high: formatPaise(q.high),
    low: formatPaise(q.low),
    close: formatPaise(q.close),
    ltp: formatPaise(q.ltp),
  });
}

// ───────────────────────────── quote (docs/protocol/rest.md#quote) ─────────────────────────────

/** Formats one quote row in a mode. */
export function quoteRow(inst: Instrument, q: Quote, mode: QuoteMode): QuoteLtp | QuoteOhlc | QuoteFull {
  const base: QuoteLtp = {
    exchange: inst.exchange,
    tradingSymbol: inst.symbol,
    symbolToken: inst.token,
    ltp: rupees(q.ltp),
  };
  if (mode === 'LTP') return base;
  const ohlc: QuoteOhlc = {
    ...base,
    open: rupees(q.open),
    high: rupees(q.high),
    low: rupees(q.low),
    close: rupees(q.close),
  };
  if (mode === 'OHLC') return ohlc;
  const change = q.ltp - q.close;
  return {
    ...ohlc,
    lastTradeQty: q.lastTradeQty,
    exchFeedTime: formatIstOrderTime(q.timestamp),
    exchTradeTime: formatIstOrderTime(q.lastTradeTime > 0 ? q.lastTradeTime : q.timestamp),
    netChange: rupees(change),
    percentChange: q.close > 0 ? round2((change / q.close) * 100) : 0,
    avgPrice: rupees(q.avgPrice),
    tradeVolume: q.volume,
    opnInterest: q.openInterest,
    lowerCircuit: rupees(q.lowerCircuit),
    upperCircuit: rupees(q.upperCircuit),
    totBuyQuan: q.totalBuyQty,
    totSellQuan: q.totalSellQty,
    '52WeekLow': rupees(q.low52Week),
    '52WeekHigh': rupees(q.high52Week),
    depth: {
      buy: q.bids.map((l) => ({ price: rupees(l.price), quantity: l.quantity, orders: l.orders })),
      sell: q.asks.map((l) => ({ price: rupees(l.price), quantity: l.quantity, orders: l.orders })),
    },
  };
}

/**
 * `POST …/market/v1/quote`: up to {@link MAX_QUOTE_TOKENS} tokens in all, mode LTP / OHLC / FULL
 * (case-insensitive). Unknown tokens go to `unfetched` (AB1009), empty ones with AB4018.
 */
export function quote(market: Market, body: unknown): ServiceResult<QuoteResponse> {
  if (!isObject(body)) return bad('Invalid request body');
  const modeRaw = typeof body.mode === 'string' ? body.mode.trim().toUpperCase() : undefined;
  if (!modeRaw || !isEnumValue(QuoteMode, modeRaw)) return bad('Invalid mode');
  const mode = modeRaw;
  if (!isObject(body.exchangeTokens)) return bad('Invalid exchangeTokens');
  const requests: { exchange: Exchange; raw: string; token: string | undefined }[] = [];
  for (const [exRaw, list] of Object.entries(body.exchangeTokens)) {
    const exchange = parseExchange(exRaw);
    if (!exchange) return bad(`Invalid exchange ${exRaw}`);
    if (!Array.isArray(list)) return bad(`Invalid token list for ${exRaw}`);
    for (const t of list as unknown[]) {
      const token = parseToken(t);
      if (token === undefined && t !== null && t !== undefined) return bad(`Invalid token in ${exRaw}`);
      requests.push({ exchange, raw: token ?? '', token });
    }
  }
  if (requests.length > MAX_QUOTE_TOKENS)
    return bad(`Maximum ${MAX_QUOTE_TOKENS} tokens allowed per request`);
  const fetched: (QuoteLtp | QuoteOhlc | QuoteFull)[] = [];
  const unfetched: QuoteUnfetched[] = [];
  const seen = new Set<string>();
  for (const r of requests) {
    if (!r.token) {
      unfetched.push({
        exchange: r.exchange,
        symbolToken: r.raw,
        message: 'Symbol token cannot be empty',
        errorCode: ErrorCode.SYMBOL_TOKEN_EMPTY,
      });
      continue;
    }
    const key = `${r.exchange}:${r.token}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const inst = market.instrument(r.exchange, r.token);
    const q = inst ? market.quote(r.exchange, r.token) : undefined;
    if (!inst || !q) {
      unfetched.push({
        exchange: r.exchange,
        symbolToken: r.token,
        message: 'Symbol Not Found',
        errorCode: ErrorCode.SYMBOL_NOT_FOUND,
      });
      continue;
    }
    fetched.push(quoteRow(inst, q, mode));
  }
  return ok({ fetched, unfetched } as QuoteResponse);
}

// ───────────────────────────── candles / OI (docs/protocol/rest.md#candles, #oi-data) ─────────────────────────────

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/** Parses `yyyy-MM-dd HH:mm` (IST) strictly; undefined when malformed or not a real date/time. */
export function parseCandleDate(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DATE_RE.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const ms = istToEpoch(y, mo, d, h, mi);
  const check = new Date(ms + 330 * 60_000);
  if (check.getUTCDate() !== d) return undefined;
  return ms;
}

interface RangeRequest {
  inst: Instrument;
  interval: Interval;
  from: number;
  to: number;
}

function parseRange(market: Market, body: unknown): { ok: true; req: RangeRequest } | MarketRejection {
  if (!isObject(body)) return bad('Invalid request body');
  const r = resolve(market, body.exchange, body.symboltoken);
  if (!r.ok) return r;
  const intervalRaw = typeof body.interval === 'string' ? body.interval.trim().toUpperCase() : undefined;
  if (!intervalRaw || !isEnumValue(Interval, intervalRaw)) return bad('Invalid interval');
  const from = parseCandleDate(body.fromdate);
  if (from === undefined) return bad('Invalid fromdate: expected yyyy-MM-dd HH:mm');
  const to = parseCandleDate(body.todate);
  if (to === undefined) return bad('Invalid todate: expected yyyy-MM-dd HH:mm');
  if (from > to) return bad('fromdate must not be after todate');
  const maxDays = INTERVAL_MAX_DAYS[intervalRaw];
  if (to - from > maxDays * DAY_MS) return bad(`Maximum ${maxDays} days allowed for interval ${intervalRaw}`);
  return { ok: true, req: { inst: r.inst, interval: intervalRaw, from, to } };
}

/**
 * `POST …/historical/v1/getCandleData`: `[ISO time +05:30, open, high, low, close, volume]` rows,
 * prices in rupees, bar start times, `fromdate <= time <= todate` (daily bars: the day's 00:00 from the
 * day of `fromdate`). Span limits per interval as in docs/protocol/rest.md#candles.
 */
export function candles(market: Market, body: unknown): ServiceResult<CandleRow[]> {
  const p = parseRange(market, body);
  if (!p.ok) return p;
  const { inst, interval, from, to } = p.req;
  const bars = market.candles(inst.exchange, inst.token, INTERVAL_MINUTES[interval], from, to);
  return ok(
    bars.map((b) => [
      formatIstIso(b.time),
      rupees(b.open),
      rupees(b.high),
      rupees(b.low),
      rupees(b.close),
      b.volume,
    ]),
  );
}

/**
 * `POST …/historical/v1/getOIData`: `{time, oi}` per bar for F&O / commodity derivatives; other
 * instruments are rejected (AB1018).
 */
export function oiData(market: Market, body: unknown): ServiceResult<OiDataPoint[]> {
  const p = parseRange(market, body);
  if (!p.ok) return p;
  const { inst, interval, from, to } = p.req;
  if (inst.expiry === undefined) return bad('OI data is available only for F&O contracts');
  const bars = market.candles(inst.exchange, inst.token, INTERVAL_MINUTES[interval], from, to);
  return ok(bars.map((b) => ({ time: formatIstIso(b.time), oi: b.oi })));
}

// ───────────────────────────── searchScrip (docs/protocol/rest.md#search-scrip) ─────────────────────────────

/** Most rows one searchScrip answer returns. */
export const MAX_SEARCH_RESULTS = 1000;

/**
 * `POST …/order/v1/searchScrip`: instruments of `exchange` whose trading symbol contains `searchscrip`
 * (case-insensitive); symbols starting with it first, then alphabetical. No match → `[]`.
 */
export function searchScrip(market: Market, body: unknown): ServiceResult<ScripSearchResult[]> {
  if (!isObject(body)) return bad('Invalid request body');
  const exchange = parseExchange(body.exchange);
  if (!exchange) return bad('Invalid exchange');
  if (typeof body.searchscrip !== 'string' || body.searchscrip.trim() === '')
    return bad('Invalid searchscrip');
  const text = body.searchscrip.trim().toUpperCase();
  if (text.length > 100) return bad('Invalid searchscrip');
  const hits = market
    .instruments()
    .filter(
      (i) =>
        i.exchange === exchange && (i.symbol.toUpperCase().includes(text) || i.name.toUpperCase() === text),
    );
  hits.sort((a, b) => {
    const pa = a.symbol.toUpperCase().startsWith(text) ? 0 : 1;
    const pb = b.symbol.toUpperCase().startsWith(text) ? 0 : 1;
    return pa - pb || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
  });
  return ok(
    hits
      .slice(0, MAX_SEARCH_RESULTS)
      .map((i) => ({ exchange: i.exchange, tradingsymbol: i.symbol, symboltoken: i.token })),
  );
}

// ───────────────────────────── optionGreek (docs/protocol/rest.md#option-greeks) ─────────────────────────────

/** Implied volatility solving `bsPrice = price` by bisection; undefined when no solution in 1 %–500 %. */
export function impliedVolatility(
  price: number,
  spot: number,
  strike: number,
  years: number,
  type: 'CE' | 'PE',
  rate = RISK_FREE_RATE,
): number | undefined {
  if (!(years > 0) || !(price > 0) || !(spot > 0)) return undefined;
  let lo = 0.01;
  let hi = 5;
  const f = (v: number) => bsPrice({ spot, strike, years, vol: v, rate, type }) - price;
  if (f(lo) > 0 || f(hi) < 0) return undefined;
  for (let i = 0; i < 80; i++) {
    const mid = (lo + hi) / 2;
    if (f(mid) > 0) hi = mid;
    else lo = mid;
  }
  return (lo + hi) / 2;
}

/** Expiry close instant (15:30 IST for NFO) of a contract. */
function expiryClose(inst: Instrument): number {
  return (inst.expiry ?? 0) + SESSION_TIMES[inst.exchange].close * 60_000;
}

/**
 * `POST …/marketData/v1/optionGreek`: Black–Scholes greeks of every NFO option of `name` expiring on
 * `expirydate` (`DDMMMYYYY`), one row per strike and type (strings with 6 decimals; volume 2). IV is
 * solved from the option's LTP (percent); when it cannot be (price at intrinsic or one tick), from the
 * mid of the best bid/ask, else reported as 0 with greeks at expiry-like limits.
 */
export function optionGreek(market: Market, body: unknown): ServiceResult<OptionGreek[]> {
  if (!isObject(body)) return bad('Invalid request body');
  if (typeof body.name !== 'string' || body.name.trim() === '') return bad('Invalid name');
  if (typeof body.expirydate !== 'string') return bad('Invalid expirydate');
  const expiry = parseExpiry(body.expirydate);
  if (expiry === undefined) return bad('Invalid expirydate: expected DDMMMYYYY');
  const name = body.name.trim().toUpperCase();
  const opts = market
    .instruments()
    .filter(
      (i) =>
        i.exchange === 'NFO' &&
        i.name.toUpperCase() === name &&
        i.expiry === expiry &&
        i.optionType &&
        i.strike !== undefined,
    );
  if (opts.length === 0) return notFound('No Data Available');
  opts.sort(
    (a, b) => a.strike! - b.strike! || (a.optionType === b.optionType ? 0 : a.optionType === 'CE' ? -1 : 1),
  );
  const now = market.now();
  const out: OptionGreek[] = [];
  for (const o of opts) {
    const under = o.underlyingToken ? market.quote('NSE', o.underlyingToken) : undefined;
    const q = market.quote(o.exchange, o.token);
    if (!under || !q) continue;
    const spot = under.ltp / 100;
    const strike = o.strike! / 100;
    const years = Math.max(0, yearsBetween(now, expiryClose(o)));
    const type = o.optionType!;
    let iv = impliedVolatility(q.ltp / 100, spot, strike, years, type);
    if (iv === undefined && q.bids[0]!.price > 0 && q.asks[0]!.price > 0) {
      iv = impliedVolatility((q.bids[0]!.price + q.asks[0]!.price) / 200, spot, strike, years, type);
    }
    const g = bsGreeks({ spot, strike, years, vol: iv ?? 0, rate: RISK_FREE_RATE, type });
    out.push({
      name: o.name,
      expiry: formatExpiry(expiry),
      strikePrice: strike.toFixed(6),
      optionType: type,
      delta: g.delta.toFixed(6),
      gamma: g.gamma.toFixed(6),
      theta: g.theta.toFixed(6),
      vega: g.vega.toFixed(6),
      impliedVolatility: ((iv ?? 0) * 100).toFixed(6),
      tradeVolume: (q.volume / Math.max(1, o.lotSize)).toFixed(2),
    });
  }
  return ok(out);
}

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

// ───────────────────────────── intraday lists (docs/protocol/rest.md#intraday-scrips, #cautionary-scrips) ─────────────────────────────

/**
 * Intraday (MIS) leverage of a cash equity: 5× for F&O stocks (those with NFO derivatives), 4× for
 * other tradable equities in the built-in list, 1 (no MIS) for anything else.
 */
export function intradayMultiplier(market: Market, inst: Instrument): number {
  if (inst.segment !== 'EQ' || !inst.tradable) return 1;
  const fo = market.instruments().some((i) => i.exchange === 'NFO' && i.name === inst.name);
  return fo ? 5 : 4;
}

function intradayList(market: Market, exchange: 'NSE' | 'BSE'): ServiceResult<IntradayScrip[]> {
  const foNames = new Set<string>();
  for (const i of market.instruments()) if (i.exchange === 'NFO') foNames.add(i.name);
  const out: IntradayScrip[] = [];
  for (const i of market.instruments()) {
    if (i.exchange !== exchange || i.segment !== 'EQ' || !i.tradable) continue;
    out.push({ exchange, SymbolName: i.name, Multiplier: (foNames.has(i.name) ? 5 : 4).toFixed(1) });
  }
  return ok(out);
}

/** `GET …/marketData/v1/nseIntraday`: NSE equities allowed for intraday with their leverage. */
export function nseIntraday(market: Market): ServiceResult<IntradayScrip[]> {
  return intradayList(market, 'NSE');
}

/** `GET …/marketData/v1/bseIntraday`: BSE equities allowed for intraday (exchange reported as `BSE`). */
export function bseIntraday(market: Market): ServiceResult<IntradayScrip[]> {
  return intradayList(market, 'BSE');
}

/** `GET …/securities/v1/cautionaryScrips`: the simulated market flags no scrips (always `[]`). */
export function cautionaryScrips(_market: Market): ServiceResult<CautionaryScrip[]> {
  return ok([]);
}
