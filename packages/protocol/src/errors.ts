/**
 * The venue's error codes (docs/protocol/rest.md#error-codes, docs/protocol/websocket.md#feed-errors, #order-feed), each with the
 * category the SDK maps to an error class, the HTTP status and envelope form the paper broker answers
 * with, and whether a client may retry. One table, used by both sides.
 */

/** Error category; the SDK maps each to one error class. */
export type ErrorCategory =
  | 'auth' // AuthenticationError: credentials, tokens, sessions
  | 'permission' // PermissionError: blocked client, not allowed
  | 'input' // InputError: invalid parameters
  | 'order' // OrderRejectedError: business rejection of an order/GTT/conversion
  | 'not_found' // NotFoundError: empty books, unknown ids
  | 'rate_limit' // RateLimitError
  | 'server' // ServerError: venue-side failures
  | 'feed'; // WebSocket error frames / upgrade refusals

/**
 * Which envelope spelling the venue uses for the code: `status` = `{status, message, errorcode, data}`,
 * `success` = the gateway form `{success, message, errorCode, data}`.
 */
export type EnvelopeForm = 'status' | 'success';

/** One row of the error-code table. */
export interface ErrorCodeInfo {
  readonly code: string;
  readonly message: string;
  readonly category: ErrorCategory;
  /** HTTP status the paper broker answers with (the venue answers business errors with 200). */
  readonly httpStatus: number;
  /** A client may retry the same request after a backoff. */
  readonly retryable: boolean;
  /** The JWT/session is no longer valid: a client should refresh tokens (or log in again). */
  readonly sessionInvalid: boolean;
  readonly envelope: EnvelopeForm;
}

function e(
  code: string,
  message: string,
  category: ErrorCategory,
  opts: { http?: number; retryable?: boolean; sessionInvalid?: boolean; envelope?: EnvelopeForm } = {},
): ErrorCodeInfo {
  return {
    code,
    message,
    category,
    httpStatus: opts.http ?? 200,
    retryable: opts.retryable ?? false,
    sessionInvalid: opts.sessionInvalid ?? false,
    envelope: opts.envelope ?? 'status',
  };
}

const gw = { envelope: 'success' as const, sessionInvalid: true };

