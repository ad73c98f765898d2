/**
 * Session verification on a feed edge, with the answers of the core's `SessionService` and no round
 * trip per message: tokens are checked against the core's HS512 key (sent once in the hello reply), and
 * the state no token carries (is the session still live, does the client code exist) is asked of the
 * core once per session id and client code ({@link EdgeSessions.unknown} → `<p>.session.check`), then
 * kept; `<p>.session.revoked` events mark a session dead and close its sockets.
 */
import { FeedAuthMessage, stripBearer } from '@smartapi-ts/protocol';
import { type TokenType, verifyJwt } from '../identity/jwt.js';
import { normaliseClientCode, plausibleClientCode } from '../identity/normalise.js';
import type { FeedAuthResult, FeedCredentials } from '../identity/sessions.js';
import type { OrderFeedAuth } from '../ws/order-feed.js';

/** Most client codes whose existence an edge remembers (oldest forgotten first). */
const MAX_KNOWN_CLIENTS = 10_000;

/** What an edge still has to ask the core before it can answer an upgrade. */
export interface SessionQuestions {
  sids: string[];
  clientcodes: string[];
}

/** The edge's view of sessions (see module comment). */
export class EdgeSessions {
  private readonly live = new Map<string, boolean>();
  private readonly clients = new Map<string, boolean>();

  constructor(
    private readonly secret: Buffer,
    private readonly now: () => number = Date.now,
  ) {}

  /** Session ids (of validly signed tokens) and client codes of an upgrade the edge knows nothing about. */
  unknown(tokens: readonly (string | undefined)[], clientCode?: string): SessionQuestions {
    const out: SessionQuestions = { sids: [], clientcodes: [] };
    for (const raw of tokens) {
      const t = stripBearer(raw);
      if (t === '') continue;
      const v = verifyJwt(t, this.secret, this.now());
      const sid = v.claims?.sid;
      if (sid !== undefined && !this.live.has(sid)) out.sids.push(sid);
    }
    const cc = normaliseClientCode(clientCode);
    if (plausibleClientCode(cc) && !this.clients.has(cc)) out.clientcodes.push(cc);
    return out;
  }

  /** Records the core's answer about a session and a client code. */
  learn(sid: string | undefined, live: boolean | undefined, clientcode?: string, exists?: boolean): void {
    if (sid !== undefined && live !== undefined) this.live.set(sid, live && this.live.get(sid) !== false);
    if (clientcode !== undefined && exists !== undefined) {
      this.clients.delete(clientcode);
      this.clients.set(clientcode, exists);
      if (this.clients.size > MAX_KNOWN_CLIENTS) {
        const oldest = this.clients.keys().next().value;
        if (oldest !== undefined) this.clients.delete(oldest);
      }
    }
  }

  /** A session logged out. */
  revoke(sid: string): void {
    this.live.set(sid, false);
  }

  private session(token: string, typ: TokenType) {
    const v = verifyJwt(token, this.secret, this.now());
    if (!v.ok) {
      return v.reason === 'expired' && v.claims?.typ === typ ? ('expired' as const) : ('invalid' as const);
    }
    if (v.claims.typ !== typ || this.live.get(v.claims.sid) !== true) return 'invalid' as const;
    return v.claims;
  }

  /** The order feed's check of `Authorization` (as the core's `checkAccessToken`). */
  checkAccess(authorization: string): OrderFeedAuth {
    if (authorization.trim() === '') return { ok: false, reason: 'missing' };
    const s = this.session(stripBearer(authorization), 'access');
    if (typeof s === 'string') return { ok: false, reason: s };
    return { ok: true, clientcode: s.username, sid: s.sid };
  }

  /** The market feed's check of an upgrade (as the core's `SessionService.authenticateFeed`). */
  authenticateFeed(c: FeedCredentials): FeedAuthResult {
    let clientCode = normaliseClientCode(c.clientCode);
    if (c.authorization && stripBearer(c.authorization) !== '') {
      const s = this.session(stripBearer(c.authorization), 'access');
      if (typeof s === 'string') return { ok: false, message: FeedAuthMessage.INVALID_AUTH_TOKEN };
      if (clientCode === '') clientCode = s.username;
      else if (s.username !== clientCode) return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
    }
    if (!plausibleClientCode(clientCode) || this.clients.get(clientCode) === false) {
      return { ok: false, message: FeedAuthMessage.INVALID_CLIENT_CODE };
    }
    const feed = stripBearer(c.feedToken);
    if (feed === '') return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    const s = this.session(feed, 'feed');
    if (typeof s === 'string' || s.username !== clientCode) {
      return { ok: false, message: FeedAuthMessage.INVALID_FEED_TOKEN };
    }
    return { ok: true, clientCode, sid: s.sid };
  }
}
