import assert from 'node:assert/strict';
import { test } from 'node:test';
import { matchRoute, normalizePath, ROUTE_LIST, ROUTES, routePath } from '../src/index.js';

test('the table has all 37 venue routes with unique names and paths', () => {
  assert.equal(ROUTE_LIST.length, 37);
  assert.equal(new Set(ROUTE_LIST.map((r) => r.name)).size, 37);
  assert.equal(new Set(ROUTE_LIST.map((r) => `${r.method} ${r.path}`)).size, 37);
  for (const r of ROUTE_LIST) {
    assert.match(r.path, /^\/rest\/(auth|secure)\/angelbroking\//, r.name);
    assert.ok(r.rateLimit.perSecond > 0, r.name);
  }
});

test('only login and token refresh skip the JWT', () => {
  assert.deepEqual(
    ROUTE_LIST.filter((r) => !r.auth)
      .map((r) => r.name)
      .sort(),
    ['generateTokens', 'loginByPassword'],
  );
});

test('place, modify and cancel share one budget of 9/s, 500/min, 1000/h', () => {
  const groups = new Set([ROUTES.placeOrder, ROUTES.modifyOrder, ROUTES.cancelOrder].map((r) => r.rateLimit));
  assert.equal(groups.size, 1);
  const [limit] = [...groups];
  assert.deepEqual(
    { g: limit?.group, s: limit?.perSecond, m: limit?.perMinute, h: limit?.perHour },
    { g: 'orders', s: 9, m: 500, h: 1000 },
  );
  assert.equal(ROUTES.getCandleData.rateLimit.perMinute, 180);
  assert.equal(ROUTES.getOIData.rateLimit.assumed, true);
  assert.notEqual(ROUTES.gttCreateRule.rateLimit.group, ROUTES.placeOrder.rateLimit.group);
});

test('writes that must never be retried blindly are marked', () => {
  const unsafe = ROUTE_LIST.filter((r) => r.unsafeWrite).map((r) => r.name);
  for (const n of [
    'placeOrder',
    'modifyOrder',
    'cancelOrder',
    'gttCreateRule',
    'gttModifyRule',
    'gttCancelRule',
  ]) {
    assert.ok(unsafe.includes(n as never), n);
  }
  assert.ok(!ROUTES.getOrderBook.unsafeWrite);
});

test('path spellings the official clients use all resolve', () => {
  const cases: [string, string][] = [
    ['/gtt-service/rest/secure/angelbroking/gtt/v1/createRule', 'gttCreateRule'],
    ['/rest/secure/angelbroking/gtt/v1/createRule', 'gttCreateRule'],
    ['/order-service/rest/secure/angelbroking/order/v1/getLtpData', 'getLtpData'],
    ['/rest/secure/angelbroking/market/v1/quote/', 'quote'],
    ['/rest/secure/angelbroking/order/v1/getOrderBook?%7B%7D', 'getOrderBook'],
    ['//rest/secure/angelbroking/user/v1/getProfile', 'getProfile'],
    ['/rest/secure/angelbroking/marketData/v1/OIBuildup', 'oiBuildup'],
  ];
  for (const [path, name] of cases) assert.equal(matchRoute(path)?.route.name, name, path);
  assert.equal(
    matchRoute('/rest/secure/angelbroking/marketData/v1/oibuildup'),
    undefined,
    'paths are case-sensitive',
  );
  assert.equal(matchRoute('/rest/secure/angelbroking/nope'), undefined);
});

test('order details takes the uniqueorderid from the path, with doubled slashes tolerated', () => {
  const id = '05ebf91b-bea4-4a1d-b0f2-4259606570e3';
  for (const p of [
    `/rest/secure/angelbroking/order/v1/details/${id}`,
    `/rest/secure/angelbroking/order/v1//details/${id}`,
    `/rest/secure/angelbroking/order/v1/details/${id}/`,
  ]) {
    const m = matchRoute(p);
    assert.equal(m?.route.name, 'orderDetails', p);
    assert.equal(m?.params.uniqueorderid, id);
  }
  assert.equal(matchRoute('/rest/secure/angelbroking/order/v1/details/'), undefined);
  assert.equal(
    routePath('orderDetails', { uniqueorderid: 'a b' }),
    '/rest/secure/angelbroking/order/v1/details/a%20b',
  );
  assert.throws(() => routePath('orderDetails'), TypeError);
});

test('normalizePath only strips the known prefixes', () => {
  assert.equal(normalizePath('/gtt-service/rest/x/'), '/rest/x');
  assert.equal(normalizePath('/other-service/rest/x'), '/other-service/rest/x');
  assert.equal(normalizePath('/'), '/');
});
