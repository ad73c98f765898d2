/**
 * Sending packets to connections with the slow-consumer policy: once a socket's `bufferedAmount`
 * passes the high-water mark, its packets are coalesced (latest per token and mode) and flushed when
 * the buffer drains below the low-water mark, so a stalled client costs at most one packet per
 * subscription plus the high-water mark, and never slows the others.
 *
 * Packets are shared between connections and encoded on first use (a packet every connection coalesces
 * away is never encoded). A connection's packets are gathered per market step and written to its
 * socket in one write ({@link Fanout.flush}: after each step of a stepped market, else at the end of
 * the current task), each packet still its own WebSocket frame.
 */
import type { FeedGate } from '../feed-gate.js';
import { sendFramesBounded } from '../outbound.js';
import { type Conn, type Packet, type PacketEncoder, packetFrame } from './connection.js';
import { framePayload } from './encoding.js';

/** Water marks and drain polling of {@link Fanout}. */
export interface FanoutLimits {
  /** Bytes buffered on a socket before its packets are coalesced. */
  highWaterMark: number;
  /** Buffered bytes below which coalesced packets are flushed. */
  lowWaterMark: number;
  /** How often slow sockets are checked for drain, ms. */
  drainCheckMs: number;
}

/** A connection's gathered frames are written once they reach this many bytes, before the step ends. */
const BATCH_BYTES = 64 * 1024;

const byVersion = (a: Packet, b: Packet) => a.version - b.version;

/** The sending side of the feed (see module comment). */
export class Fanout {
  private readonly slow = new Set<Conn>();
  /** Connections with gathered frames. */
  private dirty: Conn[] = [];
  private flushQueued = false;
  private drainTimer: ReturnType<typeof setInterval> | undefined;
  private dropped = 0;

  /**
   * @param limits - water marks and drain polling
   * @param gate - the current fault gate (read on every send)
   * @param encode - encodes a packet the first time a connection sends it
   */
  constructor(
    private readonly limits: FanoutLimits,
    private readonly gate: () => FeedGate | undefined,
    private readonly encode: PacketEncoder,
  ) {}

  /** Connections currently coalescing. */
  get slowConnections(): number {
    return this.slow.size;
  }

  /** Packets replaced before being sent (coalesced away). */
  get droppedTicks(): number {
    return this.dropped;
  }

  /** Sends (or coalesces) a packet to a connection. */
  send(conn: Conn, packet: Packet): void {
    if (conn.closed || this.gate()?.stalled(conn.clientCode)) return;
    const pending = conn.pending;
    if (pending) {
      if (pending.has(packet.pk)) this.dropped++;
      pending.set(packet.pk, packet); // flushed in version order: latest change last
      return;
    }
    if (conn.ws.bufferedAmount + conn.batchBytes > this.limits.highWaterMark) {
      conn.pending = new Map([[packet.pk, packet]]);
      this.slow.add(conn);
      this.ensureDrainTimer();
      return;
    }
    const frame = packetFrame(packet, this.encode);
    if (!frame) return;
    if (conn.batch.length === 0) {
      this.dirty.push(conn);
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
    }
    conn.batch.push(frame);
    conn.batchBytes += frame.byteLength;
    if (conn.batchBytes >= BATCH_BYTES) this.flushConn(conn);
  }

  /** Writes every connection's gathered frames (one socket write each). */
  flush(): void {
    this.flushQueued = false;
    const dirty = this.dirty;
    if (dirty.length === 0) return;
    this.dirty = [];
    for (const conn of dirty) this.flushConn(conn);
  }

  /** Writes a connection's gathered frames now (before a text frame, to keep the order). */
  flushConn(conn: Conn): void {
    const frames = conn.batch;
    if (frames.length === 0) return;
    const size = conn.batchBytes;
    conn.batch = [];
    conn.batchBytes = 0;
    if (!conn.closed) sendFramesBounded(conn.ws, frames, size, framePayload);
  }

  /** Forgets a closed connection. */
  forget(conn: Conn): void {
    this.slow.delete(conn);
    conn.pending = undefined;
    conn.batch = [];
    conn.batchBytes = 0;
  }

  /** Stops draining and forgets every slow connection. */
  close(): void {
    if (this.drainTimer) clearInterval(this.drainTimer);
    this.drainTimer = undefined;
    this.slow.clear();
    for (const c of this.dirty) {
      c.batch = [];
      c.batchBytes = 0;
    }
    this.dirty = [];
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
      if (conn.ws.bufferedAmount + conn.batchBytes > this.limits.lowWaterMark) continue;
      const pending = [...conn.pending.values()].sort(byVersion);
      conn.pending = undefined;
      this.slow.delete(conn);
      for (const packet of pending) {
        if (conn.subs.has(packet.pk)) this.send(conn, packet);
      }
      this.flushConn(conn);
    }
    if (this.slow.size === 0 && this.drainTimer) {
      clearInterval(this.drainTimer);
      this.drainTimer = undefined;
    }
  }
}
