/**
 * Clocks of the paper broker's market: the wall clock ({@link SystemClock}) and a simulated clock
 * ({@link SimClock}) that runs at `speed` × real time or, in manual mode, only moves on `advance()`.
 */
import { istDayStart } from '@smartapi-ts/protocol';
import { DEFAULT_CALENDAR } from './calendar.js';

/**
 * What moved a clock: its own timer (`timer`: wall time passed; listeners may spread their work over a
 * few event-loop turns) or an explicit `advance()` (`advance`: listeners finish their work before it
 * returns, so a manual or admin-driven run stays synchronous and deterministic).
 */
export type ClockMove = 'timer' | 'advance';

/** A source of market time that tells listeners when time moved. */
export interface Clock {
  /** `system` follows the wall clock, `sim` is simulated. */
  readonly kind: 'system' | 'sim';
  /** Current time, epoch ms. */
  now(): number;
  /**
   * Registers a listener called (synchronously) each time the clock moves: on every timer step, and on
   * every `advance()` of a simulated clock, with what moved it. Returns an unsubscribe function.
   */
  onAdvance(listener: (now: number, move: ClockMove) => void): () => void;
  /** Starts the clock's timer (no-op for a manual clock or when already running). */
  start(): void;
  /** Stops the clock's timer. */
  stop(): void;
}

abstract class BaseClock {
  private readonly listeners = new Set<(now: number, move: ClockMove) => void>();

  abstract now(): number;

  /** See {@link Clock.onAdvance}. */
  onAdvance(listener: (now: number, move: ClockMove) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  protected emit(move: ClockMove): void {
    const t = this.now();
    for (const l of [...this.listeners]) l(t, move);
  }
}

/** Options of {@link SystemClock}. */
export interface SystemClockOptions {
  /**
   * How often listeners are notified while started (real ms).
   * @default 250
   */
  tickMs?: number;
  /** Time source (tests may inject one). @default Date.now */
  source?: () => number;
}

/** The wall clock. Its timer notifies listeners every `tickMs`; `now()` is always exact. */
export class SystemClock extends BaseClock implements Clock {
  readonly kind = 'system' as const;
  private readonly tickMs: number;
  private readonly source: () => number;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** @param options - tick interval and time source */
  constructor(options: SystemClockOptions = {}) {
    super();
    this.tickMs = options.tickMs ?? 250;
    this.source = options.source ?? Date.now;
  }

  /** Current wall-clock time. */
  now(): number {
    return this.source();
  }

  /** Starts notifying listeners every `tickMs`. */
  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => this.emit('timer'), this.tickMs);
    this.timer.unref?.();
  }

  /** Stops the timer. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}

/** Options of {@link SimClock}. */
export interface SimClockOptions {
  /**
   * Simulated start time (epoch ms).
   * @default 09:15 IST of today's date (by the real clock)
   */
  start?: number;
  /**
   * Simulated ms per real ms while running.
   * @default 1
   */
  speed?: number;
  /**
   * Manual mode: no timer at all; time only moves on {@link SimClock.advance}.
   * @default false
   */
  manual?: boolean;
  /**
   * Real ms between timer steps while running.
   * @default 100
   */
  tickMs?: number;
  /** Real time source, for the speed computation. @default Date.now */
  realSource?: () => number;
}

/**
 * 09:15 IST of the latest trading day on or before the IST day containing `ms` (the exchange calendar:
 * weekends and listed holidays skipped), so a simulated clock started on a Saturday opens Friday's
 * session instead of a closed market.
 */
export function marketOpenOf(ms: number): number {
  let day = istDayStart(ms);
  for (let i = 0; i < 15 && !DEFAULT_CALENDAR.isTradingDay(day); i++) day -= 86_400_000;
  return day + (9 * 60 + 15) * 60_000;
}

/**
 * A simulated clock. While started (and not manual) it advances by `speed × elapsed real time` every
 * `tickMs`; `advance(ms)` moves it forward at any time and notifies listeners synchronously.
 */
export class SimClock extends BaseClock implements Clock {
  readonly kind = 'sim' as const;
  /** True when the clock only moves on `advance()`. */
  readonly manual: boolean;
  private readonly tickMs: number;
  private readonly realSource: () => number;
  private simTime: number;
  private speedValue: number;
  private pausedValue = false;
  private wanted = false;
  private lastReal = 0;
  private timer: ReturnType<typeof setInterval> | undefined;

  /** @param options - start time, speed, manual mode */
  constructor(options: SimClockOptions = {}) {
    super();
    this.realSource = options.realSource ?? Date.now;
    this.simTime = options.start ?? marketOpenOf(this.realSource());
    const speed = options.speed ?? 1;
    if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`invalid clock speed ${speed}`);
    this.speedValue = speed;
    this.manual = options.manual ?? false;
    this.tickMs = options.tickMs ?? 100;
  }

  /** Current simulated time. */
  now(): number {
    return this.simTime;
  }

  /** Simulated ms per real ms while running. */
  get speed(): number {
    return this.speedValue;
  }

  /** True while the timer is held by {@link SimClock.pause} (a manual clock always reads paused). */
  get paused(): boolean {
    return this.manual || this.pausedValue;
  }

  /** Changes the speed (> 0); takes effect from the next timer step. */
  setSpeed(speed: number): void {
    if (!(Number.isFinite(speed) && speed > 0)) throw new RangeError(`invalid clock speed ${speed}`);
    this.speedValue = speed;
  }

  /** Holds the timer: time stands still until {@link SimClock.resume} (advance() still works). */
  pause(): void {
    this.pausedValue = true;
    this.stopTimer();
  }

  /** Releases {@link SimClock.pause}; the timer runs again when the clock was started. */
  resume(): void {
    this.pausedValue = false;
    if (this.wanted) this.startTimer();
  }

  /**
   * Sets the time without notifying listeners (restoring a snapshot, whose market state is restored
   * alongside). May move backwards.
   */
  setTime(ms: number): void {
    if (!Number.isFinite(ms)) throw new RangeError(`invalid time ${ms}`);
    this.simTime = ms;
    this.lastReal = this.realSource();
  }

  /** Moves simulated time forward by `ms` (≥ 0) and notifies listeners. */
  advance(ms: number): void {
    this.move(ms, 'advance');
  }

  private move(ms: number, move: ClockMove): void {
    if (!(Number.isFinite(ms) && ms >= 0)) throw new RangeError(`invalid advance ${ms}`);
    this.simTime += ms;
    this.emit(move);
  }

  /** Moves simulated time forward to `ms` (no-op when it is in the past). */
  advanceTo(ms: number): void {
    if (ms > this.simTime) this.advance(ms - this.simTime);
  }

  /** Starts the real-time timer (no-op in manual mode; deferred while paused). */
  start(): void {
    this.wanted = true;
    if (!this.pausedValue) this.startTimer();
  }

  /** Stops the timer. */
  stop(): void {
    this.wanted = false;
    this.stopTimer();
  }

  private startTimer(): void {
    if (this.manual || this.timer) return;
    this.lastReal = this.realSource();
    this.timer = setInterval(() => {
      const real = this.realSource();
      const elapsed = Math.max(0, real - this.lastReal);
      this.lastReal = real;
      this.move(elapsed * this.speedValue, 'timer');
    }, this.tickMs);
    this.timer.unref?.();
  }

  private stopTimer(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
