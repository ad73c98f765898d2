/**
 * The request rules of every route: required fields, enums, numeric-string formats, length limits and
 * the few cross-field rules, each with the venue's error code and message. One table, used by the
 * SDK's pre-send checks, the paper broker's fastify validation and its OpenAPI document.
 *
 * Codes and messages are the ones the venue (and so the paper broker) answers for each case (spec
 * docs/protocol/rest.md#error-codes): order fields with no dedicated venue code answer `AB9001`; market-data fields
 * answer `AB1018`; EDIS fields `AG2001`. Fields are checked in the order they are declared here, which
 * is the order the paper broker's engine reads them in, so the first failure is the same on both sides.
 *
 * GET routes take no request body (the venue ignores a GET's query string and body), so they have no
 * body rules.
 */
import { type Static, type TObject, type TSchema, Type } from '@sinclair/typebox';
import {
  Duration,
  Exchange,
  ExpiryType,
  GainersLosersDataType,
  GttStatus,
  INTERVAL_MAX_DAYS,
  Interval,
  OiBuildupDataType,
  OrderType,
  ProductType,
  QuoteMode,
  TransactionType,
  Variety,
} from '../enums.js';
import { ERROR_CODES, ErrorCode } from '../errors.js';
import type { RouteName } from '../routes.js';
import { parseExpiry, parseIstDateTime } from '../time.js';
import { type RuleFailure, readField, readNumber } from './check.js';
import { decimal, enumOf, idLike, integer, strictText, text } from './fields.js';

const msg = (code: string): string => ERROR_CODES[code]?.message ?? 'Invalid {field}';
const values = <T extends Record<string, string>>(e: T): T[keyof T][] => Object.values(e) as T[keyof T][];

/**
 * Longest `ordertag` the venue accepts: **19 characters**. The venue's own answer for a longer tag is
 * AB4008 "ordertag length should be less than 20 characters", and the placeOrder parameter table
 * says "< 20 chars", so a 20-character tag is refused and 19 is the limit.
 */
export const MAX_ORDERTAG_LENGTH = 19;
/** Most positions in one `margin/v1/batch` request (docs/protocol/rest.md#margin-batch). */
export const MAX_MARGIN_POSITIONS = 50;
/** Most orders in one estimateCharges request ([INF], the same bound as the margin batch). */
export const MAX_CHARGE_ORDERS = 50;
/** Most tokens in one `market/v1/quote` request, over all exchanges (docs/protocol/rest.md#quote). */
export const MAX_QUOTE_TOKENS = 50;
/** Longest GTT `timeperiod` in days ([INF] one year, the official samples' 365). */
export const MAX_GTT_DAYS = 365;
/** Largest `count` of a GTT ruleList page ([INF]). */
export const MAX_GTT_PAGE_COUNT = 500;
/** Longest `searchscrip` text ([INF]). */
export const MAX_SEARCH_TEXT = 100;

const BAD_BODY = 'Invalid request body';
const body = <P extends Record<string, TSchema>>(props: P, code: string, description?: string) =>
  Type.Object(props, {
    additionalProperties: true,
    'x-errorcode': code,
    'x-message': BAD_BODY,
    ...(description === undefined ? {} : { description }),
  });

const INVALID = ErrorCode.GTT_INVALID_PARAMETERS;
const BAD_SYMBOL = ErrorCode.SYMBOL_DETAILS_FAILED;
const EDIS = ErrorCode.EDIS_FAILED;

// ───────────────────────────── session ─────────────────────────────

const loginByPassword = body(
  {
    clientcode: text({ code: ErrorCode.INVALID_CREDENTIALS, message: msg(ErrorCode.INVALID_CREDENTIALS) }),
    password: text({ code: ErrorCode.INVALID_CREDENTIALS, message: msg(ErrorCode.INVALID_CREDENTIALS) }),
    totp: Type.Optional(text({ code: ErrorCode.INVALID_TOTP, message: msg(ErrorCode.INVALID_TOTP) })),
    state: Type.Optional(text({ code: INVALID, message: 'Invalid state' })),
  },
  ErrorCode.INVALID_CREDENTIALS,
);

const generateTokens = body(
  {
    refreshToken: strictText({
      code: ErrorCode.INVALID_REFRESH_TOKEN,
      message: msg(ErrorCode.INVALID_REFRESH_TOKEN),
    }),
  },
  ErrorCode.INVALID_REFRESH_TOKEN,
);

