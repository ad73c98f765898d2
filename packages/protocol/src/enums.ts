/**
 * Enumerations of the SmartAPI wire protocol, as `as const` objects with derived union types
 * (docs/protocol/rest.md#enums, docs/protocol/websocket.md#exchange-types, docs/protocol/scrip-master.md#instrument-types, #exchange-segments).
 */

/** Derives the union of an `as const` object's values. */
export type ValueOf<T> = T[keyof T];

/** REST `exchange` values. */
export const Exchange = {
  NSE: 'NSE',
  BSE: 'BSE',
  NFO: 'NFO',
  BFO: 'BFO',
  MCX: 'MCX',
  CDS: 'CDS',
  NCDEX: 'NCDEX',
} as const;
/** A REST `exchange` value. */
export type Exchange = ValueOf<typeof Exchange>;

/** WebSocket 2.0 `exchangeType` codes. */
export const ExchangeType = {
  nse_cm: 1,
  nse_fo: 2,
  bse_cm: 3,
  bse_fo: 4,
  mcx_fo: 5,
  ncx_fo: 7,
  cde_fo: 13,
} as const;
/** A WebSocket 2.0 `exchangeType` code. */
export type ExchangeType = ValueOf<typeof ExchangeType>;

/** REST exchange → WebSocket exchangeType. */
export const EXCHANGE_TO_EXCHANGE_TYPE: Readonly<Record<Exchange, ExchangeType>> = {
  NSE: 1,
  NFO: 2,
  BSE: 3,
  BFO: 4,
  MCX: 5,
  NCDEX: 7,
  CDS: 13,
};

/** WebSocket exchangeType → REST exchange. */
export const EXCHANGE_TYPE_TO_EXCHANGE: Readonly<Record<ExchangeType, Exchange>> = {
  1: 'NSE',
  2: 'NFO',
  3: 'BSE',
  4: 'BFO',
  5: 'MCX',
  7: 'NCDEX',
  13: 'CDS',
};

/** Order `variety`. AMO is accepted as a variety; NORMAL orders placed after hours also become AMO. */
export const Variety = { NORMAL: 'NORMAL', STOPLOSS: 'STOPLOSS', AMO: 'AMO', ROBO: 'ROBO' } as const;
export type Variety = ValueOf<typeof Variety>;

/** Order `transactiontype`. */
export const TransactionType = { BUY: 'BUY', SELL: 'SELL' } as const;
export type TransactionType = ValueOf<typeof TransactionType>;

/** Order `ordertype`. */
export const OrderType = {
  MARKET: 'MARKET',
  LIMIT: 'LIMIT',
  STOPLOSS_LIMIT: 'STOPLOSS_LIMIT',
  STOPLOSS_MARKET: 'STOPLOSS_MARKET',
} as const;
export type OrderType = ValueOf<typeof OrderType>;

/** Order `producttype`. */
export const ProductType = {
  DELIVERY: 'DELIVERY',
  CARRYFORWARD: 'CARRYFORWARD',
  MARGIN: 'MARGIN',
  INTRADAY: 'INTRADAY',
  BO: 'BO',
} as const;
export type ProductType = ValueOf<typeof ProductType>;

/** Order `duration`. */
export const Duration = { DAY: 'DAY', IOC: 'IOC' } as const;
export type Duration = ValueOf<typeof Duration>;

/** Candle / OI `interval`, with the maximum span in calendar days of one request. */
export const Interval = {
  ONE_MINUTE: 'ONE_MINUTE',
  THREE_MINUTE: 'THREE_MINUTE',
  FIVE_MINUTE: 'FIVE_MINUTE',
  TEN_MINUTE: 'TEN_MINUTE',
  FIFTEEN_MINUTE: 'FIFTEEN_MINUTE',
  THIRTY_MINUTE: 'THIRTY_MINUTE',
  ONE_HOUR: 'ONE_HOUR',
  ONE_DAY: 'ONE_DAY',
} as const;
export type Interval = ValueOf<typeof Interval>;

/** Bar length of each interval in minutes (ONE_DAY = one trading day, counted as 1440). */
export const INTERVAL_MINUTES: Readonly<Record<Interval, number>> = {
  ONE_MINUTE: 1,
  THREE_MINUTE: 3,
  FIVE_MINUTE: 5,
  TEN_MINUTE: 10,
  FIFTEEN_MINUTE: 15,
  THIRTY_MINUTE: 30,
  ONE_HOUR: 60,
  ONE_DAY: 1440,
};

/** Maximum calendar days one getCandleData / getOIData request may span (docs/protocol/rest.md#candles). */
export const INTERVAL_MAX_DAYS: Readonly<Record<Interval, number>> = {
  ONE_MINUTE: 30,
  THREE_MINUTE: 60,
  FIVE_MINUTE: 100,
  TEN_MINUTE: 100,
  FIFTEEN_MINUTE: 200,
  THIRTY_MINUTE: 200,
  ONE_HOUR: 400,
  ONE_DAY: 2000,
};

