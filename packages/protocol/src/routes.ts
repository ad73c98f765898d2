/**
 * The REST route table (docs/protocol/rest.md#rate-limits, #routes): every route of the venue with its method,
 * canonical path, whether it needs a JWT, and its rate-limit group. The SDK builds requests from it and
 * the paper broker serves it; nothing else spells a route path.
 */

/** HTTP method used by a route. The venue only uses GET and POST. */
export type HttpMethod = 'GET' | 'POST';

/** A rate-limit budget, per client code. Missing windows are unlimited. */
export interface RateLimit {
  /** Group id; routes with the same id share one budget (place/modify/cancel share `orders`). */
  readonly group: string;
  readonly perSecond: number;
  readonly perMinute?: number;
  readonly perHour?: number;
  /** True when the venue publishes no limit for the route and this is our conservative default. */
  readonly assumed?: boolean;
}

/** One REST route. */
export interface RouteDef {
  /** Stable route name (the SDK's error objects carry it). */
  readonly name: RouteName;
  readonly method: HttpMethod;
  /** Canonical path. `{uniqueorderid}` marks the path parameter of `orderDetails`. */
  readonly path: string;
  /** Needs `Authorization: Bearer <jwt>`. */
  readonly auth: boolean;
  readonly rateLimit: RateLimit;
  /** Optional path prefixes some official clients add (`/gtt-service`, `/order-service`). */
  readonly prefixes: readonly string[];
  /** A write that must never be retried blindly (no idempotency key at the venue). */
  readonly unsafeWrite: boolean;
}

const ORDERS: RateLimit = { group: 'orders', perSecond: 9, perMinute: 500, perHour: 1000 };
const TEN: Omit<RateLimit, 'group'> = { perSecond: 10, perMinute: 500, perHour: 5000 };
const GTT_WRITE: Omit<RateLimit, 'group'> = { perSecond: 9, perMinute: 500, perHour: 5000 };
/** The conservative default for routes the venue publishes no limit for. */
export const DEFAULT_RATE_LIMIT: Omit<RateLimit, 'group'> = { perSecond: 1, assumed: true };

const A = '/rest/auth/angelbroking';
const S = '/rest/secure/angelbroking';
const GTT_PREFIXES = ['/gtt-service'] as const;
const ORDER_PREFIXES = ['/order-service'] as const;

function r(
  name: RouteName,
  method: HttpMethod,
  path: string,
  limit: Omit<RateLimit, 'group'> | RateLimit,
  opts: { auth?: boolean; prefixes?: readonly string[]; unsafeWrite?: boolean } = {},
): RouteDef {
  return {
    name,
    method,
    path,
    auth: opts.auth ?? true,
    rateLimit: 'group' in limit ? limit : { group: name, ...limit },
    prefixes: opts.prefixes ?? [],
    unsafeWrite: opts.unsafeWrite ?? false,
  };
}

/** Names of all 37 venue routes. */
export type RouteName =
  | 'loginByPassword'
  | 'generateTokens'
  | 'getProfile'
  | 'logout'
  | 'getRMS'
  | 'placeOrder'
  | 'modifyOrder'
  | 'cancelOrder'
  | 'getOrderBook'
  | 'getTradeBook'
  | 'orderDetails'
  | 'getLtpData'
  | 'quote'
  | 'getCandleData'
  | 'getOIData'
  | 'searchScrip'
  | 'getHolding'
  | 'getAllHolding'
  | 'getPosition'
  | 'convertPosition'
  | 'gttCreateRule'
  | 'gttModifyRule'
  | 'gttCancelRule'
  | 'gttRuleDetails'
  | 'gttRuleList'
  | 'marginBatch'
  | 'estimateCharges'
  | 'verifyDis'
  | 'generateTPIN'
  | 'getTranStatus'
  | 'optionGreek'
  | 'gainersLosers'
  | 'putCallRatio'
  | 'oiBuildup'
  | 'nseIntraday'
  | 'bseIntraday'
  | 'cautionaryScrips';

