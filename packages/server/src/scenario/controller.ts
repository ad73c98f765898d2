/**
 * Scenario control of a running paper broker (what the `/paper/v1/` admin API drives): a thin facade
 * over one module per area — the market clock (pause, speed, deterministic advance:
 * `clock-control.ts`), accounts (create, reset, add funds: `accounts.ts`), snapshots of the whole broker
 * (`snapshots.ts`) and the fault registry (`faults.ts`). Every change goes through the store in one
 * transaction, like any other state change, so a restart (or a crash half-way) finds the last
 * committed state.
 */
import type { Broker } from '../broker/broker.js';
import type { PaperConfig } from '../config.js';
import type { ContractNote } from '../engine/charges/contract-note.js';
import type { ExecutionFillModel } from '../engine/execution/fill-model.js';
import type { ExecutionSettings } from '../engine/execution/presets.js';
import type { FaultRegistry } from '../faults/registry.js';
import type { SessionService } from '../identity/sessions.js';
import type { Market } from '../market/types.js';
import type { Store } from '../storage/types.js';
import { AccountsAdmin, type FundsView } from './accounts.js';
import {
  type ClockChange,
  ClockControl,
  type ClockModeView,
  type ClockView,
  parseClockChange,
} from './clock-control.js';
import { ExecutionAdmin } from './execution.js';
import { type DropFeeds, FaultsAdmin } from './faults.js';
import { SnapshotsAdmin, type SnapshotView } from './snapshots.js';

export type { FundsView } from './accounts.js';
export {
  type ClockChange,
  type ClockModeView,
  type ClockView,
  formatIst,
  IDLE_STEP_MS,
  MAX_ADVANCE_MS,
  parseIsoTime,
} from './clock-control.js';
export { AdminErrorCode, ScenarioError } from './errors.js';
export type { SnapshotView } from './snapshots.js';

/** Collaborators of a {@link ScenarioController}. */
export interface ScenarioOptions {
  store: Store;
  market: Market;
  broker: Broker;
  sessions: SessionService;
  config: PaperConfig;
  faults: FaultRegistry;
  /** The broker's execution model (`GET`/`PUT /paper/v1/execution`). */
  fillModel: ExecutionFillModel;
  /** Closes feed sockets (a `feedDrop` fault armed now). */
  dropFeeds?: DropFeeds;
}

/** The scenario controller (see module comment). */
export class ScenarioController {
  readonly faults: FaultRegistry;
  private readonly clockControl: ClockControl;
  private readonly accounts: AccountsAdmin;
  private readonly snapshots: SnapshotsAdmin;
  private readonly faultsAdmin: FaultsAdmin;
  private readonly sessions: SessionService;
  private readonly execution: ExecutionAdmin;

  constructor(opts: ScenarioOptions) {
    this.faults = opts.faults;
    this.sessions = opts.sessions;
    this.clockControl = new ClockControl(opts);
    this.accounts = new AccountsAdmin(opts);
    this.snapshots = new SnapshotsAdmin({ ...opts, clock: this.clockControl });
    this.faultsAdmin = new FaultsAdmin(opts.store, opts.faults, opts.dropFeeds);
    this.execution = new ExecutionAdmin(opts.store, opts.fillModel, opts.broker.engine, () =>
      opts.market.now(),
    );
  }

  // ───────────────────────────── execution ─────────────────────────────

  /** `GET /paper/v1/execution`: the execution settings in force. */
  executionView(): ExecutionSettings {
    return this.execution.view();
  }

  /** `GET /paper/v1/execution/orders/{orderid}`: the model stamped into an order (PA1003 when unknown). */
  executionOfOrder(orderid: string): { orderid: string; clientcode: string; execution: string } {
    return this.execution.orderStamp(orderid);
  }

  /** `PUT /paper/v1/execution`: all-or-nothing change (PA1002 on bad input), persisted. */
  changeExecution(body: unknown): ExecutionSettings {
    return this.execution.change(body);
  }

  // ───────────────────────────── clock ─────────────────────────────

