import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatIstDate, istDayStart } from '@smartapi-ts/protocol';
import { propertyOptions } from '@smartapi-ts/testkit/property';
import fc from 'fast-check';
import { chargeSegment, venueOf } from '../src/engine/charges/charges.js';
import type { EngineRows, EngineState } from '../src/engine/index.js';
import {
  chargesOnTurnover,
  Engine,
  isRejection,
  isWorking,
  pendingKey,
  positionFigures,
  positionKey,
  restoreState,
  roundPaise,
  stateRows,
} from '../src/engine/index.js';
import { Harness, rowsFromEvents, T0 } from './engine-harness.js';

/** Tradable instruments of the fake market with a plausible price (paise) and lot. */
const SYMBOLS = [
  { exchange: 'NSE', token: '3045', symbol: 'SBIN-EQ', price: 80_000, lot: 1, tick: 5 },
  { exchange: 'NSE', token: '2885', symbol: 'RELIANCE-EQ', price: 125_000, lot: 1, tick: 5 },
  { exchange: 'NFO', token: '35006', symbol: 'NIFTY26NOV26FUT', price: 2_400_000, lot: 75, tick: 10 },
  { exchange: 'NFO', token: '35003', symbol: 'NIFTY26NOV2624000CE', price: 10_000, lot: 75, tick: 5 },
] as const;

const PRODUCTS = ['DELIVERY', 'INTRADAY', 'CARRYFORWARD', 'MARGIN'] as const;

const placeArb = fc.record({
  kind: fc.constant('place' as const),
  sym: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
  side: fc.constantFrom('BUY', 'SELL'),
  type: fc.constantFrom('MARKET', 'LIMIT', 'LIMIT', 'STOPLOSS_LIMIT', 'STOPLOSS_MARKET'),
  product: fc.constantFrom(...PRODUCTS),
  lots: fc.integer({ min: 1, max: 30 }),
  offsetTicks: fc.integer({ min: -40, max: 40 }),
  ioc: fc.boolean(),
  robo: fc.boolean(),
  numeric: fc.boolean(),
});
const modifyArb = fc.record({
  kind: fc.constant('modify' as const),
  pick: fc.nat(),
  offsetTicks: fc.integer({ min: -40, max: 40 }),
  lots: fc.integer({ min: 1, max: 30 }),
});
const cancelArb = fc.record({ kind: fc.constant('cancel' as const), pick: fc.nat() });
const tickArb = fc.record({
  kind: fc.constant('tick' as const),
  sym: fc.integer({ min: 0, max: SYMBOLS.length - 1 }),
  moveTicks: fc.integer({ min: -60, max: 60 }),
  thin: fc.boolean(),
});
const sessionArb = fc.record({ kind: fc.constant('session' as const), open: fc.boolean() });
const seedArb = fc.record({ kind: fc.constant('seed' as const), qty: fc.integer({ min: 1, max: 50 }) });
const gttArb = fc.record({
  kind: fc.constant('gtt' as const),
  side: fc.constantFrom('BUY', 'SELL'),
  offsetTicks: fc.integer({ min: -40, max: 40 }),
  qty: fc.integer({ min: 1, max: 20 }),
});
const convertArb = fc.record({
  kind: fc.constant('convert' as const),
  pick: fc.nat(),
  qty: fc.integer({ min: 1, max: 20 }),
  to: fc.constantFrom(...PRODUCTS),
});
const rollArb = fc.record({ kind: fc.constant('roll' as const) });
const garbageArb = fc.record({ kind: fc.constant('garbage' as const), body: fc.anything() });

type Cmd = typeof placeArb extends fc.Arbitrary<infer T> ? T : never;

function baseCmds() {
  return [
    placeArb,
    placeArb,
    placeArb,
    modifyArb,
    cancelArb,
    tickArb,
    tickArb,
    tickArb,
    sessionArb,
    seedArb,
    gttArb,
    garbageArb,
  ];
}

