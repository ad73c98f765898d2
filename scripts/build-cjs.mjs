#!/usr/bin/env node
// After `tsc -b` has emitted ESM + .d.ts, bundle the CommonJS entry points of the published libraries
// (protocol and the SDK) with esbuild, and give them .d.cts type entry points.
import { copyFileSync, existsSync } from 'node:fs';
import { build } from 'esbuild';

const root = new URL('..', import.meta.url).pathname;
const libs = [
  { dir: 'packages/protocol', external: ['@sinclair/typebox'] },
  {
    dir: 'packages/sdk',
    external: ['@smartapi-ts/protocol', 'ws', 'otpauth', 'undici'],
  },
];
for (const lib of libs) {
  const entry = `${root}${lib.dir}/src/index.ts`;
  if (!existsSync(entry)) continue;
  await build({
    entryPoints: [entry],
    outfile: `${root}${lib.dir}/dist/index.cjs`,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: lib.external,
    sourcemap: true,
    logLevel: 'warning',
  });
  const dts = `${root}${lib.dir}/dist/index.d.ts`;
  if (existsSync(dts)) copyFileSync(dts, `${root}${lib.dir}/dist/index.d.cts`);
}
