/**
 * Input parsing for request bodies the HTTP layer forwards unvalidated: numbers as strings or numbers,
 * `null` treated as absent, extra keys ignored (docs/protocol/rest.md#enums, fixtures/official-requests/NOTES.md).
 */
import { ErrorCode, isEnumValue, tryParseInteger, tryRupeesToPaise } from '@smartapi-ts/protocol';
import { type Rejection, reject } from './result.js';

/** Thrown inside parsers and turned into a {@link Rejection} by {@link parseBody}. */
export class InputRejection extends Error {
  readonly rejection: Rejection;
  constructor(rejection: Rejection) {
    super(rejection.message);
    this.name = 'InputRejection';
    this.rejection = rejection;
  }
}

/** Runs a parser, turning a thrown {@link InputRejection} into a returned rejection. */
export function parseBody<T>(fn: () => T): T | Rejection {
  try {
    return fn();
  } catch (err) {
    if (err instanceof InputRejection) return err.rejection;
    throw err;
  }
}

/** Generic invalid-input code for order fields that have no dedicated venue code. */
export const INVALID_INPUT = ErrorCode.GTT_INVALID_PARAMETERS;

/** `null`, `undefined` and blank strings read as absent (`undefined`); any other value as it is. */
export function present(v: unknown): unknown {
  if (v === null || v === undefined) return undefined;
  // Blank test without allocating a trimmed copy (the common value has no blank at either end).
  if (typeof v === 'string' && (v.length === 0 || (v.charCodeAt(0) <= 32 && v.trim() === '')))
    return undefined;
  return v;
}

/*
 * Value readers. Each takes the raw value of one field (as read from the body) and applies the rules of
 * `Fields`; the hot parsers (orders/parse.ts) read the body's fields by name and call these directly,
 * which keeps every property read a named (inline-cached) access instead of a lookup by a variable key.
 */

/** An optional string (numbers are accepted and stringified); `undefined` when absent. */
export function optStrOf(value: unknown, code: string, message?: string): string | undefined {
  const v = present(value);
  if (v === undefined) return undefined;
  if (typeof v === 'string') return v.trim();
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  throw new InputRejection(reject(code, message));
}

/** A required string (numbers are accepted and stringified). */
export function strOf(value: unknown, code: string, message?: string): string {
  const v = optStrOf(value, code, message);
  if (v === undefined) throw new InputRejection(reject(code, message));
  return v;
}

/**
 * A required value of one of `values` (exact spelling, surrounding blanks ignored): {@link enumOfValue}
 * over the enum's values listed once (cheaper than walking the enum object's keys on every call).
 */
export function oneOf<T extends string>(
  value: unknown,
  values: readonly T[],
  code: string,
  message?: string,
): T {
  const v = typeof value === 'string' ? value.trim() : value;
  if (!values.includes(v as T)) throw new InputRejection(reject(code, message));
  return v as T;
}

/** An optional {@link oneOf}; `undefined` when absent. */
export function optOneOf<T extends string>(
  value: unknown,
  values: readonly T[],
  code: string,
  message?: string,
): T | undefined {
  if (present(value) === undefined) return undefined;
  return oneOf(value, values, code, message);
}

/** A required enum value (exact spelling, surrounding blanks ignored). */
export function enumOfValue<T extends Record<string, string>>(
  value: unknown,
  e: T,
  code: string,
  message?: string,
): T[keyof T] {
  const v = present(value);
  const s = typeof v === 'string' ? v.trim() : v;
  if (!isEnumValue(e, s)) throw new InputRejection(reject(code, message));
  return s as T[keyof T];
}

/** An optional enum value; `undefined` when absent. */
export function optEnumOfValue<T extends Record<string, string>>(
  value: unknown,
  e: T,
  code: string,
  message?: string,
): T[keyof T] | undefined {
  if (present(value) === undefined) return undefined;
  return enumOfValue(value, e, code, message);
}

/**
 * `"123"` → 123 for a string of 1–15 decimal digits and nothing else (the common quantity), else -1: the
 * same number `tryParseInteger` gives for such a string, without its regular expression.
 */
export function plainDigits(s: string): number {
  const len = s.length;
  if (len === 0 || len > 15) return -1;
  let n = 0;
  for (let i = 0; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) return -1;
    n = n * 10 + d;
  }
  return n;
}

/**
 * `"799.95"` → 79995 paise for a plain rupee amount — 1–9 digits, optionally a point and 1–2 digits, and
 * nothing else (the common price) — else -1: the same paise `tryRupeesToPaise` gives for such a string
 * (no rounding is involved), without its regular expression and substrings.
 */
