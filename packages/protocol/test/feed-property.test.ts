// Property tests of the feed codec: encode/decode round-trips and a BigInt reference decoder.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import {
  type DepthLevel,
  decodeFeedPacket,
  encodeFeedPacket,
  FeedDecodeError,
  FeedMode,
  type FeedTick,
  feedPriceDivisor,
  PACKET_SIZE,
} from '../src/feed/index.js';

const RUNS = { numRuns: 300 };
/** Records with Object.prototype, like decoded ticks (deepStrictEqual compares prototypes). */
const PLAIN = { noNullPrototype: true } as const;

// ---- arbitraries ------------------------------------------------------------------------------

/** Any integer a decoded int64 field can hold: safe integers, and any double that is an int64. */
const int64 = fc.oneof(
  fc.maxSafeInteger(),
  fc.bigInt({ min: -(2n ** 63n), max: 2n ** 63n - 1n }).map((b) => Number(b)),
  fc.constantFrom(0, -1, 2 ** 63, -(2 ** 63)),
);
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });
const int16 = fc.integer({ min: -32768, max: 32767 });
const token = fc.string({
  unit: fc.integer({ min: 1, max: 255 }).map((c) => String.fromCharCode(c)),
  maxLength: 25,
});
const exchangeType = fc.oneof(fc.constantFrom(1, 2, 3, 4, 5, 7, 13), fc.integer({ min: 0, max: 255 }));

/** Raw wire price generator: int64 for modes 1–3, int32 for depth; rupee mode: whole paise below 2^50. */
type PriceArb = (exchange: number) => fc.Arbitrary<number>;
const rawInt64Price: PriceArb = () => int64;
const rawInt32Price: PriceArb = () => int32;
const rupeePrice =
  (bound: number): PriceArb =>
  (exchange) =>
    fc.integer({ min: -bound, max: bound }).map((n) => n / feedPriceDivisor(exchange));

function tickArb(price64: PriceArb, price32: PriceArb): fc.Arbitrary<FeedTick> {
  return exchangeType.chain((ex) => {
    const p = price64(ex);
    const head = { exchangeType: fc.constant(ex), token };
    const ltp = {
      ...head,
      sequenceNumber: int64,
      exchangeTimestamp: int64,
      lastTradedPrice: p,
    };
    const quote = {
      ...ltp,
      lastTradedQuantity: int64,
      averageTradedPrice: p,
      volumeTradedForTheDay: int64,
      totalBuyQuantity: fc.double(),
      totalSellQuantity: fc.double(),
      openPrice: p,
      highPrice: p,
      lowPrice: p,
      closePrice: p,
    };
    const five = fc.array(fc.record({ price: p, quantity: int64, orders: int16 }, PLAIN), {
      minLength: 5,
      maxLength: 5,
    });
    const twenty = fc.array(fc.record({ price: price32(ex), quantity: int32, orders: int16 }, PLAIN), {
      minLength: 20,
      maxLength: 20,
    });
    return fc.oneof(
      fc.record({ mode: fc.constant(FeedMode.LTP), ...ltp }, PLAIN),
      fc.record({ mode: fc.constant(FeedMode.QUOTE), ...quote }, PLAIN),
      fc.record(
        {
          mode: fc.constant(FeedMode.SNAP_QUOTE),
          ...quote,
          lastTradedTimestamp: int64,
          openInterest: int64,
          bestBids: five,
          bestAsks: five,
          upperCircuit: p,
          lowerCircuit: p,
          high52Week: p,
          low52Week: p,
        },
        PLAIN,
      ),
      fc.record(
        {
          mode: fc.constant(FeedMode.DEPTH_20),
          ...head,
          exchangeTimestamp: int64,
          packetReceivedTime: int64,
          bestBids: twenty,
          bestAsks: twenty,
        },
        PLAIN,
      ),
    );
  });
}

// ---- reference decoder (DataView + BigInt, written straight from docs/protocol/websocket.md#tick-packet, #best-five, #depth-20) ------------------

