/**
 * Wire types of every request body and response `data` of the REST API (docs/protocol/rest.md#endpoints)
 * and of the Portfolio API (docs/protocol/portfolio-api.md). Field names are the venue's, exactly.
 *
 * Request numerics: the venue accepts numbers as strings or numbers (`NumLike`); the SDK sends strings
 * where the official clients do. Response types describe what the paper broker sends; where the venue
 * is known to vary, the type is a union and clients should coerce.
 */
import type {
  Duration,
  Exchange,
  ExpiryType,
  GainersLosersDataType,
  GttStatus,
  Interval,
  OiBuildupDataType,
  OrderType,
  ProductType,
  QuoteMode,
  TransactionType,
  Variety,
} from './enums.js';

/** A number sent as a JSON number or a decimal string. */
export type NumLike = string | number;

// ───────────────────────────── session / user ─────────────────────────────

/** loginByPassword request. */
export interface LoginRequest {
  clientcode: string;
  /** Trading PIN. */
  password: string;
  totp: string;
  state?: string;
}

/** loginByPassword / generateTokens response data. */
export interface SessionTokens {
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  state?: string;
}

/** generateTokens request. */
export interface GenerateTokensRequest {
  refreshToken: string;
  /** Sent by the official Python `renewAccessToken`; ignored. */
  jwtToken?: string;
  /** Sent by the official Java client; ignored. */
  checksum?: string;
}

/** getProfile response data. */
export interface Profile {
  clientcode: string;
  name: string;
  email: string;
  mobileno: string;
  exchanges: string[];
  products: string[];
  lastlogintime: string;
  brokerid: string;
}

/** logout request. */
export interface LogoutRequest {
  clientcode: string;
}

/** getRMS response data: decimal strings (some may be null). */
export interface RmsLimits {
  net: string | null;
  availablecash: string | null;
  availableintradaypayin: string | null;
  availablelimitmargin: string | null;
  collateral: string | null;
  m2munrealized: string | null;
  m2mrealized: string | null;
  utiliseddebits: string | null;
  utilisedspan: string | null;
  utilisedoptionpremium: string | null;
  utilisedholdingsales: string | null;
  utilisedexposure: string | null;
  utilisedturnover: string | null;
  utilisedpayout: string | null;
}

// ───────────────────────────── orders ─────────────────────────────

/** placeOrder request. */
export interface PlaceOrderRequest {
  variety: Variety;
  tradingsymbol: string;
  symboltoken: string;
  transactiontype: TransactionType;
  exchange: Exchange;
  ordertype: OrderType;
  producttype: ProductType;
  duration: Duration;
  /** Limit price in rupees; `"0"` for MARKET. */
  price?: NumLike;
  triggerprice?: NumLike;
  /** Units (shares / contracts), a multiple of the lot size. */
  quantity: NumLike;
  disclosedquantity?: NumLike;
  /** ROBO target (price difference). */
  squareoff?: NumLike;
  /** ROBO stop (price difference). */
  stoploss?: NumLike;
  trailingStopLoss?: NumLike;
  /** Under 20 characters (AB4008). */
  ordertag?: string;
  scripconsent?: 'yes';
}

/** placeOrder response data. */
export interface PlaceOrderResponse {
  script: string;
  orderid: string;
  uniqueorderid: string;
}

/** modifyOrder request. */
export interface ModifyOrderRequest {
  variety: Variety;
  orderid: string;
  ordertype: OrderType;
  producttype: ProductType;
  duration: Duration;
  price?: NumLike;
  quantity: NumLike;
  triggerprice?: NumLike;
  disclosedquantity?: NumLike;
  tradingsymbol?: string;
  symboltoken?: string;
  exchange?: Exchange;
}

/** cancelOrder request. */
export interface CancelOrderRequest {
  variety: Variety;
  orderid: string;
}

/** modifyOrder / cancelOrder response data. */
export interface OrderIdResponse {
  orderid: string;
  uniqueorderid: string;
}