/** The route table, keyed by name. */
export const ROUTES: { readonly [K in RouteName]: RouteDef } = {
  loginByPassword: r(
    'loginByPassword',
    'POST',
    `${A}/user/v1/loginByPassword`,
    { perSecond: 1 },
    { auth: false },
  ),
  generateTokens: r(
    'generateTokens',
    'POST',
    `${A}/jwt/v1/generateTokens`,
    { perSecond: 1, perHour: 1000 },
    { auth: false },
  ),
  getProfile: r('getProfile', 'GET', `${S}/user/v1/getProfile`, { perSecond: 3, perHour: 1000 }),
  logout: r('logout', 'POST', `${S}/user/v1/logout`, { perSecond: 1 }),
  getRMS: r('getRMS', 'GET', `${S}/user/v1/getRMS`, { perSecond: 2 }),
  placeOrder: r('placeOrder', 'POST', `${S}/order/v1/placeOrder`, ORDERS, {
    prefixes: ORDER_PREFIXES,
    unsafeWrite: true,
  }),
  modifyOrder: r('modifyOrder', 'POST', `${S}/order/v1/modifyOrder`, ORDERS, {
    prefixes: ORDER_PREFIXES,
    unsafeWrite: true,
  }),
  cancelOrder: r('cancelOrder', 'POST', `${S}/order/v1/cancelOrder`, ORDERS, {
    prefixes: ORDER_PREFIXES,
    unsafeWrite: true,
  }),
  getOrderBook: r(
    'getOrderBook',
    'GET',
    `${S}/order/v1/getOrderBook`,
    { perSecond: 1 },
    { prefixes: ORDER_PREFIXES },
  ),
  getTradeBook: r(
    'getTradeBook',
    'GET',
    `${S}/order/v1/getTradeBook`,
    { perSecond: 1 },
    { prefixes: ORDER_PREFIXES },
  ),
  orderDetails: r('orderDetails', 'GET', `${S}/order/v1/details/{uniqueorderid}`, TEN, {
    prefixes: ORDER_PREFIXES,
  }),
  getLtpData: r('getLtpData', 'POST', `${S}/order/v1/getLtpData`, TEN, { prefixes: ORDER_PREFIXES }),
  quote: r('quote', 'POST', `${S}/market/v1/quote`, TEN),
  getCandleData: r('getCandleData', 'POST', `${S}/historical/v1/getCandleData`, {
    perSecond: 3,
    perMinute: 180,
    perHour: 5000,
  }),
  getOIData: r('getOIData', 'POST', `${S}/historical/v1/getOIData`, DEFAULT_RATE_LIMIT),
  searchScrip: r(
    'searchScrip',
    'POST',
    `${S}/order/v1/searchScrip`,
    { perSecond: 1 },
    { prefixes: ORDER_PREFIXES },
  ),
  getHolding: r('getHolding', 'GET', `${S}/portfolio/v1/getHolding`, { perSecond: 1 }),
  getAllHolding: r('getAllHolding', 'GET', `${S}/portfolio/v1/getAllHolding`, { perSecond: 1 }),
  getPosition: r(
    'getPosition',
    'GET',
    `${S}/order/v1/getPosition`,
    { perSecond: 1 },
    { prefixes: ORDER_PREFIXES },
  ),
  convertPosition: r('convertPosition', 'POST', `${S}/order/v1/convertPosition`, TEN, {
    prefixes: ORDER_PREFIXES,
    unsafeWrite: true,
  }),
  gttCreateRule: r('gttCreateRule', 'POST', `${S}/gtt/v1/createRule`, GTT_WRITE, {
    prefixes: GTT_PREFIXES,
    unsafeWrite: true,
  }),
  gttModifyRule: r('gttModifyRule', 'POST', `${S}/gtt/v1/modifyRule`, GTT_WRITE, {
    prefixes: GTT_PREFIXES,
    unsafeWrite: true,
  }),
  gttCancelRule: r('gttCancelRule', 'POST', `${S}/gtt/v1/cancelRule`, GTT_WRITE, {
    prefixes: GTT_PREFIXES,
    unsafeWrite: true,
  }),
  gttRuleDetails: r('gttRuleDetails', 'POST', `${S}/gtt/v1/ruleDetails`, TEN, { prefixes: GTT_PREFIXES }),
  gttRuleList: r('gttRuleList', 'POST', `${S}/gtt/v1/ruleList`, TEN, { prefixes: GTT_PREFIXES }),
  marginBatch: r('marginBatch', 'POST', `${S}/margin/v1/batch`, TEN),
  estimateCharges: r('estimateCharges', 'POST', `${S}/brokerage/v1/estimateCharges`, DEFAULT_RATE_LIMIT),
  verifyDis: r('verifyDis', 'POST', `${S}/edis/v1/verifyDis`, DEFAULT_RATE_LIMIT),
  generateTPIN: r('generateTPIN', 'POST', `${S}/edis/v1/generateTPIN`, DEFAULT_RATE_LIMIT),
  getTranStatus: r('getTranStatus', 'POST', `${S}/edis/v1/getTranStatus`, DEFAULT_RATE_LIMIT),
  optionGreek: r('optionGreek', 'POST', `${S}/marketData/v1/optionGreek`, { perSecond: 1 }),
  gainersLosers: r('gainersLosers', 'POST', `${S}/marketData/v1/gainersLosers`, DEFAULT_RATE_LIMIT),
  putCallRatio: r('putCallRatio', 'GET', `${S}/marketData/v1/putCallRatio`, DEFAULT_RATE_LIMIT),
  oiBuildup: r('oiBuildup', 'POST', `${S}/marketData/v1/OIBuildup`, DEFAULT_RATE_LIMIT),
  nseIntraday: r('nseIntraday', 'GET', `${S}/marketData/v1/nseIntraday`, DEFAULT_RATE_LIMIT),
  bseIntraday: r('bseIntraday', 'GET', `${S}/marketData/v1/bseIntraday`, DEFAULT_RATE_LIMIT),
  cautionaryScrips: r('cautionaryScrips', 'GET', `${S}/securities/v1/cautionaryScrips`, DEFAULT_RATE_LIMIT),
};

