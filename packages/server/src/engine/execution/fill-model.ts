/**
 * The fill models. {@link WalkTheBookFillModel} is the `ideal` one (today's behaviour): marketable orders walk the best-5 levels of the opposite side (one fill per
 * level); a market order whose quantity exceeds the visible depth fills the rest at the last level
 * (full fills); a resting limit order fills completely at its limit price when the LTP trades through it.
 * {@link ExecutionFillModel} adds latency, queue position and market impact (see its comment).
 */
import type { BookLevel, Fill, FillModel, FillRequest, Quote } from '../ports.js';
import { BookImpact } from './impact.js';
import { sampleLatency } from './latency.js';
import type { ExecutionSettings } from './presets.js';
import { advanceQueue, joinQueue, type QueuePosition } from './queue.js';

/** Walk-the-book fill model (see module comment). */
export class WalkTheBookFillModel implements FillModel {
  /** False: a resting limit only needs the quotes that reach it (the engine skips the others). */
  get everyQuote(): boolean {
    return false;
  }

  /**
   * True when resting limits keep a queue position (`queue.ts`) that a quote changes only through its
   * level: the displayed quantity at the order's price, a trade at or through it. The quote loop then
   * skips the levels whose displayed quantity is the one their orders saw last (`drivers.ts`).
   */
  get tracksQueues(): boolean {
    return false;
  }

  /** Changes whenever the settings change (a level memory of another generation is void). */
  get generation(): number {
    return 0;
  }

  /** Never pending: every order is at the exchange when placed. */
  pending(_orderid: string, _now: number): boolean {
    return false;
  }

  /** No per-order state. */
  forget(_orderid: string): void {}

  /** The stamp of new orders (`OrderRecord.execution`). */
  stamp(): string {
    return 'ideal';
  }

  /** Milliseconds a cancel of `orderid` requested at `now` takes to reach the exchange (0: at once). */
  cancelLatency(_orderid: string, _now: number): number {
    return 0;
  }

  /** Milliseconds a modification of `orderid` requested at `now` takes to reach the exchange (0: at once). */
  modifyLatency(_orderid: string, _now: number): number {
    return 0;
  }

  /** Milliseconds from placement until `orderid` reaches the exchange (its entry latency). */
  entryLatency(_orderid: string): number {
    return 0;
  }

  /** Milliseconds until what the exchange does to `orderid` reaches the broker's order feed. */
  ackLatency(_orderid: string): number {
    return 0;
  }

  /** Sees every quote of every instrument before the orders do (volume bookkeeping). */
  observe(_quote: Quote): void {}

  /** True for an order that has not had its first match at the exchange yet (it needs the next quote). */
  unarrived(_orderid: string): boolean {
    return false;
  }

  fill(order: FillRequest, quote: Quote): Fill[] {
    const buy = order.side === 'BUY';
    const levels: readonly BookLevel[] = buy ? quote.asks : quote.bids;
    const fills: Fill[] = [];
    let remaining = order.quantity;
    let last = 0;
    for (const level of levels) {
      // Empty levels are skipped (no filtered copy of the side per call).
      if (!(level.quantity > 0 && level.price > 0)) continue;
      if (remaining <= 0) break;
      if (order.limit !== undefined && (buy ? level.price > order.limit : level.price < order.limit)) break;
      const q = Math.min(remaining, level.quantity);
      fills.push({ price: level.price, quantity: q });
      remaining -= q;
      last = level.price;
    }
    if (remaining > 0) {
      if (order.limit === undefined) {
        // Market order beyond the visible depth: the rest at the worst visible level (or the LTP).
        const price = last > 0 ? last : quote.ltp;
        if (price > 0) pushFill(fills, price, remaining);
      } else if (
        !order.aggressive &&
        quote.ltp > 0 &&
        (buy ? quote.ltp < order.limit : quote.ltp > order.limit)
      ) {
        // The market traded through a resting limit: it is filled at its limit.
        pushFill(fills, order.limit, remaining);
      }
    }
    return fills;
  }
}

function pushFill(fills: Fill[], price: number, quantity: number): void {
  const prev = fills[fills.length - 1];
  if (prev && prev.price === price) prev.quantity += quantity;
  else fills.push({ price, quantity });
}

