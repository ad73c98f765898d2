/**
 * Engine state: record snapshots and keys, construction, working-order / GTT indexes, and `restoreState`
 * (rebuild from rows).
 */
import type { Exchange } from '@smartapi-ts/protocol';
import type { Instrument } from './ports.js';
import type {
  AccountState,
  EngineRows,
  EngineState,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  InstrumentBook,
  InstrumentSnapshot,
  OrderRecord,
  PositionRecord,
  WorkingEntry,
} from './types.js';

/** Instrument → the facts copied into order, trade and position rows. */
export function snapshotOf(inst: Instrument): InstrumentSnapshot {
  return {
    exchange: inst.exchange,
    symboltoken: inst.token,
    tradingsymbol: inst.symbol,
    name: inst.name,
    instrumenttype: inst.instrumentType,
    segment: inst.segment,
    lotsize: inst.lotSize,
    ticksize: inst.tickSize,
    strike: inst.strike ?? -1,
    optiontype: inst.optionType ?? '',
    expiry: inst.expiry ?? 0,
  };
}

// The last key built by instrumentKey: commands and quotes come in runs on one instrument, and handing
// back the same string saves the concatenation and the hashing of a new string in every Map look-up.
let lastExchange = '';
let lastToken = '';
let lastKey = ':';

/** `exchange:token` — the key of the per-instrument indexes. */
export function instrumentKey(exchange: Exchange | string, token: string): string {
  if (exchange !== lastExchange || token !== lastToken) {
    lastExchange = exchange;
    lastToken = token;
    lastKey = `${exchange}:${token}`;
  }
  return lastKey;
}

// The last position key built (as for instrumentKey: a command looks its position up several times).
let lastPos = { clientcode: '', exchange: '', symboltoken: '', producttype: '', key: '|||' };

/** Primary key of a position row: `clientcode|exchange|token|producttype`. */
export function positionKey(
  p: Pick<PositionRecord, 'clientcode' | 'exchange' | 'symboltoken' | 'producttype'>,
): string {
  const m = lastPos;
  if (
    p.symboltoken !== m.symboltoken ||
    p.clientcode !== m.clientcode ||
    p.producttype !== m.producttype ||
    p.exchange !== m.exchange
  ) {
    lastPos = {
      clientcode: p.clientcode,
      exchange: p.exchange,
      symboltoken: p.symboltoken,
      producttype: p.producttype,
      key: `${p.clientcode}|${p.exchange}|${p.symboltoken}|${p.producttype}`,
    };
  }
  return lastPos.key;
}

/** Primary key of a holding row: `clientcode|exchange|token`. */
export function holdingKey(h: Pick<HoldingRecord, 'clientcode' | 'exchange' | 'symboltoken'>): string {
  return `${h.clientcode}|${h.exchange}|${h.symboltoken}`;
}

/**
 * Copies an order record field by field in one fixed order (no spread), so that every record in memory
 * shares one hidden class — the per-quote loop over resting orders depends on it.
 */
export function cloneOrder(o: OrderRecord): OrderRecord {
  return {
    exchange: o.exchange,
    symboltoken: o.symboltoken,
    tradingsymbol: o.tradingsymbol,
    name: o.name,
    instrumenttype: o.instrumenttype,
    segment: o.segment,
    lotsize: o.lotsize,
    ticksize: o.ticksize,
    strike: o.strike,
    optiontype: o.optiontype,
    expiry: o.expiry,
    clientcode: o.clientcode,
    orderid: o.orderid,
    uniqueorderid: o.uniqueorderid,
    exchangeorderid: o.exchangeorderid,
    variety: o.variety,
    ordertype: o.ordertype,
    producttype: o.producttype,
    duration: o.duration,
    transactiontype: o.transactiontype,
    price: o.price,
    triggerprice: o.triggerprice,
    quantity: o.quantity,
    disclosedquantity: o.disclosedquantity,
    squareoff: o.squareoff,
    stoploss: o.stoploss,
    trailingstoploss: o.trailingstoploss,
    ordertag: o.ordertag,
    status: o.status,
    text: o.text,
    filledshares: o.filledshares,
    cancelsize: o.cancelsize,
    filledvalue: o.filledvalue,
    blockedmargin: o.blockedmargin,
    parentorderid: o.parentorderid,
    amo: o.amo,
    triggered: o.triggered,
    fillid: o.fillid,
    filltime: o.filltime,
    createdat: o.createdat,
    updatedat: o.updatedat,
    gttruleid: o.gttruleid,
    execution: o.execution ?? '',
    exchangeat: o.exchangeat ?? 0,
    cancelat: o.cancelat ?? 0,
    modifyto: o.modifyto,
  };
}

