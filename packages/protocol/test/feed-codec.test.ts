import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  type Depth20Tick,
  decodeFeedPacket,
  encodeFeedPacket,
  FeedDecodeError,
  FeedEncodeError,
  FeedMode,
  type FeedTick,
  type LtpTick,
  PACKET_SIZE,
  type QuoteTick,
  type SnapQuoteTick,
} from '../src/feed/index.js';

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

// docs/protocol/websocket.md#worked-packets worked packets
const SPEC_LTP_HEX =
  '01013330343500000000000000000000000000000000000000000040e20100000000000068e5cf8b010000f4dd000000000000';
const SPEC_QUOTE_HEX =
  '02013330343500000000000000000000000000000000000000000040e20100000000000068e5cf8b010000f4dd0000000000000a00000000000000cfdd000000000000364336000000000000000000fa9e2941000000009f9a3341a4dd00000000000067de00000000000022dd000000000000a4dd000000000000';

const level = (price: number, quantity: number, orders: number) => ({ price, quantity, orders });

const LTP: LtpTick = {
  mode: FeedMode.LTP,
  exchangeType: 1,
  token: '3045',
  sequenceNumber: 123456,
  exchangeTimestamp: 1700000000000,
  lastTradedPrice: 568.2,
};

const QUOTE: QuoteTick = {
  ...LTP,
  mode: FeedMode.QUOTE,
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

const SNAP: SnapQuoteTick = {
  ...QUOTE,
  mode: FeedMode.SNAP_QUOTE,
  lastTradedTimestamp: 1700000000,
  openInterest: 0,
  bestBids: [
    level(568.15, 100, 3),
    level(568.1, 200, 4),
    level(568.05, 300, 5),
    level(568, 400, 6),
    level(567.95, 1, 1),
  ],
  bestAsks: [
    level(568.25, 100, 3),
    level(568.3, 200, 4),
    level(568.35, 300, 5),
    level(568.4, 400, 6),
    level(568.45, 1, 1),
  ],
  upperCircuit: 625,
  lowerCircuit: 511.4,
  high52Week: 629.65,
  low52Week: 430.7,
};

const DEPTH: Depth20Tick = {
  mode: FeedMode.DEPTH_20,
  exchangeType: 1,
  token: '3045',
  exchangeTimestamp: 1700000000123,
  packetReceivedTime: 1700000000456,
  bestBids: Array.from({ length: 20 }, (_, i) => level(568.15 - i * 0.05, 10 * (i + 1), i + 1)),
  bestAsks: Array.from({ length: 20 }, (_, i) => level(568.25 + i * 0.05, 10 * (i + 1), i + 1)),
};

// Depth prices above are computed with float arithmetic: snap them to whole paise first.
for (const l of [...DEPTH.bestBids, ...DEPTH.bestAsks]) l.price = Math.round(l.price * 100) / 100;

const SAMPLES: readonly FeedTick[] = [LTP, QUOTE, SNAP, DEPTH];

function decodeError(bytes: Uint8Array | ArrayBuffer, options?: { strict?: boolean }): FeedDecodeError {
  try {
    decodeFeedPacket(bytes, options);
  } catch (e) {
    assert.ok(e instanceof FeedDecodeError, `expected FeedDecodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('decodeFeedPacket did not throw');
}

function encodeError(tick: unknown, options?: { rawPrices?: boolean }): FeedEncodeError {
  try {
    encodeFeedPacket(tick as FeedTick, options);
  } catch (e) {
    assert.ok(e instanceof FeedEncodeError, `expected FeedEncodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('encodeFeedPacket did not throw');
}

describe('constants', () => {
  it('FeedMode and PACKET_SIZE follow docs/protocol/websocket.md#tick-packet, #depth-20', () => {
    assert.deepEqual(FeedMode, { LTP: 1, QUOTE: 2, SNAP_QUOTE: 3, DEPTH_20: 4 });
    assert.deepEqual(PACKET_SIZE, { 1: 51, 2: 123, 3: 379, 4: 443 });
  });
});

describe('worked packets (docs/protocol/websocket.md#worked-packets)', () => {
  it('decodes the LTP packet with exact rupee prices', () => {
    assert.deepEqual(decodeFeedPacket(fromHex(SPEC_LTP_HEX)), LTP);
    assert.equal((decodeFeedPacket(fromHex(SPEC_LTP_HEX)) as LtpTick).lastTradedPrice, 568.2);
  });

  it('decodes the Quote packet', () => {
    assert.deepEqual(decodeFeedPacket(fromHex(SPEC_QUOTE_HEX)), QUOTE);
  });

  it('decodes raw paise with rawPrices', () => {
    const t = decodeFeedPacket(fromHex(SPEC_QUOTE_HEX), { rawPrices: true }) as QuoteTick;
    assert.equal(t.lastTradedPrice, 56820);
    assert.equal(t.averageTradedPrice, 56783);
    assert.equal(t.closePrice, 56740);
    assert.equal(t.lastTradedQuantity, 10);
  });

  it('encodes both packets byte for byte', () => {
    assert.equal(toHex(encodeFeedPacket(LTP)), SPEC_LTP_HEX);
    assert.equal(toHex(encodeFeedPacket(QUOTE)), SPEC_QUOTE_HEX);
    const raw = decodeFeedPacket(fromHex(SPEC_QUOTE_HEX), { rawPrices: true });
    assert.equal(toHex(encodeFeedPacket(raw, { rawPrices: true })), SPEC_QUOTE_HEX);
  });
});

describe('decodeFeedPacket', () => {
  it('round-trips a sample of every mode', () => {
    for (const tick of SAMPLES) {
      const bytes = encodeFeedPacket(tick);
      assert.equal(bytes.length, PACKET_SIZE[tick.mode]);
      assert.deepEqual(decodeFeedPacket(bytes), tick);
    }
  });

  it('reads depth-20 exchangeTimestamp at offset 27 and packetReceivedTime at 35', () => {
    const bytes = encodeFeedPacket(DEPTH);
    const view = new DataView(bytes.buffer);
    assert.equal(view.getBigInt64(27, true), 1700000000123n);
    assert.equal(view.getBigInt64(35, true), 1700000000456n);
  });

  it('splits best five by position, whatever the flags say', () => {
    const bytes = encodeFeedPacket(SNAP);
    for (let i = 0; i < 10; i++) new DataView(bytes.buffer).setInt16(147 + 20 * i, i < 5 ? 0 : 1, true);
    const t = decodeFeedPacket(bytes) as SnapQuoteTick;
    assert.deepEqual(t.bestBids, SNAP.bestBids);
    assert.deepEqual(t.bestAsks, SNAP.bestAsks);
  });

  it('ignores the OI-change-% field (offset 139)', () => {
    const bytes = encodeFeedPacket(SNAP);
    new DataView(bytes.buffer).setFloat64(139, Number.NaN, true);
    assert.deepEqual(decodeFeedPacket(bytes), SNAP);
    assert.ok(!('openInterestChangePercentage' in decodeFeedPacket(bytes)));
  });

  it('keeps signed fields signed: int64 -1, int16 orders 0xffff, depth int32', () => {
    const snap = encodeFeedPacket({ ...SNAP, sequenceNumber: -1, lastTradedPrice: -0.05 });
    const view = new DataView(snap.buffer);
    view.setUint16(147 + 18, 0xffff, true);
    const t = decodeFeedPacket(snap) as SnapQuoteTick;
    assert.equal(t.sequenceNumber, -1);
    assert.equal(t.lastTradedPrice, -0.05);
    assert.equal(t.bestBids[0]?.orders, -1);
    const depth = encodeFeedPacket(DEPTH);
    new DataView(depth.buffer).setUint32(43, 0xffffffff, true);
    assert.equal((decodeFeedPacket(depth) as Depth20Tick).bestBids[0]?.quantity, -1);
  });

  it('reads LTP as int64 in LTP mode (above 2^31 paise)', () => {
    const bytes = encodeFeedPacket({ ...LTP, lastTradedPrice: 5_000_000_000 }, { rawPrices: true });
    assert.equal((decodeFeedPacket(bytes, { rawPrices: true }) as LtpTick).lastTradedPrice, 5_000_000_000);
  });

  it('converts 64-bit values like Number(getBigInt64()) (rounding beyond 2^53)', () => {
    const bytes = encodeFeedPacket(LTP);
    const view = new DataView(bytes.buffer);
    for (const v of [
      2n ** 63n - 1n,
      -(2n ** 63n),
      2n ** 53n + 1n,
      -(2n ** 53n) - 3n,
      0x1234_5678_9abc_def0n,
      -1n,
    ]) {
      view.setBigInt64(27, v, true);
      assert.equal((decodeFeedPacket(bytes) as LtpTick).sequenceNumber, Number(v), String(v));
    }
  });

  it('divides currency prices (exchangeType 13) by 10^7', () => {
    const bytes = encodeFeedPacket(
      { ...LTP, exchangeType: 13, lastTradedPrice: 832_512_500 },
      { rawPrices: true },
    );
    assert.equal((decodeFeedPacket(bytes) as LtpTick).lastTradedPrice, 83.25125);
    assert.equal(toHex(encodeFeedPacket(decodeFeedPacket(bytes))), toHex(bytes));
  });

  it('decodes the token up to the first NUL, one latin1 char per byte', () => {
    const bytes = encodeFeedPacket(LTP);
    bytes.set([0x33, 0x30, 0xe9, 0x34, 0x35, 0x00, 0x58, 0x59], 2);
    assert.equal(decodeFeedPacket(bytes).token, '30é45');
    bytes.fill(0x39, 2, 27);
    assert.equal(decodeFeedPacket(bytes).token, '9'.repeat(25));
    bytes.fill(0, 2, 27);
    assert.equal(decodeFeedPacket(bytes).token, '');
  });

  it('accepts an ArrayBuffer and a Buffer', () => {
    const bytes = encodeFeedPacket(SNAP);
    assert.deepEqual(decodeFeedPacket(bytes.slice().buffer), SNAP);
    assert.deepEqual(decodeFeedPacket(Buffer.from(toHex(bytes), 'hex')), SNAP);
  });

  it('decodes a subarray view at any byte offset like a copy', () => {
    for (const tick of SAMPLES) {
      const frame = encodeFeedPacket(tick);
      for (let offset = 0; offset < 24; offset++) {
        const big = new Uint8Array(offset + frame.length + 7).fill(0xaa);
        big.set(frame, offset);
        const view = big.subarray(offset, offset + frame.length);
        assert.deepEqual(decodeFeedPacket(view), tick, `mode ${tick.mode} at offset ${offset}`);
        assert.deepEqual(
          decodeFeedPacket(view, { rawPrices: true }),
          decodeFeedPacket(frame.slice(), { rawPrices: true }),
        );
      }
    }
  });

  it('returns independent objects and never mutates the input', () => {
    const a = encodeFeedPacket(SNAP);
    const before = toHex(a);
    const first = decodeFeedPacket(a);
    const second = decodeFeedPacket(encodeFeedPacket(DEPTH));
    assert.deepEqual(first, SNAP);
    assert.deepEqual(second, DEPTH);
    assert.equal(toHex(a), before);
  });
});

describe('decodeFeedPacket errors', () => {
  it('EMPTY for a zero-length frame', () => {
    const e = decodeError(new Uint8Array(0));
    assert.equal(e.code, 'EMPTY');
    assert.equal(e.name, 'FeedDecodeError');
    assert.ok(e instanceof Error);
  });

  it('UNKNOWN_MODE for mode bytes other than 1-4, whatever the length', () => {
    for (const mode of [0, 5, 6, 255]) {
      for (const length of [1, 51, 379]) {
        const bytes = new Uint8Array(length);
        bytes[0] = mode;
        const e = decodeError(bytes);
        assert.equal(e.code, 'UNKNOWN_MODE');
        assert.equal(e.mode, mode);
      }
    }
  });

  it('TRUNCATED for every prefix shorter than the mode size (frames split at every byte)', () => {
    for (const tick of SAMPLES) {
      const frame = encodeFeedPacket(tick);
      for (let n = 1; n < frame.length; n++) {
        const e = decodeError(frame.subarray(0, n));
        assert.equal(e.code, 'TRUNCATED', `mode ${tick.mode}, ${n} bytes`);
        assert.equal(e.length, n);
        assert.equal(e.expectedLength, frame.length);
        assert.equal(decodeError(frame.subarray(0, n), { strict: false }).code, 'TRUNCATED');
      }
    }
  });

  it('TOO_LONG for trailing bytes unless strict is false', () => {
    for (const tick of SAMPLES) {
      const frame = encodeFeedPacket(tick);
      const longer = new Uint8Array(frame.length + 9).fill(0xaa);
      longer.set(frame);
      const e = decodeError(longer);
      assert.equal(e.code, 'TOO_LONG');
      assert.equal(e.length, frame.length + 9);
      assert.deepEqual(decodeFeedPacket(longer, { strict: false }), tick);
      assert.equal(decodeError(longer, { strict: true }).code, 'TOO_LONG');
    }
  });
});

describe('encodeFeedPacket', () => {
  it('writes best-five flags 1 for bids and 0 for asks, OI-change % as 0', () => {
    const view = new DataView(encodeFeedPacket(SNAP).buffer);
    for (let i = 0; i < 10; i++) assert.equal(view.getInt16(147 + 20 * i, true), i < 5 ? 1 : 0);
    assert.equal(view.getFloat64(139, true), 0);
  });

  it('pads missing levels with zeros', () => {
    const t = decodeFeedPacket(
      encodeFeedPacket({ ...SNAP, bestBids: [level(1, 2, 3)], bestAsks: [] }),
    ) as SnapQuoteTick;
    assert.equal(t.bestBids.length, 5);
    assert.deepEqual(t.bestBids[0], level(1, 2, 3));
    assert.deepEqual(t.bestBids[4], level(0, 0, 0));
    assert.deepEqual(
      t.bestAsks,
      Array.from({ length: 5 }, () => level(0, 0, 0)),
    );
    const d = decodeFeedPacket(encodeFeedPacket({ ...DEPTH, bestAsks: [] })) as Depth20Tick;
    assert.equal(d.bestAsks.length, 20);
  });

  it('rounds rupee prices to whole paise', () => {
    const view = new DataView(encodeFeedPacket({ ...LTP, lastTradedPrice: 0.1 + 0.2 }).buffer);
    assert.equal(view.getBigInt64(43, true), 30n);
    const v2 = new DataView(encodeFeedPacket({ ...LTP, lastTradedPrice: 568.2049 }).buffer);
    assert.equal(v2.getBigInt64(43, true), 56820n);
  });

  it('writes ±2^63 as INT64_MAX / INT64_MIN', () => {
    const view = new DataView(
      encodeFeedPacket({ ...LTP, sequenceNumber: 2 ** 63, exchangeTimestamp: -(2 ** 63) }).buffer,
    );
    assert.equal(view.getBigInt64(27, true), 2n ** 63n - 1n);
    assert.equal(view.getBigInt64(35, true), -(2n ** 63n));
  });

  it('writes the token as latin1, NUL padded', () => {
    const bytes = encodeFeedPacket({ ...LTP, token: 'é1' });
    assert.deepEqual([...bytes.subarray(2, 6)], [0xe9, 0x31, 0, 0]);
  });

  it('rejects values the wire cannot carry', () => {
    const cases: [unknown, string, string | undefined, { rawPrices?: boolean }?][] = [
      [{ ...LTP, mode: 7 }, 'UNKNOWN_MODE', 'mode'],
      [{ ...LTP, token: '1'.repeat(26) }, 'INVALID_TOKEN', 'token'],
      [{ ...LTP, token: 'ł' }, 'INVALID_TOKEN', 'token'],
      [{ ...LTP, token: 'a\u0000b' }, 'INVALID_TOKEN', 'token'],
      [{ ...LTP, exchangeType: 256 }, 'INVALID_VALUE', 'exchangeType'],
      [{ ...LTP, sequenceNumber: 1.5 }, 'INVALID_VALUE', 'sequenceNumber'],
      [{ ...LTP, sequenceNumber: 2 ** 64 }, 'INVALID_VALUE', 'sequenceNumber'],
      [{ ...LTP, lastTradedPrice: Number.NaN }, 'INVALID_VALUE', 'lastTradedPrice'],
      [{ ...LTP, lastTradedPrice: 568.2 }, 'INVALID_VALUE', 'lastTradedPrice', { rawPrices: true }],
      [{ ...QUOTE, volumeTradedForTheDay: undefined }, 'INVALID_VALUE', 'volumeTradedForTheDay'],
      [{ ...SNAP, bestBids: [...SNAP.bestBids, level(1, 1, 1)] }, 'TOO_MANY_LEVELS', 'bestBids'],
      [{ ...SNAP, bestAsks: [level(1, 1, 40000)] }, 'INVALID_VALUE', 'bestAsks[0].orders'],
      [{ ...DEPTH, bestBids: [level(21474836.48, 1, 1)] }, 'INVALID_VALUE', 'bestBids[0].price'],
      [{ ...DEPTH, bestAsks: [level(1, 2 ** 31, 1)] }, 'INVALID_VALUE', 'bestAsks[0].quantity'],
    ];
    for (const [tick, code, field, options] of cases) {
      const e = encodeError(tick, options);
      assert.equal(e.code, code, e.message);
      assert.equal(e.field, field, e.message);
      assert.equal(e.name, 'FeedEncodeError');
    }
  });
});
