/** `smartapi stream`: live ticks until Ctrl-C (or `--count`). */
import {
  DEFAULT_MARKET_FEED_URL,
  DEFAULT_ROOT_URL,
  formatIstIso,
  MARKET_FEED_PATH,
} from '@smartapi-ts/protocol';
import { type Command, Option } from 'commander';
import { MarketFeed } from 'smartapi-ts';
import { type CliContext, CliError } from '../context.js';

/** Registers `stream`. */
export function register(program: Command, ctx: CliContext): void {
  const { out, err } = ctx;
  program
    .command('stream')
    .description('stream live ticks until Ctrl-C (or --count)')
    .argument('<symbols...>', 'EXCHANGE:SYMBOL …')
    .addOption(
      new Option('-m, --mode <mode>', 'feed mode')
        .choices(['ltp', 'quote', 'snapQuote', 'depth20'])
        .default('ltp'),
    )
    .option('-c, --count <n>', 'exit after n ticks')
    .action(
      async (
        specs: string[],
        o: { mode: 'ltp' | 'quote' | 'snapQuote' | 'depth20'; count?: string },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        const { session } = await ctx.client(g);
        const list = ctx.resolveAll(await ctx.instruments(g), specs);
        const byKey = new Map(list.map((i) => [`${i.exchangeType}|${i.token}`, i]));
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
        ctx.onCleanup(() => feed.close());
        const limit = o.count !== undefined ? Number(o.count) : Number.POSITIVE_INFINITY;
        if (!(limit > 0) || (Number.isFinite(limit) && !Number.isInteger(limit)))
          throw new CliError(`--count must be a positive integer, got ${JSON.stringify(o.count)}`);
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          ctx.onCleanup(() => process.off('SIGINT', stop));
          feed.on('error', (e) => err(`feed: ${e.message}\n`));
          feed.on('tick', (tick) => {
            // Ticks of one socket read arrive back to back: print no more than --count of them.
            if (seen >= limit) return;
            const inst = byKey.get(`${tick.exchangeType}|${tick.token}`);
            const symbol = inst ? `${inst.exchange}:${inst.symbol}` : `${tick.exchangeType}|${tick.token}`;
            if (g.json) out(`${JSON.stringify({ symbol, ...tick })}\n`);
            else {
              const t = tick as {
                lastTradedPrice?: number;
                exchangeTimestamp?: number;
                volumeTradedForTheDay?: number;
              };
              const time = t.exchangeTimestamp ? formatIstIso(t.exchangeTimestamp).slice(11, 19) : '';
              const vol = t.volumeTradedForTheDay !== undefined ? `  vol ${t.volumeTradedForTheDay}` : '';
              out(`${time}  ${symbol}  ${t.lastTradedPrice ?? ''}${vol}\n`);
            }
            if (++seen >= limit) resolve();
          });
          feed.subscribe(
            o.mode,
            list.map((i) => ({ token: i.token, exchangeType: i.exchangeType })),
          );
          feed.connect().catch(reject);
        });
      },
    );
}