/** Per-order execution state of {@link ExecutionFillModel} (in memory; rebuilt lazily after a restart). */
interface OrderExecution {
  /** Epoch ms the order reaches the exchange. */
  arrival: number;
  /** True once the order had its first (aggressive) match at the exchange. */
  arrived: boolean;
  /** Queue position while it rests, and the price it queues at. */
  queue: QueuePosition | undefined;
  queuePrice: number;
  /** Its instrument's entry (the count of orders with execution state there). */
  inst: InstrumentExecution;
}

/** The orders of one instrument that have execution state (its volume memory lives while there are any). */
interface InstrumentExecution {
  /** `exchange:token` (the key of the volume memory). */
  key: string;
  live: number;
}

/**
 * The configurable execution model (docs/paper-broker-execution.md): entry latency (`latency.ts`),
 * queue position for resting limits (`queue.ts`) and market impact with finite liquidity (`impact.ts`),
 * with the parameters of {@link ExecutionSettings}. Under the `ideal` preset it is exactly
 * {@link WalkTheBookFillModel}. Pure: time comes from the request, randomness from the seed.
 */
export class ExecutionFillModel extends WalkTheBookFillModel {
  private current: ExecutionSettings;
  private ideal = true;
  private instantAck = true;
  private stampText = '';
  private readonly orders = new Map<string, OrderExecution>();
  private readonly impact = new BookImpact();
  /** `exchange:token` → the last quote's sequence, day volume and volume traded in it. */
  private readonly volumes = new Map<string, { sequence: number; volume: number; traded: number }>();
  private keyExchange = '';
  private keyToken = '';
  private keyBuy = false;
  private key = '::S';
  private lastOrderId = '';
  private lastExecution: OrderExecution | undefined;
  private lastVolume: { sequence: number; volume: number; traded: number } | undefined;
  private lastVolumeExchange = '';
  private lastVolumeToken = '';
  /** `exchange:token` → its orders with execution state (their volume memory lives while any does). */
  private readonly live = new Map<string, InstrumentExecution>();
  /** The entry of the last instrument asked (an order flow is mostly on one instrument at a time). */
  private lastInst: InstrumentExecution | undefined;
  private lastInstExchange = '';
  private lastInstToken = '';
  private settingsGeneration = 0;
  private static generations = 0;

  constructor(settings: ExecutionSettings) {
    super();
    this.current = settings;
    this.configure(settings);
  }

  /** The settings in force (a copy). */
  get settings(): ExecutionSettings {
    return structuredClone(this.current);
  }

  /** Replaces the settings; the book memory of the impact model starts afresh. */
  configure(settings: ExecutionSettings): void {
    this.current = structuredClone(settings);
    const s = this.current;
    // Settings saved before the acknowledgement latency existed have none.
    s.latency.ack ??= { kind: 'fixed', ms: 0 };
    const instant = (d: ExecutionSettings['latency']['entry']) => d.kind === 'fixed' && d.ms === 0;
    this.instantAck = instant(s.latency.ack);
    this.ideal =
      instant(s.latency.entry) &&
      instant(s.latency.cancel) &&
      this.instantAck &&
      s.queue.model === 'none' &&
      !s.impact.enabled;
    this.impact.clear();
    this.settingsGeneration = ++ExecutionFillModel.generations;
    this.stampText =
      s.preset === 'custom'
        ? `custom seed=${s.seed} ${digest(JSON.stringify([s.latency, s.queue, s.impact]))}`
        : `${s.preset} seed=${s.seed}`;
  }

  override get everyQuote(): boolean {
    // Queue positions advance on every quote, and a pending order (latency) must see the first quote
    // after its arrival even when that quote does not reach its price.
    return !this.ideal;
  }

  override get tracksQueues(): boolean {
    return !this.ideal && this.current.queue.model !== 'none';
  }

  override get generation(): number {
    return this.settingsGeneration;
  }

  override pending(orderid: string, now: number): boolean {
    const st = this.execution(orderid);
    return st !== undefined && !st.arrived && now < st.arrival;
  }

