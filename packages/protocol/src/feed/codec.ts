/**
 * Encoder and decoder of the WebSocket 2.0 binary tick packets (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20, #feed-errors, #price-scaling).
 *
 * Portable: plain `Uint8Array` / `DataView`, no `Buffer`, no `node:` imports, no dependencies.
 *
 * 64-bit integers are read as two 32-bit halves and combined in one floating-point addition, which
 * gives the same value as `Number(view.getBigInt64(…))`: exact up to ±2^53, correctly rounded beyond
 * (INT64_MAX decodes as 2^63). On encode, 2^63 is written back as INT64_MAX so decoded extremes
 * round-trip byte for byte.
 */
import { FeedDecodeError, FeedEncodeError } from './errors.js';
import {
  CURRENCY_EXCHANGE_TYPE,
  type DecodeOptions,
  type Depth20Tick,
  type DepthLevel,
  type EncodeOptions,
  FeedMode,
  type FeedTick,
  type LtpTick,
  PACKET_SIZE,
  type QuoteTick,
  type SnapQuoteTick,
} from './types.js';

const TWO_32 = 4294967296;
const TWO_63 = 2 ** 63;
const TOKEN_OFFSET = 2;
const TOKEN_SIZE = 25;
const TOKEN_END = TOKEN_OFFSET + TOKEN_SIZE;
const BEST_FIVE_OFFSET = 147;
const BEST_FIVE_ENTRY = 20;
const BEST_FIVE_LEVELS = 5;
const DEPTH_OFFSET = 43;
const DEPTH_ENTRY = 10;
const DEPTH_LEVELS = 20;

/**
 * Divisor that turns a wire price of the given exchange into rupees: 10^7 for currency
 * (exchangeType 13, cde_fo), 100 (paise) otherwise (docs/protocol/websocket.md#price-scaling).
 *
 * @param exchangeType - the packet's exchange type byte
 * @returns 100 or 10_000_000
 */
export function feedPriceDivisor(exchangeType: number): 100 | 10_000_000 {
  return exchangeType === CURRENCY_EXCHANGE_TYPE ? 10_000_000 : 100;
}

// ---------------------------------------------------------------------------------------------
// Decode

// Each frame is first copied (one memcpy) into a module-level scratch buffer with a long-lived
// DataView: allocating a DataView per frame costs more than a whole LTP decode, and byte-by-byte
// reads of 30 int64 fields exceed the optimiser's inlining budget. Decoding is synchronous, so the
// scratch buffer is never shared between two calls in flight.

const SCRATCH = new Uint8Array(512);
const VIEW = new DataView(SCRATCH.buffer);

/**
 * Signed little-endian int64 at `o` of the scratch buffer → number: high half (signed) × 2^32 + low
 * half (unsigned), one rounding, so the result equals `Number(getBigInt64())`: exact to ±2^53,
 * nearest double beyond.
 */
function i64(o: number): number {
  return VIEW.getInt32(o + 4, true) * TWO_32 + VIEW.getUint32(o, true);
}

/** Token bytes up to the first NUL (or all 25), one latin1 character per byte. */
function readToken(b: Uint8Array): string {
  let end = TOKEN_OFFSET;
  while (end < TOKEN_END && b[end] !== 0) end++;
  const c = TOKEN_OFFSET;
  switch (end - c) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[c]!);
    case 2:
      return String.fromCharCode(b[c]!, b[c + 1]!);
    case 3:
      return String.fromCharCode(b[c]!, b[c + 1]!, b[c + 2]!);
    case 4:
      return String.fromCharCode(b[c]!, b[c + 1]!, b[c + 2]!, b[c + 3]!);
    case 5:
      return String.fromCharCode(b[c]!, b[c + 1]!, b[c + 2]!, b[c + 3]!, b[c + 4]!);
    case 6:
      return String.fromCharCode(b[c]!, b[c + 1]!, b[c + 2]!, b[c + 3]!, b[c + 4]!, b[c + 5]!);
    default: {
      let token = '';
      for (let i = c; i < end; i++) token += String.fromCharCode(b[i]!);
      return token;
    }
  }
}

function decodeLtp(exchangeType: number, token: string, div: number): LtpTick {
  return {
    mode: FeedMode.LTP,
    exchangeType,
    token,
    sequenceNumber: i64(27),
    exchangeTimestamp: i64(35),
    lastTradedPrice: i64(43) / div,
  };
}

