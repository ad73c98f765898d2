/** Historical services: `getCandleData` and `getOIData` over a validated date range. */
import type { CandleRow, OiDataPoint } from '@smartapi-ts/protocol';
import {
  formatIstIso,
  INTERVAL_MAX_DAYS,
  INTERVAL_MINUTES,
  Interval,
  isEnumValue,
  istToEpoch,
} from '@smartapi-ts/protocol';
import type { Instrument, Market } from '../types.js';
import {
  bad,
  DAY_MS,
  isObject,
  type MarketRejection,
  ok,
  resolve,
  rupees,
  type ServiceResult,
} from './common.js';

// ───────────────────────────── candles / OI (docs/protocol/rest.md#candles, #oi-data) ─────────────────────────────

const DATE_RE = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2})$/;

/** Parses `yyyy-MM-dd HH:mm` (IST) strictly; undefined when malformed or not a real date/time. */
export function parseCandleDate(v: unknown): number | undefined {
  if (typeof v !== 'string') return undefined;
  const m = DATE_RE.exec(v.trim());
  if (!m) return undefined;
  const [y, mo, d, h, mi] = m.slice(1).map(Number) as [number, number, number, number, number];
  if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59) return undefined;
  const ms = istToEpoch(y, mo, d, h, mi);
  const check = new Date(ms + 330 * 60_000);
  if (check.getUTCDate() !== d) return undefined;
  return ms;
}

interface RangeRequest {
  inst: Instrument;
  interval: Interval;
  from: number;
  to: number;
}

function parseRange(market: Market, body: unknown): { ok: true; req: RangeRequest } | MarketRejection {
  if (!isObject(body)) return bad('Invalid request body');
  const r = resolve(market, body.exchange, body.symboltoken);
  if (!r.ok) return r;
  const intervalRaw = typeof body.interval === 'string' ? body.interval.trim().toUpperCase() : undefined;
  if (!intervalRaw || !isEnumValue(Interval, intervalRaw)) return bad('Invalid interval');
  const from = parseCandleDate(body.fromdate);
  if (from === undefined) return bad('Invalid fromdate: expected yyyy-MM-dd HH:mm');
  const to = parseCandleDate(body.todate);
  if (to === undefined) return bad('Invalid todate: expected yyyy-MM-dd HH:mm');
  if (from > to) return bad('fromdate must not be after todate');
  const maxDays = INTERVAL_MAX_DAYS[intervalRaw];
  if (to - from > maxDays * DAY_MS) return bad(`Maximum ${maxDays} days allowed for interval ${intervalRaw}`);
  return { ok: true, req: { inst: r.inst, interval: intervalRaw, from, to } };
}

/**
 * `POST …/historical/v1/getCandleData`: `[ISO time +05:30, open, high, low, close, volume]` rows,
 * prices in rupees, bar start times, `fromdate <= time <= todate` (daily bars: the day's 00:00 from the
 * day of `fromdate`). Span limits per interval as in docs/protocol/rest.md#candles.
 */
export function candles(market: Market, body: unknown): ServiceResult<CandleRow[]> {
  const p = parseRange(market, body);
  if (!p.ok) return p;
  const { inst, interval, from, to } = p.req;
  const bars = market.candles(inst.exchange, inst.token, INTERVAL_MINUTES[interval], from, to);
  return ok(
    bars.map((b) => [
      formatIstIso(b.time),
      rupees(b.open),
      rupees(b.high),
      rupees(b.low),
      rupees(b.close),
      b.volume,
    ]),
  );
}

/**
 * `POST …/historical/v1/getOIData`: `{time, oi}` per bar for F&O / commodity derivatives; other
 * instruments are rejected (AB1018).
 */
export function oiData(market: Market, body: unknown): ServiceResult<OiDataPoint[]> {
  const p = parseRange(market, body);
  if (!p.ok) return p;
  const { inst, interval, from, to } = p.req;
  if (inst.expiry === undefined) return bad('OI data is available only for F&O contracts');
  const bars = market.candles(inst.exchange, inst.token, INTERVAL_MINUTES[interval], from, to);
  return ok(bars.map((b) => ({ time: formatIstIso(b.time), oi: b.oi })));
}
