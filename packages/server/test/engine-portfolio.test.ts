import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { isRejection } from '../src/engine/index.js';
import { Harness, sbin } from './engine-harness.js';

const CASH = 1_000_000_000; // ₹1 crore in paise

function ok<T>(r: T): Exclude<T, { errorcode: string }> {
  assert.ok(!isRejection(r), JSON.stringify(r));
  return r as Exclude<T, { errorcode: string }>;
}

/** Σ charges debited for the account's fills (trade rows: charges + DP), paise. */
function charged(h: Harness): number {
  let sum = 0;
  for (const t of h.engine.state.accounts.get('A1')?.trades ?? [])
    sum += (t.charges ?? 0) + (t.dpcharges ?? 0);
  return sum;
}

/** Σ `estimateCharges` totals of `orders` priced one by one (paise), as the venue's calculator answers. */
function estimated(h: Harness, orders: Record<string, unknown>[]): number {
  const r = ok(h.engine.estimateCharges({ orders }, h.ctx()));
  return Math.round(r.charges.reduce((s, c) => s + c.total_charges, 0) * 100);
}

const eq = (
  side: 'BUY' | 'SELL',
  product: string,
  qty: number,
  price: string,
  token = '3045',
): Record<string, unknown> => ({
  product_type: product,
  transaction_type: side,
  quantity: qty,
  price,
  exchange: 'NSE',
  symbol_name: 'SBIN',
  token,
});

/** ₹20 DP charge + 18 % GST, paise. */
const DP = 2_360;

const nfo = (over: Record<string, unknown>) => ({
  variety: 'NORMAL',
  transactiontype: 'BUY',
  exchange: 'NFO',
  ordertype: 'LIMIT',
  producttype: 'CARRYFORWARD',
  duration: 'DAY',
  quantity: '75',
  ...over,
});

