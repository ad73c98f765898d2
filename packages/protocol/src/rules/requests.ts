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
 * body rules. The session, order, position and GTT rules are here, those of the market-data, margin,
 * charges, EDIS and analytics routes in `requests-market.ts`; what both share in `request-kit.ts`.
 */
import { type Static, type TObject, Type } from '@sinclair/typebox';
import { Duration, Exchange, GttStatus, OrderType, ProductType, TransactionType, Variety } from '../enums.js';
import { ErrorCode } from '../errors.js';
import type { RouteName } from '../routes.js';
import { type RuleFailure, readField, readNumber } from './check.js';
import { decimal, enumOf, idLike, integer, strictText, text } from './fields.js';
import {
  body,
  fail,
  INVALID,
  MAX_GTT_DAYS,
  MAX_GTT_PAGE_COUNT,
  MAX_ORDERTAG_LENGTH,
  msg,
  producttype,
  values,
} from './request-kit.js';
import {
  candleRefine,
  candleRequest,
  estimateCharges,
  gainersLosers,
  generateTPIN,
  getLtpData,
  getTranStatus,
  marginBatch,
  oiBuildup,
  optionGreek,
  optionGreekRefine,
  quote,
  quoteRefine,
  searchScrip,
  verifyDis,
} from './requests-market.js';

export {
  MAX_CHARGE_ORDERS,
  MAX_GTT_DAYS,
  MAX_GTT_PAGE_COUNT,
  MAX_MARGIN_POSITIONS,
  MAX_ORDERTAG_LENGTH,
  MAX_QUOTE_TOKENS,
  MAX_SEARCH_TEXT,
} from './request-kit.js';

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
