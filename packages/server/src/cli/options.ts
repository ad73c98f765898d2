/**
 * Option values of the `smartapi-paper` command line: the argument parsers (a bad value is a commander
 * `InvalidArgumentError`: exit 2 with the message), the options of `serve`, and the execution overrides
 * its flags make (the body shape of `PUT /paper/v1/execution`).
 */
import { InvalidArgumentError } from 'commander';

export function parsePort(v: string): number {
  const n = Number(v);
  if (!/^\d+$/.test(v) || n > 65535) throw new InvalidArgumentError('expected an integer 0–65535');
  return n;
}

export function parseInteger(v: string): number {
  if (!/^-?\d+$/.test(v) || !Number.isSafeInteger(Number(v)))
    throw new InvalidArgumentError('expected an integer');
  return Number(v);
}

export function parsePositive(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0)
    throw new InvalidArgumentError('expected a positive number');
  return n;
}

/** Paise → the rupee figure `--help` shows as a default (`1000000` for ₹10,00,000). */
export function rupeesLabel(paise: number): string {
  return String(paise / 100);
}

export function parseRupees(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0 || n > 1e13) {
    throw new InvalidArgumentError('expected an amount in rupees ≥ 0');
  }
  return Math.round(n * 100);
}

export function parseProtection(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n <= 0 || n > 100) {
    throw new InvalidArgumentError('expected a percentage greater than 0 and at most 100 (e.g. 2 or 0.5)');
  }
  return n;
}

export interface ServeOptions {
  host: string;
  port: number;
  db: string;
  seed: number;
  clock?: 'sim' | 'real' | 'manual';
  speed: number;
  adminToken?: string;
  instruments?: string;
  market: 'synthetic' | 'replay' | 'live';
  upstream?: string;
  upstreamCredentials?: string;
  data?: string;
  from?: string;
  to?: string;
  fillMissing: 'none' | 'synthetic';
  rateLimits: boolean;
  rmsRejections: string;
  demo?: boolean;
  funds: number;
  logLevel: string;
  autoSquareOff: boolean;
  fills: string;
  fillSeed?: number;
  latency?: Record<string, unknown>;
  cancelLatency?: Record<string, unknown>;
  ackLatency?: Record<string, unknown>;
  queue?: string;
  impact?: string;
  depthFactor?: number;
  refillHalfLifeMs?: number;
  slipTicks?: number;
  hiddenLevels?: number;
  marketProtection?: number;
  nats?: string;
}

/** `fixed:MS`, `uniform:MIN:MAX` or `lognormal:MEDIAN:SIGMA:MAX` → a latency distribution. */
export function parseLatency(v: string): Record<string, unknown> {
  const [kind, ...rest] = v.split(':');
  const n = rest.map(Number);
  if (rest.some((x) => x.trim() === '') || n.some((x) => !Number.isFinite(x))) {
    throw new InvalidArgumentError('expected fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN:SIGMA:MAX');
  }
  if (kind === 'fixed' && n.length === 1) return { kind, ms: n[0] };
  if (kind === 'uniform' && n.length === 2) return { kind, minMs: n[0], maxMs: n[1] };
  if (kind === 'lognormal' && n.length === 3) return { kind, medianMs: n[0], sigma: n[1], maxMs: n[2] };
  throw new InvalidArgumentError('expected fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN:SIGMA:MAX');
}

export function parseNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/** The execution overrides of the serve flags (the shape of `PUT /paper/v1/execution`). */
export function executionOverrides(o: ServeOptions): Record<string, unknown> | undefined {
  const impact: Record<string, unknown> = {};
  if (o.impact !== undefined) impact.enabled = o.impact === 'on';
  if (o.depthFactor !== undefined) impact.depthFactor = o.depthFactor;
  if (o.refillHalfLifeMs !== undefined) impact.refillHalfLifeMs = o.refillHalfLifeMs;
  if (o.slipTicks !== undefined) impact.slipTicks = o.slipTicks;
  if (o.hiddenLevels !== undefined) impact.hiddenLevels = o.hiddenLevels;
  const out: Record<string, unknown> = {
    ...(o.fillSeed !== undefined ? { seed: o.fillSeed } : {}),
    ...(o.latency !== undefined || o.cancelLatency !== undefined || o.ackLatency !== undefined
      ? {
          latency: {
            ...(o.latency !== undefined ? { entry: o.latency } : {}),
            ...(o.cancelLatency !== undefined ? { cancel: o.cancelLatency } : {}),
            ...(o.ackLatency !== undefined ? { ack: o.ackLatency } : {}),
          },
        }
      : {}),
    ...(o.queue !== undefined ? { queue: { model: o.queue } } : {}),
    ...(Object.keys(impact).length > 0 ? { impact } : {}),
  };
  return Object.keys(out).length > 0 ? out : undefined;
}
