/**
 * The one outbound-queue policy of both feeds (`/smart-stream` and `/smart-order-update`): EVERY frame a
 * socket sends — market data, order updates, error frames, text `pong` replies — goes through
 * {@link sendBounded}, which refuses to queue past `maxBufferedBytes` and closes the socket as a slow
 * consumer instead (terminate: a client that does not read cannot read a close frame either). So a
 * client that writes without reading costs at most that many bytes, whatever it sends.
 *
 * Inbound flood limit: each connection may send `inboundPerSecond` messages per second on average,
 * `inboundBurst` at once (a token bucket); past it the connection is closed with 1008 (policy
 * violation). Limits are [INF] (the venue publishes none for inbound messages; real clients send one
 * `ping` per 10–30 s and a few subscribe requests) — see docs/security.md#feed-limits.
 */
import type { WebSocket } from 'ws';

/** The outbound / inbound limits of a feed connection. */
export interface OutboundLimits {
  /** Bytes a socket may have queued; a frame that would pass it closes the socket. */
  maxBufferedBytes: number;
  /** Sustained client messages per second. */
  inboundPerSecond: number;
  /** Client messages accepted at once. */
  inboundBurst: number;
}

/** The paper broker's limits [INF]. */
export const OUTBOUND_LIMITS: OutboundLimits = {
  maxBufferedBytes: 4 * 1024 * 1024,
  inboundPerSecond: 100,
  inboundBurst: 200,
};

/** Close code and reason of a connection closed for flooding. */
export const FLOOD_CLOSE = { code: 1008, reason: 'Message rate exceeded' } as const;

/** Counters of the policy (tests and docs figures). */
export const outboundStats = { slowConsumerCloses: 0, floodCloses: 0 };

/**
 * Sends a frame unless that would queue more than `maxBufferedBytes` on the socket; then terminates
 * the socket (slow consumer). False when nothing was sent.
 */
export function sendBounded(
  ws: WebSocket,
  data: string | Uint8Array,
  maxBufferedBytes: number = OUTBOUND_LIMITS.maxBufferedBytes,
): boolean {
  if (ws.readyState !== ws.OPEN) return false;
  const size = typeof data === 'string' ? Buffer.byteLength(data) : data.byteLength;
  if (ws.bufferedAmount + size > maxBufferedBytes) {
    outboundStats.slowConsumerCloses++;
    ws.terminate();
    return false;
  }
  ws.send(data, { binary: typeof data !== 'string' });
  return true;
}

/** What {@link sendFramesBounded} relies on inside a `ws` WebSocket (ws 8: its socket and sender). */
interface WsInternals {
  _socket?: { write(chunk: Buffer): boolean; writable?: boolean } | null;
  _sender?: { _state?: number; _queue?: unknown[] };
}

/**
 * Sends complete binary frames (made with `framePacket`, unmasked as a server sends them) in ONE write
 * to the socket, under the same policy as {@link sendBounded}: when the frames would queue more than
 * `maxBufferedBytes` the socket is terminated instead. `size` is the frames' total length. Writes to
 * the `ws` socket directly only while its sender has nothing queued (no compression, no pending
 * frame), so frame order is kept; otherwise each payload goes through `ws.send` (same bytes on the
 * wire). False when nothing was sent.
 */
export function sendFramesBounded(
  ws: WebSocket,
  frames: readonly Buffer[],
  size: number,
  payload: (frame: Buffer) => Buffer,
  maxBufferedBytes: number = OUTBOUND_LIMITS.maxBufferedBytes,
): boolean {
  if (ws.readyState !== ws.OPEN || frames.length === 0) return false;
  if (ws.bufferedAmount + size > maxBufferedBytes) {
    outboundStats.slowConsumerCloses++;
    ws.terminate();
    return false;
  }
  const w = ws as unknown as WsInternals;
  const socket = w._socket;
  const sender = w._sender;
  if (socket && sender && sender._state === 0 && sender._queue?.length === 0) {
    socket.write(frames.length === 1 ? (frames[0] as Buffer) : Buffer.concat(frames as Buffer[], size));
    return true;
  }
  for (const f of frames) ws.send(payload(f), { binary: true });
  return true;
}

/** A per-connection token bucket of client messages. */
export class InboundLimiter {
  private tokens: number;
  private last: number;

  constructor(
    private readonly limits: Pick<OutboundLimits, 'inboundPerSecond' | 'inboundBurst'> = OUTBOUND_LIMITS,
    private readonly now: () => number = Date.now,
  ) {
    this.tokens = limits.inboundBurst;
    this.last = now();
  }

  /** Takes one message; false when the client floods. */
  take(): boolean {
    const t = this.now();
    this.tokens = Math.min(
      this.limits.inboundBurst,
      this.tokens + ((t - this.last) * this.limits.inboundPerSecond) / 1000,
    );
    this.last = t;
    if (this.tokens < 1) return false;
    this.tokens -= 1;
    return true;
  }
}

/** Closes a flooding connection (1008), terminating it if the close handshake does not finish. */
export function closeFlooder(ws: WebSocket): void {
  outboundStats.floodCloses++;
  try {
    ws.close(FLOOD_CLOSE.code, FLOOD_CLOSE.reason);
  } catch {
    ws.terminate();
    return;
  }
  const t = setTimeout(() => ws.terminate(), 1000);
  t.unref();
  ws.once('close', () => clearTimeout(t));
}

/** Close code and reason of a connection whose session logged out [INF]. */
export const LOGOUT_CLOSE = { code: 1008, reason: 'Session logged out' } as const;

/** Closes a connection of a session that ended (logout). */
export function closeForLogout(ws: WebSocket): void {
  try {
    ws.close(LOGOUT_CLOSE.code, LOGOUT_CLOSE.reason);
  } catch {
    ws.terminate();
    return;
  }
  const t = setTimeout(() => ws.terminate(), 1000);
  t.unref();
  ws.once('close', () => clearTimeout(t));
}
