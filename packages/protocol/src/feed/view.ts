/**
 * Zero-allocation reading of market-feed frames (opt-in; {@link decodeFeedPacket} and its tick objects are
 * unchanged). A {@link FeedPacketView} is created once and pointed at each frame with {@link
 * FeedPacketView.wrap}: nothing is copied and nothing is allocated per frame; each field is read from the
 * frame's bytes when it is accessed, with a `DataView` on the frame's own `ArrayBuffer` at the frame's
 * `byteOffset` (one `DataView` per underlying buffer: a socket's read chunk or Node's Buffer pool, not per
 * frame). Values equal what {@link decodeFeedPacket} returns for the same frame and options.
 *
 * The view reads the frame's memory, so it is valid only while that memory holds the frame: read what you
 * need in the message listener, or keep {@link decodeFeedPacket}'s object. Portable (no `node:` imports).
 *
 * ```ts
 * const view = new FeedPacketView();
 * socket.on('message', (data: Buffer) => {
 *   view.wrap(data);
 *   if (view.mode === FeedMode.SNAP_QUOTE) onBest(view.tokenIs('3045'), view.bidPrice(0), view.askPrice(0));
 * });
 * ```
 *
 * Layout: docs/protocol/websocket.md#tick-packet, #best-five, #depth-20, #price-scaling.
 */
import { checkedFrameSize } from './codec.js';
import { FeedDecodeError } from './errors.js';
import { CURRENCY_EXCHANGE_TYPE, type DecodeOptions, FeedMode } from './types.js';

const TWO_32 = 4294967296;
const TOKEN_OFFSET = 2;
const TOKEN_END = TOKEN_OFFSET + 25;
const BEST_FIVE_OFFSET = 147;
const BEST_FIVE_ENTRY = 20;
const ASKS_OFFSET = BEST_FIVE_OFFSET + 5 * BEST_FIVE_ENTRY;
const DEPTH_OFFSET = 43;
const DEPTH_ENTRY = 10;
const DEPTH_ASKS_OFFSET = DEPTH_OFFSET + 20 * DEPTH_ENTRY;

const EMPTY = new Uint8Array(0);

/** A reusable, zero-allocation reader of one market-feed frame at a time (see module comment). */
export class FeedPacketView {
  private bytes: Uint8Array = EMPTY;
  private dv: DataView = new DataView(EMPTY.buffer);
  private base = 0;
  private div = 100;
  private size = 0;
  private m = 0;
  private readonly raw: boolean;
  private readonly strict: boolean;

  /** @param options - `rawPrices` (default `false`: rupees) and `strict` (default `true`), as for decode */
  constructor(options?: DecodeOptions) {
    this.raw = options?.rawPrices === true;
    this.strict = options?.strict !== false;
  }

  /**
   * Points the view at a frame (a `Uint8Array`/`Buffer` at any offset of its buffer). Checks the length
   * against the mode as {@link decodeFeedPacket} does and throws the same {@link FeedDecodeError}s;
   * returns the view.
   */
  wrap(bytes: Uint8Array): this {
    const size = checkedFrameSize(bytes, this.strict);
    if (bytes.buffer !== this.dv.buffer) this.dv = new DataView(bytes.buffer);
    this.bytes = bytes;
    this.base = bytes.byteOffset;
    this.size = size;
    this.m = bytes[0]!;
    const exchangeType = bytes[1]!;
    this.div = this.raw ? 1 : exchangeType === CURRENCY_EXCHANGE_TYPE ? 10_000_000 : 100;
    return this;
  }

  private i64(o: number): number {
    const at = this.base + o;
    return this.dv.getInt32(at + 4, true) * TWO_32 + this.dv.getUint32(at, true);
  }

  private need(mode: FeedMode, field: string): void {
    const m = this.m;
    if (m === 0) throw new FeedDecodeError('EMPTY', 'FeedPacketView: no frame wrapped', 0);
    if (mode === FeedMode.QUOTE ? m !== FeedMode.QUOTE && m !== FeedMode.SNAP_QUOTE : m !== mode) {
      throw new FeedDecodeError(
        'UNKNOWN_MODE',
        `FeedPacketView: ${field} is not in a mode ${m} packet`,
        this.size,
        m,
      );
    }
  }

  /** Subscription mode of the frame (1 LTP, 2 Quote, 3 SnapQuote, 4 Depth 20). */
  get mode(): FeedMode {
    return this.m as FeedMode;
  }
  /** Exchange type byte. */
  get exchangeType(): number {
    return this.bytes[1]!;
  }
  /** The token as a string (allocates the string; see {@link tokenIs} for an allocation-free test). */
  get token(): string {
    const b = this.bytes;
    let s = '';
    for (let i = TOKEN_OFFSET; i < TOKEN_END && b[i] !== 0; i++) s += String.fromCharCode(b[i]!);
    return s;
  }
  /** Whether the frame's token equals `token` (no allocation). */
  tokenIs(token: string): boolean {
    const b = this.bytes;
    const n = token.length;
    if (n > 25) return false;
    for (let i = 0; i < n; i++) if (b[TOKEN_OFFSET + i] !== token.charCodeAt(i)) return false;
    return n === 25 || b[TOKEN_OFFSET + n] === 0;
  }
  /** Sequence number (LTP, Quote, SnapQuote). */
  get sequenceNumber(): number {
    return this.m === FeedMode.DEPTH_20 ? Number.NaN : this.i64(27);
  }
  /** Exchange timestamp, epoch ms (every mode). */
  get exchangeTimestamp(): number {
    return this.i64(27 + (this.m === FeedMode.DEPTH_20 ? 0 : 8));
  }
  /** Last traded price (LTP, Quote, SnapQuote). */
  get lastTradedPrice(): number {
    return this.m === FeedMode.DEPTH_20 ? Number.NaN : this.i64(43) / this.div;
  }
  /** Depth 20: the time the exchange packet was received. */
  get packetReceivedTime(): number {
    this.need(FeedMode.DEPTH_20, 'packetReceivedTime');
    return this.i64(35);
  }

