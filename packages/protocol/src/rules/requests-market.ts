/**
 * Request rules of the market-data, margin and charges, EDIS and analytics routes (the table is in
 * `requests.ts`; codes and messages as there: market-data fields `AB1018`, EDIS fields `AG2001`).
 */
import { Type } from '@sinclair/typebox';
import {
  Exchange,
  ExpiryType,
  GainersLosersDataType,
  INTERVAL_MAX_DAYS,
  Interval,
  OiBuildupDataType,
  OrderType,
  ProductType,
  QuoteMode,
  TransactionType,
} from '../enums.js';
import { ErrorCode } from '../errors.js';
import { parseExpiry, parseIstDateTime } from '../time.js';
import { type RuleFailure, readField } from './check.js';
import { decimal, enumOf, idLike, integer, strictText, text } from './fields.js';

import {
  BAD_SYMBOL,
  body,
  EDIS,
  fail,
  INVALID,
  MAX_CHARGE_ORDERS,
  MAX_MARGIN_POSITIONS,
  MAX_QUOTE_TOKENS,
  MAX_SEARCH_TEXT,
  msg,
  producttype,
  values,
} from './request-kit.js';

// ───────────────────────────── market data ─────────────────────────────

const mdExchange = enumOf(values(Exchange), {
  code: BAD_SYMBOL,
  message: 'Invalid exchange',
  upper: true,
  description: 'Case-insensitive',
});
/** A missing symboltoken answers AB4018 "Symbol token cannot be empty"; a malformed one AB1018. */
const mdTokenRequired = idLike({
  code: BAD_SYMBOL,
  message: 'Invalid symboltoken',
  missing: { code: ErrorCode.SYMBOL_TOKEN_EMPTY, message: msg(ErrorCode.SYMBOL_TOKEN_EMPTY) },
});

export const getLtpData = body(
  {
    tradingsymbol: Type.Optional(strictText({ code: BAD_SYMBOL, message: 'Invalid tradingsymbol' })),
    exchange: mdExchange,
    symboltoken: mdTokenRequired,
  },
  BAD_SYMBOL,
  'The token decides the instrument; tradingsymbol is type-checked only.',
);

export const quote = body(
  {
    mode: enumOf(values(QuoteMode), { code: BAD_SYMBOL, message: 'Invalid mode', upper: true }),
    exchangeTokens: Type.Object(
      {},
      {
        additionalProperties: Type.Array(
          Type.Union([Type.String(), Type.Integer({ minimum: 0 }), Type.Null()]),
        ),
        'x-errorcode': BAD_SYMBOL,
        'x-message': 'Invalid exchangeTokens',
        description: `Exchange (case-insensitive) → tokens; at most ${MAX_QUOTE_TOKENS} tokens in all. Empty tokens come back in unfetched (AB4018).`,
      },
    ),
  },
  BAD_SYMBOL,
);

export function quoteRefine(b: unknown): RuleFailure | undefined {
  const raw = (b as { exchangeTokens?: unknown }).exchangeTokens;
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw))
    return fail(BAD_SYMBOL, 'Invalid exchangeTokens', 'exchangeTokens');
  let total = 0;
  for (const [ex, list] of Object.entries(raw)) {
    if (!(values(Exchange) as string[]).includes(ex.trim().toUpperCase()))
      return fail(BAD_SYMBOL, `Invalid exchange ${ex}`, `exchangeTokens.${ex}`);
    if (!Array.isArray(list)) return fail(BAD_SYMBOL, `Invalid token list for ${ex}`, `exchangeTokens.${ex}`);
    for (const t of list as unknown[]) {
      const okToken =
        t === null ||
        t === undefined ||
        typeof t === 'string' ||
        (typeof t === 'number' && Number.isSafeInteger(t) && t >= 0);
      if (!okToken) return fail(BAD_SYMBOL, `Invalid token in ${ex}`, `exchangeTokens.${ex}`);
      total++;
    }
  }
  if (total > MAX_QUOTE_TOKENS)
    return fail(BAD_SYMBOL, `Maximum ${MAX_QUOTE_TOKENS} tokens allowed per request`, 'exchangeTokens');
  return undefined;
}

