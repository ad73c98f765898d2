/**
 * Scenario control of a running paper broker (what the `/paper/v1/` admin API drives): the market clock
 * (pause, speed, deterministic advance), accounts (create, reset, add funds), snapshots of the whole
 * broker and the fault registry. Every change goes through the store in one transaction, like any
 * other state change, so a restart (or a crash half-way) finds the last committed state.
 *
 * The advance: time moves in increments (one market step each: `advanceStepMs` while an exchange is
 * in session, {@link IDLE_STEP_MS} otherwise), and after each increment the market's quotes have been
 * through the engine (fills, stop and GTT triggers) and the clock-driven work (AMO release, GTT expiry,
 * day roll and settlement) has run at that simulated time. Everything the advance caused is committed in
 * one transaction with the new clock position.
 */
import { randomBytes } from 'node:crypto';
import { deserialize, serialize } from 'node:v8';
import { type Exchange, formatIstDate, IST_OFFSET_MS } from '@smartapi-ts/protocol';
import type { Broker } from '../broker/broker.js';
import type { PaperConfig } from '../config.js';
import type { ContractNote } from '../engine/charges/contract-note.js';
import { isRejection } from '../engine/result.js';
import type { FundsRecord } from '../engine/types.js';
import type { FaultRegistry, FaultRegistryState } from '../faults/registry.js';
import { createAccount } from '../identity/accounts.js';
import type { SessionService } from '../identity/sessions.js';
import { SimClock } from '../market/clock.js';
import { SimulatedMarket, type SimulatedMarketState } from '../market/simulator.js';
import type { Market, SessionState } from '../market/types.js';
import type { Store, StoreDump } from '../storage/types.js';

/** Clock increment while every exchange is closed (nights, weekends), ms. */
export const IDLE_STEP_MS = 60_000;
/** Longest single advance, ms (31 days). */
export const MAX_ADVANCE_MS = 31 * 86_400_000;
/** Meta key of the persisted clock. */
const CLOCK_KEY = 'paper.clock';
/** Meta key of the persisted fault registry. */
const FAULTS_KEY = 'paper.faults';

/** A refused admin request: `code` is one of the paper-only codes (see the docs). */
export class ScenarioError extends Error {
  override readonly name = 'ScenarioError';
  /** HTTP status of the answer. */
  readonly status: number;
  /** Paper-only error code (`PA1xxx`). */
  readonly code: string;
  constructor(code: string, status: number, message: string) {
    super(message);
    this.code = code;
    this.status = status;
  }
}

/** Paper-only error codes of the admin API ([INF]). */
export const AdminErrorCode = {
  /** Missing or wrong admin token (HTTP 401). */
  UNAUTHORIZED: 'PA1001',
  /** Malformed or invalid input (HTTP 400). */
  BAD_INPUT: 'PA1002',
  /** Unknown account, snapshot or fault (HTTP 404). */
  NOT_FOUND: 'PA1003',
  /** Not possible in this state: backwards time, a clock mode that does not allow it (HTTP 409). */
  CONFLICT: 'PA1004',
} as const;

const bad = (m: string) => new ScenarioError(AdminErrorCode.BAD_INPUT, 400, m);
const conflict = (m: string) => new ScenarioError(AdminErrorCode.CONFLICT, 409, m);
const notFound = (m: string) => new ScenarioError(AdminErrorCode.NOT_FOUND, 404, m);

/** How the clock runs. */
export type ClockModeView = 'sim' | 'manual' | 'real';

/** `GET /paper/v1/clock`. */
export interface ClockView {
  /** ISO 8601 in IST (`+05:30`). */
  now: string;
  /** Epoch ms of `now`. */
  epochMs: number;
  speed: number;
  paused: boolean;
  mode: ClockModeView;
  /** Session per exchange: `pre-open`, `open`, `post-close`, `closed`. */
  session: Partial<Record<Exchange, string>>;
}

