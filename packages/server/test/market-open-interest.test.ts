/**
 * Open interest follows the trading (docs/paper-broker-market.md#open-interest): over HTTP an account
 * selling options to open adds its quantity to the contract's OI and buying them back removes it; in the
 * simulated market the options' OI moves with the underlying (puts written when it is up, calls when it
 * is down), so the put-call ratio carries the sign of the move, and futures' OI build-up is deterministic
 * for one seed.
 */
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { istToEpoch } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { SimClock } from '../src/market/clock.js';
import { SimulatedMarket } from '../src/market/sources/synthetic/simulator.js';
import { ist, sbinOrder, venue } from './admin-helpers.js';

describe('the paper accounts’ fills move OI', () => {
  let broker: PaperBroker;
  let jwt: string;
  before(async () => {
    broker = await startPaperBroker({ start: ist('10:00') });
    jwt = (await broker.login()).jwtToken;
  });
  after(() => broker.close());

  async function oi(token: string): Promise<number> {
    const r = await venue(broker, jwt, 'quote', { mode: 'FULL', exchangeTokens: { NFO: [token] } });
    assert.equal(r.body?.status, true, r.text);
    return Number(r.body?.data.fetched[0].opnInterest);
  }

  test('selling to open adds to OI, buying to close removes it', async () => {
    const now = broker.market.now();
    const opt = broker.market
      .instruments()
      .filter(
        (i) => i.exchange === 'NFO' && i.name === 'NIFTY' && i.optionType === 'CE' && (i.expiry ?? 0) > now,
      )
      .sort(
        (a, b) =>
          (a.expiry ?? 0) - (b.expiry ?? 0) ||
          Math.abs((a.strike ?? 0) - 2_700_000) - Math.abs((b.strike ?? 0) - 2_700_000),
      )[0];
    assert.ok(opt);
    const lot = opt.lotSize;
    const order = (side: string, lots: number) =>
      sbinOrder({
        exchange: 'NFO',
        tradingsymbol: opt.symbol,
        symboltoken: opt.token,
        transactiontype: side,
        producttype: 'CARRYFORWARD',
        quantity: String(lots * lot),
      });
    const before = await oi(opt.token);
    const sell = await venue(broker, jwt, 'placeOrder', order('SELL', 2));
    assert.equal(sell.body?.status, true, sell.text);
    assert.equal(await oi(opt.token), before + 2 * lot, 'a short opened adds to OI');
    const buy = await venue(broker, jwt, 'placeOrder', order('BUY', 1));
    assert.equal(buy.body?.status, true, buy.text);
    assert.equal(await oi(opt.token), before + lot, 'buying back removes it');
  });
});

describe('simulated OI follows the market', () => {
  function runDay(seed: number) {
    const clock = new SimClock({ start: istToEpoch(2026, 12, 3, 9, 15), manual: true });
    const market = new SimulatedMarket({ clock, seed, stepMs: 10_000 });
    const snap = () => {
      const byName = new Map<string, { ce: number; pe: number; close: number; fut: number; futOi: number }>();
      for (const i of market.instruments()) {
        if (i.exchange !== 'NFO' && i.exchange !== 'BFO') continue; // SENSEX options are on BFO
        const q = market.quote(i.exchange, i.token);
        if (!q) continue;
        const s = byName.get(i.name) ?? { ce: 0, pe: 0, close: 0, fut: 0, futOi: 0 };
        if (i.optionType === 'CE') s.ce += q.openInterest;
        else if (i.optionType === 'PE') s.pe += q.openInterest;
        else if (!s.fut) {
          s.fut = q.ltp;
          s.futOi = q.openInterest;
          s.close = q.close;
        }
        byName.set(i.name, s);
      }
      return byName;
    };
    const start = snap();
    for (let i = 0; i < 12; i++) market.withMaxSteps(30, () => clock.advance(30 * 60_000));
    const end = snap();
    market.close();
    return { start, end };
  }

  test('the put-call ratio moves with the underlying, and the run is the same for one seed', () => {
    const { start, end } = runDay(3);
    let agree = 0;
    let total = 0;
    for (const [name, s] of start) {
      const e = end.get(name);
      if (!e || s.ce === 0 || e.ce === 0 || e.close === 0) continue;
      // The day's move of the underlying (its nearest future against its previous close).
      const move = Math.log(e.fut / e.close);
      if (Math.abs(move) < 0.002) continue;
      const dPcr = e.pe / e.ce - s.pe / s.ce;
      total++;
      if (Math.sign(dPcr) === Math.sign(move)) agree++;
    }
    assert.ok(total >= 5, `underlyings compared: ${total}`);
    assert.ok(agree / total >= 0.8, `PCR moved with the underlying in ${agree}/${total}`);
    const again = runDay(3);
    assert.deepEqual([...again.end.entries()], [...end.entries()]);
  });
});
