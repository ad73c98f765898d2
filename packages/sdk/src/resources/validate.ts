/**
 * Input checks run before a request is sent: the protocol's request rules (`checkRequest`), the same
 * ones the paper broker validates with. A failed check throws `InputError` (httpStatus 0, the route
 * name, the venue's error code and message — never the value, which could be a secret).
 */
import { checkRequest, type RouteName } from '@smartapi-ts/protocol';
import { InputError } from '../errors.js';

/** A plain object of unknown shape. */
export type Obj = Record<string, unknown>;

/** Throws an `InputError` (no venue code) for a check the protocol rules do not cover. */
export function fail(route: RouteName | string, message: string): never {
  throw new InputError({ code: '', message, httpStatus: 0, route });
}

/**
 * Runs the protocol's request rules on the body about to be sent (the very checks the paper broker
 * runs): a broken rule throws `InputError` with the venue's code and message, exactly what the server
 * would answer, and nothing is sent.
 */
export function check(route: RouteName, body: unknown): void {
  const r = checkRequest(route, body);
  if (!r.ok) throw new InputError({ code: r.errorcode, message: r.message, httpStatus: 0, route });
}

/**
 * `v` as a plain object. Anything else is judged by the route's rules (an absent body of a route whose
 * fields are all optional reads as `{}`; otherwise the rules' "Invalid request body").
 */
export function obj(route: RouteName, v: unknown): Obj {
  if (v !== null && typeof v === 'object' && !Array.isArray(v)) return v as Obj;
  check(route, v);
  return {};
}

// The helpers below only canonicalise values for the wire (numbers as the official clients send
// them); they never judge a value: a value they do not recognise goes out unchanged and the
// protocol rules (`check`) decide.

/** A string field: strings as given, finite numbers as their text. */
export function str(o: Obj, key: string): unknown {
  const v = o[key];
  return typeof v === 'number' && Number.isFinite(v) ? String(v) : v;
}

/** An enum field: strings trimmed, anything else unchanged. */
export function enumStr(o: Obj, key: string): unknown {
  const v = o[key];
  return typeof v === 'string' ? v.trim() : v;
}

/** Decimal text of a finite number without exponent notation (`1e-7` → `"0.0000001"`). */
export function plainNumber(n: number): string {
  const s = String(n);
  if (!/e/i.test(s) || Math.abs(n) >= 1e21) return s;
  return n.toFixed(20).replace(/0+$/, '').replace(/\.$/, '');
}

/**
 * A numeric field sent as a decimal string (`"500"`, `"194.5"`): numbers become their text, strings
 * are trimmed, anything else goes out unchanged.
 */
export function numStr(o: Obj, key: string): unknown {
  const v = o[key];
  if (typeof v === 'number' && Number.isFinite(v)) return plainNumber(v);
  return typeof v === 'string' ? v.trim() : v;
}

/** A numeric field sent as a JSON number: decimal strings become numbers, anything else unchanged. */
export function numVal(o: Obj, key: string): unknown {
  const v = o[key];
  if (typeof v === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(v)) return Number(v);
  return v;
}

/** An id sent as a JSON number when it is a safe integer (GTT rule ids), else unchanged. */
export function idVal(v: unknown): unknown {
  if (typeof v === 'string') {
    const t = v.trim();
    return /^\d+$/.test(t) && Number.isSafeInteger(Number(t)) ? Number(t) : t;
  }
  return v;
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