const logout = body(
  {
    clientcode: Type.Optional(
      text({ code: ErrorCode.CLIENT_NOT_LOGIN, message: msg(ErrorCode.CLIENT_NOT_LOGIN) }),
    ),
  },
  ErrorCode.CLIENT_NOT_LOGIN,
);

// ───────────────────────────── orders ─────────────────────────────

const variety = enumOf(values(Variety), {
  code: ErrorCode.INVALID_VARIETY,
  message: msg(ErrorCode.INVALID_VARIETY),
});
const producttype = enumOf(values(ProductType), {
  code: ErrorCode.INVALID_PRODUCT_TYPE,
  message: msg(ErrorCode.INVALID_PRODUCT_TYPE),
});
const transactiontype = enumOf(values(TransactionType), {
  code: INVALID,
  message: 'Invalid Transaction Type',
});
const ordertype = enumOf(values(OrderType), { code: INVALID, message: 'Invalid Order Type' });
const duration = enumOf(values(Duration), { code: INVALID, message: 'Invalid Duration' });
const quantity = integer({ code: INVALID, message: 'Invalid Quantity', positive: true });
const price = decimal({ code: INVALID, message: 'Invalid Price', description: 'Rupees; "0" for MARKET' });
const triggerprice = decimal({ code: INVALID, message: 'Invalid Trigger Price' });
const disclosedquantity = integer({ code: INVALID, message: 'Invalid Disclosed Quantity' });
const orderid = text({ code: ErrorCode.ORDER_NOT_FOUND, message: msg(ErrorCode.ORDER_NOT_FOUND) });

const placeOrder = body(
  {
    variety,
    producttype,
    ordertag: Type.Optional(
      text({
        code: ErrorCode.ORDERTAG_TOO_LONG,
        message: msg(ErrorCode.ORDERTAG_TOO_LONG),
        maxLength: MAX_ORDERTAG_LENGTH,
        description: `Your tag, at most ${MAX_ORDERTAG_LENGTH} characters (AB4008 "less than 20 characters")`,
      }),
    ),
    exchange: enumOf(values(Exchange), { code: ErrorCode.SYMBOL_NOT_FOUND, message: 'Invalid Exchange' }),
    symboltoken: text({ code: ErrorCode.SYMBOL_TOKEN_EMPTY, message: msg(ErrorCode.SYMBOL_TOKEN_EMPTY) }),
    tradingsymbol: text({ code: ErrorCode.SYMBOL_NOT_FOUND, message: msg(ErrorCode.SYMBOL_NOT_FOUND) }),
    transactiontype,
    ordertype,
    duration,
    quantity,
    price: Type.Optional(price),
    triggerprice: Type.Optional(triggerprice),
    disclosedquantity: Type.Optional(disclosedquantity),
    squareoff: Type.Optional(decimal({ code: INVALID, message: 'Invalid Squareoff' })),
    stoploss: Type.Optional(decimal({ code: INVALID, message: 'Invalid Stoploss' })),
    trailingStopLoss: Type.Optional(decimal({ code: INVALID, message: 'Invalid Trailing Stoploss' })),
    trailingstoploss: Type.Optional(decimal({ code: INVALID, message: 'Invalid Trailing Stoploss' })),
    scripconsent: Type.Optional(
      enumOf(['yes'], { code: INVALID, message: 'Invalid scripconsent: send "yes" or leave it out' }),
    ),
  },
  INVALID,
  'Cross-field rules: LIMIT and STOPLOSS_LIMIT need price > 0; STOPLOSS_LIMIT and STOPLOSS_MARKET need ' +
    'triggerprice > 0; disclosedquantity <= quantity; variety STOPLOSS needs a stop-loss ordertype ' +
    '(AB1008); producttype BO needs variety ROBO, and ROBO takes BO or INTRADAY only (AB1012).',
);

const STOP_TYPES: readonly string[] = [OrderType.STOPLOSS_LIMIT, OrderType.STOPLOSS_MARKET];
const PRICED_TYPES: readonly string[] = [OrderType.LIMIT, OrderType.STOPLOSS_LIMIT];

function fail(code: string, message: string, field: string): RuleFailure {
  return { ok: false, errorcode: code, message, field };
}