/** Runs one command against the harness. */
function run(h: Harness, c: { kind: string } & Record<string, unknown>): void {
  const e = h.engine;
  const acc = e.state.accounts.get('A1');
  if (!acc) throw new Error('no account');
  const orders = [...acc.orders.values()];
  h.now += 1000;
  switch (c.kind) {
    case 'place': {
      const p = c as unknown as Cmd;
      const s = SYMBOLS[p.sym]!;
      const ltp = h.market.quote(s.exchange, s.token)?.ltp ?? s.price;
      const price = Math.max(s.tick, ltp + p.offsetTicks * s.tick);
      const stop = p.type.startsWith('STOPLOSS');
      const body: Record<string, unknown> = {
        variety: p.robo ? 'ROBO' : stop ? 'STOPLOSS' : 'NORMAL',
        tradingsymbol: s.symbol,
        symboltoken: s.token,
        transactiontype: p.side,
        exchange: s.exchange,
        ordertype: p.robo ? 'LIMIT' : p.type,
        producttype: p.robo ? 'BO' : p.product,
        duration: p.ioc ? 'IOC' : 'DAY',
        price: p.numeric ? price / 100 : (price / 100).toFixed(2),
        triggerprice: stop ? (price / 100).toFixed(2) : '0',
        quantity: p.numeric ? p.lots * s.lot : String(p.lots * s.lot),
        squareoff: p.robo ? String((s.tick * 4) / 100) : null,
        stoploss: p.robo ? String((s.tick * 3) / 100) : null,
      };
      h.place(body);
      break;
    }
    case 'modify': {
      const working = orders.filter(isWorking);
      const o = working[(c.pick as number) % Math.max(1, working.length)];
      if (!o) break;
      const s = SYMBOLS.find((x) => x.token === o.symboltoken)!;
      const ltp = h.market.quote(o.exchange, o.symboltoken)?.ltp ?? s.price;
      const price = Math.max(s.tick, ltp + (c.offsetTicks as number) * s.tick);
      h.run((en, ctx) =>
        en.modifyOrder(
          'A1',
          {
            variety: o.variety,
            orderid: o.orderid,
            ordertype: o.ordertype,
            producttype: o.producttype,
            duration: o.duration,
            price: (price / 100).toFixed(2),
            triggerprice: o.triggerprice ? (price / 100).toFixed(2) : '0',
            quantity: String((c.lots as number) * s.lot),
          },
          ctx,
        ),
      );
      break;
    }
    case 'cancel': {
      const o = orders[(c.pick as number) % Math.max(1, orders.length)];
      if (o) h.run((en, ctx) => en.cancelOrder('A1', { variety: o.variety, orderid: o.orderid }, ctx));
      break;
    }
    case 'tick': {
      const s = SYMBOLS[c.sym as number]!;
      const ltp = h.market.quote(s.exchange, s.token)?.ltp ?? s.price;
      const next = Math.min(
        Math.round(s.price * 1.15),
        Math.max(Math.round(s.price * 0.85), ltp + (c.moveTicks as number) * s.tick),
      );
      const aligned = Math.round(next / s.tick) * s.tick;
      h.tick(s.exchange, s.token, {
        ltp: aligned,
        step: s.tick,
        depthQty: c.thin ? s.lot : 1000 * s.lot,
        upper: Math.round(s.price * 1.2),
        lower: Math.round(s.price * 0.8),
      });
      break;
    }
    case 'session':
      h.market.setSession(c.open ? 'open' : 'closed');
      h.record(e.onClock(h.ctx()).events);
      break;
    case 'seed':
      h.record(
        e.seedHolding(
          'A1',
          { exchange: 'NSE', symboltoken: '3045', quantity: c.qty as number, averageprice: 75_000 },
          h.ctx(),
        ).events,
      );
      break;
    case 'gtt': {
      const ltp = h.market.quote('NSE', '3045')?.ltp ?? 80_000;
      const trig = Math.max(5, ltp + (c.offsetTicks as number) * 5);
      h.run((en, ctx) =>
        en.gttCreate(
          'A1',
          {
            tradingsymbol: 'SBIN-EQ',
            symboltoken: '3045',
            exchange: 'NSE',
            producttype: 'DELIVERY',
            transactiontype: c.side,
            price: trig / 100,
            triggerprice: trig / 100,
            qty: c.qty,
          },
          ctx,
        ),
      );
      break;
    }
    case 'convert': {
      const positions = [...acc.positions.values()];
      const p = positions[(c.pick as number) % Math.max(1, positions.length)];
      if (!p) break;
      const net = positionFigures(p).netQty;
      h.run((en, ctx) =>
        en.convertPosition(
          'A1',
          {
            exchange: p.exchange,
            symboltoken: p.symboltoken,
            tradingsymbol: p.tradingsymbol,
            oldproducttype: p.producttype,
            newproducttype: c.to,
            transactiontype: net >= 0 ? 'BUY' : 'SELL',
            quantity: Math.min(Math.abs(net) || 1, (c.qty as number) * p.lotsize),
            type: 'NET',
          },
          ctx,
        ),
      );
      break;
    }
    case 'roll':
      h.now += 86_400_000;
      h.record(e.rollDay(h.ctx()).events);
      break;
    case 'garbage':
      h.place(c.body as Record<string, unknown>);
      break;
  }
}

