/**
 * The replay source (docs/paper-broker-data.md): recorded bars on the simulated clock. `createReplayMarket`
 * reads and checks every data file before anything starts (a bad file throws a {@link ReplayDataError}
 * naming file and line; nothing is half-loaded).
 */
import { istToEpoch } from '@smartapi-ts/protocol';
import { TradingCalendar } from '../../calendar.js';
import { SimClock } from '../../clock.js';
import type { Market } from '../../types.js';
import type { Universe } from '../../universe.js';
import { type CandleSeries, ReplayDataError, readDataDir } from './files.js';
import { ReplayMarket, type ReplayMarketOptions } from './market.js';

export {
  type CandleSeries,
  parseCandleCsv,
  parseCandleJson,
  ReplayDataError,
  readCandleDir,
  readDataDir,
  readTickFile,
  type TickEvent,
} from './files.js';
export { ReplayMarket, type ReplayMarketOptions, type ReplayMarketState } from './market.js';

const DAY_MS = 86_400_000;

/** 00:00 IST of a `YYYY-MM-DD` day. */
export function istDateStart(day: string): number {
  const [y, m, d] = day.split('-').map(Number) as [number, number, number];
  return istToEpoch(y, m, d);
}

/** Options of {@link createReplayMarket}. */
export interface CreateReplayOptions {
  /** Data directory. */
  data: string;
  /** Builds the universe once the start day is known. */
  universe: (start: number, calendar: TradingCalendar) => Universe;
  /** `YYYY-MM-DD`: the clock starts at the first bar of this day or later. */
  from?: string;
  /** `YYYY-MM-DD`: bars after this day are dropped. */
  to?: string;
  /** The clock: `manual` moves only when advanced; else runs at `speed`. */
  manual: boolean;
  speed: number;
  seed: number;
  /** Builds the market of instruments without data (same clock), when wanted. */
  fallback?: (
    clock: SimClock,
    universe: Universe,
    calendar: TradingCalendar,
  ) => ReplayMarketOptions['fallback'];
}

/** Drops bars after `to` (00:00 IST of the day after); keeps series with bars left. */
function clip(series: CandleSeries[], to: number | undefined): CandleSeries[] {
  if (to === undefined) return series;
  return series
    .map((s) => ({ ...s, candles: s.candles.filter((c) => c.time < to) }))
    .filter((s) => s.candles.length > 0);
}

/** Reads the data, then builds the clock (at the first bar of `from`) and the replay market. */
export function createReplayMarket(o: CreateReplayOptions): ReplayMarket {
  const to = o.to !== undefined ? istDateStart(o.to) + DAY_MS : undefined;
  const data = readDataDir(o.data);
  const series = clip(data.candles, to);
  const ticks = to === undefined ? data.ticks : data.ticks.filter((e) => e.at < to);
  if (series.length === 0 && ticks.length === 0)
    throw new ReplayDataError(
      o.data,
      0,
      'no data files (<EXCHANGE>-<symboltoken>.json or .csv, or *.ticks) with data in range',
    );
  const calendar = new TradingCalendar();
  const from = o.from !== undefined ? istDateStart(o.from) : 0;
  const firstBar = ReplayMarket.firstBarTime(series, from, calendar);
  const firstTick = ticks.find((e) => e.at >= from)?.at;
  const start =
    firstBar === undefined ? firstTick : firstTick === undefined ? firstBar : Math.min(firstBar, firstTick);
  if (start === undefined)
    throw new ReplayDataError(o.data, 0, `no bars on or after ${o.from ?? 'the start'}`);
  const clock = new SimClock({ start, speed: o.speed, manual: o.manual });
  calendar.addSpecialSession(start);
  const universe = o.universe(start, calendar);
  const fallback = o.fallback?.(clock, universe, calendar);
  return new ReplayMarket({
    clock,
    universe,
    series,
    ticks,
    seed: o.seed,
    calendar,
    ...(fallback ? { fallback } : {}),
  });
}

/** True when a market is the replay source. */
export function isReplayMarket(m: Market): m is ReplayMarket {
  return m instanceof ReplayMarket;
}
