/**
 * Order-entry latency: the time between the broker accepting an order (the REST answer, immediate as
 * live) and the order reaching the exchange's book. Until then it can neither fill nor be cancelled at
 * the exchange; fills and the order's exchange time happen at or after its arrival. A distribution is
 * fixed, uniform or log-normal; the draw for an order is `draw(seed, orderid, 0)`, so it is reproducible.
 */
import { draw, drawNormal } from './rng.js';

/** A latency distribution in milliseconds. */
export type LatencyDist =
  | { kind: 'fixed'; ms: number }
  | { kind: 'uniform'; minMs: number; maxMs: number }
  /** Log-normal: `medianMs × e^(sigma·N(0,1))`, capped at `maxMs`. */
  | { kind: 'lognormal'; medianMs: number; sigma: number; maxMs: number };

/** The latency of one order in whole milliseconds (≥ 0). */
export function sampleLatency(dist: LatencyDist, seed: number, key: string): number {
  switch (dist.kind) {
    case 'fixed':
      return Math.max(0, Math.round(dist.ms));
    case 'uniform':
      return Math.round(dist.minMs + draw(seed, key, 0) * (dist.maxMs - dist.minMs));
    case 'lognormal': {
      const v = dist.medianMs * Math.exp(dist.sigma * drawNormal(seed, key, 0));
      return Math.max(0, Math.min(dist.maxMs, Math.round(v)));
    }
  }
}

/** Validates a latency distribution from the admin API / flags; returns an error text or undefined. */
export function latencyProblem(d: unknown, name: string): string | undefined {
  if (typeof d !== 'object' || d === null) return `${name} must be an object with a kind`;
  const r = d as Record<string, unknown>;
  const ms = (k: string) =>
    typeof r[k] === 'number' && Number.isFinite(r[k]) && (r[k] as number) >= 0 && (r[k] as number) <= 60_000;
  const only = (keys: string[]) => {
    const extra = Object.keys(r).filter((k) => k !== 'kind' && !keys.includes(k));
    return extra.length ? `${name}: unknown field ${extra[0]}` : undefined;
  };
  switch (r.kind) {
    case 'fixed':
      return only(['ms']) ?? (ms('ms') ? undefined : `${name}.ms must be a number 0–60000`);
    case 'uniform':
      return (
        only(['minMs', 'maxMs']) ??
        (ms('minMs') && ms('maxMs') && (r.minMs as number) <= (r.maxMs as number)
          ? undefined
          : `${name} needs minMs ≤ maxMs, each 0–60000`)
      );
    case 'lognormal':
      return (
        only(['medianMs', 'sigma', 'maxMs']) ??
        (ms('medianMs') &&
        ms('maxMs') &&
        typeof r.sigma === 'number' &&
        Number.isFinite(r.sigma) &&
        r.sigma >= 0 &&
        r.sigma <= 5
          ? undefined
          : `${name} needs medianMs and maxMs 0–60000 and sigma 0–5`)
      );
    default:
      return `${name}.kind must be fixed, uniform or lognormal`;
  }
}
