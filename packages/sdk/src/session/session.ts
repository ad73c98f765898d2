/**
 * Login (password + TOTP), token refresh through generateTokens (single-flight), logout, the daily
 * re-login, and the {@link Session} snapshot the feeds use.
 */
import { ErrorCode, nextIstMidnight, type SessionTokens } from '@smartapi-ts/protocol';
import { type ApiError, AuthenticationError, InputError, ServerError, SmartApiError } from '../errors.js';
import { type Clock, unrefTimer } from '../internal/clock.js';
import type { RequestOptions, RestCore, SessionHooks } from '../internal/core.js';
import type { Logger } from '../internal/logger.js';
import { REDACTED, type Redactor } from '../internal/redact.js';
import type { SessionStore, StoredSession } from './store.js';
import { totpCode } from './totp.js';

const INSPECT = Symbol.for('nodejs.util.inspect.custom');

/**
 * The tokens of the current session (an immutable snapshot; a refresh produces a new one and emits
 * `session`). `util.inspect`, `toString` and `JSON.stringify` show it with the secrets redacted; read
 * the properties to use them (e.g. the feeds' `x-feed-token`).
 */
export class Session {
  /** Angel One client code. */
  readonly clientCode: string;
  /** SmartAPI key (`X-PrivateKey`, the feeds' `x-api-key`). */
  readonly apiKey: string;
  /** JWT for `Authorization: Bearer …` (without the `Bearer ` prefix). */
  readonly jwtToken: string;
  /** Refresh token for generateTokens (`''` when unknown, e.g. publisher login). */
  readonly refreshToken: string;
  /** Feed token for the market-data WebSocket (`''` when unknown). */
  readonly feedToken: string;
  /** Epoch ms when the tokens were issued. */
  readonly issuedAt: number;
  /** Epoch ms when the venue expires them (next 00:00 IST). */
  readonly expiresAt: number;

  constructor(init: {
    clientCode: string;
    apiKey: string;
    jwtToken: string;
    refreshToken: string;
    feedToken: string;
    issuedAt: number;
    expiresAt: number;
  }) {
    this.clientCode = init.clientCode;
    this.apiKey = init.apiKey;
    this.jwtToken = init.jwtToken;
    this.refreshToken = init.refreshToken;
    this.feedToken = init.feedToken;
    this.issuedAt = init.issuedAt;
    this.expiresAt = init.expiresAt;
    Object.freeze(this);
  }

  /** Redacted view. */
  toJSON(): Record<string, unknown> {
    return {
      clientCode: this.clientCode,
      apiKey: REDACTED,
      jwtToken: REDACTED,
      refreshToken: this.refreshToken ? REDACTED : '',
      feedToken: this.feedToken ? REDACTED : '',
      issuedAt: this.issuedAt,
      expiresAt: this.expiresAt,
    };
  }

  toString(): string {
    return `Session(${this.clientCode})`;
  }

  [INSPECT](): string {
    return `Session ${JSON.stringify(this.toJSON())}`;
  }
}

/** `login()` parameters: a TOTP secret (the SDK computes codes, and can re-login daily) or a ready code. */
export type LoginParams =
  | { clientCode: string; password: string; totpSecret: string; totp?: never; state?: string }
  | { clientCode: string; password: string; totp: string; totpSecret?: never; state?: string };

/** Tokens to install without logging in (publisher login, tokens from elsewhere). */
export interface SessionTokensInit {
  clientCode?: string;
  jwtToken: string;
  refreshToken?: string;
  feedToken?: string;
}

/** Events the session layer emits through the client. */
export interface SessionEvents {
  session: [session: Session];
  sessionExpired: [error: SmartApiError];
  logout: [clientCode: string];
}

