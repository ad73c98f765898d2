/**
 * Hedge-aware margin over HTTP (docs/paper-broker-rules.md#margin) on the simulated market: a bear call
 * spread placed leg by leg releases margin in `getRMS`; `getMarginApi` (margin batch) margins a basket
 * as a portfolio (spreads and straddles get a benefit, OTM shorts cost less than ATM ones); the extra
 * exposure margin on expiry day appears when the admin clock reaches it; the intraday leverage
 * `nseIntraday` advertises is the one the RMS charges.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { type Envelope, ist, venue } from './admin-helpers.js';

const EXPIRY = 'NIFTY08DEC26';
const LOT = 65;

interface Ctx {
  broker: PaperBroker;
  jwt: string;
  spot: () => Promise<number>;
  token: (strike: number, type: 'CE' | 'PE') => string;
  atm: number;
}

async function setup(start: number): Promise<Ctx> {
  const broker = await startPaperBroker({ start });
  const { jwtToken: jwt } = await broker.login();
  const rows = (await venue(broker, jwt, 'searchScrip', { exchange: 'NFO', searchscrip: EXPIRY })).body
    ?.data as { tradingsymbol: string; symboltoken: string }[];
  const spot = async () =>
    Number(
      (
        await venue(broker, jwt, 'getLtpData', {
          exchange: 'NSE',
          tradingsymbol: 'Nifty 50',
          symboltoken: '99926000',
        })
      ).body?.data.ltp,
    );
  const token = (strike: number, type: 'CE' | 'PE') => {
    const row = rows.find((r) => r.tradingsymbol === `${EXPIRY}${strike}${type}`);
    assert.ok(row, `${EXPIRY}${strike}${type} is listed`);
    return row.symboltoken;
  };
  return { broker, jwt, spot, token, atm: Math.round((await spot()) / 50) * 50 };
}

const leg = (c: Ctx, strike: number, type: 'CE' | 'PE', side: 'BUY' | 'SELL') => ({
  exchange: 'NFO',
  qty: LOT,
  price: 0,
  productType: 'CARRYFORWARD',
  token: c.token(strike, type),
  tradeType: side,
});

async function batch(c: Ctx, positions: unknown[]): Promise<Envelope['data']> {
  const r = await venue(c.broker, c.jwt, 'marginBatch', { positions });
  assert.equal(r.body?.status, true, r.text);
  return r.body?.data;
}

async function rms(c: Ctx): Promise<Record<string, string>> {
  return (await venue(c.broker, c.jwt, 'getRMS')).body?.data;
}

async function sell(c: Ctx, strike: number, type: 'CE' | 'PE', side: 'BUY' | 'SELL' = 'SELL') {
  const r = await venue(c.broker, c.jwt, 'placeOrder', {
    variety: 'NORMAL',
    tradingsymbol: `${EXPIRY}${strike}${type}`,
    symboltoken: c.token(strike, type),
    transactiontype: side,
    exchange: 'NFO',
    ordertype: 'MARKET',
    producttype: 'CARRYFORWARD',
    duration: 'DAY',
    price: '0',
    quantity: String(LOT),
  });
  assert.equal(r.body?.status, true, r.text);
  const id = r.body?.data.orderid as string;
  const book = (await venue(c.broker, c.jwt, 'getOrderBook')).body?.data as {
    orderid: string;
    status: string;
    text: string;
  }[];
  const row = book.find((o) => o.orderid === id);
  assert.equal(row?.status, 'complete', row?.text);
}

describe('margin batch: portfolio margin with hedge benefit', () => {
  let c: Ctx;
  before(async () => {
    c = await setup(ist('10:00'));
  });
  after(() => c.broker.close());

  test('a bull call spread costs a fraction of its naked short leg; the benefit is standalone − portfolio', async () => {
    const shortLeg = await batch(c, [leg(c, c.atm + 300, 'CE', 'SELL')]);
    const longLeg = await batch(c, [leg(c, c.atm, 'CE', 'BUY')]);
    const spread = await batch(c, [leg(c, c.atm, 'CE', 'BUY'), leg(c, c.atm + 300, 'CE', 'SELL')]);
    assert.ok(spread.totalMarginRequired < shortLeg.totalMarginRequired / 2, JSON.stringify(spread));
    assert.equal(spread.marginComponents.totOptionsPremium, longLeg.marginComponents.totOptionsPremium);
    const standalone = shortLeg.marginComponents.spanMargin + longLeg.marginComponents.spanMargin;
    assert.ok(
      Math.abs(spread.marginComponents.marginBenefit - (standalone - spread.marginComponents.spanMargin)) <=
        0.02,
      JSON.stringify(spread.marginComponents),
    );
    // What is left of the SPAN is about the exposure margin of the short leg (2 % of its notional).
    const exposure = 0.02 * LOT * (await c.spot());
    assert.ok(
      Math.abs(spread.marginComponents.spanMargin - exposure) / exposure < 0.1,
      JSON.stringify(spread),
    );
  });

  test('a short straddle is charged less than its two legs; an OTM short less than an ATM one', async () => {
    const ce = await batch(c, [leg(c, c.atm, 'CE', 'SELL')]);
    const pe = await batch(c, [leg(c, c.atm, 'PE', 'SELL')]);
    const straddle = await batch(c, [leg(c, c.atm, 'CE', 'SELL'), leg(c, c.atm, 'PE', 'SELL')]);
    const sum = ce.totalMarginRequired + pe.totalMarginRequired;
    assert.ok(straddle.totalMarginRequired < 0.75 * sum, `${straddle.totalMarginRequired} vs ${sum}`);
    assert.ok(straddle.marginComponents.marginBenefit > 0.25 * sum);
    const otm = await batch(c, [leg(c, c.atm + 500, 'CE', 'SELL')]);
    assert.ok(
      otm.totalMarginRequired < ce.totalMarginRequired,
      `${otm.totalMarginRequired} < ${ce.totalMarginRequired}`,
    );
    const farOtm = await batch(c, [leg(c, c.atm + 1000, 'CE', 'SELL')]);
    assert.ok(farOtm.totalMarginRequired < otm.totalMarginRequired);
  });

  test('bad input changes nothing and answers the venue envelope', async () => {
    const r = await venue(c.broker, c.jwt, 'marginBatch', {
      positions: [{ ...leg(c, c.atm, 'CE', 'SELL'), qty: -1 }],
    });
    assert.equal(r.body?.status, false);
    assert.match(r.body?.errorcode ?? '', /^AB\d{4}$/);
    assert.match(r.body?.message ?? '', /qty/i);
    // The account is untouched: nothing blocked.
    assert.equal(Number((await rms(c)).utiliseddebits), 0);
  });
});

describe('RMS: placing the hedge releases margin', () => {
  let c: Ctx;
  before(async () => {
    c = await setup(ist('10:00'));
  });
  after(() => c.broker.close());

  test('short ATM call, then the long OTM call: utilised falls to about the spread risk + exposure', async () => {
    const free0 = Number((await rms(c)).net);
    await sell(c, c.atm, 'CE');
    const naked = await rms(c);
    const nakedUsed = Number(naked.utiliseddebits);
    assert.ok(Number(naked.utilisedspan) > 0);
    assert.ok(Number(naked.utilisedexposure) > 0);
    await sell(c, c.atm + 300, 'CE', 'BUY');
    const hedged = await rms(c);
    const hedgedUsed = Number(hedged.utiliseddebits);
    assert.ok(hedgedUsed < nakedUsed / 2, `hedged ${hedgedUsed} vs naked ${nakedUsed}`);
    // The spread can lose at most its width (300 points × lot) beyond the exposure margin.
    assert.ok(hedgedUsed <= 300 * LOT + Number(hedged.utilisedexposure) + 1, JSON.stringify(hedged));
    assert.ok(Number(hedged.net) > Number(naked.net));
    assert.ok(Number(hedged.net) < free0);
  });
});

describe('RMS: a bull call spread placed long leg first', () => {
  let c: Ctx;
  before(async () => {
    c = await setup(ist('10:00'));
  });
  after(() => c.broker.close());

  test('the short leg after its hedge costs about its exposure margin; a naked short costs far more', async () => {
    const naked = (await batch(c, [leg(c, c.atm + 300, 'CE', 'SELL')])).totalMarginRequired as number;
    await sell(c, c.atm, 'CE', 'BUY');
    const afterLong = Number((await rms(c)).utiliseddebits);
    await sell(c, c.atm + 300, 'CE');
    const r = await rms(c);
    const added = Number(r.utiliseddebits) - afterLong;
    const exposure = 0.02 * LOT * (await c.spot());
    assert.ok(added < naked / 3, `the short leg added ${added}; naked it costs ${naked}`);
    assert.ok(Math.abs(Number(r.utilisedexposure) - exposure) / exposure < 0.01, JSON.stringify(r));
  });
});

describe('expiry day: extra exposure margin on short index options', () => {
  let c: Ctx;
  before(async () => {
    // Monday 7 Dec 2026 late afternoon; the NIFTY weekly expires on Tuesday 8 Dec.
    c = await setup(ist('15:00', '2026-12-07'));
  });
  after(() => c.broker.close());

  test('exposure is 2 % of the notional the day before and 4 % on the expiry day', async () => {
    await sell(c, c.atm, 'PE');
    const ratio = async () => Number((await rms(c)).utilisedexposure) / (LOT * (await c.spot()));
    assert.ok(Math.abs((await ratio()) - 0.02) < 1e-4, String(await ratio()));
    const r = await c.broker.admin('POST', 'clock', { advanceTo: '2026-12-08T09:20:00+05:30' });
    assert.equal(r.status, 200);
    assert.ok(Math.abs((await ratio()) - 0.04) < 1e-4, String(await ratio()));
  });
});

describe('intraday leverage: one table for nseIntraday and the RMS', () => {
  let broker: PaperBroker;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
  });
  after(() => broker.close());

  test('an INTRADAY order blocks value / the Multiplier nseIntraday lists (5× and 4× stocks)', async () => {
    const { jwtToken: jwt } = await broker.login();
    const list = (await venue(broker, jwt, 'nseIntraday')).body?.data as {
      SymbolName: string;
      Multiplier: string;
    }[];
    const cases = [
      { name: 'SBIN', symbol: 'SBIN-EQ', token: '3045' },
      { name: 'SUZLON', symbol: 'SUZLON-EQ', token: '12018' },
    ];
    const seen = new Set<string>();
    for (const s of cases) {
      const mult = Number(list.find((r) => r.SymbolName === s.name)?.Multiplier);
      seen.add(String(mult));
      const ltp = Number(
        (
          await venue(broker, jwt, 'getLtpData', {
            exchange: 'NSE',
            tradingsymbol: s.symbol,
            symboltoken: s.token,
          })
        ).body?.data.ltp,
      );
      // A resting limit buy below the market (inside the circuit band): its blocked margin is the RMS's
      // intraday charge.
      const price = (Math.floor(ltp * 0.99 * 20) / 20).toFixed(2);
      const before = Number((await venue(broker, jwt, 'getRMS')).body?.data.utiliseddebits);
      const r = await venue(broker, jwt, 'placeOrder', {
        variety: 'NORMAL',
        tradingsymbol: s.symbol,
        symboltoken: s.token,
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        price,
        quantity: '100',
      });
      assert.equal(r.body?.status, true, r.text);
      const used = Number((await venue(broker, jwt, 'getRMS')).body?.data.utiliseddebits) - before;
      assert.ok(
        Math.abs(used - (Number(price) * 100) / mult) <= 0.01,
        `${s.name}: ${used} vs ${price}×100/${mult}`,
      );
    }
    assert.deepEqual([...seen].sort(), ['4', '5']);
  });
});