  override forget(orderid: string): void {
    const st = this.orders.get(orderid);
    if (st !== undefined) {
      this.orders.delete(orderid);
      const inst = st.inst;
      if (--inst.live === 0) {
        // The instrument's last order with execution state: its volume memory goes too (the broker stops
        // asking for its quotes once nothing works on it, so a kept memory would go stale).
        this.live.delete(inst.key);
        if (inst === this.lastInst) this.lastInst = undefined;
        const v = this.volumes.get(inst.key);
        this.volumes.delete(inst.key);
        if (v !== undefined && v === this.lastVolume) this.lastVolume = undefined;
      }
    }
    if (orderid === this.lastOrderId) this.lastExecution = undefined;
  }

  /** Sizes of the per-order and per-instrument memory (orders with execution state, volume memories). */
  memory(): { orders: number; instruments: number } {
    return { orders: this.orders.size, instruments: this.volumes.size };
  }

  /** Drawn with `draw(seed, "cancel:" + orderid)`. */
  override cancelLatency(orderid: string, _now: number): number {
    if (this.ideal) return 0;
    return sampleLatency(this.current.latency.cancel, this.current.seed, `cancel:${orderid}`);
  }

  /**
   * A modification travels the link a cancel does: the cancel latency's distribution, drawn with
   * `draw(seed, "modify:" + orderid + ":" + now)` (one draw per request).
   */
  override modifyLatency(orderid: string, now: number): number {
    if (this.ideal) return 0;
    return sampleLatency(this.current.latency.cancel, this.current.seed, `modify:${orderid}:${now}`);
  }

  override entryLatency(orderid: string): number {
    if (this.ideal) return 0;
    return sampleLatency(this.current.latency.entry, this.current.seed, orderid);
  }

  /** One draw per order, `draw(seed, "ack:" + orderid)`: the order's answers reach the feed in order. */
  override ackLatency(orderid: string): number {
    if (this.instantAck) return 0;
    return sampleLatency(this.current.latency.ack, this.current.seed, `ack:${orderid}`);
  }

  /** `preset seed=N` (`custom` adds a digest of the parameters). */
  override stamp(): string {
    return this.stampText;
  }

  override observe(quote: Quote): void {
    if (this.ideal) return;
    const key = `${quote.exchange}:${quote.token}`;
    const v = this.volumes.get(key);
    if (!v) this.volumes.set(key, { sequence: quote.sequence, volume: quote.volume, traded: 0 });
    else if (v.sequence !== quote.sequence) {
      v.traded = Math.max(0, quote.volume - v.volume);
      v.volume = quote.volume;
      v.sequence = quote.sequence;
    }
  }

  /**
   * Starts the volume memory of an instrument afresh at `quote` (its first order with execution state: the
   * broker may not have passed its quotes while nothing worked on it). The entry object is kept.
   */
  private seedVolume(key: string, quote: Quote): void {
    const v = this.volumes.get(key);
    if (v === undefined) this.volumes.set(key, { sequence: quote.sequence, volume: quote.volume, traded: 0 });
    else {
      v.sequence = quote.sequence;
      v.volume = quote.volume;
      v.traded = 0;
    }
  }

  override unarrived(orderid: string): boolean {
    const st = this.execution(orderid);
    return st === undefined || !st.arrived;
  }

