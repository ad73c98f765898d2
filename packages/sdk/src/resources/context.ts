/**
 * What resources share: the request pipeline plus a few client settings.
 */
import type { Clock } from '../internal/clock.js';
import type { RestCore } from '../internal/core.js';

/** Shared state of the resources of one client. */
export interface ResourceContext {
  readonly core: RestCore;
  readonly clock: Clock;
  readonly random: () => number;
  /** Tag untagged placements so a lost answer can be reconciled. */
  readonly autoOrderTag: boolean;
  /** Order-book reads (1 s apart) reconciliation makes before giving up. */
  readonly reconcileAttempts: number;
}