const ROWS: readonly ErrorCodeInfo[] = [
  // Gateway / token errors: the `success/errorCode` envelope ([INF] 401 for AG8001/AG8003, 403 for AG8002).
  e('AG8001', 'Invalid Token', 'auth', { ...gw, http: 401 }),
  e('AG8002', 'Token Expired', 'auth', { ...gw, http: 403 }),
  e('AG8003', 'Token missing', 'auth', { ...gw, http: 401 }),
  e('AG8004', 'Invalid or missing API key', 'auth', { envelope: 'success', http: 401 }),
  // REST (docs' Exceptions page)
  e('AB8050', 'Invalid Refresh Token', 'auth', { sessionInvalid: true }),
  e('AB8051', 'Refresh Token Expired', 'auth', { sessionInvalid: true }),
  e('AB1000', 'Invalid Email Or Password', 'auth'),
  e('AB1001', 'Invalid Email', 'auth'),
  e('AB1002', 'Invalid Password Length', 'input'),
  e('AB1003', 'Client Already Exists', 'input'),
  e('AB1004', 'Something Went Wrong, Please Try After Sometime', 'server', { retryable: true }),
  e('AB1005', 'User Type Must Be USER', 'input'),
  e('AB1006', 'Client Is Block For Trading', 'permission'),
  e('AB1007', 'Login Id or password is invalid', 'auth'),
  e('AB1008', 'Invalid Order Variety', 'input'),
  e('AB1009', 'Symbol Not Found', 'input'),
  e('AB1010', 'AMX Session Expired', 'auth', { sessionInvalid: true }),
  e('AB1011', 'Client not login', 'auth', { sessionInvalid: true }),
  e('AB1012', 'Invalid Product Type', 'input'),
  e('AB1013', 'Order not found', 'not_found'),
  e('AB1014', 'Trade not found', 'not_found'),
  e('AB1015', 'Holding not found', 'not_found'),
  e('AB1016', 'Position not found', 'not_found'),
  e('AB1017', 'Position conversion failed', 'order'),
  e('AB1018', 'Failed to get symbol details', 'input'),
  e('AB1031', 'Old Password Mismatch', 'auth'),
  e('AB1032', 'User Not Found', 'auth'),
  e('AB1050', 'Invalid totp', 'auth'),
  e('AB2000', 'Error not specified', 'server'),
  e('AB2001', 'Internal Error, Please try after sometime', 'server', { retryable: true }),
  e('AB2002', 'ROBO order is block', 'order'),
  e('AB4008', 'ordertag length should be less than 20 characters', 'input'),
  // [INF] The paper broker's code for an order the risk checks rejected (funds, lot, tick, freeze, circuit):
  // the venue documents no code for it. The answer carries the venue's rejection text and, in `data`, the
  // rejected order's ids (the row stays in the order book).
  e('AB4001', 'Order rejected by RMS', 'order'),
  e('AB4018', 'Symbol token cannot be empty', 'input'),
  e('AG1000', 'You have already been registered with CDSL for today', 'order'),
  e('AG2001', 'Something went wrong. Please try again', 'server', { retryable: true }),
  // GTT
  e('AB9000', 'Internal Server Error', 'server', { retryable: true }),
  e('AB9001', 'Invalid Parameters', 'input'),
  e('AB9002', 'Method Not Allowed', 'input'),
  e('AB9003', 'Invalid Client ID', 'input'),
  e('AB9004', 'Invalid Status Array Size', 'input'),
  e('AB9005', 'Invalid Session ID', 'auth', { sessionInvalid: true }),
  e('AB9006', 'Invalid Order Quantity', 'input'),
  e('AB9007', 'Invalid Disclosed Quantity', 'input'),
  e('AB9008', 'Invalid Price', 'input'),
  e('AB9009', 'Invalid Trigger Price', 'input'),
  e('AB9010', 'Invalid Exchange Segment', 'input'),
  e('AB9011', 'Invalid Symbol Token', 'input'),
  e('AB9012', 'Invalid Trading Symbol', 'input'),
  e('AB9013', 'Invalid Rule ID', 'not_found'),
  e('AB9014', 'Invalid Order Side', 'input'),
  e('AB9015', 'Invalid Product Type', 'input'),
  e('AB9016', 'Invalid Time Period', 'input'),
  e('AB9017', 'Invalid Page Value', 'input'),
  e('AB9018', 'Invalid Count Value', 'input'),
  // Market-data WebSocket error frames
  e('E1001', 'Invalid Request Payload.', 'feed'),
  e('E1002', 'Invalid Request. Subscription Limit Exceeded.', 'feed'),
];

/** The error-code table, keyed by code. */
export const ERROR_CODES: Readonly<Record<string, ErrorCodeInfo>> = Object.freeze(
  Object.fromEntries(ROWS.map((row) => [row.code, row])),
);

