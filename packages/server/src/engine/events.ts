/**
 * The events a command emits: row upserts in order, each a snapshot (later mutation of the record never
 * changes an emitted event).
 */
import type { OrderUpdateCode } from '@smartapi-ts/protocol';
import type { FillModel } from './ports.js';
import { cloneOrder } from './state.js';
import type {
  EngineEvent,
  EngineState,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  NoticeEvent,
  OrderRecord,
  PendingNotice,
  PositionRecord,
  TradeRecord,
} from './types.js';

/**
 * Collects the events of one command or driver run. Pushes that answer for the exchange (acceptance,
 * fills, confirmed changes and cancels) go through {@link exchange}: under an acknowledgement latency the
 * row is emitted at once (the engine's state is the exchange's) and the push is queued in
 * `state.notices` until it reaches the broker.
 */
export class Emitter {
  readonly events: EngineEvent[] = [];
  private readonly state: EngineState | undefined;
  private readonly fm: FillModel | undefined;

  constructor(state?: EngineState, fm?: FillModel) {
    this.state = state;
    this.fm = fm;
  }

  /** An order row, with the order-update code to push (AB01–AB11) when the feed should hear of it. */
  order(o: OrderRecord, update?: OrderUpdateCode): void {
    // cloneOrder: a fixed-shape copy (cheaper than a spread of 43 fields, one hidden class).
    // One literal per shape (no property added afterwards: no hidden-class transition per event).
    const order = cloneOrder(o);
    this.events.push(
      update
        ? { type: 'order', clientcode: o.clientcode, order, update }
        : { type: 'order', clientcode: o.clientcode, order },
    );
  }

  /** An order row changed by the exchange at `at` (epoch ms), with the push that answers for it. */
  exchange(o: OrderRecord, update: OrderUpdateCode, at: number): void {
    const ms = this.ackMs(o);
    if (ms === 0) {
      this.order(o, update);
      return;
    }
    const order = cloneOrder(o);
    this.events.push({ type: 'order', clientcode: o.clientcode, order });
    this.queue(at + ms, { type: 'notice', clientcode: o.clientcode, order, update });
  }

  /**
   * Two order-update codes for one change of an order (AB09 then AB01, AB11 then AB04): the broker's
   * (`first`, at once) and the exchange's answer (`second`, given at `at`, see {@link exchange}); the
   * events share one snapshot (it is never mutated, so one copy serves both).
   */
  orderTwice(o: OrderRecord, first: OrderUpdateCode, second: OrderUpdateCode, at: number): void {
    const order = cloneOrder(o);
    const ms = this.ackMs(o);
    this.events.push({ type: 'order', clientcode: o.clientcode, order, update: first });
    if (ms === 0) this.events.push({ type: 'order', clientcode: o.clientcode, order, update: second });
    else this.queue(at + ms, { type: 'notice', clientcode: o.clientcode, order, update: second });
  }

  private ackMs(o: OrderRecord): number {
    return this.fm?.ackLatency?.(o.orderid) ?? 0;
  }

  /**
   * Inserts a push into `state.notices` (by due time; equal times keep the order they were queued in). An
   * order's pushes never overtake each other: one is due no earlier than the order's pushes already on
   * their way (a cancel that reached the exchange before the order's own acceptance was due is heard after it).
   */
  private queue(at: number, event: NoticeEvent): void {
    const state = this.state;
    if (state === undefined) {
      this.events.push(event);
      return;
    }
    const q = state.notices;
    const id = event.order.orderid;
    let due = at;
    for (const n of q) if (n.due > due && n.event.order.orderid === id) due = n.due;
    let lo = 0;
    let hi = q.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((q[mid] as PendingNotice).due <= due) lo = mid + 1;
      else hi = mid;
    }
    q.splice(lo, 0, { due, seq: state.noticeSeq++, event });
  }

  /** Emits the pushes of `state.notices` that reached the broker by `now`. */
  releaseNotices(now: number): void {
    const q = this.state?.notices;
    if (q === undefined || q.length === 0 || (q[0] as PendingNotice).due > now) return;
    let k = 0;
    while (k < q.length && (q[k] as PendingNotice).due <= now)
      this.events.push((q[k++] as PendingNotice).event);
    q.splice(0, k);
  }

  trade(t: TradeRecord): void {
    this.events.push({ type: 'trade', clientcode: t.clientcode, trade: { ...t } });
  }

  position(p: PositionRecord): void {
    this.events.push({ type: 'position', clientcode: p.clientcode, position: { ...p } });
  }

  holding(h: HoldingRecord): void {
    this.events.push({ type: 'holding', clientcode: h.clientcode, holding: { ...h } });
  }

  funds(f: FundsRecord): void {
    this.events.push({ type: 'funds', clientcode: f.clientcode, funds: { ...f } });
  }

  gtt(r: GttRuleRecord): void {
    this.events.push({ type: 'gtt', clientcode: r.clientcode, rule: { ...r } });
  }

  /** Deletes every row of the account (account reset). */
  reset(clientcode: string): void {
    this.events.push({ type: 'reset', clientcode });
  }
}
