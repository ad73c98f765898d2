/**
 * The `date` of `GET /paper/v1/accounts/{clientcode}/contract-note`: an IST day `YYYY-MM-DD` (a real
 * calendar date); absent = the market's current IST day.
 */
import { formatIstDate, istToEpoch } from '@smartapi-ts/protocol';
import { AdminErrorCode, ScenarioError } from '../scenario/controller.js';

/** Validates the `date` query parameter (`undefined` = today); throws a `PA1002` error when malformed. */
export function parseNoteDate(raw: unknown): string | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = typeof raw === 'string' ? /^(\d{4})-(\d{2})-(\d{2})$/.exec(raw) : null;
  if (m && formatIstDate(istToEpoch(Number(m[1]), Number(m[2]), Number(m[3]))) === raw) return raw;
  throw new ScenarioError(AdminErrorCode.BAD_INPUT, 400, 'date must be an IST day YYYY-MM-DD');
}