/** All routes as a list, in catalogue order. */
export const ROUTE_LIST: readonly RouteDef[] = Object.values(ROUTES);

/** Path of the scrip master JSON, relative to the scrip-master host (or the paper broker root). */
export const SCRIP_MASTER_PATH = '/OpenAPI_File/files/OpenAPIScripMaster.json';
/** The venue's scrip-master URL. */
export const SCRIP_MASTER_URL = `https://margincalculator.angelbroking.com${SCRIP_MASTER_PATH}`;
/** The venue's REST root. */
export const DEFAULT_ROOT_URL = 'https://apiconnect.angelone.in';
/** The venue's market-data WebSocket URL. */
export const DEFAULT_MARKET_FEED_URL = 'wss://smartapisocket.angelone.in/smart-stream';
/** The venue's order-update WebSocket URL. */
export const DEFAULT_ORDER_FEED_URL = 'wss://tns.angelone.in/smart-order-update';
/** Path of the market-data WebSocket. */
export const MARKET_FEED_PATH = '/smart-stream';
/** Path of the order-update WebSocket. */
export const ORDER_FEED_PATH = '/smart-order-update';

/** The Portfolio API routes (not SmartAPI: `access-token` header, bare JSON arrays). */
export const PORTFOLIO_ROUTES = {
  holdings: { method: 'GET', path: '/report/holdings/' },
  positions: { method: 'GET', path: '/report/positions/' },
} as const;

/**
 * Normalises a request path the way the venue tolerates it: drops the query string, collapses doubled
 * slashes, drops a trailing slash and strips an optional `/gtt-service` or `/order-service` prefix.
 */
export function normalizePath(raw: string): string {
  let p = raw;
  const q = p.indexOf('?');
  if (q >= 0) p = p.slice(0, q);
  p = p.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  for (const prefix of ['/gtt-service', '/order-service']) {
    if (p.startsWith(`${prefix}/rest/`)) {
      p = p.slice(prefix.length);
      break;
    }
  }
  return p;
}

const DETAILS_PREFIX = `${S}/order/v1/details/`;
const BY_PATH = new Map<string, RouteDef>();
for (const route of ROUTE_LIST) if (route.name !== 'orderDetails') BY_PATH.set(route.path, route);

/** A route matched from a raw request path. */
export interface RouteMatch {
  readonly route: RouteDef;
  /** Path parameters (`uniqueorderid` for orderDetails). */
  readonly params: Readonly<Record<string, string>>;
}

/**
 * Finds the route for a raw request path (any tolerated spelling, see {@link normalizePath}).
 * Returns undefined for unknown paths. The method is not checked here; compare `route.method`.
 */
export function matchRoute(rawPath: string): RouteMatch | undefined {
  const p = normalizePath(rawPath);
  const exact = BY_PATH.get(p);
  if (exact) return { route: exact, params: {} };
  if (p.startsWith(DETAILS_PREFIX)) {
    const id = p.slice(DETAILS_PREFIX.length);
    if (id.length > 0 && !id.includes('/')) {
      return { route: ROUTES.orderDetails, params: { uniqueorderid: decodeURIComponent(id) } };
    }
  }
  return undefined;
}

/** Builds the concrete path of a route, filling path parameters. */
export function routePath(name: RouteName, params: Readonly<Record<string, string>> = {}): string {
  return ROUTES[name].path.replace(/\{(\w+)\}/g, (_, key: string) => {
    const v = params[key];
    if (v === undefined) throw new TypeError(`route ${name}: missing path parameter ${key}`);
    return encodeURIComponent(v);
  });
}