function placeOrderRefine(b: unknown): RuleFailure | undefined {
  const s = placeOrder;
  const qty = readNumber(s, b, 'quantity') ?? 0;
  const disclosed = readNumber(s, b, 'disclosedquantity') ?? 0;
  if (disclosed > qty) return fail(INVALID, 'Invalid Disclosed Quantity', 'disclosedquantity');
  const type = readField(s, b, 'ordertype') as string;
  if (PRICED_TYPES.includes(type) && (readNumber(s, b, 'price') ?? 0) <= 0)
    return fail(INVALID, 'Invalid Price', 'price');
  if (STOP_TYPES.includes(type) && (readNumber(s, b, 'triggerprice') ?? 0) <= 0)
    return fail(INVALID, 'Invalid Trigger Price', 'triggerprice');
  const v = readField(s, b, 'variety');
  const product = readField(s, b, 'producttype');
  if (v === Variety.STOPLOSS && !STOP_TYPES.includes(type))
    return fail(ErrorCode.INVALID_VARIETY, msg(ErrorCode.INVALID_VARIETY), 'variety');
  if (product === ProductType.BO && v !== Variety.ROBO)
    return fail(ErrorCode.INVALID_PRODUCT_TYPE, msg(ErrorCode.INVALID_PRODUCT_TYPE), 'producttype');
  if (v === Variety.ROBO && product !== ProductType.BO && product !== ProductType.INTRADAY)
    return fail(ErrorCode.INVALID_PRODUCT_TYPE, msg(ErrorCode.INVALID_PRODUCT_TYPE), 'producttype');
  return undefined;
}

const modifyOrder = body(
  {
    variety,
    orderid,
    producttype: Type.Optional(producttype),
    ordertype: Type.Optional(ordertype),
    duration: Type.Optional(duration),
    quantity: Type.Optional(quantity),
    price: Type.Optional(price),
    triggerprice: Type.Optional(triggerprice),
    disclosedquantity: Type.Optional(disclosedquantity),
    tradingsymbol: Type.Optional(Type.Unknown({ description: 'Sent by the official samples; ignored' })),
    symboltoken: Type.Optional(Type.Unknown({ description: 'Sent by the official samples; ignored' })),
    exchange: Type.Optional(Type.Unknown({ description: 'Sent by the official samples; ignored' })),
  },
  INVALID,
  'Fields left out keep the order’s current values.',
);

const cancelOrder = body({ variety, orderid }, INVALID);

const convertPosition = body(
  {
    exchange: enumOf(values(Exchange), {
      code: ErrorCode.SYMBOL_NOT_FOUND,
      message: msg(ErrorCode.SYMBOL_NOT_FOUND),
    }),
    oldproducttype: producttype,
    newproducttype: producttype,
    transactiontype,
    quantity,
    type: Type.Optional(enumOf(['DAY', 'NET'], { code: INVALID, message: 'Invalid type' })),
    symboltoken: Type.Optional(
      text({ code: ErrorCode.SYMBOL_NOT_FOUND, message: msg(ErrorCode.SYMBOL_NOT_FOUND) }),
    ),
    tradingsymbol: Type.Optional(
      text({ code: ErrorCode.SYMBOL_NOT_FOUND, message: msg(ErrorCode.SYMBOL_NOT_FOUND) }),
    ),
  },
  INVALID,
  'symboltoken or tradingsymbol names the position (AB1009 when neither is given); oldproducttype and ' +
    'newproducttype must differ and neither may be BO (AB1017). `type` defaults to DAY.',
);

function convertRefine(b: unknown): RuleFailure | undefined {
  const s = convertPosition;
  if (readField(s, b, 'symboltoken') === undefined && readField(s, b, 'tradingsymbol') === undefined)
    return fail(ErrorCode.SYMBOL_NOT_FOUND, msg(ErrorCode.SYMBOL_NOT_FOUND), 'symboltoken');
  const o = readField(s, b, 'oldproducttype');
  const n = readField(s, b, 'newproducttype');
  if (o === n || o === ProductType.BO || n === ProductType.BO)
    return fail(
      ErrorCode.POSITION_CONVERSION_FAILED,
      'Position conversion failed: invalid product types',
      'newproducttype',
    );
  return undefined;
}

// ───────────────────────────── GTT ─────────────────────────────

