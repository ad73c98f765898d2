/**
 * Quotes from recorded feed ticks (tick files of `smartapi record`): each tick updates the fields its
 * mode carries (LTP: the price; Quote: prices, volume, totals; SnapQuote: also best five, circuits,
 * OI; Depth-20: the book), the others keep their last value. Prices arrive as raw wire integers.
 */
import { FeedMode, type FeedTick, feedPriceDivisor } from '@smartapi-ts/protocol';
import type { BookLevel, Candle, Quote } from '../../types.js';
import type { TickEvent } from './files.js';

const EMPTY: BookLevel = Object.freeze({ price: 0, quantity: 0, orders: 0 }) as BookLevel;

function blank(e: TickEvent): Quote {
  const empty = [EMPTY, EMPTY, EMPTY, EMPTY, EMPTY];
  return {
    exchange: e.exchange,
    token: e.tick.token,
    sequence: 0,
    timestamp: e.at,
    ltp: 0,
    lastTradeQty: 0,
    lastTradeTime: 0,
    avgPrice: 0,
    volume: 0,
    open: 0,
    high: 0,
    low: 0,
    close: 0,
    openInterest: 0,
    totalBuyQty: 0,
    totalSellQty: 0,
    bids: empty,
    asks: empty,
    upperCircuit: 0,
    lowerCircuit: 0,
    high52Week: 0,
    low52Week: 0,
  };
}

/** The quote after applying tick `e` to `prev` (a new object; `prev` is not changed). */
export function applyTick(
  prev: Quote | undefined,
  e: TickEvent,
): { quote: Quote; depth20?: { bids: BookLevel[]; asks: BookLevel[] } } {
  const t: FeedTick = e.tick;
  const div = feedPriceDivisor(t.exchangeType);
  const p = (raw: number) => (div === 100 ? raw : (raw * 100) / div);
  const lv = (l: { price: number; quantity: number; orders: number }): BookLevel =>
    l.quantity === 0 && l.price === 0 ? EMPTY : { price: p(l.price), quantity: l.quantity, orders: l.orders };
  const q: Quote = { ...(prev ?? blank(e)), timestamp: t.exchangeTimestamp > 0 ? t.exchangeTimestamp : e.at };
  if (t.mode === FeedMode.DEPTH_20) {
    const bids = t.bestBids.map(lv);
    const asks = t.bestAsks.map(lv);
    q.bids = bids.slice(0, 5);
    q.asks = asks.slice(0, 5);
    return { quote: q, depth20: { bids, asks } };
  }
  q.sequence = t.sequenceNumber;
  q.ltp = p(t.lastTradedPrice);
  if (t.mode === FeedMode.QUOTE || t.mode === FeedMode.SNAP_QUOTE) {
    q.lastTradeQty = t.lastTradedQuantity;
    q.avgPrice = p(t.averageTradedPrice);
    q.volume = t.volumeTradedForTheDay;
    q.totalBuyQty = t.totalBuyQuantity;
    q.totalSellQty = t.totalSellQuantity;
    q.open = p(t.openPrice);
    q.high = p(t.highPrice);
    q.low = p(t.lowPrice);
    q.close = p(t.closePrice);
  }
  if (t.mode === FeedMode.SNAP_QUOTE) {
    q.lastTradeTime = t.lastTradedTimestamp * 1000;
    q.openInterest = t.openInterest;
    q.bids = t.bestBids.map(lv);
    q.asks = t.bestAsks.map(lv);
    q.upperCircuit = p(t.upperCircuit);
    q.lowerCircuit = p(t.lowerCircuit);
    q.high52Week = p(t.high52Week);
    q.low52Week = p(t.low52Week);
  }
  return { quote: q };
}

/** 1-minute bars of one instrument's applied ticks (volume from the day volume's increments). */
export function tickBars(quotes: readonly Quote[]): Candle[] {
  const out: Candle[] = [];
  let cur: Candle | undefined;
  let lastVol = 0;
  for (const q of quotes) {
    if (q.ltp <= 0) continue;
    const m = Math.floor(q.timestamp / 60_000) * 60_000;
    const dv = q.volume >= lastVol ? q.volume - lastVol : q.volume;
    lastVol = q.volume;
    if (cur && cur.time === m) {
      if (q.ltp > cur.high) cur.high = q.ltp;
      if (q.ltp < cur.low) cur.low = q.ltp;
      cur.close = q.ltp;
      cur.volume += dv;
      cur.oi = q.openInterest;
    } else {
      cur = { time: m, open: q.ltp, high: q.ltp, low: q.ltp, close: q.ltp, volume: dv, oi: q.openInterest };
      out.push(cur);
    }
  }
  return out;
}
