/**
 * Secret redaction. Every error message, raw body, error `data` and log field passes through a
 * {@link Redactor} before it leaves the SDK, so API keys, JWTs, refresh/feed tokens, PINs and TOTP
 * secrets/codes never show up in `console.error(err)`, `JSON.stringify(err)` or a log line.
 */

/** Replacement text for a redacted value. */
export const REDACTED = '[REDACTED]';

const JWT_RE = /eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]+/g;
const KV_RE =
  /("?(?:jwtToken|refreshToken|feedToken|accessToken|access_token|refresh_token|password|totp|totpSecret|secret|apiKey|api_key|x-privatekey|authorization|pin)"?\s*[:=]\s*"?)(?:Bearer\s+)?[^"\s,}&]+/gi;
const SECRET_KEY_RE = /token|password|passwd|totp|secret|authorization|privatekey|apikey|api_key|^pin$/i;

/** Removes known secrets (and anything that looks like a JWT or a `"password": …` pair) from text. */
export class Redactor {
  readonly #secrets = new Set<string>();

  /** Registers a secret value; values shorter than 4 characters are ignored. */
  add(...values: (string | undefined | null)[]): void {
    for (const v of values) if (v && v.length >= 4) this.#secrets.add(v);
  }

  /** Forgets a secret value. */
  remove(...values: (string | undefined | null)[]): void {
    for (const v of values) if (v) this.#secrets.delete(v);
  }

  /** Returns `text` with every secret replaced by `[REDACTED]`. */
  text(text: string): string {
    let out = text;
    for (const s of this.#secrets) if (out.includes(s)) out = out.split(s).join(REDACTED);
    if (out.includes('eyJ')) out = out.replace(JWT_RE, REDACTED);
    return out.replace(KV_RE, `$1${REDACTED}`);
  }

  /** Deep-copies a JSON-like value, redacting secret-looking keys and secret text in strings. */
  value(v: unknown, depth = 0): unknown {
    if (typeof v === 'string') return this.text(v);
    if (v === null || typeof v !== 'object' || depth > 8) return v;
    if (Array.isArray(v)) return v.map((x) => this.value(x, depth + 1));
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v as Record<string, unknown>)) {
      out[k] = SECRET_KEY_RE.test(k) && x !== null && x !== '' ? REDACTED : this.value(x, depth + 1);
    }
    return out;
  }

  /** A cause error safe to attach: the same object when clean, else a copy with a redacted message. */
  cause(e: unknown): unknown {
    if (!(e instanceof Error)) return typeof e === 'string' ? this.text(e) : e;
    const msg = this.text(e.message);
    const stack = e.stack === undefined ? undefined : this.text(e.stack);
    if (msg === e.message && stack === e.stack) return e;
    const copy = new Error(msg);
    copy.name = e.name;
    if (stack !== undefined) copy.stack = stack;
    return copy;
  }
}
