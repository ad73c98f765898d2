/**
 * `smartapi candles --csv` writes exactly the replay source's CSV format: header
 * `time,open,high,low,close,volume`, ISO 8601 times with +05:30. Round trip: a day of bars replayed by a
 * paper broker, fetched with the CLI, is byte for byte the file the broker replayed.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { formatIstIso } from '@smartapi-ts/protocol';
import { startPaperBroker } from '@smartapi-ts/testkit';
import { main } from '../src/main.js';

test('candles --csv of a replayed day equals the replayed CSV file', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-cli-csv-'));
  const start = Date.parse('2026-11-20T09:15:00+05:30');
  let price = 81240;
  const lines = ['time,open,high,low,close,volume'];
  for (let i = 0; i < 375; i++) {
    const open = price;
    const close = open + ((i * 7) % 11) * 5 - 25;
    const high = Math.max(open, close) + ((i * 3) % 4) * 5;
    const low = Math.min(open, close) - ((i * 5) % 3) * 5;
    lines.push(
      [formatIstIso(start + i * 60_000), open / 100, high / 100, low / 100, close / 100, 100 + i].join(','),
    );
    price = close;
  }
  const data = join(dir, 'data');
  const file = join(data, 'NSE-3045.csv');
  const text = `${lines.join('\n')}\n`;
  mkdirSync(data);
  writeFileSync(file, text);
  const broker = await startPaperBroker({ market: 'replay', data });
  const env = { SMARTAPI_CONFIG_DIR: join(dir, 'config'), SMARTAPI_CACHE_DIR: join(dir, 'cache') };
  const run = async (...argv: string[]) => {
    let out = '';
    let err = '';
    const code = await main(argv, {
      env,
      stdout: { write: (s: string) => (out += s) },
      stderr: { write: (s: string) => (err += s) },
    });
    return { code, out, err };
  };
  try {
    await broker.admin('POST', 'clock', { advanceTo: '2026-11-20T15:45:00+05:30' });
    const a = broker.account;
    const login = await run(
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
    assert.equal(login.code, 0, login.err);
    const csv = await run(
      'candles',
      'NSE:SBIN',
      '-i',
      '1m',
      '-f',
      '2026-11-20 09:15',
      '-t',
      '2026-11-20 15:30',
      '--csv',
    );
    assert.equal(csv.code, 0, csv.err);
    assert.equal(csv.out, readFileSync(file, 'utf8'));
  } finally {
    await broker.close();
    rmSync(dir, { recursive: true, force: true });
  }
});
