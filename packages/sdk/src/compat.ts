/**
 * `SmartConnect`: the official clients' method names over the typed core, for drop-in migration from
 * `smartapi-python` / `smartapi-javascript`.
 *
 * On success each method resolves to what the official client returns — the envelope
 * `{ status: true, message, errorcode: '', data }`, or the bare id where the official client returns an
 * id (`placeOrder`, `gttCreateRule`, `gttModifyRule`). On failure it rejects with the SDK's typed error
 * (the official clients return the failure dict, `None`, or `{}` instead). Inputs are checked before
 * sending, exactly as in `SmartApi`.
 *
 * Differences worth knowing (all deliberate):
 * - `generateSession` resolves to the getProfile envelope with `jwtToken`, `refreshToken` and
 *   `feedToken` added (as Python does), but `jwtToken` has no `Bearer ` prefix (as JavaScript).
 * - Returned `data` is the typed resource's: empty books are `[]` instead of `null`, LTP/order-details
 *   prices and holding figures are numbers, GTT ids are strings.
 * - GET requests carry no JSON in the query string and no body.
 */
import type {
  AllHoldings,
  CandleRow,
  EstimateChargesResponse,
  Exchange,
  GainerLoser,
  GttIdResponse,
  GttRule,
  Holding,
  IntradayScrip,
  MarginResponse,
  OiBuildup,
  OiDataPoint,
  OptionGreek,
  Order,
  OrderDetails,
  OrderIdResponse,
  PlaceOrderResponse,
  Position,
  Profile,
  PutCallRatio,
  QuoteMode,
  QuoteResponse,
  RmsLimits,
  ScripSearchResult,
  Trade,
  TranStatusResponse,
  VerifyDisResponse,
} from '@smartapi-ts/protocol';
import { SmartApi, type SmartApiOptions } from './client.js';
import { AbortError, type SmartApiError } from './errors.js';
import type { RequestOptions } from './internal/core.js';
import type { Ltp } from './resources/market.js';
import { fail } from './resources/validate.js';

/** The success envelope the official clients resolve to. */
export interface CompatEnvelope<T = unknown> {
  status: true;
  message: string;
  errorcode: string;
  data: T;
}

/** `SmartConnect` options: the official snake_case names or camelCase ones, plus every `SmartApi` option. */
export interface SmartConnectOptions extends Omit<SmartApiOptions, 'apiKey' | 'timeout'> {
  api_key?: string;
  apiKey?: string;
  access_token?: string;
  accessToken?: string;
  refresh_token?: string;
  refreshToken?: string;
  feed_token?: string;
  feedToken?: string;
  client_code?: string;
  clientCode?: string;
  /**
   * Request timeout. Values up to 300 are seconds (Python's `timeout=7`); larger values are
   * milliseconds (JavaScript's `timeout: 7000`). @default 7 s
   */
  timeout?: number;
}

/** Publisher (browser) login page of the venue. */
export const PUBLISHER_LOGIN_URL = 'https://smartapi.angelone.in/publisher-login';

type Params = Record<string, unknown>;

function ok<T>(data: T): CompatEnvelope<T> {
  return { status: true, message: 'SUCCESS', errorcode: '', data };
}

/**
 * Drop-in replacement for the official `SmartConnect`. Every method returns a promise.
 *
 * ```ts
 * const sc = new SmartConnect({ api_key: 'key' });
 * const s = await sc.generateSession('A123456', '1234', totpCodeOrSecret);
 * const orderId = await sc.placeOrder({ variety: 'NORMAL', ... });
 * ```
 */
export class SmartConnect {
  /** The typed client underneath (use it to migrate method by method). */
  readonly api: SmartApi;
  readonly #apiKey: string;
  #pendingRefresh: string | undefined;

