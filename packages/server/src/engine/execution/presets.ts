/**
 * Execution settings and their three presets. `ideal` is the historical behaviour (fill on arrival at
 * the touch, unlimited size at the last visible level, resting limits fill on touch); `realistic` and
 * `harsh` add order-entry latency (`latency.ts`), queue position (`queue.ts`) and market impact with
 * finite liquidity (`impact.ts`). The venue publishes none of these figures: every preset value is our
 * choice ([INF]), kept as a dated table so that a change of default is a new row, not new code.
 * Docs: docs/paper-broker-execution.md.
 */
import { type RuleTable, ruleAt } from '../rules/dated.js';
import { type LatencyDist, latencyProblem } from './latency.js';

/** The named presets. `custom` = a preset with overrides. */
export type PresetName = 'ideal' | 'realistic' | 'harsh';

/** Queue-position models (`queue.ts`). */
export type QueueModel = 'none' | 'fifo' | 'probabilistic';

/** Every parameter of the execution models. */
export interface ExecutionSettings {
  preset: PresetName | 'custom';
  /** Seed of every random draw (latency, probabilistic queue). */
  seed: number;
  latency: {
    /** Placement → arrival at the exchange. */
    entry: LatencyDist;
    /**
     * Cancel or modify request → its arrival at the exchange; fills in between stand (a late cancel then
     * finds nothing to cancel, a late modification changes only what is left).
     */
    cancel: LatencyDist;
    /**
     * Exchange → broker: what the exchange does to an order (acceptance, fills, confirmed changes and
     * cancels) reaches the order feed this much later (one draw per order, so its pushes keep their order).
     */
    ack: LatencyDist;
  };
  queue: {
    model: QueueModel;
  };
  impact: {
    /** Off: unlimited size at the last visible level and a book that never remembers our fills. */
    enabled: boolean;
    /** Share of each displayed level our orders can take (thin books < 1). */
    depthFactor: number;
    /** Half-life of the refill of a level we consumed (ms): taken × 2^(−Δt / refillHalfLifeMs). */
    refillHalfLifeMs: number;
    /** Ticks between successive hidden levels beyond the visible depth. */
    slipTicks: number;
    /** How many hidden levels exist beyond the visible five (each as large as the fifth); the rest is unfilled. */
    hiddenLevels: number;
  };
}

/** A preset's values (without the seed, which is the server's). */
export type PresetValues = Omit<ExecutionSettings, 'preset' | 'seed'>;

const IDEAL: PresetValues = {
  latency: {
    entry: { kind: 'fixed', ms: 0 },
    cancel: { kind: 'fixed', ms: 0 },
    ack: { kind: 'fixed', ms: 0 },
  },
  queue: { model: 'none' },
  impact: { enabled: false, depthFactor: 1, refillHalfLifeMs: 0, slipTicks: 0, hiddenLevels: 0 },
};

/** The presets in force by day. */
export const EXECUTION_PRESETS: RuleTable<Readonly<Record<PresetName, PresetValues>>> = [
  {
    from: '2000-01-01',
    source:
      '[INF] our choice (the venue publishes no figures): retail order-entry latency of tens of ms (log-normal, median 25 ms; answers from the exchange back in median 15 ms) for realistic, a slow link (median 250 ms out, 150 ms back, heavy tail) for harsh; FIFO queue at the price (price-time priority); refill half-lives 5 s / 30 s; see docs/paper-broker-execution.md',
    value: {
      ideal: IDEAL,
      realistic: {
        latency: {
          entry: { kind: 'lognormal', medianMs: 25, sigma: 0.5, maxMs: 1000 },
          cancel: { kind: 'lognormal', medianMs: 25, sigma: 0.5, maxMs: 1000 },
          ack: { kind: 'lognormal', medianMs: 15, sigma: 0.5, maxMs: 1000 },
        },
        queue: { model: 'fifo' },
        impact: { enabled: true, depthFactor: 1, refillHalfLifeMs: 5000, slipTicks: 1, hiddenLevels: 20 },
      },
      harsh: {
        latency: {
          entry: { kind: 'lognormal', medianMs: 250, sigma: 1, maxMs: 5000 },
          cancel: { kind: 'lognormal', medianMs: 250, sigma: 1, maxMs: 5000 },
          ack: { kind: 'lognormal', medianMs: 150, sigma: 1, maxMs: 5000 },
        },
        queue: { model: 'fifo' },
        impact: { enabled: true, depthFactor: 0.5, refillHalfLifeMs: 30_000, slipTicks: 3, hiddenLevels: 10 },
      },
    },
  },
];

/** The settings of preset `name` in force at `at` (epoch ms) with `seed`. */
export function presetSettings(name: PresetName, seed: number, at: number): ExecutionSettings {
  const v = ruleAt(EXECUTION_PRESETS, at)[name];
  return structuredClone({ preset: name, seed, ...v });
}

