/**
 * Market-step benchmark: how long the synthetic market blocks the event loop while its clock's timer
 * drives it (issues 13, 16), with the step sliced across event-loop turns (`sliceMs` 2, the default)
 * versus run whole (`sliceMs: Infinity`, the baseline), in the same run, each in fresh child processes,
 * alternating. Writes benchmarks/.work/market-step.json. See README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';

const ROUNDS = Number(process.env.BENCH_MARKET_STEP_ROUNDS ?? 3);
const root = new URL('../..', import.meta.url).pathname;
const workDir = join(root, 'benchmarks', '.work');
mkdirSync(workDir, { recursive: true });

interface Child {
  sliceMs: string;
  instruments: number;
  simSeconds: number;
  quotesPerSimSecond: number;
  cpuMsPerSimSecond: number;
  runs: number;
  runP50: number;
  runP99: number;
  runMax: number;
  probes: number;
  lateP99: number;
  lateP999: number;
  lateMax: number;
}
function child(mode: string): Child {
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(root, 'benchmarks/market-step/child.ts'), mode],
    { encoding: 'utf8', env: process.env },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Child;
}
const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] ?? 0;
};
const loadAtStart = loadavg()[0] ?? 0;
const sliced: Child[] = [];
const whole: Child[] = [];
for (let i = 0; i < ROUNDS; i++) {
  sliced.push(child('2'));
  whole.push(child('whole'));
}
const m = (xs: Child[], k: keyof Child) => median(xs.map((x) => x[k] as number));
const rows = [
  {
    name: 'longest market run on the event loop (timer steps, built-in)',
    unit: 'ms',
    value: m(sliced, 'runMax'),
    baseline: m(whole, 'runMax'),
    target: '≤ 3 (sliced)',
  },
  { name: 'median market run', unit: 'ms', value: m(sliced, 'runP50'), baseline: m(whole, 'runP50') },
  {
    name: 'CPU per simulated second (running clock, one listener)',
    unit: 'ms',
    value: m(sliced, 'cpuMsPerSimSecond'),
    baseline: m(whole, 'cpuMsPerSimSecond'),
  },
  {
    name: '1 ms probe lateness p99.9 (every cause)',
    unit: 'ms',
    value: m(sliced, 'lateP999'),
    baseline: m(whole, 'lateP999'),
  },
].map((r) => ({
  name: r.name,
  unit: r.unit,
  value: r.value,
  baseline: `${Number(r.baseline.toPrecision(4))} ${r.unit} (whole steps)`,
  ratio: Math.round((r.value / r.baseline) * 100) / 100,
  ...(r.target ? { target: r.target, pass: r.value <= 3 } : {}),
}));
for (const r of rows)
  console.log(
    `${r.name.padEnd(60)} ${r.value.toFixed(2).padStart(8)} ${r.unit}  vs ${r.baseline}  (×${r.ratio})`,
  );
const notes = [
  `Medians of ${ROUNDS} alternating rounds of ${sliced[0]?.simSeconds.toFixed(0)} s each (sim clock at speed 1, ${sliced[0]?.instruments} instruments, ~${Math.round(sliced[0]?.quotesPerSimSecond ?? 0)} quotes per simulated second); load average at start ${loadAtStart.toFixed(2)}. A run longer than the slice budget is a GC pause or the machine's other load inside a slice.`,
];
writeFileSync(
  join(workDir, 'market-step.json'),
  JSON.stringify(
    {
      suite: 'market-step',
      date: new Date().toISOString(),
      node: process.version,
      sliced,
      whole,
      rows,
      notes,
    },
    null,
    2,
  ),
);
