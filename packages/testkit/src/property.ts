/**
 * Seeds of property tests: a new seed on every run (so the suite keeps exploring new cases), printed
 * so that any run can be replayed exactly.
 *
 * ```ts
 * fc.assert(fc.property(arb, check), propertyOptions(t, { numRuns: 200 }));
 * // log: "property seed 1234567 (replay with FC_SEED=1234567)"
 * // FC_SEED=1234567 node scripts/run-tests.mjs feed-property   → the same cases again
 * ```
 */
import { randomInt } from 'node:crypto';

/** Name of the environment variable that pins the seed of every property test of a run. */
export const SEED_ENV = 'FC_SEED';

/** Where the seed is logged: a `node:test` context (`t.diagnostic`) or anything with that method. */
export interface DiagnosticSink {
  /** Writes a diagnostic line to the test report. */
  diagnostic(message: string): void;
  /** The test's name, used in the log line when present. */
  readonly name?: string;
}

/** The options {@link propertyOptions} returns: the given ones plus the `seed`. */
export type PropertyOptions<O extends object> = O & { seed: number };

/**
 * The seed of this run: `FC_SEED` when set (must be an integer), otherwise a fresh random 31-bit
 * integer for every call.
 * @throws RangeError when `FC_SEED` is set but not an integer
 */
export function propertySeed(): number {
  const pinned = process.env[SEED_ENV];
  if (pinned !== undefined && pinned !== '') {
    const n = Number(pinned);
    if (!Number.isSafeInteger(n)) throw new RangeError(`${SEED_ENV} must be an integer, got "${pinned}"`);
    return n | 0;
  }
  return randomInt(0, 2 ** 31 - 1);
}

/**
 * Options for `fc.assert`: `extra` (e.g. `numRuns`) plus the `seed` of this run (see
 * {@link propertySeed}), after writing `property seed <n> (replay with FC_SEED=<n>)` to the test report
 * (`t.diagnostic` when a test context is given, stdout otherwise). fast-check also prints the seed
 * and the counterexample path of a failure.
 */
export function propertyOptions<O extends object = Record<never, never>>(
  t?: DiagnosticSink,
  extra?: O,
): PropertyOptions<O> {
  const seed = propertySeed();
  const line = `property seed ${seed}${t?.name ? ` for "${t.name}"` : ''} (replay with ${SEED_ENV}=${seed})`;
  if (t) t.diagnostic(line);
  else process.stdout.write(`${line}\n`);
  return { ...(extra ?? ({} as O)), seed };
}
