/** `smartapi quote`: live quotes for instruments resolved through the master. */
import type { Exchange, QuoteMode } from '@smartapi-ts/protocol';
import { type Command, Option } from 'commander';
import type { CliContext } from '../context.js';
import { type Cell, renderJson, renderTable } from '../output.js';

/** Registers `quote`. */
export function register(program: Command, ctx: CliContext): void {
  const { out, err } = ctx;
  program
    .command('quote')
    .description('live quotes, e.g. `smartapi quote NSE:SBIN NFO:NIFTY25JAN2418000CE`')
    .argument('<symbols...>', 'EXCHANGE:SYMBOL (or a bare symbol, NSE first)')
    .addOption(
      new Option('-m, --mode <mode>', 'quote mode')
        .choices(['LTP', 'OHLC', 'FULL', 'ltp', 'ohlc', 'full'])
        .default('FULL'),
    )
    .action(async (specs: string[], o: { mode: string }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const list = ctx.resolveAll(await ctx.instruments(g), specs);
      const exchangeTokens: Partial<Record<Exchange, string[]>> = {};
      for (const i of list) {
        const tokens = exchangeTokens[i.exchange] ?? [];
        tokens.push(i.token);
        exchangeTokens[i.exchange] = tokens;
      }
      const res = await api.market.quote({ mode: o.mode.toUpperCase() as QuoteMode, exchangeTokens });
      if (g.json) {
        out(renderJson(res));
        return;
      }
      const rows = res.fetched as unknown as Record<string, Cell>[];
      const cols = [
        'exchange',
        'tradingSymbol',
        'ltp',
        'open',
        'high',
        'low',
        'close',
        'netChange',
        'percentChange',
        'tradeVolume',
      ].filter((c) => rows.some((r) => r[c] !== undefined));
      out(
        renderTable(
          cols,
          rows.map((r) => cols.map((c) => r[c])),
        ),
      );
      for (const u of res.unfetched) err(`unfetched: ${JSON.stringify(u)}\n`);
    });
}