/** A state with no accounts. */
export function emptyState(): EngineState {
  return {
    accounts: new Map(),
    workingByInstrument: new Map(),
    workingOrders: new Map(),
    gttByInstrument: new Map(),
    gttOwner: new Map(),
    pendingTotals: new Map(),
    books: new Map(),
    nextRank: 0,
    clockWatch: new Set(),
    retired: [],
    modifies: new Map(),
    cancels: new Map(),
    notices: [],
    noticeSeq: 0,
  };
}

/** A new account state with the given funds row. */
export function newAccount(funds: FundsRecord): AccountState {
  return {
    clientcode: funds.clientcode,
    funds,
    orders: new Map(),
    trades: [],
    positions: new Map(),
    holdings: new Map(),
    gttRules: new Map(),
    working: new Set(),
    blocked: 0,
  };
}

/** True while an order can still fill, be modified or cancelled. */
export function isWorking(o: OrderRecord): boolean {
  return (
    o.status === 'open' ||
    o.status === 'trigger pending' ||
    o.status === 'after market order req received' ||
    o.status === 'modify after market order req received' ||
    o.status === 'modified'
  );
}

// The last pending key built (memoised like positionKey).
let lastPending = { clientcode: '', exchange: '', symboltoken: '', producttype: '', side: '', key: '' };

/** Key of the pending-quantity totals: `clientcode|exchange:token|product|side`. */
export function pendingKey(
  clientcode: string,
  o: Pick<OrderRecord, 'exchange' | 'symboltoken' | 'producttype'>,
  side: string,
): string {
  const m = lastPending;
  if (
    o.symboltoken !== m.symboltoken ||
    side !== m.side ||
    clientcode !== m.clientcode ||
    o.producttype !== m.producttype ||
    o.exchange !== m.exchange
  ) {
    lastPending = {
      clientcode,
      exchange: o.exchange,
      symboltoken: o.symboltoken,
      producttype: o.producttype,
      side,
      key: `${clientcode}|${o.exchange}:${o.symboltoken}|${o.producttype}|${side}`,
    };
  }
  return lastPending.key;
}

/** Adds `delta` to a pending-quantity total (a total that reaches 0 is removed). */
function addPending(totals: Map<string, number>, key: string, delta: number): void {
  const sum = (totals.get(key) ?? 0) + delta;
  if (sum === 0) totals.delete(key);
  else totals.set(key, sum);
}

/** Brings the order's part of the pending-quantity totals up to its current unfilled quantity. */
function indexPending(state: EngineState, e: WorkingEntry, o: OrderRecord): void {
  const qty = o.quantity - o.filledshares - o.cancelsize;
  if (o.parentorderid || qty <= 0) {
    if (e.pendingKey !== '') addPending(state.pendingTotals, e.pendingKey, -e.pendingQty);
    e.pendingKey = '';
    e.pendingQty = 0;
    return;
  }
  if (e.pendingKey === '') {
    e.pendingKey = pendingKey(o.clientcode, o, o.transactiontype);
    addPending(state.pendingTotals, e.pendingKey, qty);
  } else if (qty !== e.pendingQty) addPending(state.pendingTotals, e.pendingKey, qty - e.pendingQty);
  e.pendingQty = qty;
}

function bookOf(state: EngineState, key: string): InstrumentBook {
  let b = state.books.get(key);
  if (!b) {
    b = {
      buyPrices: [],
      sellPrices: [],
      buy: new Map(),
      sell: new Map(),
      fresh: new Set(),
      others: new Set(),
      owners: new Map(),
      buyShown: new Map(),
      sellShown: new Map(),
      shownGeneration: 0,
    };
    state.books.set(key, b);
  }
  return b;
}

