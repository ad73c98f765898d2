/** Faults under the admin API: the registry persisted in the store's meta, and arming a fault. */
import type { FaultRegistry, FaultRegistryState } from '../faults/registry.js';
import type { Store } from '../storage/types.js';

/** Meta key of the persisted fault registry. */
const FAULTS_KEY = 'paper.faults';

/** Closes feed sockets (a `feedDrop` fault armed now). */
export type DropFeeds = (
  feed: 'marketFeed' | 'orderFeed' | undefined,
  clientcode: string | undefined,
) => void;

/** The faults part of the scenario controller. */
export class FaultsAdmin {
  private readonly store: Store;
  private readonly faults: FaultRegistry;
  private readonly dropFeeds: DropFeeds | undefined;

  /** Loads the persisted registry and persists every later change of it. */
  constructor(store: Store, faults: FaultRegistry, dropFeeds: DropFeeds | undefined) {
    this.store = store;
    this.faults = faults;
    this.dropFeeds = dropFeeds;
    const saved = this.store.meta.get(FAULTS_KEY);
    if (saved) this.faults.load(JSON.parse(saved) as FaultRegistryState);
    this.faults.onChange = () => this.store.meta.set(FAULTS_KEY, JSON.stringify(this.faults.save()));
  }

  /** Arms a fault; a `feedDrop` closes the matching sockets at once. */
  armFault(spec: Parameters<FaultRegistry['add']>[0]): ReturnType<FaultRegistry['add']> {
    const f = this.store.transaction(() => this.faults.add(spec));
    if (f.kind === 'feedDrop' && this.dropFeeds) {
      // Arming a drop is its first firing: the matching sockets close now.
      this.faults.consume(f.id);
      this.dropFeeds(f.route as 'marketFeed' | 'orderFeed' | undefined, f.clientcode);
    }
    return f;
  }
}
