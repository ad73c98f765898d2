/**
 * Flag parsers for the write commands. A bad value is a commander `InvalidArgumentError`, so it ends
 * the run with exit code 2 and commander's `error: option '--x <v>' argument 'y' is invalid. …` line.
 */
import { InvalidArgumentError, Option } from 'commander';

/** An option whose value must be one of `values` (case-insensitive; parsed to the canonical spelling). */
export function enumOption<const T extends string>(
  flags: string,
  description: string,
  values: readonly T[],
): Option {
  return new Option(flags, `${description} (${values.join(', ')})`).argParser((v: string): T => {
    const hit = values.find((x) => x.toUpperCase() === v.trim().toUpperCase());
    if (hit === undefined) throw new InvalidArgumentError(`Allowed choices are ${values.join(', ')}.`);
    return hit;
  });
}

/** Parses a positive whole number (quantities, page sizes), kept as a number. */
export function positiveInt(v: string): number {
  const t = v.trim();
  if (!/^\d+$/.test(t) || Number(t) <= 0 || !Number.isSafeInteger(Number(t)))
    throw new InvalidArgumentError('Expected a positive whole number.');
  return Number(t);
}

/**
 * Parses a price in rupees (`750`, `750.5`, `0.05`), kept as the decimal string typed so no binary
 * rounding happens on the way to the wire.
 */
export function price(v: string): string {
  const t = v.trim();
  if (!/^(\d+(\.\d+)?|\.\d+)$/.test(t) || !(Number(t) > 0))
    throw new InvalidArgumentError('Expected a positive price in rupees, e.g. 750.5.');
  return t;
}

/** Parses a non-empty id (order id, rule id). */
export function id(v: string): string {
  const t = v.trim();
  if (t === '') throw new InvalidArgumentError('Expected a non-empty id.');
  return t;
}
