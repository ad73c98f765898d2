/**
 * Builds the market a server runs on, from the config: the seeded simulated market of `market/`, on a
 * simulated clock (`sim`: a trading day open now, at `speed`×; `manual`: moves only when advanced) or
 * the wall clock (`real`), with the built-in universe or a scrip-master file (`instruments`); or the
 * replay of recorded data (`market: 'replay'`, docs/paper-broker-data.md); or the mirror of an upstream's
 * market data (`market: 'live'`, docs/paper-broker-data.md#live).
 */
import type { PaperConfig } from '../config.js';
import type { Handler, Handlers } from '../http/api.js';
import { type Clock, SimClock, SystemClock } from '../market/clock.js';
import { loadScripMaster } from '../market/scrip-master.js';
import {
  createLiveMarket,
  isLiveMarket,
  type LiveRoute,
  readUpstreamCredentials,
} from '../market/sources/live/index.js';
import { createReplayMarket } from '../market/sources/replay/index.js';
import { createSimulatedMarket } from '../market/sources/synthetic/simulator.js';
import type { Market } from '../market/types.js';
import { buildUniverse } from '../market/universe.js';

/** Most simulation steps one clock tick may run when the market follows real time. */
export const REALTIME_MAX_STEPS = 8;

/** The clock for a config. */
export function createClock(config: Pick<PaperConfig, 'clock' | 'speed'>): Clock {
  if (config.clock === 'real') return new SystemClock();
  return new SimClock({ speed: config.speed, manual: config.clock === 'manual' });
}

/** The market for a config. */
export async function createDefaultMarket(config: PaperConfig): Promise<Market> {
  if (config.market === 'replay') return replayMarket(config);
  if (config.market === 'live')
    return createLiveMarket({
      upstream: config.upstream ?? '',
      credentials: readUpstreamCredentials(config.upstreamCredentials),
      seed: config.seed,
    });
  const clock = createClock(config);
  const universe = config.instruments ? loadScripMaster(config.instruments, config.seed) : undefined;
  return createSimulatedMarket({
    clock,
    seed: config.seed,
    // A timer-driven market that falls behind (a busy event loop) covers the gap with a few longer
    // steps instead of replaying every step at once: replaying would make the next tick later still and
    // starve the sockets. A manual clock may jump far and keeps the finer default.
    ...(config.clock === 'manual' ? {} : { maxStepsPerAdvance: REALTIME_MAX_STEPS }),
    // A scrip-master file (up to the venue's ~160 000 rows): simulate only what is used.
    ...(universe ? { universe, lazy: true } : {}),
  });
}

function replayMarket(config: PaperConfig): Market {
  if (config.clock === 'real')
    throw new TypeError('--market replay runs on a simulated clock: use --clock sim or manual');
  const file = config.instruments;
  return createReplayMarket({
    data: config.data ?? '',
    ...(config.from !== undefined ? { from: config.from } : {}),
    ...(config.to !== undefined ? { to: config.to } : {}),
    manual: config.clock === 'manual',
    speed: config.speed,
    seed: config.seed,
    universe: (start, calendar) =>
      file ? loadScripMaster(file, config.seed) : buildUniverse({ date: start, seed: config.seed, calendar }),
    ...(config.fillMissing === 'synthetic'
      ? {
          fallback: (clock, universe, calendar) =>
            createSimulatedMarket({
              clock,
              seed: config.seed,
              universe,
              calendar,
              lazy: file !== undefined,
              ...(config.clock === 'manual' ? {} : { maxStepsPerAdvance: REALTIME_MAX_STEPS }),
            }),
        }
      : {}),
  });
}

/** The routes whose answer needs an instrument's quote (live: wait for its first mirrored tick). */
const QUOTE_ROUTES = [
  'getLtpData',
  'quote',
  'placeOrder',
  'modifyOrder',
  'gttCreateRule',
  'gttModifyRule',
  'optionGreek',
] as const;

/**
 * With the live market, lets the handlers that read an instrument's quote or candles wait (bounded) until
 * the mirror has them: the first request for an instrument subscribes it upstream. Other markets: the
 * handlers unchanged.
 */
export function withMarketWarmup(market: Market, handlers: Handlers): Handlers {
  if (!isLiveMarket(market)) return handlers;
  const out: Handlers = { ...handlers };
  const wrap = (name: keyof Handlers, route: LiveRoute) => {
    const h = handlers[name];
    if (!h) return;
    const warmed: Handler = async (ctx) => {
      await market.prepare(route, ctx.body);
      return h(ctx);
    };
    out[name] = warmed;
  };
  for (const r of QUOTE_ROUTES) wrap(r, 'quote');
  wrap('getCandleData', 'candles');
  wrap('getOIData', 'candles');
  return out;
}
