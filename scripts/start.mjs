#!/usr/bin/env node
// `npm start`: build if needed, then run the paper broker with its embedded defaults.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = new URL('..', import.meta.url).pathname;
const main = join(root, 'packages/server/dist/main.js');

function newestMtime(dir) {
  let newest = 0;
  for (const name of readdirSync(dir, { withFileTypes: true })) {
    const p = join(dir, name.name);
    newest = Math.max(newest, name.isDirectory() ? newestMtime(p) : statSync(p).mtimeMs);
  }
  return newest;
}
/** Modification time of a file, 0 when it does not exist. */
const mtime = (p) => (existsSync(p) ? statSync(p).mtimeMs : 0);
// tsc rewrites dist/.tsbuildinfo on every build, so it dates the last build of each package.
const stale =
  !existsSync(main) ||
  ['protocol', 'server'].some(
    (p) =>
      newestMtime(join(root, 'packages', p, 'src')) >
      mtime(join(root, 'packages', p, 'dist', '.tsbuildinfo')),
  );
if (stale) {
  console.error('building…');
  const r = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-b'], {
    cwd: root,
    stdio: 'inherit',
  });
  if (r.status !== 0) process.exit(r.status ?? 1);
}
// The dashboard's static files (served at /dashboard/): rebuilt when missing or older than its sources.
const dash = join(root, 'packages/dashboard');
if (
  existsSync(join(dash, 'build.mjs')) &&
  Math.max(
    newestMtime(join(dash, 'src')),
    newestMtime(join(dash, 'public')),
    newestMtime(join(root, 'packages/protocol/src')),
  ) > mtime(join(dash, 'dist/public/app.js'))
) {
  console.error('building the dashboard…');
  const { buildDashboard } = await import(pathToFileURL(join(dash, 'build.mjs')).href);
  await buildDashboard();
}
// Run the server in this process (not a child), so signals sent to `npm start` reach it directly.
const { main: serverMain } = await import(pathToFileURL(main).href);
process.exitCode = await serverMain(['serve', '--demo', ...process.argv.slice(2)]);
