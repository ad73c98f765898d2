/**
 * The hook the paper broker's fault registry uses to disturb the two WebSocket feeds (admin API faults
 * `feedDrop` and `feedStall`). Both feeds work unchanged without one.
 */

/** Decides, per client, whether a feed may send and whether a new connection is dropped at once. */
export interface FeedGate {
  /** True while nothing may be sent to this client (ticks, order updates, heartbeat answers). */
  stalled(clientcode: string): boolean;
  /** True when a connection of this client that just opened must be closed at once. */
  dropOnOpen(clientcode: string): boolean;
}
