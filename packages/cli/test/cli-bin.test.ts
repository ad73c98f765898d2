/**
 * The published entry point: `bin/smartapi.js` runs the built CLI (dist, no tsx, no `source`
 * condition), the way `npm install -g @smartapi-ts/cli` users get it.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;
const bin = `${root}packages/cli/bin/smartapi.js`;

const run = (...argv: string[]) =>
  spawnSync(process.execPath, [bin, ...argv], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
    input: '',
  });

test('bin/smartapi.js is executable and runs the built CLI: help lists every command; bad usage exits 2', () => {
  assert.ok(statSync(bin).mode & 0o100, 'executable');
  const help = run('--help');
  assert.equal(help.status, 0, help.stderr);
  for (const c of [
    'login',
    'instruments',
    'quote',
    'candles',
    'orders',
    'positions',
    'holdings',
    'funds',
    'order',
    'gtt',
    'stream',
    'record',
  ])
    assert.match(help.stdout, new RegExp(`^  ${c}\\b`, 'm'), c);
  const bad = run('order', 'place', '--side', 'HOLD');
  assert.equal(bad.status, 2);
  assert.match(bad.stderr, /'--side <side>' argument 'HOLD' is invalid\. Allowed choices are BUY, SELL\./);
});
