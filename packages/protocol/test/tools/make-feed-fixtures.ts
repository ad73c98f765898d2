/**
 * Generates fixtures/feed/<mode>/<case>.hex + .json from the shared WebSocket V2 vectors
 * (shared/fixtures/ws-v2-vectors.json: 51 frames plus what the two official parsers decoded).
 *
 *   npx tsx packages/protocol/test/tools/make-feed-fixtures.ts [path/to/ws-v2-vectors.json]
 *
 * The expected values are derived from each vector's `fields` (what the vector generator encoded),
 * mapped to our camelCase tick shape and to the spec's decisions (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20).
 * The codec itself is NOT used here, so the fixture test really checks the decoder.
 * Run once; the output is committed. Tests never read outside the repository.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '../../../..');
const vectorsPath = resolve(process.argv[2] ?? join(repo, '../shared/fixtures/ws-v2-vectors.json'));
const outDir = join(repo, 'fixtures/feed');

type Wire = number | string; // decimal strings for integers outside ±(2^53 − 1)

interface VectorLevel {
  flag?: number;
  quantity: Wire;
  price: Wire;
  orders: number;
}

interface VectorFields {
  mode: number;
  exchange_type: number;
  token: string | { bytes_hex: string };
  sequence_number?: Wire;
  exchange_timestamp: Wire;
  packet_received_time?: Wire;
  last_traded_price?: Wire;
  last_traded_quantity?: Wire;
  average_traded_price?: Wire;
  volume?: Wire;
  total_buy_quantity?: Wire;
  total_sell_quantity?: Wire;
  open?: Wire;
  high?: Wire;
  low?: Wire;
  close?: Wire;
  last_traded_timestamp?: Wire;
  open_interest?: Wire;
  open_interest_change?: Wire;
  oi_change_encoding?: string;
  best_five?: VectorLevel[];
  upper_circuit?: Wire;
  lower_circuit?: Wire;
  week52_high?: Wire;
  week52_low?: Wire;
  buy?: VectorLevel[];
  sell?: VectorLevel[];
}

interface Disagreement {
  field: string;
  python: unknown;
  js: unknown;
}

interface Vector {
  name: string;
  mode: number;
  exchange_type: number;
  category: 'nominal' | 'edge' | 'malformed';
  description: string;
  length: number;
  hex: string;
  fields: VectorFields | null;
  python_decoded: Record<string, unknown> | null;
  disagreements: Disagreement[];
}

const MODE_DIR: Record<number, string> = { 1: 'ltp', 2: 'quote', 3: 'snap-quote', 4: 'depth-20' };
const PACKET_SIZE: Record<number, number> = { 1: 51, 2: 123, 3: 379, 4: 443 };
const MAX_SAFE = 2 ** 53 - 1;

/** int64 wire value → the JS number the spec'd decoder returns (Number(): nearest double). */
function num(v: Wire | undefined, what: string): number {
  if (v === undefined) throw new Error(`missing ${what}`);
  return typeof v === 'string' ? Number(BigInt(v)) : v;
}

function isBig(v: unknown): boolean {
  return typeof v === 'string' && /^-?\d+$/.test(v) && (BigInt(v) > MAX_SAFE || BigInt(v) < -MAX_SAFE);
}

/** docs/protocol/websocket.md#tick-packet: token = bytes up to the first NUL; we map each byte to one latin1 character. */
function tokenOf(t: VectorFields['token']): { token: string; garbageAfterNul: boolean } {
  if (typeof t === 'string') return { token: t, garbageAfterNul: false };
  const bytes = Buffer.from(t.bytes_hex, 'hex');
  const nul = bytes.indexOf(0);
  const end = nul < 0 ? bytes.length : nul;
  return {
    token: bytes.subarray(0, end).toString('latin1'),
    garbageAfterNul: nul >= 0 && bytes.subarray(nul).some((b) => b !== 0),
  };
}

/** docs/protocol/websocket.md#best-five: order count is int16. */
const int16 = (x: number): number => (x << 16) >> 16;