function decodeQuote(exchangeType: number, token: string, div: number): QuoteTick {
  return {
    mode: FeedMode.QUOTE,
    exchangeType,
    token,
    sequenceNumber: i64(27),
    exchangeTimestamp: i64(35),
    lastTradedPrice: i64(43) / div,
    lastTradedQuantity: i64(51),
    averageTradedPrice: i64(59) / div,
    volumeTradedForTheDay: i64(67),
    totalBuyQuantity: VIEW.getFloat64(75, true),
    totalSellQuantity: VIEW.getFloat64(83, true),
    openPrice: i64(91) / div,
    highPrice: i64(99) / div,
    lowPrice: i64(107) / div,
    closePrice: i64(115) / div,
  };
}

/** Best-five entry at `o`: flag int16 (ignored: sides are by position), qty int64, price int64, orders int16. */
function bestFiveLevel(o: number, div: number): DepthLevel {
  return {
    price: i64(o + 10) / div,
    quantity: i64(o + 2),
    orders: VIEW.getInt16(o + 18, true),
  };
}

function decodeSnapQuote(exchangeType: number, token: string, div: number): SnapQuoteTick {
  const o = BEST_FIVE_OFFSET;
  const e = BEST_FIVE_ENTRY;
  const a = BEST_FIVE_OFFSET + BEST_FIVE_LEVELS * BEST_FIVE_ENTRY;
  return {
    mode: FeedMode.SNAP_QUOTE,
    exchangeType,
    token,
    sequenceNumber: i64(27),
    exchangeTimestamp: i64(35),
    lastTradedPrice: i64(43) / div,
    lastTradedQuantity: i64(51),
    averageTradedPrice: i64(59) / div,
    volumeTradedForTheDay: i64(67),
    totalBuyQuantity: VIEW.getFloat64(75, true),
    totalSellQuantity: VIEW.getFloat64(83, true),
    openPrice: i64(91) / div,
    highPrice: i64(99) / div,
    lowPrice: i64(107) / div,
    closePrice: i64(115) / div,
    lastTradedTimestamp: i64(123),
    openInterest: i64(131),
    // offset 139: open_interest_change_percentage, "dummy field, contains garbage value": skipped.
    bestBids: [
      bestFiveLevel(o, div),
      bestFiveLevel(o + e, div),
      bestFiveLevel(o + 2 * e, div),
      bestFiveLevel(o + 3 * e, div),
      bestFiveLevel(o + 4 * e, div),
    ],
    bestAsks: [
      bestFiveLevel(a, div),
      bestFiveLevel(a + e, div),
      bestFiveLevel(a + 2 * e, div),
      bestFiveLevel(a + 3 * e, div),
      bestFiveLevel(a + 4 * e, div),
    ],
    upperCircuit: i64(347) / div,
    lowerCircuit: i64(355) / div,
    high52Week: i64(363) / div,
    low52Week: i64(371) / div,
  };
}

/** Twenty depth levels from `offset`: quantity int32, price int32, orders int16. */
function depthSide(offset: number, div: number): DepthLevel[] {
  const levels: DepthLevel[] = [];
  for (let i = 0; i < DEPTH_LEVELS; i++) {
    const p = offset + i * DEPTH_ENTRY;
    levels.push({
      price: VIEW.getInt32(p + 4, true) / div,
      quantity: VIEW.getInt32(p, true),
      orders: VIEW.getInt16(p + 8, true),
    });
  }
  return levels;
}

function decodeDepth20(exchangeType: number, token: string, div: number): Depth20Tick {
  return {
    mode: FeedMode.DEPTH_20,
    exchangeType,
    token,
    exchangeTimestamp: i64(27),
    packetReceivedTime: i64(35),
    bestBids: depthSide(DEPTH_OFFSET, div),
    bestAsks: depthSide(DEPTH_OFFSET + DEPTH_LEVELS * DEPTH_ENTRY, div),
  };
}

/**
 * Checks a frame's length against its mode and returns the packet size (internal; shared with the view
 * API). Throws {@link FeedDecodeError} `EMPTY`, `UNKNOWN_MODE`, `TRUNCATED` or (when `strict`) `TOO_LONG`.
 */