  override fill(req: FillRequest, quote: Quote): Fill[] {
    const o = req.order;
    if (this.ideal || o === undefined || req.now === undefined) return super.fill(req, quote);
    const s = this.current;
    const now = req.now;
    let st = this.execution(o.orderid);
    if (!st) {
      const inst = this.instrumentOf(req.instrument.exchange, req.instrument.symboltoken);
      st = {
        arrival: o.createdat + this.entryLatency(o.orderid),
        arrived: false,
        queue: undefined,
        queuePrice: 0,
        inst,
      };
      this.orders.set(o.orderid, st);
      this.lastExecution = st;
      if (inst.live++ === 0) this.seedVolume(inst.key, quote);
    }
    if (!st.arrived && now < st.arrival) return [];
    const buy = req.side === 'BUY';
    const limit = req.limit;
    if (req.aggressive || !st.arrived || limit === undefined) {
      // Arrival at the exchange (or a trigger / a market order): take liquidity, then rest at the back
      // of the queue at the limit.
      st.arrived = true;
      const fills = this.take(req, quote, now);
      let filled = 0;
      for (const f of fills) filled += f.quantity;
      st.queue = limit !== undefined && filled < req.quantity ? joinQueue(quote, buy, limit) : undefined;
      st.queuePrice = limit ?? 0;
      return fills;
    }
    if (s.queue.model === 'none') return super.fill(req, quote);
    // Resting: the opposite side reaching the limit is liquidity to take (what our own earlier fills
    // left of it); otherwise the queue at our price advances with the volume traded there.
    const opp = buy ? quote.asks[0] : quote.bids[0];
    if (opp && opp.quantity > 0 && opp.price > 0 && (buy ? opp.price <= limit : opp.price >= limit)) {
      const fills = this.take(req, quote, now);
      if (fills.length > 0) return fills;
    }
    if (!st.queue || st.queuePrice !== limit) {
      // Starts to rest (or was modified to a new price: a new price loses its time priority).
      st.queue = joinQueue(quote, buy, limit);
      st.queuePrice = limit;
      return [];
    }
    const v = this.volumeOf(quote);
    const traded = v !== undefined && v.sequence === quote.sequence ? v.traded : 0;
    const q = advanceQueue(
      st.queue,
      quote,
      traded,
      buy,
      limit,
      req.quantity,
      s.queue.model,
      s.seed,
      o.orderid,
    );
    return q > 0 ? [{ price: limit, quantity: q }] : [];
  }

  /**
   * The execution state of `orderid`; the last one asked is remembered (a quote asks `unarrived` and then
   * `fill` of the same order): `fill` and `forget`, the only writers, keep the remembered entry current.
   */
  private execution(orderid: string): OrderExecution | undefined {
    if (orderid === this.lastOrderId) return this.lastExecution;
    const st = this.orders.get(orderid);
    this.lastOrderId = orderid;
    this.lastExecution = st;
    return st;
  }

  /** The entry of an instrument's orders with execution state (made on its first; the last one is remembered). */
  private instrumentOf(exchange: string, token: string): InstrumentExecution {
    const last = this.lastInst;
    if (last !== undefined && token === this.lastInstToken && exchange === this.lastInstExchange) return last;
    const key = `${exchange}:${token}`;
    let inst = this.live.get(key);
    if (inst === undefined) {
      inst = { key, live: 0 };
      this.live.set(key, inst);
    }
    this.lastInst = inst;
    this.lastInstExchange = exchange;
    this.lastInstToken = token;
    return inst;
  }

  /** `exchange:token:B|S`, the impact memory's key (the last one built is handed back again). */
  private impactKey(exchange: string, token: string, buy: boolean): string {
    if (exchange !== this.keyExchange || token !== this.keyToken || buy !== this.keyBuy) {
      this.keyExchange = exchange;
      this.keyToken = token;
      this.keyBuy = buy;
      this.key = `${exchange}:${token}:${buy ? 'B' : 'S'}`;
    }
    return this.key;
  }

  /**
   * The volume bookkeeping of `quote`'s instrument. The entry of the last instrument asked is remembered
   * (a quote visits many resting orders of one instrument): an entry is never replaced, only updated.
   */
  private volumeOf(quote: Quote): { sequence: number; volume: number; traded: number } | undefined {
    const last = this.lastVolume;
    if (
      last !== undefined &&
      quote.token === this.lastVolumeToken &&
      quote.exchange === this.lastVolumeExchange
    )
      return last;
    const v = this.volumes.get(`${quote.exchange}:${quote.token}`);
    if (v !== undefined) {
      this.lastVolume = v;
      this.lastVolumeExchange = quote.exchange;
      this.lastVolumeToken = quote.token;
    }
    return v;
  }

  /** Aggressive fills: through the impact model when it is on, else the walk of the visible book. */
  private take(req: FillRequest, quote: Quote, now: number): Fill[] {
    const s = this.current;
    if (!s.impact.enabled) return super.fill({ ...req, aggressive: true }, quote);
    const buy = req.side === 'BUY';
    return this.impact.take(
      this.impactKey(req.instrument.exchange, req.instrument.symboltoken, buy),
      buy,
      req.quantity,
      req.limit,
      quote,
      req.instrument.ticksize,
      s.impact,
      now,
    );
  }
}

/** 8 hex digits of FNV-1a over `text` (a short, stable fingerprint of custom parameters). */
function digest(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return (h >>> 0).toString(16).padStart(8, '0');
}
