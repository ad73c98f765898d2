/**
 * The market clock under the admin API: its view (`GET /paper/v1/clock`), validated changes (pause,
 * speed, deterministic advance), its persisted position and the broker's clock-driven work.
 *
 * The advance: time moves in increments (one market step each: `advanceStepMs` while an exchange is
 * in session, {@link IDLE_STEP_MS} otherwise), and after each increment the market's quotes have been
 * through the engine (fills, stop and GTT triggers) and the clock-driven work (AMO release, GTT expiry,
 * day roll and settlement) has run at that simulated time. Everything the advance caused is committed in
 * one transaction with the new clock position.
 */
import { type Exchange, IST_OFFSET_MS } from '@smartapi-ts/protocol';
import type { Broker } from '../broker/broker.js';
import type { PaperConfig } from '../config.js';
import { SimClock } from '../market/clock.js';
import { isSteppedMarket } from '../market/stepped.js';
import type { Market, SessionState, SteppedMarket } from '../market/types.js';
import type { Store } from '../storage/types.js';
import { bad, conflict } from './errors.js';

/** Clock increment while every exchange is closed (nights, weekends), ms. */
export const IDLE_STEP_MS = 60_000;
/** Longest single advance, ms (31 days). */
export const MAX_ADVANCE_MS = 31 * 86_400_000;
/** Meta key of the persisted clock. */
export const CLOCK_KEY = 'paper.clock';

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

/** The clock as persisted (meta {@link CLOCK_KEY}) and in snapshots. */
export interface PersistedClock {
  now: number;
  speed: number;
  paused: boolean;
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

/** Validates a `POST /paper/v1/clock` body. Throws {@link ScenarioError}. */
export function parseClockChange(body: unknown): ClockChange {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw bad('body must be a JSON object with paused, speed, advanceTo or advanceBy');
  }
  const b = body as Record<string, unknown>;
  const change: ClockChange = {};
  for (const k of Object.keys(b)) {
    if (!['paused', 'speed', 'advanceTo', 'advanceBy'].includes(k)) throw bad(`unknown field ${k}`);
  }
  if (Object.keys(b).length === 0) throw bad('nothing to change: give paused, speed, advanceTo or advanceBy');
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

/** Collaborators of a {@link ClockControl}. */
export interface ClockControlOptions {
  store: Store;
  market: Market;
  broker: Broker;
  config: PaperConfig;
}

/** The clock part of the scenario controller (see module comment). */
export class ClockControl {
  /** The market's simulated clock, when it has one. */
  readonly clock: SimClock | undefined;
  /** The market when it is a stepped source (synthetic or replay). */
  readonly sim: SteppedMarket | undefined;
  private readonly store: Store;
  private readonly market: Market;
  private readonly broker: Broker;
  private readonly config: PaperConfig;
  private offClock: (() => void) | undefined;
  private running = false;

  constructor(opts: ClockControlOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.broker = opts.broker;
    this.config = opts.config;
    this.sim = isSteppedMarket(opts.market) ? opts.market : undefined;
    const c = this.sim?.clock;
    this.clock = c instanceof SimClock ? c : undefined;
  }

  /** True while an advance runs. */
  get advancing(): boolean {
    return this.running;
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
    if ((this.market as { realClock?: boolean }).realClock === true) return 'real';
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

  /** Applies a validated clock change (all checks before any effect) and returns the new clock. */
  changeClock(change: ClockChange): ClockView {
    const mode = this.mode();
    const clock = this.clock;
    const moves = change.advanceTo !== undefined || change.advanceBy !== undefined;
    if (mode === 'real' && (moves || change.speed !== undefined || change.paused !== undefined)) {
      if ((this.market as { realClock?: boolean }).realClock === true)
        throw conflict(
          'the live market runs on the real clock (its data arrives from the upstream as it happens): it cannot be advanced, paused or sped up',
        );
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
    if (this.running) throw conflict('an advance is already running');
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
    this.running = true;
    const exchanges = [...new Set(this.market.instruments().map((i) => i.exchange))];
    const step = Math.max(sim.stepInterval, this.config.advanceStepMs);
    // What a failed commit puts back: the market and the clock as they were; the engine comes back from
    // the database (broker.rollback), so memory is never ahead of the disk. Order updates of the advance
    // are published only once its transaction committed.
    this.broker.flushPending();
    const before = { market: sim.exportState(), now: clock.now() };
    try {
      this.broker.holdPublishing(() =>
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
        }),
      );
    } catch (err) {
      sim.importState(before.market);
      clock.setTime(before.now);
      this.broker.rollback(err);
      throw err;
    } finally {
      this.running = false;
      if (!clock.manual && !wasPaused) clock.resume();
    }
  }
}
