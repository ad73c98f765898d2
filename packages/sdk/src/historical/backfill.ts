/**
 * Long-range candle / OI downloads over any source with the REST client's shape
 * (`api.historical.candles(params)` / `oiData(params)`, one venue request per call): the range is split
 * by the interval's maximum span, requests are paced under the candle limit, AB1004 and rate-limit
 * answers are retried with exponential backoff, and chunk edges are merged without duplicates.
 */
import {
  type CandleRequest,
  type CandleRow,
  ErrorCode,
  type Exchange,
  type Interval,
  type OiDataPoint,
  parseIsoTimestamp,
} from '@smartapi-ts/protocol';
import { AbortError, ConnectionError, RateLimitError } from '../errors.js';
import { type PaceLimits, Pacer, realSleep, type Sleep } from './pacer.js';
import { type DateInput, type RangeChunk, splitRange } from './range.js';

/** One OHLCV candle. `time` is the bar start (the venue's IST timestamp as a Date); prices in rupees. */
export interface Candle {
  time: Date;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** One open-interest point. */
export interface OiPoint {
  time: Date;
  oi: number;
}

/** Anything that fetches one candle window (e.g. `api.historical` of the REST client). */
export interface CandleSource {
  candles(params: CandleRequest, opts?: { signal?: AbortSignal }): Promise<CandleRow[]>;
}

/** Anything that fetches one OI window (e.g. `api.historical`). */
export interface OiSource {
  oiData(params: CandleRequest, opts?: { signal?: AbortSignal }): Promise<OiDataPoint[]>;
}

/** What to download. `from`/`to` are inclusive. */
export interface HistoryQuery {
  exchange: Exchange;
  symboltoken: string;
  interval: Interval;
  /** Date, epoch ms or IST `YYYY-MM-DD HH:mm` / `YYYY-MM-DD`. */
  from: DateInput;
  /** Date, epoch ms or IST `YYYY-MM-DD HH:mm` / `YYYY-MM-DD`. */
  to: DateInput;
}

/** Progress of a backfill, after each window. */
export interface BackfillProgress {
  /** Windows done (1-based). */
  done: number;
  /** Windows in total. */
  total: number;
  /** The window just fetched. */
  chunk: RangeChunk;
  /** Rows the venue returned for it. */
  rows: number;
}

/** Options of a backfill. */
export interface BackfillOptions {
  /** Aborts between and during requests (rejects with AbortError). */
  signal?: AbortSignal;
  /**
   * Request pacing, or `false` to rely on the source's own limiter (the SDK's `SmartApi` client has one
   * per rate group). @default { perSecond: 3, perMinute: 180 } — the venue's getCandleData limit
   */
  pace?: false | PaceLimits;
  /** Retries of one window on AB1004, the rate-limit answer or a connection error. @default 5 */
  retries?: number;
  /** First backoff delay in ms; doubles per retry, capped at 30 s. @default 1000 */
  backoffMs?: number;
  /** Decides whether an error is retried. @default AB1004, RateLimitError, ConnectionError */
  retryOn?: (error: unknown) => boolean;
  /** Overrides the maximum days per request (e.g. to stay below a stricter server). */
  maxDays?: number;
  /** Called after each window. */
  onProgress?: (progress: BackfillProgress) => void;
  /** For tests: sleep used for pacing and backoff. @default real timers */
  sleep?: Sleep;
  /** For tests: clock used for pacing. @default Date.now */
  now?: () => number;
}

/** Default retry decision: AB1004 ("Something Went Wrong"), the venue's rate-limit answer, connection errors. */
export function isRetryableHistoryError(error: unknown): boolean {
  if (error instanceof RateLimitError || error instanceof ConnectionError) return true;
  const code = (error as { code?: unknown } | null)?.code;
  return code === ErrorCode.SOMETHING_WENT_WRONG;
}

/** Converts a wire candle `[ts, o, h, l, c, v]`; undefined when malformed. */
export function toCandle(row: unknown): Candle | undefined {
  if (!Array.isArray(row) || row.length < 5) return undefined;
  const ts = typeof row[0] === 'string' ? parseIsoTimestamp(row[0]) : undefined;
  if (ts === undefined) return undefined;
  const open = Number(row[1]);
  const high = Number(row[2]);
  const low = Number(row[3]);
  const close = Number(row[4]);
  const volume = row.length > 5 ? Number(row[5]) : 0;
  if (![open, high, low, close, volume].every(Number.isFinite)) return undefined;
  return { time: new Date(ts), open, high, low, close, volume };
}

/** Converts a wire OI point `{ time, oi }`; undefined when malformed. */
export function toOiPoint(point: unknown): OiPoint | undefined {
  const p = point as { time?: unknown; oi?: unknown } | null;
  if (!p || typeof p !== 'object' || typeof p.time !== 'string') return undefined;
  const ts = parseIsoTimestamp(p.time);
  const oi = Number(p.oi);
  if (ts === undefined || !Number.isFinite(oi)) return undefined;
  return { time: new Date(ts), oi };
}

/** Shared machinery: one pacer per backfill instance, retries, chunking, merge. */
async function* backfill<W, T extends { time: Date }>(
  fetchOne: (req: CandleRequest, signal?: AbortSignal) => Promise<W[]>,
  convert: (w: W) => T | undefined,
  query: HistoryQuery,
  options: BackfillOptions,
  pacer: Pacer | undefined,
): AsyncGenerator<T> {
  const chunks = splitRange(query.from, query.to, query.interval, options.maxDays);
  const sleep = options.sleep ?? realSleep;
  const retries = options.retries ?? 5;
  const base = options.backoffMs ?? 1_000;
  const retryOn = options.retryOn ?? isRetryableHistoryError;
  const signal = options.signal;
  let last = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < chunks.length; c++) {
    const chunk = chunks[c]!;
    const req: CandleRequest = {
      exchange: query.exchange,
      symboltoken: query.symboltoken,
      interval: query.interval,
      fromdate: chunk.fromdate,
      todate: chunk.todate,
    };
    let raw: W[];
    for (let attempt = 0; ; attempt++) {
      if (signal?.aborted) throw new AbortError('backfill aborted', { cause: signal.reason });
      await pacer?.acquire(signal);
      try {
        raw = await fetchOne(req, signal);
        break;
      } catch (e) {
        if (signal?.aborted) throw new AbortError('backfill aborted', { cause: signal.reason });
        if (attempt >= retries || !retryOn(e)) throw e;
        const retryAfter = (e as { retryAfter?: unknown }).retryAfter;
        const backoff = Math.min(30_000, base * 2 ** attempt);
        await sleep(typeof retryAfter === 'number' ? Math.max(backoff, retryAfter * 1000) : backoff, signal);
      }
    }
    const items: T[] = [];
    for (const w of Array.isArray(raw) ? raw : []) {
      const t = convert(w);
      if (t) items.push(t);
    }
    items.sort((a, b) => a.time.getTime() - b.time.getTime());
    options.onProgress?.({ done: c + 1, total: chunks.length, chunk, rows: items.length });
    for (const item of items) {
      const t = item.time.getTime();
      if (t <= last) continue; // chunk-edge duplicate (or repeated row)
      last = t;
      yield item;
    }
  }
}

