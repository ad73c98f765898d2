/**
 * `smartapi record` → replay round trip: frames recorded from one paper broker (simulated market,
 * manual clock) and replayed by a second broker (`market: 'replay'` over the tick file) come back
 * through the second broker's feed as the same ticks in the same order. Also the file layout: the
 * header, the daily file name and every record decodable.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { decodeFeedPacket, decodeTickFile, formatIstDate, TICK_FILE_MAGIC } from '@smartapi-ts/protocol';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { dailyTickFile } from '../src/commands/record.js';
import { main } from '../src/main.js';

async function cli(env: NodeJS.ProcessEnv, ...argv: string[]) {
  let out = '';
  let err = '';
  const code = await main(argv, {
    env,
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  return { code, out, err };
}

async function login(env: NodeJS.ProcessEnv, broker: PaperBroker) {
  const a = broker.account;
  const r = await cli(
    env,
    '--root',
    broker.url,
    '--api-key',
    a.apiKey,
    'login',
    '--client-code',
    a.clientcode,
    '--pin',
    a.password,
    '--totp-secret',
    a.totpSecret,
  );
  assert.equal(r.code, 0, r.err);
}

/** Records `count` frames from `broker` into `dir`, advancing its clock until done; the file's path. */
async function record(
  broker: PaperBroker,
  env: NodeJS.ProcessEnv,
  dir: string,
  count: number,
): Promise<string> {
  await login(env, broker);
  const out = join(dir, 'rec.ticks');
  const run = cli(
    env,
    'record',
    'NSE:SBIN',
    'NSE:RELIANCE',
    '--mode',
    'snapQuote',
    '--out',
    out,
    '--count',
    String(count),
  );
  let done = false;
  void run.then(() => {
    done = true;
  });
  // The two snapshots of the subscription, then the clock moves until enough ticks were written.
  await eventually(() => assert.ok(readdirSync(dir).some((n) => n.endsWith('.ticks'))), {
    message: 'the tick file',
  });
  await eventually(() => {
    const file = join(dir, readdirSync(dir).find((n) => n.endsWith('.ticks')) ?? '');
    assert.ok(decodeTickFile(readFileSync(file)).length >= 2);
  });
  for (let i = 0; i < 200 && !done; i++) {
    await broker.admin('POST', 'clock', { advanceBy: 5 });
    await new Promise((r) => setImmediate(r));
  }
  const r = await run;
  assert.equal(r.code, 0, r.err);
  assert.match(r.err, new RegExp(`recorded ${count} frames`));
  const files = readdirSync(dir).filter((n) => n.endsWith('.ticks'));
  assert.equal(files.length, 1);
  return join(dir, files[0] ?? '');
}

test('record from one broker, replay in another: the same ticks in the same order', async () => {
  const root = mkdtempSync(join(tmpdir(), 'smartapi-record-'));
  const dirA = join(root, 'a');
  const dirB = join(root, 'b');
  mkdirSync(dirA);
  mkdirSync(dirB);
  const N = 30;
  const b1 = await startPaperBroker({ start: Date.parse('2026-11-20T10:00:00+05:30') });
  let b2: PaperBroker | undefined;
  try {
    const fileA = await record(
      b1,
      { SMARTAPI_CONFIG_DIR: join(root, 'c1'), SMARTAPI_CACHE_DIR: join(root, 'k1') },
      dirA,
      N,
    );
    // layout: header, the IST day of the receive time in the name, every frame decodable
    const bytes = readFileSync(fileA);
    assert.equal(String.fromCharCode(...bytes.subarray(0, 16)), TICK_FILE_MAGIC);
    const recA = decodeTickFile(bytes);
    assert.equal(recA.length, N);
    assert.equal(fileA, dailyTickFile(join(dirA, 'rec.ticks'), recA[0]?.receivedAt ?? 0));
    assert.ok(fileA.endsWith(`rec-${formatIstDate(recA[0]?.receivedAt ?? 0)}.ticks`));
    const ticksA = recA.map((r) => decodeFeedPacket(r.frame));
    assert.ok(new Set(ticksA.map((t) => t.token)).size === 2, 'both instruments recorded');

    b2 = await startPaperBroker({ market: 'replay', data: dirA });
    const fileB = await record(
      b2,
      { SMARTAPI_CONFIG_DIR: join(root, 'c2'), SMARTAPI_CACHE_DIR: join(root, 'k2') },
      dirB,
      N,
    );
    const ticksB = decodeTickFile(readFileSync(fileB)).map((r) => decodeFeedPacket(r.frame));
    assert.deepEqual(ticksB, ticksA);
  } finally {
    await b1.close();
    await b2?.close();
    rmSync(root, { recursive: true, force: true });
  }
});
