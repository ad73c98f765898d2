/**
 * The replay source's input files (docs/paper-broker-data.md#formats): one file per instrument named
 * `<EXCHANGE>-<symboltoken>.json` (the body of a `getCandleData` answer as the venue returns it) or
 * `.csv` (header `time,open,high,low,close,volume`, ISO 8601 times with offset, as `smartapi candles
 * --csv` writes them). Every problem is a {@link ReplayDataError} naming the file and the line.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  decodeFeedPacket,
  decodeTickFile,
  EXCHANGE_TYPE_TO_EXCHANGE,
  type Exchange,
  Exchange as ExchangeEnum,
  type ExchangeType,
  type FeedTick,
  isEnumValue,
  TickFileError,
} from '@smartapi-ts/protocol';
import type { Candle } from '../../types.js';

/** A malformed or unusable data file; `file` and `line` (1-based, 0 when the whole file) say where. */
export class ReplayDataError extends Error {
  override readonly name = 'ReplayDataError';
  constructor(
    readonly file: string,
    readonly line: number,
    detail: string,
  ) {
    super(`${file}${line > 0 ? `:${line}` : ''}: ${detail}`);
  }
}

/** The bars of one instrument read from one file, oldest first; `intervalMs` is 86 400 000 for daily. */
export interface CandleSeries {
  exchange: Exchange;
  token: string;
  file: string;
  intervalMs: number;
  candles: Candle[];
}

const NAME_RE = /^([A-Z]+)-([0-9A-Za-z_]+)\.(json|csv)$/;
const TIME_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?([+-]\d{2}:\d{2}|Z)$/;
const DAY_MS = 86_400_000;
const IST_MS = 330 * 60_000;

/** Parses an ISO 8601 time with an offset; undefined when malformed. */
export function parseIsoTime(v: unknown): number | undefined {
  if (typeof v !== 'string' || !TIME_RE.test(v)) return undefined;
  const ms = Date.parse(v);
  return Number.isFinite(ms) ? ms : undefined;
}

/** Rupees (number or numeric string, at most 2 decimals… or 4 for currencies) to integer paise. */
function paise(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  if (!Number.isFinite(n) || n <= 0) return undefined;
  return Math.round(n * 100);
}

function volumeOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : Number.NaN;
  return Number.isSafeInteger(n) && n >= 0 ? n : undefined;
}

/** Checks and builds one bar; throws a {@link ReplayDataError} at `line`. */
function bar(file: string, line: number, cells: readonly unknown[]): Candle {
  if (cells.length !== 6)
    throw new ReplayDataError(
      file,
      line,
      `expected 6 fields (time,open,high,low,close,volume), got ${cells.length}`,
    );
  const time = parseIsoTime(cells[0]);
  if (time === undefined)
    throw new ReplayDataError(
      file,
      line,
      `bad time ${JSON.stringify(cells[0])}: expected ISO 8601 with offset (2026-11-20T09:15:00+05:30)`,
    );
  const names = ['open', 'high', 'low', 'close'] as const;
  const p: number[] = [];
  for (let i = 0; i < 4; i++) {
    const v = paise(cells[i + 1]);
    if (v === undefined)
      throw new ReplayDataError(
        file,
        line,
        `bad ${names[i]} ${JSON.stringify(cells[i + 1])}: expected a positive price in rupees`,
      );
    p.push(v);
  }
  const [open, high, low, close] = p as [number, number, number, number];
  if (high < Math.max(open, close, low) || low > Math.min(open, close))
    throw new ReplayDataError(
      file,
      line,
      `inconsistent bar: high must be ≥ open, close, low and low ≤ open, close`,
    );
  const volume = volumeOf(cells[5]);
  if (volume === undefined)
    throw new ReplayDataError(
      file,
      line,
      `bad volume ${JSON.stringify(cells[5])}: expected a non-negative integer`,
    );
  return { time, open, high, low, close, volume, oi: 0 };
}