const HISTORICAL_EXCHANGES = [Exchange.NSE, Exchange.NFO, Exchange.BSE, Exchange.BFO, Exchange.MCX] as const;
const CANDLE_DATE = '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}$';
export const candleRequest = body(
  {
    exchange: enumOf([...HISTORICAL_EXCHANGES], {
      code: BAD_SYMBOL,
      message: 'Invalid exchange',
      upper: true,
      description: 'NSE, NFO, BSE, BFO or MCX (case-insensitive)',
    }),
    symboltoken: mdTokenRequired,
    interval: enumOf(values(Interval), { code: BAD_SYMBOL, message: 'Invalid interval', upper: true }),
    fromdate: strictText({
      code: BAD_SYMBOL,
      message: 'Invalid fromdate: expected yyyy-MM-dd HH:mm',
      pattern: CANDLE_DATE,
      description: 'yyyy-MM-dd HH:mm, IST',
    }),
    todate: strictText({
      code: BAD_SYMBOL,
      message: 'Invalid todate: expected yyyy-MM-dd HH:mm',
      pattern: CANDLE_DATE,
      description: 'yyyy-MM-dd HH:mm, IST',
    }),
  },
  BAD_SYMBOL,
  'fromdate <= todate, and the span is at most the interval’s maximum days (ONE_MINUTE 30, THREE_MINUTE 60, ' +
    'FIVE_MINUTE and TEN_MINUTE 100, FIFTEEN_MINUTE and THIRTY_MINUTE 200, ONE_HOUR 400, ONE_DAY 2000).',
);

const DAY_MS = 86_400_000;
export function candleRefine(b: unknown): RuleFailure | undefined {
  const s = candleRequest;
  const from = parseIstDateTime(readField(s, b, 'fromdate') as string);
  if (from === undefined) return fail(BAD_SYMBOL, 'Invalid fromdate: expected yyyy-MM-dd HH:mm', 'fromdate');
  const to = parseIstDateTime(readField(s, b, 'todate') as string);
  if (to === undefined) return fail(BAD_SYMBOL, 'Invalid todate: expected yyyy-MM-dd HH:mm', 'todate');
  if (from > to) return fail(BAD_SYMBOL, 'fromdate must not be after todate', 'fromdate');
  const interval = readField(s, b, 'interval') as Interval;
  const max = INTERVAL_MAX_DAYS[interval];
  if (to - from > max * DAY_MS)
    return fail(BAD_SYMBOL, `Maximum ${max} days allowed for interval ${interval}`, 'todate');
  return undefined;
}

export const searchScrip = body(
  {
    exchange: mdExchange,
    searchscrip: strictText({ code: BAD_SYMBOL, message: 'Invalid searchscrip', maxLength: MAX_SEARCH_TEXT }),
  },
  BAD_SYMBOL,
);

// ───────────────────────────── margin, charges ─────────────────────────────

export const marginBatch = body(
  {
    positions: Type.Array(
      Type.Object(
        {
          exchange: enumOf(values(Exchange), { code: INVALID, message: 'Invalid exchange' }),
          productType: producttype,
          tradeType: enumOf(values(TransactionType), { code: INVALID, message: 'Invalid tradeType' }),
          qty: integer({ code: INVALID, message: 'Invalid qty', positive: true }),
          token: text({ code: ErrorCode.SYMBOL_TOKEN_EMPTY, message: msg(ErrorCode.SYMBOL_TOKEN_EMPTY) }),
          price: Type.Optional(
            decimal({ code: INVALID, message: 'Invalid price', description: '0 = at the LTP' }),
          ),
          orderType: Type.Optional(
            enumOf(values(OrderType), { code: INVALID, message: 'Invalid orderType' }),
          ),
        },
        { additionalProperties: true, 'x-errorcode': INVALID, 'x-message': 'Invalid {field}' },
      ),
      {
        minItems: 1,
        maxItems: MAX_MARGIN_POSITIONS,
        'x-errorcode': INVALID,
        'x-message': `positions must hold 1 to ${MAX_MARGIN_POSITIONS} entries`,
      },
    ),
  },
  INVALID,
);

