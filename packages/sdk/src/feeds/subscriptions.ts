/**
 * Subscription inputs (modes and token lists in every accepted shape), their validation against
 * the venue's limits, and the exact subscription set a feed re-sends after every reconnect
 * (docs/protocol/websocket.md#market-feed-limits, #subscription-request, #exchange-types).
 */
import {
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  ExchangeType,
  FEED_LIMITS,
  type FeedAction,
  FeedMode,
  type FeedRequest,
  type FeedTokenGroup,
} from '@smartapi-ts/protocol';
import { InputError } from '../errors.js';

/** Mode names accepted wherever a mode is expected. */
export const FeedModeName = {
  ltp: FeedMode.LTP,
  quote: FeedMode.QUOTE,
  snapQuote: FeedMode.SNAP_QUOTE,
  depth20: FeedMode.DEPTH_20,
} as const;
/** A mode name: `'ltp'`, `'quote'`, `'snapQuote'`, `'depth20'`. */
export type FeedModeName = keyof typeof FeedModeName;

/** A subscription mode as the venue's number (1–4) or a name. */
export type FeedModeInput = FeedMode | FeedModeName;

/** An exchange segment name of the feed (`nse_cm`, …). */
export type ExchangeSegment = keyof typeof ExchangeType;

/**
 * An instrument reference. Give the exchange as `exchangeType` (code or segment name), `exchange`
 * (REST name such as `NSE`, or a segment name) or `exch_seg` (the scrip master's field).
 */
export interface InstrumentRef {
  token: string | number;
  exchangeType?: ExchangeType | ExchangeSegment;
  exchange?: Exchange | ExchangeSegment;
  exch_seg?: string;
}

/** One exchange's tokens in the venue's shape (`{ exchangeType: 1, tokens: ['3045'] }`). */
export interface TokenGroupInput {
  exchangeType: ExchangeType;
  tokens: readonly (string | number)[];
}

/**
 * A token list: the venue's shape (`[{ exchangeType, tokens }]`), strings such as `'nse_cm|3045'`
 * (segment name, REST exchange name or exchangeType code before the `|`), or instrument objects.
 * Shapes may be mixed.
 */
export type TokenListInput = readonly (TokenGroupInput | InstrumentRef | string)[];

/** A parsed (mode, exchangeType, token) pair. */
export interface SubscriptionPair {
  mode: FeedMode;
  exchangeType: ExchangeType;
  token: string;
}

const VALID_EXCHANGE_TYPES: ReadonlySet<number> = new Set(Object.values(ExchangeType));
const TOKEN_RE = /^[!-~]{1,25}$/; // printable ASCII, no spaces, ≤ 25 bytes (the packet's token field)

function inputError(route: string, message: string, code: string): InputError {
  return new InputError({ code, message, httpStatus: 0, route });
}

/** Resolves a mode number or name; throws `InputError` (code `INVALID_MODE`). */
export function parseMode(mode: FeedModeInput | number, route: string): FeedMode {
  if (typeof mode === 'number') {
    if (mode === 1 || mode === 2 || mode === 3 || mode === 4) return mode;
  } else if (Object.hasOwn(FeedModeName, mode)) {
    return FeedModeName[mode];
  }
  throw inputError(
    route,
    `invalid feed mode ${JSON.stringify(mode)}: use 1–4 or 'ltp' | 'quote' | 'snapQuote' | 'depth20'`,
    'INVALID_MODE',
  );
}

/** Resolves an exchange given as a code, a segment name (`nse_cm`) or a REST exchange (`NSE`). */
export function parseExchangeType(value: unknown, route: string): ExchangeType {
  if (typeof value === 'number' && VALID_EXCHANGE_TYPES.has(value)) return value as ExchangeType;
  if (typeof value === 'string') {
    const s = value.trim();
    if (/^\d+$/.test(s) && VALID_EXCHANGE_TYPES.has(Number(s))) return Number(s) as ExchangeType;
    const seg = s.toLowerCase();
    if (Object.hasOwn(ExchangeType, seg)) return ExchangeType[seg as ExchangeSegment];
    const ex = s.toUpperCase();
    if (Object.hasOwn(EXCHANGE_TO_EXCHANGE_TYPE, ex)) return EXCHANGE_TO_EXCHANGE_TYPE[ex as Exchange];
  }
  throw inputError(
    route,
    `unknown exchange ${JSON.stringify(value)}: use an exchangeType (1, 2, 3, 4, 5, 7, 13), a segment (nse_cm, …) or an exchange (NSE, …)`,
    'INVALID_EXCHANGE',
  );
}