export function checkedFrameSize(u8: Uint8Array, strict: boolean): number {
  const length = u8.length;
  if (length === 0) {
    throw new FeedDecodeError('EMPTY', 'Empty market-feed frame', 0);
  }
  const mode = u8[0]!;
  let size: number;
  switch (mode) {
    case FeedMode.LTP:
      size = PACKET_SIZE[FeedMode.LTP];
      break;
    case FeedMode.QUOTE:
      size = PACKET_SIZE[FeedMode.QUOTE];
      break;
    case FeedMode.SNAP_QUOTE:
      size = PACKET_SIZE[FeedMode.SNAP_QUOTE];
      break;
    case FeedMode.DEPTH_20:
      size = PACKET_SIZE[FeedMode.DEPTH_20];
      break;
    default:
      throw new FeedDecodeError('UNKNOWN_MODE', `Unknown market-feed mode ${mode}`, length, mode);
  }
  if (length < size) {
    throw new FeedDecodeError(
      'TRUNCATED',
      `Truncated market-feed packet: mode ${mode} needs ${size} bytes, got ${length}`,
      length,
      mode,
      size,
    );
  }
  if (length > size && strict) {
    throw new FeedDecodeError(
      'TOO_LONG',
      `Market-feed packet too long: mode ${mode} has ${size} bytes, got ${length}`,
      length,
      mode,
      size,
    );
  }
  return size;
}

/**
 * Decodes one binary frame of the market feed (`wss://smartapisocket.angelone.in/smart-stream`,
 * docs/protocol/websocket.md#tick-packet, #best-five, #depth-20, #feed-errors, #price-scaling) into a plain tick object.
 *
 * - Prices are rupees (wire integer ÷ 100; ÷ 10^7 for exchangeType 13), or the raw wire integers
 *   with `{ rawPrices: true }`.
 * - 64-bit integers become numbers: exact up to ±2^53, rounded to the nearest double beyond.
 * - SnapQuote best five are split by position (entries 0–4 bids, 5–9 asks); the buy/sell flag and
 *   the open-interest-change-% field (documented garbage) are not decoded.
 * - `bytes` may be a view at any offset of a larger buffer; only its own bytes are read.
 *
 * @param bytes - one WebSocket binary frame (a `Uint8Array`, `Buffer` or `ArrayBuffer`)
 * @param options - `rawPrices` (default `false`), `strict` (default `true`)
 * @returns the decoded tick; discriminate on `mode`
 * @throws {@link FeedDecodeError} with code `EMPTY`, `UNKNOWN_MODE`, `TRUNCATED` or `TOO_LONG`
 */
export function decodeFeedPacket(bytes: Uint8Array | ArrayBuffer, options?: DecodeOptions): FeedTick {
  const u8 = ArrayBuffer.isView(bytes) ? bytes : new Uint8Array(bytes);
  const length = u8.length;
  const size = checkedFrameSize(u8, options?.strict !== false);
  const mode = u8[0]!;
  const exchangeType = u8[1]!;
  const div = options?.rawPrices === true ? 1 : exchangeType === CURRENCY_EXCHANGE_TYPE ? 10_000_000 : 100;
  SCRATCH.set(length === size ? u8 : u8.subarray(0, size));
  const token = readToken(SCRATCH);
  switch (mode) {
    case FeedMode.LTP:
      return decodeLtp(exchangeType, token, div);
    case FeedMode.QUOTE:
      return decodeQuote(exchangeType, token, div);
    case FeedMode.SNAP_QUOTE:
      return decodeSnapQuote(exchangeType, token, div);
    default:
      return decodeDepth20(exchangeType, token, div);
  }
}

// ---------------------------------------------------------------------------------------------
// Encode

function invalid(field: string, why: string): FeedEncodeError {
  return new FeedEncodeError('INVALID_VALUE', `Cannot encode ${field}: ${why}`, field);
}

/** Writes an integer in [-2^63, 2^63] as int64; 2^63 (how INT64_MAX decodes) saturates to INT64_MAX. */
function putI64(view: DataView, offset: number, value: number, field: string): void {
  if (!Number.isInteger(value)) throw invalid(field, `${value} is not an integer`);
  if (value < -TWO_63 || value > TWO_63) throw invalid(field, `${value} is outside int64`);
  if (value === TWO_63) {
    view.setUint32(offset, 0xffffffff, true);
    view.setInt32(offset + 4, 0x7fffffff, true);
    return;
  }
  const hi = Math.floor(value / TWO_32);
  view.setUint32(offset, value - hi * TWO_32, true);
  view.setInt32(offset + 4, hi, true);
}

