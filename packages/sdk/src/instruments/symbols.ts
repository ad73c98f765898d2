/**
 * Trading-symbol builder and parser for the venue's formats (docs/protocol/scrip-master.md#symbols):
 * cash `SBIN-EQ`, futures `NIFTY28MAR24FUT` (the expiry DAY is part of the symbol; the seed's
 * `NIFTYMAR24FUT` form is wrong), options `NIFTY25JAN2418000CE` (weekly and monthly alike).
 */
import { MONTHS } from '@smartapi-ts/protocol';
import { DAY_MS, dayStartMs, dayToExpiryText, istDayNumber, toExpiryDay } from './dates.js';
import type { OptionType, ParsedSymbol, SymbolSpec } from './types.js';

const DERIVATIVE =
  /^(.+?)(\d{2})(JAN|FEB|MAR|APR|MAY|JUN|JUL|AUG|SEP|OCT|NOV|DEC)(\d{2})(?:(FUT)|(\d+(?:\.\d+)?)(CE|PE))$/;
const CASH = /^(.+)-([A-Z][A-Z0-9]?)$/;

/**
 * Formats a rupee strike as the venue writes it in symbols: no padding, no decimals when whole
 * (`22500`), otherwise the shortest decimal form (`102.5`; the venue's form for fractional strikes is
 * unverified, so prefer looking such contracts up in the master).
 */
export function formatStrike(strike: number): string {
  if (!Number.isFinite(strike) || strike <= 0) throw new RangeError(`invalid strike: ${strike}`);
  const rounded = Math.round(strike * 10_000) / 10_000;
  return String(rounded);
}

/** `DDMMMYY` of an expiry day number, as used inside derivative symbols. */
function symbolDate(day: number): string {
  const text = dayToExpiryText(day); // DDMMMYYYY
  return text.slice(0, 5) + text.slice(7);
}

/**
 * Builds a venue trading symbol.
 *
 * @example
 * buildSymbol({ kind: 'OPT', name: 'NIFTY', expiry: '25JAN2024', strike: 18000, optionType: 'CE' }) // NIFTY25JAN2418000CE
 * buildSymbol({ kind: 'FUT', name: 'NIFTY', expiry: '2024-03-28' }) // NIFTY28MAR24FUT
 * buildSymbol({ kind: 'EQ', name: 'SBIN' }) // SBIN-EQ (series defaults to EQ)
 * @throws RangeError when the expiry or strike is invalid.
 */
export function buildSymbol(spec: SymbolSpec): string {
  const name = spec.name.trim().toUpperCase();
  if (name === '') throw new RangeError('buildSymbol: empty name');
  if (spec.kind === 'EQ') return `${name}-${(spec.series ?? 'EQ').toUpperCase()}`;
  const day = toExpiryDay(spec.expiry);
  if (day === undefined) throw new RangeError(`buildSymbol: invalid expiry ${String(spec.expiry)}`);
  if (spec.kind === 'FUT') return `${name}${symbolDate(day)}FUT`;
  if (spec.optionType !== 'CE' && spec.optionType !== 'PE') {
    throw new RangeError(`buildSymbol: invalid option type ${String(spec.optionType)}`);
  }
  return `${name}${symbolDate(day)}${formatStrike(spec.strike)}${spec.optionType}`;
}

/**
 * Parses a venue trading symbol. Derivatives (`NIFTY25JAN2418000CE`, `NIFTY28MAR24FUT`) and NSE-style
 * cash symbols (`SBIN-EQ`) are recognised; anything else (bare BSE symbols such as `TITAN`, index names
 * such as `Nifty 50`) returns `undefined` — look those up in the index instead. Case-insensitive.
 */
export function parseSymbol(text: string): ParsedSymbol | undefined {
  const s = text.trim().toUpperCase();
  const m = DERIVATIVE.exec(s);
  if (m) {
    const [, name, dd, mmm, yy, fut, strike, opt] = m;
    const month = MONTHS.indexOf(mmm as (typeof MONTHS)[number]) + 1;
    const day = Number(dd);
    const year = 2000 + Number(yy);
    const ms = Date.UTC(year, month - 1, day);
    if (day >= 1 && new Date(ms).getUTCDate() === day) {
      const dayNum = Math.round(ms / DAY_MS);
      const expiry = new Date(dayStartMs(dayNum));
      const expiryText = dayToExpiryText(dayNum);
      if (fut) return { kind: 'FUT', name: name!, expiry, expiryText };
      const k = Number(strike);
      if (k > 0) {
        return { kind: 'OPT', name: name!, expiry, expiryText, strike: k, optionType: opt as OptionType };
      }
    }
  }
  const c = CASH.exec(s);
  if (c) return { kind: 'EQ', name: c[1]!, series: c[2]! };
  return undefined;
}

/** IST day number of a parsed symbol's expiry (internal helper for lookups). */
export function parsedExpiryDay(p: ParsedSymbol): number | undefined {
  return p.kind === 'EQ' ? undefined : istDayNumber(p.expiry.getTime());
}