/** A change of the clock (`POST /paper/v1/clock`). */
export interface ClockChange {
  paused?: boolean;
  speed?: number;
  /** Epoch ms. */
  advanceTo?: number;
  /** Milliseconds. */
  advanceBy?: number;
}

interface PersistedClock {
  now: number;
  speed: number;
  paused: boolean;
}

interface SnapshotPayload {
  version: 1;
  clock: PersistedClock;
  store: StoreDump;
  market: SimulatedMarketState | undefined;
}

const SESSION_NAMES: Record<SessionState, string> = {
  preopen: 'pre-open',
  open: 'open',
  postclose: 'post-close',
  closed: 'closed',
};

/** Formats epoch ms as ISO 8601 in IST (`2026-12-04T15:21:00+05:30`; milliseconds only when non-zero). */
export function formatIst(ms: number): string {
  const iso = new Date(ms + IST_OFFSET_MS).toISOString();
  const base = iso.endsWith('.000Z') ? iso.slice(0, 19) : iso.slice(0, 23);
  return `${base}+05:30`;
}

const ISO_RE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/;

/** Parses an ISO 8601 time with an explicit offset (`Z` or `±hh:mm`); undefined when malformed. */
export function parseIsoTime(s: string): number | undefined {
  if (!ISO_RE.test(s)) return undefined;
  const t = Date.parse(s);
  return Number.isFinite(t) ? t : undefined;
}

/** Collaborators of a {@link ScenarioController}. */
export interface ScenarioOptions {
  store: Store;
  market: Market;
  broker: Broker;
  sessions: SessionService;
  config: PaperConfig;
  faults: FaultRegistry;
  /** Closes feed sockets (a `feedDrop` fault armed now). */
  dropFeeds?: (feed: 'marketFeed' | 'orderFeed' | undefined, clientcode: string | undefined) => void;
}

/** The scenario controller (see module comment). */
export class ScenarioController {
  readonly faults: FaultRegistry;
  private readonly store: Store;
  private readonly market: Market;
  private readonly broker: Broker;
  private readonly sessions: SessionService;
  private readonly config: PaperConfig;
  private readonly clock: SimClock | undefined;
  private readonly sim: SimulatedMarket | undefined;
  private readonly dropFeeds: ScenarioOptions['dropFeeds'];
  private offClock: (() => void) | undefined;
  private advancing = false;

  constructor(opts: ScenarioOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.broker = opts.broker;
    this.sessions = opts.sessions;
    this.config = opts.config;
    this.faults = opts.faults;
    this.dropFeeds = opts.dropFeeds;
    this.sim = opts.market instanceof SimulatedMarket ? opts.market : undefined;
    const c = this.sim?.clock;
    this.clock = c instanceof SimClock ? c : undefined;
    const saved = this.store.meta.get(FAULTS_KEY);
    if (saved) this.faults.load(JSON.parse(saved) as FaultRegistryState);
    this.faults.onChange = () => this.store.meta.set(FAULTS_KEY, JSON.stringify(this.faults.save()));
  }

  /**
   * Brings the clock to its persisted position (a restart after the admin API moved it), before the
   * broker starts: the market catches up in coarse steps and no order sees those quotes.
   */
  restoreClock(): void {
    const raw = this.store.meta.get(CLOCK_KEY);
    if (!raw || !this.clock || !this.sim) return;
    const c = JSON.parse(raw) as PersistedClock;
    if (c.now > this.clock.now()) this.clock.advanceTo(c.now);
    if (Number.isFinite(c.speed) && c.speed > 0) this.clock.setSpeed(c.speed);
    if (c.paused && !this.clock.manual) this.clock.pause();
  }

  /**
   * True when the controller drives the broker's clock work (a market with a clock); the broker then
   * needs no real-time timer.
   */
  attach(): boolean {
    const clock = this.sim?.clock;
    if (!clock) return false;
    this.offClock = clock.onAdvance(() => this.broker.driveClock());
    return true;
  }

  /** Detaches from the clock. */
  close(): void {
    this.offClock?.();
    this.offClock = undefined;
  }