describe('engine: positions and P&L', () => {
  it('day position: realised, unrealised, break-even, RMS and the Portfolio API row agree', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: '0' })); // 10 @ 800.05
    h.market.setQuote('NSE', '3045', { ltp: 81_000, bid: 80_995, ask: 81_005 });
    h.place(sbin({ ordertype: 'MARKET', price: '0', transactiontype: 'SELL', quantity: 4 })); // 4 @ 809.95
    const p = h.engine.positions('A1', h.ctx())?.[0];
    assert.ok(p);
    assert.equal(p.buyqty, '10');
    assert.equal(p.sellqty, '4');
    assert.equal(p.buyamount, '8000.50');
    assert.equal(p.sellamount, '3239.80');
    assert.equal(p.netqty, '6');
    assert.equal(p.buyavgprice, '800.05');
    assert.equal(p.sellavgprice, '809.95');
    assert.equal(p.avgnetprice, '800.05');
    assert.equal(p.netvalue, '-4760.70');
    assert.equal(p.realised, '39.60');
    assert.equal(p.unrealised, '59.70');
    assert.equal(p.ltp, '810.00');
    assert.equal(p.producttype, 'INTRADAY');
    assert.equal(p.symbolname, 'SBIN');
    for (const [k, v] of Object.entries(p)) assert.equal(typeof v, 'string', k);

    const rms = ok(h.engine.rms('A1', h.ctx()));
    const margin = Math.ceil(6 * 80_005 * 0.2); // 96006 paise
    assert.equal(rms.m2mrealized, '39.60');
    assert.equal(rms.m2munrealized, '59.70');
    assert.equal(rms.utiliseddebits, '960.06');
    // Charges of both fills are debited from cash, as estimateCharges prices the two orders.
    const fees = estimated(h, [eq('BUY', 'INTRADAY', 10, '800.05'), eq('SELL', 'INTRADAY', 4, '809.95')]);
    assert.equal(charged(h), fees);
    assert.ok(fees > 0);
    assert.equal(rms.availablecash, ((CASH - fees) / 100).toFixed(2));
    const net = CASH - fees + 3960 + 5970 - margin;
    assert.equal(rms.net, (net / 100).toFixed(2));
    // net = availablecash + collateral + m2mrealized + m2munrealized − utiliseddebits
    const n = (s: string | null) => Number(s);
    assert.ok(
      Math.abs(
        n(rms.net) -
          (n(rms.availablecash) +
            n(rms.collateral) +
            n(rms.m2mrealized) +
            n(rms.m2munrealized) -
            n(rms.utiliseddebits)),
      ) < 0.011,
    );

    const rp = h.engine.reportPositions('A1', h.ctx())[0];
    assert.ok(rp);
    assert.equal(rp.net_quantity, p.netqty);
    assert.equal(rp.day_buy_quantity, p.buyqty);
    assert.equal(rp.day_sell_quantity, p.sellqty);
    assert.equal(rp.day_buy_amount, p.buyamount);
    assert.equal(rp.day_sell_avg_amount, p.sellavgprice);
    assert.equal(rp.day_sell_avg_price, p.sellavgprice);
    assert.equal(rp.net_avg_price, p.avgnetprice);
    assert.equal(rp.last_trade_price, p.ltp);
    assert.equal(rp.unrealized_mtom, p.unrealised);
    assert.equal(rp.realized_pnl, p.realised);
    assert.equal(rp.bep, '793.45');
    assert.equal(rp.exchange_name, 1);
    assert.equal(rp.order_type, 2);
    assert.equal(rp.lot_size, 1);
    assert.equal(rp.tick_size, '0.05');
    assert.equal(rp.frozen_quantity, '100000');
    assert.equal(rp.cf_buy_quantity, '');
  });

  it('a short position: net average is the sell average, unrealised is negative when the price rises', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: '0', transactiontype: 'SELL' })); // 10 @ 799.95
    h.market.setQuote('NSE', '3045', { ltp: 81_000 });
    const p = h.engine.positions('A1', h.ctx())?.[0];
    assert.equal(p?.netqty, '-10');
    assert.equal(p?.avgnetprice, '799.95');
    assert.equal(p?.unrealised, '-100.50');
    assert.equal(p?.realised, '0.00');
  });

  it('the order book reports open orders in the Portfolio API open_* fields', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    h.place(sbin({ transactiontype: 'SELL', price: '820', quantity: 4 }));
    const rp = h.engine.reportPositions('A1', h.ctx())[0];
    assert.equal(rp?.open_sell_quantity, '4');
    assert.equal(rp?.open_sell_avg_price, '820.00');
    assert.equal(rp?.open_buy_quantity, '0');
  });

  it('empty books: order book, trade book and positions are null; holdings []', () => {
    const h = new Harness();
    assert.equal(h.engine.orderBook('A1', h.ctx()), null);
    assert.equal(h.engine.tradeBook('A1', h.ctx()), null);
    assert.equal(h.engine.positions('A1', h.ctx()), null);
    assert.deepEqual(h.engine.holdings('A1', h.ctx()), []);
    assert.deepEqual(h.engine.allHoldings('A1', h.ctx()).totalholding, {
      totalholdingvalue: 0,
      totalinvvalue: 0,
      totalprofitandloss: 0,
      totalpnlpercentage: 0,
    });
    assert.deepEqual(h.engine.reportHoldings('A1', h.ctx()), []);
    assert.deepEqual(h.engine.reportPositions('A1', h.ctx()), []);
    const d = h.engine.orderDetails('A1', 'nope');
    assert.ok(isRejection(d) && d.errorcode === 'AB1013');
  });
});

