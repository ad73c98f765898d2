import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import type { PortfolioHolding, PortfolioPosition } from '@smartapi-ts/protocol';
import {
  breakEvenPrice,
  holdingDayPnl,
  holdingPnl,
  holdingSaleableQuantity,
  holdingValuationQuantity,
  positionDayPnl,
  positionNetQuantity,
  realisedPnl,
  summariseHolding,
  summariseHoldings,
  summarisePosition,
  toPaise,
  unrealisedPnl,
  wireNumber,
} from '../src/portfolio-math/index.js';

const load = <T>(name: string): T =>
  JSON.parse(readFileSync(new URL(`../../../fixtures/portfolio/${name}`, import.meta.url), 'utf8')) as T;
const positions = load<PortfolioPosition[]>('seed004-positions.json');
const holdings = load<PortfolioHolding[]>('seed004-holdings.json');
const [long, short] = positions as [PortfolioPosition, PortfolioPosition];
const [grinfra, avanti] = holdings as [PortfolioHolding, PortfolioHolding];

test('wire numbers: blanks, negative zero, the docs\' "- 2235.80"', () => {
  assert.equal(wireNumber(''), 0);
  assert.equal(wireNumber('-0.00'), 0);
  assert.equal(wireNumber('- 2235.80'), -2235.8);
  assert.equal(wireNumber('abc'), 0);
  assert.equal(wireNumber(undefined), 0);
  assert.equal(toPaise(1.5900000000000007), 159);
  assert.equal(toPaise(-1.005), -101);
  assert.equal(toPaise(-0.001), 0);
});

test("seed positions: our figures reproduce the venue's own fields", () => {
  for (const p of positions) {
    assert.equal(positionNetQuantity(p), Number(p.net_quantity));
    assert.equal(unrealisedPnl(p), toPaise(Number(p.unrealized_mtom)));
    assert.equal(realisedPnl(p), toPaise(Number(p.realized_pnl)));
    assert.equal(breakEvenPrice(p), toPaise(Number(p.bep)));
  }
  assert.equal(unrealisedPnl(long), 159);
  assert.equal(unrealisedPnl(short), -159);
  assert.equal(positionDayPnl(long), 159, 'intraday: day P&L = MTM');
  assert.equal(positionDayPnl(short), -159);
  assert.equal(unrealisedPnl(long, { ltp: 10 }), 194);
  assert.equal(unrealisedPnl(short, { ltp: '7.06' }), 100);
  assert.deepEqual(summarisePosition(long), {
    netQuantity: 1,
    unrealised: 159,
    realised: 0,
    total: 159,
    breakEven: 806,
    dayPnl: 159,
  });
});

test('partly closed intraday position: realised, unrealised, break-even, day P&L', () => {
  const p: PortfolioPosition = {
    ...long,
    day_buy_quantity: '10',
    day_buy_amount: '1000.00',
    day_buy_avg_price: '100.00',
    day_sell_quantity: '6',
    day_sell_amount: '660.00',
    day_sell_avg_amount: '110.00',
    net_quantity: '4',
    net_avg_price: '100.00',
    last_trade_price: '105.00',
  };
  const s = summarisePosition(p);
  assert.equal(s.netQuantity, 4);
  assert.equal(s.realised, 6_000, '6 × (110 − 100) = ₹60');
  assert.equal(s.unrealised, 2_000, '4 × (105 − 100) = ₹20');
  assert.equal(s.total, 8_000);
  assert.equal(s.breakEven, 8_500, '100 − 60 / 4 = ₹85');
  assert.equal(s.dayPnl, 8_000, 'no carry-forward: day P&L = realised + unrealised');
  // At the break-even price the total is zero.
  assert.equal(unrealisedPnl(p, { ltp: 85 }) + realisedPnl(p), 0);
});

test('carried-forward position: day P&L against the start-of-day price; multipliers', () => {
  const p: PortfolioPosition = {
    ...long,
    cf_buy_quantity: '10',
    cf_buy_amount: '1000.00',
    cf_avg_price: '100.00',
    upload_price: '102.00',
    day_buy_quantity: '0',
    day_buy_amount: '0.00',
    day_sell_quantity: '4',
    day_sell_amount: '420.00',
    day_sell_avg_amount: '105.00',
    net_quantity: '6',
    net_avg_price: '100.00',
    last_trade_price: '103.00',
  };
  assert.equal(positionNetQuantity(p), 6);
  assert.equal(realisedPnl(p), 2_000, '4 × (105 − 100)');
  assert.equal(unrealisedPnl(p), 1_800, '6 × (103 − 100)');
  assert.equal(unrealisedPnl(p, { useUploadPrice: true }), 600, '6 × (103 − 102)');
  assert.equal(positionDayPnl(p), 1_800, 'sold 4 at +3 over SOD 102 (₹12) and 6 marked +1 (₹6)');
  assert.equal(positionDayPnl(p, { previousClose: 101 }), 2_800, '420 + 6 × 103 − 10 × 101');
  // A contract with a multiplier of 1000 (e.g. currency futures).
  const fx: PortfolioPosition = {
    ...long,
    multiply_factor: '1000',
    last_trade_price: '8.0625',
    net_avg_price: '8.06',
  };
  assert.equal(unrealisedPnl(fx), 250, '1 × 0.0025 × 1000 = ₹2.50');
  assert.equal(breakEvenPrice({ ...long, day_sell_quantity: '1', day_sell_amount: '9.00' }), null, 'flat');
});

test('seed holdings: valuation / saleable quantities, P&L with supplied prices', () => {
  assert.equal(holdingValuationQuantity(grinfra), 1300);
  assert.equal(holdingSaleableQuantity(grinfra), 1300);
  assert.equal(holdingValuationQuantity(avanti), 1500);
  assert.equal(holdingPnl(grinfra, 1250), 3_900_000, '1300 × (1250 − 1220)');
  assert.equal(holdingDayPnl(grinfra, '1250', '1240.50'), 1_235_000);
  const custom: PortfolioHolding = {
    ...grinfra,
    btst_quantity: '5',
    holding_quantity: '10',
    broker_quantity: '2',
    unpledged_quantity: '3',
    beneficiary_quantity: '1',
    non_poa_dispaly_qty: '4',
    dp_quantity: '6',
    used_quantity: '2',
  };
  assert.equal(holdingValuationQuantity(custom), 25);
  assert.equal(holdingSaleableQuantity(custom), 23);
  assert.deepEqual(summariseHolding(avanti, { ltp: '450.00' }), {
    quantity: 1500,
    saleableQuantity: 1500,
    invested: 69_000_000,
    value: 67_500_000,
    pnl: -1_500_000,
    pnlPercent: -2.17,
    dayPnl: null,
  });
  const prices: Record<string, { ltp: number; close: number }> = {
    '5054': { ltp: 1250, close: 1240 },
    '7936': { ltp: 450, close: 455 },
  };
  const totals = summariseHoldings(holdings, (h) => prices[h.instrument?.[0]?.token ?? '']);
  assert.deepEqual(totals, {
    invested: 227_600_000, // 1300 × 1220 + 1500 × 460
    value: 230_000_000, // 1300 × 1250 + 1500 × 450
    pnl: 2_400_000,
    pnlPercent: 1.05,
    dayPnl: 1_300_000 - 750_000,
    unpriced: 0,
  });
  assert.equal(summariseHoldings(holdings, () => undefined).unpriced, 2);
});
