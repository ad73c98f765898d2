/**
 * Historical backfill: download N days of 1-minute SBIN candles (more than one venue request allows:
 * ONE_MINUTE spans at most 30 days, so the range is split, paced under the 3/s limit, retried and
 * merged), then resample them to 1-hour and daily bars.
 *
 *   node --conditions=source --import tsx examples/backfill-candles.ts [--days 45]
 */
import { fetchCandles, INTERVAL_MAX_DAYS, resample } from 'smartapi-ts';
import { connect, numberArg, settings } from './connect.js';

/** `YYYY-MM-DD` of a bar time in IST (daily bars are stamped 00:00 IST, i.e. 18:30 UTC the day before). */
const istDate = (t: Date): string => new Date(t.getTime() + 19_800_000).toISOString().slice(0, 10);

const days = numberArg('days', 'BACKFILL_DAYS', 45);
const { api } = await connect(settings());

try {
  const to = new Date();
  const from = new Date(to.getTime() - days * 86_400_000);
  console.log(
    `backfilling ONE_MINUTE SBIN-EQ for ${days} days (max ${INTERVAL_MAX_DAYS.ONE_MINUTE} days per request)`,
  );

  const candles = await fetchCandles(
    api.historical,
    { exchange: 'NSE', symboltoken: '3045', interval: 'ONE_MINUTE', from, to },
    { onProgress: (p) => console.log(`  window ${p.done}/${p.total}: ${p.rows} rows`) },
  );
  if (candles.length === 0) throw new Error('no candles returned');
  const first = candles[0]!;
  const last = candles[candles.length - 1]!;
  console.log(
    `${candles.length} one-minute candles from ${istDate(first.time)} to ${istDate(last.time)} (IST)`,
  );

  // Hour bars aligned to the 09:15 IST open (09:15, 10:15, … 15:15), and IST calendar days.
  const hourly = resample(candles, '1h');
  const daily = resample(candles, '1d');
  console.log(`${hourly.length} hourly bars, ${daily.length} daily bars; last 3 days:`);
  for (const d of daily.slice(-3)) {
    console.log(`  ${istDate(d.time)} O ${d.open} H ${d.high} L ${d.low} C ${d.close} V ${d.volume}`);
  }
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await api.logout();
  api.close();
}