function referenceDecode(bytes: Uint8Array): FeedTick {
  const v = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const i64 = (o: number) => Number(v.getBigInt64(o, true));
  let token = '';
  for (let i = 2; i < 27 && bytes[i] !== 0; i++) token += String.fromCharCode(bytes[i]!);
  const head = { exchangeType: bytes[1]!, token };
  const mode = bytes[0];
  if (mode === 4) {
    const side = (base: number): DepthLevel[] =>
      Array.from({ length: 20 }, (_, i) => ({
        price: v.getInt32(base + 10 * i + 4, true),
        quantity: v.getInt32(base + 10 * i, true),
        orders: v.getInt16(base + 10 * i + 8, true),
      }));
    return {
      mode: 4,
      ...head,
      exchangeTimestamp: i64(27),
      packetReceivedTime: i64(35),
      bestBids: side(43),
      bestAsks: side(243),
    };
  }
  const ltp = { ...head, sequenceNumber: i64(27), exchangeTimestamp: i64(35), lastTradedPrice: i64(43) };
  if (mode === 1) return { mode: 1, ...ltp };
  const quote = {
    ...ltp,
    lastTradedQuantity: i64(51),
    averageTradedPrice: i64(59),
    volumeTradedForTheDay: i64(67),
    totalBuyQuantity: v.getFloat64(75, true),
    totalSellQuantity: v.getFloat64(83, true),
    openPrice: i64(91),
    highPrice: i64(99),
    lowPrice: i64(107),
    closePrice: i64(115),
  };
  if (mode === 2) return { mode: 2, ...quote };
  const entry = (i: number): DepthLevel => ({
    price: i64(147 + 20 * i + 10),
    quantity: i64(147 + 20 * i + 2),
    orders: v.getInt16(147 + 20 * i + 18, true),
  });
  return {
    mode: 3,
    ...quote,
    lastTradedTimestamp: i64(123),
    openInterest: i64(131),
    bestBids: [0, 1, 2, 3, 4].map(entry),
    bestAsks: [5, 6, 7, 8, 9].map(entry),
    upperCircuit: i64(347),
    lowerCircuit: i64(355),
    high52Week: i64(363),
    low52Week: i64(371),
  };
}

const SIZES: Record<number, number> = PACKET_SIZE;

// ---- properties ------------------------------------------------------------------------------

describe('feed codec properties', () => {
  it('decode(encode(x, raw), raw) deep-equals x (raw integer prices)', (t) => {
    fc.assert(
      fc.property(tickArb(rawInt64Price, rawInt32Price), (tick) => {
        const bytes = encodeFeedPacket(tick, { rawPrices: true });
        assert.equal(bytes.length, PACKET_SIZE[tick.mode]);
        assert.deepEqual(decodeFeedPacket(bytes, { rawPrices: true }), tick);
      }),
      propertyOptions(t, RUNS),
    );
  });

  it('decode(encode(x)) deep-equals x (rupee prices that are whole paise / 10^-7 units)', (t) => {
    fc.assert(
      fc.property(tickArb(rupeePrice(2 ** 50 - 1), rupeePrice(2 ** 31 - 1)), (tick) => {
        assert.deepEqual(decodeFeedPacket(encodeFeedPacket(tick)), tick);
      }),
      propertyOptions(t, RUNS),
    );
  });

  it('decodes any well-sized frame exactly like the BigInt reference decoder', (t) => {
    const frame = fc
      .constantFrom(1, 2, 3, 4)
      .chain((mode) =>
        fc
          .uint8Array({ minLength: SIZES[mode]!, maxLength: SIZES[mode]! })
          .map((b) => Uint8Array.from([mode, ...b.subarray(1)])),
      );
    fc.assert(
      fc.property(frame, fc.nat(16), (bytes, offset) => {
        const big = new Uint8Array(offset + bytes.length);
        big.set(bytes, offset);
        const view = big.subarray(offset);
        assert.deepEqual(decodeFeedPacket(view, { rawPrices: true }), referenceDecode(bytes));
        const rupees = decodeFeedPacket(view);
        const div = feedPriceDivisor(bytes[1]!);
        assert.equal(
          'lastTradedPrice' in rupees ? rupees.lastTradedPrice : rupees.bestBids[0]?.price,
          'lastTradedPrice' in rupees
            ? (referenceDecode(bytes) as { lastTradedPrice: number }).lastTradedPrice / div
            : ((referenceDecode(bytes) as { bestBids: DepthLevel[] }).bestBids[0]?.price ?? 0) / div,
        );
      }),
      propertyOptions(t, RUNS),
    );
  });

  it('never returns garbage: arbitrary bytes either decode as the reference or throw the right code', (t) => {
    const bytes = fc.oneof(
      fc.uint8Array({ maxLength: 500 }),
      fc
        .tuple(fc.constantFrom(1, 2, 3, 4), fc.integer({ min: -3, max: 3 }))
        .chain(([mode, delta]) =>
          fc
            .uint8Array({ minLength: SIZES[mode]! + delta, maxLength: SIZES[mode]! + delta })
            .map((b) => (b.length > 0 ? Uint8Array.from([mode, ...b.subarray(1)]) : b)),
        ),
    );
    fc.assert(
      fc.property(bytes, fc.boolean(), (b, strict) => {
        const size = b.length === 0 ? undefined : SIZES[b[0]!];
        const expectedCode =
          b.length === 0
            ? 'EMPTY'
            : size === undefined
              ? 'UNKNOWN_MODE'
              : b.length < size
                ? 'TRUNCATED'
                : b.length > size && strict
                  ? 'TOO_LONG'
                  : undefined;
        if (expectedCode === undefined) {
          assert.deepEqual(
            decodeFeedPacket(b, { rawPrices: true, strict }),
            referenceDecode(b.subarray(0, size)),
          );
        } else {
          assert.throws(
            () => decodeFeedPacket(b, { strict }),
            (e: unknown) => e instanceof FeedDecodeError && e.code === expectedCode,
          );
        }
      }),
      propertyOptions(t, RUNS),
    );
  });
});
