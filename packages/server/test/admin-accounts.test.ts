/**
 * Admin accounts over HTTP: create (credentials that log in), reset (orders, positions and funds back
 * to a clean start, sessions still valid), add funds, and bad input (unknown account, bad amounts) that
 * changes nothing.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

describe('admin accounts', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00'), funds: 500_000 });
  });
  after(() => broker.close());

  const cash = async (jwt: string) => Number((await venue(broker, jwt, 'getRMS')).body?.data.availablecash);

  test('POST /paper/v1/accounts creates an account that logs in with the funds asked for', async () => {
    const r = await broker.admin('POST', 'accounts', { funds: 250000 });
    assert.equal(r.status, 200);
    const c = r.body.data;
    assert.match(c.clientcode, /^P\d{6}$/);
    assert.equal(typeof c.password, 'string');
    assert.equal(typeof c.totpSecret, 'string');
    assert.equal(typeof c.apiKey, 'string');
    const tokens = await broker.login(c);
    const rms = await fetch(`${broker.url}/rest/secure/angelbroking/user/v1/getRMS`, {
      headers: broker.headers(tokens.jwtToken, c),
    });
    const body = (await rms.json()) as { data: { availablecash: string } };
    assert.equal(Number(body.data.availablecash), 250000);
    // Without funds: the default.
    const d = await broker.admin('POST', 'accounts');
    assert.equal(d.status, 200);
    assert.match(d.body.data.clientcode, /^P\d{6}$/);
  });

  test('funds add and reset; the session stays valid across the reset', async () => {
    const { jwtToken } = await broker.login();
    const cc = broker.account.clientcode;
    assert.equal(await cash(jwtToken), 500000);
    const add = await broker.admin('POST', `accounts/${cc}/funds`, { add: 1234.5 });
    assert.equal(add.status, 200);
    assert.equal(add.body.data.cash, 501234.5);
    assert.equal(await cash(jwtToken), 501234.5);

    const placed = await venue(broker, jwtToken, 'placeOrder', sbinOrder());
    assert.equal(placed.body?.status, true, placed.text);
    assert.equal((await orderBook(broker, jwtToken)).length, 1);

    const reset = await broker.admin('POST', `accounts/${cc.toLowerCase()}/reset`, { funds: 300000 });
    assert.equal(reset.status, 200);
    assert.equal(reset.body.data.cash, 300000);
    // Same JWT still works; orders and positions are gone.
    assert.equal((await orderBook(broker, jwtToken)).length, 0);
    assert.equal(await cash(jwtToken), 300000);
    const pos = await venue(broker, jwtToken, 'getPosition');
    assert.equal(pos.body?.status, true);
    assert.ok(pos.body?.data === null || pos.body?.data.length === 0);
    // Reset without funds: back to the account's initial cash of the last reset.
    await broker.admin('POST', `accounts/${cc}/funds`, { add: 10 });
    const again = await broker.admin('POST', `accounts/${cc}/reset`);
    assert.equal(again.body.data.cash, 300000);
  });

  test('bad input: unknown account, bad amounts, unknown fields — clear errors, nothing changes', async () => {
    const { jwtToken } = await broker.login();
    const cc = broker.account.clientcode;
    const before = await cash(jwtToken);
    const cases: [string, unknown, number, string, RegExp][] = [
      ['accounts/P000001/funds', { add: 10 }, 404, 'PA1003', /no such account: P000001/],
      ['accounts/P000001/reset', {}, 404, 'PA1003', /no such account/],
      [`accounts/${cc}/funds`, { add: 'ten' }, 400, 'PA1002', /add must be/],
      [`accounts/${cc}/funds`, { add: 0 }, 400, 'PA1002', /non-zero/],
      [`accounts/${cc}/funds`, {}, 400, 'PA1002', /add must be/],
      [`accounts/${cc}/funds`, { add: -1e9 }, 409, 'PA1004', /below zero/],
      [`accounts/${cc}/reset`, { funds: -5 }, 400, 'PA1002', /funds must be/],
      [`accounts/${cc}/reset`, { money: 5 }, 400, 'PA1002', /unknown field money/],
      ['accounts', { funds: 'lots' }, 400, 'PA1002', /funds must be/],
      ['accounts', [1, 2], 400, 'PA1002', /JSON object/],
    ];
    const n = (await broker.admin('GET', 'snapshots')).status; // any authorised call
    assert.equal(n, 200);
    for (const [path, body, status, code, msg] of cases) {
      const r = await broker.admin('POST', path, body);
      assert.equal(r.status, status, `${path} ${JSON.stringify(body)}`);
      assert.equal(r.body.status, false);
      assert.equal(r.body.errorcode, code);
      assert.match(r.body.message, msg);
    }
    assert.equal(await cash(jwtToken), before);
  });
});
