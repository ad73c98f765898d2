/**
 * The "What to expect" table of docs/paper-broker-execution.md is what `scripts/execution-table.ts`
 * measures now: the script runs the engine on its synthetic book and every line it prints must be in the
 * document (a change of a model or preset that moves a figure fails here until the docs follow).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../..', import.meta.url).pathname;

test('the execution table of the docs is what the script measures', () => {
  const out = execFileSync(
    process.execPath,
    ['--conditions=source', '--import', 'tsx', 'scripts/execution-table.ts'],
    { cwd: root, encoding: 'utf8', timeout: 60_000 },
  );
  const lines = out.split('\n').filter((l) => l.startsWith('|'));
  assert.ok(lines.length >= 5, out);
  const doc = readFileSync(`${root}docs/paper-broker-execution.md`, 'utf8');
  for (const line of lines) assert.ok(doc.includes(line), `not in docs/paper-broker-execution.md:\n${line}`);
});