/** One order-book row (all values strings). */
export interface Order {
  variety: string;
  ordertype: string;
  producttype: string;
  duration: string;
  price: string;
  triggerprice: string;
  quantity: string;
  disclosedquantity: string;
  squareoff: string;
  stoploss: string;
  trailingstoploss: string;
  tradingsymbol: string;
  transactiontype: string;
  exchange: string;
  symboltoken: string;
  ordertag: string;
  instrumenttype: string;
  strikeprice: string;
  optiontype: string;
  expirydate: string;
  lotsize: string;
  cancelsize: string;
  averageprice: string;
  filledshares: string;
  unfilledshares: string;
  orderid: string;
  text: string;
  status: string;
  orderstatus: string;
  updatetime: string;
  exchtime: string;
  exchorderupdatetime: string;
  fillid: string;
  filltime: string;
  parentorderid: string;
  uniqueorderid: string;
  exchangeorderid: string;
}

/** Individual order details: order-book fields with numeric prices (docs sample). */
export interface OrderDetails
  extends Omit<
    Order,
    'price' | 'triggerprice' | 'squareoff' | 'stoploss' | 'trailingstoploss' | 'strikeprice' | 'averageprice'
  > {
  price: number;
  triggerprice: number;
  squareoff: number;
  stoploss: number;
  trailingstoploss: number;
  strikeprice: number;
  averageprice: number;
}

/** One trade-book row. */
export interface Trade {
  exchange: string;
  producttype: string;
  tradingsymbol: string;
  instrumenttype: string;
  symbolgroup: string;
  strikeprice: string;
  optiontype: string;
  expirydate: string;
  marketlot: string;
  precision: string;
  multiplier: string;
  tradevalue: string;
  transactiontype: string;
  fillprice: string;
  fillsize: string;
  orderid: string;
  fillid: string;
  /** `HH:mm:ss` IST. */
  filltime: string;
}

// ───────────────────────────── market data ─────────────────────────────

/** getLtpData request. */
export interface LtpRequest {
  exchange: Exchange;
  tradingsymbol: string;
  symboltoken: string;
}

/** getLtpData response data (prices may be strings or numbers at the venue). */
export interface LtpData {
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
  open: NumLike;
  high: NumLike;
  low: NumLike;
  close: NumLike;
  ltp: NumLike;
}

/** market/v1/quote request: up to 50 tokens in all. */
export interface QuoteRequest {
  mode: QuoteMode;
  exchangeTokens: Partial<Record<Exchange, string[]>>;
}

/** One depth level of a FULL quote. */
export interface QuoteDepthLevel {
  price: number;
  quantity: number;
  orders: number;
}

/** A quote row in LTP mode. */
export interface QuoteLtp {
  exchange: string;
  tradingSymbol: string;
  symbolToken: string;
  ltp: number;
}

/** A quote row in OHLC mode. */
export interface QuoteOhlc extends QuoteLtp {
  open: number;
  high: number;
  low: number;
  close: number;
}

/** A quote row in FULL mode. */
export interface QuoteFull extends QuoteOhlc {
  lastTradeQty: number;
  /** `dd-MMM-yyyy HH:mm:ss` IST. */
  exchFeedTime: string;
  exchTradeTime: string;
  netChange: number;
  percentChange: number;
  avgPrice: number;
  tradeVolume: number;
  opnInterest: number;
  lowerCircuit: number;
  upperCircuit: number;
  totBuyQuan: number;
  totSellQuan: number;
  '52WeekLow': number;
  '52WeekHigh': number;
  depth: { buy: QuoteDepthLevel[]; sell: QuoteDepthLevel[] };
}

/** A token the quote could not fetch. */
export interface QuoteUnfetched {
  exchange: string;
  symbolToken: string;
  message: string;
  errorCode: string;
}

/** Quote response data, by mode. */
export interface QuoteResponse<M extends QuoteMode = QuoteMode> {
  fetched: (M extends 'LTP' ? QuoteLtp : M extends 'OHLC' ? QuoteOhlc : QuoteFull)[];
  unfetched: QuoteUnfetched[];
}

