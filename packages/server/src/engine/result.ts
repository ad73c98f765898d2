/**
 * Results of engine commands and queries: response data or a {@link Rejection}. A rejection is an
 * instance of its own class, so every layer up to HTTP tells it from data by type, never by shape.
 */
import { ERROR_CODES } from '@smartapi-ts/protocol';

/** A business rejection: the venue error code (protocol `ErrorCode`) and message for `status:false`. */
export class Rejection {
  readonly errorcode: string;
  readonly message: string;
  /**
   * Data the venue still returns with this failure (EDIS `AG1000` returns `ReqId` and nulls; an RMS
   * rejection the order's ids); the HTTP layer puts it into the envelope's `data` (absent = `null`).
   */
  readonly data?: unknown;

  constructor(errorcode: string, message: string, data?: unknown) {
    this.errorcode = errorcode;
    this.message = message;
    if (data !== undefined) this.data = data;
  }
}

/** Response data of type `T`, or a rejection. */
export type Result<T> = T | Rejection;

/** True when a command/query result is a {@link Rejection} rather than response data. */
export function isRejection(value: unknown): value is Rejection {
  return value instanceof Rejection;
}

/** Builds a rejection; the message defaults to the protocol table's text for the code. */
export function reject(errorcode: string, message?: string, data?: unknown): Rejection {
  return new Rejection(errorcode, message ?? ERROR_CODES[errorcode]?.message ?? 'Error', data);
}
