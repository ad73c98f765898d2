/**
 * The fault registry of the paper broker's admin API: faults a test arms (`POST /paper/v1/faults`) and
 * the HTTP hook, the order check and the WebSocket feeds consult. A fault fires on a matching request
 * (route name from the protocol table, client code), at most `count` times, with a seeded
 * `probability`, until a market time. The registry is plain data plus a seeded draw, so it is persisted
 * (store meta) and behaves the same on every run.
 */
import { ROUTES, type RouteName } from '@smartapi-ts/protocol';
import { mixSeed, Rng } from '../market/rng.js';

/** Every fault kind. */
export const FAULT_KINDS = [
  'http500',
  'timeout',
  'slow',
  'rateLimit',
  'ab1004',
  'sessionExpired',
  'feedDrop',
  'feedStall',
  'reject',
] as const;

/** A fault kind (see the docs' fault table). */
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Kinds answered by the HTTP hook. */
export const HTTP_FAULT_KINDS: readonly FaultKind[] = [
  'http500',
  'timeout',
  'slow',
  'rateLimit',
  'ab1004',
  'sessionExpired',
];

/** Pseudo route names of the two feeds (for `feedDrop` / `feedStall`). */
export const FEED_ROUTES = ['marketFeed', 'orderFeed'] as const;

/** A feed pseudo route. */
export type FeedRoute = (typeof FEED_ROUTES)[number];

/** What a test asks for. */
export interface FaultSpec {
  kind: FaultKind;
  /** Route name of the protocol table (`placeOrder`, `getLtpData` …) or a feed (`marketFeed`, `orderFeed`). */
  route?: RouteName | FeedRoute;
  /** Only requests of this client. */
  clientcode?: string;
  /** Fires at most this many times. @default unlimited */
  count?: number;
  /** Chance of firing on a matching request, 0–1 (seeded draw). @default 1 */
  probability?: number;
  /** Active until this market time (epoch ms). @default no end */
  until?: number;
  /** `slow`: delay in real milliseconds. */
  ms?: number;
  /** `reject`: the rejection text. */
  message?: string;
}

/** An armed fault. */
export interface Fault extends FaultSpec {
  id: string;
  /** How many times it fired. */
  fired: number;
  /** Matching requests seen (drives the seeded draw). */
  seen: number;
}

/** Persisted form of the registry. */
export interface FaultRegistryState {
  next: number;
  faults: Fault[];
}

/** A bad fault specification. */
export class FaultSpecError extends Error {
  override readonly name = 'FaultSpecError';
}

const ROUTE_NAMES = new Set<string>(Object.keys(ROUTES));
const KEYS = new Set(['kind', 'route', 'clientcode', 'count', 'probability', 'until', 'ms', 'message']);

/**
 * Checks a request body and returns the spec (`parseTime` turns the `until` string into epoch ms, or
 * undefined when malformed). Throws {@link FaultSpecError} with a readable message.
 */
export function parseFaultSpec(body: unknown, parseTime: (s: string) => number | undefined): FaultSpec {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new FaultSpecError('body must be a JSON object with a kind');
  }
  const b = body as Record<string, unknown>;
  for (const k of Object.keys(b)) if (!KEYS.has(k)) throw new FaultSpecError(`unknown field ${k}`);
  const kind = b.kind;
  if (typeof kind !== 'string' || !(FAULT_KINDS as readonly string[]).includes(kind)) {
    throw new FaultSpecError(`unknown fault kind ${JSON.stringify(kind)}; one of ${FAULT_KINDS.join(', ')}`);
  }
  const spec: FaultSpec = { kind: kind as FaultKind };
  const feed = kind === 'feedDrop' || kind === 'feedStall';
  if (b.route !== undefined) {
    const r = b.route;
    const ok =
      typeof r === 'string' &&
      (feed
        ? (FEED_ROUTES as readonly string[]).includes(r)
        : kind === 'reject'
          ? r === 'placeOrder'
          : ROUTE_NAMES.has(r));
    if (!ok) {
      throw new FaultSpecError(
        feed
          ? `route of a ${kind} fault must be marketFeed or orderFeed`
          : kind === 'reject'
            ? 'route of a reject fault can only be placeOrder'
            : `unknown route ${JSON.stringify(r)} (use a route name of the protocol table, e.g. placeOrder)`,
      );
    }
    spec.route = r as RouteName | FeedRoute;
  }
  if (b.clientcode !== undefined) {
    if (typeof b.clientcode !== 'string' || !/^[A-Za-z][A-Za-z0-9]{1,15}$/.test(b.clientcode)) {
      throw new FaultSpecError('clientcode must be a client code');
    }
    spec.clientcode = b.clientcode.toUpperCase();
  }
  if (b.count !== undefined) {
    if (!Number.isSafeInteger(b.count) || (b.count as number) < 1) {
      throw new FaultSpecError('count must be a positive integer');
    }
    spec.count = b.count as number;
  }
  if (b.probability !== undefined) {
    const p = b.probability;
    if (typeof p !== 'number' || !Number.isFinite(p) || p <= 0 || p > 1) {
      throw new FaultSpecError('probability must be a number in (0, 1]');
    }
    spec.probability = p;
  }
  if (b.until !== undefined) {
    const t = typeof b.until === 'string' ? parseTime(b.until) : undefined;
    if (t === undefined) {
      throw new FaultSpecError(
        'until must be an ISO 8601 time with an offset, e.g. 2026-12-04T15:20:00+05:30',
      );
    }
    spec.until = t;
  }
  if (kind === 'slow') {
    const ms = b.ms;
    if (!Number.isSafeInteger(ms) || (ms as number) < 1 || (ms as number) > 120_000) {
      throw new FaultSpecError('a slow fault needs ms, an integer 1–120000');
    }
    spec.ms = ms as number;
  } else if (b.ms !== undefined) throw new FaultSpecError('ms applies to slow faults only');
  if (kind === 'reject') {
    const m = b.message ?? 'Order rejected by the paper broker (reject fault)';
    if (typeof m !== 'string' || m.trim() === '' || m.length > 200) {
      throw new FaultSpecError('message must be a non-empty string of at most 200 characters');
    }
    spec.message = m;
  } else if (b.message !== undefined) throw new FaultSpecError('message applies to reject faults only');
  return spec;
}

