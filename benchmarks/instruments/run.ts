/**
 * Instruments benchmark: a synthetic 160 000-row scrip master, loaded and queried with the SDK's index
 * and, in the same run, with the naive approach (`JSON.parse` + `Array.find` / `Array.filter`).
 * Writes benchmarks/.work/instruments.json. See README.md.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Instruments } from '../../packages/sdk/src/instruments/index.js';
import { generateScripMaster, type WireRow } from './generate.js';

interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: number;
  ratio?: number;
  target?: string;
  pass?: boolean;
}

const ROWS = Number(process.env.BENCH_INSTRUMENT_ROWS ?? 160_000);
const root = new URL('../..', import.meta.url).pathname;
const workDir = join(root, 'benchmarks', '.work');
mkdirSync(workDir, { recursive: true });
const results: Row[] = [];
const round = (x: number, d = 3) => Math.round(x * 10 ** d) / 10 ** d;
function add(row: Row): void {
  const r: Row = { ...row, value: round(row.value) };
  if (row.baseline !== undefined) {
    r.baseline = round(row.baseline);
    r.ratio = round(row.baseline / row.value, 1);
  }
  results.push(r);
  const base = r.baseline !== undefined ? `  naive ${r.baseline} ${r.unit} (baseline/value ${r.ratio})` : '';
  const tgt = r.target ? `  target ${r.target} ${r.pass ? 'PASS' : 'FAIL'}` : '';
  console.log(`${r.name.padEnd(44)} ${String(r.value).padStart(10)} ${r.unit}${base}${tgt}`);
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

// ── data ──
const rows: WireRow[] = generateScripMaster(ROWS);
const text = JSON.stringify(rows);
const file = join(workDir, 'scrip-master-synthetic.json');
writeFileSync(file, text);
console.log(`synthetic scrip master: ${rows.length} rows, ${(text.length / 2 ** 20).toFixed(1)} MB`);

// ── load + index, and memory, each in a fresh process ──
function child(mode: 'ours' | 'naive'): { ms: number; extraRssMb: number; peakExtraRssMb: number } {
  const r = spawnSync(
    process.execPath,
    [
      '--expose-gc',
      '--conditions=source',
      '--import',
      'tsx',
      join(root, 'benchmarks/instruments/child.ts'),
      mode,
      file,
    ],
    { cwd: root, encoding: 'utf8' },
  );
  if (r.status !== 0) throw new Error(`child ${mode} failed: ${r.stderr}`);
  return JSON.parse(r.stdout) as { ms: number; extraRssMb: number; peakExtraRssMb: number };
}
const coldOurs = [child('ours'), child('ours'), child('ours')];
const coldNaive = [child('naive'), child('naive'), child('naive')];
const loadMs = median(coldOurs.map((c) => c.ms));
add({
  name: 'load + index from file (fresh process)',
  value: loadMs,
  unit: 'ms',
  baseline: median(coldNaive.map((c) => c.ms)),
  target: '< 1000 ms',
  pass: loadMs < 1000,
});
const extra = median(coldOurs.map((c) => c.extraRssMb));
add({
  name: 'extra RSS after load (retained)',
  value: extra,
  unit: 'MB',
  baseline: median(coldNaive.map((c) => c.extraRssMb)),
  target: '< 250 MB',
  pass: extra < 250,
});
const peak = median(coldOurs.map((c) => c.peakExtraRssMb));
add({
  name: 'extra RSS at end of load (peak-ish)',
  value: peak,
  unit: 'MB',
  baseline: median(coldNaive.map((c) => c.peakExtraRssMb)),
  target: '< 250 MB',
  pass: peak < 250,
});

// ── warm in-process load ──
const warm: number[] = [];
let ins = Instruments.fromJson(text);
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  ins = Instruments.fromJson(text);
  warm.push(performance.now() - t0);
}
const naiveWarm: number[] = [];
let naive: WireRow[] = [];
for (let i = 0; i < 3; i++) {
  const t0 = performance.now();
  naive = JSON.parse(text) as WireRow[];
  naiveWarm.push(performance.now() - t0);
}
add({
  name: 'load + index from JSON text (warm)',
  value: median(warm),
  unit: 'ms',
  baseline: median(naiveWarm),
});
if (ins.size !== ROWS || ins.skipped !== 0)
  throw new Error(`indexed ${ins.size} rows, skipped ${ins.skipped}`);

// ── token lookup ──
let x = 7;
const pick = () => {
  x = (x * 1_103_515_245 + 12_345) % 2_147_483_648;
  return rows[x % rows.length]!;
};
const sample = Array.from({ length: 10_000 }, pick);
const tokens = sample.map((r) => r.token);
const exchanges = sample.map((r) => r.exch_seg as 'NSE');
let sink = 0;
{
  const N = 2_000_000;
  for (let i = 0; i < 100_000; i++) sink += ins.byToken(tokens[i % 10_000]!, exchanges[i % 10_000])!.lotSize;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) sink += ins.byToken(tokens[i % 10_000]!, exchanges[i % 10_000])!.lotSize;
  const ns = ((performance.now() - t0) * 1e6) / N;
  const M = 300;
  const t1 = performance.now();
  for (let i = 0; i < M; i++) {
    const t = tokens[i]!;
    const e = exchanges[i]!;
    sink += Number(naive.find((r) => r.token === t && r.exch_seg === e)!.lotsize);
  }
  const naiveNs = ((performance.now() - t1) * 1e6) / M;
  add({
    name: 'byToken(token, exchange)',
    value: ns / 1000,
    unit: 'µs',
    baseline: naiveNs / 1000,
    target: '< 1 µs',
    pass: ns < 1000,
  });
}

// ── symbol lookup ──
{
  const symbols = sample.map((r) => r.symbol);
  const N = 1_000_000;
  ins.bySymbol('NSE', 'SBIN'); // builds the symbol maps
  for (let i = 0; i < 50_000; i++)
    sink += ins.bySymbol(exchanges[i % 10_000]!, symbols[i % 10_000]!)!.lotSize;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) sink += ins.bySymbol(exchanges[i % 10_000]!, symbols[i % 10_000]!)!.lotSize;
  const ns = ((performance.now() - t0) * 1e6) / N;
  const M = 300;
  const t1 = performance.now();
  for (let i = 0; i < M; i++) {
    const s = symbols[i]!;
    const e = exchanges[i]!;
    sink += Number(naive.find((r) => r.symbol === s && r.exch_seg === e)!.lotsize);
  }
  add({
    name: 'bySymbol(exchange, tradingsymbol)',
    value: ns / 1000,
    unit: 'µs',
    baseline: ((performance.now() - t1) * 1e6) / M / 1000,
  });
}

// ── search ──
{
  const queries = [
    'sbin',
    'nifty',
    'reliance',
    'bank',
    'tata',
    'nifty 50',
    'crude',
    'usdinr',
    'in',
    'hdfcbk',
    'banknifty',
    'nifty',
    'sensex',
    'infy',
    'zzzz',
    'gold',
  ];
  const t0 = performance.now();
  ins.search('warm-up');
  const buildMs = performance.now() - t0;
  add({ name: 'search index build (first search)', value: buildMs, unit: 'ms' });
  for (let i = 0; i < 20; i++) for (const q of queries) sink += ins.search(q).length;
  const times: number[] = [];
  for (let rep = 0; rep < 30; rep++) {
    for (const q of queries) {
      const t = performance.now();
      sink += ins.search(q).length;
      times.push(performance.now() - t);
    }
  }
  times.sort((a, b) => a - b);
  const p95 = times[Math.floor(times.length * 0.95)]!;
  const mean = times.reduce((a, b) => a + b, 0) / times.length;
  const naiveTimes: number[] = [];
  for (const q of queries) {
    const t = performance.now();
    sink += naive
      .filter((r) => r.name.toLowerCase().includes(q) || r.symbol.toLowerCase().includes(q))
      .slice(0, 20).length;
    naiveTimes.push(performance.now() - t);
  }
  const naiveMean = naiveTimes.reduce((a, b) => a + b, 0) / naiveTimes.length;
  add({
    name: 'search(text) mean',
    value: mean,
    unit: 'ms',
    baseline: naiveMean,
    target: '< 2 ms',
    pass: mean < 2,
  });
  add({ name: 'search(text) p95', value: p95, unit: 'ms', target: '< 2 ms', pass: p95 < 2 });
}

// ── derivatives helpers ──
{
  const exp = ins.expiries('NIFTY', { kind: 'OPT' });
  const N = 2_000;
  const t0 = performance.now();
  for (let i = 0; i < N; i++) sink += ins.optionChain('NIFTY', exp[i % exp.length]!)!.strikes.length;
  const chainMs = (performance.now() - t0) / N;
  const expText = exp[0]!;
  const t1 = performance.now();
  const naiveN = 20;
  for (let i = 0; i < naiveN; i++) {
    sink += naive.filter(
      (r) => r.name === 'NIFTY' && r.expiry === expText && r.instrumenttype === 'OPTIDX',
    ).length;
  }
  add({
    name: 'optionChain(NIFTY, expiry)',
    value: chainMs,
    unit: 'ms',
    baseline: (performance.now() - t1) / naiveN,
  });
  const t2 = performance.now();
  for (let i = 0; i < N; i++) sink += ins.expiries('NIFTY').length;
  add({ name: 'expiries(NIFTY)', value: (performance.now() - t2) / N, unit: 'ms' });
}

if (sink === 42) console.log('');
rmSync(file, { force: true });
const out = {
  suite: 'instruments',
  date: new Date().toISOString(),
  node: process.version,
  rows: results,
};
writeFileSync(join(workDir, 'instruments.json'), `${JSON.stringify(out, null, 2)}\n`);
console.log(`wrote benchmarks/.work/instruments.json`);
const failed = results.filter((r) => r.pass === false);
if (failed.length > 0) {
  console.error(`targets missed: ${failed.map((r) => r.name).join(', ')}`);
  process.exitCode = 1;
}