  constructor(options: SmartConnectOptions) {
    const o = options ?? ({} as SmartConnectOptions);
    const apiKey = o.api_key ?? o.apiKey;
    const {
      api_key: _snakeKey,
      apiKey: _camelKey,
      access_token,
      accessToken,
      refresh_token,
      refreshToken,
      feed_token,
      feedToken,
      client_code,
      clientCode,
      timeout,
      ...rest
    } = o;
    const opts: SmartApiOptions = { ...rest, apiKey: apiKey as string };
    if (timeout !== undefined) opts.timeout = timeout <= 300 ? timeout * 1000 : timeout;
    this.api = new SmartApi(opts);
    this.#apiKey = apiKey as string;
    const code = client_code ?? clientCode;
    if (code) this.api._sessions.setClientCode(code);
    const jwt = access_token ?? accessToken;
    if (jwt) {
      const t: { jwtToken: string; refreshToken?: string; feedToken?: string; clientCode?: string } = {
        jwtToken: jwt,
      };
      const rt = refresh_token ?? refreshToken;
      const ft = feed_token ?? feedToken;
      if (rt) t.refreshToken = rt;
      if (ft) t.feedToken = ft;
      if (code) t.clientCode = code;
      this.api.setSession(t);
    } else if (refresh_token ?? refreshToken) {
      this.#pendingRefresh = (refresh_token ?? refreshToken) as string;
    }
  }

  // ───────────── session ─────────────

  /** The publisher-login URL for this API key (no request). */
  getLoginURL(): string {
    return this.login_url();
  }

  /** Python spelling of {@link SmartConnect.getLoginURL}. */
  login_url(): string {
    return `${PUBLISHER_LOGIN_URL}?api_key=${encodeURIComponent(this.#apiKey)}`;
  }

