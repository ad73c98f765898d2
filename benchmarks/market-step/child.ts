/**
 * Child of the market-step benchmark: the built-in universe (eager, as `serve` builds it) on a running
 * simulated clock at speed 1 (`--clock sim`), with one quote listener that reads each quote, for
 * `BENCH_MARKET_STEP_SECONDS` real seconds. Records the wall time of every synchronous run of the
 * market (a clock tick's catch-up, each later slice): the longest is the longest block of the event loop
 * the market causes. A 1 ms interval probe records how late its ticks fire (every cause of delay, the
 * machine's other load included). Prints JSON. Usage: node --conditions=source --import tsx child.ts <sliceMs|whole>
 */
import { istToEpoch } from '../../packages/protocol/src/index.js';
import { REALTIME_MAX_STEPS } from '../../packages/server/src/broker/market.js';
import { SimClock } from '../../packages/server/src/market/clock.js';
import { SimulatedMarket } from '../../packages/server/src/market/sources/synthetic/simulator.js';

const arg = process.argv[2] ?? '2';
const sliceMs = arg === 'whole' ? Number.POSITIVE_INFINITY : Number(arg);
const seconds = Number(process.env.BENCH_MARKET_STEP_SECONDS ?? 10);
const clock = new SimClock({ start: istToEpoch(2026, 1, 6, 9, 30), speed: 1 });
const market = new SimulatedMarket({ clock, seed: 1, sliceMs, maxStepsPerAdvance: REALTIME_MAX_STEPS });
let quotes = 0;
let touched = 0;
market.onQuote((q) => {
  quotes++;
  touched += q.bids[0]?.price ?? 0;
});
// warm-up: a few steps (JIT), then measure
for (let i = 0; i < 20; i++) clock.advance(500);
// The market's synchronous runs: a clock tick's catch-up (with its first slice) and each later slice.
const runs: number[] = [];
const inner = market as unknown as Record<'catchUp' | 'pump', (...a: unknown[]) => void>;
let depth = 0;
for (const name of ['catchUp', 'pump'] as const) {
  const fn = inner[name].bind(market);
  inner[name] = (...a: unknown[]) => {
    if (depth > 0) return fn(...a);
    depth++;
    const t = performance.now();
    try {
      fn(...a);
    } finally {
      depth--;
      runs.push(performance.now() - t);
    }
  };
}
const late: number[] = [];
let last = performance.now();
const probe = setInterval(() => {
  const now = performance.now();
  late.push(Math.max(0, now - last - 1));
  last = now;
}, 1);
const q0 = quotes;
const c0 = process.cpuUsage();
const t0 = clock.now();
market.start();
setTimeout(() => {
  market.stop();
  clearInterval(probe);
  const c = process.cpuUsage(c0);
  const simSeconds = (clock.now() - t0) / 1000;
  late.sort((a, b) => a - b);
  const pick = (p: number) => late[Math.min(late.length - 1, Math.floor(late.length * p))] ?? 0;
  const busy = runs.filter((r) => r > 0.05).sort((a, b) => a - b);
  const at = (p: number) => busy[Math.min(busy.length - 1, Math.floor(busy.length * p))] ?? 0;
  process.stdout.write(
    JSON.stringify({
      sliceMs: arg,
      instruments: market.instruments().length,
      simSeconds,
      quotesPerSimSecond: (quotes - q0) / simSeconds,
      cpuMsPerSimSecond: (c.user + c.system) / 1000 / simSeconds,
      runs: busy.length,
      runP50: at(0.5),
      runP99: at(0.99),
      runMax: busy[busy.length - 1] ?? 0,
      probes: late.length,
      lateP99: pick(0.99),
      lateP999: pick(0.999),
      lateMax: late[late.length - 1] ?? 0,
      touched: touched > 0,
    }),
  );
}, seconds * 1000);
