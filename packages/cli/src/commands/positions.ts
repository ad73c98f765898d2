/** `smartapi positions`: net and day positions. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { renderJson, renderTable } from '../output.js';

/** Registers `positions`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('positions')
    .description('net and day positions')
    .action(async (_o: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const rows = await api.portfolio.positions();
      if (g.json) out(renderJson(rows));
      else if (rows.length === 0) out('No positions.\n');
      else
        out(
          renderTable(
            ['Symbol', 'Product', 'Net qty', 'Avg', 'LTP', 'Realised', 'Unrealised'],
            rows.map((r) => [
              `${r.exchange}:${r.tradingsymbol}`,
              r.producttype,
              r.netqty,
              r.avgnetprice,
              r.ltp,
              r.realised,
              r.unrealised,
            ]),
          ),
        );
    });
}
