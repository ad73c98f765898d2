/**
 * Subscription requests of the market feed: validation of a subscribe / unsubscribe message (modes,
 * exchange types, token syntax, the depth-20 limits) and the index of subscribers per token and mode.
 */
import {
  type ExchangeType,
  ExchangeType as ExchangeTypeEnum,
  FEED_LIMITS,
  FeedMode,
  isEnumValue,
} from '@smartapi-ts/protocol';
import type { Conn } from './connection.js';

/** A validated subscription request. */
export interface ParsedRequest {
  correlationID: string;
  action: 0 | 1;
  mode: FeedMode;
  groups: { exchangeType: ExchangeType; tokens: string[] }[];
}

/** Key of a token-mode pair of a connection: `mode|exchangeType|token`. */
export function pairKey(mode: FeedMode, exchangeType: ExchangeType | number, token: string): string {
  return `${mode}|${exchangeType}|${token}`;
}

/**
 * Validates a request; returns the correlation id to echo when it is malformed. `maxDepth` is the most
 * depth-20 tokens one request may name.
 */
export function parseRequest(json: unknown, maxDepth: number): ParsedRequest | string {
  if (typeof json !== 'object' || json === null || Array.isArray(json)) return '';
  const o = json as Record<string, unknown>;
  const cid = typeof o.correlationID === 'string' ? o.correlationID : '';
  if (o.correlationID !== undefined && o.correlationID !== null && typeof o.correlationID !== 'string')
    return '';
  if (o.action !== 0 && o.action !== 1) return cid;
  const params = o.params;
  if (typeof params !== 'object' || params === null || Array.isArray(params)) return cid;
  const p = params as Record<string, unknown>;
  const mode = p.mode;
  if (mode !== 1 && mode !== 2 && mode !== 3 && mode !== 4) return cid;
  if (!Array.isArray(p.tokenList) || p.tokenList.length === 0) return cid;
  const groups: ParsedRequest['groups'] = [];
  let depthTokens = 0;
  for (const g of p.tokenList as unknown[]) {
    if (typeof g !== 'object' || g === null || Array.isArray(g)) return cid;
    const grp = g as Record<string, unknown>;
    if (!isEnumValue(ExchangeTypeEnum, grp.exchangeType)) return cid;
    if (!Array.isArray(grp.tokens)) return cid;
    const tokens: string[] = [];
    for (const t of grp.tokens as unknown[]) {
      if (typeof t !== 'string' || !/^[0-9A-Za-z._-]{1,25}$/.test(t)) return cid;
      tokens.push(t);
    }
    if (mode === FeedMode.DEPTH_20 && o.action === 1) {
      if (grp.exchangeType !== FEED_LIMITS.depth20ExchangeType) return cid;
      depthTokens += tokens.length;
    }
    groups.push({ exchangeType: grp.exchangeType, tokens });
  }
  if (depthTokens > maxDepth) return cid;
  return { correlationID: cid, action: o.action, mode, groups };
}

/** The subscribers of one token in one mode. */
export interface ModeEntry {
  mode: FeedMode;
  /** The pair key (`mode|exchangeType|token`). */
  pk: string;
  conns: Set<Conn>;
}

/** Subscribers per token (exchange type, then token) and mode. */
export class SubscriptionIndex {
  private readonly index = new Map<number, Map<string, Map<FeedMode, ModeEntry>>>();

  /** Subscribers of a token by mode, when it has any. */
  modes(exchangeType: number, token: string): Map<FeedMode, ModeEntry> | undefined {
    return this.index.get(exchangeType)?.get(token);
  }

  /** Adds `conn` as a subscriber of a token in `mode`. */
  add(exchangeType: ExchangeType, token: string, mode: FeedMode, conn: Conn): void {
    let tokens = this.index.get(exchangeType);
    if (!tokens) {
      tokens = new Map();
      this.index.set(exchangeType, tokens);
    }
    let modes = tokens.get(token);
    if (!modes) {
      modes = new Map();
      tokens.set(token, modes);
    }
    let entry = modes.get(mode);
    if (!entry) {
      entry = { mode, pk: pairKey(mode, exchangeType, token), conns: new Set() };
      modes.set(mode, entry);
    }
    entry.conns.add(conn);
  }

  /** Removes `conn` from the subscribers of a pair key. */
  remove(conn: Conn, pk: string): void {
    const [modeText, ex, token] = pk.split('|') as [string, string, string];
    const tokens = this.index.get(Number(ex));
    const modes = tokens?.get(token);
    const mode = Number(modeText) as FeedMode;
    const entry = modes?.get(mode);
    if (!tokens || !modes || !entry) return;
    entry.conns.delete(conn);
    if (entry.conns.size === 0) modes.delete(mode);
    if (modes.size === 0) tokens.delete(token);
    if (tokens.size === 0) this.index.delete(Number(ex));
  }

  /** Forgets every subscriber. */
  clear(): void {
    this.index.clear();
  }
}
