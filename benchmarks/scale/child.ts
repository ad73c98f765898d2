/**
 * Child of the scale benchmark: builds the paper broker's synthetic market the way `serve` does (the
 * built-in universe, or `--instruments FILE` → lazy), in a fresh process, and prints JSON: start time
 * (load + build), RSS after start, and CPU used per simulated second while idle (a manual clock moved
 * in 500 ms steps, nothing subscribed).
 * Usage: node --expose-gc --conditions=source --import tsx child.ts [file]
 */
import { istToEpoch } from '../../packages/protocol/src/index.js';
import { SimClock } from '../../packages/server/src/market/clock.js';
import { loadScripMaster } from '../../packages/server/src/market/scrip-master.js';
import { SimulatedMarket } from '../../packages/server/src/market/sources/synthetic/simulator.js';

const file = process.argv[2];
const simSeconds = Number(process.env.BENCH_SCALE_SIM_SECONDS ?? 30);
const start = istToEpoch(2026, 1, 6, 9, 30);
const t0 = performance.now();
const universe = file ? loadScripMaster(file, 1) : undefined;
const clock = new SimClock({ start, manual: true });
const market = new SimulatedMarket({ clock, seed: 1, ...(universe ? { universe, lazy: true } : {}) });
const startMs = performance.now() - t0;
(globalThis as { gc?: () => void }).gc?.();
const rssMb = process.memoryUsage().rss / 2 ** 20;
const c0 = process.cpuUsage();
for (let i = 0; i < simSeconds * 2; i++) clock.advance(500);
const c = process.cpuUsage(c0);
process.stdout.write(
  JSON.stringify({
    instruments: market.instruments().length,
    active: market.activeCount,
    startMs,
    rssMb,
    cpuMsPerSimSecond: (c.user + c.system) / 1000 / simSeconds,
  }),
);
