// `node --import tsx scripts/execution-table.ts`: measures what each execution preset does to a few
// standard orders on a synthetic book (SBIN, LTP ₹800.00, five levels of 1,000 shares 5 paise apart on
// each side) and prints the Markdown tables of docs/paper-broker-execution.md. Pure engine, no I/O.
import { istToEpoch } from '@smartapi-ts/protocol';
import { sampleLatency } from '../packages/server/src/engine/execution/latency.js';
import {
  Engine,
  type EngineContext,
  ExecutionFillModel,
  type IdSource,
  type Instrument,
  type MarketView,
  NoFeeModel,
  type PresetName,
  presetSettings,
  type Quote,
} from '../packages/server/src/engine/index.js';

const T0 = istToEpoch(2026, 11, 20, 10, 0, 0);
const SBIN: Instrument = {
  exchange: 'NSE',
  exchangeType: 1,
  token: '3045',
  symbol: 'SBIN-EQ',
  name: 'SBIN',
  instrumentType: '',
  segment: 'EQ',
  lotSize: 1,
  tickSize: 5,
  freezeQty: 1_000_000,
  tradable: true,
  isin: 'INE062A01020',
};

/** Quote sequence numbers: each quote is a new one (the engine counts traded volume between two). */
let sequence = 0;

function quote(ltp: number, volume: number, now: number): Quote {
  const lv = (p: number) => ({ price: p, quantity: 1000, orders: 5 });
  return {
    exchange: 'NSE',
    token: '3045',
    sequence: ++sequence,
    timestamp: now,
    ltp,
    lastTradeQty: 10,
    lastTradeTime: now,
    avgPrice: ltp,
    volume,
    open: ltp,
    high: ltp,
    low: ltp,
    close: ltp,
    openInterest: 0,
    totalBuyQty: 5000,
    totalSellQty: 5000,
    bids: [0, 1, 2, 3, 4].map((i) => lv(ltp - 5 - 5 * i)),
    asks: [0, 1, 2, 3, 4].map((i) => lv(ltp + 5 + 5 * i)),
    upperCircuit: ltp * 1.2,
    lowerCircuit: ltp * 0.8,
    high52Week: ltp,
    low52Week: ltp,
  };
}

class Ids implements IdSource {
  n = 0;
  orderId = () => `261120${String(++this.n).padStart(9, '0')}`;
  uniqueOrderId = () => `00000000-0000-4000-8000-${String(this.n).padStart(12, '0')}`;
  exchangeOrderId = () => String(1e15 + this.n);
  tradeId = () => String(++this.n);
  gttRuleId = () => String(++this.n);
}

function setup(preset: PresetName) {
  let q = quote(80_000, 100_000, T0);
  const market: MarketView = {
    instrument: (e, t) => (e === 'NSE' && t === '3045' ? SBIN : undefined),
    instrumentBySymbol: (e, s) => (e === 'NSE' && s === 'SBIN-EQ' ? SBIN : undefined),
    quote: () => q,
    session: () => 'open',
  };
  const engine = new Engine({
    fillModel: new ExecutionFillModel(presetSettings(preset, 1, T0)),
    feeModel: new NoFeeModel(),
  });
  const ids = new Ids();
  let now = T0;
  const ctx = (): EngineContext => ({ now, ids, market });
  engine.openAccount('A1', 100_000_000_000, ctx());
  return {
    engine,
    place: (body: Record<string, string>) => {
      const r = engine.placeOrder(
        'A1',
        {
          variety: 'NORMAL',
          tradingsymbol: 'SBIN-EQ',
          symboltoken: '3045',
          exchange: 'NSE',
          producttype: 'INTRADAY',
          duration: 'DAY',
          transactiontype: 'BUY',
          ...body,
        },
        ctx(),
      );
      return (r.result as { orderid: string }).orderid;
    },
    cancel: (orderid: string) => engine.cancelOrder('A1', { variety: 'NORMAL', orderid }, ctx()),
    tick: (dt: number, ltp = 80_000, dv = 0) => {
      now += dt;
      q = quote(ltp, q.volume + dv, now);
      engine.onQuote(q, ctx());
    },
    order: (id: string) => engine.order('A1', id)!,
  };
}

const rupees = (p: number) => (p / 100).toFixed(2);
const presets: PresetName[] = ['ideal', 'realistic', 'harsh'];
const rows: string[][] = [];
for (const preset of presets) {
  // 1. A 10× top-of-book MARKET buy (10,000 shares; 5,000 visible): the first fill pass at arrival
  //    (quotes every 5 s, so a pending order arrives at the next one).
  const a = setup(preset);
  const id = a.place({ ordertype: 'MARKET', price: '0', quantity: '10000' });
  if (a.order(id).filledshares === 0) a.tick(5000);
  const o = { ...a.order(id) };
  const avg = o.filledvalue / Math.max(1, o.filledshares);
  // 2. The same order again 1 s later (the book remembers the first; its rest is cancelled first).
  a.cancel(id);
  a.tick(1000);
  const id2 = a.place({ ordertype: 'MARKET', price: '0', quantity: '10000' });
  if (a.order(id2).filledshares === 0) a.tick(5000);
  const o2 = { ...a.order(id2) };
  const avg2 = o2.filledvalue / Math.max(1, o2.filledshares);
  // 3. Entry latency over 1,000 order ids.
  const s = presetSettings(preset, 1, T0);
  const lat = Array.from({ length: 1000 }, (_, i) =>
    sampleLatency(s.latency.entry, 1, `261120${String(i).padStart(9, '0')}`),
  ).sort((x, y) => x - y);
  const ack = Array.from({ length: 1000 }, (_, i) =>
    sampleLatency(s.latency.ack, 1, `ack:261120${String(i).padStart(9, '0')}`),
  ).sort((x, y) => x - y);
  // 4. A passive buy of 100 at the best bid (₹799.95, 1,000 displayed ahead): traded volume there until filled.
  const b = setup(preset);
  const pid = b.place({ ordertype: 'LIMIT', price: '799.95', quantity: '100' });
  b.tick(5000); // arrival
  let traded = 0;
  while (b.order(pid).filledshares < 100 && traded < 5000) {
    b.tick(1000, 79_995, 100);
    traded += 100;
  }
  rows.push([
    preset,
    `${rupees(avg)} (${o.filledshares.toLocaleString('en-IN')} filled)`,
    `${(((avg - 80_005) / 80_005) * 10_000).toFixed(1)}`,
    `${rupees(avg2)} (${o2.filledshares.toLocaleString('en-IN')} filled)`,
    `${lat[499]} / ${lat[989]}`,
    `${ack[499]} / ${ack[989]}`,
    b.order(pid).filledshares < 100
      ? 'never at its price (needs a trade through it)'
      : traded.toLocaleString('en-IN'),
  ]);
}
console.log(
  '| preset | 10× top MARKET buy: average (filled at arrival) | slippage vs best ask (bp) | the same again, placed 1 s later (book not yet refilled) | entry latency p50 / p99 (ms) | acknowledgement latency p50 / p99 (ms) | volume traded at the bid until a 100-share bid there fills |',
);
console.log('|---|---|---|---|---|---|---|');
for (const r of rows) console.log(`| ${r.join(' | ')} |`);
