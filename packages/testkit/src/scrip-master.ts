/**
 * Deterministic synthetic scrip master shaped like the venue's file: NSE/BSE cash (several series),
 * indices, NFO/BFO index options over many weekly expiries and strikes, stock futures and options, MCX
 * commodities, CDS currency contracts — every value a string, as on the wire.
 */
import { formatExpiry, istToEpoch } from '@smartapi-ts/protocol';

/** One wire row. */
export interface WireRow {
  token: string;
  symbol: string;
  name: string;
  expiry: string;
  strike: string;
  lotsize: string;
  instrumenttype: string;
  exch_seg: string;
  tick_size: string;
}

/**
 * One scrip-master row as the venue writes it (every value a string): a cash listing unless
 * `instrumenttype` and `expiry` say otherwise; strike -1, lot 1 and tick 5 paise by default.
 */
export function wireRow(
  token: string,
  symbol: string,
  name: string,
  exch_seg: string,
  more: Partial<Omit<WireRow, 'token' | 'symbol' | 'name' | 'exch_seg'>> = {},
): WireRow {
  return {
    token,
    symbol,
    name,
    expiry: '',
    strike: '-1.000000',
    lotsize: '1',
    instrumenttype: '',
    exch_seg,
    tick_size: '5.000000',
    ...more,
  };
}

/** Small deterministic PRNG (mulberry32). */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const LETTERS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ';

/** Expiry as `DDMMMYYYY` and the `DDMMMYY` used in symbols. */
function expiryOf(ms: number): { text: string; short: string } {
  const text = formatExpiry(ms);
  return { text, short: text.slice(0, 5) + text.slice(7) };
}

/** Thursdays (weekly expiries) from a start date. */
function weeklyExpiries(count: number, startMs: number): number[] {
  const out: number[] = [];
  let t = startMs;
  while (new Date(t + 19_800_000).getUTCDay() !== 4) t += 86_400_000;
  for (let i = 0; i < count; i++) out.push(t + i * 7 * 86_400_000);
  return out;
}

/** Last Thursdays of consecutive months. */
function monthlyExpiries(count: number, year: number, month: number): number[] {
  const out: number[] = [];
  for (let i = 0; i < count; i++) {
    const y = year + Math.floor((month - 1 + i) / 12);
    const m = ((month - 1 + i) % 12) + 1;
    let d = new Date(Date.UTC(y, m, 0)).getUTCDate();
    while (new Date(Date.UTC(y, m - 1, d)).getUTCDay() !== 4) d--;
    out.push(istToEpoch(y, m, d));
  }
  return out;
}

/**
 * Generates exactly `total` rows (default 160 000). `startMs` (epoch ms) dates the expiries: weekly
 * series from the first Thursday on or after it, monthly ones from its month (default 1 Jan 2024).
 */
