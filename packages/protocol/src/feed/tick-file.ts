/**
 * The tick file `smartapi record` writes and the paper broker's replay source reads
 * (docs/paper-broker-data.md#tick-files): the market feed's binary frames exactly as received, each
 * with its receive time. Layout (little-endian):
 *
 * - header: the 16 ASCII bytes `SMARTAPI-TICKS1\n`
 * - records, back to back: `float64` receive time (epoch ms), `uint16` frame length, the frame bytes.
 *
 * No Node built-ins (works on any `Uint8Array`).
 */

/** The 16-byte header of a tick file. */
export const TICK_FILE_MAGIC = 'SMARTAPI-TICKS1\n';

/** One record of a tick file: a feed frame and when it was received. */
export interface TickRecord {
  /** Receive time, epoch ms. */
  receivedAt: number;
  /** The binary frame as received. */
  frame: Uint8Array;
}

/** The header bytes. */
export function tickFileHeader(): Uint8Array {
  return Uint8Array.from(TICK_FILE_MAGIC, (c) => c.charCodeAt(0));
}

/** Encodes one record (append it after the header). */
export function encodeTickRecord(receivedAt: number, frame: Uint8Array): Uint8Array {
  if (frame.length > 0xffff)
    throw new RangeError(`frame of ${frame.length} bytes is too long for a tick file`);
  const out = new Uint8Array(10 + frame.length);
  const view = new DataView(out.buffer);
  view.setFloat64(0, receivedAt, true);
  view.setUint16(8, frame.length, true);
  out.set(frame, 10);
  return out;
}

/** A malformed tick file; `offset` is the byte offset of the bad record. */
export class TickFileError extends Error {
  override readonly name = 'TickFileError';
  constructor(
    readonly offset: number,
    readonly record: number,
    detail: string,
  ) {
    super(detail);
  }
}

/** Decodes a whole tick file. Throws a {@link TickFileError} naming the record and byte offset. */
export function decodeTickFile(bytes: Uint8Array): TickRecord[] {
  const magic = String.fromCharCode(...bytes.subarray(0, 16));
  if (magic !== TICK_FILE_MAGIC)
    throw new TickFileError(0, 0, `not a tick file (expected the header ${JSON.stringify(TICK_FILE_MAGIC)})`);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const out: TickRecord[] = [];
  let o = 16;
  while (o < bytes.length) {
    if (o + 10 > bytes.length)
      throw new TickFileError(o, out.length + 1, `record ${out.length + 1} is cut short (truncated file)`);
    const receivedAt = view.getFloat64(o, true);
    const len = view.getUint16(o + 8, true);
    if (!Number.isFinite(receivedAt) || o + 10 + len > bytes.length)
      throw new TickFileError(o, out.length + 1, `record ${out.length + 1} is malformed or cut short`);
    out.push({ receivedAt, frame: bytes.slice(o + 10, o + 10 + len) });
    o += 10 + len;
  }
  return out;
}
