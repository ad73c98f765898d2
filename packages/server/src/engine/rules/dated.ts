/**
 * Rule tables of the market and the broker (times, charges, margins, bands): each row is in force from
 * its `from` date (IST, `YYYY-MM-DD`) until the next row's, and cites the `source` it comes from (a URL
 * or a circular number), so that a change of rule is a new row, not new code. Docs:
 * docs/paper-broker-rules.md.
 */
import { istDayStart, istParts } from '@smartapi-ts/protocol';

/** One row of a rule table. */
export interface DatedRow<T> {
  /** First IST day the row is in force (`YYYY-MM-DD`). */
  from: string;
  /** Where the value comes from: a URL, a circular number, or `[INF] …` for our own choice. */
  source: string;
  value: T;
}

/** A rule table: rows in ascending `from` order. */
export type RuleTable<T> = readonly DatedRow<T>[];

// The last IST day formatted by istDate (rule look-ups run several times per command, on one day).
let lastDay = Number.NaN;
let lastDate = '';

/** `YYYY-MM-DD` of the IST day of `ms` (the last day's text is reused: a pure function, memoised). */
export function istDate(ms: number): string {
  const day = istDayStart(ms);
  if (day === lastDay) return lastDate;
  const p = istParts(ms);
  lastDate = `${p.year}-${String(p.month).padStart(2, '0')}-${String(p.day).padStart(2, '0')}`;
  lastDay = day;
  return lastDate;
}

/** The row in force on `date` (`YYYY-MM-DD`); throws when the table starts later (a gap is a bug). */
export function rowOn<T>(table: RuleTable<T>, date: string): DatedRow<T> {
  let found: DatedRow<T> | undefined;
  for (const row of table) {
    if (row.from <= date) found = row;
    else break;
  }
  if (!found)
    throw new RangeError(`no rule in force on ${date} (the table starts ${table[0]?.from ?? 'nowhere'})`);
  return found;
}

/** The value in force at `ms` (epoch ms, judged by its IST date). */
export function ruleAt<T>(table: RuleTable<T>, ms: number): T {
  return rowOn(table, istDate(ms)).value;
}