describe('engine: holdings', () => {
  it('seeded holdings, a delivery sale (realised vs the holding average) and a T1 buy', () => {
    const h = new Harness();
    h.record(
      h.engine.seedHolding(
        'A1',
        { exchange: 'NSE', symboltoken: '3045', quantity: 20, averageprice: 70_000 },
        h.ctx(),
      ).events,
    );
    let rows = h.engine.holdings('A1', h.ctx());
    assert.deepEqual(rows[0], {
      tradingsymbol: 'SBIN-EQ',
      exchange: 'NSE',
      isin: 'INE062A01020',
      t1quantity: 0,
      realisedquantity: 20,
      quantity: 20,
      authorisedquantity: 0,
      product: 'DELIVERY',
      collateralquantity: null,
      collateraltype: null,
      haircut: 0,
      averageprice: 700,
      ltp: 800,
      symboltoken: '3045',
      close: 800,
      profitandloss: 2000,
      pnlpercentage: 14.29,
    });
    // Sell 5 from holdings at the bid (799.95).
    const s = h.place(
      sbin({
        ordertype: 'MARKET',
        price: '0',
        transactiontype: 'SELL',
        producttype: 'DELIVERY',
        quantity: 5,
      }),
    );
    assert.equal(h.engine.order('A1', ok(s.result).orderid)?.status, 'complete');
    const p = h.engine.positions('A1', h.ctx())?.[0];
    assert.equal(p?.cfbuyqty, '5');
    assert.equal(p?.cfbuyamount, '3500.00');
    assert.equal(p?.sellqty, '5');
    assert.equal(p?.netqty, '0');
    assert.equal(p?.realised, '499.75');
    rows = h.engine.holdings('A1', h.ctx());
    assert.equal(rows[0]?.quantity, 15);
    assert.equal(rows[0]?.realisedquantity, 15);
    // The sale's cost basis is usable cash today.
    const rms = ok(h.engine.rms('A1', h.ctx()));
    // Charges + one DP charge (a sale out of the demat) are debited.
    assert.equal(charged(h), estimated(h, [eq('SELL', 'DELIVERY', 5, '799.95')]) + DP);
    assert.equal(rms.availablecash, ((CASH + 350_000 - charged(h)) / 100).toFixed(2));
    assert.equal(rms.utilisedholdingsales, '3500.00');
    assert.equal(rms.m2mrealized, '499.75');
    // Buy 3 for delivery: T1 quantity.
    h.place(sbin({ ordertype: 'MARKET', price: '0', producttype: 'DELIVERY', quantity: 3 }));
    rows = h.engine.holdings('A1', h.ctx());
    assert.equal(rows[0]?.quantity, 18);
    assert.equal(rows[0]?.t1quantity, 3);
    assert.equal(rows[0]?.realisedquantity, 15);
    assert.equal(rows[0]?.averageprice, 716.68);
    // Selling more than held is refused.
    const big = h.place(
      sbin({ transactiontype: 'SELL', producttype: 'DELIVERY', quantity: 19, price: '790' }),
    );
    assert.equal(h.engine.order('A1', ok(big.result).orderid)?.status, 'rejected');
    // Portfolio API holdings agree.
    const rh = h.engine.reportHoldings('A1', h.ctx())[0];
    assert.ok(rh);
    assert.equal(rh.holding_quantity, '20');
    assert.equal(rh.used_quantity, '5');
    assert.equal(rh.btst_quantity, '3');
    const valuation = Number(rh.btst_quantity) + Number(rh.holding_quantity) - Number(rh.used_quantity);
    assert.equal(valuation, rows[0]?.quantity);
    assert.equal(rh.avg_price, '716.68');
    assert.deepEqual(rh.instrument, [
      { exchange_name: 1, token: '3045', trading_symbol: 'SBIN-EQ', lot_size: 1, tick_size: '0.05' },
    ]);
    // All holdings totals.
    const all = h.engine.allHoldings('A1', h.ctx());
    assert.equal(all.holdings.length, 1);
    assert.equal(all.totalholding.totalholdingvalue, 14_400);
    assert.equal(all.totalholding.totalinvvalue, 12_900.15);
    assert.equal(all.totalholding.totalprofitandloss, 1499.85);
    assert.equal(all.totalholding.totalpnlpercentage, 11.63);
  });

  it('a delivery buy creates a T1 holding with the ISIN from the instrument master', () => {
    const h = new Harness();
    h.place(
      sbin({
        ordertype: 'MARKET',
        price: '0',
        producttype: 'DELIVERY',
        tradingsymbol: 'RELIANCE-EQ',
        symboltoken: '2885',
        quantity: 2,
      }),
    );
    const row = h.engine.holdings('A1', h.ctx())[0];
    assert.equal(row?.isin, 'INE002A01018');
    assert.equal(row?.t1quantity, 2);
    assert.equal(row?.realisedquantity, 0);
    assert.equal(row?.averageprice, 1250.05);
    // The delivery position margin is the full value.
    assert.equal(h.engine.funds('A1', h.market)?.positionsMargin, 2 * 125_005);
  });

  it('pending delivery sells reserve the holding quantity', () => {
    const h = new Harness();
    h.engine.seedHolding(
      'A1',
      { exchange: 'NSE', symboltoken: '3045', quantity: 10, averageprice: 70_000 },
      h.ctx(),
    );
    const a = h.place(sbin({ transactiontype: 'SELL', producttype: 'DELIVERY', quantity: 6, price: '820' }));
    assert.equal(h.engine.order('A1', ok(a.result).orderid)?.status, 'open');
    const b = h.place(sbin({ transactiontype: 'SELL', producttype: 'DELIVERY', quantity: 6, price: '820' }));
    assert.equal(h.engine.order('A1', ok(b.result).orderid)?.status, 'rejected');
  });
});