/** getCandleData / getOIData request. */
export interface CandleRequest {
  exchange: Exchange;
  symboltoken: string;
  interval: Interval;
  /** `yyyy-MM-dd HH:mm` IST. */
  fromdate: string;
  todate: string;
}

/** One candle: `[timestamp (ISO +05:30), open, high, low, close, volume]`. */
export type CandleRow = [string, number, number, number, number, number];

/** One OI data point. */
export interface OiDataPoint {
  time: string;
  oi: number;
}

/** searchScrip request. */
export interface SearchScripRequest {
  exchange: Exchange;
  searchscrip: string;
}

/** searchScrip result row. */
export interface ScripSearchResult {
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
}

// ───────────────────────────── portfolio ─────────────────────────────

/** One holding row. */
export interface Holding {
  tradingsymbol: string;
  exchange: string;
  isin: string;
  t1quantity: number;
  realisedquantity: number;
  quantity: number;
  authorisedquantity: number;
  product: string;
  collateralquantity: number | null;
  collateraltype: string | null;
  haircut: number;
  averageprice: number;
  ltp: number;
  symboltoken: string;
  close: number;
  profitandloss: number;
  pnlpercentage: number;
}

/** Portfolio totals of getAllHolding. */
export interface TotalHolding {
  totalholdingvalue: number;
  totalinvvalue: number;
  totalprofitandloss: number;
  totalpnlpercentage: number;
}

/** getAllHolding response data. */
export interface AllHoldings {
  holdings: Holding[];
  totalholding: TotalHolding;
}

/** One position row (strings, as the docs show; `ltp`, `close`, `realised`, `unrealised`, `pnl` as live data adds). */
export interface Position {
  exchange: string;
  symboltoken: string;
  producttype: string;
  tradingsymbol: string;
  symbolname: string;
  instrumenttype: string;
  priceden: string;
  pricenum: string;
  genden: string;
  gennum: string;
  precision: string;
  multiplier: string;
  boardlotsize: string;
  buyqty: string;
  sellqty: string;
  buyamount: string;
  sellamount: string;
  symbolgroup: string;
  strikeprice: string;
  optiontype: string;
  expirydate: string;
  lotsize: string;
  cfbuyqty: string;
  cfsellqty: string;
  cfbuyamount: string;
  cfsellamount: string;
  buyavgprice: string;
  sellavgprice: string;
  avgnetprice: string;
  netvalue: string;
  netqty: string;
  totalbuyvalue: string;
  totalsellvalue: string;
  cfbuyavgprice: string;
  cfsellavgprice: string;
  totalbuyavgprice: string;
  totalsellavgprice: string;
  netprice: string;
  ltp: string;
  close: string;
  realised: string;
  unrealised: string;
  /** Total P&L of the row: realised + unrealised (live rows carry it; the docs sample does not). */
  pnl: string;
}

/** convertPosition request (SDK samples send the short form). */
export interface ConvertPositionRequest {
  exchange: Exchange;
  oldproducttype: ProductType;
  newproducttype: ProductType;
  tradingsymbol: string;
  symboltoken?: string;
  transactiontype: TransactionType;
  quantity: NumLike;
  /** `DAY` or `NET`. */
  type: 'DAY' | 'NET';
  [extra: string]: unknown;
}

// ───────────────────────────── GTT ─────────────────────────────

/** gtt createRule request. */
export interface GttCreateRequest {
  tradingsymbol: string;
  symboltoken: string;
  exchange: Exchange;
  transactiontype: TransactionType;
  producttype: ProductType;
  price: NumLike;
  qty: NumLike;
  triggerprice: NumLike;
  disclosedqty?: NumLike;
  timeperiod?: NumLike;
}

/** gtt modifyRule request. */
export interface GttModifyRequest {
  id: NumLike;
  symboltoken: string;
  exchange: Exchange;
  price: NumLike;
  qty: NumLike;
  triggerprice: NumLike;
  disclosedqty?: NumLike;
  timeperiod?: NumLike;
}