const gttId = idLike({ code: ErrorCode.GTT_INVALID_RULE_ID, message: msg(ErrorCode.GTT_INVALID_RULE_ID) });
const gttExchange = enumOf([Exchange.NSE, Exchange.BSE], {
  code: ErrorCode.GTT_INVALID_EXCHANGE,
  message: msg(ErrorCode.GTT_INVALID_EXCHANGE),
  description: 'GTT rules exist on NSE and BSE only',
});
const gttToken = text({
  code: ErrorCode.GTT_INVALID_SYMBOL_TOKEN,
  message: msg(ErrorCode.GTT_INVALID_SYMBOL_TOKEN),
});
const gttSymbol = text({
  code: ErrorCode.GTT_INVALID_TRADING_SYMBOL,
  message: msg(ErrorCode.GTT_INVALID_TRADING_SYMBOL),
});
const gttPrice = decimal({
  code: ErrorCode.GTT_INVALID_PRICE,
  message: msg(ErrorCode.GTT_INVALID_PRICE),
  positive: true,
});
const gttQty = integer({
  code: ErrorCode.GTT_INVALID_QUANTITY,
  message: msg(ErrorCode.GTT_INVALID_QUANTITY),
  positive: true,
});
const gttTrigger = decimal({
  code: ErrorCode.GTT_INVALID_TRIGGER_PRICE,
  message: msg(ErrorCode.GTT_INVALID_TRIGGER_PRICE),
  positive: true,
});
const gttDisclosed = integer({
  code: ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY,
  message: msg(ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY),
});
const gttPeriod = integer({
  code: ErrorCode.GTT_INVALID_TIME_PERIOD,
  message: msg(ErrorCode.GTT_INVALID_TIME_PERIOD),
  positive: true,
  maximum: MAX_GTT_DAYS,
  description: `Days, 1 to ${MAX_GTT_DAYS} (default ${MAX_GTT_DAYS})`,
});
const GTT_PRODUCTS = [ProductType.DELIVERY, ProductType.MARGIN] as const;

const gttCreateRule = body(
  {
    exchange: gttExchange,
    symboltoken: gttToken,
    tradingsymbol: gttSymbol,
    transactiontype: enumOf(values(TransactionType), {
      code: ErrorCode.GTT_INVALID_ORDER_SIDE,
      message: msg(ErrorCode.GTT_INVALID_ORDER_SIDE),
    }),
    producttype: enumOf([...GTT_PRODUCTS], {
      code: ErrorCode.GTT_INVALID_PRODUCT_TYPE,
      message: msg(ErrorCode.GTT_INVALID_PRODUCT_TYPE),
      description: 'DELIVERY or MARGIN',
    }),
    price: gttPrice,
    qty: gttQty,
    triggerprice: gttTrigger,
    disclosedqty: Type.Optional(gttDisclosed),
    timeperiod: Type.Optional(gttPeriod),
  },
  INVALID,
  'disclosedqty <= qty (AB9007).',
);

function gttDisclosedRefine(b: unknown, s: TObject): RuleFailure | undefined {
  const qty = readNumber(s, b, 'qty');
  const disclosed = readNumber(s, b, 'disclosedqty');
  if (qty !== undefined && disclosed !== undefined && disclosed > qty)
    return fail(
      ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY,
      msg(ErrorCode.GTT_INVALID_DISCLOSED_QUANTITY),
      'disclosedqty',
    );
  return undefined;
}

const gttModifyRule = body(
  {
    id: gttId,
    exchange: gttExchange,
    symboltoken: gttToken,
    tradingsymbol: Type.Optional(gttSymbol),
    price: Type.Optional(gttPrice),
    qty: Type.Optional(gttQty),
    triggerprice: Type.Optional(gttTrigger),
    disclosedqty: Type.Optional(gttDisclosed),
    timeperiod: Type.Optional(gttPeriod),
  },
  INVALID,
  'Fields left out keep the rule’s current values; disclosedqty <= qty (AB9007).',
);

const gttCancelRule = body({ id: gttId, exchange: gttExchange, symboltoken: gttToken }, INVALID);
const gttRuleDetails = body({ id: gttId }, INVALID);
const gttRuleList = body(
  {
    status: Type.Array(
      enumOf(values(GttStatus), {
        code: ErrorCode.GTT_INVALID_STATUS_ARRAY,
        message: msg(ErrorCode.GTT_INVALID_STATUS_ARRAY),
      }),
      {
        minItems: 1,
        maxItems: 5,
        'x-errorcode': ErrorCode.GTT_INVALID_STATUS_ARRAY,
        'x-message': msg(ErrorCode.GTT_INVALID_STATUS_ARRAY),
      },
    ),
    page: integer({
      code: ErrorCode.GTT_INVALID_PAGE,
      message: msg(ErrorCode.GTT_INVALID_PAGE),
      positive: true,
    }),
    count: integer({
      code: ErrorCode.GTT_INVALID_COUNT,
      message: msg(ErrorCode.GTT_INVALID_COUNT),
      positive: true,
      maximum: MAX_GTT_PAGE_COUNT,
    }),
  },
  INVALID,
);

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