/**
 * Downloads candles over any range as an async iterator, oldest first, without duplicates.
 *
 * @example
 * for await (const c of iterateCandles(api.historical, { exchange: 'NSE', symboltoken: '3045',
 *   interval: 'ONE_MINUTE', from: '2024-01-01 09:15', to: '2024-06-28 15:30' })) { … }
 */
export function iterateCandles(
  source: CandleSource,
  query: HistoryQuery,
  options: BackfillOptions = {},
): AsyncGenerator<Candle> {
  const pacer = makePacer(options);
  return backfill(
    (req, signal) => source.candles(req, signal ? { signal } : undefined),
    toCandle,
    query,
    options,
    pacer,
  );
}

/** Like {@link iterateCandles}, collected into an array. */
export async function fetchCandles(
  source: CandleSource,
  query: HistoryQuery,
  options: BackfillOptions = {},
): Promise<Candle[]> {
  const out: Candle[] = [];
  for await (const c of iterateCandles(source, query, options)) out.push(c);
  return out;
}

/** Downloads open interest over any range as an async iterator, oldest first, without duplicates. */
export function iterateOi(
  source: OiSource,
  query: HistoryQuery,
  options: BackfillOptions = {},
): AsyncGenerator<OiPoint> {
  const pacer = makePacer(options);
  return backfill(
    (req, signal) => source.oiData(req, signal ? { signal } : undefined),
    toOiPoint,
    query,
    options,
    pacer,
  );
}

