import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import type { ChargeLine } from '../src/engine/index.js';
import {
  CHARGE_RATES,
  chargesFor,
  chargesOnTurnover,
  dpCharge,
  estimateCharges,
  isRejection,
  rateOn,
  roundPaise,
  sumCharges,
} from '../src/engine/index.js';
import { FakeMarket, Harness, sbin } from './engine-harness.js';

const r2 = (paise: number) => Math.round(paise + 1e-7) / 100;

/** One worked example of docs/protocol/market-rules.md#charges: a buy and a sell of the same quantity. */
function roundTrip(segment: ChargeLine['segment'], qty: number, buy: number, sell: number, date: string) {
  const legs: ChargeLine[] = [
    { segment, venue: 'NSE', side: 'BUY', price: buy, quantity: qty },
    { segment, venue: 'NSE', side: 'SELL', price: sell, quantity: qty },
  ];
  const b = sumCharges(legs.map((l) => chargesFor(l, date)));
  return {
    brokerage: r2(b.brokerage),
    stt: r2(b.stt),
    txn: r2(b.txn),
    ipft: r2(b.ipft),
    sebi: r2(b.sebi),
    stamp: r2(b.stamp),
    gst: r2(b.gst),
    total: r2(b.total),
  };
}

describe('engine: charges (docs/protocol/market-rules.md#charges worked examples)', () => {
  const before = '2025-06-02';
  const after = '2026-06-01';
  it('NIFTY option, 75 qty, 100 → 110 (STT 0.1 %)', () => {
    assert.deepEqual(roundTrip('OPT', 75, 10_000, 11_000, before), {
      brokerage: 38.75,
      stt: 8.25,
      txn: 5.52,
      ipft: 0.08,
      sebi: 0.02,
      stamp: 0.23,
      gst: 7.99,
      total: 60.82,
    });
  });
  it('same option trade with STT 0.15 % (from 1 Apr 2026)', () => {
    const r = roundTrip('OPT', 75, 10_000, 11_000, after);
    assert.equal(r.stt, 12.38);
    assert.equal(r.total, 64.95);
  });
  it('NIFTY future, 75 qty, 24000 → 24100 (STT 0.02 %)', () => {
    assert.deepEqual(roundTrip('FUT', 75, 2_400_000, 2_410_000, before), {
      brokerage: 40,
      stt: 361.5,
      txn: 62.41,
      ipft: 3.61,
      sebi: 3.61,
      stamp: 36,
      gst: 19.73,
      total: 526.86,
    });
  });
  it('same future trade with STT 0.05 % (from 1 Apr 2026)', () => {
    const r = roundTrip('FUT', 75, 2_400_000, 2_410_000, after);
    assert.equal(r.stt, 903.75);
    assert.equal(r.total, 1069.11);
  });
  it('equity intraday, 100 × 1000 → 1010', () => {
    assert.deepEqual(roundTrip('EQ_INTRADAY', 100, 100_000, 101_000, before), {
      brokerage: 40,
      stt: 25.25,
      txn: 5.97,
      ipft: 0.2,
      sebi: 0.2,
      stamp: 3,
      gst: 8.35,
      total: 82.97,
    });
  });
  it('equity delivery, 100 × 1000 → 1100 (DP excluded)', () => {
    assert.deepEqual(roundTrip('EQ_DELIVERY', 100, 100_000, 110_000, before), {
      brokerage: 40,
      stt: 210,
      txn: 6.24,
      ipft: 0.21,
      sebi: 0.21,
      stamp: 15,
      gst: 8.4,
      total: 280.06,
    });
  });
  it('rates are dated: delivery brokerage was free before 1 Nov 2024, NSE txn changed on 1 Oct 2024', () => {
    assert.equal(roundTrip('EQ_DELIVERY', 100, 100_000, 110_000, '2024-10-15').brokerage, 0);
    assert.equal(rateOn(CHARGE_RATES.txn.NSE.EQ_INTRADAY, '2024-09-30'), 322);
    assert.equal(rateOn(CHARGE_RATES.txn.NSE.EQ_INTRADAY, '2024-10-01'), 297);
  });

  it('estimateCharges answers the venue shape, one summary per order plus the total', () => {
    const market = new FakeMarket();
    const now = istToEpoch(2026, 11, 20, 10, 0, 0);
    const r = estimateCharges(
      {
        orders: [
          {
            product_type: 'INTRADAY',
            transaction_type: 'BUY',
            quantity: '100',
            price: '1000',
            exchange: 'NSE',
            symbol_name: 'RELIANCE-EQ',
            token: '2885',
          },
          {
            product_type: 'INTRADAY',
            transaction_type: 'SELL',
            quantity: 100,
            price: 1010,
            exchange: 'NSE',
            symbol_name: 'RELIANCE-EQ',
            token: '2885',
          },
        ],
      },
      { now, market },
    );
    assert.ok(!isRejection(r));
    assert.equal(r.charges.length, 2);
    assert.equal(r.summary.total_charges, 82.97);
    assert.equal(r.summary.trade_value, 201_000);
    assert.deepEqual(
      r.summary.breakup.map((n) => n.name),
      ['Angel One Brokerage', 'External Charges', 'Taxes'],
    );
    const ext = r.summary.breakup[1];
    assert.deepEqual(
      ext?.breakup.map((n) => n.name),
      ['Exchange Transaction Charges', 'IPFT Charges', 'Stamp Duty', 'SEBI Fees'],
    );
    assert.deepEqual(
      r.summary.breakup[2]?.breakup.map((n) => [n.name, n.amount]),
      [
        ['Security Transaction Tax', 25.25],
        ['GST', 8.35],
      ],
    );
    assert.equal(r.charges[0]?.trade_value, 100_000);
    // An option recognised from the market (token) or from the symbol.
    const opt = estimateCharges(
      {
        orders: [
          {
            product_type: 'CARRYFORWARD',
            transaction_type: 'SELL',
            quantity: '75',
            price: '110',
            exchange: 'NFO',
            symbol_name: 'NIFTY26NOV2624000CE',
            token: '0',
          },
        ],
      },
      { now, market },
    );
    assert.ok(!isRejection(opt));
    assert.equal(opt.summary.breakup[2]?.breakup[0]?.amount, 12.38);
  });

  it('estimateCharges rejects malformed requests', () => {
    const now = 0;
    for (const body of [
      null,
      {},
      { orders: [] },
      { orders: [{ product_type: 'X' }] },
      {
        orders: [
          { product_type: 'DELIVERY', transaction_type: 'BUY', quantity: 'a', price: '1', exchange: 'NSE' },
        ],
      },
    ]) {
      const r = estimateCharges(body, { now });
      assert.ok(isRejection(r), JSON.stringify(body));
      assert.equal(r.errorcode, 'AB9001');
    }
  });
});

