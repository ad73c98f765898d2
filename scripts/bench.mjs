#!/usr/bin/env node
// `npm run bench [suite…]`: runs benchmarks/<suite>/run.ts for each suite (all by default) and
// rewrites benchmarks/RESULTS.md from the JSON each suite leaves in benchmarks/.work/.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const benchDir = join(root, 'benchmarks');
const all = readdirSync(benchDir, { withFileTypes: true })
  .filter((d) => d.isDirectory() && !d.name.startsWith('.') && existsSync(join(benchDir, d.name, 'run.ts')))
  .map((d) => d.name);
const wanted = process.argv.slice(2).length ? process.argv.slice(2) : all;
let failed = 0;
for (const suite of wanted) {
  console.log(`\n== benchmark: ${suite} ==`);
  const r = spawnSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', join(benchDir, suite, 'run.ts')],
    { cwd: root, stdio: 'inherit' },
  );
  if (r.status !== 0) failed++;
}
const r = spawnSync(process.execPath, ['--import', 'tsx', join(benchDir, 'report.ts')], {
  cwd: root,
  stdio: 'inherit',
});
process.exit(failed || r.status ? 1 : 0);