  /** The clock's mode. */
  mode(): ClockModeView {
    if (this.clock) return this.clock.manual ? 'manual' : 'sim';
    if (this.sim) return 'real';
    return 'manual';
  }

  /** `GET /paper/v1/clock`. */
  clockView(): ClockView {
    const now = this.market.now();
    const session: Partial<Record<Exchange, string>> = {};
    const exchanges = new Set<Exchange>();
    for (const i of this.market.instruments()) exchanges.add(i.exchange);
    for (const ex of [...exchanges].sort()) session[ex] = SESSION_NAMES[this.market.session(ex, now)];
    const mode = this.mode();
    return {
      now: formatIst(now),
      epochMs: now,
      speed: this.clock?.speed ?? 1,
      paused: mode === 'manual' ? true : (this.clock?.paused ?? false),
      mode,
      session,
    };
  }

  /** Validates a `POST /paper/v1/clock` body. Throws {@link ScenarioError}. */
  parseClockChange(body: unknown): ClockChange {
    if (typeof body !== 'object' || body === null || Array.isArray(body)) {
      throw bad('body must be a JSON object with paused, speed, advanceTo or advanceBy');
    }
    const b = body as Record<string, unknown>;
    const change: ClockChange = {};
    for (const k of Object.keys(b)) {
      if (!['paused', 'speed', 'advanceTo', 'advanceBy'].includes(k)) throw bad(`unknown field ${k}`);
    }
    if (Object.keys(b).length === 0)
      throw bad('nothing to change: give paused, speed, advanceTo or advanceBy');
    if (b.paused !== undefined) {
      if (typeof b.paused !== 'boolean') throw bad('paused must be true or false');
      change.paused = b.paused;
    }
    if (b.speed !== undefined) {
      const s = b.speed;
      if (typeof s !== 'number' || !Number.isFinite(s) || s <= 0 || s > 100_000) {
        throw bad('speed must be a positive number of simulated seconds per second (at most 100000)');
      }
      change.speed = s;
    }
    if (b.advanceTo !== undefined && b.advanceBy !== undefined)
      throw bad('give advanceTo or advanceBy, not both');
    if (b.advanceTo !== undefined) {
      const t = typeof b.advanceTo === 'string' ? parseIsoTime(b.advanceTo) : undefined;
      if (t === undefined) {
        throw bad('advanceTo must be an ISO 8601 time with an offset, e.g. 2026-12-04T15:21:00+05:30');
      }
      change.advanceTo = t;
    }
    if (b.advanceBy !== undefined) {
      const s = b.advanceBy;
      if (typeof s !== 'number' || !Number.isFinite(s) || s < 0) {
        throw bad('advanceBy must be a number of seconds ≥ 0');
      }
      change.advanceBy = Math.round(s * 1000);
    }
    return change;
  }

  /** Applies a validated clock change (all checks before any effect) and returns the new clock. */
  changeClock(change: ClockChange): ClockView {
    const mode = this.mode();
    const clock = this.clock;
    const moves = change.advanceTo !== undefined || change.advanceBy !== undefined;
    if (mode === 'real' && (moves || change.speed !== undefined || change.paused !== undefined)) {
      throw conflict(
        'the real clock follows the wall clock; start with --clock sim or --clock manual to control it',
      );
    }
    if (mode === 'manual' && change.paused === false) {
      throw conflict(
        'the manual clock only moves with advanceTo or advanceBy (start with --clock sim to let it run)',
      );
    }
    if (mode === 'manual' && change.speed !== undefined) {
      throw conflict('the manual clock has no speed (it only moves with advanceTo or advanceBy)');
    }
    const now = this.market.now();
    let target: number | undefined;
    if (change.advanceTo !== undefined) {
      if (change.advanceTo < now) {
        throw conflict(
          `cannot move the clock backwards: ${formatIst(change.advanceTo)} is before ${formatIst(now)}`,
        );
      }
      target = change.advanceTo;
    } else if (change.advanceBy !== undefined) target = now + change.advanceBy;
    if (target !== undefined && target - now > MAX_ADVANCE_MS) {
      throw bad('an advance may cover at most 31 days; advance in several calls');
    }
    if (this.advancing) throw conflict('an advance is already running');
    if (clock && change.speed !== undefined) clock.setSpeed(change.speed);
    if (target !== undefined && target > now) this.advanceTo(target);
    if (clock && change.paused !== undefined && !clock.manual) {
      if (change.paused) clock.pause();
      else clock.resume();
    }
    this.store.transaction(() => this.persistClock());
    return this.clockView();
  }

