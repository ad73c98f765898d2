/**
 * The events a command emits: row upserts in order, each a snapshot (later mutation of the record never
 * changes an emitted event).
 */
import type { OrderUpdateCode } from '@smartapi-ts/protocol';
import { cloneOrder } from './state.js';
import type {
  EngineEvent,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  OrderRecord,
  PositionRecord,
  TradeRecord,
} from './types.js';

/** Collects the events of one command or driver run. */
export class Emitter {
  readonly events: EngineEvent[] = [];

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

  /**
   * Two order-update codes for one change of an order (AB09 then AB01, AB11 then AB04): two events that
   * share one snapshot (it is never mutated, so one copy serves both).
   */
  orderTwice(o: OrderRecord, first: OrderUpdateCode, second: OrderUpdateCode): void {
    const order = cloneOrder(o);
    this.events.push(
      { type: 'order', clientcode: o.clientcode, order, update: first },
      { type: 'order', clientcode: o.clientcode, order, update: second },
    );
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
