/**
 * `smartapi record`: subscribes through the SDK's market feed and writes every binary frame exactly as
 * received, with its receive time, to tick files the paper broker replays (`serve --market replay
 * --data <dir>`). Format: docs/paper-broker-data.md#tick-files. One file per IST day of receive time:
 * `--out ticks/nse.ticks` writes `ticks/nse-2026-11-20.ticks`, then `…-2026-11-21.ticks`.
 */
import { closeSync, existsSync, openSync, writeSync } from 'node:fs';
import {
  DEFAULT_MARKET_FEED_URL,
  DEFAULT_ROOT_URL,
  encodeTickRecord,
  formatIstDate,
  MARKET_FEED_PATH,
  tickFileHeader,
} from '@smartapi-ts/protocol';
import { type Command, Option } from 'commander';
import { MarketFeed } from 'smartapi-ts';
import { type CliContext, CliError } from '../context.js';

/** The file of the IST day of `at` for `--out <out>`: the day inserted before the extension. */
export function dailyTickFile(out: string, at: number): string {
  const day = formatIstDate(at);
  const m = /^(.*?)(\.[^./\\]+)?$/.exec(out);
  const base = m?.[1] ?? out;
  return `${base}-${day}${m?.[2] ?? '.ticks'}`;
}

/** Registers `record`. */
export function register(program: Command, ctx: CliContext): void {
  const { err } = ctx;
  program
    .command('record')
    .description('record the market feed (raw frames with receive time) to daily tick files for replay')
    .argument('<symbols...>', 'EXCHANGE:SYMBOL …')
    .addOption(
      new Option('-m, --mode <mode>', 'feed mode')
        .choices(['ltp', 'quote', 'snapQuote', 'depth20'])
        .default('snapQuote'),
    )
    .requiredOption('-o, --out <file>', 'tick file name; the IST day is inserted before the extension')
    .option('-c, --count <n>', 'stop after n frames (default: until Ctrl-C)')
    .action(
      async (
        specs: string[],
        o: { mode: 'ltp' | 'quote' | 'snapQuote' | 'depth20'; out: string; count?: string },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        const limit = o.count !== undefined ? Number(o.count) : Number.POSITIVE_INFINITY;
        if (!(limit > 0) || (Number.isFinite(limit) && !Number.isInteger(limit)))
          throw new CliError(`--count must be a positive integer, got ${JSON.stringify(o.count)}`);
        const { session } = await ctx.client(g);
        const list = ctx.resolveAll(await ctx.instruments(g), specs);
        const url =
          session.root === DEFAULT_ROOT_URL
            ? DEFAULT_MARKET_FEED_URL
            : session.root.replace(/^http/, 'ws') + MARKET_FEED_PATH;
        const feed = new MarketFeed({
          clientCode: session.clientCode,
          feedToken: session.feedToken,
          apiKey: session.apiKey,
          jwtToken: session.jwtToken,
          url,
        });
        let fd: number | undefined;
        let file = '';
        let frames = 0;
        let bytes = 0;
        const closeFile = () => {
          if (fd !== undefined) closeSync(fd);
          fd = undefined;
        };
        ctx.onCleanup(() => {
          feed.close();
          closeFile();
        });
        const tty = ctx.io.stderr.isTTY === true && !g.json;
        const progress = () => `recorded ${frames} frames (${bytes} bytes) → ${file}`;
        const timer = tty ? setInterval(() => err(`\r${progress()}`), 500) : undefined;
        ctx.onCleanup(() => clearInterval(timer));
        await new Promise<void>((resolve, reject) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          ctx.onCleanup(() => process.off('SIGINT', stop));
          feed.on('error', (e) => err(`feed: ${e.message}\n`));
          feed.on('frame', (frame) => {
            if (frames >= limit) return;
            const at = Date.now();
            const name = dailyTickFile(o.out, at);
            if (name !== file || fd === undefined) {
              closeFile();
              file = name;
              const fresh = !existsSync(name);
              fd = openSync(name, 'a');
              if (fresh) writeSync(fd, tickFileHeader());
            }
            const rec = encodeTickRecord(at, frame);
            writeSync(fd, rec);
            frames++;
            bytes += rec.length;
            if (frames >= limit) resolve();
          });
          feed.subscribe(
            o.mode,
            list.map((i) => ({ token: i.token, exchangeType: i.exchangeType })),
          );
          feed.connect().catch(reject);
        });
        closeFile();
        err(`${tty ? '\r' : ''}${progress()}\n`);
      },
    );
}