describe('engine: margin', () => {
  it('blocks per segment: intraday 20 %, delivery 100 %, futures 12 %, option buy = premium, option writing 12 % of strike, MCX 10 %', () => {
    const cases: [Record<string, unknown>, number][] = [
      [sbin({ price: '790' }), 79_000 * 10 * 0.2],
      [sbin({ price: '790', producttype: 'DELIVERY' }), 79_000 * 10],
      [
        nfo({ tradingsymbol: 'NIFTY26NOV26FUT', symboltoken: '35006', price: '23900' }),
        2_390_000 * 75 * 0.12,
      ],
      [nfo({ tradingsymbol: 'NIFTY26NOV2624000CE', symboltoken: '35003', price: '90' }), 9_000 * 75],
      [
        nfo({
          tradingsymbol: 'NIFTY26NOV2624000CE',
          symboltoken: '35003',
          price: '110',
          transactiontype: 'SELL',
        }),
        2_400_000 * 75 * 0.12,
      ],
      [
        nfo({
          exchange: 'MCX',
          tradingsymbol: 'CRUDEOIL26DECFUT',
          symboltoken: '444',
          price: '5990',
          quantity: '100',
        }),
        599_000 * 100 * 0.1,
      ],
    ];
    for (const [body, margin] of cases) {
      const h = new Harness();
      const r = h.place(body);
      const o = h.engine.order('A1', ok(r.result).orderid);
      assert.equal(o?.status, 'open', JSON.stringify(o?.text));
      assert.equal(o?.blockedmargin, Math.ceil(margin));
      const f = h.engine.funds('A1', h.market);
      assert.equal(f?.utilised, Math.ceil(margin));
      assert.equal(f?.net, CASH - Math.ceil(margin));
    }
  });

  it('moves the margin from the order to the position on fill; a reducing order blocks nothing', () => {
    const h = new Harness();
    h.place(nfo({ tradingsymbol: 'NIFTY26NOV26FUT', symboltoken: '35006', ordertype: 'MARKET', price: '0' }));
    const f1 = h.engine.funds('A1', h.market);
    assert.equal(f1?.ordersMargin, 0);
    assert.equal(f1?.positionsMargin, Math.ceil(2_400_050 * 75 * 0.12));
    assert.equal(f1?.span, f1?.positionsMargin);
    const exit = h.place(
      nfo({
        tradingsymbol: 'NIFTY26NOV26FUT',
        symboltoken: '35006',
        transactiontype: 'SELL',
        price: '24100',
      }),
    );
    assert.equal(h.engine.order('A1', ok(exit.result).orderid)?.blockedmargin, 0);
    // A second exit beyond the position is charged.
    const extra = h.place(
      nfo({
        tradingsymbol: 'NIFTY26NOV26FUT',
        symboltoken: '35006',
        transactiontype: 'SELL',
        price: '24100',
      }),
    );
    assert.equal(
      h.engine.order('A1', ok(extra.result).orderid)?.blockedmargin,
      Math.ceil(2_410_000 * 75 * 0.12),
    );
  });

  it('option premium shows in utilisedoptionpremium', () => {
    const h = new Harness();
    h.place(
      nfo({ tradingsymbol: 'NIFTY26NOV2624000CE', symboltoken: '35003', ordertype: 'MARKET', price: '0' }),
    );
    const rms = ok(h.engine.rms('A1', h.ctx()));
    assert.equal(rms.utilisedoptionpremium, '7503.75');
    assert.equal(rms.utilisedspan, '0.00');
  });

  it('margin/v1/batch prices positions with the same rules', () => {
    const h = new Harness();
    const r = ok(
      h.engine.marginBatch(
        {
          positions: [
            { exchange: 'NSE', qty: 50, price: 0, productType: 'DELIVERY', token: '3045', tradeType: 'BUY' },
            {
              exchange: 'NFO',
              qty: 75,
              price: '100',
              productType: 'INTRADAY',
              token: '35003',
              tradeType: 'BUY',
            },
            {
              exchange: 'NFO',
              qty: 75,
              price: 0,
              productType: 'CARRYFORWARD',
              token: '35006',
              tradeType: 'SELL',
            },
          ],
        },
        h.ctx(),
      ),
    );
    assert.equal(r.marginComponents.deliveryMargin, 40_000);
    assert.equal(r.marginComponents.totOptionsPremium, 7_500);
    assert.equal(r.marginComponents.spanMargin, 216_000);
    assert.equal(r.totalMarginRequired, 263_500);
    assert.deepEqual(r.optionsBuy.optionDetails, [
      { exchange: 'NFO', productType: 'INTRADAY', token: '35003', lotMultiplier: 75, optionPremium: 7500 },
    ]);
    assert.equal(r.marginBreakup.length, 3);
    const bad = h.engine.marginBatch(
      {
        positions: [
          { exchange: 'NSE', qty: 1, price: 0, productType: 'DELIVERY', token: '1', tradeType: 'BUY' },
        ],
      },
      h.ctx(),
    );
    assert.ok(isRejection(bad) && bad.errorcode === 'AB1018');
    assert.ok(isRejection(h.engine.marginBatch({ positions: [] }, h.ctx())));
  });
});

