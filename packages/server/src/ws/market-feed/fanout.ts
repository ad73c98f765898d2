/**
 * Sending packets to connections with the slow-consumer policy: once a socket's `bufferedAmount`
 * passes the high-water mark, its packets are coalesced (latest per token and mode) and flushed when
 * the buffer drains below the low-water mark, so a stalled client costs at most one packet per
 * subscription plus the high-water mark, and never slows the others.
 */
import type { FeedGate } from '../feed-gate.js';
import { sendBounded } from '../outbound.js';
import type { Conn } from './connection.js';

/** Water marks and drain polling of {@link Fanout}. */
export interface FanoutLimits {
  /** Bytes buffered on a socket before its packets are coalesced. */
  highWaterMark: number;
  /** Buffered bytes below which coalesced packets are flushed. */
  lowWaterMark: number;
  /** How often slow sockets are checked for drain, ms. */
  drainCheckMs: number;
}

/** The sending side of the feed (see module comment). */
export class Fanout {
  private readonly slow = new Set<Conn>();
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private dropped = 0;

  /**
   * @param limits - water marks and drain polling
   * @param gate - the current fault gate (read on every send)
   */
  constructor(
    private readonly limits: FanoutLimits,
    private readonly gate: () => FeedGate | undefined,
  ) {}

  /** Connections currently coalescing. */
  get slowConnections(): number {
    return this.slow.size;
  }

  /** Packets replaced before being sent (coalesced away). */
  get droppedTicks(): number {
    return this.dropped;
  }

  /** Sends (or coalesces) the packet of a pair key to a connection. */
  send(conn: Conn, pk: string, bytes: Uint8Array): void {
    if (conn.closed || this.gate()?.stalled(conn.clientCode)) return;
    if (conn.pending) {
      if (conn.pending.has(pk)) this.dropped++;
      conn.pending.delete(pk); // keep insertion order = latest change last
      conn.pending.set(pk, bytes);
      return;
    }
    if (conn.ws.bufferedAmount > this.limits.highWaterMark) {
      conn.pending = new Map([[pk, bytes]]);
      this.slow.add(conn);
      this.ensureDrainTimer();
      return;
    }
    sendBounded(conn.ws, bytes);
  }

  /** Forgets a closed connection. */
  forget(conn: Conn): void {
    this.slow.delete(conn);
    conn.pending = undefined;
  }

  /** Stops draining and forgets every slow connection. */
  close(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.slow.clear();
  }

  private ensureDrainTimer(): void {
    if (this.drainTimer) return;
    this.drainTimer = setInterval(() => this.checkDrains(), this.limits.drainCheckMs);
    this.drainTimer.unref?.();
  }

  private checkDrains(): void {
    for (const conn of this.slow) {
      if (conn.closed || !conn.pending) {
        this.slow.delete(conn);
        continue;
      }
      if (conn.ws.bufferedAmount > this.limits.lowWaterMark) continue;
      const pending = conn.pending;
      conn.pending = undefined;
      this.slow.delete(conn);
      for (const [pk, bytes] of pending) {
        if (conn.subs.has(pk)) this.send(conn, pk, bytes);
      }
    }
    if (this.slow.size === 0 && this.drainTimer) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
    }
  }
}
