/**
 * The one normalisation of client identities, applied before ANY lookup, limit or lockout: a client
 * code is trimmed and upper-cased (the venue treats client codes case-insensitively, and the official
 * clients send them as typed). Limits and lockouts are keyed on the normalised code only when it has
 * the shape of a client code, so attacker-chosen strings (huge, unicode, whitespace variants) never
 * get their own budget or their own memory: they count against the request's source instead.
 */

/** Shape of a client code (a letter then 2–15 letters/digits, as `accounts create` enforces). */
export const CLIENTCODE_RE = /^[A-Z][A-Z0-9]{2,15}$/;

/** The normalised client code of a raw value (`''` when not a string / number). */
export function normaliseClientCode(raw: unknown): string {
  if (typeof raw === 'number' && Number.isFinite(raw)) return String(raw).toUpperCase();
  if (typeof raw !== 'string') return '';
  return raw.trim().toUpperCase();
}

/** True when a normalised code can name an account (and so may key a limit or a lockout). */
export function plausibleClientCode(cc: string): boolean {
  return CLIENTCODE_RE.test(cc);
}

/** The limiter key of a request source (its peer address). */
export function sourceKey(ip: string | undefined): string {
  return `ip:${ip ?? 'local'}`;
}
