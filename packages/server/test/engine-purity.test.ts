import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, it } from 'node:test';

const dir = new URL('../src/engine/', import.meta.url).pathname;
/** Every .ts file of the engine, as a path relative to `engine/` (`orders/matching.ts`). */
const files = (readdirSync(dir, { recursive: true }) as string[])
  .filter((f) => f.endsWith('.ts'))
  .map((f) => f.split('\\').join('/'))
  .sort();

/**
 * True when an engine file may import `spec`: the protocol, or a kebab-case .js file that stays inside
 * engine/ (the engine owns its ports; `market/` depends on them, never the other way round).
 */
function allowedImport(file: string, spec: string): boolean {
  if (spec === '@smartapi-ts/protocol') return true;
  return (
    /^\.\.?\/([a-z0-9-]+\/|\.\.\/)*[a-z0-9-]+\.js$/.test(spec) &&
    !relative(dir, resolve(dirname(join(dir, file)), spec)).startsWith('..')
  );
}

describe('engine: purity (architecture)', () => {
  it('the import rule allows engine files and the protocol only', () => {
    assert.ok(allowedImport('orders/matching.ts', '../positions/book.js'));
    assert.ok(allowedImport('engine.ts', './orders/commands.js'));
    assert.ok(!allowedImport('engine.ts', '../market/types.js'));
    assert.ok(!allowedImport('orders/matching.ts', '../../market/types.js'));
    assert.ok(!allowedImport('engine.ts', 'node:fs'));
  });

  it('has source files to check', () => {
    assert.ok(files.includes('engine.ts') && files.includes('index.ts') && files.includes('types.ts'));
  });
  for (const file of files) {
    it(`${file} imports only the protocol and engine files`, () => {
      const src = readFileSync(join(dir, file), 'utf8');
      const imports = [...src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)];
      for (const m of imports) {
        const spec = m[3] ?? '';
        assert.ok(allowedImport(file, spec), `${file}: forbidden import ${m[0].trim()}`);
      }
      assert.doesNotMatch(src, /^\s*import\s+['"]/m, `${file}: side-effect import`);
      assert.doesNotMatch(src, /\brequire\s*\(/, `${file}: require()`);
      assert.doesNotMatch(src, /\bimport\s*\(/, `${file}: dynamic import`);
    });
    it(`${file} reads no clock, randomness, timers or process state`, () => {
      const code = readFileSync(join(dir, file), 'utf8')
        .replace(/\/\*[\s\S]*?\*\//g, '')
        .replace(/\/\/.*$/gm, '');
      for (const [re, what] of [
        [/\bDate\.now\s*\(/, 'Date.now()'],
        [/new\s+Date\s*\(\s*\)/, 'new Date()'],
        [/\bMath\.random\s*\(/, 'Math.random()'],
        [/\bperformance\.now\s*\(/, 'performance.now()'],
        [/\b(setTimeout|setInterval|setImmediate|queueMicrotask)\s*\(/, 'timers'],
        [/\bprocess\./, 'process'],
        [/\bcrypto\./, 'crypto'],
        [/\bfetch\s*\(/, 'fetch'],
      ] as const) {
        assert.doesNotMatch(code, re, `${file}: ${what}`);
      }
    });
  }
});
