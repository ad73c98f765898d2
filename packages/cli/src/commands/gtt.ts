/**
 * `smartapi gtt create|list|cancel`: good-till-triggered rules. Against the live venue `create` and
 * `cancel` print what they will do and ask `Proceed? [y/N]` first (`--yes` skips the question).
 */
import {
  type Exchange,
  type GttCreateRequest,
  GttStatus,
  type ProductType,
  TransactionType,
} from '@smartapi-ts/protocol';
import { type Command, InvalidArgumentError } from 'commander';
import { GTT_EXCHANGES, GTT_PRODUCTS } from 'smartapi-ts';
import { type CliContext, UsageError } from '../context.js';
import { enumOption, id, positiveInt, price } from '../flags.js';
import { renderJson, renderTable } from '../output.js';

/** Registers `gtt create`, `gtt list` and `gtt cancel`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  const gtt = program
    .command('gtt')
    .description('good-till-triggered rules (writes ask first on the live venue; --yes skips)');

  gtt
    .command('create')
    .description(
      'create a rule, e.g. --symbol NSE:SBIN-EQ --side BUY --product DELIVERY --qty 1 --trigger 700 --price 701',
    )
    .requiredOption('-s, --symbol <symbol>', 'trading symbol (SBIN-EQ) or EXCHANGE:SYMBOL')
    .option('--token <token>', 'symbol token (default: looked up in the instrument master)', id)
    .addOption(enumOption('-e, --exchange <exchange>', 'exchange', GTT_EXCHANGES))
    .addOption(
      enumOption('--side <side>', 'transaction type', Object.values(TransactionType)).makeOptionMandatory(),
    )
    .addOption(enumOption('--product <product>', 'product', GTT_PRODUCTS).makeOptionMandatory())
    .requiredOption('-q, --qty <n>', 'quantity', positiveInt)
    .requiredOption('--trigger <rupees>', 'trigger price', price)
    .requiredOption('-p, --price <rupees>', 'limit price of the order placed when triggered', price)
    .option('--disclosed-qty <n>', 'disclosed quantity', positiveInt)
    .option('--days <n>', 'validity in days (the venue default when omitted)', positiveInt)
    .option('-y, --yes', 'do not ask for confirmation on the live venue')
    .action(
      async (
        o: {
          symbol: string;
          token?: string;
          exchange?: Exchange;
          side: TransactionType;
          product: ProductType;
          qty: number;
          trigger: string;
          price: string;
          disclosedQty?: number;
          days?: number;
          yes?: boolean;
        },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        if (o.disclosedQty !== undefined && o.disclosedQty > o.qty)
          throw new UsageError('--disclosed-qty cannot exceed --qty');
        const { api, session } = await ctx.client(g);
        const inst = await ctx.instrumentFor(g, o);
        if (!(GTT_EXCHANGES as readonly string[]).includes(inst.exchange))
          throw new UsageError(
            `GTT rules exist on ${GTT_EXCHANGES.join(' and ')} only, not ${inst.exchange}`,
          );
        const req: GttCreateRequest = {
          tradingsymbol: inst.symbol,
          symboltoken: inst.token,
          exchange: inst.exchange,
          transactiontype: o.side,
          producttype: o.product,
          price: o.price,
          qty: o.qty,
          triggerprice: o.trigger,
        };
        if (o.disclosedQty !== undefined) req.disclosedqty = o.disclosedQty;
        if (o.days !== undefined) req.timeperiod = o.days;
        await ctx.confirmWrite(
          session.root,
          o.yes,
          `Create GTT rule: when ${inst.exchange}:${inst.symbol} (token ${inst.token}) trades at ${o.trigger}, ${o.side} ${o.qty} @ ${o.price} ${o.product}${o.days === undefined ? '' : `, valid ${o.days} days`}`,
        );
        const res = await api.gtt.create(req);
        if (g.json) out(renderJson(res));
        else out(`Created GTT rule ${res.id}\n`);
      },
    );

  gtt
    .command('list')
    .description('rules by status (all by default)')
    .option(
      '--status <list>',
      `comma-separated statuses (${Object.values(GttStatus).join(', ')})`,
      (v: string) => {
        const all = Object.values(GttStatus) as string[];
        const list = v.split(',').map((s) => s.trim().toUpperCase());
        const bad = list.filter((s) => !all.includes(s));
        if (bad.length) throw new InvalidArgumentError(`Allowed statuses are ${all.join(', ')}.`);
        return list as GttStatus[];
      },
    )
    .option('--page <n>', 'page number', positiveInt, 1)
    .option('-n, --count <n>', 'rules per page', positiveInt, 50)
    .action(async (o: { status?: GttStatus[]; page: number; count: number }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const rules = await api.gtt.list({
        status: o.status ?? [GttStatus.FORALL],
        page: o.page,
        count: o.count,
      });
      if (g.json) out(renderJson(rules));
      else if (rules.length === 0) out('No GTT rules.\n');
      else
        out(
          renderTable(
            ['Id', 'Status', 'Symbol', 'Side', 'Product', 'Qty', 'Trigger', 'Price', 'Created', 'Expires'],
            rules.map((r) => [
              r.id,
              r.status,
              `${r.exchange}:${r.tradingsymbol}`,
              r.transactiontype,
              r.producttype,
              r.qty,
              r.triggerprice,
              r.price,
              r.createddate,
              r.expirydate,
            ]),
          ),
        );
    });

  gtt
    .command('cancel')
    .description('cancel a rule')
    .argument('<id>', 'rule id', id)
    .option('--token <token>', "the rule's symbol token (default: read from the rule)", id)
    .addOption(
      enumOption(
        '-e, --exchange <exchange>',
        "the rule's exchange (default: read from the rule)",
        GTT_EXCHANGES,
      ),
    )
    .option('-y, --yes', 'do not ask for confirmation on the live venue')
    .action(
      async (ruleId: string, o: { token?: string; exchange?: Exchange; yes?: boolean }, cmd: Command) => {
        const g = ctx.globals(cmd);
        if ((o.token === undefined) !== (o.exchange === undefined))
          throw new UsageError(
            'give both --token and --exchange, or neither (then they are read from the rule)',
          );
        const { api, session } = await ctx.client(g);
        let what = '';
        let token = o.token;
        let exchange = o.exchange;
        if (token === undefined || exchange === undefined) {
          const rule = await api.gtt.details(ruleId);
          token = rule.symboltoken;
          exchange = rule.exchange as Exchange;
          what = `: ${rule.transactiontype} ${rule.qty} ${rule.exchange}:${rule.tradingsymbol} trigger ${rule.triggerprice} @ ${rule.price} (${rule.status})`;
        }
        await ctx.confirmWrite(session.root, o.yes, `Cancel GTT rule ${ruleId}${what}`);
        const res = await api.gtt.cancel({ id: ruleId, symboltoken: token, exchange });
        if (g.json) out(renderJson(res));
        else out(`Cancelled GTT rule ${res.id}\n`);
      },
    );
}
