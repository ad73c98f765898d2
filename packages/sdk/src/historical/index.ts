/**
 * Historical data helpers: long-range candle / OI backfills over the REST client (chunked by the
 * interval's maximum span, paced, retried, de-duplicated), typed candles, and resampling.
 */
export {
  type BackfillOptions,
  type BackfillProgress,
  type Candle,
  type CandleSource,
  fetchCandles,
  fetchOi,
  HistoricalData,
  type HistoryQuery,
  isRetryableHistoryError,
  iterateCandles,
  iterateOi,
  type OiPoint,
  type OiSource,
  toCandle,
  toOiPoint,
} from './backfill.js';
export { type PaceLimits, Pacer, realSleep, type Sleep } from './pacer.js';
export { type DateInput, type RangeChunk, splitRange, toEpochMinute } from './range.js';
export {
  bucketer,
  parseResampleTarget,
  type ResampleOptions,
  type ResampleTarget,
  resample,
  resampleOi,
} from './resample.js';
