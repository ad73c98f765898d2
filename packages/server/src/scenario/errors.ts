/**
 * Refusals of the `/paper/v1/` admin API: {@link ScenarioError} with a paper-only code, and the small
 * body checks every admin area shares.
 */

/** A refused admin request: `code` is one of the paper-only codes (see the docs). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** Paper-only error code (`PA1xxx`). */
  readonly code: string;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Paper-only error codes of the admin API ([INF]). */
export const AdminErrorCode = {
  /** Missing or wrong admin token (HTTP 401). */
  UNAUTHORIZED: 'PA1001',
  /** Malformed or invalid input (HTTP 400). */
  BAD_INPUT: 'PA1002',
  /** Unknown account, snapshot or fault (HTTP 404). */
  NOT_FOUND: 'PA1003',
  /** Not possible in this state: backwards time, a clock mode that does not allow it (HTTP 409). */
  CONFLICT: 'PA1004',
} as const;

/** A `PA1002` (HTTP 400) refusal. */
export const bad = (m: string) => new ScenarioError(AdminErrorCode.BAD_INPUT, 400, m);
/** A `PA1004` (HTTP 409) refusal. */
export const conflict = (m: string) => new ScenarioError(AdminErrorCode.CONFLICT, 409, m);
/** A `PA1003` (HTTP 404) refusal. */
export const notFound = (m: string) => new ScenarioError(AdminErrorCode.NOT_FOUND, 404, m);

/** A JSON-object body with only `keys` (absent body = `{}`). Throws {@link ScenarioError}. */
export function objectBody(body: unknown, keys: string[]): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw bad('body must be a JSON object');
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!keys.includes(k)) throw bad(`unknown field ${k}`);
  return b;
}

/** An amount in rupees ≥ 0 as paise. Throws {@link ScenarioError}. */
export function rupees(v: unknown, name: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e11) {
    throw bad(`${name} must be an amount in rupees ≥ 0`);
  }
  return Math.round(v * 100);
}