function level(l: VectorLevel, what: string) {
  return {
    price: num(l.price, `${what}.price`),
    quantity: num(l.quantity, `${what}.quantity`),
    orders: int16(l.orders),
  };
}

function expectedTick(f: VectorFields): Record<string, unknown> {
  const head = { mode: f.mode, exchangeType: f.exchange_type, token: tokenOf(f.token).token };
  if (f.mode === 4) {
    const buy = f.buy ?? [];
    const sell = f.sell ?? [];
    if (buy.length !== 20 || sell.length !== 20) throw new Error('depth-20 needs 20 levels per side');
    return {
      ...head,
      exchangeTimestamp: num(f.exchange_timestamp, 'exchange_timestamp'),
      packetReceivedTime: num(f.packet_received_time, 'packet_received_time'),
      bestBids: buy.map((l, i) => level(l, `buy[${i}]`)),
      bestAsks: sell.map((l, i) => level(l, `sell[${i}]`)),
    };
  }
  const ltp = {
    ...head,
    sequenceNumber: num(f.sequence_number, 'sequence_number'),
    exchangeTimestamp: num(f.exchange_timestamp, 'exchange_timestamp'),
    lastTradedPrice: num(f.last_traded_price, 'last_traded_price'),
  };
  if (f.mode === 1) return ltp;
  const quote = {
    ...ltp,
    lastTradedQuantity: num(f.last_traded_quantity, 'last_traded_quantity'),
    averageTradedPrice: num(f.average_traded_price, 'average_traded_price'),
    volumeTradedForTheDay: num(f.volume, 'volume'),
    totalBuyQuantity: num(f.total_buy_quantity, 'total_buy_quantity'),
    totalSellQuantity: num(f.total_sell_quantity, 'total_sell_quantity'),
    openPrice: num(f.open, 'open'),
    highPrice: num(f.high, 'high'),
    lowPrice: num(f.low, 'low'),
    closePrice: num(f.close, 'close'),
  };
  if (f.mode === 2) return quote;
  const five = f.best_five ?? [];
  if (five.length !== 10) throw new Error('best five needs 10 entries');
  return {
    ...quote,
    lastTradedTimestamp: num(f.last_traded_timestamp, 'last_traded_timestamp'),
    openInterest: num(f.open_interest, 'open_interest'),
    // docs/protocol/websocket.md#best-five: split by position, whatever the flag says.
    bestBids: five.slice(0, 5).map((l, i) => level(l, `best_five[${i}]`)),
    bestAsks: five.slice(5).map((l, i) => level(l, `best_five[${i + 5}]`)),
    upperCircuit: num(f.upper_circuit, 'upper_circuit'),
    lowerCircuit: num(f.lower_circuit, 'lower_circuit'),
    high52Week: num(f.week52_high, 'week52_high'),
    low52Week: num(f.week52_low, 'week52_low'),
  };
}

/** Why encodeFeedPacket(decoded) cannot give back the very same bytes (empty: it can). */
function encodeDifferences(f: VectorFields): string[] {
  const why: string[] = [];
  if (tokenOf(f.token).garbageAfterNul) {
    why.push('bytes after the token NUL are not part of the token; encode writes NUL padding');
  }
  if (f.mode === 3) {
    if (f.open_interest_change !== 0) {
      why.push('the OI-change-% field (offset 139) is not decoded; encode writes 0.0');
    }
    const flags = (f.best_five ?? []).map((l) => l.flag);
    if (flags.some((flag, i) => flag !== (i < 5 ? 1 : 0))) {
      why.push(
        'best-five flags are not 1×5 then 0×5; sides are by position and encode writes flag 1 for bids, 0 for asks',
      );
    }
  }
  return why;
}

function expectedError(v: Vector): string {
  const bytes = Buffer.from(v.hex, 'hex');
  if (bytes.length === 0) return 'EMPTY';
  const size = PACKET_SIZE[bytes[0]!];
  if (size === undefined) return 'UNKNOWN_MODE';
  if (bytes.length < size) return 'TRUNCATED';
  if (bytes.length > size) return 'TOO_LONG';
  throw new Error(`${v.name}: malformed frame with a valid size`);
}