/** Well-known codes by a readable name, so code never spells a bare code string. */
export const ErrorCode = {
  INVALID_TOKEN: 'AG8001',
  TOKEN_EXPIRED: 'AG8002',
  TOKEN_MISSING: 'AG8003',
  INVALID_API_KEY: 'AG8004',
  INVALID_REFRESH_TOKEN: 'AB8050',
  REFRESH_TOKEN_EXPIRED: 'AB8051',
  INVALID_CREDENTIALS: 'AB1007',
  INVALID_EMAIL_OR_PASSWORD: 'AB1000',
  CLIENT_ALREADY_EXISTS: 'AB1003',
  SOMETHING_WENT_WRONG: 'AB1004',
  USER_TYPE_MUST_BE_USER: 'AB1005',
  CLIENT_BLOCKED: 'AB1006',
  INVALID_VARIETY: 'AB1008',
  SYMBOL_NOT_FOUND: 'AB1009',
  SESSION_EXPIRED: 'AB1010',
  CLIENT_NOT_LOGIN: 'AB1011',
  INVALID_PRODUCT_TYPE: 'AB1012',
  ORDER_NOT_FOUND: 'AB1013',
  TRADE_NOT_FOUND: 'AB1014',
  HOLDING_NOT_FOUND: 'AB1015',
  POSITION_NOT_FOUND: 'AB1016',
  POSITION_CONVERSION_FAILED: 'AB1017',
  SYMBOL_DETAILS_FAILED: 'AB1018',
  USER_NOT_FOUND: 'AB1032',
  INVALID_TOTP: 'AB1050',
  ERROR_NOT_SPECIFIED: 'AB2000',
  INTERNAL_ERROR: 'AB2001',
  ROBO_BLOCKED: 'AB2002',
  ORDERTAG_TOO_LONG: 'AB4008',
  ORDER_REJECTED_BY_RMS: 'AB4001',
  SYMBOL_TOKEN_EMPTY: 'AB4018',
  EDIS_ALREADY_REGISTERED: 'AG1000',
  EDIS_FAILED: 'AG2001',
  GTT_INTERNAL: 'AB9000',
  GTT_INVALID_PARAMETERS: 'AB9001',
  GTT_METHOD_NOT_ALLOWED: 'AB9002',
  GTT_INVALID_STATUS_ARRAY: 'AB9004',
  GTT_INVALID_QUANTITY: 'AB9006',
  GTT_INVALID_DISCLOSED_QUANTITY: 'AB9007',
  GTT_INVALID_PRICE: 'AB9008',
  GTT_INVALID_TRIGGER_PRICE: 'AB9009',
  GTT_INVALID_EXCHANGE: 'AB9010',
  GTT_INVALID_SYMBOL_TOKEN: 'AB9011',
  GTT_INVALID_TRADING_SYMBOL: 'AB9012',
  GTT_INVALID_RULE_ID: 'AB9013',
  GTT_INVALID_ORDER_SIDE: 'AB9014',
  GTT_INVALID_PRODUCT_TYPE: 'AB9015',
  GTT_INVALID_TIME_PERIOD: 'AB9016',
  GTT_INVALID_PAGE: 'AB9017',
  GTT_INVALID_COUNT: 'AB9018',
  FEED_INVALID_PAYLOAD: 'E1001',
  FEED_SUBSCRIPTION_LIMIT: 'E1002',
} as const;
export type ErrorCode = (typeof ErrorCode)[keyof typeof ErrorCode];

/** Looks a code up; unknown codes get a generic server-category row (never throws). */
export function errorInfo(code: string | undefined | null): ErrorCodeInfo {
  const known = code ? ERROR_CODES[code] : undefined;
  if (known) return known;
  return {
    code: code ?? '',
    message: 'Unknown error',
    category: 'server',
    httpStatus: 200,
    retryable: false,
    sessionInvalid: false,
    envelope: 'status',
  };
}

/** Plain-text body of the venue's HTTP 403 rate-limit answer. */
export const RATE_LIMIT_TEXT = 'Access denied because of exceeding access rate';
/** HTTP status of the rate-limit answer. */
export const RATE_LIMIT_HTTP_STATUS = 403;

/** `x-error-message` header texts of a refused market-feed upgrade (HTTP 401). */
export const FeedAuthMessage = {
  INVALID_AUTH_TOKEN: 'Invalid Header - Invalid Auth token',
  INVALID_CLIENT_CODE: 'Invalid Header - Invalid Client Code',
  INVALID_API_KEY: 'Invalid Header - Invalid API Key',
  INVALID_FEED_TOKEN: 'Invalid Header - Invalid Feed Token',
} as const;
export type FeedAuthMessage = (typeof FeedAuthMessage)[keyof typeof FeedAuthMessage];

/** HTTP statuses of a refused order-update upgrade (docs/protocol/websocket.md#order-feed). */
export const OrderFeedRefusal = { INVALID_TOKEN: 401, EXPIRED_TOKEN: 403, CONNECTION_LIMIT: 429 } as const;
