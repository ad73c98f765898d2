/**
 * Waiting in tests without lying: {@link eventually} waits for something to become true,
 * {@link neverWithin} proves that something does not happen for a while.
 *
 * Both take a `check`: a function that throws (e.g. an `assert.*` call) or returns `false` when the
 * condition does not hold, and returns anything else (or resolves) when it does. A bare boolean
 * predicate works too, because `false` counts as a failure — so a check can never pass by accident.
 *
 * When the code under test takes a clock (the SDK's `clock` option, the paper broker's manual
 * `SimClock`, `PaperBroker.advance`), pass that manual clock as `clock`: the helpers then move
 * simulated time between checks instead of sleeping, so a test proves "not within 60 s" in
 * microseconds and the same way on every machine. Without a clock they poll in real time; use that only
 * for things that have no clock (bytes on a socket, another process).
 *
 * Give `assert.ok` a message inside a check: without one, Node builds it by re-reading and parsing the
 * test's source file on every failure, which under tsx can take seconds per try.
 *
 * ```ts
 * await eventually(() => assert.equal(ticks.length, 3));                       // real-time polling
 * await neverWithin(60_000, () => assert.equal(attempts, 1), { clock });       // simulated minute
 * ```
 */

/** A manual clock the helpers can move forward (anything with `advance(ms)`). */
export interface AdvanceableClock {
  /** Moves simulated time forward by `ms`, firing what falls due (may return a promise). */
  advance(ms: number): unknown;
}

/** Options of {@link eventually}. */
export interface EventuallyOptions {
  /**
   * Gives up after this long: real milliseconds, or simulated milliseconds when `clock` is given.
   * @default 5000
   */
  timeout?: number;
  /**
   * Pause between two checks: real milliseconds to sleep, or simulated milliseconds to advance `clock`.
   * @default 10
   */
  interval?: number;
  /** A manual clock to advance between checks instead of waiting real time. */
  clock?: AdvanceableClock;
  /** What is awaited, for the error message (e.g. `'six ticks'`). */
  message?: string;
}

/** Options of {@link neverWithin}. */
export interface NeverWithinOptions {
  /**
   * Step between two checks: simulated milliseconds advanced on `clock`, or real milliseconds slept.
   * @default 10 in real time; with a clock `max(10, ms / 200)` simulated ms
   */
  interval?: number;
  /** A manual clock: the window is simulated time moved by the helper, not real time. */
  clock?: AdvanceableClock;
  /** What must not happen, for the error message (e.g. `'a reconnect after close()'`). */
  message?: string;
}

/** The result of a check: `false` is a failure, anything else (after not throwing) a pass. */
type CheckResult<T> = T | false;

/** Lets every queued promise job, immediate and already-arrived I/O callback run. */
function turn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Runs a check once: `{ ok: true, value }` or `{ ok: false, error }`. */
async function attempt<T>(
  check: () => CheckResult<T> | Promise<CheckResult<T>>,
): Promise<{ ok: true; value: T } | { ok: false; error: unknown }> {
  try {
    const value = await check();
    if (value === false) return { ok: false, error: new Error('the check returned false') };
    return { ok: true, value: value as T };
  } catch (error) {
    return { ok: false, error };
  }
}

/** Prefixes `context` to an error's message (keeping its class, diff and stack) or wraps a non-error. */
function withContext(error: unknown, context: string): Error {
  if (error instanceof Error) {
    const original = error.message;
    error.message = `${context}: ${original}`;
    if (typeof error.stack === 'string' && original && error.stack.includes(original)) {
      error.stack = error.stack.replace(original, error.message);
    }
    return error;
  }
  return new Error(`${context}: ${String(error)}`, { cause: error });
}

function checkNumber(name: string, v: number, min: number): void {
  if (!Number.isFinite(v) || v < min) throw new RangeError(`${name} must be a finite number >= ${min}`);
}