  private persistClock(): void {
    if (!this.clock) return;
    const c: PersistedClock = { now: this.clock.now(), speed: this.clock.speed, paused: this.clock.paused };
    this.store.meta.set(CLOCK_KEY, JSON.stringify(c));
  }

  private anyInSession(t: number, exchanges: readonly Exchange[]): boolean {
    for (const ex of exchanges) if (this.market.session(ex, t) !== 'closed') return true;
    return false;
  }

  /**
   * Moves the clock to `target` step by step (see module comment) and commits everything it caused with
   * the new clock position in one transaction.
   */
  advanceTo(target: number): void {
    const clock = this.clock;
    const sim = this.sim;
    if (!clock || !sim) {
      const m = this.market as Market & { advance?: (ms: number) => void };
      if (typeof m.advance !== 'function') throw conflict('this market cannot be advanced');
      m.advance(target - this.market.now());
      this.broker.driveClock();
      this.broker.flushPending();
      return;
    }
    const wasPaused = clock.paused;
    if (!clock.manual) clock.pause();
    this.advancing = true;
    const exchanges = [...new Set(this.market.instruments().map((i) => i.exchange))];
    const step = Math.max(sim.stepInterval, this.config.advanceStepMs);
    // What a failed commit puts back: the market and the clock as they were; the engine comes back from
    // the database (broker.reload), so memory is never ahead of the disk.
    this.broker.flushPending();
    const before = { market: sim.exportState(), now: clock.now() };
    try {
      this.store.transaction(() => {
        sim.withMaxSteps(1, () => {
          for (;;) {
            const t = clock.now();
            if (t >= target) break;
            const inc = this.anyInSession(t, exchanges) ? step : IDLE_STEP_MS;
            const next = Math.min(target, (Math.floor(t / inc) + 1) * inc);
            clock.advance(next - t);
          }
        });
        this.broker.flushPending();
        this.persistClock();
      });
    } catch (err) {
      sim.importState(before.market);
      clock.setTime(before.now);
      this.broker.reload();
      throw err;
    } finally {
      this.advancing = false;
      if (!clock.manual && !wasPaused) clock.resume();
    }
  }

  // ───────────────────────────── accounts ─────────────────────────────

  /** `POST /paper/v1/accounts`: a new account; `funds` in rupees. */
  async createAccount(
    body: unknown,
  ): Promise<{ clientcode: string; password: string; totpSecret: string; apiKey: string }> {
    const b = this.objectBody(body, ['funds']);
    const funds = b.funds === undefined ? this.config.defaultFunds : this.rupees(b.funds, 'funds');
    const { account, credentials } = await createAccount(this.store, { funds, now: this.config.wallClock() });
    this.broker.ensureAccount(account);
    return credentials;
  }

  /** `POST /paper/v1/accounts/{clientcode}/reset`. */
  resetAccount(clientcode: string, body: unknown): FundsView {
    const b = this.objectBody(body, ['funds']);
    const funds = b.funds === undefined ? undefined : this.rupees(b.funds, 'funds');
    const cc = this.account(clientcode);
    const { result, events } = this.broker.engine.resetAccount(cc, { now: this.market.now() }, funds);
    if (isRejection(result)) throw bad(result.message);
    this.broker.commit(events);
    return fundsView(result);
  }

