/**
 * Internal fuzzy search over a column store. Ranking (best first):
 *
 * 1. kind group: cash and indices, then futures/other, then options — except that an exact match of
 *    the name or symbol ranks first whatever its kind (options excepted);
 * 2. match tier: exact > prefix > substring > subsequence (of the lower-cased name or symbol);
 * 3. shorter matched key, nearer expiry, exchange priority (NSE, NFO, BSE, BFO, MCX, CDS, NCDEX),
 *    shorter symbol.
 *
 * Cost: one pass over the distinct names and the non-option symbols (~tens of thousands of short
 * strings, native `startsWith`/`includes`); option rows are only visited for names that match, or for
 * derivative-looking queries (`nifty25jan24`), by symbol prefix within the matched underlying.
 */
import { type ColumnStore, KIND } from './store.js';

/** Rows grouped by name (compressed sparse rows), split into non-option and option rows. */
interface NameGroups {
  nonOptStart: Int32Array;
  nonOptRows: Int32Array;
  optStart: Int32Array;
  optRows: Int32Array;
}

/** Filters applied while searching. */
export interface SearchFilter {
  exchangeMask: number;
  kindMask: number;
}

function groupByName(s: ColumnStore): NameGroups {
  const nNames = s.names.length;
  const nonOptStart = new Int32Array(nNames + 1);
  const optStart = new Int32Array(nNames + 1);
  for (let i = 0; i < s.count; i++) {
    if (s.kind[i] === KIND.OPT) optStart[s.nameId[i]! + 1]!++;
    else nonOptStart[s.nameId[i]! + 1]!++;
  }
  for (let k = 0; k < nNames; k++) {
    nonOptStart[k + 1]! += nonOptStart[k]!;
    optStart[k + 1]! += optStart[k]!;
  }
  const nonOptRows = new Int32Array(nonOptStart[nNames]!);
  const optRows = new Int32Array(optStart[nNames]!);
  const a = nonOptStart.slice(0, nNames);
  const b = optStart.slice(0, nNames);
  for (let i = 0; i < s.count; i++) {
    const id = s.nameId[i]!;
    if (s.kind[i] === KIND.OPT) optRows[b[id]!++] = i;
    else nonOptRows[a[id]!++] = i;
  }
  return { nonOptStart, nonOptRows, optStart, optRows };
}

const SERIES_ORDER = ['EQ', 'BE', 'BZ', 'SM', 'ST'];

/** Rank of a cash symbol's series for ordering (`-EQ` first); 0–9. */
function seriesRank(symbol: string): number {
  const dash = symbol.lastIndexOf('-');
  if (dash < 0) return 0;
  const i = SERIES_ORDER.indexOf(symbol.slice(dash + 1));
  return i >= 0 ? i : 9;
}

/** Rows grouped by underlying name, shared by search and the derivatives helpers. */
export class NameIndex {
  readonly #s: ColumnStore;
  readonly #g: NameGroups;
  readonly #nameUpper = new Map<string, number[]>();
  readonly #optSorted = new Set<number>();

  constructor(s: ColumnStore) {
    this.#s = s;
    this.#g = groupByName(s);
    s.names.forEach((n, id) => {
      const u = n.toUpperCase();
      const list = this.#nameUpper.get(u);
      if (list) list.push(id);
      else this.#nameUpper.set(u, [id]);
    });
  }

  /** Name ids whose upper-cased name equals `upper`. */
  nameIds(upper: string): readonly number[] {
    return this.#nameUpper.get(upper) ?? [];
  }

  /** Option rows of a name sorted by expiry, exchange, strike, CE before PE (sorted on first use). */
  optionRows(nameId: number): Int32Array {
    const g = this.#g;
    const rows = g.optRows.subarray(g.optStart[nameId]!, g.optStart[nameId + 1]!);
    if (!this.#optSorted.has(nameId)) {
      const s = this.#s;
      rows.sort(
        (a, b) =>
          s.expiryDay[a]! - s.expiryDay[b]! ||
          s.exch[a]! - s.exch[b]! ||
          s.strikeX100[a]! - s.strikeX100[b]! ||
          s.optType[a]! - s.optType[b]!,
      );
      this.#optSorted.add(nameId);
    }
    return rows;
  }

