/**
 * Errors of the market-feed binary codec. They extend `Error` directly (the protocol package has no
 * error tree of its own); the SDK's `FeedDecodeError` may wrap one as its `cause`.
 */

/** Why a binary market-feed frame could not be decoded. */
export const FeedDecodeErrorCode = {
  /** The frame has no bytes. */
  EMPTY: 'EMPTY',
  /** Byte 0 is not a known subscription mode (1–4). */
  UNKNOWN_MODE: 'UNKNOWN_MODE',
  /** The frame is shorter than its mode's packet size. */
  TRUNCATED: 'TRUNCATED',
  /** The frame is longer than its mode's packet size (only with `strict`, the default). */
  TOO_LONG: 'TOO_LONG',
} as const;
/** A stable code of a {@link FeedDecodeError}. */
export type FeedDecodeErrorCode = (typeof FeedDecodeErrorCode)[keyof typeof FeedDecodeErrorCode];

/** Thrown by `decodeFeedPacket` for a frame that is not a well-formed packet; never garbage data. */
export class FeedDecodeError extends Error {
  override readonly name = 'FeedDecodeError';
  /** Stable machine-readable reason. */
  readonly code: FeedDecodeErrorCode;
  /** Mode byte of the frame, when it has one. */
  readonly mode: number | undefined;
  /** Length of the frame in bytes. */
  readonly length: number;
  /** Packet size of the frame's mode, when the mode is known. */
  readonly expectedLength: number | undefined;

  /**
   * @param code - stable reason
   * @param message - human-readable description
   * @param length - frame length in bytes
   * @param mode - mode byte, if any
   * @param expectedLength - packet size of that mode, if known
   */
  constructor(
    code: FeedDecodeErrorCode,
    message: string,
    length: number,
    mode?: number,
    expectedLength?: number,
  ) {
    super(message);
    this.code = code;
    this.length = length;
    this.mode = mode;
    this.expectedLength = expectedLength;
  }
}

/** Why a tick could not be encoded. */
export const FeedEncodeErrorCode = {
  /** `mode` is not 1–4. */
  UNKNOWN_MODE: 'UNKNOWN_MODE',
  /** The token is longer than 25 bytes, contains NUL or a character above U+00FF. */
  INVALID_TOKEN: 'INVALID_TOKEN',
  /** A field is missing, not finite, not an integer where one is needed, or out of its wire range. */
  INVALID_VALUE: 'INVALID_VALUE',
  /** More than 5 (SnapQuote) or 20 (Depth-20) levels on one side. */
  TOO_MANY_LEVELS: 'TOO_MANY_LEVELS',
} as const;
/** A stable code of a {@link FeedEncodeError}. */
export type FeedEncodeErrorCode = (typeof FeedEncodeErrorCode)[keyof typeof FeedEncodeErrorCode];

/** Thrown by `encodeFeedPacket` for a tick that cannot be represented on the wire. */
export class FeedEncodeError extends Error {
  override readonly name = 'FeedEncodeError';
  /** Stable machine-readable reason. */
  readonly code: FeedEncodeErrorCode;
  /** The offending field (camelCase tick path such as `bestBids[2].orders`), when there is one. */
  readonly field: string | undefined;

  /**
   * @param code - stable reason
   * @param message - human-readable description
   * @param field - offending field path, if any
   */
  constructor(code: FeedEncodeErrorCode, message: string, field?: string) {
    super(message);
    this.code = code;
    this.field = field;
  }
}
