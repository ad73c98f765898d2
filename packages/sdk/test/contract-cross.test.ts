/**
 * One request contract, checked from both sides. For every rule of every route with a body (the
 * protocol's `REQUEST_RULES`), boundary cases are generated from the rule schemas — missing, null,
 * blank, wrong type, bad enum, bad numeric string, negative, zero, just inside and just over each limit,
 * empty and over-full arrays — plus the cross-field rules. Each case goes
 * 1. through the SDK (its pre-send check throws `InputError`, or the request reaches the broker), and
 * 2. straight to a running paper broker over HTTP (raw JSON, no SDK),
 * and both sides must agree: both accept (the same answer from the broker) or both refuse with the
 * same venue code and message. A refusal must also be exactly what `checkRequest` says, answered in
 * the venue envelope (HTTP 200, `status:false`, `data:null`).
 *
 * The session routes (login, generateTokens, logout) have no wire-shaped SDK method (the SDK logs in
 * from a TOTP secret), so their cases compare `checkRequest` with the broker directly.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import {
  checkRequest,
  formatExpiry,
  formatIstDateTime,
  REQUEST_RULES,
  type RuledRouteName,
  routePath,
} from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { InputError, SmartApi, SmartApiError } from '../src/index.js';

type Body = Record<string, unknown>;
type Outcome = { ok: true } | { ok: false; code: string; message: string };

let b: PaperBroker;
let api: SmartApi;
let jwt: string;
let limitPrice: number;
let optionExpiry: string;
let futToken: string;

before(async () => {
  b = await startPaperBroker({ funds: 100_000_000 });
  api = new SmartApi({ apiKey: b.account.apiKey, root: b.url, autoOrderTag: false, rateLimit: false });
  await api.login({
    clientCode: b.account.clientcode,
    password: b.account.password,
    totpSecret: b.account.totpSecret,
  });
  jwt = (await b.login()).jwtToken;
  const ltp = b.market.quote('NSE', '3045')?.ltp ?? 50_000;
  limitPrice = Math.floor((ltp * 0.97) / 100); // whole rupees: a tick multiple, inside the circuit band
  const now = b.market.now();
  const opt = b.market
    .instruments()
    .find((i) => i.exchange === 'NFO' && i.name === 'NIFTY' && i.optionType && (i.expiry ?? 0) >= now);
  optionExpiry = opt?.expiry === undefined ? '25JAN2024' : formatExpiry(opt.expiry);
  const fut = b.market
    .instruments()
    .find((i) => i.exchange === 'NFO' && i.instrumentType === 'FUTIDX' && (i.expiry ?? 0) >= now);
  futToken = fut?.token ?? '35006';
});
after(async () => {
  api?.close();
  await b?.close();
});

// ───────────────────────────── the two sides ─────────────────────────────

async function raw(route: RuledRouteName, body: unknown): Promise<Outcome> {
  // logout ends the session it is sent with: each logout case brings its own. The loginByPassword rule
  // cases are failed logins that lock the account (docs/security.md#login-lockout): unlock first.
  if (route === 'logout') await b.admin('POST', `accounts/${b.account.clientcode}/unlock`, {});
  const token = route === 'logout' ? (await b.login()).jwtToken : jwt;
  const res = await fetch(`${b.url}${routePath(route)}`, {
    method: 'POST',
    headers: b.headers(token),
    body: JSON.stringify(body),
  });
  const text = await res.text();
  const env = JSON.parse(text) as { status?: boolean; errorcode?: string; message?: string; data?: unknown };
  if (env.status === true) return { ok: true };
  assert.equal(res.status, 200, `${route}: HTTP ${res.status} ${text}`);
  return { ok: false, code: env.errorcode ?? '', message: env.message ?? '' };
}

const SDK_ERROR = /^[^:]+: (.*) \((\w+)\) \[HTTP \d+\]$/;

async function viaSdk(route: RuledRouteName, body: unknown): Promise<Outcome & { presend?: boolean }> {
  const p = body as Body;
  try {
    switch (route) {
      case 'placeOrder':
        await api.orders.place(p as never);
        break;
      case 'modifyOrder':
        await api.orders.modify(p as never);
        break;
      case 'cancelOrder':
        await api.orders.cancel(p as never);
        break;
      case 'getLtpData':
        await api.market.ltp(p as never);
        break;
      case 'quote':
        await api.market.quote(p as never);
        break;
      case 'searchScrip':
        await api.market.searchScrip(p as never);
        break;
      case 'getCandleData':
        await api.historical.candles(p as never);
        break;
      case 'getOIData':
        await api.historical.oiData(p as never);
        break;
      case 'convertPosition':
        await api.portfolio.convertPosition(p as never);
        break;
      case 'gttCreateRule':
        await api.gtt.create(p as never);
        break;
      case 'gttModifyRule':
        await api.gtt.modify(p as never);
        break;
      case 'gttCancelRule':
        await api.gtt.cancel(p as never);
        break;
      case 'gttRuleDetails':
        await api.gtt.details((p as { id?: never } | null)?.id as never);
        break;
      case 'gttRuleList':
        await api.gtt.list(p as never);
        break;
      case 'marginBatch':
        await api.margin.calculate(p as never);
        break;
      case 'estimateCharges':
        await api.charges.estimate(p as never);
        break;
      case 'verifyDis':
        await api.edis.verifyDis(p as never);
        break;
      case 'generateTPIN':
        await api.edis.generateTpin(p as never);
        break;
      case 'getTranStatus':
        await api.edis.transactionStatus(p as never);
        break;
      case 'optionGreek':
        await api.analytics.optionGreek(p as never);
        break;
      case 'gainersLosers':
        await api.analytics.gainersLosers(p as never);
        break;
      case 'oiBuildup':
        await api.analytics.oiBuildup(p as never);
        break;
      default:
        throw new Error(`no SDK method for ${route}`);
    }
    return { ok: true };
  } catch (e) {
    if (!(e instanceof SmartApiError)) throw e;
    const m = SDK_ERROR.exec(e.message);
    const code = (e as { code?: string }).code ?? '';
    const presend = e instanceof InputError && e.httpStatus === 0;
    return { ok: false, code, message: m?.[1] ?? e.message, presend };
  }
}

// ───────────────────────────── valid bases ─────────────────────────────

async function placeRaw(): Promise<string> {
  const res = await fetch(`${b.url}${routePath('placeOrder')}`, {
    method: 'POST',
    headers: b.headers(jwt),
    body: JSON.stringify(bases.placeOrder()),
  });
  const env = (await res.json()) as { data?: { orderid?: string } };
  assert.ok(env.data?.orderid, 'a resting order for modify/cancel');
  return env.data.orderid;
}

async function gttRaw(): Promise<string> {
  const res = await fetch(`${b.url}${routePath('gttCreateRule')}`, {
    method: 'POST',
    headers: b.headers(jwt),
    body: JSON.stringify(bases.gttCreateRule()),
  });
  const env = (await res.json()) as { data?: { id?: string } };
  assert.ok(env.data?.id, 'a GTT rule for modify/cancel/details');
  return env.data.id;
}

/** A valid body per route; stateful routes get a fresh order or rule for each side. */
const bases: { [R in RuledRouteName]: () => Body | Promise<Body> } = {
  loginByPassword: () => ({ clientcode: b.account.clientcode, password: b.account.password, totp: b.totp() }),
  generateTokens: () => ({ refreshToken: 'not-a-token' }),
  logout: () => ({ clientcode: 'SOMEONE-ELSE' }),
  placeOrder: () => ({
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: String(limitPrice),
    quantity: '1',
  }),
  modifyOrder: async () => ({
    variety: 'NORMAL',
    orderid: await placeRaw(),
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: String(limitPrice - 1),
    quantity: '1',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
  }),
  cancelOrder: async () => ({ variety: 'NORMAL', orderid: await placeRaw() }),
  getLtpData: () => ({ exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' }),
  quote: () => ({ mode: 'FULL', exchangeTokens: { NSE: ['3045'] } }),
  getCandleData: () => candleBase('3045', 'NSE'),
  getOIData: () => candleBase(futToken, 'NFO'),
  searchScrip: () => ({ exchange: 'NSE', searchscrip: 'SBIN' }),
  convertPosition: () => ({
    exchange: 'NSE',
    oldproducttype: 'INTRADAY',
    newproducttype: 'DELIVERY',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    quantity: 1,
    type: 'DAY',
  }),
  gttCreateRule: () => ({
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    exchange: 'NSE',
    transactiontype: 'BUY',
    producttype: 'DELIVERY',
    price: limitPrice,
    qty: 1,
    triggerprice: limitPrice,
    disclosedqty: 0,
    timeperiod: 365,
  }),
  gttModifyRule: async () => ({
    id: await gttRaw(),
    symboltoken: '3045',
    exchange: 'NSE',
    price: limitPrice - 1,
    qty: 1,
    triggerprice: limitPrice - 1,
    timeperiod: 30,
  }),
  gttCancelRule: async () => ({ id: await gttRaw(), symboltoken: '3045', exchange: 'NSE' }),
  gttRuleDetails: async () => ({ id: await gttRaw() }),
  gttRuleList: () => ({ status: ['FORALL'], page: 1, count: 10 }),
  marginBatch: () => ({
    positions: [
      { exchange: 'NSE', qty: 1, price: 0, productType: 'DELIVERY', token: '3045', tradeType: 'BUY' },
    ],
  }),
  estimateCharges: () => ({
    orders: [
      {
        product_type: 'DELIVERY',
        transaction_type: 'BUY',
        quantity: '10',
        price: '800',
        exchange: 'NSE',
        symbol_name: 'SBIN-EQ',
        token: '3045',
      },
    ],
  }),
  // an ISIN the account does not hold (a held one is authorised once a day: the second side would differ)
  verifyDis: () => ({ isin: 'INE999Z01019', quantity: '1' }),
  generateTPIN: () => ({
    dpId: '33200',
    ReqId: '2351614738654050',
    boid: '1203320018563571',
    pan: 'ABCDE1234F',
  }),
  getTranStatus: () => ({ ReqId: '2351614738654050' }),
  optionGreek: () => ({ name: 'NIFTY', expirydate: optionExpiry }),
  gainersLosers: () => ({ datatype: 'PercOIGainers', expirytype: 'NEAR' }),
  oiBuildup: () => ({ expirytype: 'NEAR', datatype: 'Long Built Up' }),
};

function candleBase(token: string, exchange: string): Body {
  const now = b.market.now();
  return {
    exchange,
    symboltoken: token,
    interval: 'ONE_MINUTE',
    fromdate: formatIstDateTime(now - 3 * 86_400_000),
    todate: formatIstDateTime(now),
  };
}

// ───────────────────────────── case generation from the rule schemas ─────────────────────────────

/** One boundary case: a change to the valid body at a path. */
interface Case {
  label: string;
  /** Path of the field (`orders.0.price`); `''` for the whole body. */
  path: string;
  /** The new value; `DELETE` removes the field. */
  value: unknown;
}
const DELETE = Symbol('delete');
/** A change computed from the field's value in the fresh body (ids differ per side). */
class Transform {
  constructor(readonly fn: (v: unknown) => unknown) {}
}

type Schema = Record<string, unknown>;

function numberBranch(s: Schema): Schema | undefined {
  return (s.anyOf as Schema[] | undefined)?.find((x) => x.type === 'number');
}

/** Boundary values of one field schema, given the field's valid value. */
function fieldCases(path: string, s: Schema, valid: unknown, required: boolean): Case[] {
  const out: Case[] = [];
  const add = (label: string, value: unknown) => out.push({ label: `${path} ${label}`, path, value });
  add('missing', DELETE);
  add('null', null);
  add('blank', '  ');
  add('an object', { x: 1 });
  if (s.type === 'array') {
    add('not an array', 'x');
    if (typeof s.minItems === 'number') add(`with ${s.minItems - 1} items (min ${s.minItems})`, []);
    const first = Array.isArray(valid) ? valid[0] : undefined;
    if (typeof s.maxItems === 'number') {
      add(
        `with ${s.maxItems} items (max)`,
        Array.from({ length: s.maxItems }, () => first),
      );
      add(
        `with ${s.maxItems + 1} items (max ${s.maxItems})`,
        Array.from({ length: s.maxItems + 1 }, () => first),
      );
    }
    const items = s.items as Schema | undefined;
    if (items?.type === 'object') {
      add('with a non-object item', ['x']);
      out.push(...objectCases(`${path}.0`, items, first as Body));
    } else if (items) {
      add('with a bad item', [`BOGUS`]);
    }
    return out;
  }
  if (s.type === 'object') return out;
  const consts = (s.anyOf as Schema[] | undefined)?.filter((x) => 'const' in x).map((x) => x.const);
  if (consts && consts.length > 0) {
    add('a bad enum value', 'BOGUS');
    add('padded', ` ${String(valid)} `);
    add('lower case', String(valid).toLowerCase());
    for (const c of consts) if (c !== valid) add(`= ${String(c)}`, c);
    return out;
  }
  const num = numberBranch(s);
  if (s['x-numeric'] === true && num) {
    const n = Number.isFinite(Number(valid)) ? Number(valid) : 1;
    const integer = num.multipleOf === 1;
    add('not numeric', 'abc');
    add('negative (string)', '-1');
    add('negative (number)', -1);
    add('zero (string)', '0');
    add('zero (number)', 0);
    add('as a number', n);
    add('as a string', String(n));
    add('with a Python-float fraction', `${n}.0`);
    add('fractional', integer ? '1.5' : `${n}.25`);
    add('exponent string', '1e3');
    if (typeof num.maximum === 'number' && num.maximum < 1e9) {
      add(`= max ${num.maximum}`, num.maximum);
      add(`= max+1 ${num.maximum + 1}`, num.maximum + 1);
      add(`= max+1 as string`, String(num.maximum + 1));
    }
    return out;
  }
  if (s.anyOf) {
    // id-like: string or non-negative integer
    add('negative number', -1);
    add('fractional number', 1.5);
    add('as a string', new Transform((v) => String(v)));
    return out;
  }
  if (s.type === 'string') {
    if (s['x-text'] === true) add('as a number', 12345);
    else add('a number', 12345);
    if (typeof s.pattern === 'string') {
      add('malformed', '02/01/2024');
      if (path.endsWith('date'))
        add(
          'not a real date',
          String(valid)
            .replace(/-\d\d /, '-31 ')
            .replace(/-\d\d-/, '-02-'),
        );
    }
    if (typeof s.maxLength === 'number') {
      add(`${s.maxLength} chars (max)`, 'T'.repeat(s.maxLength));
      add(`${s.maxLength + 1} chars (max ${s.maxLength})`, 'T'.repeat(s.maxLength + 1));
    }
  }
  void required;
  return out;
}

function objectCases(path: string, s: Schema, valid: Body): Case[] {
  const out: Case[] = [];
  const req = (s.required as string[] | undefined) ?? [];
  for (const [key, sub] of Object.entries(s.properties as Record<string, Schema>)) {
    const p = path === '' ? key : `${path}.${key}`;
    out.push(...fieldCases(p, sub, valid[key], req.includes(key)));
  }
  return out;
}

function apply(body: Body, c: Case): unknown {
  if (c.path === '') return c.value;
  const copy = structuredClone(body);
  const keys = c.path.split('.');
  let o: Record<string, unknown> = copy;
  for (const k of keys.slice(0, -1)) o = o[k] as Record<string, unknown>;
  const last = keys[keys.length - 1] as string;
  if (c.value === DELETE) delete o[last];
  else if (c.value instanceof Transform) o[last] = c.value.fn(o[last]);
  else o[last] = c.value;
  return copy;
}

/** The cross-field rules and other hand-picked boundaries, per route. */
const extraCases: Partial<Record<RuledRouteName, Case[]>> = {
  placeOrder: [
    { label: 'LIMIT without price', path: 'price', value: DELETE },
    { label: 'MARKET with price 0', path: '', value: 'MARKET0' },
    { label: 'STOPLOSS_LIMIT without triggerprice', path: 'ordertype', value: 'STOPLOSS_LIMIT' },
    { label: 'disclosedquantity > quantity', path: 'disclosedquantity', value: '2' },
    { label: 'disclosedquantity = quantity', path: 'disclosedquantity', value: '1' },
    { label: 'ordertag of 19 characters', path: 'ordertag', value: 'x'.repeat(19) },
    { label: 'ordertag of 20 characters', path: 'ordertag', value: 'x'.repeat(20) },
    { label: 'scripconsent yes', path: 'scripconsent', value: 'yes' },
    { label: 'extra unknown field', path: 'somethingelse', value: 42 },
  ],
  quote: [
    { label: '50 tokens', path: 'exchangeTokens', value: { NSE: Array.from({ length: 50 }, () => '3045') } },
    { label: '51 tokens', path: 'exchangeTokens', value: { NSE: Array.from({ length: 51 }, () => '3045') } },
    { label: 'unknown exchange key', path: 'exchangeTokens', value: { XYZ: ['3045'] } },
    { label: 'token list not an array', path: 'exchangeTokens', value: { NSE: '3045' } },
    { label: 'a bad token', path: 'exchangeTokens', value: { NSE: [{}] } },
    { label: 'a numeric token', path: 'exchangeTokens', value: { NSE: [3045] } },
  ],
  getCandleData: [
    { label: 'fromdate after todate', path: 'fromdate', value: '2099-01-01 09:15' },
    { label: 'span over 30 days', path: 'fromdate', value: '2000-01-01 09:15' },
  ],
  convertPosition: [
    { label: 'same product types', path: 'newproducttype', value: 'INTRADAY' },
    { label: 'no token and no symbol', path: '', value: 'NOSYMBOL' },
  ],
  gttCreateRule: [
    { label: 'disclosedqty > qty', path: 'disclosedqty', value: 2 },
    { label: 'timeperiod 365', path: 'timeperiod', value: 365 },
    { label: 'timeperiod 366', path: 'timeperiod', value: 366 },
  ],
  gttRuleList: [
    { label: 'count 500', path: 'count', value: 500 },
    { label: 'count 501', path: 'count', value: 501 },
    { label: 'status not an array', path: 'status', value: 'FORALL' },
  ],
  optionGreek: [{ label: 'expirydate 31FEB2024', path: 'expirydate', value: '31FEB2024' }],
  oiBuildup: [{ label: 'datatype with two spaces', path: 'datatype', value: 'Long  Built Up' }],
};

function special(route: RuledRouteName, body: Body, c: Case): unknown {
  if (c.value === 'MARKET0') return { ...body, ordertype: 'MARKET', price: '0' };
  if (c.value === 'NOSYMBOL') {
    const { symboltoken: _t, tradingsymbol: _s, ...rest } = body;
    return rest;
  }
  void route;
  return apply(body, c);
}

/** Conversions the SDK makes on purpose: candle dates may be given as epoch ms (or a `Date`). */
const SDK_CONVERSIONS: Partial<Record<RuledRouteName, readonly string[]>> = {
  getCandleData: ['fromdate a number', 'todate a number'],
  getOIData: ['fromdate a number', 'todate a number'],
};

/** Fields whose absence the SDK fills with a default on purpose (gtt.list: FORALL, page 1, count 10). */
const SDK_DEFAULTS: Partial<Record<RuledRouteName, readonly string[]>> = {
  gttRuleList: ['status', 'page', 'count'],
};

function casesOf(route: RuledRouteName, valid: Body): Case[] {
  const schema = REQUEST_RULES[route].schema as unknown as Schema;
  const all: Case[] = [
    { label: 'the valid body', path: '', value: valid },
    { label: 'a JSON array body', path: '', value: [] },
    { label: 'a string body', path: '', value: 'x' },
    ...objectCases('', schema, valid),
    ...(extraCases[route] ?? []),
  ];
  const defaults = SDK_DEFAULTS[route] ?? [];
  return all.filter(
    (c) =>
      !(defaults.includes(c.path) && (c.value === DELETE || c.value === null || c.value === '  ')) &&
      !(SDK_CONVERSIONS[route] ?? []).includes(c.label) &&
      // gtt.details(id) takes the id, not a body
      !(route === 'gttRuleDetails' && c.path === '' && c.label !== 'the valid body'),
  );
}

// ───────────────────────────── the test ─────────────────────────────

const SESSION_ROUTES = new Set<RuledRouteName>(['loginByPassword', 'generateTokens', 'logout']);
let total = 0;

for (const route of Object.keys(REQUEST_RULES) as RuledRouteName[]) {
  test(`${route}: the SDK and the paper broker agree on every rule`, async () => {
    const template = await bases[route]();
    const disagreements: string[] = [];
    for (const c of casesOf(route, template)) {
      // Stateful routes get a fresh order/rule for each side.
      const sdkBody =
        c.path === '' && c.label === 'the valid body'
          ? await bases[route]()
          : special(route, await bases[route](), c);
      const rawBody =
        c.path === '' && c.label === 'the valid body'
          ? await bases[route]()
          : special(route, await bases[route](), c);
      const rule = checkRequest(route, rawBody);
      const server = await raw(route, rawBody);
      total++;
      if (!rule.ok) {
        // A broken rule: the broker answers exactly the rule's code and message.
        if (server.ok || server.code !== rule.errorcode || server.message !== rule.message)
          disagreements.push(
            `${c.label}: rules ${rule.errorcode} "${rule.message}", broker ${JSON.stringify(server)}`,
          );
      }
      if (SESSION_ROUTES.has(route)) continue;
      const sdk = await viaSdk(route, sdkBody);
      const same =
        sdk.ok === server.ok &&
        (sdk.ok || (!server.ok && sdk.code === server.code && sdk.message === server.message));
      if (!same)
        disagreements.push(`${c.label}: SDK ${JSON.stringify(sdk)}, broker ${JSON.stringify(server)}`);
      if (!rule.ok && !sdk.ok && !sdk.presend)
        disagreements.push(`${c.label}: the SDK sent a body its own rules refuse`);
    }
    assert.deepEqual(disagreements, [], `${route}:\n${disagreements.join('\n')}`);
  });
}

test('every rule of every route was exercised', (t) => {
  t.diagnostic(`${total} boundary cases over ${Object.keys(REQUEST_RULES).length} routes`);
  // 25 routes with body rules; at least a dozen boundary cases each.
  assert.equal(Object.keys(REQUEST_RULES).length, 25);
  assert.ok(total > 25 * 12, `${total} cases`);
});
