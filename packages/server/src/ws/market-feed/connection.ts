/** One market-feed connection: its subscriptions, its coalescing buffer, and text frames sent to it. */
import { ERROR_CODES, type FeedErrorFrame } from '@smartapi-ts/protocol';
import type { RawData, WebSocket } from 'ws';
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
  pending: Map<string, Uint8Array> | undefined;
  closed: boolean;
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