/** Index of the first element of ascending `xs` that is ≥ `x`. */
export function lowerBound(xs: readonly number[], x: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if ((xs[mid] as number) < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Removes a resting limit from its price level (and from `fresh`). */
function unrest(b: InstrumentBook, id: string, e: WorkingEntry): void {
  const levels = e.buy ? b.buy : b.sell;
  const set = levels.get(e.price);
  if (set) {
    set.delete(e);
    if (set.size === 0) {
      levels.delete(e.price);
      (e.buy ? b.buyShown : b.sellShown).delete(e.price);
      const prices = e.buy ? b.buyPrices : b.sellPrices;
      const i = lowerBound(prices, e.price);
      if (prices[i] === e.price) prices.splice(i, 1);
    }
  }
  b.fresh.delete(id);
  e.resting = false;
}

/** Puts a working order in its book: a resting limit at its price level, any other in `others`. */
function indexBook(b: InstrumentBook, o: OrderRecord, e: WorkingEntry, added: boolean): void {
  const id = o.orderid;
  const resting = o.status === 'open' && o.ordertype === 'LIMIT' && !o.amo;
  const buy = o.transactiontype === 'BUY';
  if (e.resting) {
    if (resting && e.price === o.price && e.buy === buy) return;
    unrest(b, id, e);
    if (!resting) {
      b.others.add(id);
      return;
    }
  } else if (!resting) {
    if (added) b.others.add(id);
    return;
  } else if (!added) b.others.delete(id);
  const levels = buy ? b.buy : b.sell;
  let set = levels.get(o.price);
  if (!set) {
    set = new Set();
    levels.set(o.price, set);
    const prices = buy ? b.buyPrices : b.sellPrices;
    prices.splice(lowerBound(prices, o.price), 0, o.price);
  }
  set.add(e);
  b.fresh.add(id);
  e.resting = true;
  e.price = o.price;
  e.buy = buy;
}

/**
 * Adds or removes `o` in the working-order indexes according to its status, and brings its part of the
 * pending-quantity totals and its place in the instrument's book up to date. Call it after every change
 * of a working order's status, type, price or quantities (fills, cancels, modifies). One look-up of the
 * order's {@link WorkingEntry} when nothing else changes.
 */
export function indexOrder(state: EngineState, o: OrderRecord): void {
  const id = o.orderid;
  let e = state.workingOrders.get(id);
  if (!isWorking(o)) {
    if (e) unindexOrder(state, o, e);
    return;
  }
  const key = instrumentKey(o.exchange, o.symboltoken);
  const b = bookOf(state, key);
  const added = e === undefined;
  if (e === undefined) {
    e = {
      id,
      order: o,
      owner: o.clientcode,
      rank: state.nextRank++,
      pendingKey: '',
      pendingQty: 0,
      resting: false,
      price: 0,
      buy: false,
      working: true,
    };
    state.workingOrders.set(id, e);
    let set = state.workingByInstrument.get(key);
    if (!set) {
      set = new Set();
      state.workingByInstrument.set(key, set);
    }
    set.add(id);
    b.owners.set(o.clientcode, (b.owners.get(o.clientcode) ?? 0) + 1);
    // A new entry: the account's working set has no such id (it only holds ids with an entry).
    const acc = state.accounts.get(o.clientcode);
    if (acc) {
      acc.working.add(id);
      acc.blocked += o.blockedmargin;
    }
  }
  indexPending(state, e, o);
  indexBook(b, o, e, added);
  if (o.amo) state.clockWatch.add(e);
}

/**
 * Puts a working order on the clock's watch (`drivers.ts` onClock): AMOs are put there by
 * {@link indexOrder}; an order placed or modified in a pre-open's order entry by `lifecycle.ts` /
 * `commands.ts` (it waits for the call auction); every unfilled open order after a restore (the clock
 * drops those that cannot take part).
 */
export function watchOnClock(state: EngineState, o: OrderRecord): void {
  const e = state.workingOrders.get(o.orderid);
  if (e !== undefined) state.clockWatch.add(e);
}

/** Takes an order that stopped working out of every index. */
function unindexOrder(state: EngineState, o: OrderRecord, e: WorkingEntry): void {
  const id = o.orderid;
  const key = instrumentKey(o.exchange, o.symboltoken);
  if (e.pendingKey !== '') addPending(state.pendingTotals, e.pendingKey, -e.pendingQty);
  const b = state.books.get(key);
  if (b) {
    if (e.resting) unrest(b, id, e);
    else b.others.delete(id);
    const n = (b.owners.get(e.owner) ?? 0) - 1;
    if (n > 0) b.owners.set(e.owner, n);
    else b.owners.delete(e.owner);
  }
  const set = state.workingByInstrument.get(key);
  if (set) {
    set.delete(id);
    if (set.size === 0) {
      state.workingByInstrument.delete(key);
      state.books.delete(key);
    }
  }
  state.workingOrders.delete(id);
  state.clockWatch.delete(e);
  state.retired.push(id);
  e.working = false;
  const acc = state.accounts.get(o.clientcode);
  if (acc?.working.delete(id)) acc.blocked -= o.blockedmargin;
}

/**
 * Sets an order's blocked margin, keeping the account's `blocked` total in step when the order is working.
 * Every change of `blockedmargin` goes through here.
 */
export function setBlocked(acc: AccountState, o: OrderRecord, value: number): void {
  if (acc.working.has(o.orderid)) acc.blocked += value - o.blockedmargin;
  o.blockedmargin = value;
}

/** Adds or removes a GTT rule in the armed-rule index according to its status. */
export function indexGtt(state: EngineState, r: GttRuleRecord): void {
  const key = instrumentKey(r.exchange, r.symboltoken);
  if (r.status === 'NEW' || r.status === 'ACTIVE') {
    let set = state.gttByInstrument.get(key);
    if (!set) {
      set = new Set();
      state.gttByInstrument.set(key, set);
    }
    set.add(r.id);
    state.gttOwner.set(r.id, r.clientcode);
  } else {
    const set = state.gttByInstrument.get(key);
    if (set) {
      set.delete(r.id);
      if (set.size === 0) state.gttByInstrument.delete(key);
    }
    state.gttOwner.delete(r.id);
  }
}

/** Removes every row of an account from the indexes (used by resetAccount). */
export function unindexAccount(state: EngineState, acc: AccountState): void {
  for (const o of acc.orders.values()) indexOrder(state, { ...o, status: 'cancelled' });
  for (const r of acc.gttRules.values()) indexGtt(state, { ...r, status: 'CANCELLED' });
}

function byNumericId(a: string, b: string): number {
  return a.length - b.length || (a < b ? -1 : a > b ? 1 : 0);
}

/**
 * Rebuilds the engine state from stored rows (the last upsert of every row). Rows of accounts without
 * a funds row are ignored. Records are cloned, so the caller's rows are never mutated.
 */
export function restoreState(rows: EngineRows): EngineState {
  const state = emptyState();
  for (const f of rows.funds) {
    state.accounts.set(
      f.clientcode,
      newAccount({
        clientcode: f.clientcode,
        cash: f.cash,
        collateral: f.collateral ?? 0,
        initialcash: f.initialcash ?? f.cash,
        // A row without a trading day settles at the first command (harmless: a no-op for a fresh account).
        tradingday: f.tradingday ?? 0,
      }),
    );
  }
  const orders = [...rows.orders].sort(
    (a, b) => a.createdat - b.createdat || byNumericId(a.orderid, b.orderid),
  );
  for (const o of orders) {
    const acc = state.accounts.get(o.clientcode);
    if (!acc) continue;
    const copy = cloneOrder(o);
    acc.orders.set(o.orderid, copy);
    indexOrder(state, copy);
    if (copy.status === 'open' && copy.filledshares === 0) watchOnClock(state, copy);
    // A cancel or change the broker accepted and the exchange had not received yet is still on its way.
    if (isWorking(copy)) {
      if (copy.cancelat) state.cancels.set(copy.orderid, copy.cancelat);
      if (copy.modifyto) state.modifies.set(copy.orderid, copy.modifyto);
    }
  }
  const trades = [...rows.trades].sort((a, b) => a.time - b.time || byNumericId(a.fillid, b.fillid));
  for (const t of trades) state.accounts.get(t.clientcode)?.trades.push({ ...t });
  for (const p of rows.positions) state.accounts.get(p.clientcode)?.positions.set(positionKey(p), { ...p });
  for (const h of rows.holdings) {
    state.accounts.get(h.clientcode)?.holdings.set(holdingKey(h), {
      ...h,
      authorisedday: h.authorisedday ?? 0,
      edisreqid: h.edisreqid ?? '',
    });
  }
  const rules = [...rows.gttRules].sort((a, b) => byNumericId(a.id, b.id));
  for (const r of rules) {
    const acc = state.accounts.get(r.clientcode);
    if (!acc) continue;
    const copy = { ...r };
    acc.gttRules.set(r.id, copy);
    indexGtt(state, copy);
  }
  return state;
}

/** Extracts every row of the state (the inverse of {@link restoreState}); used by tests and snapshots. */
export function stateRows(state: EngineState): EngineRows {
  const out: {
    orders: OrderRecord[];
    trades: EngineRows['trades'][number][];
    positions: PositionRecord[];
    holdings: HoldingRecord[];
    funds: FundsRecord[];
    gttRules: GttRuleRecord[];
  } = { orders: [], trades: [], positions: [], holdings: [], funds: [], gttRules: [] };
  for (const acc of state.accounts.values()) {
    out.funds.push(acc.funds);
    out.orders.push(...acc.orders.values());
    out.trades.push(...acc.trades);
    out.positions.push(...acc.positions.values());
    out.holdings.push(...acc.holdings.values());
    out.gttRules.push(...acc.gttRules.values());
  }
  return out;
}
