/**
 * Baseline decoders for the codec benchmark. None is used by the library.
 *
 * `officialStyleDecode` decodes a frame the way the official JS SDK (smartapi-javascript
 * `lib/websocket2.0.js`, npm 1.0.27) does: for every message it builds fresh parsers with the
 * `binary-parser` fluent chain (uint8 mode, uint8/int8 token bytes, int64/uint64 fields, nested
 * best-five parser), parses with 64-bit values as BigInt and formats every value with `toString()`;
 * the token is built char by char, `JSON.stringify`-ed and stripped of `\u0000`. When the
 * `binary-parser` package is installed it is used as is; otherwise `MiniParser` re-implements the
 * subset of it the SDK uses with the same strategy (code generation + `new Function` on the first
 * parse of each new parser). `OFFICIAL_PARSER` says which one ran.
 *
 * `naiveDecode` is a straightforward hand-written decoder: a new DataView per frame and
 * `Number(getBigInt64())` per 64-bit field, same output shape as ours.
 */

type FieldType = 'uint8' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint64' | 'doublele';

interface Field {
  name: string;
  type: FieldType | 'bytes' | 'nested';
  length?: number;
  element?: 'uint8' | 'int8';
  nested?: MiniParser;
  lengthInBytes?: number;
  formatter?: (v: unknown) => unknown;
}

const SIZES: Record<FieldType, number> = {
  uint8: 1,
  int8: 1,
  int16: 2,
  int32: 4,
  int64: 8,
  uint64: 8,
  doublele: 8,
};

const READERS: Record<FieldType, string> = {
  uint8: 'getUint8(offset)',
  int8: 'getInt8(offset)',
  int16: 'getInt16(offset, true)',
  int32: 'getInt32(offset, true)',
  int64: 'getBigInt64(offset, true)',
  uint64: 'getBigUint64(offset, true)',
  doublele: 'getFloat64(offset, true)',
};

type Compiled = (buf: Uint8Array, imports: unknown[]) => Record<string, unknown>;

/**
 * The subset of binary-parser's fluent API the SDK uses (little-endian only), with the same strategy:
 * on the first `parse()` the description is compiled to JavaScript source and turned into a function
 * with `new Function`. A new parser per message therefore means code generation per message.
 */
export class MiniParser {
  private readonly fields: Field[] = [];
  private compiled: Compiled | undefined;

  endianness(_e: 'little' | 'big'): this {
    return this;
  }

  private add(name: string, type: FieldType, formatter?: (v: unknown) => unknown): this {
    this.fields.push(formatter ? { name, type, formatter } : { name, type });
    return this;
  }

  uint8(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'uint8', o?.formatter);
  }
  int16(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'int16', o?.formatter);
  }
  int32(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'int32', o?.formatter);
  }
  int64(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'int64', o?.formatter);
  }
  uint64(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'uint64', o?.formatter);
  }
  doublele(name: string, o?: { formatter?: (v: unknown) => unknown }): this {
    return this.add(name, 'doublele', o?.formatter);
  }

  array(
    name: string,
    o: {
      type: 'uint8' | 'int8' | MiniParser;
      length?: number;
      lengthInBytes?: number;
      formatter?: (v: unknown) => unknown;
    },
  ): this {
    if (o.type instanceof MiniParser) {
      this.fields.push({ name, type: 'nested', nested: o.type, lengthInBytes: o.lengthInBytes ?? 0 });
    } else {
      const f: Field = { name, type: 'bytes', element: o.type, length: o.length ?? 0 };
      if (o.formatter) f.formatter = o.formatter;
      this.fields.push(f);
    }
    return this;
  }

  /** Emits the statements that fill `target` from `dataView` at `offset`. */
  private generate(target: string, imports: unknown[], depth: number): string {
    let code = '';
    for (const f of this.fields) {
      const into = `${target}[${JSON.stringify(f.name)}]`;
      if (f.type === 'bytes') {
        const reader = READERS[f.element ?? 'uint8'];
        code += `${into} = [];\nfor (var i${depth} = 0; i${depth} < ${f.length}; i${depth}++) { ${into}.push(dataView.${reader}); offset += 1; }\n`;
      } else if (f.type === 'nested') {
        const item = `item${depth}`;
        code += `${into} = [];\nvar end${depth} = offset + ${f.lengthInBytes};\nwhile (offset < end${depth}) {\nvar ${item} = {};\n`;
        code += (f.nested as MiniParser).generate(item, imports, depth + 1);
        code += `${into}.push(${item});\n}\n`;
      } else {
        code += `${into} = dataView.${READERS[f.type]};\noffset += ${SIZES[f.type]};\n`;
      }
      if (f.formatter) {
        imports.push(f.formatter);
        code += `${into} = imports[${imports.length - 1}].call(${target}, ${into});\n`;
      }
    }
    return code;
  }

  parse(buf: Uint8Array): Record<string, unknown> {
    if (this.compiled === undefined) {
      const imports: unknown[] = [];
      const body = this.generate('vars', imports, 0);
      const src = `var dataView = new DataView(buffer.buffer, buffer.byteOffset, buffer.length);\nvar offset = 0;\nvar vars = {};\n${body}return vars;`;
      const fn = new Function('buffer', 'imports', src) as Compiled;
      this.compiled = (b) => fn(b, imports);
    }
    return this.compiled(buf, []);
  }
}

