/** Quote services: `getLtpData` and `market/v1/quote` (LTP / OHLC / FULL rows). */
import type {
  Exchange,
  LtpData,
  QuoteFull,
  QuoteLtp,
  QuoteOhlc,
  QuoteResponse,
  QuoteUnfetched,
} from '@smartapi-ts/protocol';
import { ErrorCode, formatIstOrderTime, formatPaise, isEnumValue, QuoteMode } from '@smartapi-ts/protocol';
import type { Instrument, Market, Quote } from '../types.js';
import {
  bad,
  isObject,
  ok,
  parseExchange,
  parseToken,
  resolve,
  round2,
  rupees,
  type ServiceResult,
} from './common.js';

/** Most tokens in one `market/v1/quote` request (docs/protocol/rest.md#quote). */
export const MAX_QUOTE_TOKENS = 50;

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