describe('engine: charges in the books', () => {
  const charges = (h: Harness) => h.engine.state.accounts.get('A1')?.trades ?? [];
  const cash = (h: Harness) => h.engine.state.accounts.get('A1')?.funds.cash ?? 0;

  it('every rate row cites a source', () => {
    const rows: { source: string }[] = [];
    const walk = (x: unknown): void => {
      if (Array.isArray(x)) for (const r of x) rows.push(r as { source: string });
      else if (x && typeof x === 'object') for (const v of Object.values(x)) walk(v);
    };
    walk(CHARGE_RATES);
    assert.ok(rows.length > 40);
    for (const r of rows) assert.match(r.source, /https:\/\/|Act|Budget|\[INF\]/, JSON.stringify(r));
  });

  it('brokerage is per executed order: an order filled in three fills pays ₹20 once', () => {
    const h = new Harness();
    // Thin book: 10 units per level, so 30 units walk three levels (800.05, 800.10, 800.15).
    h.market.setQuote('NSE', '3045', { ltp: 80_000, depthQty: 10 });
    h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '30' }));
    const fills = charges(h);
    assert.equal(fills.length, 3);
    const value = fills.reduce((s, t) => s + t.price * t.quantity, 0);
    const exact = chargesOnTurnover(
      { segment: 'EQ_INTRADAY', venue: 'NSE', side: 'BUY' },
      value,
      '2026-11-20',
    );
    assert.equal(r2(exact.brokerage), 20);
    const debited = fills.reduce((s, t) => s + (t.charges ?? 0), 0);
    assert.equal(debited, roundPaise(exact.total));
    assert.equal(cash(h), 1_000_000_000 - debited);
    // Three separate orders would have paid brokerage three times.
    const separate = fills.reduce(
      (s, t) =>
        s +
        chargesFor(
          { segment: 'EQ_INTRADAY', venue: 'NSE', side: 'BUY', price: t.price, quantity: t.quantity },
          '2026-11-20',
        ).brokerage,
      0,
    );
    assert.ok(separate > exact.brokerage);
  });

  it('DP: once per ISIN per day on sells out of the demat; not on intraday or same-day delivery sells', () => {
    const h = new Harness();
    h.engine.seedHolding(
      'A1',
      { exchange: 'NSE', symboltoken: '3045', quantity: 20, averageprice: 70_000 },
      h.ctx(),
    );
    h.engine.seedHolding(
      'A1',
      { exchange: 'BSE', symboltoken: '500112', quantity: 5, averageprice: 70_000 },
      h.ctx(),
    );
    const sell = (over: Record<string, unknown>) =>
      h.place(sbin({ ordertype: 'MARKET', price: '0', transactiontype: 'SELL', ...over }));
    // Delivery buy then sell of the same quantity the same day: covered by the buy, no DP.
    h.place(sbin({ ordertype: 'MARKET', price: '0', producttype: 'DELIVERY', quantity: '5' }));
    sell({ producttype: 'DELIVERY', quantity: '5' });
    // Intraday round trip: no DP.
    h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '5' }));
    sell({ quantity: '5' });
    assert.equal(
      charges(h).reduce((s, t) => s + (t.dpcharges ?? 0), 0),
      0,
    );
    // Two sells out of the demat (NSE and the same ISIN on BSE): one DP charge.
    sell({ producttype: 'DELIVERY', quantity: '3' });
    sell({
      producttype: 'DELIVERY',
      quantity: '2',
      exchange: 'BSE',
      symboltoken: '500112',
      tradingsymbol: 'SBIN',
    });
    assert.deepEqual(
      charges(h).map((t) => t.dpcharges),
      [0, 0, 0, 0, 2_360, 0],
    );
    assert.equal(dpCharge('2026-11-20').total, 2_360);
    // The next day: another DP charge.
    h.now = istToEpoch(2026, 11, 23, 10, 0, 0);
    sell({ producttype: 'DELIVERY', quantity: '1' });
    assert.equal(charges(h).at(-1)?.dpcharges, 2_360);
    const total = charges(h).reduce((s, t) => s + (t.charges ?? 0) + (t.dpcharges ?? 0), 0);
    const note = h.engine.contractNote('A1', '2026-11-20');
    assert.ok(!isRejection(note));
    assert.equal(note.trades.length, 6);
    assert.equal(note.totals.dpcharges, 23.6);
    const note2 = h.engine.contractNote('A1', '2026-11-23');
    assert.ok(!isRejection(note2));
    assert.equal(Math.round((note.totals.totalcharges + note2.totals.totalcharges) * 100), total);
    assert.ok(isRejection(h.engine.contractNote('nobody', '2026-11-20')));
  });
});
