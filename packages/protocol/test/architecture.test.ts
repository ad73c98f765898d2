/**
 * Architecture rules (docs/architecture.md): the protocol package imports nothing but its own files and
 * TypeBox (no other package, no node: built-ins); the server's engine is pure (no I/O modules, no timers, no wall clock, no randomness) and
 * imports nothing of the server outside its folder; `market/` depends on the engine's ports only; the
 * server never imports the SDK; the CLI reaches the SDK and protocol only by package name and never the
 * server; the SDK never imports the CLI or its terminal libraries; every package's runtime dependencies
 * are on an allow-list with a reason, and its sources import only packages it declares.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { builtinModules } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
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

/**
 * The one runtime dependency the protocol may have: TypeBox builds the request rules' JSON schemas
 * (with static types) and checks values with `Value.Check`. It has no dependencies of its own, no
 * Node built-ins and no code generation (`Value` interprets the schema), so the protocol still runs
 * as is in a browser.
 */
const PROTOCOL_ALLOWED = /^@sinclair\/typebox(\/value)?$/;

test('protocol imports nothing but its own files and TypeBox', () => {
  const files = sourceFiles(join(root, 'packages/protocol/src'));
  assert.ok(files.length > 5, 'protocol sources found');
  const bad: string[] = [];
  for (const f of files) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (!s.startsWith('./') && !s.startsWith('../') && !PROTOCOL_ALLOWED.test(s))
        bad.push(`${relative(root, f)} imports ${s}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('protocol depends on exactly TypeBox, which itself depends on nothing', () => {
  const pkg = JSON.parse(readFileSync(join(root, 'packages/protocol/package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  assert.deepEqual(Object.keys(pkg.dependencies ?? {}), ['@sinclair/typebox']);
  const tb = JSON.parse(readFileSync(join(root, 'node_modules/@sinclair/typebox/package.json'), 'utf8')) as {
    dependencies?: Record<string, string>;
  };
  assert.deepEqual(Object.keys(tb.dependencies ?? {}), []);
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

test('the engine imports nothing of the server outside engine/; market/ only the engine ports and the rule-table helper', () => {
  const engineDir = join(root, 'packages/server/src/engine');
  const bad: string[] = [];
  for (const f of sourceFiles(engineDir)) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (s.startsWith('.') && relative(engineDir, join(f, '..', s)).startsWith('..'))
        bad.push(`${relative(root, f)} imports ${s}`);
    }
  }
  const marketDir = join(root, 'packages/server/src/market');
  for (const f of sourceFiles(marketDir)) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      const target = relative(join(root, 'packages/server/src'), join(f, '..', s));
      // engine/rules/dated.ts is the pure helper of every dated rule table (the market's session times use it).
      if (
        s.startsWith('.') &&
        target.startsWith('engine/') &&
        target !== 'engine/ports.js' &&
        target !== 'engine/rules/dated.js'
      )
        bad.push(`${relative(root, f)} imports ${s}`);
    }
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

/**
 * The one exception: the live market source reaches its upstream (login, feed, candles, scrip master)
 * through the SDK, fenced in this single module (docs/architecture.md).
 */
const SERVER_SDK_GATEWAY = 'packages/server/src/market/sources/live/upstream.ts';

test("server never imports the SDK, except the live source's upstream module", () => {
  const bad: string[] = [];
  let gateway = 0;
  for (const f of sourceFiles(join(root, 'packages/server/src'))) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (s === 'smartapi-ts' || s.startsWith('smartapi-ts/') || s.includes('/sdk/')) {
        if (relative(root, f) === SERVER_SDK_GATEWAY && s === 'smartapi-ts') gateway++;
        else bad.push(`${relative(root, f)} imports ${s}`);
      }
    }
  }
  assert.deepEqual(bad, []);
  assert.ok(gateway > 0, `${SERVER_SDK_GATEWAY} is the SDK gateway`);
});

/**
 * Runtime `dependencies` each workspace package may declare, with the reason for each. A dependency
 * not listed here fails the test: adding one is a design decision, made here with its reason.
 */
const ALLOWED_DEPENDENCIES: Record<string, Record<string, string>> = {
  'packages/protocol': {
    '@sinclair/typebox':
      'request rules as JSON schemas with static types; zero dependencies, runs in a browser, fastify-native',
  },
  'packages/sdk': {
    '@smartapi-ts/protocol': 'the wire contract (routes, errors, feed codec)',
    ws: 'WebSocket client of the market and order feeds',
    otpauth: 'TOTP codes for login',
    undici:
      'HTTP transport (Pool through its dispatch API): about 4× less client CPU per call than the official SDK, below the node:http floor (benchmarks/RESULTS.md#rest); 6.x runs on Node >= 18.17',
  },
  'packages/cli': {
    'smartapi-ts': 'the SDK the commands drive',
    '@smartapi-ts/protocol': 'enums and the live root constant',
    commander: 'argument parsing',
    'cli-table3': 'tables',
    'cli-progress': 'progress bars of instrument sync and candle backfill',
  },
  'packages/server': {
    '@smartapi-ts/protocol': 'the wire contract it serves',
    fastify: 'HTTP server',
    '@fastify/swagger': 'OpenAPI document of the REST routes',
    '@fastify/swagger-ui': 'the /docs page',
    '@fastify/static': 'serves the built web dashboard at /dashboard/',
    'better-sqlite3': 'durable storage (WAL, synchronous transactions)',
    ws: 'WebSocket server of the market and order feeds',
    otpauth: 'TOTP verification at login',
    commander: 'the smartapi-paper CLI',
    'smartapi-ts': 'the live market source reaches its upstream through the SDK (one fenced module)',
    '@nats-io/transport-node':
      'the market bus to feed edges (serve --nats, feed-edge): maintained Node client of the NATS project',
    pg: 'the Postgres store (--db postgres://…): pure-JS Postgres client, run in the bridge worker',
  },
  'packages/dashboard': {
    '@smartapi-ts/protocol': 'feed codec, request rules and routes, bundled into the page',
    'lightweight-charts': 'candle and P&L charts (TradingView, Apache-2.0), bundled into the page',
  },
  'packages/testkit': {
    '@smartapi-ts/paper': 'starts a real paper broker for tests',
    '@smartapi-ts/protocol': 'routes and types of the helpers',
  },
};

interface PackageJson {
  name: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

function workspaces(): string[] {
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { workspaces: string[] };
  return pkg.workspaces.filter((w) => existsSync(join(root, w, 'package.json')));
}

function readPackage(dir: string): PackageJson {
  return JSON.parse(readFileSync(join(root, dir, 'package.json'), 'utf8')) as PackageJson;
}

/** `lodash/fp` → `lodash`, `@scope/name/sub` → `@scope/name`. */
function packageOf(specifier: string): string {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : (parts[0] as string);
}

const BUILTINS = new Set(builtinModules);

/** Problems with a package's declared dependencies against the allow-list. */
function dependencyProblems(dir: string, pkg: PackageJson, allowed = ALLOWED_DEPENDENCIES): string[] {
  const allow = allowed[dir];
  if (allow === undefined) return [`${dir} (${pkg.name}) has no allow-list entry in the architecture test`];
  return Object.keys(pkg.dependencies ?? {})
    .filter((d) => !(d in allow))
    .map((d) => `${pkg.name} depends on ${d}, which is not on its allow-list`);
}

/** Bare imports in `files` that the package does not declare (built-ins and itself excepted). */
function undeclaredImports(files: string[], pkg: PackageJson): string[] {
  const declared = new Set([
    ...Object.keys(pkg.dependencies ?? {}),
    ...Object.keys(pkg.peerDependencies ?? {}),
  ]);
  const bad: string[] = [];
  for (const f of files) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (s.startsWith('.') || s.startsWith('node:') || BUILTINS.has(s)) continue;
      const name = packageOf(s);
      if (name === pkg.name || declared.has(name)) continue;
      bad.push(`${relative(root, f)} imports ${s}, but ${pkg.name} does not declare ${name}`);
    }
  }
  return bad;
}

test('every package declares only allow-listed runtime dependencies', () => {
  const dirs = workspaces();
  assert.ok(dirs.includes('packages/protocol') && dirs.includes('packages/server'), 'workspaces found');
  const bad = dirs.flatMap((d) => dependencyProblems(d, readPackage(d)));
  assert.deepEqual(bad, []);
});

test('every package imports only what it declares', () => {
  const bad: string[] = [];
  for (const d of workspaces()) {
    const files = sourceFiles(join(root, d, 'src'));
    assert.ok(files.length > 0, `${d} sources found`);
    bad.push(...undeclaredImports(files, readPackage(d)));
  }
  assert.deepEqual(bad, []);
});

test('the dependency rules catch violations', () => {
  const pkg: PackageJson = { name: 'demo', dependencies: { ws: '1', leftpad: '1' } };
  assert.deepEqual(dependencyProblems('packages/x', pkg, { 'packages/x': { ws: 'feeds' } }), [
    'demo depends on leftpad, which is not on its allow-list',
  ]);
  assert.deepEqual(dependencyProblems('packages/y', pkg, {}), [
    'packages/y (demo) has no allow-list entry in the architecture test',
  ]);
  const dir = mkdtempSync(join(tmpdir(), 'arch-'));
  try {
    const file = join(dir, 'a.ts');
    writeFileSync(
      file,
      "import WebSocket from 'ws';\nimport { x } from 'zod/v4';\nimport 'node:fs';\nimport './b.js';\n",
    );
    assert.deepEqual(
      undeclaredImports([file], pkg).map((m) => m.replace(/^.* imports /, '')),
      ['zod/v4, but demo does not declare zod'],
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
  assert.equal(packageOf('@fastify/swagger/static'), '@fastify/swagger');
  assert.equal(packageOf('ws/lib/x.js'), 'ws');
});

test('the CLI uses the SDK and the protocol through their package names, and never the server', () => {
  const files = sourceFiles(join(root, 'packages/cli/src'));
  assert.ok(files.length > 5, 'cli sources found');
  const allowed = /^(node:.*|@smartapi-ts\/protocol|smartapi-ts|commander|cli-table3|cli-progress)$/;
  const bad: string[] = [];
  for (const f of files) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (s.startsWith('.')) {
        // relative imports stay inside packages/cli/src
        if (!resolve(dirname(f), s).startsWith(join(root, 'packages/cli/src/')))
          bad.push(`${relative(root, f)} imports ${s}`);
        continue;
      }
      if (!allowed.test(s)) bad.push(`${relative(root, f)} imports ${s}`);
    }
  }
  assert.deepEqual(bad, []);
});

test('the SDK library does not depend on the CLI or its terminal libraries', () => {
  const bad: string[] = [];
  for (const f of sourceFiles(join(root, 'packages/sdk/src'))) {
    for (const s of specifiers(stripComments(readFileSync(f, 'utf8')))) {
      if (/^(commander|cli-table3|cli-progress|@smartapi-ts\/cli)$/.test(s) || s.includes('/cli/'))
        bad.push(`${relative(root, f)} imports ${s}`);
    }
  }
  assert.deepEqual(bad, []);
});