function sortedRows(rows: EngineRows) {
  const by = <T>(xs: readonly T[], key: (x: T) => string) =>
    [...xs].sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  return JSON.parse(
    JSON.stringify({
      orders: by(rows.orders, (o) => o.orderid),
      trades: by(rows.trades, (t) => t.fillid),
      positions: by(rows.positions, positionKey),
      holdings: by(rows.holdings, (x) => `${x.exchange}:${x.symboltoken}`),
      funds: by(rows.funds, (f) => f.clientcode),
      gttRules: by(rows.gttRules, (r) => r.id),
    }),
  );
}

function indexes(s: EngineState) {
  const m = (x: Map<string, Set<string>>) => [...x].map(([k, v]) => [k, [...v].sort()]).sort();
  return {
    w: m(s.workingByInstrument),
    g: m(s.gttByInstrument),
    wo: [...s.workingOrders].map(([id, e]) => [id, e.owner]).sort(),
    go: [...s.gttOwner].sort(),
  };
}

function checkInvariants(h: Harness, withTradeConservation: boolean): void {
  const acc = h.engine.state.accounts.get('A1');
  assert.ok(acc);
  let blocked = 0;
  const filledByOrder = new Map<string, number>();
  for (const t of acc.trades) filledByOrder.set(t.orderid, (filledByOrder.get(t.orderid) ?? 0) + t.quantity);
  for (const o of acc.orders.values()) {
    const rest = o.quantity - o.filledshares - o.cancelsize;
    assert.ok(o.filledshares >= 0 && o.cancelsize >= 0 && rest >= 0, `order ${o.orderid} quantities`);
    if (isWorking(o)) {
      assert.ok(rest > 0, `working order ${o.orderid} has nothing left`);
      assert.ok(o.blockedmargin >= 0);
      blocked += o.blockedmargin;
    } else {
      // filled + unfilled + cancelled = quantity, with nothing left working
      assert.equal(rest, o.status === 'rejected' ? o.quantity : 0, `order ${o.orderid} ${o.status}`);
      assert.equal(o.blockedmargin, 0);
      if (o.status === 'complete') assert.ok(o.filledshares > 0);
      if (o.status === 'rejected') assert.equal(o.filledshares, 0);
    }
    assert.equal(filledByOrder.get(o.orderid) ?? 0, o.filledshares, `fills of ${o.orderid}`);
    assert.equal(h.engine.state.workingOrders.has(o.orderid), isWorking(o), `index of ${o.orderid}`);
    assert.equal(acc.working.has(o.orderid), isWorking(o), `account index of ${o.orderid}`);
    // The quote loop's book: a resting limit at its price level, any other working order in `others`.
    const book = h.engine.state.books.get(`${o.exchange}:${o.symboltoken}`);
    const resting = isWorking(o) && o.status === 'open' && o.ordertype === 'LIMIT' && !o.amo;
    const level = (o.transactiontype === 'BUY' ? book?.buy : book?.sell)?.get(o.price);
    const entry = h.engine.state.workingOrders.get(o.orderid);
    assert.equal(entry !== undefined && (level?.has(entry) ?? false), resting, `price level of ${o.orderid}`);
    if (entry !== undefined) {
      assert.equal(entry.order, o, `entry record of ${o.orderid}`);
      assert.equal(entry.working, true, `entry of ${o.orderid} marked working`);
    }
    assert.equal(book?.others.has(o.orderid) ?? false, isWorking(o) && !resting, `others of ${o.orderid}`);
  }
  // The running pending-quantity totals equal a scan of the working orders.
  const scanned = new Map<string, number>();
  for (const o of acc.orders.values()) {
    const rest = o.quantity - o.filledshares - o.cancelsize;
    if (!isWorking(o) || o.parentorderid || rest <= 0) continue;
    const k = pendingKey('A1', o, o.transactiontype);
    scanned.set(k, (scanned.get(k) ?? 0) + rest);
  }
  assert.deepEqual(
    [...h.engine.state.pendingTotals].sort(),
    [...scanned].sort(),
    'pending totals = scan of working orders',
  );
  const f = h.engine.funds('A1', h.market);
  assert.ok(f);
  assert.equal(f.ordersMargin, blocked);
  assert.ok(acc.funds.cash >= 0, 'cash never negative');
  for (const hd of acc.holdings.values()) {
    assert.ok(hd.quantity >= 0 && hd.t1quantity >= 0 && hd.usedquantity >= 0);
    assert.ok(hd.quantity + hd.t1quantity - hd.usedquantity >= 0, 'holding quantity never negative');
  }
  if (withTradeConservation) {
    const net = new Map<string, number>();
    for (const t of acc.trades) {
      const k = positionKey({
        clientcode: 'A1',
        exchange: t.exchange,
        symboltoken: t.symboltoken,
        producttype: t.producttype,
      });
      net.set(k, (net.get(k) ?? 0) + (t.transactiontype === 'BUY' ? t.quantity : -t.quantity));
    }
    for (const p of acc.positions.values()) {
      const fig = positionFigures(p);
      // net qty = Σ buys − Σ sells (+ holdings sold today, booked as carried-forward buys)
      assert.equal(
        fig.netQty,
        (net.get(positionKey(p)) ?? 0) + p.cfbuyqty - p.cfsellqty,
        `net of ${positionKey(p)}`,
      );
      assert.equal(p.buyqty - p.sellqty, net.get(positionKey(p)) ?? 0);
    }
  }
}