function putInt(view: DataView, offset: number, value: number, bits: 16 | 32, field: string): void {
  const max = bits === 16 ? 0x7fff : 0x7fffffff;
  if (!Number.isInteger(value)) throw invalid(field, `${value} is not an integer`);
  if (value < -max - 1 || value > max) throw invalid(field, `${value} is outside int${bits}`);
  if (bits === 16) view.setInt16(offset, value, true);
  else view.setInt32(offset, value, true);
}

function putF64(view: DataView, offset: number, value: number, field: string): void {
  if (typeof value !== 'number') throw invalid(field, 'not a number');
  view.setFloat64(offset, value, true);
}

/** Scales a price to its wire integer: `Math.round(price × divisor)`, or as-is with rawPrices. */
function wirePrice(price: number, mul: number, field: string): number {
  if (typeof price !== 'number' || !Number.isFinite(price)) throw invalid(field, `${price} is not finite`);
  return mul === 1 ? price : Math.round(price * mul);
}

function putPrice(view: DataView, offset: number, price: number, mul: number, field: string): void {
  putI64(view, offset, wirePrice(price, mul, field), field);
}

function writeHeader(bytes: Uint8Array, mode: number, tick: FeedTick): void {
  bytes[0] = mode;
  const { exchangeType, token } = tick;
  if (!Number.isInteger(exchangeType) || exchangeType < 0 || exchangeType > 255) {
    throw invalid('exchangeType', `${exchangeType} is not a byte`);
  }
  bytes[1] = exchangeType;
  if (typeof token !== 'string' || token.length > TOKEN_SIZE) {
    throw new FeedEncodeError(
      'INVALID_TOKEN',
      `Token must be a string of at most ${TOKEN_SIZE} characters`,
      'token',
    );
  }
  for (let i = 0; i < token.length; i++) {
    const c = token.charCodeAt(i);
    if (c === 0 || c > 0xff) {
      throw new FeedEncodeError(
        'INVALID_TOKEN',
        `Token character U+${c.toString(16).padStart(4, '0')} cannot be encoded (latin1, no NUL)`,
        'token',
      );
    }
    bytes[TOKEN_OFFSET + i] = c;
  }
}

function writeQuoteBlock(view: DataView, t: QuoteTick | SnapQuoteTick, mul: number): void {
  putI64(view, 51, t.lastTradedQuantity, 'lastTradedQuantity');
  putPrice(view, 59, t.averageTradedPrice, mul, 'averageTradedPrice');
  putI64(view, 67, t.volumeTradedForTheDay, 'volumeTradedForTheDay');
  putF64(view, 75, t.totalBuyQuantity, 'totalBuyQuantity');
  putF64(view, 83, t.totalSellQuantity, 'totalSellQuantity');
  putPrice(view, 91, t.openPrice, mul, 'openPrice');
  putPrice(view, 99, t.highPrice, mul, 'highPrice');
  putPrice(view, 107, t.lowPrice, mul, 'lowPrice');
  putPrice(view, 115, t.closePrice, mul, 'closePrice');
}

function checkLevels(levels: readonly DepthLevel[], max: number, field: string): void {
  if (!Array.isArray(levels)) throw invalid(field, 'not an array');
  if (levels.length > max) {
    throw new FeedEncodeError(
      'TOO_MANY_LEVELS',
      `${field} has ${levels.length} levels, at most ${max}`,
      field,
    );
  }
}

function writeBestFive(view: DataView, t: SnapQuoteTick, mul: number): void {
  checkLevels(t.bestBids, BEST_FIVE_LEVELS, 'bestBids');
  checkLevels(t.bestAsks, BEST_FIVE_LEVELS, 'bestAsks');
  for (let side = 0; side < 2; side++) {
    const levels = side === 0 ? t.bestBids : t.bestAsks;
    const name = side === 0 ? 'bestBids' : 'bestAsks';
    for (let i = 0; i < BEST_FIVE_LEVELS; i++) {
      const o = BEST_FIVE_OFFSET + (side * BEST_FIVE_LEVELS + i) * BEST_FIVE_ENTRY;
      view.setInt16(o, side === 0 ? 1 : 0, true); // flag: 1 = buy, 0 = sell (docs/protocol/websocket.md#best-five)
      const level = levels[i];
      if (level === undefined) continue; // missing levels stay zero
      putI64(view, o + 2, level.quantity, `${name}[${i}].quantity`);
      putPrice(view, o + 10, level.price, mul, `${name}[${i}].price`);
      putInt(view, o + 18, level.orders, 16, `${name}[${i}].orders`);
    }
  }
}

