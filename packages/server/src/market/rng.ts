/**
 * Small deterministic pseudo-random tools for the simulated market. Never `Math.random()`: every
 * stream is derived from the `--seed` so a run can be reproduced exactly.
 */

/** 32-bit FNV-1a hash of a string (used to derive per-instrument / per-day seeds). */
export function hashString(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Mixes several integers into one 32-bit seed (splitmix-style finaliser). */
export function mixSeed(...parts: number[]): number {
  let h = 0x9e3779b9;
  for (const p of parts) {
    h ^= p >>> 0;
    h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
    h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
    h ^= h >>> 16;
    // fold in the high bits of large (non-32-bit) inputs such as day numbers
    h ^= Math.floor(p / 4294967296) >>> 0;
  }
  return h >>> 0;
}

/** A seeded generator (mulberry32) with uniform, normal and integer helpers. */
export class Rng {
  private state: number;
  private spare: number | undefined;

  /** @param seed - any 32-bit integer */
  constructor(seed: number) {
    this.state = seed >>> 0;
  }

  /** Uniform in [0, 1). */
  next(): number {
    this.state = (this.state + 0x6d2b79f5) >>> 0;
    let t = this.state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  }

  /** Standard normal (Box–Muller, caching the second value). */
  normal(): number {
    if (this.spare !== undefined) {
      const s = this.spare;
      this.spare = undefined;
      return s;
    }
    let u = this.next();
    if (u < 1e-12) u = 1e-12;
    const v = this.next();
    const r = Math.sqrt(-2 * Math.log(u));
    this.spare = r * Math.sin(2 * Math.PI * v);
    return r * Math.cos(2 * Math.PI * v);
  }

  /** Integer in [min, max] inclusive. */
  int(min: number, max: number): number {
    return min + Math.floor(this.next() * (max - min + 1));
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return this.next() < p;
  }

  /** The generator's position (to save with a snapshot). */
  snapshot(): RngState {
    return { state: this.state, spare: this.spare };
  }

  /** Continues from a position taken by {@link Rng.snapshot}. */
  restore(s: RngState): void {
    this.state = s.state >>> 0;
    this.spare = s.spare;
  }
}

/** A saved {@link Rng} position. */
export interface RngState {
  state: number;
  spare: number | undefined;
}