function checkReplay(h: Harness): void {
  const restored = restoreState(rowsFromEvents(h.log));
  assert.deepEqual(sortedRows(stateRows(restored)), sortedRows(stateRows(h.engine.state)));
  assert.deepEqual(indexes(restored), indexes(h.engine.state));
  const other = new Engine({}, restored);
  const q = h.ctx();
  assert.deepEqual(other.orderBook('A1', q), h.engine.orderBook('A1', q));
  assert.deepEqual(other.tradeBook('A1', q), h.engine.tradeBook('A1', q));
  assert.deepEqual(other.positions('A1', q), h.engine.positions('A1', q));
  assert.deepEqual(other.holdings('A1', q), h.engine.holdings('A1', q));
  assert.deepEqual(other.rms('A1', q), h.engine.rms('A1', q));
  assert.deepEqual(
    other.gttList('A1', { status: ['FORALL'], page: 1, count: 500 }),
    h.engine.gttList('A1', { status: ['FORALL'], page: 1, count: 500 }),
  );
}

/**
 * An independent model of the account's cash (docs/paper-broker-rules.md#charges-in-the-books):
 *
 *   cash = initial − Σ charges (per fill: brokerage, statutory, GST; DP; other) + Σ settlement flows
 *
 * where a day roll settles, per position, equity delivery at (sell value − buy value) of the day and
 * MTM products (intraday, F&O) at (sell value − buy value) of the day + net quantity × settle price −
 * carried quantity × the previous settle price (= realised + unrealised P&L at the settle price). The
 * model keeps its own carried quantities and prices from the trades; charges are checked per order
 * against `estimateCharges` (orders filled at one price) or the same table on the order's turnover.
 */
class LedgerModel {
  private readonly initial: number;
  private settled = 0;
  /** Position key → carried net quantity and its price (MTM products). */
  private readonly carried = new Map<string, { qty: number; price: number }>();
  private dayStartTrades = 0;

  constructor(private readonly h: Harness) {
    this.initial = this.acc().funds.initialcash;
  }