export function plainPaise(s: string): number {
  const len = s.length;
  if (len === 0 || len > 12) return -1;
  let whole = 0;
  let i = 0;
  for (; i < len; i++) {
    const c = s.charCodeAt(i);
    if (c === 46) break;
    const d = c - 48;
    if (d < 0 || d > 9) return -1;
    whole = whole * 10 + d;
  }
  if (i === 0 || i > 9) return -1;
  if (i === len) return whole * 100;
  const frac = len - i - 1;
  if (frac < 1 || frac > 2) return -1;
  const d1 = s.charCodeAt(i + 1) - 48;
  if (d1 < 0 || d1 > 9) return -1;
  if (frac === 1) return whole * 100 + d1 * 10;
  const d2 = s.charCodeAt(i + 2) - 48;
  if (d2 < 0 || d2 > 9) return -1;
  return whole * 100 + d1 * 10 + d2;
}

/** An optional integer (string or number); `undefined` when absent. */
export function optIntOf(value: unknown, code: string, message?: string): number | undefined {
  const v = present(value);
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    const plain = plainDigits(v);
    if (plain >= 0) return plain;
  }
  let n = tryParseInteger(v);
  // "10.0" / 10.0 from Python floats.
  if (n === undefined && (typeof v === 'number' || typeof v === 'string')) {
    const p = tryRupeesToPaise(v);
    if (p !== undefined && p % 100 === 0) n = p / 100;
  }
  if (n === undefined) throw new InputRejection(reject(code, message));
  return n;
}

/** A required integer (string or number). */
export function intOf(value: unknown, code: string, message?: string): number {
  const n = optIntOf(value, code, message);
  if (n === undefined) throw new InputRejection(reject(code, message));
  return n;
}

/** An optional rupee amount → paise; `undefined` when absent. */
export function optPaiseOf(value: unknown, code: string, message?: string): number | undefined {
  const v = present(value);
  if (v === undefined) return undefined;
  if (typeof v === 'string') {
    const plain = plainPaise(v);
    if (plain >= 0) return plain;
  }
  const p = typeof v === 'string' || typeof v === 'number' ? tryRupeesToPaise(v) : undefined;
  if (p === undefined) throw new InputRejection(reject(code, message));
  return p;
}

/** The body as a record, or an `InputRejection` ("Invalid request body") when it is not a JSON object. */
export function bodyObject(body: unknown, code: string = INVALID_INPUT): Record<string, unknown> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new InputRejection(reject(code, 'Invalid request body'));
  }
  return body as Record<string, unknown>;
}

/** Field reader over an unknown JSON body (by field name; see the value readers above). */
export class Fields {
  readonly obj: Record<string, unknown>;
  constructor(body: unknown, code: string = INVALID_INPUT) {
    this.obj = bodyObject(body, code);
  }

  /** The raw value, with `null` and `""` read as absent. */
  raw(key: string): unknown {
    return present(this.obj[key]);
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A required string (numbers are accepted and stringified). */
  str(key: string, code: string, message?: string): string {
    return strOf(this.obj[key], code, message);
  }

  optStr(key: string, code: string, message?: string): string | undefined {
    return optStrOf(this.obj[key], code, message);
  }

  /** A required enum value (exact spelling, surrounding blanks ignored). */
  enumOf<T extends Record<string, string>>(key: string, e: T, code: string, message?: string): T[keyof T] {
    return enumOfValue(this.obj[key], e, code, message);
  }

  optEnumOf<T extends Record<string, string>>(
    key: string,
    e: T,
    code: string,
    message?: string,
  ): T[keyof T] | undefined {
    return optEnumOfValue(this.obj[key], e, code, message);
  }

  /** An optional integer (string or number); `undefined` when absent. */
  optInt(key: string, code: string, message?: string): number | undefined {
    return optIntOf(this.obj[key], code, message);
  }

  int(key: string, code: string, message?: string): number {
    return intOf(this.obj[key], code, message);
  }

  /** An optional rupee amount → paise; `undefined` when absent. */
  optPaise(key: string, code: string, message?: string): number | undefined {
    return optPaiseOf(this.obj[key], code, message);
  }

  paise(key: string, code: string, message?: string): number {
    const p = this.optPaise(key, code, message);
    if (p === undefined) throw new InputRejection(reject(code, message));
    return p;
  }
}

/** Throws an {@link InputRejection}. */
export function fail(code: string, message?: string): never {
  throw new InputRejection(reject(code, message));
}
