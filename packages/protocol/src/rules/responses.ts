/**
 * JSON schemas of each route's response `data` (the shapes of `types.ts`), for documentation: the
 * paper broker's OpenAPI document shows them inside the venue envelope. They are not used to
 * serialise answers, so the wire output stays byte-for-byte what the handlers produce.
 */
import { type TSchema, Type } from '@sinclair/typebox';
import type { RouteName } from '../routes.js';

const S = Type.String();
const N = Type.Number();
const NumLike = Type.Union([Type.String(), Type.Number()]);
const NullableS = Type.Union([Type.String(), Type.Null()]);

function strings<K extends string>(keys: readonly K[]) {
  return Type.Object(Object.fromEntries(keys.map((k) => [k, S])) as Record<K, typeof S>, {
    additionalProperties: true,
  });
}
function numbers<K extends string>(keys: readonly K[]) {
  return Type.Object(Object.fromEntries(keys.map((k) => [k, N])) as Record<K, typeof N>, {
    additionalProperties: true,
  });
}

const sessionTokens = Type.Object({
  jwtToken: S,
  refreshToken: S,
  feedToken: S,
  state: Type.Optional(S),
});

const profile = Type.Object({
  clientcode: S,
  name: S,
  email: S,
  mobileno: S,
  exchanges: Type.Array(S),
  products: Type.Array(S),
  lastlogintime: S,
  brokerid: S,
});

const rms = Type.Object(
  Object.fromEntries(
    [
      'net',
      'availablecash',
      'availableintradaypayin',
      'availablelimitmargin',
      'collateral',
      'm2munrealized',
      'm2mrealized',
      'utiliseddebits',
      'utilisedspan',
      'utilisedoptionpremium',
      'utilisedholdingsales',
      'utilisedexposure',
      'utilisedturnover',
      'utilisedpayout',
    ].map((k) => [k, NullableS]),
  ),
  { description: 'Decimal strings (some may be null)' },
);

const ORDER_KEYS = [
  'variety',
  'ordertype',
  'producttype',
  'duration',
  'price',
  'triggerprice',
  'quantity',
  'disclosedquantity',
  'squareoff',
  'stoploss',
  'trailingstoploss',
  'tradingsymbol',
  'transactiontype',
  'exchange',
  'symboltoken',
  'ordertag',
  'instrumenttype',
  'strikeprice',
  'optiontype',
  'expirydate',
  'lotsize',
  'cancelsize',
  'averageprice',
  'filledshares',
  'unfilledshares',
  'orderid',
  'text',
  'status',
  'orderstatus',
  'updatetime',
  'exchtime',
  'exchorderupdatetime',
  'fillid',
  'filltime',
  'parentorderid',
  'uniqueorderid',
  'exchangeorderid',
] as const;
const DETAIL_NUMBERS = new Set([
  'price',
  'triggerprice',
  'squareoff',
  'stoploss',
  'trailingstoploss',
  'strikeprice',
  'averageprice',
]);
const order = strings(ORDER_KEYS);
const orderDetails = Type.Object(
  Object.fromEntries(ORDER_KEYS.map((k) => [k, DETAIL_NUMBERS.has(k) ? N : S])),
  { description: 'Order-book fields with numeric prices' },
);
const trade = strings([
  'exchange',
  'producttype',
  'tradingsymbol',
  'instrumenttype',
  'symbolgroup',
  'strikeprice',
  'optiontype',
  'expirydate',
  'marketlot',
  'precision',
  'multiplier',
  'tradevalue',
  'transactiontype',
  'fillprice',
  'fillsize',
  'orderid',
  'fillid',
  'filltime',
]);

const ltp = Type.Object({
  exchange: S,
  tradingsymbol: S,
  symboltoken: S,
  open: NumLike,
  high: NumLike,
  low: NumLike,
  close: NumLike,
  ltp: NumLike,
});

