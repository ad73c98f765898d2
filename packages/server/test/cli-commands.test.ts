import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { executionOverrides, parseLatency, type ServeOptions } from '../src/cli/options.js';
import { type CliIo, main } from '../src/main.js';
import { openSqliteStore } from '../src/storage/sqlite/store.js';
import { runCli } from './cli-helpers.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-cli-'));
after(() => rmSync(dir, { recursive: true, force: true }));

function capture(): CliIo & { stdout: string; stderr: string } {
  const io = {
    stdout: '',
    stderr: '',
    out(t: string) {
      io.stdout += t;
    },
    err(t: string) {
      io.stderr += t;
    },
  };
  return io;
}

describe('CLI (in process)', () => {
  it('--help on every command prints usage and exits 0', async () => {
    for (const argv of [
      ['--help'],
      ['serve', '--help'],
      ['accounts', '--help'],
      ['accounts', 'create', '--help'],
      ['accounts', 'list', '--help'],
      ['accounts', 'reset', '--help'],
    ]) {
      const io = capture();
      assert.equal(await main(argv, io), 0, argv.join(' '));
      assert.match(io.stdout, /Usage:/, argv.join(' '));
    }
  });

  it('--help shows the --funds default in rupees, as the docs say', async () => {
    for (const argv of [
      ['serve', '--help'],
      ['accounts', 'create', '--help'],
    ]) {
      const io = capture();
      assert.equal(await main(argv, io), 0);
      const text = io.stdout.replace(/\s+/g, ' ');
      assert.match(text, /--funds <rupees> [^-]*rupees \(default: 1000000\)/, argv.join(' '));
    }
  });

  it('the latency flags become the execution overrides of PUT /paper/v1/execution', () => {
    const o = {
      latency: parseLatency('fixed:40'),
      cancelLatency: parseLatency('uniform:10:20'),
      ackLatency: parseLatency('lognormal:15:0.5:900'),
    } as ServeOptions;
    assert.deepEqual(executionOverrides(o), {
      latency: {
        entry: { kind: 'fixed', ms: 40 },
        cancel: { kind: 'uniform', minMs: 10, maxMs: 20 },
        ack: { kind: 'lognormal', medianMs: 15, sigma: 0.5, maxMs: 900 },
      },
    });
    assert.deepEqual(executionOverrides({ ackLatency: parseLatency('fixed:0') } as ServeOptions), {
      latency: { ack: { kind: 'fixed', ms: 0 } },
    });
  });

  it('bad flags and values fail with a clear message and a non-zero code', async () => {
    for (const [argv, pattern] of [
      [['serve', '--bogus'], /unknown option '--bogus'/],
      [['serve', '--port', 'abc'], /--port.*expected an integer/],
      [['serve', '--port', '70000'], /expected an integer 0–65535/],
      [['serve', '--clock', 'fast'], /Allowed choices are sim, real/],
      [['serve', '--speed', '-2'], /positive number/],
      [['serve', '--fills', 'perfect'], /Allowed choices are ideal, realistic, harsh/],
      [['serve', '--latency', 'gamma:3'], /expected fixed:MS, uniform:MIN:MAX or lognormal/],
      [['serve', '--cancel-latency', 'fixed'], /expected fixed:MS, uniform:MIN:MAX or lognormal/],
      [['serve', '--ack-latency', 'uniform:5'], /expected fixed:MS, uniform:MIN:MAX or lognormal/],
      [['serve', '--db', ':memory:', '--port', '0', '--ack-latency', 'fixed:-5'], /latency.ack.ms must be/],
      [['serve', '--queue', 'lifo'], /Allowed choices are none, fifo, probabilistic/],
      [['serve', '--db', ':memory:', '--port', '0', '--depth-factor', '2'], /impact.depthFactor must be/],
      [['accounts', 'create', '--funds', 'lots'], /rupees/],
      [['nope'], /unknown command 'nope'/],
    ] as const) {
      const io = capture();
      const code = await main([...argv], io);
      assert.notEqual(code, 0, argv.join(' '));
      assert.match(io.stderr, pattern, argv.join(' '));
    }
  });

  it('accounts create / list / reset on a database file', async () => {
    const db = join(dir, 'accounts.db');
    const io = capture();
    assert.equal(await main(['accounts', 'create', '--db', db, '--funds', '250000.50', '--json'], io), 0);
    const creds = JSON.parse(io.stdout) as Record<string, string>;
    const store = openSqliteStore(db, { lock: false });
    assert.equal(store.accounts.get(creds.clientcode ?? '')?.startingFunds, 25_000_050);
    store.close();

    const list = capture();
    assert.equal(await main(['accounts', 'list', '--db', db, '--json'], list), 0);
    const rows = JSON.parse(list.stdout) as { clientcode: string; funds: number }[];
    assert.deepEqual(
      rows.map((r) => [r.clientcode, r.funds]),
      [[creds.clientcode, 250000.5]],
    );
    const text = capture();
    assert.equal(await main(['accounts', 'list', '--db', db], text), 0);
    assert.match(text.stdout, new RegExp(String(creds.clientcode)));

    const reset = capture();
    assert.equal(await main(['accounts', 'reset', String(creds.clientcode), '--db', db], reset), 0);
    assert.match(reset.stdout, /funds back to ₹250000.50/);
    const missing = capture();
    assert.equal(await main(['accounts', 'reset', 'Z0000', '--db', db], missing), 1);
    assert.match(missing.stderr, /no such client/);
  });

  it('refuses a duplicate client code', async () => {
    const db = join(dir, 'dup.db');
    assert.equal(
      await main(['accounts', 'create', '--db', db, '--clientcode', 'T12345', '--json'], capture()),
      0,
    );
    const io = capture();
    assert.equal(await main(['accounts', 'create', '--db', db, '--clientcode', 'T12345', '--json'], io), 1);
    assert.match(io.stderr, /already exists/);
    assert.equal(io.stdout, '');
  });
});

describe('CLI (child process)', () => {
  it('accounts create --json prints exactly one JSON object and nothing else', async () => {
    const db = join(dir, 'child.db');
    const r = await runCli(['accounts', 'create', '--db', db, '--funds', '1000000', '--json']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout.trim().split('\n').length, 1);
    const obj = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.deepEqual(Object.keys(obj).sort(), ['apiKey', 'clientcode', 'password', 'totpSecret']);
    for (const v of Object.values(obj)) {
      assert.equal(typeof v, 'string');
      assert.ok((v as string).length > 0);
    }
  });

  it('--help exits 0 and a bad flag exits non-zero', async () => {
    const help = await runCli(['serve', '--help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /--no-rate-limits/);
    assert.match(help.stdout, /--no-auto-square-off/);
    const bad = await runCli(['serve', '--port', 'x']);
    assert.notEqual(bad.code, 0);
    assert.match(bad.stderr, /port/);
  });
});