function parseToken(value: unknown, route: string): string {
  const t = typeof value === 'number' && Number.isSafeInteger(value) && value >= 0 ? String(value) : value;
  if (typeof t === 'string' && TOKEN_RE.test(t)) return t;
  throw inputError(
    route,
    `invalid token ${JSON.stringify(value)}: a token is 1–25 printable ASCII characters`,
    'INVALID_TOKEN',
  );
}

/**
 * Normalises a token list in any accepted shape into groups per exchangeType, in first-seen order,
 * without duplicates. Throws `InputError` for anything malformed.
 */
export function parseTokenList(list: TokenListInput, route: string): Map<ExchangeType, string[]> {
  if (!Array.isArray(list)) {
    throw inputError(route, 'tokenList must be an array', 'INVALID_TOKEN_LIST');
  }
  const out = new Map<ExchangeType, Set<string>>();
  const add = (et: ExchangeType, token: string): void => {
    let s = out.get(et);
    if (!s) {
      s = new Set();
      out.set(et, s);
    }
    s.add(token);
  };
  for (const item of list as readonly unknown[]) {
    if (typeof item === 'string') {
      const bar = item.indexOf('|');
      if (bar <= 0) {
        throw inputError(
          route,
          `invalid token reference ${JSON.stringify(item)}: expected 'segment|token' such as 'nse_cm|3045'`,
          'INVALID_TOKEN',
        );
      }
      add(parseExchangeType(item.slice(0, bar), route), parseToken(item.slice(bar + 1).trim(), route));
    } else if (item !== null && typeof item === 'object') {
      const o = item as Record<string, unknown>;
      if (Array.isArray(o.tokens)) {
        const et = parseExchangeType(o.exchangeType, route);
        for (const t of o.tokens as unknown[]) add(et, parseToken(t, route));
      } else if ('token' in o) {
        const ex = o.exchangeType ?? o.exchange ?? o.exch_seg;
        add(parseExchangeType(ex, route), parseToken(o.token, route));
      } else {
        throw inputError(
          route,
          'invalid tokenList entry: expected { exchangeType, tokens }, { exchange, token } or a string',
          'INVALID_TOKEN_LIST',
        );
      }
    } else {
      throw inputError(route, `invalid tokenList entry ${JSON.stringify(item)}`, 'INVALID_TOKEN_LIST');
    }
  }
  const result = new Map<ExchangeType, string[]>();
  for (const [et, s] of out) result.set(et, [...s]);
  return result;
}

/** Checks the depth-20 rules (exchangeType 1 only, at most 50 tokens per request). */
export function checkDepth20(groups: Map<ExchangeType, string[]>, route: string): void {
  let count = 0;
  for (const [et, tokens] of groups) {
    if (et !== FEED_LIMITS.depth20ExchangeType) {
      throw inputError(
        route,
        `depth-20 (mode 4) is only available for exchangeType ${FEED_LIMITS.depth20ExchangeType} (nse_cm), got ${et}`,
        'DEPTH20_EXCHANGE',
      );
    }
    count += tokens.length;
  }
  if (count > FEED_LIMITS.depth20TokensPerRequest) {
    throw inputError(
      route,
      `depth-20 (mode 4) accepts at most ${FEED_LIMITS.depth20TokensPerRequest} tokens per request, got ${count}`,
      'DEPTH20_LIMIT',
    );
  }
}

/** Random 10-character alphanumeric correlation id (docs/protocol/websocket.md#subscription-request). */
export function correlationId(random: () => number = Math.random): string {
  const chars = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let s = '';
  for (let i = 0; i < 10; i++) s += chars[Math.floor(random() * chars.length)];
  return s;
}

/**
 * The exact set of (mode, exchangeType, token) pairs of one connection. Insertion-ordered, so
 * resubscribe messages list tokens in the order they were first subscribed.
 */
export class SubscriptionSet {
  readonly #modes = new Map<FeedMode, Map<ExchangeType, Set<string>>>();
  #size = 0;

