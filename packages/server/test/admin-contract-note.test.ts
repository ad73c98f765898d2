/**
 * Charges in the books, end to end against a running broker: a mix of fills (intraday equity round trip,
 * delivery buy then a delivery sell from the demat the next day, futures and options round trips) is
 * debited from cash by exactly the day's contract note, whose charges equal the sum of
 * `estimateCharges` for the same trades to the paisa (plus one DP charge for the demat sale); the CLI
 * prints the same note; bad dates and unknown accounts are refused.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { type Envelope, ist, sbinOrder, venue } from './admin-helpers.js';
import { runCli } from './cli-helpers.js';

/** ₹20 DP charge + 18 % GST, paise. */
const DP = 2_360;
const paise = (rupees: unknown) => Math.round(Number(rupees) * 100);

describe('charges in the books: contract note', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00'), funds: 1_000_000 });
  });
  after(() => broker.close());

  const nfo = (kind: 'FUTIDX' | 'OPTIDX') => {
    const now = broker.market.now();
    const list = broker.market
      .instruments()
      .filter(
        (i) =>
          i.exchange === 'NFO' &&
          i.instrumentType === kind &&
          i.name === 'NIFTY' &&
          (i.expiry ?? 0) > now + 3 * 86_400_000 &&
          (kind === 'FUTIDX' || i.optionType === 'CE') &&
          (broker.market.quote(i.exchange, i.token)?.ltp ?? 0) > (kind === 'OPTIDX' ? 5_000 : 0),
      )
      .sort((a, b) => (a.expiry ?? 0) - (b.expiry ?? 0));
    const inst = list[0];
    assert.ok(inst, `a NIFTY ${kind}`);
    return inst;
  };

  /** Places MARKET orders and checks each filled completely. */
  const placeAll = async (jwt: string, orders: Record<string, string>[]) => {
    for (const o of orders) {
      const r = await venue(broker, jwt, 'placeOrder', o);
      assert.equal(r.body?.status, true, r.text);
      const book = await venue(broker, jwt, 'getOrderBook');
      const row = (book.body?.data as { orderid: string; status: string }[] | undefined)?.find(
        (x) => x.orderid === r.body?.data.orderid,
      );
      assert.equal(row?.status, 'complete', JSON.stringify(row));
    }
  };

  /** Σ estimateCharges of the day's fills, one order per executed order (its fills share one price). */
  const estimated = async (jwt: string): Promise<number> => {
    const trades = ((await venue(broker, jwt, 'getTradeBook')).body?.data ?? []) as {
      orderid: string;
      exchange: string;
      producttype: string;
      transactiontype: string;
      symboltoken: string;
      tradingsymbol: string;
      fillprice: string;
      fillsize: string;
    }[];
    const byOrder = new Map<string, (typeof trades)[number][]>();
    for (const t of trades) byOrder.set(t.orderid, [...(byOrder.get(t.orderid) ?? []), t]);
    const orders = [...byOrder.values()].map((fills) => {
      const t = fills[0];
      assert.ok(t);
      assert.ok(
        fills.every((f) => f.fillprice === t.fillprice),
        'each order fills at one price',
      );
      return {
        product_type: t.producttype,
        transaction_type: t.transactiontype,
        quantity: fills.reduce((s, f) => s + Number(f.fillsize), 0),
        price: t.fillprice,
        exchange: t.exchange,
        symbol_name: t.tradingsymbol,
        token: t.symboltoken,
      };
    });
    const r = await venue(broker, jwt, 'estimateCharges', { orders });
    assert.equal(r.body?.status, true, r.text);
    return ((r.body?.data.charges ?? []) as { total_charges: number }[]).reduce(
      (s, c) => s + paise(c.total_charges),
      0,
    );
  };

  const cash = async (jwt: string) => paise((await venue(broker, jwt, 'getRMS')).body?.data.availablecash);

  test('fills are debited by the contract note, which equals estimateCharges to the paisa', async () => {
    const { jwtToken: jwt } = await broker.login();
    const cc = broker.account.clientcode;
    const start = await cash(jwt);
    assert.equal(start, 100_000_000);
    const fut = nfo('FUTIDX');
    const opt = nfo('OPTIDX');
    const fo = (i: typeof fut, side: string): Record<string, string> => ({
      ...sbinOrder(),
      tradingsymbol: i.symbol,
      symboltoken: i.token,
      exchange: 'NFO',
      producttype: 'CARRYFORWARD',
      transactiontype: side,
      quantity: String(i.lotSize),
    });
    await placeAll(jwt, [
      sbinOrder(),
      sbinOrder({ transactiontype: 'SELL' }),
      sbinOrder({ producttype: 'DELIVERY', quantity: '5' }),
      fo(fut, 'BUY'),
      fo(fut, 'SELL'),
      fo(opt, 'BUY'),
      fo(opt, 'SELL'),
    ]);

    const day1 = await broker.admin('GET', `accounts/${cc}/contract-note?date=2026-12-03`);
    assert.equal(day1.status, 200);
    const note = day1.body.data;
    assert.equal(note.clientcode, cc);
    assert.equal(note.date, '2026-12-03');
    assert.equal(note.trades.length, (await venue(broker, jwt, 'getTradeBook')).body?.data.length);
    const expected = await estimated(jwt);
    assert.ok(expected > 0);
    assert.equal(paise(note.totals.tradecharges), expected);
    assert.equal(paise(note.totals.dpcharges), 0);
    assert.equal(paise(note.totals.totalcharges), expected);
    // Per-trade charges add up to the total; each component line adds up to within rounding.
    assert.equal(
      note.trades.reduce((s: number, t: { charges: number }) => s + paise(t.charges), 0),
      expected,
    );
    // Net amount = sells − buys − charges.
    assert.equal(
      paise(note.totals.netamount),
      paise(note.totals.sellvalue) - paise(note.totals.buyvalue) - expected,
    );
    // Cash fell by exactly the charges (P&L settles at the day roll; delivery buys settle then too).
    assert.equal(await cash(jwt), start - expected);
    // The default date is the market's day.
    const today = await broker.admin('GET', `accounts/${cc.toLowerCase()}/contract-note`);
    assert.deepEqual(today.body.data, note);

    // Next day: sell the delivery shares out of the demat: charges + one DP charge.
    const roll = await broker.admin('POST', 'clock', { advanceTo: '2026-12-04T10:00:00+05:30' });
    assert.equal(roll.status, 200, JSON.stringify(roll.body));
    const { jwtToken: jwt2 } = await broker.login();
    const opened = await cash(jwt2);
    await placeAll(jwt2, [
      sbinOrder({ producttype: 'DELIVERY', transactiontype: 'SELL', quantity: '2' }),
      sbinOrder({ producttype: 'DELIVERY', transactiontype: 'SELL', quantity: '3' }),
    ]);
    const day2 = (await broker.admin('GET', `accounts/${cc}/contract-note?date=2026-12-04`)).body.data;
    const expected2 = await estimated(jwt2);
    assert.equal(day2.trades.length, 2);
    assert.equal(paise(day2.totals.tradecharges), expected2);
    assert.equal(paise(day2.totals.dpcharges), DP, 'one DP charge per ISIN per day');
    assert.equal(paise(day2.totals.totalcharges), expected2 + DP);
    const rms = (await venue(broker, jwt2, 'getRMS')).body?.data;
    // availablecash counts today's sale of holdings (their cost) as usable; cash itself fell by the charges.
    assert.equal(paise(rms.availablecash) - paise(rms.utilisedholdingsales), opened - expected2 - DP);
    // The first day's note is unchanged.
    const again = (await broker.admin('GET', `accounts/${cc}/contract-note?date=2026-12-03`)).body.data;
    assert.deepEqual(again, note);

    // The CLI prints the same note.
    const cli = await runCli([
      'contract-note',
      cc,
      '--date',
      '2026-12-04',
      '--url',
      broker.url,
      '--admin-token',
      broker.adminToken,
    ]);
    assert.equal(cli.code, 0, cli.stderr);
    assert.deepEqual(JSON.parse(cli.stdout), day2);
  });

  test('bad dates and unknown accounts are refused with the admin error codes', async () => {
    const cc = broker.account.clientcode;
    for (const [path, status, code] of [
      [`accounts/${cc}/contract-note?date=2026-02-30`, 400, 'PA1002'],
      [`accounts/${cc}/contract-note?date=03-12-2026`, 400, 'PA1002'],
      [`accounts/${cc}/contract-note?date=2026-12-3`, 400, 'PA1002'],
      ['accounts/P000001/contract-note?date=2026-12-03', 404, 'PA1003'],
    ] as const) {
      const r = await broker.admin('GET', path);
      assert.equal(r.status, status, path);
      assert.equal((r.body as Envelope).errorcode, code, path);
    }
    const r = await broker.admin('GET', `accounts/${cc}/contract-note?date=2020-01-01`);
    assert.equal(r.status, 200);
    assert.deepEqual(r.body.data.trades, []);
    assert.equal(r.body.data.totals.totalcharges, 0);
  });
});
