/**
 * Mapping engine events to stored rows (one table per kind, keyed like the engine's primary keys).
 */
import { holdingKey, positionKey } from '../engine/state.js';
import type {
  EngineEvent,
  EngineRows,
  FundsRecord,
  GttRuleRecord,
  HoldingRecord,
  OrderRecord,
  PositionRecord,
  TradeRecord,
} from '../engine/types.js';
import type { EngineRow } from '../storage/types.js';

/** The stored row of an event; undefined for `reset` (handled by the caller). */
export function eventRow(e: EngineEvent): EngineRow | undefined {
  switch (e.type) {
    case 'order':
      return { kind: 'order', key: e.order.orderid, clientcode: e.clientcode, data: e.order };
    case 'trade':
      return { kind: 'trade', key: e.trade.fillid, clientcode: e.clientcode, data: e.trade };
    case 'position':
      return { kind: 'position', key: positionKey(e.position), clientcode: e.clientcode, data: e.position };
    case 'holding':
      return { kind: 'holding', key: holdingKey(e.holding), clientcode: e.clientcode, data: e.holding };
    case 'funds':
      return { kind: 'funds', key: e.clientcode, clientcode: e.clientcode, data: e.funds };
    case 'gtt':
      return { kind: 'gtt', key: e.rule.id, clientcode: e.clientcode, data: e.rule };
    default:
      return undefined;
  }
}

/** Groups stored rows into the shape `restoreState()` takes. */
export function toEngineRows(rows: readonly EngineRow[]): EngineRows {
  const orders: OrderRecord[] = [];
  const trades: TradeRecord[] = [];
  const positions: PositionRecord[] = [];
  const holdings: HoldingRecord[] = [];
  const funds: FundsRecord[] = [];
  const gttRules: GttRuleRecord[] = [];
  for (const r of rows) {
    switch (r.kind) {
      case 'order':
        orders.push(r.data as OrderRecord);
        break;
      case 'trade':
        trades.push(r.data as TradeRecord);
        break;
      case 'position':
        positions.push(r.data as PositionRecord);
        break;
      case 'holding':
        holdings.push(r.data as HoldingRecord);
        break;
      case 'funds':
        funds.push(r.data as FundsRecord);
        break;
      case 'gtt':
        gttRules.push(r.data as GttRuleRecord);
        break;
    }
  }
  return { orders, trades, positions, holdings, funds, gttRules };
}
