/**
 * Stateless seeded randomness for the execution models: every draw is a hash of (seed, a key such as the
 * order id, an event index), so a replay of the same commands against the same quotes draws the same
 * numbers without any generator state to persist. No ambient randomness: the engine is pure.
 */

/** 32-bit FNV-1a hash of a string. */
function fnv(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** splitmix32-style finaliser of one 32-bit word. */
function mix(h: number): number {
  let x = h >>> 0;
  x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
  x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/** Uniform in [0, 1) determined by `seed`, `key` and `index` only. */
export function draw(seed: number, key: string, index: number): number {
  const s = mix((seed | 0) ^ Math.imul(Math.floor(seed / 4294967296) | 0, 0x9e3779b9));
  const h = mix(s ^ fnv(key) ^ mix((index + 0x632be5ab) >>> 0));
  return h / 4294967296;
}

/** A standard normal draw (Box–Muller over two {@link draw}s at `2·index` and `2·index+1`). */
export function drawNormal(seed: number, key: string, index: number): number {
  const u1 = Math.max(draw(seed, key, 2 * index), 1e-12);
  const u2 = draw(seed, key, 2 * index + 1);
  return Math.sqrt(-2 * Math.log(u1)) * Math.cos(2 * Math.PI * u2);
}