const SIGNED_NOTE =
  'JS reads seq / exchange timestamp / LTP of Quote and SnapQuote as uint64, Python as int64. docs/protocol/websocket.md#tick-packet types them int64 (signed); we follow Python: -1 stays -1.';

const DISAGREEMENT_NOTES: Record<string, (v: Vector) => string> = {
  last_traded_price: (v) =>
    v.mode === 1
      ? 'JS reads the LTP-mode price as int32 (low 4 bytes), Python as int64. docs/protocol/websocket.md#tick-packet: int64 in every mode; we follow Python.'
      : SIGNED_NOTE,
  sequence_number: () => SIGNED_NOTE,
  exchange_timestamp: (v) =>
    v.mode === 4
      ? 'Python reports bytes 35-42 (packet received time) as exchange_timestamp; JS and Java read it from bytes 27-34. docs/protocol/websocket.md#depth-20 sides with JS/Java: exchangeTimestamp at 27, packetReceivedTime at 35.'
      : SIGNED_NOTE,
  open_interest_change_percentage: () =>
    'Python reads the OI-change-% field (offset 139) as int64, JS as float64. docs/protocol/websocket.md#tick-packet: documented garbage; we do not decode it (no field in the tick) and encode writes 0.0.',
  best_5: () =>
    'Python splits the ten best-five entries by flag, JS by position. docs/protocol/websocket.md#best-five (and Java): by position, entries 0-4 are bids and 5-9 asks, whatever the flag; we follow JS.',
  orders: () =>
    'Python reads the best-five flag and order count as uint16, JS as int16. docs/protocol/websocket.md#best-five types them int16; we follow JS: 65535 decodes as -1, 32768 as -32768.',
  token: (v) =>
    v.name.includes('garbage')
      ? 'JS deletes the NULs but keeps later bytes ("3045XYZ"); Python stops at the first NUL. docs/protocol/websocket.md#tick-packet: the token is NUL-terminated; we follow Python ("3045").'
      : 'JS reads Quote/SnapQuote/Depth token bytes as int8 (0xE9 becomes U+FFE9); Python gives "é". We decode token bytes as latin1 (one character U+0000-U+00FF per byte), like Python.',
  '<frame>': () =>
    'Python returns an LTP-shaped dict with subscription_mode_val null; JS emits the raw Buffer. docs/protocol/websocket.md#tick-packet knows modes 1-4 only; we throw FeedDecodeError UNKNOWN_MODE.',
};

function noteKey(field: string): string {
  if (field.startsWith('best_5_') && /no of orders|no_of_orders/.test(field)) return 'orders';
  if (field.startsWith('best_5_')) return 'best_5';
  return field;
}

function notesFor(v: Vector): string[] {
  const notes = new Set<string>();
  for (const d of v.disagreements) {
    const make = DISAGREEMENT_NOTES[noteKey(d.field)];
    if (make === undefined) throw new Error(`${v.name}: no note for disagreement on ${d.field}`);
    notes.add(make(v));
  }
  if (v.name === 'ltp_token_non_ascii_byte') {
    notes.add(
      'Both parsers agree here (JS reads LTP tokens as uint8). We decode token bytes as latin1: 0xE9 → "é".',
    );
  }
  if (v.name === 'ltp_with_trailing_bytes') {
    notes.add(
      'Both official parsers ignore the trailing bytes. We reject the frame with TOO_LONG by default (one packet per frame, fixed sizes); with { strict: false } it decodes as expectedLenient.',
    );
  }
  return [...notes];
}

function caseName(v: Vector): string {
  const stem = v.name.replace(/^(malformed_)?(ltp_|quote_|snapquote_|snap_|depth20_|unknown_)?/, '');
  return (v.category === 'malformed' ? `malformed-${stem}` : stem).replaceAll('_', '-');
}

