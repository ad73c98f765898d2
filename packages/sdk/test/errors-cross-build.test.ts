/**
 * The dual-package hazard: an app that loads the SDK through both `import` (ESM build) and `require`
 * (CommonJS bundle) has two copies of every error class, so `instanceof` fails across them. The
 * `isXxxError` guards must still recognise an error whichever copy created it. This test loads the tsc
 * ESM build (`dist/index.js`) and a CommonJS bundle made from the current sources with the options of
 * `scripts/build-cjs.mjs`, in one plain Node process (no tsx, no `source` condition), and cross-checks.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { test } from 'node:test';
import { build } from 'esbuild';

const root = new URL('../../../', import.meta.url).pathname;
const esmEntry = `${root}packages/sdk/dist/index.js`;

/** Every error class and the guards that must accept it (all other guards must reject it). */
const EXPECTED: Record<string, string[]> = {
  SmartApiError: ['isSmartApiError'],
  ApiError: ['isSmartApiError', 'isApiError'],
  AuthenticationError: ['isSmartApiError', 'isApiError', 'isAuthenticationError'],
  PermissionError: ['isSmartApiError', 'isApiError', 'isPermissionError'],
  InputError: ['isSmartApiError', 'isApiError', 'isInputError'],
  OrderRejectedError: ['isSmartApiError', 'isApiError', 'isOrderRejectedError'],
  NotFoundError: ['isSmartApiError', 'isApiError', 'isNotFoundError'],
  RateLimitError: ['isSmartApiError', 'isApiError', 'isRateLimitError'],
  ServerError: ['isSmartApiError', 'isApiError', 'isServerError'],
  ConnectionError: ['isSmartApiError', 'isConnectionError'],
  TimeoutError: ['isSmartApiError', 'isConnectionError', 'isTimeoutError'],
  AbortError: ['isSmartApiError', 'isAbortError'],
  FeedError: ['isSmartApiError', 'isFeedError'],
  FeedAuthError: ['isSmartApiError', 'isFeedError', 'isFeedAuthError'],
  FeedDecodeError: ['isSmartApiError', 'isFeedError', 'isFeedDecodeError'],
  UnknownOutcomeError: ['isSmartApiError', 'isUnknownOutcomeError'],
};
const GUARDS = [...new Set(Object.values(EXPECTED).flat())].sort();

// Runs in a child process; prints { cross: { "esm→cjs": { Class: [accepting guards] } }, ... }.
const PROBE = `
import { createRequire } from 'node:module';
const [esmEntry, cjsEntry, classesJson, guardsJson] = process.argv.slice(1);
const classes = JSON.parse(classesJson);
const guards = JSON.parse(guardsJson);
const esm = await import(esmEntry);
const cjs = createRequire(import.meta.url)(cjsEntry);
const make = (lib, name) => {
  const C = lib[name];
  if (name === 'UnknownOutcomeError') return new C('placeOrder', { outcome: 'unknown' });
  if (Object.prototype.isPrototypeOf.call(lib.ApiError, C) || C === lib.ApiError)
    return new C({ code: 'AB1004', message: 'm', httpStatus: 500, route: 'r' });
  return new C('m');
};
const accepted = (guardLib, e) => guards.filter((g) => guardLib[g](e) === true);
const out = { cross: {}, same: {}, instanceofAcross: false, foreign: {} };
for (const [from, to, a, b] of [['esm', 'cjs', esm, cjs], ['cjs', 'esm', cjs, esm]]) {
  out.cross[from + '→' + to] = {};
  for (const name of classes) {
    const e = make(a, name);
    out.cross[from + '→' + to][name] = accepted(b, e);
    out.instanceofAcross ||= e instanceof b[name];
  }
}
for (const name of classes) out.same[name] = accepted(esm, make(esm, name));
// Look-alikes that are not SDK errors: same names, even a forged string brand.
// AbortSignal.timeout's timer does not hold the event loop open: a ref'd timer does until it fires (without
// it the process could exit first, code 13, an unsettled top-level await).
const hold = setTimeout(() => {}, 10_000);
const domTimeout = await new Promise((r) => { const s = AbortSignal.timeout(1); s.onabort = () => r(s.reason); });
clearTimeout(hold);
const named = Object.assign(new Error('x'), { name: 'RateLimitError' });
const forged = { name: 'ApiError', [Symbol.for('smartapi-ts.error')]: 'ApiError' };
for (const [k, v] of Object.entries({ domTimeout, named, forged, nul: null, str: 'ApiError' })) {
  out.foreign[k] = [...accepted(esm, v), ...accepted(cjs, v)];
}
// The brand stays out of logs and JSON.
const e = make(cjs, 'RateLimitError');
out.keys = Object.keys(e);
out.json = JSON.stringify(e);
console.log(JSON.stringify(out));
`;

test('error guards recognise errors across the ESM build and the CommonJS bundle', async () => {
  assert.ok(existsSync(esmEntry), 'run `npm run build` (or `tsc -b`) first');
  const outDir = `${root}node_modules/.cache/smartapi-test/errors-cjs`;
  mkdirSync(outDir, { recursive: true });
  const cjsEntry = `${outDir}/index.cjs`;
  await build({
    entryPoints: [`${root}packages/sdk/src/index.ts`],
    outfile: cjsEntry,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['@smartapi-ts/protocol', 'ws', 'otpauth'],
    logLevel: 'warning',
  });
  const stdout = execFileSync(
    process.execPath,
    [
      '--input-type=module',
      '-e',
      PROBE,
      esmEntry,
      cjsEntry,
      JSON.stringify(Object.keys(EXPECTED)),
      JSON.stringify(GUARDS),
    ],
    { cwd: root, encoding: 'utf8', env: { ...process.env, NODE_OPTIONS: '' } },
  );
  const out = JSON.parse(stdout) as {
    cross: Record<string, Record<string, string[]>>;
    same: Record<string, string[]>;
    instanceofAcross: boolean;
    foreign: Record<string, string[]>;
    keys: string[];
    json: string;
  };
  assert.equal(out.instanceofAcross, false, 'the two copies really are distinct classes');
  const want = Object.fromEntries(Object.entries(EXPECTED).map(([k, v]) => [k, [...v].sort()]));
  assert.deepEqual(out.same, want, 'same copy');
  assert.deepEqual(out.cross['esm→cjs'], want, 'ESM errors seen by the CommonJS guards');
  assert.deepEqual(out.cross['cjs→esm'], want, 'CommonJS errors seen by the ESM guards');
  assert.deepEqual(
    out.foreign,
    { domTimeout: [], named: [], forged: [], nul: [], str: [] },
    'look-alikes are not SDK errors',
  );
  assert.ok(!out.keys.some((k) => k.includes('smartapi')), 'brand not enumerable');
  assert.match(out.json, /"name":"RateLimitError"/);
  assert.doesNotMatch(out.json, /smartapi-ts\.error/);
});
