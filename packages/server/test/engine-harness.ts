/**
 * Test harness for the pure engine: a tiny fake MarketView with settable quotes and sessions, a
 * deterministic IdSource, an event log and an event → row store that mimics the infrastructure's
 * persistence (used by the replay tests).
 */

import type { Exchange } from '@smartapi-ts/protocol';
import { istToEpoch } from '@smartapi-ts/protocol';
import type {
  EngineConfig,
  EngineContext,
  EngineEvent,
  EngineRows,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  IdSource,
  Instrument,
  MarketView,
  OrderRecord,
  PositionRecord,
  Quote,
  TradeRecord,
} from '../src/engine/index.js';
import { Engine, holdingKey, positionKey } from '../src/engine/index.js';
import type { SessionState } from '../src/market/types.js';

/** 2026-11-20 10:00 IST (a Friday). */
export const T0 = istToEpoch(2026, 11, 20, 10, 0, 0);
const EXPIRY = istToEpoch(2026, 11, 26);

function inst(
  p: Partial<Instrument> & Pick<Instrument, 'exchange' | 'token' | 'symbol' | 'name'>,
): Instrument {
  return {
    exchangeType: p.exchange === 'NFO' ? 2 : p.exchange === 'BSE' ? 3 : p.exchange === 'MCX' ? 5 : 1,
    instrumentType: '',
    segment: 'EQ',
    lotSize: 1,
    tickSize: 5,
    freezeQty: Number.POSITIVE_INFINITY,
    tradable: true,
    ...p,
  };
}

/** The instruments of the fake market. */
export const INSTRUMENTS: Instrument[] = [
  inst({
    exchange: 'NSE',
    token: '3045',
    symbol: 'SBIN-EQ',
    name: 'SBIN',
    isin: 'INE062A01020',
    freezeQty: 100_000,
  }),
  inst({ exchange: 'NSE', token: '2885', symbol: 'RELIANCE-EQ', name: 'RELIANCE', isin: 'INE002A01018' }),
  inst({ exchange: 'BSE', token: '500112', symbol: 'SBIN', name: 'SBIN', isin: 'INE062A01020' }),
  inst({
    exchange: 'NSE',
    token: '26000',
    symbol: 'Nifty 50',
    name: 'NIFTY',
    instrumentType: 'AMXIDX',
    segment: 'IDX',
    tickSize: 0,
    tradable: false,
  }),
  inst({
    exchange: 'NFO',
    token: '35006',
    symbol: 'NIFTY26NOV26FUT',
    name: 'NIFTY',
    instrumentType: 'FUTIDX',
    segment: 'FO',
    lotSize: 75,
    tickSize: 10,
    freezeQty: 1800,
    expiry: EXPIRY,
    underlyingToken: '26000',
  }),
  inst({
    exchange: 'NFO',
    token: '35003',
    symbol: 'NIFTY26NOV2624000CE',
    name: 'NIFTY',
    instrumentType: 'OPTIDX',
    segment: 'FO',
    lotSize: 75,
    tickSize: 5,
    freezeQty: 1800,
    expiry: EXPIRY,
    strike: 2_400_000,
    optionType: 'CE',
    underlyingToken: '26000',
  }),
  inst({
    exchange: 'NFO',
    token: '40001',
    symbol: 'NIFTY30OCT2624000CE',
    name: 'NIFTY',
    instrumentType: 'OPTIDX',
    segment: 'FO',
    lotSize: 75,
    tickSize: 5,
    freezeQty: 1800,
    expiry: istToEpoch(2026, 10, 30),
    strike: 2_400_000,
    optionType: 'CE',
  }),
  inst({
    exchange: 'MCX',
    token: '444',
    symbol: 'CRUDEOIL26DECFUT',
    name: 'CRUDEOIL',
    instrumentType: 'FUTCOM',
    segment: 'COM',
    lotSize: 100,
    tickSize: 100,
    expiry: istToEpoch(2026, 12, 18),
  }),
];

/** Options of {@link FakeMarket.setQuote}: prices in paise; depth levels each `depthQty` units, `step` apart. */
export interface QuoteInput {
  ltp: number;
  bid?: number;
  ask?: number;
  step?: number;
  depthQty?: number;
  close?: number;
  upper?: number;
  lower?: number;
}

/** A fake market: instruments above, settable quotes and sessions. */
export class FakeMarket implements MarketView {
  readonly quotes = new Map<string, Quote>();
  readonly sessions = new Map<string, SessionState>();
  private seq = 0;

  instrument(exchange: Exchange, token: string): Instrument | undefined {
    return INSTRUMENTS.find((i) => i.exchange === exchange && i.token === token);
  }
  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return INSTRUMENTS.find((i) => i.exchange === exchange && i.symbol === symbol);
  }
  quote(exchange: Exchange, token: string): Quote | undefined {
    return this.quotes.get(`${exchange}:${token}`);
  }
  session(exchange: Exchange): SessionState {
    return this.sessions.get(exchange) ?? 'open';
  }

  setSession(state: SessionState, ...exchanges: Exchange[]): void {
    for (const e of exchanges.length ? exchanges : (['NSE', 'BSE', 'NFO', 'MCX'] as Exchange[]))
      this.sessions.set(e, state);
  }

  setQuote(exchange: Exchange, token: string, q: QuoteInput, now = T0): Quote {
    const inst = this.instrument(exchange, token);
    const step = q.step ?? Math.max(5, inst?.tickSize ?? 5);
    const bid = q.bid ?? q.ltp - step;
    const ask = q.ask ?? q.ltp + step;
    const depthQty = q.depthQty ?? 1000;
    const level = (price: number) => ({
      price,
      quantity: price > 0 ? depthQty : 0,
      orders: price > 0 ? 1 : 0,
    });
    const quote: Quote = {
      exchange,
      token,
      sequence: ++this.seq,
      timestamp: now,
      ltp: q.ltp,
      lastTradeQty: 1,
      lastTradeTime: now,
      avgPrice: q.ltp,
      volume: 1000,
      open: q.ltp,
      high: q.ltp,
      low: q.ltp,
      close: q.close ?? q.ltp,
      openInterest: 0,
      totalBuyQty: depthQty * 5,
      totalSellQty: depthQty * 5,
      bids: [0, 1, 2, 3, 4].map((i) => level(bid - i * step)),
      asks: [0, 1, 2, 3, 4].map((i) => level(ask + i * step)),
      upperCircuit: q.upper ?? Math.round(q.ltp * 1.2),
      lowerCircuit: q.lower ?? Math.round(q.ltp * 0.8),
      high52Week: q.ltp,
      low52Week: q.ltp,
    };
    this.quotes.set(`${exchange}:${token}`, quote);
    return quote;
  }
}

