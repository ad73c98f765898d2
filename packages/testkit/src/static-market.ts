/**
 * A tiny, fully manual {@link Market}: a handful of real instruments whose quotes only change when a
 * test calls {@link StaticMarket.setPrice}, and whose clock only moves on {@link StaticMarket.advance}.
 * For deterministic tests of the HTTP layer, durability and the order feed; the product uses the
 * simulated market of `@smartapi-ts/paper`.
 */

import type { BookLevel, Candle, Instrument, Market, Quote, SessionState } from '@smartapi-ts/paper';
import type { Exchange, ExchangeType, ScripMasterRow } from '@smartapi-ts/protocol';

/** Options of {@link StaticMarket}. */
export interface StaticMarketOptions {
  /** Market time (epoch ms). @default 10:00 IST of today */
  now?: number;
  /** Session state reported for every exchange. @default 'open' */
  session?: SessionState;
}

interface Seed {
  exchange: Exchange;
  exchangeType: ExchangeType;
  token: string;
  symbol: string;
  name: string;
  instrumentType: string;
  segment: Instrument['segment'];
  lotSize: number;
  tickSize: number;
  price: number;
  isin?: string;
  expiry?: number;
  strike?: number;
  optionType?: 'CE' | 'PE';
  underlyingToken?: string;
  tradable?: boolean;
}

const SEEDS: readonly Seed[] = [
  {
    exchange: 'NSE',
    exchangeType: 1,
    token: '3045',
    symbol: 'SBIN-EQ',
    name: 'SBIN',
    instrumentType: '',
    segment: 'EQ',
    lotSize: 1,
    tickSize: 5,
    price: 80_000,
    isin: 'INE062A01020',
  },
  {
    exchange: 'NSE',
    exchangeType: 1,
    token: '2885',
    symbol: 'RELIANCE-EQ',
    name: 'RELIANCE',
    instrumentType: '',
    segment: 'EQ',
    lotSize: 1,
    tickSize: 10,
    price: 290_000,
    isin: 'INE002A01018',
  },
  {
    exchange: 'NSE',
    exchangeType: 1,
    token: '1594',
    symbol: 'INFY-EQ',
    name: 'INFY',
    instrumentType: '',
    segment: 'EQ',
    lotSize: 1,
    tickSize: 5,
    price: 180_000,
    isin: 'INE009A01021',
  },
  {
    exchange: 'BSE',
    exchangeType: 3,
    token: '500112',
    symbol: 'SBIN',
    name: 'SBIN',
    instrumentType: '',
    segment: 'EQ',
    lotSize: 1,
    tickSize: 5,
    price: 80_010,
    isin: 'INE062A01020',
  },
  {
    exchange: 'NSE',
    exchangeType: 1,
    token: '99926000',
    symbol: 'Nifty 50',
    name: 'NIFTY',
    instrumentType: 'AMXIDX',
    segment: 'IDX',
    lotSize: 1,
    tickSize: 0,
    price: 2_400_000,
    tradable: false,
  },
];

function depth(price: number, tick: number, side: 1 | -1): BookLevel[] {
  const step = Math.max(tick, 5);
  return [0, 1, 2, 3, 4].map((i) => ({
    price: price + side * step * (i + 1),
    quantity: 100 * (i + 1),
    orders: i + 1,
  }));
}

/** A manual market for tests. */
export class StaticMarket implements Market {
  private time: number;
  private sessionState: SessionState;
  private readonly list: Instrument[];
  private readonly byKey = new Map<string, Instrument>();
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly quotes = new Map<string, Quote>();
  private readonly listeners = new Set<(q: Quote) => void>();

