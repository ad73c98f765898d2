/** `smartapi holdings`: demat holdings with P&L. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { renderJson, renderTable } from '../output.js';

/** Registers `holdings`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('holdings')
    .description('demat holdings with P&L')
    .action(async (_o: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const rows = await api.portfolio.holdings();
      if (g.json) out(renderJson(rows));
      else if (rows.length === 0) out('No holdings.\n');
      else
        out(
          renderTable(
            ['Symbol', 'Qty', 'T1', 'Avg', 'LTP', 'P&L', 'P&L %'],
            rows.map((r) => [
              `${r.exchange}:${r.tradingsymbol}`,
              r.quantity,
              r.t1quantity,
              r.averageprice,
              r.ltp,
              r.profitandloss,
              r.pnlpercentage,
            ]),
          ),
        );
    });
}