const depthLevel = numbers(['price', 'quantity', 'orders']);
const quoteRow = Type.Object(
  {
    exchange: S,
    tradingSymbol: S,
    symbolToken: S,
    ltp: N,
    open: Type.Optional(N),
    high: Type.Optional(N),
    low: Type.Optional(N),
    close: Type.Optional(N),
    lastTradeQty: Type.Optional(N),
    exchFeedTime: Type.Optional(S),
    exchTradeTime: Type.Optional(S),
    netChange: Type.Optional(N),
    percentChange: Type.Optional(N),
    avgPrice: Type.Optional(N),
    tradeVolume: Type.Optional(N),
    opnInterest: Type.Optional(N),
    lowerCircuit: Type.Optional(N),
    upperCircuit: Type.Optional(N),
    totBuyQuan: Type.Optional(N),
    totSellQuan: Type.Optional(N),
    '52WeekLow': Type.Optional(N),
    '52WeekHigh': Type.Optional(N),
    depth: Type.Optional(Type.Object({ buy: Type.Array(depthLevel), sell: Type.Array(depthLevel) })),
  },
  { description: 'LTP mode: the first four fields; OHLC adds open/high/low/close; FULL adds the rest' },
);
const quote = Type.Object({
  fetched: Type.Array(quoteRow),
  unfetched: Type.Array(strings(['exchange', 'symbolToken', 'message', 'errorCode'])),
});

const candles = Type.Array(Type.Array(NumLike), {
  description: '[timestamp (ISO +05:30), open, high, low, close, volume]',
});
const oi = Type.Array(Type.Object({ time: S, oi: N }));
const scrips = Type.Array(strings(['exchange', 'tradingsymbol', 'symboltoken']));

const holding = Type.Object({
  tradingsymbol: S,
  exchange: S,
  isin: S,
  t1quantity: N,
  realisedquantity: N,
  quantity: N,
  authorisedquantity: N,
  product: S,
  collateralquantity: Type.Union([N, Type.Null()]),
  collateraltype: NullableS,
  haircut: N,
  averageprice: N,
  ltp: N,
  symboltoken: S,
  close: N,
  profitandloss: N,
  pnlpercentage: N,
});
const allHoldings = Type.Object({
  holdings: Type.Array(holding),
  totalholding: numbers(['totalholdingvalue', 'totalinvvalue', 'totalprofitandloss', 'totalpnlpercentage']),
});
const position = Type.Object({}, { additionalProperties: S, description: 'Every value a string' });

const gttId = Type.Object({ id: S });
const gttRule = strings([
  'id',
  'status',
  'createddate',
  'updateddate',
  'expirydate',
  'clientid',
  'tradingsymbol',
  'symboltoken',
  'exchange',
  'transactiontype',
  'producttype',
  'price',
  'qty',
  'triggerprice',
  'disclosedqty',
]);

const margin = Type.Object({
  totalMarginRequired: N,
  marginComponents: numbers([
    'netPremium',
    'spanMargin',
    'marginBenefit',
    'deliveryMargin',
    'nonNFOMargin',
    'totOptionsPremium',
  ]),
  marginBreakup: Type.Array(Type.Object({ exchange: S, productType: S, totalMarginRequired: N })),
  optionsBuy: Type.Object({
    totOptionsPremium: N,
    optionDetails: Type.Array(
      Type.Object({ exchange: S, productType: S, token: S, lotMultiplier: N, optionPremium: N }),
    ),
  }),
});

const chargeSummary = Type.Object({ total_charges: N, trade_value: N, breakup: Type.Array(Type.Unknown()) });
const charges = Type.Object(
  { summary: chargeSummary, charges: Type.Array(chargeSummary) },
  { description: 'breakup: a tree of { name, amount, msg, breakup[] } nodes' },
);