  /** Non-option rows of a name (file order). */
  nonOptionRows(nameId: number): Int32Array {
    const g = this.#g;
    return g.nonOptRows.subarray(g.nonOptStart[nameId]!, g.nonOptStart[nameId + 1]!);
  }
}

/** Lazily built search structures of one index. */
export class SearchEngine {
  readonly #s: ColumnStore;
  readonly #ni: NameIndex;
  /**
   * Every search key (distinct lower-cased names, then lower-cased non-option symbols that differ from
   * their row's name) joined as `\nkey1\nkey2\n…\n`, so native `indexOf`/RegExp scan them all at once.
   */
  readonly #hay: string;
  /** Offset in `#hay` of each key's first character (ascending). */
  readonly #keyStart: Int32Array;
  readonly #keyLen: Int32Array;
  /** Key → name id (when `< 0`: `-1 - row` of a symbol key). */
  readonly #keyRef: Int32Array;
  readonly #seenGen: Uint32Array;
  readonly #seenScore: Float64Array;
  #gen = 0;
  // top-k state of the current query
  #topScore: number[] = [];
  #topRow: number[] = [];
  #limit = 0;
  #filter: SearchFilter = { exchangeMask: 0, kindMask: 0 };

  constructor(s: ColumnStore, names: NameIndex) {
    this.#s = s;
    this.#ni = names;
    const keys: string[] = [];
    const refs: number[] = [];
    const nameLower = s.names.map((n) => n.toLowerCase().replace(/\n/g, ' '));
    nameLower.forEach((k, id) => {
      if (k !== '') {
        keys.push(k);
        refs.push(id);
      }
    });
    for (let i = 0; i < s.count; i++) {
      if (s.kind[i] === KIND.OPT) continue;
      const k = s.symbol[i]!.toLowerCase().replace(/\n/g, ' ');
      if (k === nameLower[s.nameId[i]!]) continue;
      keys.push(k);
      refs.push(-1 - i);
    }
    this.#keyStart = new Int32Array(keys.length);
    this.#keyLen = new Int32Array(keys.length);
    this.#keyRef = Int32Array.from(refs);
    let off = 1;
    for (let k = 0; k < keys.length; k++) {
      this.#keyStart[k] = off;
      this.#keyLen[k] = keys[k]!.length;
      off += keys[k]!.length + 1;
    }
    this.#hay = `\n${keys.join('\n')}\n`;
    this.#seenGen = new Uint32Array(s.count);
    this.#seenScore = new Float64Array(s.count);
  }

