/** One market-feed connection: its subscriptions, its coalescing buffer, and text frames sent to it. */
import { ERROR_CODES, type FeedErrorFrame, type FeedMode } from '@smartapi-ts/protocol';
import type { RawData, WebSocket } from 'ws';
import type { Quote } from '../../market/types.js';
import type { FeedGate } from '../feed-gate.js';
import { type InboundLimiter, sendBounded } from '../outbound.js';

/** A connected market-feed client. */
export interface Conn {
  ws: WebSocket;
  clientCode: string;
  /** The session whose feed token opened the connection (closed when it logs out). */
  sid: string | undefined;
  /** Client-message flood limit. */
  inbound: InboundLimiter;
  /** pairKey (`mode|exchangeType|token`) → true. */
  subs: Set<string>;
  /** Latest unsent packet per pairKey while slow; undefined while fast. */
  pending: Map<string, Packet> | undefined;
  /** Frames of the current market step not yet written to the socket (see `fanout.ts`). */
  batch: Buffer[];
  /** Bytes in {@link Conn.batch}. */
  batchBytes: number;
  closed: boolean;
}

/**
 * One packet of a token in a mode, shared by every subscriber: encoded at most once, when the first
 * connection actually sends it (a packet coalesced away on every connection is never encoded).
 */
export class Packet {
  /** The framed bytes once encoded; null when encoding failed. */
  frame: Buffer | null | undefined;

  /**
   * @param pk - the pair key (`mode|exchangeType|token`)
   * @param version - order of creation over the feed (coalesced packets are flushed in this order)
   * @param quote - the quote it carries (undefined for a packet that arrives already encoded: feed edges)
   * @param mode - the feed mode
   * @param frame - the frame when encoded at once (depth 20: the book of that moment; a feed edge's packet)
   */
  constructor(
    readonly pk: string,
    readonly version: number,
    readonly quote: Quote | undefined,
    readonly mode: FeedMode,
    frame?: Buffer | null,
  ) {
    this.frame = frame;
  }
}

/** Encodes a packet's quote in its mode as a frame; null when it cannot be encoded. */
export type PacketEncoder = (quote: Quote, mode: FeedMode) => Buffer | null;

/** The packet's frame, encoding it on first use; undefined when it cannot be encoded. */
export function packetFrame(p: Packet, encode: PacketEncoder): Buffer | undefined {
  if (p.frame === undefined) p.frame = p.quote ? encode(p.quote, p.mode) : null;
  return p.frame ?? undefined;
}
/** A client message as UTF-8 text. */
export function messageText(data: RawData): string {
  return Array.isArray(data)
    ? Buffer.concat(data).toString('utf8')
    : Buffer.isBuffer(data)
      ? data.toString('utf8')
      : Buffer.from(new Uint8Array(data)).toString('utf8');
}

/**
 * Sends a text frame unless the connection is closed or stalled by a fault, under the one outbound
 * policy (`../outbound.ts`): a frame that would queue past the limit closes the connection.
 */
export function sendText(conn: Conn, text: string, gate: FeedGate | undefined): void {
  if (conn.closed || gate?.stalled(conn.clientCode)) return;
  sendBounded(conn.ws, text);
}

/** Sends an error frame (`correlationID`, `errorCode`, `errorMessage`). */
export function sendError(conn: Conn, correlationID: string, code: string, gate: FeedGate | undefined): void {
  const frame: FeedErrorFrame = {
    correlationID,
    errorCode: code,
    errorMessage: ERROR_CODES[code]?.message ?? '',
  };
  sendText(conn, JSON.stringify(frame), gate);
}
