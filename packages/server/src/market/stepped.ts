/** Recognises a {@link SteppedMarket} (synthetic or replay source) behind the {@link Market} interface. */
import type { Market, SteppedMarket } from './types.js';

/** True when the market can be advanced step by step and snapshotted by the admin API. */
export function isSteppedMarket(m: Market): m is SteppedMarket {
  const s = m as Partial<SteppedMarket>;
  return (
    typeof s.withMaxSteps === 'function' &&
    typeof s.exportState === 'function' &&
    typeof s.importState === 'function' &&
    typeof s.checkState === 'function' &&
    typeof s.stepInterval === 'number' &&
    s.clock !== undefined
  );
}
