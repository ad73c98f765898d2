/**
 * Request rules: per route, the body's fields, enums, numeric formats, length limits and cross-field
 * rules as JSON schemas (TypeBox) carrying the venue's error code and message, plus
 * {@link checkRequest}, the one checker the SDK and the paper broker both run.
 */
import type { RouteName } from '../routes.js';
import { checkValue, RULE_OK, type RuleResult } from './check.js';
import { requestRule } from './requests.js';

export {
  checkValue,
  failure,
  normalizeValue,
  RULE_OK,
  type RuleFailure,
  type RuleResult,
  readField,
  readNumber,
} from './check.js';
export * from './fields.js';
export * from './requests.js';
export * from './responses.js';

/**
 * Checks a request body against its route's rules. Returns `{ ok: true }`, or the first failure with
 * the venue's `errorcode` and `message` (exactly what the paper broker answers for the same body).
 * Routes without body rules (GET routes) always pass; a body whose fields are all optional may be
 * left out.
 */
export function checkRequest(route: RouteName, body: unknown): RuleResult {
  const rule = requestRule(route);
  if (!rule) return RULE_OK;
  // A body with no required field may be left out (logout without a client code).
  const optionalOnly = (rule.schema.required ?? []).length === 0;
  const input = optionalOnly && (body === undefined || body === null) ? {} : body;
  const f = checkValue(rule.schema, input, '', true);
  if (f) return f;
  return rule.refine?.(input) ?? RULE_OK;
}
