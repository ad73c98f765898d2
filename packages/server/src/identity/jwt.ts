/**
 * Minimal HS512 JWTs (node:crypto HMAC), shaped like the venue's (`eyJhbGciOiJIUzUxMiJ9.…`).
 */
import { createHmac, timingSafeEqual } from 'node:crypto';

/** Token purposes. */
export type TokenType = 'access' | 'refresh' | 'feed';

/** Claims of every token the paper broker issues. */
export interface TokenClaims {
  /** Client code (the venue's tokens carry it as `username`). */
  username: string;
  /** Session id. */
  sid: string;
  typ: TokenType;
  /** Issued at, epoch seconds. */
  iat: number;
  /** Expiry, epoch seconds. */
  exp: number;
  /** Unique token id. */
  jti: string;
}

/** Outcome of {@link verifyJwt}. */
export type JwtVerification =
  | { ok: true; claims: TokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired'; claims?: TokenClaims };

const HEADER = Buffer.from('{"alg":"HS512"}').toString('base64url');

function sign(input: string, secret: Buffer): string {
  return createHmac('sha512', secret).update(input).digest('base64url');
}

/** Signs claims into a compact JWT. */
export function signJwt(claims: TokenClaims, secret: Buffer): string {
  const body = `${HEADER}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
  return `${body}.${sign(body, secret)}`;
}

function isClaims(v: unknown): v is TokenClaims {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.username === 'string' &&
    typeof o.sid === 'string' &&
    (o.typ === 'access' || o.typ === 'refresh' || o.typ === 'feed') &&
    typeof o.iat === 'number' &&
    typeof o.exp === 'number' &&
    typeof o.jti === 'string'
  );
}

/** Verifies signature and expiry (`nowMs` epoch ms). Never throws. */
export function verifyJwt(token: string, secret: Buffer, nowMs: number): JwtVerification {
  const parts = token.split('.');
  if (parts.length !== 3) return { ok: false, reason: 'malformed' };
  const [h, p, s] = parts as [string, string, string];
  if (h !== HEADER) return { ok: false, reason: 'malformed' };
  const expected = Buffer.from(sign(`${h}.${p}`, secret));
  const got = Buffer.from(s);
  if (expected.length !== got.length || !timingSafeEqual(expected, got))
    return { ok: false, reason: 'signature' };
  let claims: unknown;
  try {
    claims = JSON.parse(Buffer.from(p, 'base64url').toString('utf8'));
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp * 1000 <= nowMs) return { ok: false, reason: 'expired', claims };
  return { ok: true, claims };
}