  constructor(opts: StaticMarketOptions = {}) {
    const dayMs = 86_400_000;
    const ist = 330 * 60_000;
    this.time = opts.now ?? Math.floor((Date.now() + ist) / dayMs) * dayMs - ist + 10 * 3_600_000;
    this.sessionState = opts.session ?? 'open';
    this.list = SEEDS.map((s) => {
      const inst: Instrument = {
        exchange: s.exchange,
        exchangeType: s.exchangeType,
        token: s.token,
        symbol: s.symbol,
        name: s.name,
        instrumentType: s.instrumentType,
        segment: s.segment,
        lotSize: s.lotSize,
        tickSize: s.tickSize,
        freezeQty: Number.POSITIVE_INFINITY,
        tradable: s.tradable ?? true,
        ...(s.isin !== undefined ? { isin: s.isin } : {}),
        ...(s.expiry !== undefined ? { expiry: s.expiry } : {}),
        ...(s.strike !== undefined ? { strike: s.strike } : {}),
        ...(s.optionType !== undefined ? { optionType: s.optionType } : {}),
        ...(s.underlyingToken !== undefined ? { underlyingToken: s.underlyingToken } : {}),
      };
      this.byKey.set(`${s.exchange}:${s.token}`, inst);
      this.bySymbol.set(`${s.exchange}:${s.symbol}`, inst);
      this.quotes.set(`${s.exchange}:${s.token}`, this.makeQuote(inst, s.price, 0));
      return inst;
    });
  }

  private makeQuote(inst: Instrument, ltp: number, sequence: number): Quote {
    const tick = inst.tickSize;
    return {
      exchange: inst.exchange,
      token: inst.token,
      sequence,
      timestamp: this.time,
      ltp,
      lastTradeQty: 1,
      lastTradeTime: this.time,
      avgPrice: ltp,
      volume: 1000,
      open: ltp,
      high: ltp,
      low: ltp,
      close: ltp,
      openInterest: 0,
      totalBuyQty: 1500,
      totalSellQty: 1500,
      bids: inst.tradable ? depth(ltp, tick, -1) : [],
      asks: inst.tradable ? depth(ltp, tick, 1) : [],
      upperCircuit: Math.round(ltp * 1.2),
      lowerCircuit: Math.round(ltp * 0.8),
      high52Week: Math.round(ltp * 1.3),
      low52Week: Math.round(ltp * 0.7),
    };
  }

  now(): number {
    return this.time;
  }

  /** Moves the clock forward by `ms`. */
  advance(ms: number): void {
    this.time += ms;
  }

  instruments(): readonly Instrument[] {
    return this.list;
  }

  instrument(exchange: Exchange, token: string): Instrument | undefined {
    return this.byKey.get(`${exchange}:${token}`);
  }

  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return this.bySymbol.get(`${exchange}:${symbol}`);
  }

  scripMaster(): readonly ScripMasterRow[] {
    return this.list.map((i) => ({
      token: i.token,
      symbol: i.symbol,
      name: i.name,
      expiry: '',
      strike: '-1.000000',
      lotsize: String(i.lotSize),
      instrumenttype: i.instrumentType,
      exch_seg: i.exchange === 'NSE' ? 'NSE' : i.exchange === 'BSE' ? 'BSE' : i.exchange,
      tick_size: `${i.tickSize}.000000`,
    }));
  }

  quote(exchange: Exchange, token: string): Quote | undefined {
    return this.quotes.get(`${exchange}:${token}`);
  }

  session(_exchange: Exchange, _at?: number): SessionState {
    return this.sessionState;
  }

  /** Sets the session state every exchange reports from now on (e.g. `closed` to test AMO). */
  setSession(state: SessionState): void {
    this.sessionState = state;
  }

  candles(): Candle[] {
    return [];
  }

  onQuote(listener: (quote: Quote) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  /**
   * Sets the last traded price (paise) of an instrument; the best-5 book is rebuilt around it and
   * every `onQuote` listener is called synchronously.
   */
  setPrice(exchange: Exchange, token: string, ltp: number): Quote {
    const inst = this.instrument(exchange, token);
    const prev = this.quote(exchange, token);
    if (!inst || !prev) throw new RangeError(`unknown instrument ${exchange}:${token}`);
    const q = { ...this.makeQuote(inst, ltp, prev.sequence + 1), open: prev.open, close: prev.close };
    q.high = Math.max(prev.high, ltp);
    q.low = Math.min(prev.low, ltp);
    q.volume = prev.volume + 1;
    this.quotes.set(`${exchange}:${token}`, q);
    for (const l of [...this.listeners]) l(q);
    return q;
  }

  start(): void {}

  stop(): void {}
}