describe('engine: convertPosition', () => {
  const conv = (over: Record<string, unknown> = {}) => ({
    exchange: 'NSE',
    oldproducttype: 'INTRADAY',
    newproducttype: 'DELIVERY',
    tradingsymbol: 'SBIN-EQ',
    transactiontype: 'BUY',
    quantity: 10,
    type: 'DAY',
    ...over,
  });

  it('intraday → delivery moves the quantity into T1 holdings and back', () => {
    const h = new Harness();
    h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    const r = h.run((e, c) => e.convertPosition('A1', conv({ quantity: 4 }), c));
    assert.equal(r.result, null);
    let pos = h.engine.positions('A1', h.ctx()) ?? [];
    const intra = pos.find((p) => p.producttype === 'INTRADAY');
    const deliv = pos.find((p) => p.producttype === 'DELIVERY');
    assert.equal(intra?.netqty, '6');
    assert.equal(deliv?.netqty, '4');
    assert.equal(deliv?.buyavgprice, '800.05');
    assert.equal(h.engine.holdings('A1', h.ctx())[0]?.t1quantity, 4);
    const f = h.engine.funds('A1', h.market);
    assert.equal(f?.positionsMargin, Math.ceil(6 * 80_005 * 0.2) + 4 * 80_005);
    // and back
    h.run((e, c) =>
      e.convertPosition(
        'A1',
        conv({ oldproducttype: 'DELIVERY', newproducttype: 'INTRADAY', quantity: 4 }),
        c,
      ),
    );
    pos = h.engine.positions('A1', h.ctx()) ?? [];
    assert.equal(pos.length, 1);
    assert.equal(pos[0]?.netqty, '10');
    assert.deepEqual(h.engine.holdings('A1', h.ctx()), []);
  });

  it('F&O carryforward ⇄ intraday (symboltoken optional, NET type)', () => {
    const h = new Harness();
    h.place(
      nfo({
        tradingsymbol: 'NIFTY26NOV26FUT',
        symboltoken: '35006',
        ordertype: 'MARKET',
        price: '0',
        producttype: 'INTRADAY',
      }),
    );
    const r = h.run((e, c) =>
      e.convertPosition(
        'A1',
        conv({
          exchange: 'NFO',
          tradingsymbol: 'NIFTY26NOV26FUT',
          symboltoken: '35006',
          newproducttype: 'CARRYFORWARD',
          quantity: '75',
          type: 'NET',
        }),
        c,
      ),
    );
    assert.equal(r.result, null);
    assert.equal(h.engine.positions('A1', h.ctx())?.[0]?.producttype, 'CARRYFORWARD');
  });

  it('refusals: unknown position AB1016, too much AB1017, same product AB1017, bad product AB1012, NRML in cash AB1017, no funds AB1017', () => {
    const h = new Harness({}, 2_000_000);
    h.place(sbin({ ordertype: 'MARKET', price: '0' }));
    const cases: [Record<string, unknown>, string][] = [
      [conv({ oldproducttype: 'DELIVERY', newproducttype: 'INTRADAY' }), 'AB1016'],
      [conv({ quantity: 11 }), 'AB1017'],
      [conv({ transactiontype: 'SELL' }), 'AB1017'],
      [conv({ newproducttype: 'INTRADAY' }), 'AB1017'],
      [conv({ newproducttype: 'CNC' }), 'AB1012'],
      [conv({ newproducttype: 'CARRYFORWARD' }), 'AB1017'],
      [conv({ tradingsymbol: 'NOPE-EQ' }), 'AB1009'],
      [conv(), 'AB1017'], // ₹20,000 of cash cannot carry ₹8,000.50 of delivery on top of the rest? (see below)
    ];
    // Make funds tight: ₹20,000 cash, 10 × 800.05 intraday uses 1600.10; delivery needs 8000.50 − 1600.10 more.
    h.place(sbin({ price: '790', quantity: 100 })); // blocks 15800 → leaves ~2599.90
    const before = JSON.stringify(h.engine.positions('A1', h.ctx()));
    for (const [body, code] of cases) {
      const r = h.engine.convertPosition('A1', body, h.ctx());
      assert.ok(isRejection(r.result), JSON.stringify(body));
      assert.equal(r.result.errorcode, code, JSON.stringify(body));
      assert.equal(r.events.length, 0);
    }
    assert.equal(JSON.stringify(h.engine.positions('A1', h.ctx())), before);
  });
});

