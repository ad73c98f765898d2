/**
 * Packaging smoke test: the built entry points of the published libraries load through both module
 * systems, the way users consume them (no "source" condition, no tsx). `npm ci` builds them (prepare).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
  for (const dir of ['packages/protocol', 'packages/sdk', 'packages/cli', 'packages/server']) {
    const { messages } = await publint({ pkgDir: `${root}${dir}`, pack: false, level: 'suggestion' });
    assert.deepEqual(
      messages.map((m) => `${m.type} ${m.code} ${m.path.join('.')}`),
      [],
      `${dir} has packaging problems`,
    );
  }
});

test('importing the SDK and constructing both clients has no side effects: no network, no files, no handles', () => {
  const cwd = mkdtempSync(join(tmpdir(), 'smartapi-ts-import-'));
  try {
    const code = `
      import net from 'node:net'; import dns from 'node:dns'; import dgram from 'node:dgram';
      import { readdirSync } from 'node:fs';
      let calls = 0;
      const spy = (o, k) => { const f = o[k]; o[k] = function (...a) { calls++; return f.apply(this, a); }; };
      spy(net.Socket.prototype, 'connect'); spy(dns, 'lookup'); spy(dgram, 'createSocket');
      const s = await import(${JSON.stringify(`${root}packages/sdk/dist/index.js`)});
      const api = new s.SmartApi({ apiKey: 'k' });
      const sc = new s.SmartConnect({ api_key: 'k' });
      await new Promise((r) => setImmediate(r));
      console.log(calls, JSON.stringify(process.getActiveResourcesInfo().filter((r) => r !== 'Immediate')), readdirSync('.').length);
      api.close(); sc.close();`;
    const out = execFileSync(process.execPath, ['--input-type=module', '-e', code], {
      cwd,
      encoding: 'utf8',
      env: { ...process.env, NODE_OPTIONS: '' },
    }).trim();
    assert.equal(out, '0 [] 0', 'network calls, active handles, files created in the cwd');
  } finally {
    rmSync(cwd, { recursive: true, force: true });
  }
});
