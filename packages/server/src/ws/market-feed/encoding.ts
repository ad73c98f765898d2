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

// ───────────────────────────── framed packets ─────────────────────────────
// A packet is encoded once per quote and mode, as a complete WebSocket frame (server frames are not
// masked, so the bytes are the same for every subscriber): fan-out then only shares references, and a
// connection's packets of one market step go to its socket in one write (`fanout.ts`).

/** Length of the frame header of a binary frame of `n` payload bytes (RFC 6455 §5.2; n < 65536). */
function headerLength(n: number): number {
  return n < 126 ? 2 : 4;
}

/** A binary WebSocket frame (FIN, opcode 2, unmasked) holding `payload`. */
export function framePacket(payload: Uint8Array): Buffer {
  const n = payload.byteLength;
  if (n >= 65536) throw new RangeError(`feed packet of ${n} bytes`);
  const h = headerLength(n);
  const frame = Buffer.allocUnsafe(h + n);
  frame[0] = 0x82;
  if (h === 2) frame[1] = n;
  else {
    frame[1] = 126;
    frame.writeUInt16BE(n, 2);
  }
  frame.set(payload, h);
  return frame;
}

/** The payload (the feed packet) of a frame made by {@link framePacket}. */
export function framePayload(frame: Buffer): Buffer {
  return frame.subarray(frame[1] === 126 ? 4 : 2);
}

const TWO_32 = 4294967296;
const LTP_FRAME = 2 + 51;

function putI64(b: Buffer, o: number, v: number): void {
  const hi = Math.floor(v / TWO_32);
  b.writeUInt32LE(v - hi * TWO_32, o);
  b.writeInt32LE(hi, o + 4);
}

/**
 * The LTP-mode frame of a quote, written directly (the hot path of the feed): the same bytes as
 * `framePacket(encodeFeedPacket(quoteToTick(q, FeedMode.LTP), { rawPrices: true }))`. Undefined when a
 * field is outside what the fast path writes (not a safe integer, a token that is not short latin1);
 * the caller then takes the general encoder, which reports the problem.
 */
export function ltpFrame(q: Quote): Buffer | undefined {
  const exchangeType = EXCHANGE_TO_EXCHANGE_TYPE[q.exchange];
  const token = q.token;
  const price = wirePrice(q.ltp, exchangeType);
  if (
    exchangeType === undefined ||
    typeof token !== 'string' ||
    token.length > 25 ||
    !Number.isSafeInteger(q.sequence) ||
    !Number.isSafeInteger(q.timestamp) ||
    !Number.isSafeInteger(price)
  )
    return undefined;
  const b = Buffer.allocUnsafe(LTP_FRAME);
  b[0] = 0x82;
  b[1] = 51;
  b[2] = FeedMode.LTP;
  b[3] = exchangeType;
  for (let i = 0; i < 25; i++) {
    if (i >= token.length) {
      b[4 + i] = 0;
      continue;
    }
    const c = token.charCodeAt(i);
    if (c === 0 || c > 0xff) return undefined;
    b[4 + i] = c;
  }
  putI64(b, 29, q.sequence);
  putI64(b, 37, q.timestamp);
  putI64(b, 45, price);
  return b;
}
