/**
 * Sessions of the paper broker (docs/protocol/rest.md#sessions): loginByPassword (PIN + TOTP), HS512 JWT
 * access / refresh / feed tokens that expire at the next midnight IST, generateTokens, logout,
 * getProfile, and token checks for REST, the Portfolio API and both WebSockets.
 *
 * Tokens are signed with a per-database secret kept in SQLite, so tokens issued before a restart
 * stay valid until they expire.
 */
import { randomBytes } from 'node:crypto';
import {
  ErrorCode,
  errorInfo,
  FeedAuthMessage,
  nextIstMidnight,
  type Profile,
  type SessionTokens,
  stripBearer,
} from '@smartapi-ts/protocol';
import type { AccountRecord, SessionRecord, Store } from '../storage/types.js';
import { type JwtVerification, signJwt, type TokenClaims, type TokenType, verifyJwt } from './jwt.js';
import { LoginGuard } from './login-guard.js';
import { normaliseClientCode, plausibleClientCode } from './normalise.js';
import { hashPin, verifyPin } from './pin-hash.js';
import { verifyTotp } from './totp.js';

/** A business failure: the venue's code and message (answered as an envelope). */
export interface Failure {
  errorcode: string;
  message: string;
}

/** Outcome of a session operation. */
export type Outcome<T> = { ok: true; data: T } | ({ ok: false } & Failure);

function fail(code: string, message?: string): { ok: false } & Failure {
  return { ok: false, errorcode: code, message: message ?? errorInfo(code).message };
}

/** An authenticated request's identity. */
export interface Principal {
  clientcode: string;
  sid: string;
  account: AccountRecord;
}

/** Outcome of a token check: the principal, or the gateway code (AG8001 invalid, AG8002 expired). */
export type TokenCheck = { ok: true; principal: Principal } | { ok: false; code: string; message: string };

/** Credentials offered on a market-feed upgrade (headers or query parameters). */
export interface FeedCredentials {
  authorization?: string | undefined;
  apiKey?: string | undefined;
  clientCode?: string | undefined;
  feedToken?: string | undefined;
}

/** Outcome of a feed authentication. */
export type FeedAuthResult =
  | { ok: true; clientCode: string; sid: string }
  | { ok: false; message: FeedAuthMessage };

const META_SECRET = 'jwt_secret';

/** Bound on the verified tokens {@link SessionService} remembers. */
export const VERIFIED_TOKENS_MAX = 10_000;

/** Options of {@link SessionService}. */
export interface SessionServiceOptions {
  /** Wall clock (epoch ms) for expiry and TOTP. @default Date.now */
  now?: () => number;
}

function str(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  return undefined;
}

/** Session management on top of a {@link Store}. */
export class SessionService {
  private readonly store: Store;
  private readonly now: () => number;
  private readonly secret: Buffer;
  private readonly cache = new Map<string, SessionRecord>();
  /** Tokens whose signature verified, with their claims (see {@link verify}). */
  private readonly verified = new Map<string, TokenClaims>();
  private readonly guard: LoginGuard;
  private readonly revokeListeners: Array<(sid: string) => void> = [];

  constructor(store: Store, opts: SessionServiceOptions = {}) {
    this.store = store;
    this.now = opts.now ?? Date.now;
    this.guard = new LoginGuard(this.now);
    let hex = store.meta.get(META_SECRET);
    if (!hex) {
      hex = randomBytes(64).toString('hex');
      store.meta.set(META_SECRET, hex);
    }
    this.secret = Buffer.from(hex, 'hex');
  }

  /**
   * POST loginByPassword. `apiKey` is the request's `X-PrivateKey`, `source` its peer (for the
   * per-source lockout; unit tests may omit it).
   *
   * One answer for every bad credential (unknown client, wrong PIN, wrong TOTP): AB1007 "Login Id or
   * password is invalid", as the venue answers bad credentials, after the same work (an unknown client
   * still costs a PIN hash check), so neither the PIN nor the client code can be probed. The api key
   * and the blocked flag are checked only once the credentials are proven. Failures count towards
   * the lockout of {@link LoginGuard}; a locked account or source is refused before any check.
   */
  async login(body: unknown, apiKey: string, source?: string): Promise<Outcome<SessionTokens>> {
    const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const clientcode = normaliseClientCode(o.clientcode);
    const pin = str(o.password) ?? '';
    const totp = str(o.totp)?.trim() ?? '';
    const accountKey = plausibleClientCode(clientcode) ? clientcode : undefined;
    const locked = this.guard.check(accountKey, source);
    if (locked) {
      return fail(
        ErrorCode.INVALID_CREDENTIALS,
        `Too many failed login attempts: login is locked for ${Math.ceil(locked.retryAfterMs / 1000)} s`,
      );
    }
    const account = accountKey === undefined ? undefined : this.store.accounts.get(accountKey);
    const now = this.now();
    // Always one PIN hash check, so an unknown client answers in the same time as a wrong PIN.
    const pinOk = await verifyPin(pin, account?.pinHash ?? (await dummyHash()));
    const totpOk = account !== undefined && verifyTotp(account.totpSecret, totp, now);
    if (!account || clientcode === '' || pin === '' || !pinOk || !totpOk) {
      this.guard.failure(accountKey, source);
      return fail(ErrorCode.INVALID_CREDENTIALS);
    }
    this.guard.success(clientcode);
    if (account.apiKey !== apiKey) return fail(ErrorCode.INVALID_API_KEY);
    if (account.blocked) return fail(ErrorCode.CLIENT_BLOCKED);
    const session: SessionRecord = {
      sid: randomBytes(12).toString('base64url'),
      clientcode,
      createdAt: now,
      expiresAt: nextIstMidnight(now),
      revokedAt: 0,
    };
    this.store.transaction(() => {
      this.store.sessions.insert(session);
      this.store.accounts.setLastLogin(clientcode, now);
    });
    this.cache.set(session.sid, session);
    const tokens = this.issue(session);
    const state = str(o.state);
    return { ok: true, data: state === undefined ? tokens : { ...tokens, state } };
  }

