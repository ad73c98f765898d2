/**
 * A tiny moving-average crossover bot: a realistic skeleton, not a strategy to trade.
 *
 * - LTP ticks of SBIN-EQ from `MarketFeed`; a fast and a slow simple moving average of the ticks.
 * - Fast crosses above slow → BUY, below → SELL: MARKET, INTRADAY, `--qty` shares, never beyond
 *   ±`--max-position` shares. One order in flight at a time; signals while busy are skipped.
 * - Typed errors decide what happens: a rejected order or a rate limit is logged and the bot goes on;
 *   an unknown outcome (lost answer) is settled from the order book; a dead session stops the bot.
 * - After `--ticks` ticks (or Ctrl-C) it squares off the position and exits.
 *
 *   node --conditions=source --import tsx examples/ma-crossover-bot.ts --ticks 300 --fast 5 --slow 20
 */
import {
  AuthenticationError,
  ConnectionError,
  type FeedTick,
  MarketFeed,
  OrderRejectedError,
  RateLimitError,
  type SmartApi,
  UnknownOutcomeError,
} from 'smartapi-ts';
import { connect, numberArg, settings } from './connect.js';

const maxTicks = Math.floor(numberArg('ticks', 'BOT_TICKS', 300));
const fastLen = Math.floor(numberArg('fast', 'BOT_FAST', 5));
const slowLen = Math.floor(numberArg('slow', 'BOT_SLOW', 20));
const qty = Math.floor(numberArg('qty', 'BOT_QTY', 1));
const maxPosition = Math.floor(numberArg('max-position', 'BOT_MAX_POSITION', 2));
if (fastLen >= slowLen) throw new Error('--fast must be shorter than --slow');

const SBIN = { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' } as const;

/** Rolling simple moving average over the last `len` values. */
class Sma {
  readonly #buf: number[] = [];
  #sum = 0;
  constructor(readonly len: number) {}
  push(x: number): number | undefined {
    this.#buf.push(x);
    this.#sum += x;
    if (this.#buf.length > this.len) this.#sum -= this.#buf.shift() ?? 0;
    return this.#buf.length === this.len ? this.#sum / this.len : undefined;
  }
}

/** Net INTRADAY quantity of SBIN-EQ according to the broker. */
async function brokerPosition(api: SmartApi): Promise<number> {
  const rows = await api.portfolio.positions();
  const row = rows.find((p) => p.symboltoken === SBIN.symboltoken && p.producttype === 'INTRADAY');
  return row ? Number(row.netqty) : 0;
}

const { api } = await connect(settings());
const feed = MarketFeed.fromClient(api); // URL derived from the client's root
feed.on('error', (err) => console.warn(`feed: ${err.name} ${err.message}`));

let position = await brokerPosition(api); // start from what the account already holds
let busy = false;
let stopReason = `${maxTicks} ticks`;
let ordersPlaced = 0;
const ac = new AbortController();
process.once('SIGINT', () => {
  stopReason = 'SIGINT';
  ac.abort();
});

/** Places one MARKET order; returns true when the broker has it. Never throws except on a dead session. */
async function trade(side: 'BUY' | 'SELL', quantity: number, why: string): Promise<boolean> {
  try {
    const { orderid } = await api.orders.place({
      ...SBIN,
      variety: 'NORMAL',
      transactiontype: side,
      ordertype: 'MARKET',
      producttype: 'INTRADAY',
      duration: 'DAY',
      quantity,
    });
    ordersPlaced++;
    position += side === 'BUY' ? quantity : -quantity;
    console.log(`${side} ${quantity} (${why}) → order ${orderid}; position ${position}`);
    return true;
  } catch (e) {
    if (e instanceof OrderRejectedError) {
      console.warn(`order rejected (${e.code}): ${e.message}`); // e.g. funds, circuit, market closed
    } else if (e instanceof RateLimitError) {
      console.warn(`rate limited, skipping this signal (retry after ${e.retryAfter ?? '?'} s)`);
    } else if (e instanceof UnknownOutcomeError) {
      // The answer was lost: the SDK searched the order book by the order's tag. Trust the book.
      console.warn(`unknown outcome: ${e.message}`);
      if (e.reconciliation.outcome !== 'absent') position = await brokerPosition(api);
    } else if (e instanceof AuthenticationError) {
      throw e; // refresh and re-login already failed: nothing sensible left to do
    } else if (e instanceof ConnectionError) {
      console.warn(`network trouble: ${e.message}`);
    } else {
      throw e;
    }
    return false;
  }
}

const fast = new Sma(fastLen);
const slow = new Sma(slowLen);
let prevDiff: number | undefined;
let ticks = 0;

function onTick(tick: FeedTick): 'BUY' | 'SELL' | undefined {
  if (tick.mode === 4) return undefined; // depth packets carry no LTP
  const f = fast.push(tick.lastTradedPrice);
  const sl = slow.push(tick.lastTradedPrice);
  if (f === undefined || sl === undefined) return undefined;
  const diff = f - sl;
  const prev = prevDiff;
  prevDiff = diff;
  if (prev === undefined) return undefined;
  if (prev <= 0 && diff > 0) return 'BUY';
  if (prev >= 0 && diff < 0) return 'SELL';
  return undefined;
}

try {
  feed.subscribe('ltp', [{ exchange: 'NSE', token: SBIN.symboltoken }]);
  await feed.connect();
  console.log(
    `bot running: SMA ${fastLen}/${slowLen} on SBIN-EQ, qty ${qty}, max position ±${maxPosition}, position ${position}`,
  );
  for await (const tick of feed.ticks({ signal: ac.signal, bufferSize: 64 })) {
    ticks++;
    const signal = onTick(tick);
    if (signal && !busy && tick.mode !== 4) {
      const next = position + (signal === 'BUY' ? qty : -qty);
      if (Math.abs(next) <= maxPosition) {
        // Awaiting keeps one order in flight; meanwhile the feed buffers (and coalesces) ticks.
        busy = true;
        await trade(signal, qty, `SMA cross at ${tick.lastTradedPrice}`).finally(() => {
          busy = false;
        });
      }
    }
    if (ticks >= maxTicks) break;
  }
} catch (e) {
  stopReason = `error: ${e instanceof Error ? `${e.name} ${e.message}` : String(e)}`;
  process.exitCode = 1;
} finally {
  await feed.close();
  // Square off what the bot holds (the broker's view, in case an answer was lost).
  try {
    position = await brokerPosition(api);
    if (position !== 0) await trade(position > 0 ? 'SELL' : 'BUY', Math.abs(position), 'square off');
  } catch (e) {
    console.error(`square-off failed: ${e instanceof Error ? e.message : String(e)}`);
    process.exitCode = 1;
  }
  await api.logout().catch(() => {});
  api.close();
}
console.log(
  `bot stopped (${stopReason}) after ${ticks} ticks, ${ordersPlaced} orders, final position ${position}`,
);
