/** `smartapi candles`: historical candles over any range (split, paced, retried, merged). */
import { formatIstIso, Interval, isEnumValue } from '@smartapi-ts/protocol';
import type { Command } from 'commander';
import { HistoricalData, resample } from 'smartapi-ts';
import { type CliContext, CliError } from '../context.js';
import { type Cell, renderCsv, renderJson, renderTable } from '../output.js';

const SHORT_INTERVALS: Readonly<Record<string, Interval>> = {
  '1m': 'ONE_MINUTE',
  '3m': 'THREE_MINUTE',
  '5m': 'FIVE_MINUTE',
  '10m': 'TEN_MINUTE',
  '15m': 'FIFTEEN_MINUTE',
  '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR',
  '60m': 'ONE_HOUR',
  '1d': 'ONE_DAY',
};

/** Parses `5m`, `FIVE_MINUTE`, … into a venue interval. */
export function parseInterval(text: string): Interval {
  const up = text.trim().toUpperCase();
  if (isEnumValue(Interval, up)) return up as Interval;
  const short = SHORT_INTERVALS[text.trim().toLowerCase()];
  if (short) return short;
  throw new CliError(
    `unknown interval "${text}" (use 1m 3m 5m 10m 15m 30m 1h 1d or ${Object.values(Interval).join(', ')})`,
  );
}

/** Registers `candles`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('candles')
    .description('historical candles over any range (split, paced, retried, merged)')
    .argument('<symbol>', 'EXCHANGE:SYMBOL, e.g. NSE:SBIN')
    .option('-i, --interval <interval>', '1m 3m 5m 10m 15m 30m 1h 1d or a venue name', '1d')
    .requiredOption('-f, --from <date>', 'start, IST "YYYY-MM-DD HH:mm" or "YYYY-MM-DD"')
    .option('-t, --to <date>', 'end, IST "YYYY-MM-DD HH:mm" (default: now)')
    .option('-r, --resample <target>', 'resample to e.g. 2h, 4h, 1w, 1M (IST session-aligned)')
    .option('--csv', 'CSV output')
    .action(
      async (
        spec: string,
        o: { interval: string; from: string; to?: string; resample?: string; csv?: boolean },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        const interval = parseInterval(o.interval);
        const { api } = await ctx.client(g);
        const [inst] = ctx.resolveAll(await ctx.instruments(g), [spec]);
        const hist = new HistoricalData(api.historical, { pace: false });
        const bar = ctx.progressBar(g, 'candles [{bar}] {value}/{total} requests');
        let started = false;
        let candles = await hist.candlesArray(
          {
            exchange: inst!.exchange,
            symboltoken: inst!.token,
            interval,
            from: o.from,
            to: o.to ?? new Date(),
          },
          {
            onProgress: (p) => {
              if (!bar || p.total < 2) return;
              if (!started) {
                bar.start(p.total, 0);
                started = true;
              }
              bar.update(p.done);
            },
          },
        );
        if (started) bar?.stop();
        if (o.resample) candles = resample(candles, o.resample);
        const head = ['time', 'open', 'high', 'low', 'close', 'volume'];
        const rows: Cell[][] = candles.map((c) => [
          formatIstIso(c.time.getTime()),
          c.open,
          c.high,
          c.low,
          c.close,
          c.volume,
        ]);
        if (g.json) out(renderJson(candles.map((c, k) => ({ ...c, time: rows[k]![0] }))));
        else if (o.csv) out(renderCsv(head, rows));
        else out(renderTable(head, rows));
      },
    );
}
