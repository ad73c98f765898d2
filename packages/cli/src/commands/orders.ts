/** `smartapi orders`: today's order book. */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { renderJson, renderTable } from '../output.js';

/** Registers `orders`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('orders')
    .description("today's order book")
    .action(async (_o: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const book = await api.orders.book();
      if (g.json) out(renderJson(book));
      else if (book.length === 0) out('No orders today.\n');
      else
        out(
          renderTable(
            [
              'Order id',
              'Time',
              'Symbol',
              'Side',
              'Type',
              'Product',
              'Qty',
              'Filled',
              'Price',
              'Avg',
              'Status',
            ],
            book.map((r) => [
              r.orderid,
              r.updatetime,
              `${r.exchange}:${r.tradingsymbol}`,
              r.transactiontype,
              r.ordertype,
              r.producttype,
              r.quantity,
              r.filledshares,
              r.price,
              r.averageprice,
              r.orderstatus || r.status,
            ]),
          ),
        );
    });
}