  private acc() {
    const acc = this.h.engine.state.accounts.get('A1');
    assert.ok(acc);
    return acc;
  }

  /** Books the settlement of the day that the roll to `next` ends, from the model's own figures. */
  beforeRoll(next: number): void {
    const acc = this.acc();
    const day = istDayStart(next);
    const dayValue = new Map<string, number>();
    const netDay = new Map<string, number>();
    const info = new Map<string, { delivery: boolean; exchange: string; token: string; expiry: number }>();
    for (const t of acc.trades.slice(this.dayStartTrades)) {
      const k = positionKey({ ...t, clientcode: 'A1' });
      const sign = t.transactiontype === 'SELL' ? 1 : -1;
      dayValue.set(k, (dayValue.get(k) ?? 0) + sign * t.price * t.quantity);
      netDay.set(k, (netDay.get(k) ?? 0) - sign * t.quantity);
      info.set(k, {
        delivery: t.segment === 'EQ' && (t.producttype === 'DELIVERY' || t.producttype === 'MARGIN'),
        exchange: t.exchange,
        token: t.symboltoken,
        expiry: t.expiry,
      });
    }
    for (const [k, c] of this.carried) {
      if (!info.has(k)) {
        const [, exchange = '', token = ''] = k.split('|');
        const p = acc.positions.get(k);
        info.set(k, { delivery: false, exchange, token, expiry: p?.expiry ?? 0 });
      }
      if (c.qty === 0) this.carried.delete(k);
    }
    for (const [k, i] of info) {
      if (i.delivery) {
        this.settled += Math.round(dayValue.get(k) ?? 0);
        continue;
      }
      const c = this.carried.get(k) ?? { qty: 0, price: 0 };
      const net = c.qty + (netDay.get(k) ?? 0);
      const settle = this.h.market.quote(i.exchange as 'NSE', i.token)?.ltp ?? 0;
      this.settled += (dayValue.get(k) ?? 0) + net * settle - c.qty * c.price;
      const expired = i.expiry > 0 && i.expiry < day;
      if (net === 0 || expired) this.carried.delete(k);
      else this.carried.set(k, { qty: net, price: settle });
    }
    this.dayStartTrades = acc.trades.length;
  }

  /** The invariant, plus every order charged as estimateCharges prices it and DP once per ISIN per day. */
  check(): void {
    const acc = this.acc();
    let charges = 0;
    let dpCount = 0;
    const dpDays = new Set<string>();
    const dayNet = new Map<string, number>();
    const byOrder = new Map<string, number>();
    for (const t of acc.trades) {
      charges += (t.charges ?? 0) + (t.dpcharges ?? 0) + (t.othercharges ?? 0);
      byOrder.set(t.orderid, (byOrder.get(t.orderid) ?? 0) + (t.charges ?? 0));
      if ((t.dpcharges ?? 0) > 0) dpCount++;
      const delivery = t.segment === 'EQ' && (t.producttype === 'DELIVERY' || t.producttype === 'MARGIN');
      if (!delivery) continue;
      const k = `${istDayStart(t.time)}|${positionKey({ ...t, clientcode: 'A1' })}`;
      const net = dayNet.get(k) ?? 0;
      if (t.transactiontype === 'BUY') dayNet.set(k, net + t.quantity);
      else {
        const covered = Math.min(t.quantity, Math.max(0, net));
        dayNet.set(k, net - covered);
        const isin = this.h.market.instrument(t.exchange, t.symboltoken)?.isin;
        if (t.quantity > covered) dpDays.add(`${istDayStart(t.time)}|${isin}`);
      }
    }
    assert.equal(dpCount, dpDays.size, 'one DP charge per ISIN per day of a demat sale');
    assert.equal(
      acc.funds.cash,
      this.initial - charges + this.settled,
      'cash = initial − charges + settlements',
    );
    for (const o of acc.orders.values()) {
      if (o.filledshares === 0) continue;
      const date = formatIstDate(o.filltime);
      const avg = o.filledvalue / o.filledshares;
      let expected: number;
      if (Number.isInteger(avg)) {
        const r = this.h.engine.estimateCharges(
          {
            orders: [
              {
                product_type: o.producttype,
                transaction_type: o.transactiontype,
                quantity: o.filledshares,
                price: (avg / 100).toFixed(2),
                exchange: o.exchange,
                symbol_name: o.tradingsymbol,
                token: o.symboltoken,
              },
            ],
          },
          { ...this.h.ctx(), now: o.filltime },
        );
        assert.ok(!isRejection(r), JSON.stringify(r));
        expected = Math.round(r.summary.total_charges * 100);
      } else {
        const line = {
          segment: chargeSegment(o.exchange, o.producttype, o.optiontype, o.tradingsymbol),
          venue: venueOf(o.exchange),
          side: o.transactiontype,
        };
        expected = roundPaise(chargesOnTurnover(line, o.filledvalue, date).total);
      }
      assert.equal(byOrder.get(o.orderid), expected, `charges of order ${o.orderid}`);
    }
  }
}