/** Parses the text of a `.csv` candle file. */
export function parseCandleCsv(file: string, text: string): Candle[] {
  const lines = text.split(/\r?\n/);
  const header = (lines[0] ?? '').trim().toLowerCase();
  if (header !== 'time,open,high,low,close,volume')
    throw new ReplayDataError(
      file,
      1,
      `expected the header time,open,high,low,close,volume, got ${JSON.stringify(lines[0] ?? '')}`,
    );
  const out: Candle[] = [];
  for (let i = 1; i < lines.length; i++) {
    const raw = (lines[i] ?? '').trim();
    if (raw === '') continue;
    out.push(
      bar(
        file,
        i + 1,
        raw.split(',').map((s) => s.trim()),
      ),
    );
  }
  return out;
}

/**
 * Parses the text of a `.json` candle file (a `getCandleData` answer body). Line numbers of rows are
 * found by scanning the text for each row's opening bracket (the venue pretty-prints one row a line).
 */
export function parseCandleJson(file: string, text: string): Candle[] {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch (err) {
    const m = /position (\d+)/.exec((err as Error).message);
    const line = m ? text.slice(0, Number(m[1])).split('\n').length : 0;
    throw new ReplayDataError(file, line, `not JSON: ${(err as Error).message}`);
  }
  const data = (body as { data?: unknown } | null)?.data;
  if (
    typeof body !== 'object' ||
    body === null ||
    (body as { status?: unknown }).status !== true ||
    !Array.isArray(data)
  )
    throw new ReplayDataError(
      file,
      0,
      'expected a getCandleData answer: {"status":true,…,"data":[[time,open,high,low,close,volume],…]}',
    );
  const rowLines = rowLineNumbers(text, data.length);
  return data.map((row, i) => {
    if (!Array.isArray(row))
      throw new ReplayDataError(file, rowLines[i] ?? 0, `row ${i + 1} of data is not an array`);
    return bar(file, rowLines[i] ?? 0, row);
  });
}

/** Line of each row of `data` (the `[` opening each inner array after `"data"`). */
function rowLineNumbers(text: string, rows: number): number[] {
  const out: number[] = [];
  let i = text.indexOf('"data"');
  if (i < 0) return out;
  i = text.indexOf('[', i) + 1;
  let line = text.slice(0, i).split('\n').length;
  for (; i < text.length && out.length < rows; i++) {
    const c = text.charCodeAt(i);
    if (c === 10) line++;
    else if (c === 91) {
      out.push(line);
      const end = text.indexOf(']', i);
      if (end < 0) break;
      for (let j = i; j < end; j++) if (text.charCodeAt(j) === 10) line++;
      i = end;
    }
  }
  return out;
}

/** Sorts check, duplicates, and the interval of a file's bars. */
function seriesOf(file: string, exchange: Exchange, token: string, candles: Candle[]): CandleSeries {
  let interval = Number.POSITIVE_INFINITY;
  for (let i = 1; i < candles.length; i++) {
    const a = candles[i - 1] as Candle;
    const b = candles[i] as Candle;
    if (b.time <= a.time)
      throw new ReplayDataError(
        file,
        0,
        `bar ${i + 1} (${new Date(b.time).toISOString()}) is not after bar ${i}: bars must be in time order without duplicates`,
      );
    const gap = b.time - a.time;
    if (Math.floor((a.time + IST_MS) / DAY_MS) === Math.floor((b.time + IST_MS) / DAY_MS) && gap < interval)
      interval = gap;
  }
  if (!Number.isFinite(interval)) {
    const first = candles[0];
    interval = first && (first.time + IST_MS) % DAY_MS === 0 ? DAY_MS : 60_000;
  }
  return { exchange, token, file, intervalMs: interval, candles };
}

