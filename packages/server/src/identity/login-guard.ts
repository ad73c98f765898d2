/**
 * Login lockout: progressive lockout per account and per request source after failed logins (wrong
 * client code, PIN or TOTP all count alike), so a PIN or a TOTP cannot be guessed online.
 *
 * Thresholds [INF] (our choice; the venue does not publish its lockout policy — see
 * docs/security.md#login-lockout): an account locks after 5 consecutive failures, a source after 20
 * failures; the first lock lasts 60 s and every further failure while the count stays above the
 * threshold doubles it, up to 1 h. A successful login clears the account's count (not the source's:
 * logging into one's own account must not reset a guessing budget against others). Counts are
 * forgotten 1 h after the last failure once no lock is active. State is bounded (at most
 * `maxEntries` keys, least recently failed dropped first). The admin API / CLI `accounts unlock`
 * clears an account and every source lock.
 */

/** Lockout parameters. */
export interface LockoutRule {
  accountThreshold: number;
  sourceThreshold: number;
  baseLockMs: number;
  maxLockMs: number;
  forgetAfterMs: number;
  maxEntries: number;
}

/** The lockout rule of the paper broker [INF] (see module comment). */
export const LOCKOUT_RULE: LockoutRule = {
  accountThreshold: 5,
  sourceThreshold: 20,
  baseLockMs: 60_000,
  maxLockMs: 3_600_000,
  forgetAfterMs: 3_600_000,
  maxEntries: 10_000,
};

interface Entry {
  failures: number;
  lastFailure: number;
  lockedUntil: number;
}

/** A refusal because of a lock: which key and until when. */
export interface Locked {
  scope: 'account' | 'source';
  retryAfterMs: number;
}

/** Counts failures and answers whether a login may be tried. */
export class LoginGuard {
  private readonly accounts = new Map<string, Entry>();
  private readonly sources = new Map<string, Entry>();

  constructor(
    private readonly now: () => number = Date.now,
    readonly rule: LockoutRule = LOCKOUT_RULE,
  ) {}

  /** The active lock of an account key or a source key, if any. */
  check(account: string | undefined, source: string | undefined): Locked | undefined {
    const now = this.now();
    const a = account === undefined ? undefined : this.live(this.accounts, account, now);
    if (a && a.lockedUntil > now) return { scope: 'account', retryAfterMs: a.lockedUntil - now };
    const s = source === undefined ? undefined : this.live(this.sources, source, now);
    if (s && s.lockedUntil > now) return { scope: 'source', retryAfterMs: s.lockedUntil - now };
    return undefined;
  }

  /** Records a failed login of an account key (undefined: not a plausible code) from a source. */
  failure(account: string | undefined, source: string | undefined): void {
    const now = this.now();
    if (account !== undefined) this.bump(this.accounts, account, this.rule.accountThreshold, now);
    if (source !== undefined) this.bump(this.sources, source, this.rule.sourceThreshold, now);
  }

  /** A successful login: the account's count starts again. */
  success(account: string): void {
    this.accounts.delete(account);
  }

  /** Admin unlock: clears the account and every source lock. True when something was locked. */
  unlock(account: string): boolean {
    const now = this.now();
    let was = (this.accounts.get(account)?.lockedUntil ?? 0) > now;
    this.accounts.delete(account);
    for (const e of this.sources.values()) if (e.lockedUntil > now) was = true;
    this.sources.clear();
    return was;
  }

  /** Number of keys held (tests: the state stays bounded). */
  get size(): number {
    return this.accounts.size + this.sources.size;
  }

  private live(map: Map<string, Entry>, key: string, now: number): Entry | undefined {
    const e = map.get(key);
    if (!e) return undefined;
    if (e.lockedUntil <= now && now - e.lastFailure >= this.rule.forgetAfterMs) {
      map.delete(key);
      return undefined;
    }
    return e;
  }

  private bump(map: Map<string, Entry>, key: string, threshold: number, now: number): void {
    const e = this.live(map, key, now) ?? { failures: 0, lastFailure: now, lockedUntil: 0 };
    e.failures += 1;
    e.lastFailure = now;
    if (e.failures >= threshold) {
      const lock = Math.min(
        this.rule.maxLockMs,
        this.rule.baseLockMs * 2 ** Math.min(30, e.failures - threshold),
      );
      e.lockedUntil = now + lock;
    }
    map.delete(key); // re-insert: Map order = least recently failed first
    map.set(key, e);
    while (map.size > this.rule.maxEntries) {
      const oldest = map.keys().next().value as string;
      map.delete(oldest);
    }
  }
}