  /** Clears the lockout of an account and every source lock (admin unlock). */
  unlockLogin(clientcode: string): boolean {
    return this.guard.unlock(normaliseClientCode(clientcode));
  }

  /**
   * The client a refresh token belongs to, once its signature is verified (the rate-limit key of
   * generateTokens; a forged token names no one and counts against its source).
   */
  refreshTokenOwner(body: unknown): string | undefined {
    const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const token = stripBearer(str(o.refreshToken));
    if (token === '') return undefined;
    const v = this.verify(token, this.now());
    if (!v.ok && v.reason !== 'expired') return undefined;
    const claims = v.claims;
    return claims?.typ === 'refresh' ? claims.username : undefined;
  }

  /** POST generateTokens: new tokens for the session of a valid refresh token. */
  generateTokens(body: unknown, apiKey?: string): Outcome<SessionTokens> {
    const o = (typeof body === 'object' && body !== null ? body : {}) as Record<string, unknown>;
    const token = stripBearer(str(o.refreshToken));
    if (token === '') return fail(ErrorCode.INVALID_REFRESH_TOKEN);
    const v = this.verify(token, this.now());
    if (!v.ok) {
      if (v.reason === 'expired' && v.claims?.typ === 'refresh') return fail(ErrorCode.REFRESH_TOKEN_EXPIRED);
      return fail(ErrorCode.INVALID_REFRESH_TOKEN);
    }
    if (v.claims.typ !== 'refresh') return fail(ErrorCode.INVALID_REFRESH_TOKEN);
    const session = this.session(v.claims.sid);
    if (session?.revokedAt !== 0 || session.clientcode !== v.claims.username) {
      return fail(ErrorCode.INVALID_REFRESH_TOKEN);
    }
    if (session.expiresAt <= this.now()) return fail(ErrorCode.REFRESH_TOKEN_EXPIRED);
    // Like login: the api key must be the session's client's (another client's key is refused).
    if (apiKey !== undefined && this.store.accounts.get(session.clientcode)?.apiKey !== apiKey) {
      return fail(ErrorCode.INVALID_API_KEY);
    }
    return { ok: true, data: this.issue(session) };
  }

  /**
   * Checks an access token (`Authorization` value with or without `Bearer`, or the Portfolio API's
   * `access-token`). Missing tokens are the caller's business (AG8003).
   */
  checkAccessToken(raw: string): TokenCheck {
    return this.check(stripBearer(raw), 'access');
  }

  /** POST logout: ends the session of the principal. */
  logout(principal: Principal): void {
    const at = this.now();
    this.store.sessions.revoke(principal.sid, at);
    const s = this.cache.get(principal.sid);
    if (s) this.cache.set(principal.sid, { ...s, revokedAt: at });
    for (const fn of this.revokeListeners) fn(principal.sid);
  }

  /** Calls `fn(sid)` when a session ends (logout): the feeds close that session's sockets. */
  onRevoke(fn: (sid: string) => void): void {
    this.revokeListeners.push(fn);
  }

  /** GET getProfile data. */
  profile(principal: Principal): Profile {
    const a = this.store.accounts.get(principal.clientcode) ?? principal.account;
    return {
      clientcode: a.clientcode,
      name: a.name,
      email: a.email,
      mobileno: a.mobileno,
      exchanges: ['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS'],
      products: ['DELIVERY', 'INTRADAY', 'MARGIN', 'CARRYFORWARD', 'BO'],
      lastlogintime: a.lastLoginAt ? formatLoginTime(a.lastLoginAt) : '',
      brokerid: 'B2C',
    };
  }