/** The parser class the official-style decode uses: binary-parser when installed, else MiniParser. */
let Parser: new () => MiniParser = MiniParser;
/** Which parser implementation `officialStyleDecode` runs on. */
export let OFFICIAL_PARSER = 'MiniParser, a binary-parser re-implementation (package not installed)';
try {
  const pkg = 'binary-parser';
  Parser = ((await import(pkg)) as { Parser: new () => MiniParser }).Parser;
  OFFICIAL_PARSER = 'binary-parser';
} catch {
  // not installed: keep MiniParser
}

const str = (v: unknown): unknown => String(v);

/** The SDK's token formatter: chars joined, JSON.stringify-ed, NULs (as \u0000 escapes) removed. */
function tokenFormatter(v: unknown): unknown {
  const chars: string[] = [];
  for (const c of v as number[]) chars.push(String.fromCharCode(c));
  return JSON.stringify(chars.join('')).replaceAll('\\u0000', '');
}

function ltpParser(): MiniParser {
  return new Parser()
    .endianness('little')
    .uint8('subscription_mode', { formatter: str })
    .uint8('exchange_type', { formatter: str })
    .array('token', { type: 'uint8', length: 25, formatter: tokenFormatter })
    .int64('sequence_number', { formatter: str })
    .int64('exchange_timestamp', { formatter: str })
    .int32('last_traded_price', { formatter: str });
}

function snapQuoteParser(): MiniParser {
  const bestFive = new Parser()
    .endianness('little')
    .int16('flag', { formatter: str })
    .int64('quantity', { formatter: str })
    .int64('price', { formatter: str })
    .int16('no_of_orders', { formatter: str });
  return new Parser()
    .endianness('little')
    .uint8('subscription_mode', { formatter: str })
    .uint8('exchange_type', { formatter: str })
    .array('token', { type: 'int8', length: 25, formatter: tokenFormatter })
    .uint64('sequence_number', { formatter: str })
    .uint64('exchange_timestamp', { formatter: str })
    .uint64('last_traded_price', { formatter: str })
    .int64('last_traded_quantity', { formatter: str })
    .int64('avg_traded_price', { formatter: str })
    .int64('vol_traded', { formatter: str })
    .doublele('total_buy_quantity', { formatter: str })
    .doublele('total_sell_quantity', { formatter: str })
    .int64('open_price_day', { formatter: str })
    .int64('high_price_day', { formatter: str })
    .int64('low_price_day', { formatter: str })
    .int64('close_price', { formatter: str })
    .int64('last_traded_timestamp', { formatter: str })
    .int64('open_interest', { formatter: str })
    .doublele('open_interest_change', { formatter: str })
    .array('best_5_buy_data', { type: bestFive, lengthInBytes: 100 })
    .array('best_5_sell_data', { type: bestFive, lengthInBytes: 100 })
    .int64('upper_circuit', { formatter: str })
    .int64('lower_circuit', { formatter: str })
    .int64('fiftytwo_week_high', { formatter: str })
    .int64('fiftytwo_week_low', { formatter: str });
}

/** Official-SDK-style decode: a new parser description per message (see the file comment). */
export function officialStyleDecode(buf: Uint8Array): Record<string, unknown> | Uint8Array {
  const mode = new Parser().uint8('subscription_mode').parse(buf).subscription_mode;
  switch (mode) {
    case 1:
      return ltpParser().parse(buf);
    case 3:
      return snapQuoteParser().parse(buf);
    default:
      return buf;
  }
}

interface NaiveLevel {
  price: number;
  quantity: number;
  orders: number;
}

/** Naive decode: new DataView per frame, Number(getBigInt64()) per 64-bit field; our output shape. */
export function naiveDecode(buf: Uint8Array): Record<string, unknown> {
  const v = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const mode = v.getUint8(0);
  const exchangeType = v.getUint8(1);
  const div = exchangeType === 13 ? 1e7 : 100;
  let token = '';
  for (let i = 2; i < 27; i++) {
    const c = v.getUint8(i);
    if (c === 0) break;
    token += String.fromCharCode(c);
  }
  const i64 = (o: number) => Number(v.getBigInt64(o, true));
  const tick: Record<string, unknown> = {
    mode,
    exchangeType,
    token,
    sequenceNumber: i64(27),
    exchangeTimestamp: i64(35),
    lastTradedPrice: i64(43) / div,
  };
  if (mode === 1) return tick;
  tick.lastTradedQuantity = i64(51);
  tick.averageTradedPrice = i64(59) / div;
  tick.volumeTradedForTheDay = i64(67);
  tick.totalBuyQuantity = v.getFloat64(75, true);
  tick.totalSellQuantity = v.getFloat64(83, true);
  tick.openPrice = i64(91) / div;
  tick.highPrice = i64(99) / div;
  tick.lowPrice = i64(107) / div;
  tick.closePrice = i64(115) / div;
  if (mode === 2) return tick;
  tick.lastTradedTimestamp = i64(123);
  tick.openInterest = i64(131);
  const bids: NaiveLevel[] = [];
  const asks: NaiveLevel[] = [];
  for (let i = 0; i < 10; i++) {
    const o = 147 + 20 * i;
    const level = { price: i64(o + 10) / div, quantity: i64(o + 2), orders: v.getInt16(o + 18, true) };
    (i < 5 ? bids : asks).push(level);
  }
  tick.bestBids = bids;
  tick.bestAsks = asks;
  tick.upperCircuit = i64(347) / div;
  tick.lowerCircuit = i64(355) / div;
  tick.high52Week = i64(363) / div;
  tick.low52Week = i64(371) / div;
  return tick;
}