/** What a request looks like to the registry. */
export interface FaultProbe {
  route?: string;
  clientcode?: string | undefined;
}

/** The armed faults. */
export class FaultRegistry {
  private faults: Fault[] = [];
  private next = 1;
  private readonly seed: number;
  /** Called after every change (the controller persists the registry). */
  onChange: (() => void) | undefined;

  /** @param seed - seed of the probability draws */
  constructor(seed: number) {
    this.seed = seed >>> 0;
  }

  /** Arms a fault; returns it. */
  add(spec: FaultSpec): Fault {
    const f: Fault = { ...spec, id: `F${this.next++}`, fired: 0, seen: 0 };
    this.faults.push(f);
    this.onChange?.();
    return f;
  }

  /** Disarms a fault; false when unknown. */
  remove(id: string): boolean {
    const n = this.faults.length;
    this.faults = this.faults.filter((f) => f.id !== id);
    const removed = this.faults.length !== n;
    if (removed) this.onChange?.();
    return removed;
  }

  /** Every fault (copies), with whether it can still fire at `now`. */
  list(now: number): (Fault & { active: boolean })[] {
    return this.faults.map((f) => ({ ...f, active: this.live(f, now) }));
  }

  /** True when some fault of `kinds` could fire (cheap pre-check for hot paths). */
  has(kinds: readonly FaultKind[]): boolean {
    for (const f of this.faults) if (kinds.includes(f.kind)) return true;
    return false;
  }

  private live(f: Fault, now: number): boolean {
    if (f.count !== undefined && f.fired >= f.count) return false;
    if (f.until !== undefined && now >= f.until) return false;
    return true;
  }

  private matches(f: Fault, probe: FaultProbe): boolean {
    if (f.route !== undefined && f.route !== probe.route) return false;
    if (f.clientcode !== undefined && f.clientcode !== probe.clientcode?.toUpperCase()) return false;
    return true;
  }

  /**
   * Fires the first live fault of `kinds` matching the request (consuming one of its `count` and one
   * seeded draw); undefined when none fires.
   */
  take(kinds: readonly FaultKind[], probe: FaultProbe, now: number): Fault | undefined {
    for (const f of this.faults) {
      if (!kinds.includes(f.kind) || !this.live(f, now) || !this.matches(f, probe)) continue;
      f.seen++;
      if (f.probability !== undefined && f.probability < 1) {
        const draw = new Rng(mixSeed(this.seed, Number(f.id.slice(1)), f.seen)).next();
        if (draw >= f.probability) {
          this.onChange?.();
          continue;
        }
      }
      f.fired++;
      this.onChange?.();
      return { ...f };
    }
    return undefined;
  }

  /** Counts one firing of a fault (a `feedDrop` armed now). */
  consume(id: string): void {
    const f = this.faults.find((x) => x.id === id);
    if (!f) return;
    f.fired++;
    f.seen++;
    this.onChange?.();
  }

  /**
   * True while a live fault of `kind` matches without consuming anything (`feedStall`: a state, not an
   * event).
   */
  active(kind: FaultKind, probe: FaultProbe, now: number): boolean {
    for (const f of this.faults) {
      if (f.kind === kind && this.live(f, now) && this.matches(f, probe)) return true;
    }
    return false;
  }

  /** The persisted form. */
  save(): FaultRegistryState {
    return { next: this.next, faults: this.faults.map((f) => ({ ...f })) };
  }

  /** Replaces the registry by a persisted form. */
  load(state: FaultRegistryState): void {
    this.next = state.next;
    this.faults = state.faults.map((f) => ({ ...f }));
  }
}
