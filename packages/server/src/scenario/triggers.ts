/**
 * Deterministic outcomes for single orders, chosen by the order's `ordertag` (a bot test can ask for
 * them in its own code, over the ordinary placeOrder route):
 *
 * | ordertag              | outcome                                                               |
 * |-----------------------|-----------------------------------------------------------------------|
 * | `paper:reject`        | rejected like a risk-check rejection (AB4001 / rejected row)          |
 * | `paper:hold`          | accepted and rests; never fills                                       |
 * | `paper:partial:<pct>` | fills at most `pct` % (1–99) of its quantity, the rest rests unfilled |
 * | `paper:delay:<ms>`    | does not fill before `ms` simulated milliseconds after placement      |
 *
 * Any other tag starting with `paper:` is rejected with a message naming the known triggers, so a typo
 * never silently becomes an ordinary order.
 */
import { ExecutionFillModel } from '../engine/execution/fill-model.js';
import type { Fill, FillRequest, Quote } from '../engine/ports.js';
import type { OrderRecord } from '../engine/types.js';

/** The trigger prefix. */
export const TRIGGER_PREFIX = 'paper:';

/** Rejection text of `paper:reject`. */
export const TRIGGER_REJECT_TEXT = 'Order rejected by the paper broker (paper:reject)';

/** A parsed trigger. */
export type Trigger =
  | { kind: 'reject' }
  | { kind: 'hold' }
  | { kind: 'partial'; pct: number }
  | { kind: 'delay'; ms: number }
  | { kind: 'invalid'; tag: string };

const cache = new Map<string, Trigger | undefined>();

/** The trigger of an ordertag, or undefined for an ordinary tag. */
export function parseTrigger(tag: string): Trigger | undefined {
  if (!tag.startsWith(TRIGGER_PREFIX)) return undefined;
  const hit = cache.get(tag);
  if (hit !== undefined || cache.has(tag)) return hit;
  const rest = tag.slice(TRIGGER_PREFIX.length);
  let t: Trigger = { kind: 'invalid', tag };
  if (rest === 'reject') t = { kind: 'reject' };
  else if (rest === 'hold') t = { kind: 'hold' };
  else {
    const p = /^partial:(\d{1,2})$/.exec(rest);
    const d = /^delay:(\d{1,9})$/.exec(rest);
    if (p && Number(p[1]) >= 1) t = { kind: 'partial', pct: Number(p[1]) };
    else if (d) t = { kind: 'delay', ms: Number(d[1]) };
  }
  if (cache.size > 1000) cache.clear();
  cache.set(tag, t);
  return t;
}

/** The pre-trade part: `paper:reject` and unknown `paper:` tags. */
export function triggerRejection(order: Readonly<OrderRecord>): string | undefined {
  const t = parseTrigger(order.ordertag);
  if (!t) return undefined;
  if (t.kind === 'reject') return TRIGGER_REJECT_TEXT;
  if (t.kind === 'invalid') {
    return `Unknown paper trigger ${t.tag}: use paper:reject, paper:hold, paper:partial:<pct> or paper:delay:<ms>`;
  }
  return undefined;
}

/**
 * The configured execution model with the fill-side triggers applied (`hold`, `partial`, `delay`).
 * Extends it so the engine keeps its fast path for resting limits the quote cannot reach (ideal preset).
 */
export class TriggerFillModel extends ExecutionFillModel {
  override fill(order: FillRequest, quote: Quote): Fill[] {
    const tag = order.order?.ordertag;
    const t = tag ? parseTrigger(tag) : undefined;
    if (!t) return super.fill(order, quote);
    const o = order.order;
    switch (t.kind) {
      case 'hold':
        return [];
      case 'delay':
        if (o && order.now !== undefined && order.now < o.createdat + t.ms) return [];
        return super.fill(order, quote);
      case 'partial': {
        if (!o) return super.fill(order, quote);
        const lot = Math.max(1, order.instrument.lotsize || 1);
        const cap = Math.floor((o.quantity * t.pct) / 100 / lot) * lot;
        const allowed = Math.min(order.quantity, cap - o.filledshares);
        if (allowed <= 0) return [];
        const fills = super.fill({ ...order, quantity: allowed }, quote);
        let left = allowed;
        const out: Fill[] = [];
        for (const f of fills) {
          const q = Math.min(left, f.quantity);
          if (q <= 0) break;
          out.push({ price: f.price, quantity: q });
          left -= q;
        }
        return out;
      }
      default:
        return super.fill(order, quote);
    }
  }
}
