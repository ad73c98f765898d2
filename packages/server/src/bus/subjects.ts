/**
 * The market bus's subject names and payloads (docs/scaling.md#subjects). Every subject starts with a
 * prefix (default `paper`) so several brokers can share one NATS server.
 *
 * | subject | direction | payload |
 * | --- | --- | --- |
 * | `<p>.md.<exchangeType>.<token>.<mode>` | core → edges | one binary market-feed packet, byte for byte what `/smart-stream` sends |
 * | `<p>.ou.<clientcode>` | core → edges | one order-update text frame, byte for byte what `/smart-order-update` sends |
 * | `<p>.session.revoked` | core → edges | JSON `{"sid"}`: the feeds of that session close |
 * | `<p>.edge.hello` | edge → core, request/reply | JSON `{"edge"}` → JSON {@link HelloReply} |
 * | `<p>.edge.interest` | edge → core | JSON `{"edge","pairs":[pairKey…]}`: every pair the edge's clients hold (replaces the last one) |
 * | `<p>.edge.snapshot` | edge → core, request/reply | JSON `{"edge","pairs":[pairKey…]}` → {@link encodeSnapshots} frames |
 * | `<p>.session.check` | edge → core, request/reply | JSON `{"sid"?,"clientcode"?}` → JSON `{"live"?:bool,"client"?:bool}` (once per session and client code per edge) |
 *
 * A pair key is `mode|exchangeType|token` (as in `ws/market-feed/subscriptions.ts`).
 */

/** Default subject prefix. */
export const DEFAULT_BUS_PREFIX = 'paper';

/** A symbol token as one subject token: `.`, `*`, `>` and `%` are percent-encoded. */
export function subjectToken(token: string): string {
  return token.replace(/[.*>%\s]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

/** Subject names under one prefix. */
export class Subjects {
  constructor(readonly prefix: string = DEFAULT_BUS_PREFIX) {
    if (!/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/.test(prefix)) throw new Error(`bad bus prefix: ${prefix}`);
  }
  /** Market data of one token in one mode. */
  marketData(exchangeType: number, token: string, mode: number): string {
    return `${this.prefix}.md.${exchangeType}.${subjectToken(token)}.${mode}`;
  }
  /** Order updates of one client. */
  orderUpdates(clientcode: string): string {
    return `${this.prefix}.ou.${subjectToken(clientcode)}`;
  }
  get revoked(): string {
    return `${this.prefix}.session.revoked`;
  }
  get sessionCheck(): string {
    return `${this.prefix}.session.check`;
  }
  get hello(): string {
    return `${this.prefix}.edge.hello`;
  }
  get interest(): string {
    return `${this.prefix}.edge.interest`;
  }
  get snapshot(): string {
    return `${this.prefix}.edge.snapshot`;
  }
}

/** The core's answer to an edge's hello. */
export interface HelloReply {
  /** Hex of the HS512 key that signs the core's session tokens (feed and access tokens). */
  jwtSecret: string;
  /** Known instruments as `exchangeType:token` (subscriptions to others get E1001, as on the core). */
  instruments: string[];
  /** How often an edge re-announces its interest, ms. */
  interestEveryMs: number;
}

/** Status of one pair in a snapshot reply. */
export const SnapshotStatus = { UNKNOWN: 0, NO_QUOTE: 1, PACKET: 2 } as const;

/** Frames a snapshot reply: per pair, 1 status byte, a uint32 BE length, then that many packet bytes. */
export function encodeSnapshots(items: readonly (Uint8Array | 0 | 1)[]): Uint8Array {
  let size = 0;
  for (const it of items) size += 5 + (typeof it === 'number' ? 0 : it.byteLength);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const it of items) {
    if (typeof it === 'number') {
      out[o] = it;
      out.writeUInt32BE(0, o + 1);
      o += 5;
    } else {
      out[o] = SnapshotStatus.PACKET;
      out.writeUInt32BE(it.byteLength, o + 1);
      out.set(it, o + 5);
      o += 5 + it.byteLength;
    }
  }
  return out;
}

/** Reads a snapshot reply (see {@link encodeSnapshots}); packets are undefined when absent. */
export function decodeSnapshots(data: Uint8Array): (Uint8Array | undefined)[] {
  const b = Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: (Uint8Array | undefined)[] = [];
  let o = 0;
  while (o + 5 <= b.length) {
    const status = b[o];
    const len = b.readUInt32BE(o + 1);
    out.push(status === SnapshotStatus.PACKET ? new Uint8Array(b.subarray(o + 5, o + 5 + len)) : undefined);
    o += 5 + len;
  }
  return out;
}

/** Wraps a failed NATS connect into an error that names the server. */
export function natsConnectError(url: string, err: unknown): Error {
  return new Error(`cannot connect to NATS at ${url}: ${err instanceof Error ? err.message : String(err)}`);
}
