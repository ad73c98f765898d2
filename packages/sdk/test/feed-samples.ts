// Sample ticks of every mode (prices in rupees) for the feed tests and the benchmark.
import type { Depth20Tick, DepthLevel, LtpTick, QuoteTick, SnapQuoteTick } from '@smartapi-ts/protocol';

const levels = (n: number, base: number, step: number): DepthLevel[] =>
  Array.from({ length: n }, (_, i) => ({
    price: Math.round((base + i * step) * 100) / 100,
    quantity: 100 + i,
    orders: 1 + i,
  }));

export function ltpTick(token = '3045', seq = 123456, price = 568.2): LtpTick {
  return {
    mode: 1,
    exchangeType: 1,
    token,
    sequenceNumber: seq,
    exchangeTimestamp: 1700000000000,
    lastTradedPrice: price,
  };
}

export function quoteTick(token = '3045', seq = 1): QuoteTick {
  return {
    mode: 2,
    exchangeType: 1,
    token,
    sequenceNumber: seq,
    exchangeTimestamp: 1700000000000,
    lastTradedPrice: 568.2,
    lastTradedQuantity: 10,
    averageTradedPrice: 567.83,
    volumeTradedForTheDay: 3556150,
    totalBuyQuantity: 839549,
    totalSellQuantity: 1284767,
    openPrice: 567.4,
    highPrice: 569.35,
    lowPrice: 566.1,
    closePrice: 567.4,
  };
}

export function snapQuoteTick(token = '3045', seq = 1, exchangeType = 1): SnapQuoteTick {
  return {
    ...quoteTick(token, seq),
    mode: 3,
    exchangeType,
    lastTradedTimestamp: 1700000000,
    openInterest: 0,
    bestBids: levels(5, 568.15, -0.05),
    bestAsks: levels(5, 568.2, 0.05),
    upperCircuit: 624.55,
    lowerCircuit: 511.05,
    high52Week: 629.65,
    low52Week: 499.35,
  };
}

export function depth20Tick(token = '3045'): Depth20Tick {
  return {
    mode: 4,
    exchangeType: 1,
    token,
    exchangeTimestamp: 1700000000000,
    packetReceivedTime: 1700000000005,
    bestBids: levels(20, 568.15, -0.05),
    bestAsks: levels(20, 568.2, 0.05),
  };
}
