/**
 * `smartapi order place|modify|cancel`: order writes. Against the live venue each one prints what it
 * will do and asks `Proceed? [y/N]` first (`--yes` skips the question).
 */
import {
  Duration,
  Exchange,
  type ModifyOrderRequest,
  type Order,
  OrderType,
  type PlaceOrderRequest,
  ProductType,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';
import type { Command } from 'commander';
import { MAX_ORDERTAG_LENGTH, type SmartApi } from 'smartapi-ts';
import { type CliContext, CliError, UsageError } from '../context.js';
import { enumOption, id, positiveInt, price } from '../flags.js';
import { renderJson } from '../output.js';

const PRICED: readonly OrderType[] = [OrderType.LIMIT, OrderType.STOPLOSS_LIMIT];
const TRIGGERED: readonly OrderType[] = [OrderType.STOPLOSS_LIMIT, OrderType.STOPLOSS_MARKET];
/** Varieties the CLI places (ROBO needs square-off and stop-loss legs the CLI does not take). */
const CLI_VARIETIES = [Variety.NORMAL, Variety.STOPLOSS, Variety.AMO] as const;

/** Flags of `order place`. */
export interface PlaceFlags {
  symbol: string;
  token?: string;
  exchange?: Exchange;
  side: TransactionType;
  type: OrderType;
  product: ProductType;
  qty: number;
  price?: string;
  trigger?: string;
  variety?: Variety;
  duration: Duration;
  tag?: string;
  yes?: boolean;
}

/**
 * Checks the flag combination of `order place` (price only for priced types, trigger only for
 * stop-loss types, the STOPLOSS variety only with them) and fills the default variety. Throws
 * {@link UsageError}.
 */
export function checkPlaceFlags(o: PlaceFlags): Variety {
  if (PRICED.includes(o.type) && o.price === undefined)
    throw new UsageError(`a ${o.type} order needs --price`);
  if (!PRICED.includes(o.type) && o.price !== undefined)
    throw new UsageError(`a ${o.type} order takes no --price (it executes at the market)`);
  if (TRIGGERED.includes(o.type) && o.trigger === undefined)
    throw new UsageError(`a ${o.type} order needs --trigger`);
  if (!TRIGGERED.includes(o.type) && o.trigger !== undefined)
    throw new UsageError(`--trigger is only for STOPLOSS_LIMIT and STOPLOSS_MARKET orders`);
  const variety = o.variety ?? (TRIGGERED.includes(o.type) ? Variety.STOPLOSS : Variety.NORMAL);
  if ((variety === Variety.STOPLOSS) !== TRIGGERED.includes(o.type))
    throw new UsageError(
      variety === Variety.STOPLOSS
        ? `the STOPLOSS variety needs --type STOPLOSS_LIMIT or STOPLOSS_MARKET`
        : `a ${o.type} order needs --variety STOPLOSS`,
    );
  if (o.tag !== undefined && (o.tag.length === 0 || o.tag.length > MAX_ORDERTAG_LENGTH))
    throw new UsageError(`--tag must be 1 to ${MAX_ORDERTAG_LENGTH} characters`);
  return variety;
}

/** One line describing an order (`BUY 1 NSE:SBIN-EQ LIMIT @ 750.5 trigger 750 INTRADAY DAY`). */
function describe(o: {
  transactiontype: string;
  quantity: unknown;
  exchange: string;
  tradingsymbol: string;
  ordertype: string;
  price?: unknown;
  triggerprice?: unknown;
  producttype: string;
  duration: string;
  variety: string;
}): string {
  const at = PRICED.includes(o.ordertype as OrderType) ? ` @ ${o.price}` : '';
  const trig = TRIGGERED.includes(o.ordertype as OrderType) ? ` trigger ${o.triggerprice}` : '';
  return `${o.transactiontype} ${o.quantity} ${o.exchange}:${o.tradingsymbol} ${o.ordertype}${at}${trig} ${o.producttype} ${o.duration} (${o.variety})`;
}

/** Today's order-book row of `orderid`, if any. */
async function findOrder(api: SmartApi, orderid: string): Promise<Order | undefined> {
  return (await api.orders.book()).find((r) => r.orderid === orderid);
}

/** Registers `order place`, `order modify` and `order cancel`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  const order = program
    .command('order')
    .description('place, modify or cancel an order (asks first on the live venue; --yes skips)');

  order
    .command('place')
    .description(
      'place an order, e.g. --symbol NSE:SBIN-EQ --side BUY --type LIMIT --product INTRADAY --qty 1 --price 750.5',
    )
    .requiredOption('-s, --symbol <symbol>', 'trading symbol (SBIN-EQ) or EXCHANGE:SYMBOL')
    .option('--token <token>', 'symbol token (default: looked up in the instrument master)', id)
    .addOption(enumOption('-e, --exchange <exchange>', 'exchange', Object.values(Exchange)))
    .addOption(
      enumOption('--side <side>', 'transaction type', Object.values(TransactionType)).makeOptionMandatory(),
    )
    .addOption(enumOption('--type <type>', 'order type', Object.values(OrderType)).makeOptionMandatory())
    .addOption(enumOption('--product <product>', 'product', Object.values(ProductType)).makeOptionMandatory())
    .requiredOption('-q, --qty <n>', 'quantity (shares, or units of the lot for F&O)', positiveInt)
    .option('-p, --price <rupees>', 'limit price (LIMIT, STOPLOSS_LIMIT)', price)
    .option('--trigger <rupees>', 'trigger price (STOPLOSS_LIMIT, STOPLOSS_MARKET)', price)
    .addOption(
      enumOption(
        '--variety <variety>',
        'variety (default NORMAL; STOPLOSS for stop-loss types)',
        CLI_VARIETIES,
      ),
    )
    .addOption(enumOption('--duration <duration>', 'validity', Object.values(Duration)).default(Duration.DAY))
    .option('--tag <tag>', `order tag (up to ${MAX_ORDERTAG_LENGTH} characters)`)
    .option('-y, --yes', 'do not ask for confirmation on the live venue')
    .action(async (o: PlaceFlags, cmd: Command) => {
      const g = ctx.globals(cmd);
      const variety = checkPlaceFlags(o);
      const { api, session } = await ctx.client(g);
      const inst = await ctx.instrumentFor(g, o);
      const req: PlaceOrderRequest = {
        variety,
        tradingsymbol: inst.symbol,
        symboltoken: inst.token,
        transactiontype: o.side,
        exchange: inst.exchange,
        ordertype: o.type,
        producttype: o.product,
        duration: o.duration,
        quantity: o.qty,
      };
      if (o.price !== undefined) req.price = o.price;
      if (o.trigger !== undefined) req.triggerprice = o.trigger;
      if (o.tag !== undefined) req.ordertag = o.tag;
      await ctx.confirmWrite(
        session.root,
        o.yes,
        `Place ${describe({ ...req, price: o.price, triggerprice: o.trigger })}, token ${inst.token}`,
      );
      const res = await api.orders.place(req);
      if (g.json) out(renderJson(res));
      else out(`Placed order ${res.orderid} (unique id ${res.uniqueorderid})\n`);
    });

  order
    .command('modify')
    .description("change an open order's price, quantity, trigger, type or validity")
    .argument('<orderid>', 'order id', id)
    .option('-q, --qty <n>', 'new quantity', positiveInt)
    .option('-p, --price <rupees>', 'new limit price', price)
    .option('--trigger <rupees>', 'new trigger price', price)
    .addOption(enumOption('--type <type>', 'new order type', Object.values(OrderType)))
    .addOption(enumOption('--duration <duration>', 'new validity', Object.values(Duration)))
    .option('-y, --yes', 'do not ask for confirmation on the live venue')
    .action(
      async (
        orderid: string,
        o: {
          qty?: number;
          price?: string;
          trigger?: string;
          type?: OrderType;
          duration?: Duration;
          yes?: boolean;
        },
        cmd: Command,
      ) => {
        const g = ctx.globals(cmd);
        if (
          o.qty === undefined &&
          o.price === undefined &&
          o.trigger === undefined &&
          o.type === undefined &&
          o.duration === undefined
        )
          throw new UsageError('nothing to change: give --qty, --price, --trigger, --type or --duration');
        const { api, session } = await ctx.client(g);
        const row = await findOrder(api, orderid);
        if (!row) throw new CliError(`order ${orderid} is not in today's order book`);
        const type = o.type ?? (row.ordertype as OrderType);
        if (!PRICED.includes(type) && o.price !== undefined)
          throw new UsageError(`a ${type} order takes no --price`);
        if (!TRIGGERED.includes(type) && o.trigger !== undefined)
          throw new UsageError(`a ${type} order takes no --trigger`);
        const req: ModifyOrderRequest = {
          variety: row.variety as Variety,
          orderid,
          ordertype: type,
          producttype: row.producttype as ProductType,
          duration: o.duration ?? (row.duration as Duration),
          quantity: o.qty ?? row.quantity,
          tradingsymbol: row.tradingsymbol,
          symboltoken: row.symboltoken,
          exchange: row.exchange as Exchange,
        };
        if (PRICED.includes(type)) {
          const p = o.price ?? row.price;
          if (!(Number(p) > 0)) throw new UsageError(`a ${type} order needs --price`);
          req.price = p;
        }
        if (TRIGGERED.includes(type)) {
          const t = o.trigger ?? row.triggerprice;
          if (!(Number(t) > 0)) throw new UsageError(`a ${type} order needs --trigger`);
          req.triggerprice = t;
        }
        await ctx.confirmWrite(
          session.root,
          o.yes,
          `Modify order ${orderid}\n  from ${describe(row)}\n  to   ${describe({ ...row, ...req })}`,
        );
        const res = await api.orders.modify(req);
        if (g.json) out(renderJson(res));
        else out(`Modified order ${res.orderid}\n`);
      },
    );

  order
    .command('cancel')
    .description('cancel an open order')
    .argument('<orderid>', 'order id', id)
    .addOption(
      enumOption(
        '--variety <variety>',
        "the order's variety (default: from the order book)",
        Object.values(Variety),
      ),
    )
    .option('-y, --yes', 'do not ask for confirmation on the live venue')
    .action(async (orderid: string, o: { variety?: Variety; yes?: boolean }, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api, session } = await ctx.client(g);
      const row = await findOrder(api, orderid);
      const variety = o.variety ?? (row?.variety as Variety | undefined) ?? Variety.NORMAL;
      await ctx.confirmWrite(
        session.root,
        o.yes,
        `Cancel order ${orderid}: ${row ? describe(row) : "(not in today's order book)"}`,
      );
      const res = await api.orders.cancel({ orderid, variety });
      if (g.json) out(renderJson(res));
      else out(`Cancelled order ${res.orderid}\n`);
    });
}
