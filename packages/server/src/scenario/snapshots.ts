/**
 * Snapshots under the admin API: the whole broker (stored tables, market state, clock) saved as one
 * row, listed, and restored all or nothing.
 */
import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import type { Broker } from '../broker/broker.js';
import type { PaperConfig } from '../config.js';
import type { SessionService } from '../identity/sessions.js';
import type { Market } from '../market/types.js';
import type { Store, StoreDump } from '../storage/types.js';
import {
  CLOCK_KEY,
  type ClockControl,
  type ClockView,
  formatIst,
  type PersistedClock,
} from './clock-control.js';
import { bad, conflict, notFound, objectBody } from './errors.js';

interface SnapshotPayload {
  version: 1;
  clock: PersistedClock;
  store: StoreDump;
  /** The market source's own state (synthetic or replay). */
  market: unknown;
}

/** A snapshot as listed. */
export interface SnapshotView {
  id: string;
  label: string;
  createdAt: string;
  marketTime: string;
}

function snapshotView(r: { id: string; label: string; createdAt: number; marketTime: number }): SnapshotView {
  return {
    id: r.id,
    label: r.label,
    createdAt: new Date(r.createdAt).toISOString(),
    marketTime: formatIst(r.marketTime),
  };
}

/** Collaborators of {@link SnapshotsAdmin}. */
export interface SnapshotsAdminOptions {
  store: Store;
  market: Market;
  broker: Broker;
  sessions: SessionService;
  config: PaperConfig;
  clock: ClockControl;
}

/** The snapshots part of the scenario controller. */
export class SnapshotsAdmin {
  private readonly store: Store;
  private readonly market: Market;
  private readonly broker: Broker;
  private readonly sessions: SessionService;
  private readonly config: PaperConfig;
  private readonly control: ClockControl;

  constructor(opts: SnapshotsAdminOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.broker = opts.broker;
    this.sessions = opts.sessions;
    this.config = opts.config;
    this.control = opts.clock;
  }

  /** `POST /paper/v1/snapshots`: saves the whole broker (accounts, engine rows, counters, market, clock). */
  createSnapshot(body: unknown): SnapshotView {
    const b = objectBody(body, ['label']);
    if (b.label !== undefined && (typeof b.label !== 'string' || b.label.length > 100)) {
      throw bad('label must be a string of at most 100 characters');
    }
    this.broker.flushPending();
    const now = this.market.now();
    const clock = this.control.clock;
    const payload: SnapshotPayload = {
      version: 1,
      clock: { now, speed: clock?.speed ?? 1, paused: clock?.paused ?? false },
      store: this.store.snapshots.dump(),
      market: this.control.sim?.exportState(),
    };
    const id = `S${Date.now().toString(36)}${randomBytes(3).toString('hex')}`;
    const record = {
      id,
      createdAt: this.config.wallClock(),
      marketTime: now,
      label: typeof b.label === 'string' ? b.label : '',
      data: serialize(payload),
    };
    this.store.transaction(() => this.store.snapshots.insert(record));
    return snapshotView(record);
  }

  /** `GET /paper/v1/snapshots`. */
  listSnapshots(): SnapshotView[] {
    return this.store.snapshots.list().map(snapshotView);
  }

  /**
   * `POST /paper/v1/snapshots/{id}/restore`: all or nothing — the stored tables are replaced in one
   * transaction, then the engine, id counters, market and clock are rebuilt from the snapshot. Sessions
   * stay valid for accounts the snapshot has.
   */
  restoreSnapshot(id: string): ClockView {
    const rec = this.store.snapshots.get(id);
    if (!rec) throw notFound(`no such snapshot: ${id}`);
    if (this.control.advancing) throw conflict('an advance is running');
    const payload = deserialize(rec.data) as SnapshotPayload;
    if (payload.version !== 1) throw conflict('snapshot of an unknown version');
    const sim = this.control.sim;
    const clock = this.control.clock;
    if (payload.market && !sim)
      throw conflict('snapshot of a simulated market; this broker has another market');
    if (payload.market && sim) {
      try {
        sim.checkState(payload.market);
      } catch (err) {
        throw conflict(`snapshot does not fit this market: ${(err as Error).message}`);
      }
    }
    this.broker.flushPending();
    this.store.transaction(() => {
      this.store.snapshots.load(payload.store);
      if (clock) this.store.meta.set(CLOCK_KEY, JSON.stringify(payload.clock));
    });
    if (payload.market && sim) sim.importState(payload.market);
    if (clock) {
      clock.setTime(payload.clock.now);
      clock.setSpeed(payload.clock.speed);
    }
    this.broker.reload();
    this.sessions.clearCache();
    return this.control.clockView();
  }
}
