/**
 * The instrument master: download + cache the venue's scrip master and query it (docs/protocol/scrip-master.md).
 *
 * @example
 * const ins = await Instruments.load();                       // venue URL, cached under ~/.cache/smartapi
 * ins.bySymbol('NSE', 'SBIN');                                // → SBIN-EQ (series-aware)
 * const exp = ins.nearestExpiry('NIFTY')!;
 * const chain = ins.optionChain('NIFTY', exp);
 */
import { readFile } from 'node:fs/promises';
import { InstrumentIndex } from './instrument-index.js';
import { indexFromBytes, indexFromJson, type LoadOptions, loadInstruments } from './loader.js';
import { buildStore } from './store.js';

export {
  type DerivativeOptions,
  InstrumentIndex,
  type OptionChain,
  type OptionChainStrike,
  type OptionQuery,
  SERIES_PRIORITY,
  type SearchOptions,
} from './instrument-index.js';
export {
  cacheFiles,
  defaultCacheDir,
  isCacheFresh,
  type LoadOptions,
  scripMasterUrlForRoot,
} from './loader.js';
export { buildSymbol, formatStrike, parseSymbol } from './symbols.js';
export type {
  DownloadProgress,
  Instrument,
  InstrumentKind,
  InstrumentsLogger,
  InstrumentsSource,
  OptionType,
  ParsedSymbol,
  SymbolSpec,
} from './types.js';

/** Entry points that build an {@link InstrumentIndex}. Nothing touches the network or disk until called. */
export const Instruments = {
  /**
   * Downloads the scrip master (or reuses the on-disk cache) and indexes it. Conditional refresh with
   * ETag / Last-Modified, daily expiry at 08:00 IST, fallback to the last good copy (with a warning) when
   * the download fails. Endpoint: `GET https://margincalculator.angelbroking.com/OpenAPI_File/files/OpenAPIScripMaster.json`.
   */
  load(options: LoadOptions = {}): Promise<InstrumentIndex> {
    return loadInstruments(options);
  },
  /** Indexes rows already in memory (parsed scrip-master JSON). Malformed rows are skipped and counted. */
  fromRows(rows: readonly unknown[]): InstrumentIndex {
    return new InstrumentIndex(buildStore(rows), { kind: 'rows' });
  },
  /** Indexes scrip-master JSON bytes (parsed in chunks: lower peak memory than text). */
  fromBytes(bytes: Uint8Array): InstrumentIndex {
    const buf = Buffer.isBuffer(bytes)
      ? bytes
      : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    return indexFromBytes(buf, { kind: 'rows' });
  },
  /** Indexes scrip-master JSON text. */
  fromJson(text: string): InstrumentIndex {
    return indexFromJson(text, { kind: 'rows' });
  },
  /** Reads and indexes a scrip-master JSON file. */
  async fromFile(path: string): Promise<InstrumentIndex> {
    return indexFromBytes(await readFile(path), { kind: 'file', cacheFile: path });
  },
} as const;
