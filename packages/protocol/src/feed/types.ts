/**
 * Types of the WebSocket 2.0 ("Smart Stream") binary market-data packets
 * (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20, #feed-errors, #price-scaling).
 */

/**
 * Subscription modes of the market feed, as carried in byte 0 of every binary packet and in
 * `params.mode` of a subscribe request (`wss://smartapisocket.angelone.in/smart-stream`).
 */
export const FeedMode = {
  /** Last traded price only (51-byte packet). */
  LTP: 1,
  /** LTP plus day OHLC, volume and totals (123-byte packet). */
  QUOTE: 2,
  /** Quote plus open interest, best five levels, circuits and 52-week range (379-byte packet). */
  SNAP_QUOTE: 3,
  /** Twenty levels of market depth, nse_cm only (443-byte packet). */
  DEPTH_20: 4,
} as const;
/** A market-feed subscription mode: 1 LTP, 2 Quote, 3 SnapQuote, 4 Depth-20. */
export type FeedMode = (typeof FeedMode)[keyof typeof FeedMode];

/**
 * Exact size in bytes of one binary packet of each mode (docs/protocol/websocket.md#tick-packet, #depth-20). One WebSocket binary frame
 * carries exactly one packet, with no length prefix.
 */
export const PACKET_SIZE = {
  [FeedMode.LTP]: 51,
  [FeedMode.QUOTE]: 123,
  [FeedMode.SNAP_QUOTE]: 379,
  [FeedMode.DEPTH_20]: 443,
} as const satisfies Readonly<Record<FeedMode, number>>;

/** The `exchangeType` whose prices are scaled by 10^7 instead of 100 (cde_fo, currency; docs/protocol/websocket.md#price-scaling). */
export const CURRENCY_EXCHANGE_TYPE = 13;

/**
 * One price level of the order book: a best-five entry (SnapQuote) or a depth-20 level.
 * Empty levels are all zeros.
 */
export interface DepthLevel {
  /** Price in rupees (or raw integer paise / 10^-7 units with `rawPrices`). */
  price: number;
  /** Quantity at this level (int64 in SnapQuote, int32 in Depth-20). */
  quantity: number;
  /** Number of orders at this level (int16, signed). */
  orders: number;
}

/**
 * Fields common to every tick carrying a header (mode, exchange, token).
 */
export interface FeedTickHeader {
  /** Subscription mode of the packet (byte 0). */
  mode: FeedMode;
  /** Exchange segment code (byte 1): 1 nse_cm, 2 nse_fo, 3 bse_cm, 4 bse_fo, 5 mcx_fo, 7 ncx_fo, 13 cde_fo. */
  exchangeType: number;
  /**
   * Scrip-master token (bytes 2–26): the bytes up to the first NUL, each byte mapped to one character
   * (ISO-8859-1 / latin1, a superset of the ASCII digits the venue sends).
   */
  token: string;
}

/** Decoded LTP packet (mode 1, 51 bytes). */
export interface LtpTick extends FeedTickHeader {
  /** Always {@link FeedMode.LTP}. */
  mode: typeof FeedMode.LTP;
  /** Sequence number (int64); not meaningful for indices. */
  sequenceNumber: number;
  /** Exchange feed time, epoch milliseconds (int64). */
  exchangeTimestamp: number;
  /** Last traded price (int64 paise on the wire). */
  lastTradedPrice: number;
}

/** Fields Quote and SnapQuote packets add after the LTP block (offsets 51–122). */
export interface QuoteFields {
  /** Sequence number (int64); not meaningful for indices. */
  sequenceNumber: number;
  /** Exchange feed time, epoch milliseconds (int64). */
  exchangeTimestamp: number;
  /** Last traded price (int64 paise on the wire). */
  lastTradedPrice: number;
  /** Last traded quantity (int64). */
  lastTradedQuantity: number;
  /** Average traded price (int64 paise on the wire). */
  averageTradedPrice: number;
  /** Volume traded for the day (int64). */
  volumeTradedForTheDay: number;
  /** Total pending buy quantity (float64 on the wire). */
  totalBuyQuantity: number;
  /** Total pending sell quantity (float64 on the wire). */
  totalSellQuantity: number;
  /** Day open (int64 paise on the wire). */
  openPrice: number;
  /** Day high (int64 paise on the wire). */
  highPrice: number;
  /** Day low (int64 paise on the wire). */
  lowPrice: number;
  /** Previous close (int64 paise on the wire). */
  closePrice: number;
}

/** Decoded Quote packet (mode 2, 123 bytes). */
export interface QuoteTick extends FeedTickHeader, QuoteFields {
  /** Always {@link FeedMode.QUOTE}. */
  mode: typeof FeedMode.QUOTE;
}

/**
 * Decoded SnapQuote packet (mode 3, 379 bytes). The open-interest-change-% field (offset 139) is a
 * documented garbage value and is not decoded.
 */
export interface SnapQuoteTick extends FeedTickHeader, QuoteFields {
  /** Always {@link FeedMode.SNAP_QUOTE}. */
  mode: typeof FeedMode.SNAP_QUOTE;
  /** Last traded time (int64; unit undocumented: seconds or milliseconds). */
  lastTradedTimestamp: number;
  /** Open interest (int64). */
  openInterest: number;
  /** Best five bids, best first; always 5 entries (wire packets 0–4). */
  bestBids: DepthLevel[];
  /** Best five asks, best first; always 5 entries (wire packets 5–9). */
  bestAsks: DepthLevel[];
  /** Upper circuit limit (int64 paise on the wire). */
  upperCircuit: number;
  /** Lower circuit limit (int64 paise on the wire). */
  lowerCircuit: number;
  /** 52-week high (int64 paise on the wire). */
  high52Week: number;
  /** 52-week low (int64 paise on the wire). */
  low52Week: number;
}

/** Decoded Depth-20 packet (mode 4, 443 bytes). */
export interface Depth20Tick extends FeedTickHeader {
  /** Always {@link FeedMode.DEPTH_20}. */
  mode: typeof FeedMode.DEPTH_20;
  /** Exchange feed time, epoch milliseconds (int64 at offset 27). */
  exchangeTimestamp: number;
  /** Packet received time (int64 at offset 35); documented as a dummy value. */
  packetReceivedTime: number;
  /** Twenty bid levels, best first. */
  bestBids: DepthLevel[];
  /** Twenty ask levels, best first. */
  bestAsks: DepthLevel[];
}

/** Any decoded market-feed tick; discriminate on `mode`. */
export type FeedTick = LtpTick | QuoteTick | SnapQuoteTick | Depth20Tick;

/** Options of `decodeFeedPacket`. */
export interface DecodeOptions {
  /**
   * Return prices as the raw wire integers (paise; 10^-7 rupee for exchangeType 13) instead of rupees.
   * @default false
   */
  rawPrices?: boolean;
  /**
   * Reject packets longer than their mode's size with `TOO_LONG`. With `false` the trailing bytes
   * are ignored. Short packets are always rejected.
   * @default true
   */
  strict?: boolean;
}

/** Options of `encodeFeedPacket`. */
export interface EncodeOptions {
  /**
   * The tick's prices are raw wire integers (paise; 10^-7 rupee for exchangeType 13) instead of rupees.
   * @default false
   */
  rawPrices?: boolean;
}