  /**
   * Market-feed authentication: `x-client-code` + `x-feed-token` (or the query triple); when an
   * `Authorization` JWT is present it must be valid and belong to the same client. `x-api-key` is not
   * checked: the venue streams to any value (the official Python client sends a placeholder), the
   * feed token already proves the session (docs/paper-broker.md#market-feed).
   */
  authenticateFeed(c: FeedCredentials): FeedAuthResult {
    const now = this.now();
    let clientCode = normaliseClientCode(c.clientCode);
    if (c.authorization && stripBearer(c.authorization) !== '') {
      const chk = this.check(stripBearer(c.authorization), 'access');
      if (!chk.ok) return { ok: false, message: FeedAuthMessage.INVALID_AUTH_TOKEN };
      if (clientCode === '') clientCode = chk.principal.clientcode;
      else if (chk.principal.clientcode !== clientCode) {
        return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
      }
    }
    if (clientCode === '') return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
    const account = this.store.accounts.get(clientCode);
    if (!account) return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
    const feed = stripBearer(c.feedToken);
    if (feed === '') return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    const v = this.verify(feed, now);
    if (!v.ok || v.claims.typ !== 'feed' || v.claims.username !== clientCode) {
      return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    }
    const session = this.session(v.claims.sid);
    if (session?.revokedAt !== 0 || session.expiresAt <= now) {
      return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    }
    return { ok: true, clientCode, sid: session.sid };
  }

  /** The account owning an api key, if any. */
  accountByApiKey(apiKey: string): AccountRecord | undefined {
    return this.store.accounts.byApiKey(apiKey);
  }

  /** Drops cached sessions (after an account reset). */
  clearCache(): void {
    this.cache.clear();
    this.verified.clear();
  }

  /**
   * {@link verifyJwt} with a memory of the tokens whose signature already verified, keyed by the whole
   * token string (so only that exact signed text hits): a hit skips the HMAC and the JSON parse, never
   * the expiry check, and whatever the token's session became (logout, reset) is checked by the caller
   * as for a fresh verification. At most {@link VERIFIED_TOKENS_MAX} tokens are kept (oldest dropped
   * first); only tokens this server signed can enter it.
   */
  private verify(token: string, now: number): JwtVerification {
    let claims = this.verified.get(token);
    if (claims === undefined) {
      const v = verifyJwt(token, this.secret, now);
      if (!v.ok) return v;
      claims = v.claims;
      if (this.verified.size >= VERIFIED_TOKENS_MAX) {
        const oldest = this.verified.keys().next().value as string;
        this.verified.delete(oldest);
      }
      this.verified.set(token, claims);
    }
    if (claims.exp * 1000 <= now) return { ok: false, reason: 'expired', claims };
    return { ok: true, claims };
  }

  private check(token: string, typ: TokenType): TokenCheck {
    const invalid = { ok: false as const, code: ErrorCode.INVALID_TOKEN, message: 'Invalid Token' };
    if (token === '') return invalid;
    const now = this.now();
    const v = this.verify(token, now);
    if (!v.ok) {
      if (v.reason === 'expired' && v.claims?.typ === typ) {
        return { ok: false, code: ErrorCode.TOKEN_EXPIRED, message: 'Token Expired' };
      }
      return invalid;
    }
    if (v.claims.typ !== typ) return invalid;
    const session = this.session(v.claims.sid);
    if (session?.revokedAt !== 0 || session.clientcode !== v.claims.username) return invalid;
    if (session.expiresAt <= now)
      return { ok: false, code: ErrorCode.TOKEN_EXPIRED, message: 'Token Expired' };
    const account = this.store.accounts.get(session.clientcode);
    if (!account) return invalid;
    return { ok: true, principal: { clientcode: session.clientcode, sid: session.sid, account } };
  }

  private session(sid: string): SessionRecord | undefined {
    let s = this.cache.get(sid);
    if (!s) {
      s = this.store.sessions.get(sid);
      if (s) this.cache.set(sid, s);
    }
    return s;
  }

  private issue(session: SessionRecord): SessionTokens {
    const iat = Math.floor(this.now() / 1000);
    const exp = Math.floor(session.expiresAt / 1000);
    const mk = (typ: TokenType) => {
      const claims: TokenClaims = {
        username: session.clientcode,
        sid: session.sid,
        typ,
        iat,
        exp,
        jti: randomBytes(9).toString('base64url'),
      };
      return signJwt(claims, this.secret);
    };
    return { jwtToken: mk('access'), refreshToken: mk('refresh'), feedToken: mk('feed') };
  }
}

let dummy: Promise<string> | undefined;
/** A PIN hash no PIN matches in practice, hashed once (the cost of checking an unknown client). */
function dummyHash(): Promise<string> {
  dummy ??= hashPin(`not a pin ${randomBytes(8).toString('hex')}`);
  return dummy;
}

function formatLoginTime(ms: number): string {
  // `YYYY-MM-DD HH:mm:ss` IST, a readable choice (the venue's format is undocumented).
  const d = new Date(ms + 330 * 60_000);
  return d.toISOString().slice(0, 19).replace('T', ' ');
}