/** Like {@link iterateOi}, collected into an array. */
export async function fetchOi(
  source: OiSource,
  query: HistoryQuery,
  options: BackfillOptions = {},
): Promise<OiPoint[]> {
  const out: OiPoint[] = [];
  for await (const p of iterateOi(source, query, options)) out.push(p);
  return out;
}

function makePacer(options: BackfillOptions): Pacer | undefined {
  if (options.pace === false) return undefined;
  return new Pacer(options.pace ?? {}, options.now ?? Date.now, options.sleep ?? realSleep);
}

/**
 * A backfill helper bound to one source, whose requests share ONE pacer (so concurrent backfills through
 * it stay under the limit together).
 *
 * @example
 * const hist = new HistoricalData(api.historical);
 * const candles = await hist.candlesArray({ exchange: 'NSE', symboltoken: '3045', interval: 'FIVE_MINUTE',
 *   from: new Date('2023-01-01'), to: new Date() });
 */
export class HistoricalData {
  readonly #source: CandleSource & Partial<OiSource>;
  readonly #defaults: BackfillOptions;
  readonly #pacer: Pacer | undefined;

  constructor(source: CandleSource & Partial<OiSource>, defaults: BackfillOptions = {}) {
    this.#source = source;
    this.#defaults = defaults;
    this.#pacer = makePacer(defaults);
  }

  #opts(options: BackfillOptions): BackfillOptions {
    return { ...this.#defaults, ...options };
  }

  /** Candles as an async iterator (see {@link iterateCandles}). */
  candles(query: HistoryQuery, options: BackfillOptions = {}): AsyncGenerator<Candle> {
    const src = this.#source;
    return backfill(
      (req, signal) => src.candles(req, signal ? { signal } : undefined),
      toCandle,
      query,
      this.#opts(options),
      this.#pacer,
    );
  }

  /** Candles as an array. */
  async candlesArray(query: HistoryQuery, options: BackfillOptions = {}): Promise<Candle[]> {
    const out: Candle[] = [];
    for await (const c of this.candles(query, options)) out.push(c);
    return out;
  }

  /** OI points as an async iterator (the source must have `oiData`). */
  oi(query: HistoryQuery, options: BackfillOptions = {}): AsyncGenerator<OiPoint> {
    const src = this.#source;
    if (typeof src.oiData !== 'function') throw new TypeError('the source has no oiData()');
    const oiData = src.oiData.bind(src);
    return backfill(
      (req, signal) => oiData(req, signal ? { signal } : undefined),
      toOiPoint,
      query,
      this.#opts(options),
      this.#pacer,
    );
  }

  /** OI points as an array. */
  async oiArray(query: HistoryQuery, options: BackfillOptions = {}): Promise<OiPoint[]> {
    const out: OiPoint[] = [];
    for await (const p of this.oi(query, options)) out.push(p);
    return out;
  }
}
