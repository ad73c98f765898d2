/**
 * `npm start` (scripts/start.mjs): builds if needed, serves with the demo account, prints the listening
 * line first and the demo credentials, which work; SIGTERM stops it cleanly.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { test } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { eventually } from '@smartapi-ts/testkit/timing';
import { totpCode } from '../src/index.js';

const root = new URL('../../../', import.meta.url).pathname;

test('npm start serves the demo account it prints, and stops on SIGTERM', { timeout: 120_000 }, async () => {
  const dir = mkdtempSync(join(tmpdir(), 'npm-start-'));
  const child = spawn(process.execPath, ['scripts/start.mjs', '--port', '0', '--db', join(dir, 'paper.db')], {
    cwd: root,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_OPTIONS: '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => {
    stderr += d.toString();
  });
  try {
    const first = await new Promise<string>((resolve, reject) => {
      const rl = createInterface({ input: child.stdout });
      rl.once('line', resolve);
      child.once('exit', (code) => reject(new Error(`exited ${code}: ${stderr}`)));
    });
    const { event, url } = JSON.parse(first) as { event: string; url: string };
    assert.equal(event, 'listening');
    assert.match(url, /^http:\/\/127\.0\.0\.1:\d+$/);
    await eventually(() => assert.match(stderr, /API key:/), { timeout: 10_000, interval: 50 });
    const field = (name: string) => new RegExp(`${name}:\\s+(\\S+)`).exec(stderr)?.[1];
    const clientcode = field('client code');
    const pin = field('PIN');
    const secret = field('TOTP secret');
    const apiKey = field('API key');
    assert.ok(clientcode && pin && secret && apiKey, stderr);

    const res = await fetch(url + ROUTES.loginByPassword.path, {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'X-PrivateKey': apiKey,
        'X-UserType': 'USER',
        'X-SourceID': 'WEB',
      },
      body: JSON.stringify({ clientcode, password: pin, totp: totpCode(secret) }),
    });
    const body = (await res.json()) as { status: boolean; data: { jwtToken: string } };
    assert.equal(body.status, true, JSON.stringify(body));
    assert.ok(body.data.jwtToken.length > 20);

    const exited = new Promise<number | null>((r) => child.once('exit', (code) => r(code)));
    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  } finally {
    if (child.exitCode === null) child.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