  // Quote and SnapQuote fields
  get lastTradedQuantity(): number {
    this.need(FeedMode.QUOTE, 'lastTradedQuantity');
    return this.i64(51);
  }
  get averageTradedPrice(): number {
    this.need(FeedMode.QUOTE, 'averageTradedPrice');
    return this.i64(59) / this.div;
  }
  get volumeTradedForTheDay(): number {
    this.need(FeedMode.QUOTE, 'volumeTradedForTheDay');
    return this.i64(67);
  }
  get totalBuyQuantity(): number {
    this.need(FeedMode.QUOTE, 'totalBuyQuantity');
    return this.dv.getFloat64(this.base + 75, true);
  }
  get totalSellQuantity(): number {
    this.need(FeedMode.QUOTE, 'totalSellQuantity');
    return this.dv.getFloat64(this.base + 83, true);
  }
  get openPrice(): number {
    this.need(FeedMode.QUOTE, 'openPrice');
    return this.i64(91) / this.div;
  }
  get highPrice(): number {
    this.need(FeedMode.QUOTE, 'highPrice');
    return this.i64(99) / this.div;
  }
  get lowPrice(): number {
    this.need(FeedMode.QUOTE, 'lowPrice');
    return this.i64(107) / this.div;
  }
  get closePrice(): number {
    this.need(FeedMode.QUOTE, 'closePrice');
    return this.i64(115) / this.div;
  }

  // SnapQuote fields
  get lastTradedTimestamp(): number {
    this.need(FeedMode.SNAP_QUOTE, 'lastTradedTimestamp');
    return this.i64(123);
  }
  get openInterest(): number {
    this.need(FeedMode.SNAP_QUOTE, 'openInterest');
    return this.i64(131);
  }
  get upperCircuit(): number {
    this.need(FeedMode.SNAP_QUOTE, 'upperCircuit');
    return this.i64(347) / this.div;
  }
  get lowerCircuit(): number {
    this.need(FeedMode.SNAP_QUOTE, 'lowerCircuit');
    return this.i64(355) / this.div;
  }
  get high52Week(): number {
    this.need(FeedMode.SNAP_QUOTE, 'high52Week');
    return this.i64(363) / this.div;
  }
  get low52Week(): number {
    this.need(FeedMode.SNAP_QUOTE, 'low52Week');
    return this.i64(371) / this.div;
  }

  /** Number of depth levels per side: 5 (SnapQuote), 20 (Depth 20), 0 otherwise. */
  get depthLevels(): number {
    const m = this.m;
    return m === FeedMode.SNAP_QUOTE ? 5 : m === FeedMode.DEPTH_20 ? 20 : 0;
  }

  /** Offset of a level's entry (SnapQuote best five or Depth 20), after a range check. */
  private level(side: 0 | 1, i: number): number {
    const m = this.m;
    if (m === FeedMode.SNAP_QUOTE && i >>> 0 === i && i < 5)
      return (side === 0 ? BEST_FIVE_OFFSET : ASKS_OFFSET) + i * BEST_FIVE_ENTRY;
    if (m === FeedMode.DEPTH_20 && i >>> 0 === i && i < 20)
      return (side === 0 ? DEPTH_OFFSET : DEPTH_ASKS_OFFSET) + i * DEPTH_ENTRY;
    throw new RangeError(`FeedPacketView: no depth level ${i} in a mode ${m} packet`);
  }
  private levelPrice(side: 0 | 1, i: number): number {
    const o = this.level(side, i);
    return this.m === FeedMode.SNAP_QUOTE
      ? this.i64(o + 10) / this.div
      : this.dv.getInt32(this.base + o + 4, true) / this.div;
  }
  private levelQuantity(side: 0 | 1, i: number): number {
    const o = this.level(side, i);
    return this.m === FeedMode.SNAP_QUOTE ? this.i64(o + 2) : this.dv.getInt32(this.base + o, true);
  }
  private levelOrders(side: 0 | 1, i: number): number {
    const o = this.level(side, i);
    return this.dv.getInt16(this.base + o + (this.m === FeedMode.SNAP_QUOTE ? 18 : 8), true);
  }

  /** Price of bid level `i` (0 = best; SnapQuote 0–4, Depth 20 0–19). */
  bidPrice(i: number): number {
    return this.levelPrice(0, i);
  }
  /** Quantity of bid level `i`. */
  bidQuantity(i: number): number {
    return this.levelQuantity(0, i);
  }
  /** Orders at bid level `i`. */
  bidOrders(i: number): number {
    return this.levelOrders(0, i);
  }
  /** Price of ask level `i` (0 = best). */
  askPrice(i: number): number {
    return this.levelPrice(1, i);
  }
  /** Quantity of ask level `i`. */
  askQuantity(i: number): number {
    return this.levelQuantity(1, i);
  }
  /** Orders at ask level `i`. */
  askOrders(i: number): number {
    return this.levelOrders(1, i);
  }
}
