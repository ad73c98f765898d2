/**
 * Field builders of the request rules: JSON schemas (built with TypeBox, so each has a static type)
 * carrying the venue's answer for a bad value in two extension keywords:
 * - `x-errorcode`: the venue error code a bad or missing value gets;
 * - `x-message`: the message (`{field}` is replaced by the field's path, e.g. `orders[0].price`).
 *
 * Wire tolerance, applied by the checker before a value is tested ({@link normalizeValue}):
 * `null`, `undefined` and blank strings count as absent; strings are trimmed; fields marked
 * `x-text` also accept a JSON number (read as its decimal text); fields marked `x-case: "upper"` are
 * case-insensitive (upper-cased before the test). Numeric fields accept a JSON number or a decimal
 * string: the string must match the pattern and its value must satisfy the number branch's bounds.
 */
import {
  type TLiteral,
  type TNumber,
  type TSchema,
  type TString,
  type TUnion,
  Type,
} from '@sinclair/typebox';

/** The venue's answer for a bad value of a field. */
export interface VenueAnswer {
  /** Error code, e.g. `AB1008`. */
  readonly code: string;
  /** Message; `{field}` is replaced by the field's path. */
  readonly message: string;
}

/** Options shared by the builders. */
export interface FieldOptions extends VenueAnswer {
  /** OpenAPI description. */
  readonly description?: string;
}

/** The extension keywords of a rule schema. */
export interface RuleKeywords {
  'x-errorcode'?: string;
  'x-message'?: string;
  'x-text'?: boolean;
  'x-case'?: 'upper';
  'x-numeric'?: boolean;
  'x-errorcode-missing'?: string;
  'x-message-missing'?: string;
}

function meta(o: FieldOptions): Record<string, unknown> {
  return {
    'x-errorcode': o.code,
    'x-message': o.message,
    ...(o.description === undefined ? {} : { description: o.description }),
  };
}

/** Largest rupee amount whose paise value is a safe integer. */
export const MAX_RUPEES = Math.floor(Number.MAX_SAFE_INTEGER / 100);

/** A decimal string: digits with an optional fraction (`"194.50"`, `"0"`). */
export const DECIMAL_PATTERN = '^\\d+(\\.\\d+)?$';
/** A decimal string with a non-zero digit (> 0). */
export const POSITIVE_DECIMAL_PATTERN = '^(?=.*[1-9])\\d+(\\.\\d+)?$';
/** A whole-number string; `"10.0"` (a Python float) is accepted. */
export const INTEGER_PATTERN = '^\\d+(\\.0+)?$';
/** A whole-number string > 0. */
export const POSITIVE_INTEGER_PATTERN = '^(?=.*[1-9])\\d+(\\.0+)?$';

/** A value of an `as const` enum object (exact spelling unless `upper`: case-insensitive). */
export function enumOf<const V extends string>(
  values: readonly V[],
  o: FieldOptions & { upper?: boolean },
): TUnion<TLiteral<V>[]> {
  return Type.Union(
    values.map((v) => Type.Literal(v)),
    { ...meta(o), ...(o.upper ? { 'x-case': 'upper' } : {}) },
  );
}

/** A non-blank string (a JSON number is read as its text), optionally with a maximum length. */
export function text(o: FieldOptions & { maxLength?: number; pattern?: string }): TString {
  return Type.String({
    minLength: 1,
    ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
    ...(o.pattern === undefined ? {} : { pattern: o.pattern }),
    'x-text': true,
    ...meta(o),
  });
}

/** A non-blank string; JSON numbers are refused. */
export function strictText(o: FieldOptions & { maxLength?: number; pattern?: string }): TString {
  return Type.String({
    minLength: 1,
    ...(o.maxLength === undefined ? {} : { maxLength: o.maxLength }),
    ...(o.pattern === undefined ? {} : { pattern: o.pattern }),
    ...meta(o),
  });
}

/** Numeric bounds. */
export interface NumberBounds {
  /** `>= 0` (default) or `> 0`. */
  readonly positive?: boolean;
  readonly maximum?: number;
}

/** A rupee amount: a JSON number or a decimal string, never negative. */
export function decimal(o: FieldOptions & NumberBounds): TUnion<[TNumber, TString]> {
  return Type.Union(
    [
      Type.Number({
        ...(o.positive ? { exclusiveMinimum: 0 } : { minimum: 0 }),
        maximum: o.maximum ?? MAX_RUPEES,
      }),
      Type.String({ pattern: o.positive ? POSITIVE_DECIMAL_PATTERN : DECIMAL_PATTERN }),
    ],
    { 'x-numeric': true, ...meta(o) },
  );
}

/** A whole number: a JSON integer or a whole-number string, never negative. */
export function integer(o: FieldOptions & NumberBounds): TUnion<[TNumber, TString]> {
  return Type.Union(
    [
      Type.Number({
        multipleOf: 1,
        minimum: o.positive ? 1 : 0,
        maximum: o.maximum ?? Number.MAX_SAFE_INTEGER,
      }),
      Type.String({ pattern: o.positive ? POSITIVE_INTEGER_PATTERN : INTEGER_PATTERN }),
    ],
    { 'x-numeric': true, ...meta(o) },
  );
}

/**
 * An id or token: a non-blank string or a non-negative JSON integer. `missing` is the venue answer
 * when the value is absent, if it differs from the answer for a malformed value
 * (`x-errorcode-missing` / `x-message-missing`).
 */
export function idLike(o: FieldOptions & { missing?: VenueAnswer }): TUnion<[TString, TNumber]> {
  return Type.Union(
    [
      Type.String({ minLength: 1 }),
      Type.Number({ multipleOf: 1, minimum: 0, maximum: Number.MAX_SAFE_INTEGER }),
    ],
    {
      ...meta(o),
      ...(o.missing ? { 'x-errorcode-missing': o.missing.code, 'x-message-missing': o.missing.message } : {}),
    },
  );
}

/** Marks a schema with the venue answer of a bad value (for arrays and objects). */
export function withAnswer<T extends TSchema>(schema: T, o: FieldOptions): T {
  return { ...schema, ...meta(o) };
}