const STATS = new Map<string, number>();

describe('engine: properties', () => {
  it('invariants hold after any sequence of orders, quotes and sessions', (t) => {
    fc.assert(
      fc.property(fc.array(fc.oneof(...baseCmds()), { minLength: 5, maxLength: 60, size: 'max' }), (cmds) => {
        const h = new Harness();
        for (const c of cmds) {
          run(h, c as { kind: string } & Record<string, unknown>);
          checkInvariants(h, true);
        }
        checkReplay(h);
        if (process.env.ENGINE_STATS) {
          for (const o of h.engine.state.accounts.get('A1')?.orders.values() ?? [])
            STATS.set(o.status, (STATS.get(o.status) ?? 0) + 1);
        }
      }),
      propertyOptions(t, { numRuns: 120 }),
    );
  });

  it('replaying the stored rows reproduces the state exactly (with conversions, resets and day rolls)', (t) => {
    fc.assert(
      fc.property(
        fc.array(
          fc.oneof(...baseCmds(), convertArb, convertArb, rollArb, fc.constant({ kind: 'reset' as const })),
          { minLength: 5, maxLength: 60, size: 'max' },
        ),
        (cmds) => {
          const h = new Harness();
          for (const c of cmds) {
            if (c.kind === 'reset') h.run((e, ctx) => e.resetAccount('A1', ctx));
            else run(h, c as { kind: string } & Record<string, unknown>);
            checkInvariants(h, false);
          }
          checkReplay(h);
          // And the restored engine keeps working: the same next command gives the same answer shape.
          const restored = new Engine({}, restoreState(rowsFromEvents(h.log)));
          const body = {
            variety: 'NORMAL',
            tradingsymbol: 'SBIN-EQ',
            symboltoken: '3045',
            transactiontype: 'BUY',
            exchange: 'NSE',
            ordertype: 'LIMIT',
            producttype: 'INTRADAY',
            duration: 'DAY',
            price: '1',
            quantity: '1',
          };
          const a = h.engine.placeOrder('A1', body, {
            ...h.ctx(),
            ids: new (h.ids.constructor as new () => typeof h.ids)(),
          });
          const b = restored.placeOrder('A1', body, {
            ...h.ctx(),
            ids: new (h.ids.constructor as new () => typeof h.ids)(),
          });
          assert.deepEqual(a, b);
        },
      ),
      propertyOptions(t, { numRuns: 120 }),
    );
  });

  it('funds: cash = initial − charges + settlement flows; each order is charged its estimateCharges', (t) => {
    fc.assert(
      fc.property(
        fc.array(fc.oneof(...baseCmds(), rollArb), { minLength: 5, maxLength: 60, size: 'max' }),
        (cmds) => {
          const h = new Harness();
          const ledger = new LedgerModel(h);
          for (const c of cmds) {
            const roll = c.kind === 'roll';
            if (roll) ledger.beforeRoll(h.now + 1000 + 86_400_000);
            run(h, c as { kind: string } & Record<string, unknown>);
            ledger.check();
          }
        },
      ),
      propertyOptions(t, { numRuns: 100 }),
    );
  });

  it('T0 is a trading day at 10:00 IST', () => {
    if (process.env.ENGINE_STATS) console.log(STATS);
    assert.equal(new Date(T0).toISOString(), '2026-11-20T04:30:00.000Z');
  });
});
