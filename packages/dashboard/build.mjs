#!/usr/bin/env node
// Builds the dashboard to static files in dist/public/ (index.html, style.css, app.js): esbuild bundles
// src/main.ts with @smartapi-ts/protocol (its TypeScript sources, like the tests) and lightweight-charts
// for the browser. The paper broker serves dist/public/ at /dashboard/. Run by the root `npm run build`.
import { copyFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = fileURLToPath(new URL('.', import.meta.url));

/** Builds the dashboard into `outdir` (default dist/public); resolves with the output folder. */
export async function buildDashboard(outdir = `${here}dist/public`) {
  mkdirSync(outdir, { recursive: true });
  await build({
    entryPoints: [`${here}src/main.ts`],
    outfile: `${outdir}/app.js`,
    bundle: true,
    platform: 'browser',
    format: 'esm',
    target: ['chrome120', 'firefox121', 'safari17'],
    conditions: ['source'],
    minify: true,
    sourcemap: true,
    legalComments: 'linked',
    logLevel: 'warning',
  });
  for (const f of ['index.html', 'style.css']) copyFileSync(`${here}public/${f}`, `${outdir}/${f}`);
  return outdir;
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await buildDashboard(process.argv[2]);
}
