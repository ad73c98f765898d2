/**
 * Builds the market a server runs on, from the config: the seeded simulated market of `market/`, on a
 * simulated clock (`sim`: a trading day open now, at `speed`×; `manual`: moves only when advanced) or
 * the wall clock (`real`), with the built-in universe or a scrip-master file (`instruments`).
 */
import type { PaperConfig } from '../config.js';
import { type Clock, SimClock, SystemClock } from '../market/clock.js';
import { createSimulatedMarket } from '../market/simulator.js';
import type { Market } from '../market/types.js';
import { loadScripMaster } from '../market/universe.js';

/** The clock for a config. */
export function createClock(config: Pick<PaperConfig, 'clock' | 'speed'>): Clock {
  if (config.clock === 'real') return new SystemClock();
  return new SimClock({ speed: config.speed, manual: config.clock === 'manual' });
}

/** The market for a config. */
export async function createDefaultMarket(config: PaperConfig): Promise<Market> {
  const clock = createClock(config);
  const universe = config.instruments ? loadScripMaster(config.instruments, config.seed) : undefined;
  return createSimulatedMarket({ clock, seed: config.seed, ...(universe ? { universe } : {}) });
}