/** gtt cancelRule request. */
export interface GttCancelRequest {
  id: NumLike;
  symboltoken: string;
  exchange: Exchange;
}

/** gtt create/modify/cancel response data. */
export interface GttIdResponse {
  id: string;
}

/** gtt ruleDetails request. */
export interface GttDetailsRequest {
  id: NumLike;
}

/** A GTT rule (ruleDetails data; ruleList rows add `id`). */
export interface GttRule {
  id: string;
  status: string;
  createddate: string;
  updateddate: string;
  expirydate: string;
  clientid: string;
  tradingsymbol: string;
  symboltoken: string;
  exchange: string;
  transactiontype: string;
  producttype: string;
  price: string;
  qty: string;
  triggerprice: string;
  disclosedqty: string;
}

/** gtt ruleList request. */
export interface GttListRequest {
  status: GttStatus[];
  page: NumLike;
  count: NumLike;
}

// ───────────────────────────── margin, charges, EDIS ─────────────────────────────

/** One position of a margin batch request. */
export interface MarginPosition {
  exchange: Exchange;
  qty: NumLike;
  price: NumLike;
  productType: ProductType;
  token: string;
  tradeType: TransactionType;
  orderType?: OrderType;
}

/** margin/v1/batch request (up to 50 positions). */
export interface MarginRequest {
  positions: MarginPosition[];
}

/** margin/v1/batch response data. */
export interface MarginResponse {
  totalMarginRequired: number;
  marginComponents: {
    netPremium: number;
    spanMargin: number;
    marginBenefit: number;
    deliveryMargin: number;
    nonNFOMargin: number;
    totOptionsPremium: number;
  };
  marginBreakup: { exchange: string; productType: string; totalMarginRequired: number }[];
  optionsBuy: {
    totOptionsPremium: number;
    optionDetails: {
      exchange: string;
      productType: string;
      token: string;
      lotMultiplier: number;
      optionPremium: number;
    }[];
  };
}

/** One order of an estimateCharges request (snake_case keys, as the venue spells them). */
export interface ChargeOrder {
  product_type: ProductType;
  transaction_type: TransactionType;
  quantity: NumLike;
  price: NumLike;
  exchange: Exchange;
  symbol_name: string;
  token: string;
}

/** estimateCharges request. */
export interface EstimateChargesRequest {
  orders: ChargeOrder[];
}

/** A node of the charges breakdown tree. */
export interface ChargeNode {
  name: string;
  amount: number;
  msg: string;
  breakup: ChargeNode[];
}

/** Charges of one order or of the whole request. */
export interface ChargeSummary {
  total_charges: number;
  trade_value: number;
  breakup: ChargeNode[];
}

/** estimateCharges response data. */
export interface EstimateChargesResponse {
  summary: ChargeSummary;
  charges: ChargeSummary[];
}

/** EDIS verifyDis request. */
export interface VerifyDisRequest {
  isin: string;
  quantity: NumLike;
}

/** EDIS verifyDis response data. */
export interface VerifyDisResponse {
  ReqId: string;
  ReturnURL: string | null;
  DPId: string | null;
  BOID: string | null;
  TransDtls: string | null;
  version: string | null;
}

/** EDIS generateTPIN request. */
export interface GenerateTpinRequest {
  dpId: string;
  ReqId: string;
  boid: string;
  pan: string;
}

/** EDIS getTranStatus request. */
export interface TranStatusRequest {
  ReqId: string;
}

/** EDIS getTranStatus response data. */
export interface TranStatusResponse {
  TransResDtls: {
    ReqId: string;
    ReqType: string;
    ResId: string;
    ResStatus: string;
    ResTime: string;
    ResError: string;
    Remarks: string;
    RecordResDtls: { TxnReqId: string; TxnId: string; Status: string; Errorcode: string }[];
  };
}

// ───────────────────────────── analytics ─────────────────────────────

/** optionGreek request. */
export interface OptionGreekRequest {
  name: string;
  /** `DDMMMYYYY`. */
  expirydate: string;
}

