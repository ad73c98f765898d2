// FeedPacketView (zero-allocation reader) reads exactly what decodeFeedPacket decodes, on frames that are
// views into a larger buffer at any (odd) offset, as ws delivers them; bad frames throw the same errors.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import {
  type DepthLevel,
  decodeFeedPacket,
  FeedDecodeError,
  FeedMode,
  FeedPacketView,
  type FeedTick,
  PACKET_SIZE,
} from '../src/feed/index.js';

const SIZES: Record<number, number> = PACKET_SIZE;

/** Everything the view exposes, shaped like the decoded tick. */
function viaView(v: FeedPacketView): Record<string, unknown> {
  const side = (price: (i: number) => number, qty: (i: number) => number, orders: (i: number) => number) =>
    Array.from(
      { length: v.depthLevels },
      (_, i): DepthLevel => ({
        price: price(i),
        quantity: qty(i),
        orders: orders(i),
      }),
    );
  const head = { mode: v.mode, exchangeType: v.exchangeType, token: v.token };
  if (v.mode === FeedMode.DEPTH_20) {
    return {
      ...head,
      exchangeTimestamp: v.exchangeTimestamp,
      packetReceivedTime: v.packetReceivedTime,
      bestBids: side(v.bidPrice.bind(v), v.bidQuantity.bind(v), v.bidOrders.bind(v)),
      bestAsks: side(v.askPrice.bind(v), v.askQuantity.bind(v), v.askOrders.bind(v)),
    };
  }
  const ltp = {
    ...head,
    sequenceNumber: v.sequenceNumber,
    exchangeTimestamp: v.exchangeTimestamp,
    lastTradedPrice: v.lastTradedPrice,
  };
  if (v.mode === FeedMode.LTP) return ltp;
  const quote = {
    ...ltp,
    lastTradedQuantity: v.lastTradedQuantity,
    averageTradedPrice: v.averageTradedPrice,
    volumeTradedForTheDay: v.volumeTradedForTheDay,
    totalBuyQuantity: v.totalBuyQuantity,
    totalSellQuantity: v.totalSellQuantity,
    openPrice: v.openPrice,
    highPrice: v.highPrice,
    lowPrice: v.lowPrice,
    closePrice: v.closePrice,
  };
  if (v.mode === FeedMode.QUOTE) return quote;
  return {
    ...quote,
    lastTradedTimestamp: v.lastTradedTimestamp,
    openInterest: v.openInterest,
    bestBids: side(v.bidPrice.bind(v), v.bidQuantity.bind(v), v.bidOrders.bind(v)),
    bestAsks: side(v.askPrice.bind(v), v.askQuantity.bind(v), v.askOrders.bind(v)),
    upperCircuit: v.upperCircuit,
    lowerCircuit: v.lowerCircuit,
    high52Week: v.high52Week,
    low52Week: v.low52Week,
  };
}

const frame = fc
  .constantFrom(1, 2, 3, 4)
  .chain((mode) =>
    fc
      .uint8Array({ minLength: SIZES[mode]!, maxLength: SIZES[mode]! })
      .map((b) => Uint8Array.from([mode, ...b.subarray(1)])),
  );

describe('FeedPacketView', () => {
  it('reads every field exactly as decodeFeedPacket decodes it, at any offset of a pooled buffer', (t) => {
    const raw = new FeedPacketView({ rawPrices: true });
    const rupees = new FeedPacketView();
    fc.assert(
      fc.property(fc.array(frame, { minLength: 1, maxLength: 4 }), fc.nat(15), (frames, pad) => {
        // frames back to back in one allocation, the first at an odd offset (like a socket read chunk)
        const start = 2 * pad + 1;
        const pool = new Uint8Array(start + frames.reduce((n, f) => n + f.length + 1, 0));
        const views: Uint8Array[] = [];
        let at = start;
        for (const f of frames) {
          pool.set(f, at);
          views.push(pool.subarray(at, at + f.length));
          at += f.length + 1;
        }
        for (const v of views) {
          const wantRaw = decodeFeedPacket(v, { rawPrices: true }) as FeedTick;
          const want = decodeFeedPacket(v) as FeedTick;
          assert.deepEqual(viaView(raw.wrap(v)), { ...wantRaw });
          assert.deepEqual(viaView(rupees.wrap(v)), { ...want });
          assert.equal(rupees.tokenIs(want.token), true);
          assert.equal(rupees.tokenIs(`${want.token}x`), false);
        }
      }),
      propertyOptions(t, { numRuns: 300 }),
    );
  });

  it('throws the decoder errors on bad frames and refuses fields of another mode', () => {
    const v = new FeedPacketView();
    assert.throws(
      () => v.wrap(new Uint8Array(0)),
      (e: unknown) => e instanceof FeedDecodeError && e.code === 'EMPTY',
    );
    assert.throws(
      () => v.wrap(Uint8Array.of(9, 1)),
      (e: unknown) => e instanceof FeedDecodeError && e.code === 'UNKNOWN_MODE',
    );
    assert.throws(
      () => v.wrap(new Uint8Array(10).fill(1, 0, 1)),
      (e: unknown) => e instanceof FeedDecodeError && e.code === 'TRUNCATED',
    );
    const ltp = new Uint8Array(SIZES[1]!);
    ltp[0] = FeedMode.LTP;
    assert.throws(
      () => v.wrap(Uint8Array.from([...ltp, 0])),
      (e: unknown) => e instanceof FeedDecodeError && e.code === 'TOO_LONG',
    );
    assert.equal(new FeedPacketView({ strict: false }).wrap(Uint8Array.from([...ltp, 0])).mode, FeedMode.LTP);
    v.wrap(ltp);
    assert.throws(() => v.openPrice, FeedDecodeError);
    assert.throws(() => v.bidPrice(0), RangeError);
    assert.equal(v.depthLevels, 0);
  });
});
