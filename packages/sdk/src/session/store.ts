/**
 * Session stores: where the client keeps its tokens. The default keeps them in memory; implement
 * {@link SessionStore} to persist them (a file, Redis, a secrets manager) so a restarted bot can resume
 * its session with `api.resumeSession(clientCode)` instead of logging in again.
 * Stores only ever receive tokens, never the password/PIN or the TOTP secret.
 */

/** The tokens of one logged-in client code. */
export interface StoredSession {
  clientCode: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  /** Epoch ms of the login (or last refresh). */
  issuedAt: number;
  /** Epoch ms when the venue expires the session (next 00:00 IST after login). */
  expiresAt: number;
}

/**
 * A session store. Methods may be synchronous or return promises. Keys are client codes.
 * `set` is called after every login and refresh, `delete` after logout or when the session is lost.
 */
export interface SessionStore {
  get(clientCode: string): StoredSession | undefined | Promise<StoredSession | undefined>;
  set(clientCode: string, session: StoredSession): void | Promise<void>;
  delete(clientCode: string): void | Promise<void>;
}

/** The default store: a Map in this process. */
export class MemorySessionStore implements SessionStore {
  readonly #map = new Map<string, StoredSession>();
  get(clientCode: string): StoredSession | undefined {
    const s = this.#map.get(clientCode);
    return s ? { ...s } : undefined;
  }
  set(clientCode: string, session: StoredSession): void {
    this.#map.set(clientCode, { ...session });
  }
  delete(clientCode: string): void {
    this.#map.delete(clientCode);
  }
}