/** optionGreek row (strings with 6 decimals). */
export interface OptionGreek {
  name: string;
  expiry: string;
  strikePrice: string;
  optionType: string;
  delta: string;
  gamma: string;
  theta: string;
  vega: string;
  impliedVolatility: string;
  tradeVolume: string;
}

/** gainersLosers request. */
export interface GainersLosersRequest {
  datatype: GainersLosersDataType;
  expirytype: ExpiryType;
}

/** gainersLosers row (OI types carry OI fields, price types ltp/netChange). */
export interface GainerLoser {
  tradingSymbol: string;
  percentChange: number;
  symbolToken: number;
  opnInterest?: number;
  netChangeOpnInterest?: number;
  ltp?: number;
  netChange?: number;
}

/** putCallRatio row. */
export interface PutCallRatio {
  pcr: number;
  tradingSymbol: string;
}

/** OIBuildup request. */
export interface OiBuildupRequest {
  expirytype: ExpiryType;
  datatype: OiBuildupDataType;
}

/** OIBuildup row (strings in the docs sample). */
export interface OiBuildup {
  symbolToken: string;
  ltp: string;
  netChange: string;
  percentChange: string;
  opnInterest: string;
  netChangeOpnInterest: string;
  tradingSymbol: string;
}

/** nseIntraday / bseIntraday row. */
export interface IntradayScrip {
  exchange: string;
  SymbolName: string;
  Multiplier: string;
}

/** cautionaryScrips row. */
export interface CautionaryScrip {
  token: string;
  symbol: string;
  message: string;
}

// ───────────────────────────── instruments ─────────────────────────────

/** One scrip-master row: every value is a string. */
export interface ScripMasterRow {
  token: string;
  symbol: string;
  name: string;
  /** `DDMMMYYYY` or `""`. */
  expiry: string;
  /** Strike × 100 with 6 decimals, `"-1.000000"` for non-options. */
  strike: string;
  lotsize: string;
  instrumenttype: string;
  exch_seg: string;
  /** Tick size in paise with 6 decimals. */
  tick_size: string;
}

// ───────────────────────────── Portfolio API ─────────────────────────────

/** A listing of a held security on one exchange. */
export interface PortfolioInstrument {
  exchange_name: number;
  token: string;
  trading_symbol: string;
  lot_size: number;
  /** Rupees, e.g. `"0.05"`. */
  tick_size: string;
}

/** `/report/holdings/` row. */
export interface PortfolioHolding {
  instrument: PortfolioInstrument[];
  used_quantity: string;
  avg_price: string;
  holding_quantity: string;
  dp_quantity: string;
  non_poa_dispaly_qty: string;
  collateral_quantity: string;
  beneficiary_quantity: string;
  unpledged_quantity: string;
  broker_quantity: string;
  btst_quantity: string;
  btst_collateral_quantity: string;
}

/** `/report/positions/` row. */
export interface PortfolioPosition {
  order_type: number;
  price_factor: string;
  day_buy_quantity: string;
  day_sell_quantity: string;
  day_buy_amount: string;
  day_buy_avg_price: string;
  day_sell_amount: string;
  /** The sample's key; the field table calls it `day_sell_avg_price` (we send both). */
  day_sell_avg_amount: string;
  day_sell_avg_price?: string;
  cf_buy_quantity: string;
  cf_sell_quantity: string;
  cf_buy_amount: string;
  cf_avg_price: string;
  cf_sell_amount: string;
  cf_sell_avg_price: string;
  cf_org_avg_price: string;
  open_buy_quantity: string;
  open_sell_quantity: string;
  open_buy_amount: string;
  open_buy_avg_price: string;
  open_sell_amount: string;
  open_sell_avg_price: string;
  net_quantity: string;
  net_avg_price: string;
  last_trade_price: string;
  unrealized_mtom: string;
  realized_pnl: string;
  frozen_quantity: string;
  upload_price: string;
  bep: string;
  exchange_name: number;
  trading_symbol: string;
  token: string;
  price_precision: string;
  tick_size: string;
  lot_size: number;
  multiply_factor: string;
}
