/**
 * Money helpers: rupee amounts on the wire (strings or numbers) ⇄ integer paise inside, without
 * floating-point error. Values are rounded half away from zero to the nearest paisa.
 */

const DECIMAL = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a rupee amount (`"194.50"`, `194.5`, `"1e3"`, `" 12 "`) into integer paise.
 * Returns `undefined` when the input is not a finite decimal number.
 */
export function tryRupeesToPaise(value: string | number): number | undefined {
  let text: string;
  if (typeof value === 'number') {
    if (!Number.isFinite(value)) return undefined;
    // toFixed(6) is exact enough for any price below 1e9 rupees and removes binary noise.
    text = Math.abs(value) >= 1e15 ? value.toFixed(0) : value.toFixed(6);
  } else if (typeof value === 'string') {
    text = value.trim();
    if (/e/i.test(text)) {
      const n = Number(text);
      if (!Number.isFinite(n)) return undefined;
      text = n.toFixed(6);
    }
  } else {
    return undefined;
  }
  const m = DECIMAL.exec(text);
  if (!m) return undefined;
  const [, sign, intPart = '', frac = ''] = m;
  if (intPart === '' && frac === '') return undefined;
  const whole = intPart === '' ? 0 : Number(intPart);
  const padded = `${frac}000`;
  let paise = whole * 100 + Number(padded.slice(0, 2));
  if (Number(padded[2]) >= 5) paise += 1;
  if (!Number.isSafeInteger(paise)) return undefined;
  return sign === '-' && paise !== 0 ? -paise : paise;
}

/** Like {@link tryRupeesToPaise} but throws a `RangeError` on bad input. */
export function rupeesToPaise(value: string | number): number {
  const p = tryRupeesToPaise(value);
  if (p === undefined) throw new RangeError(`not a rupee amount: ${JSON.stringify(value)}`);
  return p;
}

/** Integer paise → rupees as a number (`56820` → `568.2`). */
export function paiseToRupees(paise: number): number {
  return paise / 100;
}

/**
 * Integer paise → rupee string with a fixed number of decimals (`19450` → `"194.50"`).
 * With `decimals` > 2 the extra digits are zeros; with fewer, the value is rounded half away from zero.
 */
export function formatPaise(paise: number, decimals = 2): string {
  const neg = paise < 0;
  let abs = Math.abs(Math.round(paise));
  if (decimals < 2) {
    const div = 10 ** (2 - decimals);
    abs = Math.round(abs / div) * div;
  }
  const whole = Math.floor(abs / 100);
  const frac = String(abs % 100).padStart(2, '0');
  let out = String(whole);
  if (decimals > 0) out += `.${decimals <= 2 ? frac.slice(0, decimals) : frac + '0'.repeat(decimals - 2)}`;
  return neg && abs !== 0 ? `-${out}` : out;
}

/** Rounds a paise amount to a multiple of `tick` paise (nearest, half away from zero). */
export function roundToTick(paise: number, tick: number): number {
  if (tick <= 0) return paise;
  const sign = paise < 0 ? -1 : 1;
  return sign * Math.round(Math.abs(paise) / tick) * tick;
}

/** Parses an integer quantity sent as string or number; undefined when not a whole number. */
export function tryParseInteger(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) ? value : undefined;
  if (typeof value === 'string' && /^\s*[+-]?\d+\s*$/.test(value)) {
    const n = Number(value);
    return Number.isSafeInteger(n) ? n : undefined;
  }
  return undefined;
}