const getLtpData = body(
  {
    tradingsymbol: Type.Optional(strictText({ code: BAD_SYMBOL, message: 'Invalid tradingsymbol' })),
    exchange: mdExchange,
    symboltoken: mdTokenRequired,
  },
  BAD_SYMBOL,
  'The token decides the instrument; tradingsymbol is type-checked only.',
);

const quote = body(
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

function quoteRefine(b: unknown): RuleFailure | undefined {
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
const candleRequest = body(
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
function candleRefine(b: unknown): RuleFailure | undefined {
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

const searchScrip = body(
  {
    exchange: mdExchange,
    searchscrip: strictText({ code: BAD_SYMBOL, message: 'Invalid searchscrip', maxLength: MAX_SEARCH_TEXT }),
  },
  BAD_SYMBOL,
);

// ───────────────────────────── margin, charges ─────────────────────────────

const marginBatch = body(
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

const estimateCharges = body(
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
const verifyDis = body(
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
const generateTPIN = body({ dpId: edisText(), ReqId: edisText(), boid: edisText(), pan: edisText() }, EDIS);
const getTranStatus = body({ ReqId: edisText() }, EDIS);

// ───────────────────────────── analytics ─────────────────────────────

const optionGreek = body(
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

function optionGreekRefine(b: unknown): RuleFailure | undefined {
  if (parseExpiry(readField(optionGreek, b, 'expirydate') as string) === undefined)
    return fail(BAD_SYMBOL, 'Invalid expirydate: expected DDMMMYYYY', 'expirydate');
  return undefined;
}

const expirytype = enumOf(values(ExpiryType), {
  code: BAD_SYMBOL,
  message: 'Invalid expirytype',
  upper: true,
});
const gainersLosers = body(
  {
    datatype: enumOf(values(GainersLosersDataType), { code: BAD_SYMBOL, message: 'Invalid datatype' }),
    expirytype,
  },
  BAD_SYMBOL,
);
const oiBuildup = body(
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

// ───────────────────────────── the table ─────────────────────────────

/** The rules of one route's request body. */
export interface RequestRule<S extends TObject = TObject> {
  /** JSON schema of the body (TypeBox), with `x-errorcode` / `x-message` on each field. */
  readonly schema: S;
  /** Cross-field rules, run when every field passed; the first failure is answered. */
  readonly refine?: (body: unknown) => RuleFailure | undefined;
}

const rule = <S extends TObject>(
  schema: S,
  refine?: (body: unknown) => RuleFailure | undefined,
): RequestRule<S> => (refine ? { schema, refine } : { schema });

/** The body rules of every POST route (GET routes take no body). */
export const REQUEST_RULES = {
  loginByPassword: rule(loginByPassword),
  generateTokens: rule(generateTokens),
  logout: rule(logout),
  placeOrder: rule(placeOrder, placeOrderRefine),
  modifyOrder: rule(modifyOrder),
  cancelOrder: rule(cancelOrder),
  getLtpData: rule(getLtpData),
  quote: rule(quote, quoteRefine),
  getCandleData: rule(candleRequest, candleRefine),
  getOIData: rule(candleRequest, candleRefine),
  searchScrip: rule(searchScrip),
  convertPosition: rule(convertPosition, convertRefine),
  gttCreateRule: rule(gttCreateRule, (b) => gttDisclosedRefine(b, gttCreateRule)),
  gttModifyRule: rule(gttModifyRule, (b) => gttDisclosedRefine(b, gttModifyRule)),
  gttCancelRule: rule(gttCancelRule),
  gttRuleDetails: rule(gttRuleDetails),
  gttRuleList: rule(gttRuleList),
  marginBatch: rule(marginBatch),
  estimateCharges: rule(estimateCharges),
  verifyDis: rule(verifyDis),
  generateTPIN: rule(generateTPIN),
  getTranStatus: rule(getTranStatus),
  optionGreek: rule(optionGreek, optionGreekRefine),
  gainersLosers: rule(gainersLosers),
  oiBuildup: rule(oiBuildup),
} as const satisfies Partial<Record<RouteName, RequestRule>>;

/** Routes that have body rules. */
export type RuledRouteName = keyof typeof REQUEST_RULES;

/** The static type of a route's request body as the rules describe it. */
export type RuleBody<R extends RuledRouteName> = Static<(typeof REQUEST_RULES)[R]['schema']>;

/** The body rules of a route, or undefined for routes without a body (GET routes). */
export function requestRule(name: RouteName): RequestRule | undefined {
  return (REQUEST_RULES as Partial<Record<RouteName, RequestRule>>)[name];
}