  /**
   * Logs in. `totp` may be the 6-digit code (as in the official clients) or the base32 TOTP secret
   * (then the SDK computes codes and can re-login by itself). Resolves to the profile envelope with
   * the tokens added to `data`.
   */
  async generateSession(
    clientCode: string,
    password: string,
    totp: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<Params>> {
    const isCode = typeof totp === 'string' && /^\d{6}$/.test(totp);
    const session = await this.api.login(
      isCode ? { clientCode, password, totp } : { clientCode, password, totpSecret: totp },
      opts,
    );
    const tokens = {
      jwtToken: session.jwtToken,
      refreshToken: session.refreshToken,
      feedToken: session.feedToken,
    };
    try {
      const profile = await this.api.user.profile(opts);
      return ok({ ...(profile as unknown as Params), ...tokens });
    } catch (e) {
      if (e instanceof AbortError) throw e;
      return ok({ clientcode: session.clientCode, ...tokens });
    }
  }

  /** Exchanges a refresh token for new tokens and installs them. */
  async generateToken(refreshToken: string, opts?: RequestOptions): Promise<CompatEnvelope<Params>> {
    const s = await this.api._sessions.generateTokens(refreshToken, opts);
    return ok({ jwtToken: s.jwtToken, refreshToken: s.refreshToken, feedToken: s.feedToken });
  }

  /** Python's renewAccessToken (sends the JWT and refresh token; unlike Python, installs the result). */
  async renewAccessToken(opts?: RequestOptions): Promise<CompatEnvelope<Params>> {
    const cur = this.api.session;
    const rt = cur?.refreshToken || this.#pendingRefresh;
    if (!rt) fail('generateTokens', 'no refresh token: call generateSession() or setRefreshToken() first');
    const extra: Record<string, string> = cur?.jwtToken ? { jwtToken: cur.jwtToken } : {};
    const s = await this.api._sessions.generateTokens(rt, opts, extra);
    return ok({ jwtToken: s.jwtToken, refreshToken: s.refreshToken, feedToken: s.feedToken });
  }

  /** Logs out `clientCode` (default: the logged-in one). */
  async terminateSession(clientCode?: string, opts?: RequestOptions): Promise<CompatEnvelope<string>> {
    const code = clientCode ?? this.api.session?.clientCode ?? this.api._sessions.clientCode();
    if (!code) fail('logout', 'clientCode is required');
    this.api._sessions.setClientCode(code);
    await this.api.logout(opts);
    return ok('');
  }

  /** JavaScript spelling of {@link SmartConnect.terminateSession}. */
  logout(clientCode?: string, opts?: RequestOptions): Promise<CompatEnvelope<string>> {
    return this.terminateSession(clientCode, opts);
  }

  /** The profile envelope (a refresh-token argument is accepted and ignored, as the venue does). */
  async getProfile(_refreshToken?: string, opts?: RequestOptions): Promise<CompatEnvelope<Profile>> {
    return ok(await this.api.user.profile(opts));
  }

  /** The current feed token (no request). */
  getfeedToken(): string | undefined {
    return this.api.session?.feedToken || undefined;
  }

  /** The logged-in client code (no request). */
  getUserId(): string | undefined {
    return this.api.session?.clientCode || this.api._sessions.clientCode();
  }

  /** Installs a JWT obtained elsewhere. */
  setAccessToken(accessToken: string): void {
    this.api.setSession({ jwtToken: accessToken });
    if (this.#pendingRefresh) {
      this.api.setSession({ jwtToken: accessToken, refreshToken: this.#pendingRefresh });
      this.#pendingRefresh = undefined;
    }
  }

  /** Installs a refresh token (used by the automatic refresh). */
  setRefreshToken(refreshToken: string): void {
    const s = this.api.session;
    if (s) this.api.setSession({ jwtToken: s.jwtToken, refreshToken });
    else this.#pendingRefresh = refreshToken;
  }

  /** Installs a feed token. */
  setFeedToken(feedToken: string): void {
    const s = this.api.session;
    if (!s) fail('setTokens', 'set the access token first');
    this.api.setSession({ jwtToken: s.jwtToken, feedToken });
  }

  /** Sets the client code (used by logout and rate limiting). */
  setUserId(clientCode: string): void {
    this.api._sessions.setClientCode(clientCode);
  }

  /** Calls `hook(error)` when the session is lost and cannot be renewed. */
  setSessionExpiryHook(hook: (error: SmartApiError) => void): void {
    if (typeof hook !== 'function') throw new TypeError('Invalid input type. hook must be a callable');
    this.api.on('sessionExpired', hook);
  }

  // ───────────── portfolio / user ─────────────

  /** Holdings envelope. */
  async holding(opts?: RequestOptions): Promise<CompatEnvelope<Holding[]>> {
    return ok(await this.api.portfolio.holdings(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.holding}. */
  getHolding(opts?: RequestOptions): Promise<CompatEnvelope<Holding[]>> {
    return this.holding(opts);
  }
  /** All-holdings envelope. */
  async allholding(opts?: RequestOptions): Promise<CompatEnvelope<AllHoldings>> {
    return ok(await this.api.portfolio.allHoldings(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.allholding}. */
  getAllHolding(opts?: RequestOptions): Promise<CompatEnvelope<AllHoldings>> {
    return this.allholding(opts);
  }
  /** Positions envelope. */
  async position(opts?: RequestOptions): Promise<CompatEnvelope<Position[]>> {
    return ok(await this.api.portfolio.positions(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.position}. */
  getPosition(opts?: RequestOptions): Promise<CompatEnvelope<Position[]>> {
    return this.position(opts);
  }
  /** Converts a position; envelope with `data: null`. */
  async convertPosition(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<null>> {
    await this.api.portfolio.convertPosition(params as never, opts);
    return ok(null);
  }
  /** Funds envelope. */
  async rmsLimit(opts?: RequestOptions): Promise<CompatEnvelope<RmsLimits>> {
    return ok(await this.api.user.rms(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.rmsLimit}. */
  getRMS(opts?: RequestOptions): Promise<CompatEnvelope<RmsLimits>> {
    return this.rmsLimit(opts);
  }

  // ───────────── orders ─────────────

  /** Places an order; resolves to the order id. */
  async placeOrder(params: Params, opts?: RequestOptions): Promise<string> {
    return (await this.api.orders.place(params as never, opts)).orderid;
  }
  /** Places an order; resolves to the envelope. */
  async placeOrderFullResponse(
    params: Params,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<PlaceOrderResponse>> {
    return ok(await this.api.orders.place(params as never, opts));
  }
  /** Modifies an order. */
  async modifyOrder(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<OrderIdResponse>> {
    return ok(await this.api.orders.modify(params as never, opts));
  }
  /** Cancels an order: `(orderId, variety)` as Python, or `({ orderid, variety })` as JavaScript. */
  async cancelOrder(
    orderId: string | Params,
    variety?: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<OrderIdResponse>> {
    const p = typeof orderId === 'object' && orderId !== null ? orderId : { variety, orderid: orderId };
    return ok(await this.api.orders.cancel(p as never, opts));
  }
  /** Order book envelope. */
  async orderBook(opts?: RequestOptions): Promise<CompatEnvelope<Order[]>> {
    return ok(await this.api.orders.book(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.orderBook}. */
  getOrderBook(opts?: RequestOptions): Promise<CompatEnvelope<Order[]>> {
    return this.orderBook(opts);
  }
  /** Trade book envelope. */
  async tradeBook(opts?: RequestOptions): Promise<CompatEnvelope<Trade[]>> {
    return ok(await this.api.orders.trades(opts));
  }
  /** JavaScript spelling of {@link SmartConnect.tradeBook}. */
  getTradeBook(opts?: RequestOptions): Promise<CompatEnvelope<Trade[]>> {
    return this.tradeBook(opts);
  }
  /** One order by `uniqueorderid`. */
  async individualOrderDetails(
    uniqueOrderId: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<OrderDetails>> {
    return ok(await this.api.orders.details(uniqueOrderId, opts));
  }
  /** Python spelling of {@link SmartConnect.individualOrderDetails}. */
  individual_order_details(
    uniqueOrderId: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<OrderDetails>> {
    return this.individualOrderDetails(uniqueOrderId, opts);
  }
  /** JavaScript spelling of {@link SmartConnect.individualOrderDetails}. */
  indOrderDetails(uniqueOrderId: string, opts?: RequestOptions): Promise<CompatEnvelope<OrderDetails>> {
    return this.individualOrderDetails(uniqueOrderId, opts);
  }

  // ───────────── market data ─────────────

  /** LTP envelope. */
  async ltpData(
    exchange: string,
    tradingsymbol: string,
    symboltoken: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<Ltp>> {
    return ok(
      await this.api.market.ltp({ exchange: exchange as Exchange, tradingsymbol, symboltoken }, opts),
    );
  }
  /** Quote envelope: `(mode, exchangeTokens)` as Python, or `({ mode, exchangeTokens })` as JavaScript. */
  async getMarketData(
    mode: QuoteMode | Params,
    exchangeTokens?: Partial<Record<Exchange, string[]>>,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<QuoteResponse>> {
    const p = typeof mode === 'object' && mode !== null ? mode : { mode, exchangeTokens };
    return ok(await this.api.market.quote(p as never, opts));
  }
  /** JavaScript spelling of {@link SmartConnect.getMarketData}. */
  marketData(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<QuoteResponse>> {
    return this.getMarketData(params, undefined, opts);
  }
  /** Candles envelope. */
  async getCandleData(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<CandleRow[]>> {
    return ok(await this.api.historical.candles(params as never, opts));
  }
  /** OI history envelope. */
  async getOIData(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<OiDataPoint[]>> {
    return ok(await this.api.historical.oiData(params as never, opts));
  }
  /**
   * Scrip search. `(exchange, searchscrip)` resolves to the envelope (Python); `({ exchange,
   * searchscrip })` resolves to the array of matches (JavaScript).
   */
  searchScrip(
    exchange: string,
    searchscrip: string,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<ScripSearchResult[]>>;
  searchScrip(
    params: { exchange: string; searchscrip: string },
    opts?: RequestOptions,
  ): Promise<ScripSearchResult[]>;
  async searchScrip(
    a: string | { exchange: string; searchscrip: string },
    b?: string | RequestOptions,
    c?: RequestOptions,
  ): Promise<CompatEnvelope<ScripSearchResult[]> | ScripSearchResult[]> {
    if (typeof a === 'object' && a !== null) {
      return this.api.market.searchScrip(a as never, typeof b === 'object' ? b : undefined);
    }
    return ok(await this.api.market.searchScrip({ exchange: a as Exchange, searchscrip: b as string }, c));
  }

  // ───────────── GTT ─────────────

  /** Creates a GTT rule; resolves to its id. */
  async gttCreateRule(params: Params, opts?: RequestOptions): Promise<string> {
    return (await this.api.gtt.create(params as never, opts)).id;
  }
  /** Modifies a GTT rule; resolves to its id. */
  async gttModifyRule(params: Params, opts?: RequestOptions): Promise<string> {
    return (await this.api.gtt.modify(params as never, opts)).id;
  }
  /** Cancels a GTT rule; envelope `{ data: { id } }`. */
  async gttCancelRule(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<GttIdResponse>> {
    return ok(await this.api.gtt.cancel(params as never, opts));
  }
  /** One GTT rule. */
  async gttDetails(id: string | number, opts?: RequestOptions): Promise<CompatEnvelope<GttRule>> {
    return ok(await this.api.gtt.details(id, opts));
  }
  /** GTT rules by status (a single status string is accepted and wrapped in an array). */
  async gttLists(
    status: string | string[],
    page: number,
    count: number,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<GttRule[]>> {
    const list = typeof status === 'string' ? [status] : status;
    return ok(await this.api.gtt.list({ status: list as never, page, count }, opts));
  }
  /** JavaScript createRule: the envelope. */
  async createRule(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<GttIdResponse>> {
    return ok(await this.api.gtt.create(params as never, opts));
  }
  /** JavaScript modifyRule: the envelope. */
  async modifyRule(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<GttIdResponse>> {
    return ok(await this.api.gtt.modify(params as never, opts));
  }
  /** JavaScript cancelRule. */
  cancelRule(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<GttIdResponse>> {
    return this.gttCancelRule(params, opts);
  }
  /** JavaScript ruleDetails({ id }). */
  ruleDetails(params: { id: string | number }, opts?: RequestOptions): Promise<CompatEnvelope<GttRule>> {
    return this.gttDetails(params?.id, opts);
  }
  /** JavaScript ruleList({ status, page, count }). */
  ruleList(
    params: { status: string | string[]; page: number; count: number },
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<GttRule[]>> {
    return this.gttLists(params?.status, params?.page, params?.count, opts);
  }

  // ───────────── margin, charges, EDIS ─────────────

  /** Margin envelope. */
  async getMarginApi(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<MarginResponse>> {
    return ok(await this.api.margin.calculate(params as never, opts));
  }
  /** JavaScript spelling of {@link SmartConnect.getMarginApi}. */
  marginApi(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<MarginResponse>> {
    return this.getMarginApi(params, opts);
  }
  /** Charges envelope. */
  async estimateCharges(
    params: Params,
    opts?: RequestOptions,
  ): Promise<CompatEnvelope<EstimateChargesResponse>> {
    return ok(await this.api.charges.estimate(params as never, opts));
  }
  /** EDIS verify envelope. */
  async verifyDis(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<VerifyDisResponse>> {
    return ok(await this.api.edis.verifyDis(params as never, opts));
  }
  /** EDIS TPIN envelope (`data: null`). */
  async generateTPIN(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<null>> {
    await this.api.edis.generateTpin(params as never, opts);
    return ok(null);
  }
  /** EDIS status envelope. */
  async getTranStatus(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<TranStatusResponse>> {
    return ok(await this.api.edis.transactionStatus(params as never, opts));
  }

  // ───────────── analytics ─────────────

  /** Option greeks envelope. */
  async optionGreek(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<OptionGreek[]>> {
    return ok(await this.api.analytics.optionGreek(params as never, opts));
  }
  /** Gainers/losers envelope. */
  async gainersLosers(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<GainerLoser[]>> {
    return ok(await this.api.analytics.gainersLosers(params as never, opts));
  }
  /** Put-call ratio envelope. */
  async putCallRatio(opts?: RequestOptions): Promise<CompatEnvelope<PutCallRatio[]>> {
    return ok(await this.api.analytics.putCallRatio(opts));
  }
  /** OI build-up envelope. */
  async oIBuildup(params: Params, opts?: RequestOptions): Promise<CompatEnvelope<OiBuildup[]>> {
    return ok(await this.api.analytics.oiBuildup(params as never, opts));
  }
  /** NSE intraday list envelope. */
  async nseIntraday(opts?: RequestOptions): Promise<CompatEnvelope<IntradayScrip[]>> {
    return ok(await this.api.analytics.nseIntraday(opts));
  }
  /** BSE intraday list envelope. */
  async bseIntraday(opts?: RequestOptions): Promise<CompatEnvelope<IntradayScrip[]>> {
    return ok(await this.api.analytics.bseIntraday(opts));
  }

  /** Stops timers and closes pooled connections. */
  close(): void {
    this.api.close();
  }
}
