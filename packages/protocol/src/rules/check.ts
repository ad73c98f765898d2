/**
 * The request-rule checker: walks a rule schema in its declared field order and answers the first
 * failure with the venue's code and message. Browser-safe (TypeBox's `Value.Check`, no code
 * generation), so the SDK, the paper broker and a web page all run the very same checks.
 */
import type { TSchema } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/** A failed rule: the venue's error code and message, and the path of the offending field. */
export interface RuleFailure {
  readonly ok: false;
  readonly errorcode: string;
  readonly message: string;
  /** Path of the field (`quantity`, `positions[2].qty`); `""` for the body itself. */
  readonly field: string;
}

/** Result of a rule check. */
export type RuleResult = { readonly ok: true } | RuleFailure;

/** The passed check. */
export const RULE_OK: RuleResult = Object.freeze({ ok: true as const });

type Schema = TSchema & Record<string, unknown>;

/**
 * The value as the rules see it: `undefined` when absent (`null`, `undefined`, a blank string),
 * strings trimmed (upper-cased for `x-case: "upper"`), JSON numbers as text for `x-text` fields.
 */
export function normalizeValue(schema: TSchema, value: unknown): unknown {
  const s = schema as Schema;
  if (value === null || value === undefined) return undefined;
  if (typeof value === 'string') {
    const t = value.trim();
    if (t === '') return undefined;
    return s['x-case'] === 'upper' ? t.toUpperCase() : t;
  }
  if (typeof value === 'number' && s['x-text'] === true && Number.isFinite(value)) return String(value);
  return value;
}

/** Builds a failure from a schema's `x-errorcode` / `x-message` (`{field}` → the path). */
export function failure(schema: TSchema, field: string, fallback?: RuleFailure): RuleFailure {
  const s = schema as Schema;
  const code = typeof s['x-errorcode'] === 'string' ? s['x-errorcode'] : fallback?.errorcode;
  const msg = typeof s['x-message'] === 'string' ? s['x-message'] : fallback?.message;
  return {
    ok: false,
    errorcode: code ?? 'AB9001',
    message: (msg ?? 'Invalid {field}').split('{field}').join(field || 'request body'),
    field,
  };
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function join(path: string, key: string | number): string {
  if (typeof key === 'number') return `${path}[${key}]`;
  return path === '' ? key : `${path}.${key}`;
}

/**
 * Checks one value against a rule schema; `required` says whether an absent value fails. Returns the
 * first failure or undefined.
 */
export function checkValue(
  schema: TSchema,
  raw: unknown,
  path: string,
  required: boolean,
  parent?: RuleFailure,
): RuleFailure | undefined {
  const s = schema as Schema;
  const here = failure(schema, path, parent);
  const v = normalizeValue(schema, raw);
  if (v === undefined) {
    if (!required) return undefined;
    const code = s['x-errorcode-missing'];
    const text = s['x-message-missing'];
    return typeof code === 'string' && typeof text === 'string'
      ? { ok: false, errorcode: code, message: text, field: path }
      : here;
  }
  if (s.type === 'object' && isPlainObject(s.properties)) {
    if (!isPlainObject(v)) return here;
    const req = Array.isArray(s.required) ? (s.required as string[]) : [];
    for (const [key, sub] of Object.entries(s.properties as Record<string, TSchema>)) {
      const f = checkValue(sub, v[key], join(path, key), req.includes(key), here);
      if (f) return f;
    }
    return undefined;
  }
  if (s.type === 'array') {
    if (!Array.isArray(v)) return here;
    if (typeof s.minItems === 'number' && v.length < s.minItems) return here;
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return here;
    const items = s.items as TSchema | undefined;
    if (items) {
      for (let i = 0; i < v.length; i++) {
        const f = checkValue(items, v[i], join(path, i), true, here);
        if (f) return f;
      }
    }
    return undefined;
  }
  if (!Value.Check(schema, v)) return here;
  if (s['x-numeric'] === true && typeof v === 'string') {
    const branch = (s.anyOf as Schema[] | undefined)?.find((b) => b.type === 'number');
    if (branch && !Value.Check(branch, Number(v))) return here;
  }
  return undefined;
}

/** Reads a field the way the rules see it (see {@link normalizeValue}). */
export function readField(schema: TSchema, body: unknown, key: string): unknown {
  if (!isPlainObject(body)) return undefined;
  const props = (schema as Schema).properties as Record<string, TSchema> | undefined;
  const sub = props?.[key];
  return sub ? normalizeValue(sub, body[key]) : body[key];
}

/** A numeric field's value as a number (undefined when absent). */
export function readNumber(schema: TSchema, body: unknown, key: string): number | undefined {
  const v = readField(schema, body, key);
  if (v === undefined) return undefined;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : undefined;
}
