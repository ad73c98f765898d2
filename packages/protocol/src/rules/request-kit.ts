/**
 * What every request rule module shares (`requests.ts`, `requests-market.ts`): the limits the rules
 * enforce, the body schema wrapper and the venue's codes for fields without a dedicated one.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import { ProductType } from '../enums.js';
import { ERROR_CODES, ErrorCode } from '../errors.js';
import type { RuleFailure } from './check.js';
import { enumOf } from './fields.js';

/** The venue's message of an error code (a generic one when the code has none). */
export const msg = (code: string): string => ERROR_CODES[code]?.message ?? 'Invalid {field}';
/** The values of an enum object, as a list. */
export const values = <T extends Record<string, string>>(e: T): T[keyof T][] =>
  Object.values(e) as T[keyof T][];

/**
 * Longest `ordertag` the venue accepts: **19 characters**. The venue's own answer for a longer tag is
 * AB4008 "ordertag length should be less than 20 characters", and the placeOrder parameter table
 * says "< 20 chars", so a 20-character tag is refused and 19 is the limit.
 */
export const MAX_ORDERTAG_LENGTH = 19;
/** Most positions in one `margin/v1/batch` request (docs/protocol/rest.md#margin-batch). */
export const MAX_MARGIN_POSITIONS = 50;
/** Most orders in one estimateCharges request ([INF], the same bound as the margin batch). */
export const MAX_CHARGE_ORDERS = 50;
/** Most tokens in one `market/v1/quote` request, over all exchanges (docs/protocol/rest.md#quote). */
export const MAX_QUOTE_TOKENS = 50;
/** Longest GTT `timeperiod` in days ([INF] one year, the official samples' 365). */
export const MAX_GTT_DAYS = 365;
/** Largest `count` of a GTT ruleList page ([INF]). */
export const MAX_GTT_PAGE_COUNT = 500;
/** Longest `searchscrip` text ([INF]). */
export const MAX_SEARCH_TEXT = 100;

/** The message of a body that is not a JSON object. */
export const BAD_BODY = 'Invalid request body';
/** A request body's schema: its fields, the code and message of a body that is not an object. */
export const body = <P extends Record<string, TSchema>>(props: P, code: string, description?: string) =>
  Type.Object(props, {
    additionalProperties: true,
    'x-errorcode': code,
    'x-message': BAD_BODY,
    ...(description === undefined ? {} : { description }),
  });

/** Order fields with no dedicated venue code. */
export const INVALID = ErrorCode.GTT_INVALID_PARAMETERS;
/** Market-data fields. */
export const BAD_SYMBOL = ErrorCode.SYMBOL_DETAILS_FAILED;
/** EDIS fields. */
export const EDIS = ErrorCode.EDIS_FAILED;

/** A cross-field rule's failure. */
export function fail(code: string, message: string, field: string): RuleFailure {
  return { ok: false, errorcode: code, message, field };
}

/** `producttype` of an order (also a margin batch position's `productType`). */
export const producttype = enumOf(values(ProductType), {
  code: ErrorCode.INVALID_PRODUCT_TYPE,
  message: msg(ErrorCode.INVALID_PRODUCT_TYPE),
});