const verifyDis = Type.Object({
  ReqId: S,
  ReturnURL: NullableS,
  DPId: NullableS,
  BOID: NullableS,
  TransDtls: NullableS,
  version: NullableS,
});
const tranStatus = Type.Object({
  TransResDtls: Type.Object({
    ReqId: S,
    ReqType: S,
    ResId: S,
    ResStatus: S,
    ResTime: S,
    ResError: S,
    Remarks: S,
    RecordResDtls: Type.Array(strings(['TxnReqId', 'TxnId', 'Status', 'Errorcode'])),
  }),
});

const optionGreek = Type.Array(
  strings([
    'name',
    'expiry',
    'strikePrice',
    'optionType',
    'delta',
    'gamma',
    'theta',
    'vega',
    'impliedVolatility',
    'tradeVolume',
  ]),
);
const gainersLosers = Type.Array(
  Type.Object({
    tradingSymbol: S,
    percentChange: N,
    symbolToken: N,
    opnInterest: Type.Optional(N),
    netChangeOpnInterest: Type.Optional(N),
    ltp: Type.Optional(N),
    netChange: Type.Optional(N),
  }),
);
const pcr = Type.Array(Type.Object({ pcr: N, tradingSymbol: S }));
const oiBuildup = Type.Array(
  strings([
    'symbolToken',
    'ltp',
    'netChange',
    'percentChange',
    'opnInterest',
    'netChangeOpnInterest',
    'tradingSymbol',
  ]),
);
const intraday = Type.Array(strings(['exchange', 'SymbolName', 'Multiplier']));
const cautionary = Type.Array(strings(['token', 'symbol', 'message']));

/** The `data` schema of every route's success answer. */
export const RESPONSE_DATA: { readonly [K in RouteName]: TSchema } = {
  loginByPassword: sessionTokens,
  generateTokens: sessionTokens,
  getProfile: profile,
  logout: Type.Union([Type.Literal(''), Type.Null()]),
  getRMS: rms,
  placeOrder: Type.Object({ script: S, orderid: S, uniqueorderid: S }),
  modifyOrder: Type.Object({ orderid: S, uniqueorderid: S }),
  cancelOrder: Type.Object({ orderid: S, uniqueorderid: S }),
  getOrderBook: Type.Union([Type.Array(order), Type.Null()]),
  getTradeBook: Type.Union([Type.Array(trade), Type.Null()]),
  orderDetails: orderDetails,
  getLtpData: ltp,
  quote,
  getCandleData: candles,
  getOIData: oi,
  searchScrip: scrips,
  getHolding: Type.Array(holding),
  getAllHolding: allHoldings,
  getPosition: Type.Union([Type.Array(position), Type.Null()]),
  convertPosition: Type.Null(),
  gttCreateRule: gttId,
  gttModifyRule: gttId,
  gttCancelRule: gttId,
  gttRuleDetails: gttRule,
  gttRuleList: Type.Array(gttRule),
  marginBatch: margin,
  estimateCharges: charges,
  verifyDis,
  generateTPIN: Type.Null(),
  getTranStatus: tranStatus,
  optionGreek,
  gainersLosers,
  putCallRatio: pcr,
  oiBuildup,
  nseIntraday: intraday,
  bseIntraday: intraday,
  cautionaryScrips: cautionary,
};

/** The success envelope around a route's data schema. */
export function successEnvelopeSchema(name: RouteName): TSchema {
  return Type.Object({
    status: Type.Literal(true),
    message: S,
    errorcode: S,
    data: RESPONSE_DATA[name],
  });
}

/** The failure envelope (`status:false`, HTTP 200 for business errors). */
export const FAILURE_ENVELOPE_SCHEMA: TSchema = Type.Object({
  status: Type.Literal(false),
  message: S,
  errorcode: S,
  data: Type.Unknown(),
});

/** The gateway envelope of token errors (`success:false`, `errorCode`). */
export const GATEWAY_ENVELOPE_SCHEMA: TSchema = Type.Object({
  success: Type.Literal(false),
  message: S,
  errorCode: S,
  data: Type.Unknown(),
});