/** REST quote `mode`. */
export const QuoteMode = { LTP: 'LTP', OHLC: 'OHLC', FULL: 'FULL' } as const;
export type QuoteMode = ValueOf<typeof QuoteMode>;

/** GTT rule status (list filter values include FORALL). */
export const GttStatus = {
  NEW: 'NEW',
  CANCELLED: 'CANCELLED',
  ACTIVE: 'ACTIVE',
  SENTTOEXCHANGE: 'SENTTOEXCHANGE',
  FORALL: 'FORALL',
} as const;
export type GttStatus = ValueOf<typeof GttStatus>;

/** Order-book `status` / `orderstatus` strings (lower case, as the venue spells them). */
export const OrderStatus = {
  OPEN: 'open',
  COMPLETE: 'complete',
  REJECTED: 'rejected',
  CANCELLED: 'cancelled',
  TRIGGER_PENDING: 'trigger pending',
  MODIFIED: 'modified',
  OPEN_PENDING: 'open pending',
  MODIFY_PENDING: 'modify pending',
  VALIDATION_PENDING: 'validation pending',
  PUT_ORDER_REQ_RECEIVED: 'put order req received',
  AMO_REQ_RECEIVED: 'after market order req received',
  AMO_CANCELLED: 'cancelled after market order',
  AMO_MODIFY_REQ_RECEIVED: 'modify after market order req received',
} as const;
export type OrderStatus = ValueOf<typeof OrderStatus>;

/** Order-update WebSocket `order-status` codes (docs/protocol/websocket.md#order-status-codes). */
export const OrderUpdateCode = {
  AB00: 'connected',
  AB01: 'open',
  AB02: 'cancelled',
  AB03: 'rejected',
  AB04: 'modified',
  AB05: 'complete',
  AB06: 'after market order req received',
  AB07: 'cancelled after market order',
  AB08: 'modify after market order req received',
  AB09: 'open pending',
  AB10: 'trigger pending',
  AB11: 'modify pending',
} as const;
export type OrderUpdateCode = keyof typeof OrderUpdateCode;

/** Order status → order-update code. */
export const ORDER_STATUS_TO_UPDATE_CODE: Readonly<Partial<Record<OrderStatus, OrderUpdateCode>>> = {
  open: 'AB01',
  cancelled: 'AB02',
  rejected: 'AB03',
  modified: 'AB04',
  complete: 'AB05',
  'after market order req received': 'AB06',
  'cancelled after market order': 'AB07',
  'modify after market order req received': 'AB08',
  'open pending': 'AB09',
  'trigger pending': 'AB10',
  'modify pending': 'AB11',
};

/** gainersLosers `datatype`. */
export const GainersLosersDataType = {
  PercPriceGainers: 'PercPriceGainers',
  PercPriceLosers: 'PercPriceLosers',
  PercOIGainers: 'PercOIGainers',
  PercOILosers: 'PercOILosers',
} as const;
export type GainersLosersDataType = ValueOf<typeof GainersLosersDataType>;

/** OIBuildup `datatype` (exactly one space between words). */
export const OiBuildupDataType = {
  LongBuiltUp: 'Long Built Up',
  ShortBuiltUp: 'Short Built Up',
  ShortCovering: 'Short Covering',
  LongUnwinding: 'Long Unwinding',
} as const;
export type OiBuildupDataType = ValueOf<typeof OiBuildupDataType>;

/** `expirytype` of the analytics endpoints. */
export const ExpiryType = { NEAR: 'NEAR', NEXT: 'NEXT', FAR: 'FAR' } as const;
export type ExpiryType = ValueOf<typeof ExpiryType>;

/** Scrip-master `instrumenttype` values seen in practice. */
export const InstrumentType = {
  EQUITY: '',
  INDEX: 'AMXIDX',
  FUTIDX: 'FUTIDX',
  OPTIDX: 'OPTIDX',
  FUTSTK: 'FUTSTK',
  OPTSTK: 'OPTSTK',
  FUTCOM: 'FUTCOM',
  OPTFUT: 'OPTFUT',
  FUTCUR: 'FUTCUR',
  OPTCUR: 'OPTCUR',
} as const;
export type InstrumentType = ValueOf<typeof InstrumentType>;

/** Portfolio API `exchange_name` integer codes (docs/protocol/portfolio-api.md#enums). */
export const PortfolioExchangeCode = { NSE: 1, NFO: 2, BSE: 3, BFO: 4, MCX: 5, NCDEX: 7, CDS: 13 } as const;
export type PortfolioExchangeCode = ValueOf<typeof PortfolioExchangeCode>;

/** True when `v` is one of the values of the `as const` object `e`. */
export function isEnumValue<T extends Record<string, string | number>>(e: T, v: unknown): v is ValueOf<T> {
  for (const k in e) if (e[k] === v) return true;
  return false;
}
