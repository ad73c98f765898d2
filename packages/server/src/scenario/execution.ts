/**
 * The execution model under the admin API (`GET`/`PUT /paper/v1/execution`): the settings of the
 * broker's {@link ExecutionFillModel}, changed all-or-nothing and persisted in the store's meta in the
 * same transaction, like the fault registry. On start the saved settings come back unless the server was
 * started with different execution flags than when they were saved (then the new flags win).
 */

import type { Engine } from '../engine/engine.js';
import type { ExecutionFillModel } from '../engine/execution/fill-model.js';
import {
  applyExecutionChange,
  type ExecutionSettings,
  ExecutionSettingsError,
} from '../engine/execution/presets.js';
import type { Store } from '../storage/types.js';
import { bad, notFound } from './errors.js';

/** Meta key of the persisted execution settings. */
const EXECUTION_KEY = 'paper.execution';

interface Saved {
  /** The settings the server was started with when these were saved. */
  started: ExecutionSettings;
  settings: ExecutionSettings;
}

/** The execution part of the scenario controller. */
export class ExecutionAdmin {
  private readonly store: Store;
  private readonly model: ExecutionFillModel;
  private readonly started: ExecutionSettings;
  private readonly now: () => number;
  private readonly engine: Engine;

  /** Restores the saved settings when the start flags are the same as when they were saved. */
  constructor(store: Store, model: ExecutionFillModel, engine: Engine, now: () => number) {
    this.store = store;
    this.engine = engine;
    this.model = model;
    this.now = now;
    this.started = model.settings;
    const raw = store.meta.get(EXECUTION_KEY);
    if (raw) {
      const saved = JSON.parse(raw) as Saved;
      if (JSON.stringify(saved.started) === JSON.stringify(this.started)) model.configure(saved.settings);
    }
  }

  /** `GET /paper/v1/execution/orders/{orderid}`: the execution model stamped into an order. */
  orderStamp(orderid: string): { orderid: string; clientcode: string; execution: string } {
    for (const acc of this.engine.state.accounts.values()) {
      const o = acc.orders.get(orderid);
      if (o) return { orderid, clientcode: acc.clientcode, execution: o.execution ?? '' };
    }
    throw notFound(`no such order: ${orderid}`);
  }

  /** `GET /paper/v1/execution`. */
  view(): ExecutionSettings {
    return this.model.settings;
  }

  /** `PUT /paper/v1/execution`: validates everything first (PA1002 and no change), then applies and persists. */
  change(body: unknown): ExecutionSettings {
    let next: ExecutionSettings;
    try {
      next = applyExecutionChange(this.model.settings, body, this.now());
    } catch (err) {
      if (err instanceof ExecutionSettingsError) throw bad(err.message);
      throw err;
    }
    const saved: Saved = { started: this.started, settings: next };
    this.store.transaction(() => this.store.meta.set(EXECUTION_KEY, JSON.stringify(saved)));
    this.model.configure(next);
    return this.model.settings;
  }
}