export function generateScripMaster(total = 160_000, seed = 42, startMs?: number): WireRow[] {
  const rand = rng(seed);
  const rows: WireRow[] = [];
  let token = 10_000;
  const push = (r: Omit<WireRow, 'token'> & { token?: string }) =>
    rows.push({ token: String(token++), ...r });
  const word = (len: number) => {
    let s = '';
    for (let i = 0; i < len; i++) s += LETTERS[Math.floor(rand() * 26)];
    return s;
  };
  const cash = (symbol: string, name: string, ex: string, tick = '5.000000') =>
    rows.push(wireRow(String(token++), symbol, name, ex, { tick_size: tick }));
  const fut = (name: string, e: number, lot: number, ex: string, type: string, tick = '5.000000') => {
    const x = expiryOf(e);
    push({
      symbol: `${name}${x.short}FUT`,
      name,
      expiry: x.text,
      strike: '-1.000000',
      lotsize: String(lot),
      instrumenttype: type,
      exch_seg: ex,
      tick_size: tick,
    });
  };
  const opts = (
    name: string,
    e: number,
    lot: number,
    ex: string,
    type: string,
    center: number,
    step: number,
    n: number,
  ) => {
    const x = expiryOf(e);
    const first = Math.max(step, Math.round(center / step) * step - Math.floor(n / 2) * step);
    for (let k = 0; k < n; k++) {
      const strike = first + k * step;
      for (const ot of ['CE', 'PE']) {
        push({
          symbol: `${name}${x.short}${strike}${ot}`,
          name,
          expiry: x.text,
          strike: `${(strike * 100).toFixed(6)}`,
          lotsize: String(lot),
          instrumenttype: type,
          exch_seg: ex,
          tick_size: '5.000000',
        });
      }
    }
  };

  // Cash: 2 600 NSE companies (EQ; some also BE/BL/other series), their BSE listings, plus BSE-only names.
  const companies: string[] = [
    'SBIN',
    'RELIANCE',
    'INFY',
    'TCS',
    'HDFCBANK',
    'ICICIBANK',
    'TATAMOTORS',
    'TATASTEEL',
    'ITC',
    'LT',
  ];
  const seen = new Set(companies);
  while (companies.length < 2_600) {
    const w = word(3 + Math.floor(rand() * 8));
    if (!seen.has(w)) {
      seen.add(w);
      companies.push(w);
    }
  }
  for (const c of companies) {
    cash(`${c}-EQ`, c, 'NSE');
    if (rand() < 0.15) cash(`${c}-BE`, c, 'NSE');
    if (rand() < 0.3) cash(`${c}-BL`, c, 'NSE');
    if (rand() < 0.3) cash(`${c}-${['N1', 'N2', 'GB', 'SM', 'IV'][Math.floor(rand() * 5)]}`, c, 'NSE');
  }
  for (const c of companies) cash(c, c, 'BSE');
  for (let i = 0; i < 9_000; i++) {
    const w = `${word(4 + Math.floor(rand() * 6))}${i}`;
    cash(w, w, 'BSE', '1.000000');
  }
  for (const [sym, name] of [
    ['Nifty 50', 'NIFTY'],
    ['Nifty Bank', 'BANKNIFTY'],
    ['Nifty Fin Service', 'FINNIFTY'],
    ['NIFTY MID SELECT', 'MIDCPNIFTY'],
  ] as const) {
    push({
      symbol: sym,
      name,
      expiry: '',
      strike: '0.000000',
      lotsize: '1',
      instrumenttype: 'AMXIDX',
      exch_seg: 'NSE',
      tick_size: '0.000000',
    });
  }
  for (const [sym, name] of [
    ['SENSEX', 'SENSEX'],
    ['BANKEX', 'BANKEX'],
  ] as const) {
    push({
      symbol: sym,
      name,
      expiry: '',
      strike: '0.000000',
      lotsize: '1',
      instrumenttype: 'AMXIDX',
      exch_seg: 'BSE',
      tick_size: '0.000000',
    });
  }

  const start = startMs ?? istToEpoch(2024, 1, 1);
  const startDate = new Date(start + 19_800_000);
  const [y0, m0] = [startDate.getUTCFullYear(), startDate.getUTCMonth() + 1];
  // A month whose last Thursday has passed starts with the next month's contracts.
  const monthsFrom = (n: number) =>
    monthlyExpiries(n + 1, y0, m0)
      .filter((e) => e >= start)
      .slice(0, n);
  const monthly = monthsFrom(3);
  // Index derivatives: weekly options, monthly futures.
  const indices: [string, number, number, number, string][] = [
    ['NIFTY', 22_000, 50, 50, 'NFO'],
    ['BANKNIFTY', 47_000, 100, 15, 'NFO'],
    ['FINNIFTY', 21_000, 50, 40, 'NFO'],
    ['MIDCPNIFTY', 10_500, 25, 75, 'NFO'],
    ['SENSEX', 72_000, 100, 10, 'BFO'],
    ['BANKEX', 54_000, 100, 15, 'BFO'],
  ];
  for (const [name, center, step, lot, ex] of indices) {
    for (const e of monthly) fut(name, e, lot, ex, 'FUTIDX', '10.000000');
    for (const e of weeklyExpiries(ex === 'NFO' ? 14 : 8, start))
      opts(name, e, lot, ex, 'OPTIDX', center, step, 150);
  }
  // Stock derivatives on 190 names, 3 monthly expiries.
  for (const c of companies.slice(0, 190)) {
    const price = 100 + Math.floor(rand() * 3_000);
    const lot = [250, 500, 700, 1_500, 3_000][Math.floor(rand() * 5)]!;
    const step = price > 1_000 ? 20 : price > 300 ? 10 : 5;
    for (const e of monthly) {
      fut(c, e, lot, 'NFO', 'FUTSTK');
      opts(c, e, lot, 'NFO', 'OPTSTK', price, step, 80);
    }
  }
  // MCX: 30 commodities × 6 monthly futures; options on 10 of them.
  const mcxMonths = monthsFrom(6);
  for (let i = 0; i < 30; i++) {
    const name = i === 0 ? 'CRUDEOIL' : i === 1 ? 'GOLD' : `${word(5)}M`;
    for (const e of mcxMonths) fut(name, e - 6 * 86_400_000, 100, 'MCX', 'FUTCOM', '100.000000');
    if (i < 10)
      for (const e of mcxMonths.slice(0, 4))
        opts(name, e - 9 * 86_400_000, 100, 'MCX', 'OPTFUT', 6_000, 50, 80);
  }
  // CDS: 8 pairs × 10 weekly futures and options.
  for (const pair of ['USDINR', 'EURINR', 'GBPINR', 'JPYINR', 'EURUSD', 'GBPUSD', 'USDJPY', 'AUDINR']) {
    for (const e of weeklyExpiries(10, start + 86_400_000)) {
      fut(pair, e, 1_000, 'CDS', 'FUTCUR', '0.250000');
      opts(pair, e, 1_000, 'CDS', 'OPTCUR', 83, 1, 60);
    }
  }
  // Fill to the exact total with BSE debt-like rows, or truncate.
  while (rows.length < total) {
    const w = `${word(6)}${rows.length}`;
    cash(w, w, 'BSE', '1.000000');
  }
  rows.length = total;
  return rows;
}