  /** Index of the key containing haystack offset `pos`. */
  #keyAt(pos: number): number {
    const starts = this.#keyStart;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= pos) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Offers the rows behind key `k` with a tier. */
  #offerKey(k: number, tier: number, matchedNames: number[] | null, matchedTiers: number[]): void {
    const ref = this.#keyRef[k]!;
    const len = this.#keyLen[k]!;
    if (ref < 0) {
      this.#offer(-1 - ref, tier, len);
      return;
    }
    const rows = this.#ni.nonOptionRows(ref);
    for (let r = 0; r < rows.length; r++) this.#offer(rows[r]!, tier, len);
    if (matchedNames && tier <= 1) {
      matchedNames.push(ref);
      matchedTiers.push(tier);
    }
  }

  #offer(row: number, tier: number, keyLen: number): void {
    const s = this.#s;
    const f = this.#filter;
    const ex = s.exch[row]!;
    const kd = s.kind[row]!;
    if ((f.exchangeMask & (1 << ex)) === 0 || (f.kindMask & (1 << kd)) === 0) return;
    let group = kd === KIND.OPT ? 2 : kd === KIND.EQ || kd === KIND.INDEX ? 0 : 1;
    if (tier === 0 && kd !== KIND.OPT) group = 0;
    const exp = s.expiryDay[row]! + 1;
    const score =
      group * 1e15 +
      tier * 1e14 +
      Math.min(keyLen, 999) * 1e11 +
      Math.min(Math.max(exp, 0), 99_999) * 1e6 +
      ex * 1e5 +
      (kd === KIND.EQ ? seriesRank(s.symbol[row]!) * 1000 : 0) +
      Math.min(s.symbol[row]!.length, 999);
    if (this.#seenGen[row] === this.#gen) {
      if (this.#seenScore[row]! <= score) return;
      const at = this.#topRow.indexOf(row);
      if (at >= 0) {
        this.#topRow.splice(at, 1);
        this.#topScore.splice(at, 1);
      }
    }
    this.#seenGen[row] = this.#gen;
    this.#seenScore[row] = score;
    const top = this.#topScore;
    const n = top.length;
    if (n >= this.#limit && score >= top[n - 1]!) return;
    let i = n;
    while (i > 0 && top[i - 1]! > score) i--;
    top.splice(i, 0, score);
    this.#topRow.splice(i, 0, row);
    if (top.length > this.#limit) {
      top.pop();
      this.#topRow.pop();
    }
  }

  #full(): boolean {
    return this.#topRow.length >= this.#limit;
  }

  /** Row indexes of the best matches, best first. */
  search(text: string, limit: number, filter: SearchFilter): number[] {
    const q = text.trim().toLowerCase().replace(/\n/g, ' ');
    if (q === '' || limit <= 0) return [];
    this.#gen = (this.#gen + 1) >>> 0;
    if (this.#gen === 0) {
      this.#seenGen.fill(0);
      this.#gen = 1;
    }
    this.#topScore = [];
    this.#topRow = [];
    this.#limit = limit;
    this.#filter = filter;
    const hay = this.#hay;
    const wantOptions = (filter.kindMask & (1 << KIND.OPT)) !== 0;
    const matchedNames: number[] = [];
    const matchedTiers: number[] = [];
    const allowSub = q.length >= 2;

    // Pass 1: exact / prefix / substring, via native indexOf over the joined keys.
    if (allowSub) {
      for (let pos = hay.indexOf(q, 1); pos >= 0; ) {
        const k = this.#keyAt(pos);
        const start = this.#keyStart[k]!;
        const len = this.#keyLen[k]!;
        const tier = pos === start ? (len === q.length ? 0 : 1) : 2;
        this.#offerKey(k, tier, wantOptions ? matchedNames : null, matchedTiers);
        pos = hay.indexOf(q, start + len + 1);
      }
    } else {
      const needle = `\n${q}`;
      for (let pos = hay.indexOf(needle); pos >= 0; ) {
        const k = this.#keyAt(pos + 1);
        const len = this.#keyLen[k]!;
        this.#offerKey(k, len === 1 ? 0 : 1, wantOptions ? matchedNames : null, matchedTiers);
        pos = hay.indexOf(needle, this.#keyStart[k]! + len);
      }
    }

    // Options: only when the better groups left room.
    if (wantOptions && !this.#full()) {
      const qu = q.toUpperCase();
      const sym = this.#s.symbol;
      if (/\d/.test(q)) {
        for (let len = Math.min(qu.length - 1, 40); len >= 1; len--) {
          for (const id of this.#ni.nameIds(qu.slice(0, len))) {
            const rows = this.#ni.optionRows(id);
            for (let r = 0; r < rows.length; r++) {
              const row = rows[r]!;
              if (sym[row]!.startsWith(qu)) this.#offer(row, sym[row]!.length === qu.length ? 0 : 1, len);
            }
          }
        }
      }
      const need = this.#limit;
      for (let m = 0; m < matchedNames.length; m++) {
        const id = matchedNames[m]!;
        const rows = this.#ni.optionRows(id);
        const nameLen = this.#s.names[id]!.length;
        const n = Math.min(rows.length, need);
        for (let r = 0; r < n; r++) this.#offer(rows[r]!, matchedTiers[m]!, nameLen);
      }
    }

    // Pass 2: subsequence (one compiled RegExp over all keys), only when still short of results.
    if (allowSub && !this.#full()) {
      const esc = [...q].map((c) => c.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'));
      const re = new RegExp(esc.join('[^\\n]*'), 'g');
      for (let m = re.exec(hay); m !== null; m = re.exec(hay)) {
        const k = this.#keyAt(m.index);
        this.#offerKey(k, 3, null, matchedTiers);
        re.lastIndex = this.#keyStart[k]! + this.#keyLen[k]! + 1;
      }
    }
    return this.#topRow.slice();
  }
}