const vectors = JSON.parse(readFileSync(vectorsPath, 'utf8')) as Vector[];
rmSync(outDir, { recursive: true, force: true });
const written: string[] = [];
for (const v of vectors) {
  const bytes = Buffer.from(v.hex, 'hex');
  if (bytes.length !== v.length) throw new Error(`${v.name}: length ${v.length} != ${bytes.length}`);
  const dir = MODE_DIR[bytes[0]!] ?? 'unknown-mode';
  const name = caseName(v);
  const out: Record<string, unknown> = {
    name,
    source: `ws-v2-vectors.json#${v.name}`,
    description: v.description,
    category: v.category,
    length: v.length,
  };
  if (v.fields === null) {
    out.expectedError = expectedError(v);
    if (out.expectedError === 'TOO_LONG' && v.python_decoded !== null) {
      // The first PACKET_SIZE bytes are a well-formed packet; both official parsers agree on it.
      const p = v.python_decoded;
      out.expectedLenient = {
        mode: p.subscription_mode,
        exchangeType: p.exchange_type,
        token: p.token,
        sequenceNumber: p.sequence_number,
        exchangeTimestamp: p.exchange_timestamp,
        lastTradedPrice: p.last_traded_price,
      };
    }
  } else {
    if (v.fields.mode !== bytes[0]) throw new Error(`${v.name}: mode byte mismatch`);
    out.expected = expectedTick(v.fields);
    const why = encodeDifferences(v.fields);
    out.encode = why.length === 0 ? 'exact' : 'canonical';
    if (why.length > 0) out.encodeNote = `re-encoding gives the canonical frame: ${why.join('; ')}`;
    const big = (JSON.stringify(v.fields).match(/"-?\d+"/g) ?? []).some((q) => isBig(q.slice(1, -1)));
    if (big) {
      out.precisionNote =
        '64-bit fields are converted with Number(): values beyond ±2^53 lose precision (INT64_MAX decodes as 2^63, written 9223372036854776000 in JSON); encode writes 2^63 back as INT64_MAX.';
    }
  }
  const notes = notesFor(v);
  if (notes.length > 0) out.note = notes.join(' ');
  mkdirSync(join(outDir, dir), { recursive: true });
  writeFileSync(join(outDir, dir, `${name}.hex`), `${v.hex}\n`);
  // One line per price level keeps depth cases readable.
  const json = JSON.stringify(out, null, 2).replace(
    /\{\n\s+"price": ([^,\n]+),\n\s+"quantity": ([^,\n]+),\n\s+"orders": ([^\n]+)\n\s+\}/g,
    '{ "price": $1, "quantity": $2, "orders": $3 }',
  );
  writeFileSync(join(outDir, dir, `${name}.json`), `${json}\n`);
  written.push(`${dir}/${name}`);
}
writeFileSync(
  join(outDir, 'README.md'),
  `# Feed fixtures

One WebSocket V2 binary frame per case: \`<mode>/<case>.hex\` (the frame as lowercase hex, one line)
and \`<mode>/<case>.json\` (what it must decode to). Generated from \`shared/fixtures/ws-v2-vectors.json\`
by \`packages/protocol/test/tools/make-feed-fixtures.ts\` (run with \`npx tsx\`); do not edit by hand.

JSON fields:
- \`expected\`: the tick as \`decodeFeedPacket(bytes, { rawPrices: true })\` returns it (docs/protocol/websocket.md#tick-packet, #best-five, #depth-20), derived from the values the vector generator encoded, not from our decoder.
- \`expectedError\`: the \`FeedDecodeError.code\` for a malformed frame; \`expectedLenient\`: the tick with \`{ strict: false }\`.
- \`encode\`: \`exact\` when \`encodeFeedPacket(expected, { rawPrices: true })\` gives back these bytes;
  \`canonical\` when it gives the canonical frame instead (\`encodeNote\` says why: OI-change-% zeroed,
  best-five flags by position, NUL padding after the token).
- \`note\`: where the official Python and JS parsers disagree, which side the spec takes.
- \`precisionNote\`: the frame has 64-bit values beyond ±2^53 (they decode with Number() rounding).

${written.length} cases.
`,
);
console.log(`wrote ${written.length} cases to ${outDir}`);
