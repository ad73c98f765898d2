/**
 * Session rules over HTTP with the manual clock (docs/paper-broker-market.md#sessions-and-holidays-calendarts,
 * docs/paper-broker-rules.md): MCX closes at 23:55 in the northern winter and at 23:30 in summer, and the
 * commodity intraday cut-off (25 minutes before the close) follows it: 23:30 in December, 23:05 in June.
 * `marketProtection` (serve `--market-protection`) replaces the protection table's percentage.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';
import { runCli } from './cli-helpers.js';

/** The nearest MCX future that has not expired on `day` (its symbol and token). */
function mcxFuture(broker: PaperBroker, day: number): { tradingsymbol: string; symboltoken: string } {
  const inst = broker.market
    .instruments()
    .filter((i) => i.exchange === 'MCX' && (i.expiry ?? 0) > day + 86_400_000)
    .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0))[0];
  assert.ok(inst, 'an MCX future');
  return { tradingsymbol: inst.symbol, symboltoken: inst.token };
}

function mcxOrder(f: { tradingsymbol: string; symboltoken: string }): Record<string, string> {
  return sbinOrder({ exchange: 'MCX', ...f, quantity: '1', producttype: 'INTRADAY' });
}

for (const c of [
  {
    name: 'December (winter close 23:55): cut-off 23:30',
    day: '2026-12-03',
    before: '23:25',
    after: '23:31',
    cut: '23:30',
  },
  {
    name: 'June (summer close 23:30): cut-off 23:05',
    day: '2026-06-04',
    before: '23:00',
    after: '23:06',
    cut: '23:05',
  },
]) {
  describe(`MCX intraday cut-off in ${c.name}`, () => {
    let broker: PaperBroker;
    let jwt: string;
    before(async () => {
      broker = await startPaperBroker({ start: ist(c.before, c.day) });
      jwt = (await broker.login()).jwtToken;
    });
    after(() => broker.close());

    test('accepted before the cut-off, refused after it with the cut-off time', async () => {
      const f = mcxFuture(broker, ist('00:00', c.day));
      const lot = broker.market.instrument('MCX', f.symboltoken)?.lotSize ?? 1;
      const order = { ...mcxOrder(f), quantity: String(lot) };
      const early = await venue(broker, jwt, 'placeOrder', order);
      assert.equal(early.body?.status, true, early.text);
      await broker.admin('POST', 'clock', { advanceTo: `${c.day}T${c.after}:00+05:30` });
      assert.equal(broker.market.session('MCX', broker.market.now()), 'open');
      // A new position on the other side would not only reduce: buy again.
      const late = await venue(broker, jwt, 'placeOrder', order);
      assert.equal(late.body?.status, false, late.text);
      assert.match(
        late.body?.message ?? '',
        new RegExp(`INTRADAY orders are not allowed on MCX after the intraday cut-off time ${c.cut}`),
      );
    });
  });
}

describe('--market-protection / marketProtection', () => {
  let plain: PaperBroker;
  let wide: PaperBroker;
  before(async () => {
    plain = await startPaperBroker({ start: ist('10:00') });
    wide = await startPaperBroker({ start: ist('10:00'), marketProtection: 5 });
  });
  after(async () => {
    await plain.close();
    await wide.close();
  });

  test('a MARKET buy carries LTP + 5 % with the flag, the table percentage without it', async () => {
    const prices: number[] = [];
    for (const b of [plain, wide]) {
      const jwt = (await b.login()).jwtToken;
      const ltp = b.market.quote('NSE', '3045')?.ltp ?? 0;
      assert.ok(ltp > 0);
      const r = await venue(b, jwt, 'placeOrder', sbinOrder({ quantity: '1' }));
      assert.equal(r.body?.status, true, r.text);
      const row = (await orderBook(b, jwt)).find((o) => o.orderid === r.body?.data.orderid);
      prices.push(Math.round(Number(row.price) * 100) / ltp);
    }
    const [table, five] = prices as [number, number];
    assert.ok(Math.abs(five - 1.05) < 0.001, `5 % flag: ${five}`);
    assert.ok(table < 1.05 && table > 1, `table: ${table}`);
  });

  test('serve validates the flag and documents it in --help', async () => {
    const help = await runCli(['serve', '--help']);
    assert.match(help.stdout, /--market-protection <pct>/);
    for (const bad of ['0', '101']) {
      const r = await runCli(['serve', '--market-protection', bad, '--db', ':memory:']);
      assert.notEqual(r.code, 0, bad);
      assert.match(r.stderr, /percentage greater than 0 and at most 100/);
    }
  });
});