/** Dependencies of the session manager. */
export interface SessionDeps {
  apiKey: string;
  core: RestCore;
  clock: Clock;
  store: SessionStore;
  logger: Logger;
  redactor: Redactor;
  /** Re-login right after the venue's daily expiry when the TOTP secret is known. */
  autoRelogin: boolean;
  emit<K extends keyof SessionEvents>(event: K, ...args: SessionEvents[K]): void;
}

/** Delay after 00:00 IST before the proactive daily re-login. */
export const RELOGIN_DELAY_MS = 30_000;

function inputError(message: string): InputError {
  return new InputError({ code: '', message, httpStatus: 0, route: 'loginByPassword' });
}

/** Owns the tokens of one client. */
export class SessionManager implements SessionHooks {
  readonly #d: SessionDeps;
  #current: Session | undefined;
  #clientCode: string | undefined;
  #creds: { clientCode: string; password: string; totpSecret: string } | undefined;
  #inflight: Promise<void> | undefined;
  #timer: unknown;

  constructor(deps: SessionDeps) {
    this.#d = deps;
  }

  /** Current session snapshot. */
  get current(): Session | undefined {
    return this.#current;
  }

  jwt(): string | undefined {
    return this.#current?.jwtToken;
  }

  clientCode(): string | undefined {
    return this.#current?.clientCode ?? this.#clientCode;
  }

  /** Logs in with the trading PIN and a TOTP (computed from `totpSecret`, or given as `totp`). */
  async login(params: LoginParams, opts?: RequestOptions): Promise<Session> {
    if (params === null || typeof params !== 'object')
      throw inputError('login() needs { clientCode, password, totpSecret | totp }');
    const { clientCode, password } = params;
    const totpSecret = (params as { totpSecret?: unknown }).totpSecret;
    const totp = (params as { totp?: unknown }).totp;
    if (typeof clientCode !== 'string' || clientCode.trim() === '')
      throw inputError('clientCode is required');
    if (typeof password !== 'string' || password === '')
      throw inputError('password (the trading PIN) is required');
    if (totpSecret === undefined && totp === undefined) throw inputError('give totpSecret or totp');
    if (totpSecret !== undefined && totp !== undefined)
      throw inputError('give either totpSecret or totp, not both');
    if (totpSecret !== undefined && (typeof totpSecret !== 'string' || totpSecret === '')) {
      throw inputError('totpSecret must be a non-empty string');
    }
    if (totp !== undefined && (typeof totp !== 'string' || !/^\d{6}$/.test(totp))) {
      throw inputError('totp must be a 6-digit code');
    }
    const { redactor, clock } = this.#d;
    redactor.add(password, totpSecret as string | undefined, totp as string | undefined);
    if (typeof totpSecret === 'string') totpCode(totpSecret, clock.now()); // validate before sending
    const code = clientCode.trim();
    const state = params.state;
    const body = () => {
      const otp = typeof totpSecret === 'string' ? totpCode(totpSecret, clock.now()) : (totp as string);
      redactor.add(otp);
      const b: Record<string, string> = { clientcode: code, password, totp: otp };
      if (state !== undefined) b.state = state;
      return b;
    };
    const res = await this.#d.core.call('loginByPassword', { body, noRecover: true, clientCode: code }, opts);
    const session = this.#install(code, res.data, 'loginByPassword');
    if (typeof totpSecret === 'string') {
      this.#creds = { clientCode: code, password, totpSecret };
      this.#schedule();
    } else {
      this.#creds = undefined;
    }
    return session;
  }

  /** Exchanges the refresh token for new tokens (generateTokens). */
  async refresh(opts?: RequestOptions): Promise<Session> {
    const cur = this.#current;
    if (!cur?.refreshToken) {
      throw new AuthenticationError({
        code: ErrorCode.INVALID_REFRESH_TOKEN,
        message: 'no refresh token: log in first',
        httpStatus: 0,
        route: 'generateTokens',
      });
    }
    return this.generateTokens(cur.refreshToken, opts);
  }

