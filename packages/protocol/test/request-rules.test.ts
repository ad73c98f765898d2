import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  checkRequest,
  ERROR_CODES,
  MAX_ORDERTAG_LENGTH,
  REQUEST_RULES,
  RESPONSE_DATA,
  ROUTE_LIST,
  requestRule,
} from '../src/index.js';

const ORDER = {
  variety: 'NORMAL',
  tradingsymbol: 'SBIN-EQ',
  symboltoken: '3045',
  transactiontype: 'BUY',
  exchange: 'NSE',
  ordertype: 'LIMIT',
  producttype: 'INTRADAY',
  duration: 'DAY',
  price: '500',
  quantity: '1',
};

function codeOf(route: Parameters<typeof checkRequest>[0], body: unknown): string {
  const r = checkRequest(route, body);
  return r.ok ? 'ok' : `${r.errorcode} ${r.message}`;
}

describe('request rules', () => {
  it('cover every POST route and no GET route', () => {
    for (const r of ROUTE_LIST) {
      assert.equal(requestRule(r.name) !== undefined, r.method === 'POST', r.name);
    }
    assert.equal(Object.keys(RESPONSE_DATA).length, ROUTE_LIST.length);
  });

  it('answer only codes of the error table, and every field names one', () => {
    const walk = (s: Record<string, unknown>, path: string) => {
      const code = s['x-errorcode'];
      if (code !== undefined) assert.ok(ERROR_CODES[code as string], `${path}: ${String(code)}`);
      for (const [k, v] of Object.entries((s.properties as Record<string, Record<string, unknown>>) ?? {})) {
        if (v.type === undefined && v.anyOf === undefined) continue; // documented, unchecked fields
        assert.equal(typeof v['x-errorcode'], 'string', `${path}.${k} has a venue code`);
        walk(v, `${path}.${k}`);
      }
      const items = s.items as Record<string, unknown> | undefined;
      if (items) walk(items, `${path}[]`);
    };
    for (const [name, rule] of Object.entries(REQUEST_RULES)) {
      walk(rule.schema as unknown as Record<string, unknown>, name);
      // plain JSON: what fastify and the OpenAPI document receive
      assert.doesNotThrow(() => JSON.stringify(rule.schema));
    }
  });

  it('ordertag: at most 19 characters (AB4008 "less than 20 characters")', () => {
    assert.equal(MAX_ORDERTAG_LENGTH, 19);
    assert.equal(codeOf('placeOrder', { ...ORDER, ordertag: 'x'.repeat(19) }), 'ok');
    assert.equal(
      codeOf('placeOrder', { ...ORDER, ordertag: 'x'.repeat(20) }),
      'AB4008 ordertag length should be less than 20 characters',
    );
  });

  it('read the wire the way the venue does: null and blanks are absent, strings trimmed, numbers as strings', () => {
    assert.equal(codeOf('placeOrder', { ...ORDER, squareoff: null, stoploss: '', ordertag: '  ' }), 'ok');
    assert.equal(codeOf('placeOrder', { ...ORDER, variety: ' NORMAL ', quantity: 1, price: 500.5 }), 'ok');
    assert.equal(codeOf('placeOrder', { ...ORDER, quantity: '10.0', symboltoken: 3045 }), 'ok');
    assert.equal(codeOf('placeOrder', { ...ORDER, extra: { anything: true } }), 'ok');
    assert.equal(codeOf('placeOrder', { ...ORDER, variety: 'normal' }), 'AB1008 Invalid Order Variety');
    assert.equal(codeOf('getLtpData', { exchange: 'nse', symboltoken: '3045' }), 'ok');
  });

  it('answer the first broken field in the engine’s order, with its venue code', () => {
    assert.equal(
      codeOf('placeOrder', { ...ORDER, variety: 'X', quantity: 'x' }),
      'AB1008 Invalid Order Variety',
    );
    assert.equal(codeOf('placeOrder', { ...ORDER, tradingsymbol: null }), 'AB1009 Symbol Not Found');
    assert.equal(codeOf('placeOrder', { ...ORDER, symboltoken: '' }), 'AB4018 Symbol token cannot be empty');
    assert.equal(codeOf('placeOrder', { ...ORDER, quantity: '0' }), 'AB9001 Invalid Quantity');
    assert.equal(codeOf('placeOrder', { ...ORDER, quantity: '1.5' }), 'AB9001 Invalid Quantity');
    assert.equal(codeOf('placeOrder', { ...ORDER, price: '-1' }), 'AB9001 Invalid Price');
    assert.equal(codeOf('placeOrder', { ...ORDER, price: '1e3' }), 'AB9001 Invalid Price');
    assert.equal(codeOf('placeOrder', undefined), 'AB9001 Invalid request body');
    assert.equal(codeOf('getLtpData', { exchange: 'NSE' }), 'AB4018 Symbol token cannot be empty');
    assert.equal(codeOf('getLtpData', { exchange: 'NSE', symboltoken: -1 }), 'AB1018 Invalid symboltoken');
  });

  it('cross-field rules', () => {
    const { price: _p, ...noPrice } = ORDER;
    assert.equal(codeOf('placeOrder', noPrice), 'AB9001 Invalid Price');
    assert.equal(codeOf('placeOrder', { ...noPrice, ordertype: 'MARKET' }), 'ok');
    assert.equal(
      codeOf('placeOrder', { ...ORDER, ordertype: 'STOPLOSS_LIMIT' }),
      'AB9001 Invalid Trigger Price',
    );
    assert.equal(
      codeOf('placeOrder', { ...ORDER, disclosedquantity: '2' }),
      'AB9001 Invalid Disclosed Quantity',
    );
    assert.equal(codeOf('placeOrder', { ...ORDER, variety: 'STOPLOSS' }), 'AB1008 Invalid Order Variety');
    assert.equal(codeOf('placeOrder', { ...ORDER, producttype: 'BO' }), 'AB1012 Invalid Product Type');
    const candle = { exchange: 'NSE', symboltoken: '3045', interval: 'ONE_MINUTE' };
    assert.equal(
      codeOf('getCandleData', { ...candle, fromdate: '2024-01-01 09:15', todate: '2024-01-31 09:15' }),
      'ok',
    );
    assert.equal(
      codeOf('getCandleData', { ...candle, fromdate: '2024-01-01 09:15', todate: '2024-01-31 09:16' }),
      'AB1018 Maximum 30 days allowed for interval ONE_MINUTE',
    );
    assert.equal(
      codeOf('getCandleData', { ...candle, fromdate: '2024-02-30 09:15', todate: '2024-03-01 09:15' }),
      'AB1018 Invalid fromdate: expected yyyy-MM-dd HH:mm',
    );
  });

  it('nested fields are named by their path', () => {
    assert.equal(
      codeOf('estimateCharges', {
        orders: [
          { product_type: 'DELIVERY', transaction_type: 'BUY', exchange: 'NSE', quantity: '1', price: 'x' },
        ],
      }),
      'AB9001 orders[0].price is invalid',
    );
    assert.equal(
      codeOf('gttRuleList', { status: ['NEW', 'X'], page: 1, count: 10 }),
      'AB9004 Invalid Status Array Size',
    );
    assert.equal(
      codeOf('gttRuleList', { status: ['NEW'], page: 1, count: 501 }),
      'AB9018 Invalid Count Value',
    );
  });

  it('a body whose fields are all optional may be left out', () => {
    assert.equal(codeOf('logout', undefined), 'ok');
    assert.equal(codeOf('logout', 'x'), 'AB1011 Invalid request body');
  });
});