  /** Number of token-mode pairs (what the venue's 1000 limit counts). */
  get size(): number {
    return this.#size;
  }

  has(mode: FeedMode, exchangeType: ExchangeType, token: string): boolean {
    return this.#modes.get(mode)?.get(exchangeType)?.has(token) ?? false;
  }

  /** Pairs of `groups` not yet in the set. */
  missing(mode: FeedMode, groups: Map<ExchangeType, string[]>): Map<ExchangeType, string[]> {
    const out = new Map<ExchangeType, string[]>();
    for (const [et, tokens] of groups) {
      const fresh = tokens.filter((t) => !this.has(mode, et, t));
      if (fresh.length) out.set(et, fresh);
    }
    return out;
  }

  /** Adds pairs; returns how many were new. */
  add(mode: FeedMode, groups: Map<ExchangeType, string[]>): number {
    let byEt = this.#modes.get(mode);
    if (!byEt) {
      byEt = new Map();
      this.#modes.set(mode, byEt);
    }
    let added = 0;
    for (const [et, tokens] of groups) {
      let s = byEt.get(et);
      if (!s) {
        s = new Set();
        byEt.set(et, s);
      }
      for (const t of tokens) {
        if (!s.has(t)) {
          s.add(t);
          added++;
        }
      }
    }
    this.#size += added;
    return added;
  }

  /** Removes pairs; returns the ones that were present. */
  remove(mode: FeedMode, groups: Map<ExchangeType, string[]>): Map<ExchangeType, string[]> {
    const removed = new Map<ExchangeType, string[]>();
    const byEt = this.#modes.get(mode);
    if (!byEt) return removed;
    for (const [et, tokens] of groups) {
      const s = byEt.get(et);
      if (!s) continue;
      const gone = tokens.filter((t) => s.delete(t));
      if (gone.length) removed.set(et, gone);
      if (s.size === 0) byEt.delete(et);
    }
    if (byEt.size === 0) this.#modes.delete(mode);
    for (const g of removed.values()) this.#size -= g.length;
    return removed;
  }

  clear(): void {
    this.#modes.clear();
    this.#size = 0;
  }

  /** Modes with at least one token, in ascending order. */
  modes(): FeedMode[] {
    return [...this.#modes.keys()].sort((a, b) => a - b);
  }

  /** Groups of one mode. */
  groups(mode: FeedMode): Map<ExchangeType, string[]> {
    const out = new Map<ExchangeType, string[]>();
    for (const [et, s] of this.#modes.get(mode) ?? []) out.set(et, [...s]);
    return out;
  }

  /** Snapshot in the venue's shape, per mode. */
  toJSON(): Partial<Record<FeedMode, FeedTokenGroup[]>> {
    const out: Partial<Record<FeedMode, FeedTokenGroup[]>> = {};
    for (const mode of this.modes()) out[mode] = toTokenList(this.groups(mode));
    return out;
  }
}

/** Groups → the venue's `tokenList`. */
export function toTokenList(groups: Map<ExchangeType, string[]>): FeedTokenGroup[] {
  const out: FeedTokenGroup[] = [];
  for (const [exchangeType, tokens] of groups) out.push({ exchangeType, tokens: [...tokens] });
  return out;
}

/**
 * Builds the subscribe/unsubscribe request frames for one mode: one message, except depth-20,
 * which is split into requests of at most 50 tokens.
 */
export function buildRequests(
  action: FeedAction,
  mode: FeedMode,
  groups: Map<ExchangeType, string[]>,
  correlationID: string,
): FeedRequest[] {
  const chunk = mode === FeedMode.DEPTH_20 ? FEED_LIMITS.depth20TokensPerRequest : Number.POSITIVE_INFINITY;
  const requests: FeedRequest[] = [];
  let current: FeedTokenGroup[] = [];
  let count = 0;
  const flush = (): void => {
    if (current.length) requests.push({ correlationID, action, params: { mode, tokenList: current } });
    current = [];
    count = 0;
  };
  for (const [exchangeType, tokens] of groups) {
    let i = 0;
    while (i < tokens.length) {
      if (count >= chunk) flush();
      const take = Math.min(tokens.length - i, chunk - count);
      current.push({ exchangeType, tokens: tokens.slice(i, i + take) });
      count += take;
      i += take;
    }
  }
  flush();
  return requests;
}