/**
 * Retries `check` until it passes and returns its value; when it still fails after `timeout`, rethrows
 * the last failure (same error object, so an `assert` diff is kept) with a prefix saying how long
 * and how often it was tried.
 *
 * - Without `clock`: checks, sleeps `interval` real ms, checks again … for up to `timeout` real ms.
 * - With `clock`: checks, advances the clock by `interval` simulated ms, lets pending promise jobs
 *   run (one event-loop turn), checks again … until `timeout` simulated ms have been advanced. Real
 *   I/O (sockets, HTTP) gets no time to happen in between: with a clock, check state the clock drives.
 *
 * The first check runs at once (no waiting when it already holds).
 *
 * @returns the value of the first passing check
 * @throws the last check failure, prefixed with `eventually(<message>) …`
 */
export async function eventually<T>(
  check: () => CheckResult<T> | Promise<CheckResult<T>>,
  opts: EventuallyOptions = {},
): Promise<T> {
  const timeout = opts.timeout ?? 5000;
  const interval = opts.interval ?? 10;
  checkNumber('timeout', timeout, 0);
  checkNumber('interval', interval, 1);
  const clock = opts.clock;
  const started = Date.now();
  let advanced = 0;
  let tries = 0;
  for (;;) {
    tries++;
    const r = await attempt(check);
    if (r.ok) return r.value;
    const elapsed = clock ? advanced : Date.now() - started;
    if (elapsed >= timeout) {
      const what = opts.message ? ` (${opts.message})` : '';
      const span = clock ? `${advanced} simulated ms` : `${elapsed} ms`;
      throw withContext(r.error, `eventually${what}: still failing after ${span} and ${tries} tries`);
    }
    if (clock) {
      const step = Math.min(interval, timeout - advanced);
      await clock.advance(step);
      advanced += step;
      await turn();
    } else {
      await sleep(Math.min(interval, Math.max(1, timeout - elapsed)));
    }
  }
}

/**
 * Proves an absence: `check` must hold at once and keep holding for `ms`; the first failing check is
 * rethrown (with the time at which it failed). Typical checks assert that nothing arrived / nothing
 * changed: `neverWithin(1000, () => assert.equal(received.length, 0))`.
 *
 * - With `clock` (preferred whenever the code under test takes one): advances the clock in steps of
 *   `interval` simulated ms up to `ms`, lets pending promise jobs run after each step (one
 *   event-loop turn) and checks after every step. Deterministic, and no real time passes.
 * - Without `clock`: polls every `interval` real ms for `ms` real ms. Only for things that have no
 *   clock (e.g. frames that would arrive on a socket); prefer a protocol barrier (a ping answered in
 *   order) when there is one, and keep the window short — a real-time window can only show that
 *   something did not happen *quickly*.
 *
 * @throws the first check failure, prefixed with `neverWithin(<ms>) … failed after <t> ms`
 */
export async function neverWithin(
  ms: number,
  check: () => unknown,
  opts: NeverWithinOptions = {},
): Promise<void> {
  checkNumber('ms', ms, 0);
  const clock = opts.clock;
  const interval = opts.interval ?? (clock ? Math.max(10, Math.ceil(ms / 200)) : 10);
  checkNumber('interval', interval, 1);
  const what = opts.message ? ` (${opts.message})` : '';
  const fail = (error: unknown, at: number): Error =>
    withContext(
      error,
      `neverWithin(${ms}${clock ? ' simulated' : ''} ms)${what}: the check failed after ${at}${clock ? ' simulated' : ''} ms`,
    );
  const first = await attempt(check as () => unknown);
  if (!first.ok) throw fail(first.error, 0);
  if (clock) {
    let advanced = 0;
    while (advanced < ms) {
      const step = Math.min(interval, ms - advanced);
      await clock.advance(step);
      advanced += step;
      await turn();
      const r = await attempt(check as () => unknown);
      if (!r.ok) throw fail(r.error, advanced);
    }
    return;
  }
  const started = Date.now();
  for (;;) {
    const left = ms - (Date.now() - started);
    if (left <= 0) break;
    await sleep(Math.min(interval, left));
    const r = await attempt(check as () => unknown);
    if (!r.ok) throw fail(r.error, Date.now() - started);
  }
}