/** Reads one candle file (`.json` or `.csv`, named `<EXCHANGE>-<symboltoken>`). */
export function readCandleFile(path: string, name: string): CandleSeries {
  const m = NAME_RE.exec(name);
  if (!m) throw new ReplayDataError(path, 0, 'file name must be <EXCHANGE>-<symboltoken>.json or .csv');
  const [, ex, token, ext] = m as unknown as [string, string, string, string];
  if (!isEnumValue(ExchangeEnum, ex)) throw new ReplayDataError(path, 0, `unknown exchange ${ex}`);
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (err) {
    throw new ReplayDataError(path, 0, `cannot read: ${(err as Error).message}`);
  }
  const candles = ext === 'json' ? parseCandleJson(path, text) : parseCandleCsv(path, text);
  return seriesOf(path, ex, token, candles);
}

/** Names in a data directory the replay source reads (other files are ignored). */
export function isCandleFileName(name: string): boolean {
  return NAME_RE.test(name);
}

/** One recorded feed tick, decoded, with the file it came from. */
export interface TickEvent {
  exchange: Exchange;
  tick: FeedTick;
  receivedAt: number;
  /** Replay time: the tick's exchange time, never before the previous tick's (file order is kept). */
  at: number;
  file: string;
}

/** Reads a tick file (`smartapi record`); every frame must decode. */
export function readTickFile(path: string): TickEvent[] {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new ReplayDataError(path, 0, `cannot read: ${(err as Error).message}`);
  }
  let records: ReturnType<typeof decodeTickFile>;
  try {
    records = decodeTickFile(bytes);
  } catch (err) {
    if (err instanceof TickFileError)
      throw new ReplayDataError(path, err.record, `${err.message} (byte ${err.offset})`);
    throw err;
  }
  const out: TickEvent[] = [];
  let last = Number.NEGATIVE_INFINITY;
  records.forEach((r, i) => {
    let tick: FeedTick;
    try {
      tick = decodeFeedPacket(r.frame, { rawPrices: true });
    } catch (err) {
      throw new ReplayDataError(path, i + 1, `record ${i + 1}: bad feed frame: ${(err as Error).message}`);
    }
    const exchange = EXCHANGE_TYPE_TO_EXCHANGE[tick.exchangeType as ExchangeType];
    if (!exchange)
      throw new ReplayDataError(path, i + 1, `record ${i + 1}: unknown exchangeType ${tick.exchangeType}`);
    const at = Math.max(last, tick.exchangeTimestamp > 0 ? tick.exchangeTimestamp : r.receivedAt);
    last = at;
    out.push({ exchange, tick, receivedAt: r.receivedAt, at, file: path });
  });
  return out;
}

/** What a data directory holds: bar series (finest per instrument) and tick files' events. */
export interface ReplayData {
  candles: CandleSeries[];
  /** Every tick of every tick file, in replay order (files by name, ticks in file order). */
  ticks: TickEvent[];
  /** Tick files read. */
  tickFiles: string[];
}

/** Reads `*.ticks` files and candle files of a directory (see {@link readCandleDir}). */
export function readDataDir(dir: string): ReplayData {
  const candles = readCandleDir(dir);
  const names = readdirSync(dir)
    .filter((n) => n.endsWith('.ticks'))
    .sort();
  const ticks: TickEvent[] = [];
  for (const n of names) ticks.push(...readTickFile(join(dir, n)));
  // stable: equal times keep file order
  ticks.sort((a, b) => a.at - b.at);
  return { candles, ticks, tickFiles: names.map((n) => join(dir, n)) };
}

/**
 * Reads every candle file of `dir`. When an instrument has several files the finest interval wins.
 * Throws a {@link ReplayDataError} on the first bad file (nothing is half-loaded).
 */
export function readCandleDir(dir: string): CandleSeries[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch (err) {
    throw new ReplayDataError(dir, 0, `cannot read the data directory: ${(err as Error).message}`);
  }
  const best = new Map<string, CandleSeries>();
  for (const name of names) {
    if (!isCandleFileName(name)) continue;
    const s = readCandleFile(join(dir, name), name);
    const key = `${s.exchange}:${s.token}`;
    const prev = best.get(key);
    if (!prev || s.intervalMs < prev.intervalMs) best.set(key, s);
  }
  return [...best.values()];
}
