/**
 * Architecture rules (docs/architecture.md): the protocol package imports nothing (no packages, no node:
 * built-ins); the server's engine is pure (no I/O modules, no timers, no wall clock, no randomness);
 * the server never imports the SDK.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { test } from 'node:test';

const root = new URL('../../../', import.meta.url).pathname;

function sourceFiles(dir: string): string[] {
  const out: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return out;
  }
  for (const name of names) {
    const p = join(dir, name);
    if (statSync(p).isDirectory()) out.push(...sourceFiles(p));
    else if (/\.(ts|mts|cts|js|mjs)$/.test(name)) out.push(p);
  }
  return out;
}

/** Module specifiers of static imports/exports, dynamic imports and require() calls. */
function specifiers(code: string): string[] {
  const found: string[] = [];
  const patterns = [
    /\b(?:import|export)\s[^'"`;]*?\sfrom\s*['"]([^'"]+)['"]/g,
    /\bimport\s*['"]([^'"]+)['"]/g,
    /\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
    /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)/g,
  ];
  for (const re of patterns) for (const m of code.matchAll(re)) found.push(m[1]!);
  return found;
}

function stripComments(code: string): string {
  return code.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:])\/\/.*$/gm, '$1');
}

test('specifier scanner sees every import form', () => {
  const code = `import a from 'x1'; import type { B } from "x2"; export * from './x3.js';
    import 'x4'; const c = await import('x5'); const d = require('x6');
    import {\n  e,\n  f,\n} from 'x7';`;
  assert.deepEqual(specifiers(code).sort(), ['./x3.js', 'x1', 'x2', 'x4', 'x5', 'x6', 'x7']);
});

test('protocol imports nothing but its own files', () => {
  const files = sourceFiles(join(root, 'packages/protocol/src'));
  assert.ok(files.length > 5, 'protocol sources found');
  const bad: string[] = [];
  for (const f of files) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (!s.startsWith('./') && !s.startsWith('../')) bad.push(`${relative(root, f)} imports ${s}`);
    }
  }
  assert.deepEqual(bad, []);
});

const ENGINE_FORBIDDEN_MODULES =
  /^(node:)?(fs|fs\/promises|net|http|https|http2|dgram|dns|tls|timers|timers\/promises|child_process|worker_threads|cluster)$|^(better-sqlite3|fastify|ws|@fastify\/.*)$/;
const ENGINE_FORBIDDEN_CALLS = [
  /\bDate\.now\s*\(/,
  /\bMath\.random\s*\(/,
  /\bnew\s+Date\s*\(\s*\)/,
  /\bperformance\.now\s*\(/,
  /\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/,
  /\bprocess\.hrtime\b/,
  /\bcrypto\.randomUUID\s*\(/,
];

test('server engine is pure: no I/O modules, no timers, no clock, no randomness', () => {
  const files = sourceFiles(join(root, 'packages/server/src/engine'));
  const bad: string[] = [];
  for (const f of files) {
    const code = stripComments(readFileSync(f, 'utf8'));
    for (const s of specifiers(code)) {
      if (ENGINE_FORBIDDEN_MODULES.test(s)) bad.push(`${relative(root, f)} imports ${s}`);
      if (s.startsWith('node:') && s !== 'node:assert') bad.push(`${relative(root, f)} imports ${s}`);
    }
    for (const re of ENGINE_FORBIDDEN_CALLS)
      if (re.test(code)) bad.push(`${relative(root, f)} uses ${re.source}`);
  }
  assert.deepEqual(bad, []);
});

test('the purity rules catch violations', () => {
  const code = stripComments(
    `import { readFileSync } from 'node:fs';\nconst t = Date.now(); // fine in comment: Math.random()`,
  );
  assert.ok(specifiers(code).some((s) => ENGINE_FORBIDDEN_MODULES.test(s)));
  assert.ok(ENGINE_FORBIDDEN_CALLS.some((re) => re.test(code)));
  assert.ok(!/Math\.random/.test(code), 'comments are ignored');
});

test('server never imports the SDK', () => {
  const bad: string[] = [];
  for (const f of sourceFiles(join(root, 'packages/server/src'))) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (s === 'smartapi-ts' || s.startsWith('smartapi-ts/') || s.includes('/sdk/')) {
        bad.push(`${relative(root, f)} imports ${s}`);
      }
    }
  }
  assert.deepEqual(bad, []);
});
