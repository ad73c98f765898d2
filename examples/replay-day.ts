/**
 * Replay a real day: backfill one trading day of 1-minute SBIN-EQ candles from your broker (the live
 * venue or a paper broker, settings as in connect.ts), replay that day in a second paper broker started
 * here (`market: 'replay'`, docs/paper-broker-data.md), then run the MA-crossover bot
 * (examples/ma-crossover-bot.ts) against the replay.
 *
 *   node --conditions=source --import tsx examples/replay-day.ts [--day 2026-12-02] [--ticks 40] [--speed 60]
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startPaperBroker } from '@smartapi-ts/testkit';
import { fetchCandles } from 'smartapi-ts';
import { connect, numberArg, settings } from './connect.js';

const IST = 19_800_000;
const dayArg = process.argv.indexOf('--day');
const ticks = Math.floor(numberArg('ticks', 'BOT_TICKS', 40));
const speed = numberArg('speed', 'REPLAY_SPEED', 60);

/** `YYYY-MM-DD` (IST) of `ms`. */
const istDate = (ms: number) => new Date(ms + IST).toISOString().slice(0, 10);
/** Two-digit rupee rounding as the venue prints. */
const r2 = (x: number) => Math.round(x * 100) / 100;

const { api } = await connect(settings());
const dir = mkdtempSync(join(tmpdir(), 'replay-day-'));
let firstBar = '';
try {
  // 1. Backfill: the given day, else the most recent weekday before today with a whole session of bars.
  const candidates: string[] = [];
  if (dayArg > 0 && process.argv[dayArg + 1]) candidates.push(process.argv[dayArg + 1] as string);
  else
    for (let d = 1; candidates.length < 7; d++) {
      const ms = Date.now() - d * 86_400_000;
      const wd = new Date(ms + IST).getUTCDay();
      if (wd !== 0 && wd !== 6) candidates.push(istDate(ms));
    }
  let day = '';
  let bars: Awaited<ReturnType<typeof fetchCandles>> = [];
  for (const c of candidates) {
    bars = await fetchCandles(api.historical, {
      exchange: 'NSE',
      symboltoken: '3045',
      interval: 'ONE_MINUTE',
      from: `${c} 09:15`,
      to: `${c} 15:30`,
    });
    // A whole session only: the broker's "today" may still be trading (a paper broker's simulated clock
    // can run on a day the calendar has already left, e.g. Friday's session replayed on a Saturday).
    const last = bars.at(-1);
    if (last && new Date(last.time.getTime() + IST).toISOString().slice(11, 16) >= '15:00') {
      day = c;
      break;
    }
  }
  if (!day) throw new Error(`no 1-minute candles on ${candidates.join(', ')}`);
  // The file the replay reads: the body of a getCandleData answer (docs/paper-broker-data.md#formats).
  const rows = bars.map((b) => [
    new Date(b.time.getTime() + IST).toISOString().slice(0, 19).concat('+05:30'),
    r2(b.open),
    r2(b.high),
    r2(b.low),
    r2(b.close),
    b.volume,
  ]);
  writeFileSync(
    join(dir, 'NSE-3045.json'),
    JSON.stringify({ status: true, message: 'SUCCESS', errorcode: '', data: rows }),
  );
  firstBar = String(rows[0]?.[0]);
  console.log(`backfilled ${rows.length} one-minute candles of NSE:SBIN-EQ on ${day}`);
} finally {
  await api.logout();
  api.close();
}

// 2. A second paper broker replays that day (fast simulated clock from the first bar).
const replay = await startPaperBroker({ market: 'replay', data: dir, clock: 'fast', speed });
console.log(`replay broker on ${replay.url}, replaying from ${firstBar}`);

// 3. The MA-crossover bot runs against the replay broker.
const a = replay.account;
const bot = spawn(
  process.execPath,
  [
    '--conditions=source',
    '--import',
    'tsx',
    join('examples', 'ma-crossover-bot.ts'),
    '--ticks',
    String(ticks),
  ],
  {
    cwd: new URL('..', import.meta.url).pathname,
    env: {
      ...process.env,
      SMARTAPI_ROOT: replay.url,
      SMARTAPI_API_KEY: a.apiKey,
      SMARTAPI_CLIENT_CODE: a.clientcode,
      SMARTAPI_PIN: a.password,
      SMARTAPI_TOTP_SECRET: a.totpSecret,
    },
    stdio: ['ignore', 'inherit', 'inherit'],
  },
);
const code = await new Promise<number | null>((resolve) => bot.on('close', resolve));
const q = replay.market.quote('NSE', '3045');
console.log(
  `replay done at ${new Date(replay.market.now() + IST).toISOString().slice(11, 16)} IST, SBIN ltp ${(q?.ltp ?? 0) / 100}; bot exit ${code}`,
);
await replay.close();
rmSync(dir, { recursive: true, force: true });
process.exitCode = code ?? 1;