  /** Calls generateTokens with an explicit refresh token and installs the result. */
  async generateTokens(
    refreshToken: string,
    opts?: RequestOptions,
    extraBody?: Record<string, string>,
  ): Promise<Session> {
    this.#d.redactor.add(refreshToken);
    const spec: { body: object; noRecover: true; bearer?: string } = {
      body: { ...extraBody, refreshToken },
      noRecover: true,
    };
    const jwt = this.#current?.jwtToken;
    if (jwt) spec.bearer = jwt;
    const res = await this.#d.core.call('generateTokens', spec, opts);
    const code = this.clientCode();
    if (!code) {
      // Tokens without a client code still work for REST; feeds need it.
      return this.#install('', res.data, 'generateTokens', refreshToken);
    }
    return this.#install(code, res.data, 'generateTokens', refreshToken);
  }

  /** Installs tokens obtained elsewhere (publisher login, a saved session). */
  setTokens(t: SessionTokensInit): Session {
    if (!t || typeof t.jwtToken !== 'string' || t.jwtToken === '') {
      throw new InputError({ code: '', message: 'jwtToken is required', httpStatus: 0, route: 'setTokens' });
    }
    const jwt = t.jwtToken.replace(/^bearer\s+/i, '');
    const code = t.clientCode ?? this.clientCode() ?? '';
    return this.#install(
      code,
      {
        jwtToken: jwt,
        refreshToken: t.refreshToken ?? this.#current?.refreshToken ?? '',
        feedToken: t.feedToken ?? this.#current?.feedToken ?? '',
      },
      'setTokens',
    );
  }

  /** Sets the client code used for rate limiting and logout before any login. */
  setClientCode(code: string): void {
    this.#clientCode = code;
  }

  /** Loads a stored session; returns it when present and not expired. */
  async resume(clientCode: string): Promise<Session | undefined> {
    const s = await this.#d.store.get(clientCode);
    if (!s || s.expiresAt <= this.#d.clock.now()) return undefined;
    this.#d.redactor.add(s.jwtToken, s.refreshToken, s.feedToken);
    const session = new Session({ ...s, apiKey: this.#d.apiKey });
    this.#current = session;
    this.#d.emit('session', session);
    return session;
  }

  recover(usedJwt: string, err: ApiError): Promise<void> {
    const cur = this.#current;
    if (!this.#inflight) {
      if (!cur) return Promise.reject(err); // the session was lost meanwhile (already reported)
      if (cur.jwtToken !== usedJwt) return Promise.resolve(); // already renewed by another call
    }
    if (!this.#inflight) {
      this.#inflight = this.#renew(err).finally(() => {
        this.#inflight = undefined;
      });
    }
    return this.#inflight;
  }

  async #renew(trigger: ApiError): Promise<void> {
    let last: unknown = trigger;
    if (this.#current?.refreshToken) {
      try {
        await this.refresh();
        return;
      } catch (e) {
        // network trouble or a venue failure: keep the session, fail this call
        if (!(e instanceof AuthenticationError)) throw e;
        last = e;
      }
    }
    if (this.#creds) {
      try {
        await this.#relogin();
        return;
      } catch (e) {
        if (!(e instanceof AuthenticationError)) throw e;
        last = e;
      }
    }
    const lost = new AuthenticationError({
      code: trigger.code,
      message: `session rejected by the venue and could not be renewed (refresh${this.#creds ? ' and re-login' : ''} failed)`,
      httpStatus: trigger.httpStatus,
      route: trigger.route,
      cause: last,
    });
    this.#expire(lost);
    throw lost;
  }

  async #relogin(): Promise<Session> {
    const c = this.#creds;
    if (!c)
      throw new AuthenticationError({
        code: '',
        message: 'no credentials',
        httpStatus: 0,
        route: 'loginByPassword',
      });
    this.#d.logger.info('smartapi re-login', { clientCode: c.clientCode });
    return this.login({ clientCode: c.clientCode, password: c.password, totpSecret: c.totpSecret });
  }

  #expire(err: SmartApiError): void {
    const code = this.clientCode();
    this.#current = undefined;
    if (code) {
      this.#clientCode = code;
      void Promise.resolve(this.#d.store.delete(code)).catch(() => {});
    }
    this.#d.emit('sessionExpired', err);
  }

  /** Logs out at the venue (best effort) and forgets tokens, credentials and timers. */
  async logout(opts?: RequestOptions): Promise<void> {
    const code = this.clientCode();
    this.close();
    const cur = this.#current;
    try {
      if (cur && code)
        await this.#d.core.call('logout', { body: { clientcode: code }, noRecover: true }, opts);
    } finally {
      this.#forget();
      if (code) {
        await Promise.resolve(this.#d.store.delete(code)).catch(() => {});
        this.#d.emit('logout', code);
      }
    }
  }

  /** Forgets local state without calling the venue. */
  #forget(): void {
    const cur = this.#current;
    if (cur) this.#d.redactor.add(cur.jwtToken); // keep redacting old tokens
    this.#current = undefined;
    this.#creds = undefined;
  }

  /** Cancels the daily re-login timer. */
  close(): void {
    if (this.#timer !== undefined) {
      this.#d.clock.clearTimeout(this.#timer);
      this.#timer = undefined;
    }
  }

  #install(clientCode: string, data: unknown, route: string, usedRefresh?: string): Session {
    const t = data as Partial<SessionTokens> | null;
    if (!t || typeof t !== 'object' || typeof t.jwtToken !== 'string' || t.jwtToken === '') {
      throw new ServerError({ code: '', message: 'the answer carries no jwtToken', httpStatus: 200, route });
    }
    const now = this.#d.clock.now();
    const session = new Session({
      clientCode,
      apiKey: this.#d.apiKey,
      jwtToken: t.jwtToken.replace(/^bearer\s+/i, ''),
      refreshToken:
        typeof t.refreshToken === 'string' && t.refreshToken ? t.refreshToken : (usedRefresh ?? ''),
      feedToken: typeof t.feedToken === 'string' ? t.feedToken : (this.#current?.feedToken ?? ''),
      issuedAt: now,
      expiresAt: nextIstMidnight(now),
    });
    this.#d.redactor.add(session.jwtToken, session.refreshToken, session.feedToken);
    this.#current = session;
    if (clientCode) {
      this.#clientCode = clientCode;
      const stored: StoredSession = {
        clientCode,
        jwtToken: session.jwtToken,
        refreshToken: session.refreshToken,
        feedToken: session.feedToken,
        issuedAt: session.issuedAt,
        expiresAt: session.expiresAt,
      };
      void Promise.resolve(this.#d.store.set(clientCode, stored)).catch((e: unknown) =>
        this.#d.logger.warn('smartapi session store failed', {
          error: e instanceof Error ? e.message : 'unknown',
        }),
      );
    }
    this.#d.emit('session', session);
    return session;
  }

  #schedule(): void {
    this.close();
    if (!this.#d.autoRelogin || !this.#creds) return;
    const now = this.#d.clock.now();
    const at = nextIstMidnight(now) + RELOGIN_DELAY_MS;
    this.#timer = this.#d.clock.setTimeout(() => {
      this.#timer = undefined;
      this.#relogin().catch((e: unknown) => {
        const err =
          e instanceof SmartApiError
            ? e
            : new AuthenticationError({
                code: '',
                message: 'daily re-login failed',
                httpStatus: 0,
                route: 'loginByPassword',
                cause: this.#d.redactor.cause(e),
              });
        this.#d.logger.warn('smartapi daily re-login failed', { error: err.name });
        this.#d.emit('sessionExpired', err);
      });
    }, at - now);
    unrefTimer(this.#timer);
  }
}