  /**
   * Brings the clock to its persisted position (a restart after the admin API moved it), before the
   * broker starts: the market catches up in coarse steps and no order sees those quotes.
   */
  restoreClock(): void {
    this.clockControl.restoreClock();
  }

  /**
   * True when the controller drives the broker's clock work (a market with a clock); the broker then
   * needs no real-time timer.
   */
  attach(): boolean {
    return this.clockControl.attach();
  }

  /** Detaches from the clock. */
  close(): void {
    this.clockControl.close();
  }

  /** The clock's mode. */
  mode(): ClockModeView {
    return this.clockControl.mode();
  }

  /** `GET /paper/v1/clock`. */
  clockView(): ClockView {
    return this.clockControl.clockView();
  }

  /** Validates a `POST /paper/v1/clock` body. Throws {@link ScenarioError}. */
  parseClockChange(body: unknown): ClockChange {
    return parseClockChange(body);
  }

  /** Applies a validated clock change (all checks before any effect) and returns the new clock. */
  changeClock(change: ClockChange): ClockView {
    return this.clockControl.changeClock(change);
  }

  /**
   * Moves the clock to `target` step by step and commits everything it caused with the new clock
   * position in one transaction (see `clock-control.ts`).
   */
  advanceTo(target: number): void {
    this.clockControl.advanceTo(target);
  }

  // ───────────────────────────── accounts ─────────────────────────────

  /** `POST /paper/v1/accounts`: a new account; `funds` in rupees. */
  createAccount(
    body: unknown,
  ): Promise<{ clientcode: string; password: string; totpSecret: string; apiKey: string }> {
    return this.accounts.createAccount(body);
  }

  /** `GET /paper/v1/accounts`: every account, for the operator view. */
  listAccounts(): ReturnType<AccountsAdmin['listAccounts']> {
    return this.accounts.listAccounts();
  }

  /** `POST /paper/v1/accounts/{clientcode}/reset`. */
  resetAccount(clientcode: string, body: unknown): FundsView {
    return this.accounts.resetAccount(clientcode, body);
  }

  /**
   * `POST /paper/v1/accounts/{clientcode}/unlock`: clears the login lockout of the account and every
   * source lock (docs/security.md#login-lockout). `wasLocked` tells whether a lock was active.
   */
  unlockAccount(clientcode: string): { clientcode: string; wasLocked: boolean } {
    const cc = clientcode.trim().toUpperCase();
    return { clientcode: cc, wasLocked: this.sessions.unlockLogin(cc) };
  }

  /** `POST /paper/v1/accounts/{clientcode}/funds` `{ add: rupees }` (negative withdraws). */
  addFunds(clientcode: string, body: unknown): FundsView {
    return this.accounts.addFunds(clientcode, body);
  }

  /** See {@link AccountsAdmin.contractNote}. */
  contractNote(clientcode: string, date: string | undefined): ContractNote {
    return this.accounts.contractNote(clientcode, date);
  }

  // ───────────────────────────── snapshots ─────────────────────────────

  /** `POST /paper/v1/snapshots`: saves the whole broker (accounts, engine rows, counters, market, clock). */
  createSnapshot(body: unknown): SnapshotView {
    return this.snapshots.createSnapshot(body);
  }

  /** `GET /paper/v1/snapshots`. */
  listSnapshots(): SnapshotView[] {
    return this.snapshots.listSnapshots();
  }

  /**
   * `POST /paper/v1/snapshots/{id}/restore`: all or nothing — the stored tables are replaced in one
   * transaction, then the engine, id counters, market and clock are rebuilt from the snapshot.
   */
  restoreSnapshot(id: string): ClockView {
    return this.snapshots.restoreSnapshot(id);
  }

  // ───────────────────────────── faults ─────────────────────────────

  /** Arms a fault; a `feedDrop` closes the matching sockets at once. */
  armFault(spec: Parameters<FaultRegistry['add']>[0]): ReturnType<FaultRegistry['add']> {
    return this.faultsAdmin.armFault(spec);
  }
}