/** True for a preset name. */
export function isPresetName(v: unknown): v is PresetName {
  return v === 'ideal' || v === 'realistic' || v === 'harsh';
}

/** A bad execution change (the admin API answers PA1001 with its message). */
export class ExecutionSettingsError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ExecutionSettingsError';
  }
}

/**
 * Applies a change `{preset?, seed?, latency?, queue?, impact?}` (each part partial) to `current` and
 * returns the new settings; throws {@link ExecutionSettingsError} on any bad field (nothing changes). A
 * `preset` resets every parameter to that preset before the overrides; overrides make it `custom`
 * unless they equal the preset's values.
 */
export function applyExecutionChange(
  current: ExecutionSettings,
  body: unknown,
  at: number,
): ExecutionSettings {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new ExecutionSettingsError('body must be a JSON object');
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) {
    if (!['preset', 'seed', 'latency', 'queue', 'impact'].includes(k)) {
      throw new ExecutionSettingsError(`unknown field ${k}: use preset, seed, latency, queue or impact`);
    }
  }
  if (b.preset !== undefined && !isPresetName(b.preset)) {
    throw new ExecutionSettingsError('preset must be ideal, realistic or harsh');
  }
  if (b.seed !== undefined && !(typeof b.seed === 'number' && Number.isSafeInteger(b.seed))) {
    throw new ExecutionSettingsError('seed must be an integer');
  }
  const seed = (b.seed as number | undefined) ?? current.seed;
  const base: ExecutionSettings =
    b.preset !== undefined
      ? presetSettings(b.preset as PresetName, seed, at)
      : { ...structuredClone(current), seed };
  const next = structuredClone(base);
  if (b.latency !== undefined) {
    const l = obj(b.latency, 'latency', ['entry', 'cancel', 'ack']);
    for (const k of ['entry', 'cancel', 'ack'] as const) {
      if (l[k] === undefined) continue;
      const p = latencyProblem(l[k], `latency.${k}`);
      if (p) throw new ExecutionSettingsError(p);
      next.latency[k] = structuredClone(l[k]) as LatencyDist;
    }
  }
  if (b.queue !== undefined) {
    const q = obj(b.queue, 'queue', ['model']);
    if (q.model !== undefined) {
      if (q.model !== 'none' && q.model !== 'fifo' && q.model !== 'probabilistic') {
        throw new ExecutionSettingsError('queue.model must be none, fifo or probabilistic');
      }
      next.queue.model = q.model;
    }
  }
  if (b.impact !== undefined) {
    const i = obj(b.impact, 'impact', [
      'enabled',
      'depthFactor',
      'refillHalfLifeMs',
      'slipTicks',
      'hiddenLevels',
    ]);
    if (i.enabled !== undefined) {
      if (typeof i.enabled !== 'boolean')
        throw new ExecutionSettingsError('impact.enabled must be a boolean');
      next.impact.enabled = i.enabled;
    }
    num(i, 'depthFactor', (v) => v > 0 && v <= 1, 'a number in (0, 1]', next);
    num(
      i,
      'refillHalfLifeMs',
      (v) => Number.isInteger(v) && v >= 0 && v <= 3_600_000,
      'an integer 0–3600000',
      next,
    );
    num(i, 'slipTicks', (v) => Number.isInteger(v) && v >= 0 && v <= 1000, 'an integer 0–1000', next);
    num(i, 'hiddenLevels', (v) => Number.isInteger(v) && v >= 0 && v <= 1000, 'an integer 0–1000', next);
  }
  const hasOverrides = b.latency !== undefined || b.queue !== undefined || b.impact !== undefined;
  if (hasOverrides) {
    const named = next.preset === 'custom' ? undefined : next.preset;
    const same =
      named !== undefined &&
      JSON.stringify(stripName(next)) === JSON.stringify(stripName(presetSettings(named, seed, at)));
    if (!same) next.preset = 'custom';
  }
  return next;
}

function stripName(s: ExecutionSettings): PresetValues {
  return { latency: s.latency, queue: s.queue, impact: s.impact };
}

function obj(v: unknown, name: string, keys: string[]): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) {
    throw new ExecutionSettingsError(`${name} must be an object`);
  }
  for (const k of Object.keys(v)) {
    if (!keys.includes(k)) throw new ExecutionSettingsError(`${name}: unknown field ${k}`);
  }
  return v as Record<string, unknown>;
}

function num(
  src: Record<string, unknown>,
  key: 'depthFactor' | 'refillHalfLifeMs' | 'slipTicks' | 'hiddenLevels',
  ok: (v: number) => boolean,
  what: string,
  next: ExecutionSettings,
): void {
  const v = src[key];
  if (v === undefined) return;
  if (typeof v !== 'number' || !Number.isFinite(v) || !ok(v)) {
    throw new ExecutionSettingsError(`impact.${key} must be ${what}`);
  }
  next.impact[key] = v;
}
