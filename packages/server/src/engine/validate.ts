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

/** Field reader over an unknown JSON body. */
export class Fields {
  readonly obj: Record<string, unknown>;
  constructor(body: unknown, code: string = INVALID_INPUT) {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw new InputRejection(reject(code, 'Invalid request body'));
    }
    this.obj = body as Record<string, unknown>;
  }

  /** The raw value, with `null` and `""` read as absent. */
  raw(key: string): unknown {
    const v = this.obj[key];
    if (v === null || v === undefined) return undefined;
    // Blank test without allocating a trimmed copy (the common value has no blank at either end).
    if (typeof v === 'string' && (v.length === 0 || (v.charCodeAt(0) <= 32 && v.trim() === '')))
      return undefined;
    return v;
  }

  has(key: string): boolean {
    return this.raw(key) !== undefined;
  }

  /** A required string (numbers are accepted and stringified). */
  str(key: string, code: string, message?: string): string {
    const v = this.optStr(key, code, message);
    if (v === undefined) throw new InputRejection(reject(code, message));
    return v;
  }

  optStr(key: string, code: string, message?: string): string | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string') return v.trim();
    if (typeof v === 'number' && Number.isFinite(v)) return String(v);
    throw new InputRejection(reject(code, message));
  }

  /** A required enum value (exact spelling, surrounding blanks ignored). */
  enumOf<T extends Record<string, string>>(key: string, e: T, code: string, message?: string): T[keyof T] {
    const v = this.raw(key);
    const s = typeof v === 'string' ? v.trim() : v;
    if (!isEnumValue(e, s)) throw new InputRejection(reject(code, message));
    return s as T[keyof T];
  }

  optEnumOf<T extends Record<string, string>>(
    key: string,
    e: T,
    code: string,
    message?: string,
  ): T[keyof T] | undefined {
    if (!this.has(key)) return undefined;
    return this.enumOf(key, e, code, message);
  }

  /** An optional integer (string or number); `undefined` when absent. */
  optInt(key: string, code: string, message?: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    let n = tryParseInteger(v);
    // "10.0" / 10.0 from Python floats.
    if (n === undefined && (typeof v === 'number' || typeof v === 'string')) {
      const p = tryRupeesToPaise(v);
      if (p !== undefined && p % 100 === 0) n = p / 100;
    }
    if (n === undefined) throw new InputRejection(reject(code, message));
    return n;
  }

  int(key: string, code: string, message?: string): number {
    const n = this.optInt(key, code, message);
    if (n === undefined) throw new InputRejection(reject(code, message));
    return n;
  }

  /** An optional rupee amount → paise; `undefined` when absent. */
  optPaise(key: string, code: string, message?: string): number | undefined {
    const v = this.raw(key);
    if (v === undefined) return undefined;
    const p = typeof v === 'string' || typeof v === 'number' ? tryRupeesToPaise(v) : undefined;
    if (p === undefined) throw new InputRejection(reject(code, message));
    return p;
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
