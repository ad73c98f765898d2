/**
 * Scale benchmark: the paper broker's synthetic market with a generated 160 000-row scrip master (lazy)
 * vs the built-in universe (~1 700 instruments, eager), measured in the same run, each in a fresh
 * process. Writes benchmarks/.work/scale.json. See README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { istToEpoch } from '../../packages/protocol/src/index.js';
import { generateScripMaster } from '../../packages/testkit/src/scrip-master.js';

const ROWS = Number(process.env.BENCH_INSTRUMENT_ROWS ?? 160_000);
const root = new URL('../..', import.meta.url).pathname;
const workDir = join(root, 'benchmarks', '.work');
mkdirSync(workDir, { recursive: true });
const file = join(workDir, 'scrip-master-scale.json');
writeFileSync(file, JSON.stringify(generateScripMaster(ROWS, 42, istToEpoch(2026, 1, 1))));

interface Child {
  instruments: number;
  active: number;
  startMs: number;
  rssMb: number;
  cpuMsPerSimSecond: number;
}
function child(args: string[]): Child {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--conditions=source',
      '--import',
      'tsx',
      join(root, 'benchmarks/scale/child.ts'),
      ...args,
    ],
    { encoding: 'utf8', env: process.env },
  );
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout) as Child;
}
const loadBefore = loadavg()[0]!;
const builtin = child([]);
const big = child([file]);
const rows = [
  {
    name: 'start (load + build)',
    unit: 'ms',
    value: big.startMs,
    baseline: builtin.startMs,
    target: '< 3000',
    pass: big.startMs < 3000,
  },
  {
    name: 'RSS after start',
    unit: 'MB',
    value: big.rssMb,
    baseline: builtin.rssMb,
    target: '< 400',
    pass: big.rssMb < 400,
  },
  {
    name: 'CPU per simulated second, idle',
    unit: 'ms',
    value: big.cpuMsPerSimSecond,
    baseline: builtin.cpuMsPerSimSecond,
    target: 'no CPU until used',
    pass: big.cpuMsPerSimSecond < builtin.cpuMsPerSimSecond / 100,
  },
].map((r) => ({ ...r, ratio: Math.round((r.value / r.baseline) * 100) / 100 }));
const loadAfter = loadavg()[0]!;
for (const r of rows)
  console.log(
    `${r.name.padEnd(34)} ${r.value.toFixed(1).padStart(9)} ${r.unit}  built-in ${r.baseline.toFixed(1)} ${r.unit}  (×${r.ratio} of built-in)${r.target ? `  target ${r.target}` : ''}`,
  );
console.log(
  `instruments: ${big.instruments} (active ${big.active}) vs built-in ${builtin.instruments} (active ${builtin.active})`,
);
writeFileSync(
  join(workDir, 'scale.json'),
  JSON.stringify(
    {
      suite: 'scale',
      date: new Date().toISOString(),
      node: process.version,
      machine: `${cpus().length} × ${cpus()[0]?.model.split(' ').slice(0, 2).join(' ') ?? 'cpu'}`,
      builtin,
      big,
      rows: rows.map((r) => ({
        ...r,
        baseline: `built-in universe (${builtin.instruments} instruments, eager): ${Number(r.baseline.toPrecision(4))} ${r.unit}`,
      })),
      notes: [
        `${big.instruments.toLocaleString('en-US')} generated scrip-master rows (testkit generateScripMaster, seed 42) loaded with \`--instruments\` (lazy: ${big.active} simulated until subscribed, quoted or traded) against the built-in universe (${builtin.instruments} instruments, all simulated), each in a fresh process. Idle CPU: ${Number(process.env.BENCH_SCALE_SIM_SECONDS ?? 30)} simulated seconds with no subscriber.`,
        'Before lazy instruments (the same file, eager): about 86 s to build the market, 1.27 GB RSS and 640 ms CPU per simulated second.',
        `Load average (1 min) at the start and the end: ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cpus().length} cores.`,
      ],
    },
    null,
    2,
  ),
);
