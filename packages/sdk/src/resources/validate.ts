/**
 * Input checks run before a request is sent. A failed check throws `InputError` (httpStatus 0, the
 * route name, and a message naming the field — never its value when the field could be a secret).
 */
import { isEnumValue, type RouteName } from '@smartapi-ts/protocol';
import { InputError } from '../errors.js';

/** A plain object of unknown shape. */
export type Obj = Record<string, unknown>;

/** Throws the `InputError` of a failed check. */
export function fail(route: RouteName | string, message: string): never {
  throw new InputError({ code: '', message, httpStatus: 0, route });
}

/** Asserts `v` is a plain object. */
export function obj(route: RouteName, v: unknown, what = 'params'): Obj {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) fail(route, `${what} must be an object`);
  return v as Obj;
}

/** A non-empty string (numbers are accepted and stringified for id-like fields). */
export function str(
  route: RouteName,
  o: Obj,
  key: string,
  opts: { optional?: boolean; max?: number } = {},
): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (opts.optional) return undefined;
    fail(route, `${key} is required`);
  }
  let s: string;
  if (typeof v === 'string') s = v;
  else if (typeof v === 'number' && Number.isFinite(v)) s = String(v);
  else fail(route, `${key} must be a string`);
  if (s.trim() === '') fail(route, `${key} must not be blank`);
  if (opts.max !== undefined && s.length > opts.max)
    fail(route, `${key} must be at most ${opts.max} characters`);
  return s;
}

/** A required non-empty string. */
export function reqStr(route: RouteName, o: Obj, key: string, max?: number): string {
  return str(route, o, key, max === undefined ? {} : { max }) as string;
}

/** A value of an `as const` enum object. */
export function enumValue<E extends Record<string, string>>(
  route: RouteName,
  o: Obj,
  key: string,
  e: E,
  opts: { optional?: boolean; allowed?: readonly string[] } = {},
): E[keyof E] | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (opts.optional) return undefined;
    fail(route, `${key} is required`);
  }
  if (!isEnumValue(e, v)) fail(route, `${key} must be one of ${Object.values(e).join(', ')}`);
  if (opts.allowed && !opts.allowed.includes(v))
    fail(route, `${key} must be one of ${opts.allowed.join(', ')}`);
  return v as E[keyof E];
}

/** A required enum value. */
export function reqEnum<E extends Record<string, string>>(
  route: RouteName,
  o: Obj,
  key: string,
  e: E,
  allowed?: readonly string[],
): E[keyof E] {
  return enumValue(route, o, key, e, allowed ? { allowed } : {}) as E[keyof E];
}

const DECIMAL = /^\d+(\.\d+)?$/;
const INTEGER = /^\d+$/;

/** Options of a numeric check. */
export interface NumOpts {
  optional?: boolean;
  integer?: boolean;
  /** Must be > 0. */
  positive?: boolean;
}

/**
 * A non-negative number given as a number or a decimal string. Returns the canonical decimal string
 * (`"500"`, `"194.5"`), or undefined when optional and absent.
 */
export function numStr(route: RouteName, o: Obj, key: string, opts: NumOpts = {}): string | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') {
    if (opts.optional) return undefined;
    fail(route, `${key} is required`);
  }
  let s: string;
  if (typeof v === 'number') {
    if (!Number.isFinite(v) || v < 0) fail(route, `${key} must be a non-negative number`);
    s = String(v);
    if (s.includes('e')) fail(route, `${key} is out of range`);
  } else if (typeof v === 'string') {
    s = v.trim();
  } else {
    fail(route, `${key} must be a number or a numeric string`);
  }
  if (opts.integer ? !INTEGER.test(s) : !DECIMAL.test(s)) {
    fail(
      route,
      `${key} must be a ${opts.integer ? 'whole' : 'non-negative'} number (got a non-numeric value)`,
    );
  }
  if (opts.positive && Number(s) <= 0) fail(route, `${key} must be greater than 0`);
  return s;
}

/** Like {@link numStr} but returns a JSON number (for fields the official clients send as numbers). */
export function numVal(route: RouteName, o: Obj, key: string, opts: NumOpts = {}): number | undefined {
  const s = numStr(route, o, key, opts);
  return s === undefined ? undefined : Number(s);
}

/** An id sent as a JSON number when it is a safe integer (GTT rule ids), else as a string. */
export function idVal(route: RouteName, v: unknown, key = 'id'): number | string {
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return v;
  if (typeof v === 'string' && v.trim() !== '') {
    const t = v.trim();
    return INTEGER.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
  }
  return fail(route, `${key} is required`);
}

/**
 * Copies `o` in its key order, replacing the given fields by their checked values and dropping
 * `undefined`/`null` (what the official Python client does); unknown keys pass through unchanged.
 */
export function buildBody(o: Obj, checked: Record<string, unknown>): Obj {
  const out: Obj = {};
  for (const k of Object.keys(o)) {
    const v = k in checked ? checked[k] : o[k];
    if (v !== undefined && v !== null) out[k] = v;
  }
  for (const k of Object.keys(checked)) {
    if (!(k in out) && checked[k] !== undefined && checked[k] !== null) out[k] = checked[k];
  }
  return out;
}

/** Coerces a numeric string to a number (leaves other values alone). */
export function toNum(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    if (t !== '') {
      const n = Number(t);
      if (Number.isFinite(n)) return n;
    }
  }
  return v;
}

/** Coerces the listed fields of a row to numbers, in place; returns the row. */
export function coerceFields<T>(row: T, fields: readonly string[]): T {
  if (row && typeof row === 'object') {
    const r = row as Record<string, unknown>;
    for (const f of fields) if (f in r) r[f] = toNum(r[f]);
  }
  return row;
}

/** `data` as an array (`null`/`""`/missing → `[]`). */
export function asArray<T>(data: unknown): T[] {
  return Array.isArray(data) ? (data as T[]) : [];
}
