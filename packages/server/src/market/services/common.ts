/**
 * Shared pieces of the market-data services: the result type, venue rejections and the parsing of
 * exchange / token values every service accepts.
 */
import type { Exchange } from '@smartapi-ts/protocol';
import { ErrorCode, Exchange as ExchangeEnum, isEnumValue } from '@smartapi-ts/protocol';
import { sessionTimesOn } from '../calendar.js';
import type { Instrument, Market, Quote } from '../types.js';

/** A business rejection: the venue's error code and message. */
export interface MarketRejection {
  ok: false;
  errorcode: string;
  message: string;
}

/** Result of a market-data service: `data` for the envelope, or a rejection. */
export type ServiceResult<T> = { ok: true; data: T } | MarketRejection;

/** One day, ms. */
export const DAY_MS = 86_400_000;

/** A successful result. */
export function ok<T>(data: T): ServiceResult<T> {
  return { ok: true, data };
}
/** A venue rejection. */
export function reject(errorcode: string, message: string): MarketRejection {
  return { ok: false, errorcode, message };
}
/** `AB1018` with a message naming the bad parameter. */
export const bad = (message: string) => reject(ErrorCode.SYMBOL_DETAILS_FAILED, message);
/** `AB1009` Symbol Not Found (or another message). */
export const notFound = (message = 'Symbol Not Found') => reject(ErrorCode.SYMBOL_NOT_FOUND, message);

/** True for a plain JSON object (not null, not an array). */
export function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Parses an exchange value (case-insensitive); undefined when unknown. */
export function parseExchange(v: unknown): Exchange | undefined {
  if (typeof v !== 'string') return undefined;
  const up = v.trim().toUpperCase();
  return isEnumValue(ExchangeEnum, up) ? up : undefined;
}

/** A token as string: strings and non-negative integers are accepted. */
export function parseToken(v: unknown): string | undefined {
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return String(v);
  return undefined;
}

/** An instrument and its quote, or why not. */
export type Resolved = { ok: true; inst: Instrument; quote: Quote } | MarketRejection;

/** Resolves `exchange` + `symboltoken` of a body to an instrument with a quote. */
export function resolve(market: Market, exchangeRaw: unknown, tokenRaw: unknown): Resolved {
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

/** Paise as rupees (a number). */
export const rupees = (paise: number) => Math.round(paise) / 100;
/** Rounds to 2 decimals. */
export const round2 = (x: number) => Math.round(x * 100) / 100;

/** Expiry close instant (15:30 IST for NFO) of a contract. */
export function expiryClose(inst: Instrument): number {
  return (inst.expiry ?? 0) + sessionTimesOn(inst.exchange, inst.expiry ?? 0).close * 60_000;
}