  /** `POST /paper/v1/accounts/{clientcode}/funds` `{ add: rupees }` (negative withdraws). */
  addFunds(clientcode: string, body: unknown): FundsView {
    const b = this.objectBody(body, ['add']);
    if (typeof b.add !== 'number' || !Number.isFinite(b.add) || b.add === 0 || Math.abs(b.add) > 1e11) {
      throw bad('add must be a non-zero amount in rupees');
    }
    const paise = Math.round(b.add * 100);
    const cc = this.account(clientcode);
    const { result, events } = this.broker.engine.addFunds(cc, paise, { now: this.market.now() });
    if (isRejection(result)) throw conflict('the account cash cannot go below zero');
    this.broker.commit(events);
    return fundsView(result);
  }

  /** `GET /paper/v1/accounts/{clientcode}/contract-note?date=YYYY-MM-DD` (default: today's market day). */
  contractNote(clientcode: string, date: string | undefined): ContractNote {
    const day = date ?? formatIstDate(this.market.now());
    const note = this.broker.engine.contractNote(this.account(clientcode), day);
    if (isRejection(note)) throw notFound(`no such account: ${clientcode}`);
    return note;
  }

  private account(clientcode: string): string {
    const a = this.store.accounts.get(clientcode.toUpperCase());
    if (!a) throw notFound(`no such account: ${clientcode}`);
    this.broker.ensureAccount(a);
    return a.clientcode;
  }

  private objectBody(body: unknown, keys: string[]): Record<string, unknown> {
    if (body === undefined || body === null) return {};
    if (typeof body !== 'object' || Array.isArray(body)) throw bad('body must be a JSON object');
    const b = body as Record<string, unknown>;
    for (const k of Object.keys(b)) if (!keys.includes(k)) throw bad(`unknown field ${k}`);
    return b;
  }

  private rupees(v: unknown, name: string): number {
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0 || v > 1e11) {
      throw bad(`${name} must be an amount in rupees ≥ 0`);
    }
    return Math.round(v * 100);
  }

  // ───────────────────────────── snapshots ─────────────────────────────

  /** `POST /paper/v1/snapshots`: saves the whole broker (accounts, engine rows, counters, market, clock). */
  createSnapshot(body: unknown): SnapshotView {
    const b = this.objectBody(body, ['label']);
    if (b.label !== undefined && (typeof b.label !== 'string' || b.label.length > 100)) {
      throw bad('label must be a string of at most 100 characters');
    }
    this.broker.flushPending();
    const now = this.market.now();
    const payload: SnapshotPayload = {
      version: 1,
      clock: { now, speed: this.clock?.speed ?? 1, paused: this.clock?.paused ?? false },
      store: this.store.snapshots.dump(),
      market: this.sim?.exportState(),
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
    if (this.advancing) throw conflict('an advance is running');
    const payload = deserialize(rec.data) as SnapshotPayload;
    if (payload.version !== 1) throw conflict('snapshot of an unknown version');
    if (payload.market && !this.sim)
      throw conflict('snapshot of a simulated market; this broker has another market');
    if (payload.market && this.sim) {
      try {
        this.sim.checkState(payload.market);
      } catch (err) {
        throw conflict(`snapshot does not fit this market: ${(err as Error).message}`);
      }
    }
    this.broker.flushPending();
    this.store.transaction(() => {
      this.store.snapshots.load(payload.store);
      if (this.clock) this.store.meta.set(CLOCK_KEY, JSON.stringify(payload.clock));
    });
    if (payload.market && this.sim) this.sim.importState(payload.market);
    if (this.clock) {
      this.clock.setTime(payload.clock.now);
      this.clock.setSpeed(payload.clock.speed);
    }
    this.broker.reload();
    this.sessions.clearCache();
    return this.clockView();
  }

  // ───────────────────────────── faults ─────────────────────────────

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

/** Funds of an account as the admin API shows them (rupees). */
export interface FundsView {
  clientcode: string;
  cash: number;
  initialcash: number;
}

function fundsView(f: FundsRecord): FundsView {
  return { clientcode: f.clientcode, cash: f.cash / 100, initialcash: f.initialcash / 100 };
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