/** Deterministic ids in the venue's formats. */
export class CounterIds implements IdSource {
  private n = 0;
  private t = 0;
  private g = 0;
  private x = 0;
  private u = 0;
  orderId(): string {
    return `261120${String(++this.n).padStart(9, '0')}`;
  }
  uniqueOrderId(): string {
    const h = (++this.u).toString(16).padStart(12, '0');
    return `00000000-0000-4000-8000-${h}`;
  }
  exchangeOrderId(): string {
    return `11${String(++this.x).padStart(14, '0')}`;
  }
  tradeId(): string {
    return String(++this.t).padStart(8, '0');
  }
  gttRuleId(): string {
    return String(1_000_000 + ++this.g);
  }
}

/** Engine + fake market + ids + event log. */
export class Harness {
  readonly market = new FakeMarket();
  readonly ids = new CounterIds();
  readonly engine: Engine;
  readonly log: EngineEvent[] = [];
  now = T0;

  constructor(config: EngineConfig = {}, funds = 1_000_000_000) {
    this.engine = new Engine(config);
    this.market.setQuote('NSE', '3045', { ltp: 80_000 });
    this.market.setQuote('NSE', '2885', { ltp: 125_000 });
    this.market.setQuote('BSE', '500112', { ltp: 80_000 });
    this.market.setQuote('NFO', '35006', { ltp: 2_400_000, step: 50 });
    this.market.setQuote('NFO', '35003', { ltp: 10_000 });
    this.market.setQuote('MCX', '444', { ltp: 600_000, step: 100 });
    this.record(this.engine.openAccount('A1', funds, this.ctx()).events);
  }

  ctx(): EngineContext {
    return { now: this.now, ids: this.ids, market: this.market };
  }

  record(events: EngineEvent[]): EngineEvent[] {
    this.log.push(...events);
    return events;
  }

  /** Runs a command and logs its events. */
  run<T>(fn: (e: Engine, ctx: EngineContext) => { result: T; events: EngineEvent[] }): {
    result: T;
    events: EngineEvent[];
  } {
    const r = fn(this.engine, this.ctx());
    this.record(r.events);
    return r;
  }

  place(body: Record<string, unknown>, client = 'A1') {
    return this.run((e, c) => e.placeOrder(client, body, c));
  }

  /** Sets a quote and feeds it to the engine. */
  tick(exchange: Exchange, token: string, q: QuoteInput) {
    const quote = this.market.setQuote(exchange, token, q, this.now);
    const r = this.engine.onQuote(quote, this.ctx());
    this.record(r.events);
    return r;
  }

  order(orderid: string, client = 'A1'): OrderRecord {
    const o = this.engine.order(client, orderid);
    if (!o) throw new Error(`no order ${orderid}`);
    return o;
  }
}

/** A placeOrder body for SBIN-EQ with overrides. */
export function sbin(over: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: '800',
    quantity: '10',
    ...over,
  };
}

/** Applies events to a row store as the infrastructure would (upserts by primary key; `reset` deletes). */
export function rowsFromEvents(events: readonly EngineEvent[]): EngineRows {
  const orders = new Map<string, OrderRecord>();
  const trades = new Map<string, TradeRecord>();
  const positions = new Map<string, PositionRecord>();
  const holdings = new Map<string, HoldingRecord>();
  const funds = new Map<string, FundsRecord>();
  const gttRules = new Map<string, GttRuleRecord>();
  const json = <T>(x: T): T => JSON.parse(JSON.stringify(x)) as T;
  for (const e of events) {
    switch (e.type) {
      case 'order':
        orders.set(e.order.orderid, json(e.order));
        break;
      case 'trade':
        trades.set(e.trade.fillid, json(e.trade));
        break;
      case 'position':
        positions.set(positionKey(e.position), json(e.position));
        break;
      case 'holding':
        holdings.set(holdingKey(e.holding), json(e.holding));
        break;
      case 'funds':
        funds.set(e.funds.clientcode, json(e.funds));
        break;
      case 'gtt':
        gttRules.set(e.rule.id, json(e.rule));
        break;
      case 'reset':
        for (const m of [orders, trades, positions, holdings, gttRules] as Map<
          string,
          { clientcode: string }
        >[]) {
          for (const [k, v] of m) if (v.clientcode === e.clientcode) m.delete(k);
        }
        break;
    }
  }
  return {
    orders: [...orders.values()],
    trades: [...trades.values()],
    positions: [...positions.values()],
    holdings: [...holdings.values()],
    funds: [...funds.values()],
    gttRules: [...gttRules.values()],
  };
}
