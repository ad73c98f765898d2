/**
 * Packaging smoke test: the built entry points of the published libraries load through both module
 * systems, the way users consume them (no "source" condition, no tsx). `npm ci` builds them (prepare).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;

function run(code: string, type: 'commonjs' | 'module'): string {
  return execFileSync(process.execPath, [`--input-type=${type}`, '-e', code], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, NODE_OPTIONS: '' },
  }).trim();
}

const built =
  existsSync(`${root}packages/sdk/dist/index.cjs`) && existsSync(`${root}packages/protocol/dist/index.cjs`);

test('the libraries are built (npm ci runs the build)', () => {
  assert.ok(built, 'run `npm run build` first');
});

test('require() loads the CommonJS builds', () => {
  const out = run(
    `const p = require('@smartapi-ts/protocol'); const s = require('smartapi-ts');
     console.log(typeof p.decodeFeedPacket, typeof p.ROUTES.placeOrder.path, typeof s.SmartApiError);`,
    'commonjs',
  );
  assert.equal(out, 'function string function');
});

test('import loads the ES module builds', () => {
  const out = run(
    `const p = await import('@smartapi-ts/protocol'); const s = await import('smartapi-ts');
     console.log(typeof p.decodeFeedPacket, typeof s.SmartApiError, new s.ApiError({code:'AB1009',message:'m',httpStatus:200,route:'r'}) instanceof s.SmartApiError);`,
    'module',
  );
  assert.equal(out, 'function function true');
});

test('publint finds no packaging problems in the published packages', async () => {
  const { publint } = await import('publint');
  for (const dir of ['packages/protocol', 'packages/sdk', 'packages/server']) {
    const { messages } = await publint({ pkgDir: `${root}${dir}`, pack: false, level: 'suggestion' });
    assert.deepEqual(
      messages.map((m) => `${m.type} ${m.code} ${m.path.join('.')}`),
      [],
      `${dir} has packaging problems`,
    );
  }
});