export const estimateCharges = body(
  {
    orders: Type.Array(
      Type.Object(
        {
          product_type: enumOf(values(ProductType), { code: INVALID, message: '{field} is invalid' }),
          transaction_type: enumOf(values(TransactionType), { code: INVALID, message: '{field} is invalid' }),
          exchange: enumOf(values(Exchange), { code: INVALID, message: '{field} is invalid' }),
          quantity: integer({ code: INVALID, message: '{field} is invalid', positive: true }),
          price: decimal({ code: INVALID, message: '{field} is invalid' }),
          symbol_name: Type.Optional(text({ code: INVALID, message: '{field} is invalid' })),
          token: Type.Optional(text({ code: INVALID, message: '{field} is invalid' })),
        },
        { additionalProperties: true, 'x-errorcode': INVALID, 'x-message': '{field} is invalid' },
      ),
      {
        minItems: 1,
        maxItems: MAX_CHARGE_ORDERS,
        'x-errorcode': INVALID,
        'x-message': `orders must hold 1 to ${MAX_CHARGE_ORDERS} entries`,
      },
    ),
  },
  INVALID,
);

// ───────────────────────────── EDIS ─────────────────────────────

const edisText = () => text({ code: EDIS, message: msg(EDIS) });
export const verifyDis = body(
  {
    isin: strictText({
      code: EDIS,
      message: msg(EDIS),
      pattern: '^[A-Za-z]{2}[A-Za-z0-9]{9}\\d$',
      description: 'A 12-character ISIN, e.g. INE002A01018',
    }),
    quantity: integer({ code: EDIS, message: msg(EDIS), positive: true }),
  },
  EDIS,
);
export const generateTPIN = body(
  { dpId: edisText(), ReqId: edisText(), boid: edisText(), pan: edisText() },
  EDIS,
);
export const getTranStatus = body({ ReqId: edisText() }, EDIS);

// ───────────────────────────── analytics ─────────────────────────────

export const optionGreek = body(
  {
    name: strictText({ code: BAD_SYMBOL, message: 'Invalid name', description: 'Underlying, e.g. TCS' }),
    expirydate: strictText({
      code: BAD_SYMBOL,
      message: 'Invalid expirydate: expected DDMMMYYYY',
      pattern: '^\\d{2}[A-Za-z]{3}\\d{4}$',
      description: 'DDMMMYYYY, e.g. 25JAN2024',
    }),
  },
  BAD_SYMBOL,
);

export function optionGreekRefine(b: unknown): RuleFailure | undefined {
  if (parseExpiry(readField(optionGreek, b, 'expirydate') as string) === undefined)
    return fail(BAD_SYMBOL, 'Invalid expirydate: expected DDMMMYYYY', 'expirydate');
  return undefined;
}

const expirytype = enumOf(values(ExpiryType), {
  code: BAD_SYMBOL,
  message: 'Invalid expirytype',
  upper: true,
});
export const gainersLosers = body(
  {
    datatype: enumOf(values(GainersLosersDataType), { code: BAD_SYMBOL, message: 'Invalid datatype' }),
    expirytype,
  },
  BAD_SYMBOL,
);
export const oiBuildup = body(
  {
    datatype: enumOf(values(OiBuildupDataType), {
      code: BAD_SYMBOL,
      message: 'Invalid datatype',
      description: 'Exactly one space between words',
    }),
    expirytype,
  },
  BAD_SYMBOL,
);
