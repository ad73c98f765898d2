/** Quotes as market-feed ticks (raw wire prices) in each subscription mode. */
import { type DepthLevel, EXCHANGE_TO_EXCHANGE_TYPE, FeedMode, type FeedTick } from '@smartapi-ts/protocol';
import type { BookLevel, Quote } from '../../market/types.js';

/** Raw wire price (paise; 10^-7 rupee for currency) of a paise amount. */
function wirePrice(paise: number, exchangeType: number): number {
  return exchangeType === 13 ? paise * 100_000 : paise;
}

function levels(list: readonly BookLevel[], exchangeType: number): DepthLevel[] {
  return list.map((l) => ({
    price: wirePrice(l.price, exchangeType),
    quantity: l.quantity,
    orders: l.orders,
  }));
}

/**
 * The tick of a quote in a feed mode, prices as raw wire integers (encode with `rawPrices: true`).
 * SnapQuote's `lastTradedTimestamp` is in epoch **seconds** (the venue's unit is undocumented; see
 * docs/paper-broker-market.md); every other timestamp is epoch milliseconds.
 */
export function quoteToTick(
  q: Quote,
  mode: FeedMode,
  depth?: { bids: BookLevel[]; asks: BookLevel[] },
): FeedTick {
  const exchangeType = EXCHANGE_TO_EXCHANGE_TYPE[q.exchange];
  const p = (x: number) => wirePrice(x, exchangeType);
  const head = { exchangeType, token: q.token };
  if (mode === FeedMode.DEPTH_20) {
    const d = depth ?? { bids: q.bids, asks: q.asks };
    return {
      ...head,
      mode,
      exchangeTimestamp: q.timestamp,
      packetReceivedTime: q.timestamp,
      bestBids: levels(d.bids, exchangeType),
      bestAsks: levels(d.asks, exchangeType),
    };
  }
  const ltp = { sequenceNumber: q.sequence, exchangeTimestamp: q.timestamp, lastTradedPrice: p(q.ltp) };
  if (mode === FeedMode.LTP) return { ...head, mode, ...ltp };
  const quote = {
    ...ltp,
    lastTradedQuantity: q.lastTradeQty,
    averageTradedPrice: p(q.avgPrice),
    volumeTradedForTheDay: q.volume,
    totalBuyQuantity: q.totalBuyQty,
    totalSellQuantity: q.totalSellQty,
    openPrice: p(q.open),
    highPrice: p(q.high),
    lowPrice: p(q.low),
    closePrice: p(q.close),
  };
  if (mode === FeedMode.QUOTE) return { ...head, mode, ...quote };
  return {
    ...head,
    mode: FeedMode.SNAP_QUOTE,
    ...quote,
    lastTradedTimestamp: Math.floor(q.lastTradeTime / 1000),
    openInterest: q.openInterest,
    bestBids: levels(q.bids, exchangeType),
    bestAsks: levels(q.asks, exchangeType),
    upperCircuit: p(q.upperCircuit),
    lowerCircuit: p(q.lowerCircuit),
    high52Week: p(q.high52Week),
    low52Week: p(q.low52Week),
  };
}
