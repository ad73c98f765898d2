import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';

const dir = new URL('../src/engine/', import.meta.url).pathname;
const files = readdirSync(dir).filter((f) => f.endsWith('.ts'));

describe('engine: purity (architecture)', () => {
  it('has source files to check', () => {
    assert.ok(files.includes('engine.ts') && files.includes('index.ts') && files.includes('types.ts'));
  });
  for (const file of files) {
    it(`${file} imports only the protocol, engine files and market types`, () => {
      const src = readFileSync(join(dir, file), 'utf8');
      const imports = [...src.matchAll(/^\s*(import|export)\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)];
      for (const m of imports) {
        const spec = m[3] ?? '';
        const typeOnly = Boolean(m[2]);
        const ok =
          spec === '@smartapi-ts/protocol' ||
          (/^\.\/[a-z0-9-]+\.js$/.test(spec) && !spec.includes('..')) ||
          (spec === '../market/types.js' && typeOnly);
        assert.ok(ok, `${file}: forbidden import ${m[0].trim()}`);
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
