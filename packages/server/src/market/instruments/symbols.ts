/**
 * Trading symbols and scrip-master rows: derivative symbols (docs/protocol/scrip-master.md#symbols)
 * built and parsed, the scrip-master row of an instrument, and the NSE cash tick.
 */
import type { ScripMasterRow } from '@smartapi-ts/protocol';
import { formatExpiry, istParts, MONTHS, parseExpiry } from '@smartapi-ts/protocol';
import type { Instrument } from '../types.js';

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
