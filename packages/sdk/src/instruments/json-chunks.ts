/**
 * Chunked parsing of a scrip-master JSON array from bytes: the array is cut at top-level element
 * boundaries into ~1 MB slices, each parsed with the native `JSON.parse` and fed to the column builder,
 * so the 160k row objects never exist at the same time (peak memory ≈ file size + columns).
 */
import { SmartApiError } from '../errors.js';
import { type ColumnStore, StoreBuilder } from './store.js';

const CHUNK_BYTES = 1 << 20;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;

function isWs(c: number): boolean {
  return c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;
}

function invalid(detail: string, cause?: unknown): SmartApiError {
  return new SmartApiError(
    `scrip master is not valid JSON: ${detail}`,
    cause === undefined ? undefined : { cause },
  );
}

/** Parses the JSON array in `buf` into a column store. Throws SmartApiError when it is not a JSON array. */
export function buildStoreFromBytes(buf: Buffer): ColumnStore {
  const n = buf.length;
  let i = 0;
  if (n >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf) i = 3; // UTF-8 BOM
  while (i < n && isWs(buf[i]!)) i++;
  if (buf[i] !== 0x5b) {
    // Not an array: let JSON.parse produce the precise error (or accept and reject a non-array).
    let v: unknown;
    try {
      v = JSON.parse(buf.toString('utf8', i));
    } catch (e) {
      throw invalid((e as Error).message, e);
    }
    if (!Array.isArray(v)) throw new SmartApiError('scrip master is not a JSON array');
  }
  const builder = new StoreBuilder(Math.ceil(n / 160));
  let depth = 1;
  let start = ++i; // first byte of the current chunk
  const flush = (end: number) => {
    let a = start;
    while (a < end && isWs(buf[a]!)) a++;
    if (buf[a] === 0x2c) a++; // the comma separating this chunk from the previous one
    let b = end;
    while (b > a && isWs(buf[b - 1]!)) b--;
    if (a >= b) return;
    let rows: unknown;
    try {
      rows = JSON.parse(`[${buf.toString('utf8', a, b)}]`);
    } catch (e) {
      throw invalid((e as Error).message, e);
    }
    builder.addAll(rows as unknown[]);
  };
  for (; i < n; i++) {
    const c = buf[i]!;
    if (c === QUOTE) {
      // skip to the closing quote (escapes skip the next byte)
      for (i++; i < n; i++) {
        const d = buf[i]!;
        if (d === BACKSLASH) i++;
        else if (d === QUOTE) break;
      }
      if (i >= n) throw invalid('unterminated string');
    } else if (c === 0x7b || c === 0x5b) {
      depth++;
    } else if (c === 0x7d || c === 0x5d) {
      depth--;
      if (depth === 0) {
        flush(i);
        for (i++; i < n; i++) if (!isWs(buf[i]!)) throw invalid('unexpected data after the array');
        return builder.finish();
      }
      if (depth === 1 && c === 0x7d && i + 1 - start >= CHUNK_BYTES) {
        flush(i + 1);
        start = i + 1;
      }
    }
  }
  throw invalid('unexpected end of input');
}