function writeDepthSide(
  view: DataView,
  levels: readonly DepthLevel[],
  offset: number,
  mul: number,
  name: string,
) {
  checkLevels(levels, DEPTH_LEVELS, name);
  for (let i = 0; i < levels.length; i++) {
    const level = levels[i]!;
    const o = offset + i * DEPTH_ENTRY;
    putInt(view, o, level.quantity, 32, `${name}[${i}].quantity`);
    putInt(view, o + 4, wirePrice(level.price, mul, `${name}[${i}].price`), 32, `${name}[${i}].price`);
    putInt(view, o + 8, level.orders, 16, `${name}[${i}].orders`);
  }
}

/**
 * Encodes a tick into one binary market-feed packet (the inverse of {@link decodeFeedPacket}), as the
 * paper broker sends it on `wss://smartapisocket.angelone.in/smart-stream` (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20).
 *
 * - Prices are rupees, written as `Math.round(price × 100)` (× 10^7 for exchangeType 13); with
 *   `{ rawPrices: true }` they are the wire integers already and must be integers.
 * - Best-five entries get flag 1 (bids, packets 0–4) and 0 (asks, packets 5–9); the
 *   open-interest-change-% field is written as 0. Missing levels (fewer than 5 / 20) are zeros.
 * - The token is written as latin1 bytes, NUL padded.
 * - `decodeFeedPacket(encodeFeedPacket(t))` deep-equals `t` for every tick whose integers are in
 *   ±2^53 and whose rupee prices are whole paise of magnitude below 2^50.
 *
 * @param tick - the tick to encode
 * @param options - `rawPrices` (default `false`)
 * @returns a new `Uint8Array` of exactly `PACKET_SIZE[tick.mode]` bytes
 * @throws {@link FeedEncodeError} when a value cannot be represented on the wire
 */
export function encodeFeedPacket(tick: FeedTick, options?: EncodeOptions): Uint8Array {
  const mode = tick.mode;
  if (mode !== 1 && mode !== 2 && mode !== 3 && mode !== 4) {
    throw new FeedEncodeError('UNKNOWN_MODE', `Unknown market-feed mode ${String(mode)}`, 'mode');
  }
  const bytes = new Uint8Array(PACKET_SIZE[mode]);
  const view = new DataView(bytes.buffer);
  writeHeader(bytes, mode, tick);
  const mul = options?.rawPrices === true ? 1 : feedPriceDivisor(tick.exchangeType);
  if (tick.mode === FeedMode.DEPTH_20) {
    putI64(view, 27, tick.exchangeTimestamp, 'exchangeTimestamp');
    putI64(view, 35, tick.packetReceivedTime, 'packetReceivedTime');
    writeDepthSide(view, tick.bestBids, DEPTH_OFFSET, mul, 'bestBids');
    writeDepthSide(view, tick.bestAsks, DEPTH_OFFSET + DEPTH_LEVELS * DEPTH_ENTRY, mul, 'bestAsks');
    return bytes;
  }
  putI64(view, 27, tick.sequenceNumber, 'sequenceNumber');
  putI64(view, 35, tick.exchangeTimestamp, 'exchangeTimestamp');
  putPrice(view, 43, tick.lastTradedPrice, mul, 'lastTradedPrice');
  if (tick.mode === FeedMode.LTP) return bytes;
  writeQuoteBlock(view, tick, mul);
  if (tick.mode === FeedMode.QUOTE) return bytes;
  putI64(view, 123, tick.lastTradedTimestamp, 'lastTradedTimestamp');
  putI64(view, 131, tick.openInterest, 'openInterest');
  // offset 139: open_interest_change_percentage stays 0.0 (documented garbage).
  writeBestFive(view, tick, mul);
  putPrice(view, 347, tick.upperCircuit, mul, 'upperCircuit');
  putPrice(view, 355, tick.lowerCircuit, mul, 'lowerCircuit');
  putPrice(view, 363, tick.high52Week, mul, 'high52Week');
  putPrice(view, 371, tick.low52Week, mul, 'low52Week');
  return bytes;
}