describe('engine: end of day', () => {
  it('settles P&L into cash, carries F&O at the LTP, settles delivery and T1, expires day orders', () => {
    const h = new Harness();
    h.engine.seedHolding(
      'A1',
      { exchange: 'NSE', symboltoken: '3045', quantity: 10, averageprice: 70_000 },
      h.ctx(),
    );
    h.place(sbin({ ordertype: 'MARKET', price: '0', producttype: 'DELIVERY', quantity: 5 })); // buy 5 @ 800.05 (T1)
    h.place(nfo({ tradingsymbol: 'NIFTY26NOV26FUT', symboltoken: '35006', ordertype: 'MARKET', price: '0' })); // 75 @ 24000.50
    const resting = ok(h.place(sbin({ price: '700' })).result).orderid;
    h.market.setQuote('NFO', '35006', { ltp: 2_410_000, step: 50 });
    h.now = istToEpoch(2026, 11, 23, 9, 0, 0);
    const r = h.engine.rollDay(h.ctx());
    h.record(r.events);
    assert.ok(r.events.some((e) => e.type === 'funds'));
    assert.equal(h.order(resting).status, 'cancelled');
    const funds = h.engine.state.accounts.get('A1')?.funds;
    // cash − delivery buy (5 × 800.05) + futures MTM (75 × (24100 − 24000.50))
    // Charges were debited at the fills (no DP: nothing left the demat).
    assert.equal(
      charged(h),
      estimated(h, [
        eq('BUY', 'DELIVERY', 5, '800.05'),
        {
          product_type: 'CARRYFORWARD',
          transaction_type: 'BUY',
          quantity: 75,
          price: '24000.50',
          exchange: 'NFO',
          symbol_name: 'NIFTY26NOV26FUT',
          token: '35006',
        },
      ]),
    );
    assert.equal(funds?.cash, CASH - 5 * 80_005 + 75 * (2_410_000 - 2_400_050) - charged(h));
    assert.equal(funds?.tradingday, istToEpoch(2026, 11, 23));
    const pos = h.engine.positions('A1', h.ctx());
    assert.equal(pos?.length, 1);
    assert.equal(pos?.[0]?.cfbuyqty, '75');
    assert.equal(pos?.[0]?.cfbuyavgprice, '24100.00');
    assert.equal(pos?.[0]?.buyqty, '0');
    const hold = h.engine.holdings('A1', h.ctx())[0];
    assert.equal(hold?.quantity, 15);
    assert.equal(hold?.t1quantity, 0);
    // Yesterday's orders and trades are gone from the books; a second roll is a no-op.
    assert.equal(h.engine.orderBook('A1', h.ctx()), null);
    assert.equal(h.engine.tradeBook('A1', h.ctx()), null);
    assert.equal(h.engine.rollDay(h.ctx()).events.length, 0);
  });
});
