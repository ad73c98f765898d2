/**
 * The intraday rules in the pure engine: the rule tables carry sources, configured times replace the
 * table's, orders that only reduce an intraday position pass the cut-off, commodity times follow the
 * market's close, the charge is configurable and `enabled: false` turns it all off.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Exchange } from '@smartapi-ts/protocol';
import { istToEpoch } from '@smartapi-ts/protocol';
import { NoFeeModel } from '../src/engine/charges/fee-model.js';
import type { EngineConfig } from '../src/engine/index.js';
import { isRejection } from '../src/engine/index.js';
import { AUTO_SQUARE_OFF_CHARGE, autoSquareOffCharge, INTRADAY_TIMES } from '../src/engine/rules/intraday.js';
import { SETTLEMENT_CYCLE } from '../src/engine/rules/settlement.js';
import { Harness, sbin } from './engine-harness.js';

const at = (h: number, m: number) => istToEpoch(2026, 11, 20, h, m, 0);

/** Fill charges are tested in engine-charges; here only the square-off charge leaves cash. */
function harness(config: EngineConfig = {}) {
  const h = new Harness({ feeModel: new NoFeeModel(), ...config });
  h.now = at(13, 0);
  return h;
}

function clock(h: Harness, time: number) {
  h.now = time;
  h.record(h.engine.onClock(h.ctx()).events);
}

function status(h: Harness, r: { result: unknown }) {
  assert.ok(!isRejection(r.result), JSON.stringify(r.result));
  return h.order((r.result as { orderid: string }).orderid);
}

function net(h: Harness, exchange: Exchange, token: string, product = 'INTRADAY'): number {
  const p = h.engine
    .positions('A1', h.ctx())
    ?.find((x) => x.exchange === exchange && x.symboltoken === token && x.producttype === product);
  return Number(p?.netqty ?? 0);
}

describe('engine: intraday rules', () => {
  it('every table row has a source and the tables start in order', () => {
    for (const table of [...Object.values(INTRADAY_TIMES), AUTO_SQUARE_OFF_CHARGE, SETTLEMENT_CYCLE]) {
      assert.ok(table.length > 0);
      for (let i = 0; i < table.length; i++) {
        assert.ok((table[i]?.source ?? '').length > 5);
        if (i > 0) assert.ok((table[i - 1]?.from ?? '') < (table[i]?.from ?? ''));
      }
    }
    assert.equal(autoSquareOffCharge(at(10, 0)), 2360);
  });

  it('configured times replace the table: reduce-only orders pass the cut-off, the square-off runs once', () => {
    const h = harness({
      intraday: { times: { NSE: { cutoff: { at: 14 * 60 }, squareOff: { at: 14 * 60 + 30 } } } },
    });
    status(h, h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '10' })));
    h.now = at(14, 0);
    const fresh = status(h, h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '1' })));
    assert.equal(fresh.status, 'rejected');
    assert.match(fresh.text, /after the intraday cut-off time 14:00/);
    // Selling 4 of the 10 only reduces the position: accepted; selling 7 more would flip it: refused.
    assert.equal(
      status(h, h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '4', transactiontype: 'SELL' })))
        .status,
      'complete',
    );
    assert.equal(
      status(h, h.place(sbin({ ordertype: 'MARKET', price: '0', quantity: '7', transactiontype: 'SELL' })))
        .status,
      'rejected',
    );
    clock(h, at(14, 29));
    assert.equal(net(h, 'NSE', '3045'), 6);
    const cash = h.engine.funds('A1', h.market)?.availableCash ?? 0;
    clock(h, at(14, 30));
    assert.equal(net(h, 'NSE', '3045'), 0);
    assert.equal(cash - (h.engine.funds('A1', h.market)?.availableCash ?? 0), 2360);
    clock(h, at(14, 40));
    const auto = h.engine.orderBook('A1', h.ctx())?.filter((o) => o.ordertag === 'AUTOSQUAREOFF') ?? [];
    assert.equal(auto.length, 1);
  });

  it('commodity times are minutes before the close the market reports', () => {
    const h = harness({ intraday: { charge: { perOrder: 5000, gst: 0 } } });
    const market = h.market as typeof h.market & { sessionClose?: (e: Exchange, t: number) => number };
    market.sessionClose = () => at(23, 30);
    const fut = { exchange: 'MCX', tradingsymbol: 'CRUDEOIL26DECFUT', symboltoken: '444', quantity: '100' };
    status(h, h.place(sbin({ ...fut, ordertype: 'MARKET', price: '0' })));
    clock(h, at(23, 4));
    assert.equal(net(h, 'MCX', '444'), 100);
    const cash = h.engine.funds('A1', h.market)?.availableCash ?? 0;
    clock(h, at(23, 5));
    assert.equal(net(h, 'MCX', '444'), 0);
    assert.equal(cash - (h.engine.funds('A1', h.market)?.availableCash ?? 0), 5000);
  });

  it('enabled: false leaves intraday orders and positions alone', () => {
    const h = harness({ intraday: { enabled: false } });
    status(h, h.place(sbin({ ordertype: 'MARKET', price: '0' })));
    clock(h, at(15, 25));
    assert.equal(net(h, 'NSE', '3045'), 10);
    assert.notEqual(status(h, h.place(sbin({ ordertype: 'MARKET', price: '0' }))).status, 'rejected');
  });

  it('a market without a calendar still has no cut-off on a weekend', () => {
    const h = harness();
    h.now = istToEpoch(2026, 11, 21, 15, 25, 0); // Saturday (the fake market reports open sessions)
    assert.notEqual(status(h, h.place(sbin({ ordertype: 'MARKET', price: '0' }))).status, 'rejected');
  });
});
