// Runs every golden frame of fixtures/feed/ through the codec (see fixtures/feed/README.md).
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import {
  type DepthLevel,
  decodeFeedPacket,
  encodeFeedPacket,
  FeedDecodeError,
  type FeedTick,
  feedPriceDivisor,
} from '../src/feed/index.js';

interface FeedFixture {
  name: string;
  source: string;
  category: 'nominal' | 'edge' | 'malformed';
  length: number;
  expected?: FeedTick;
  expectedError?: string;
  expectedLenient?: FeedTick;
  encode?: 'exact' | 'canonical';
  encodeNote?: string;
  note?: string;
}

interface Case {
  id: string;
  hex: string;
  fixture: FeedFixture;
}

const root = new URL('../../../fixtures/feed/', import.meta.url);

function loadCases(): Case[] {
  const cases: Case[] = [];
  for (const dir of readdirSync(root, { withFileTypes: true })) {
    if (!dir.isDirectory()) continue;
    const folder = new URL(`${dir.name}/`, root);
    const files = readdirSync(folder);
    for (const file of files.filter((f) => f.endsWith('.hex')).sort()) {
      const stem = file.slice(0, -'.hex'.length);
      assert.ok(files.includes(`${stem}.json`), `${dir.name}/${stem}.json is missing`);
      cases.push({
        id: `${dir.name}/${stem}`,
        hex: readFileSync(new URL(file, folder), 'utf8').trim(),
        fixture: JSON.parse(readFileSync(new URL(`${stem}.json`, folder), 'utf8')) as FeedFixture,
      });
    }
  }
  return cases;
}

const fromHex = (hex: string): Uint8Array => Uint8Array.from(Buffer.from(hex, 'hex'));
const toHex = (bytes: Uint8Array): string => Buffer.from(bytes).toString('hex');

/**
 * The frame encodeFeedPacket must produce for a decoded frame: token bytes after the first NUL zeroed,
 * SnapQuote OI-change-% (offset 139) zeroed and best-five flags rewritten by position (1 bids, 0 asks).
 */
function canonicalHex(hex: string): string {
  const b = fromHex(hex);
  const nul = b.subarray(2, 27).indexOf(0);
  if (nul >= 0) b.fill(0, 2 + nul, 27);
  if (b[0] === 3) {
    b.fill(0, 139, 147);
    for (let i = 0; i < 10; i++) {
      b[147 + 20 * i] = i < 5 ? 1 : 0;
      b[148 + 20 * i] = 0;
    }
  }
  return toHex(b);
}

const PRICE_KEYS = [
  'lastTradedPrice',
  'averageTradedPrice',
  'openPrice',
  'highPrice',
  'lowPrice',
  'closePrice',
  'upperCircuit',
  'lowerCircuit',
  'high52Week',
  'low52Week',
] as const;

/** Raw prices of a tick (fields and levels). */
function rawPrices(tick: FeedTick): number[] {
  const t = tick as unknown as Record<string, unknown>;
  const out: number[] = [];
  for (const k of PRICE_KEYS) if (typeof t[k] === 'number') out.push(t[k] as number);
  for (const side of ['bestBids', 'bestAsks']) {
    for (const l of (t[side] as DepthLevel[] | undefined) ?? []) out.push(l.price);
  }
  return out;
}

/** The rawPrices tick with every price divided as the spec says (÷100, ÷10^7 for exchangeType 13). */
function toRupees(tick: FeedTick): FeedTick {
  const div = feedPriceDivisor(tick.exchangeType);
  const t: Record<string, unknown> = { ...tick };
  for (const k of PRICE_KEYS) if (typeof t[k] === 'number') t[k] = (t[k] as number) / div;
  for (const side of ['bestBids', 'bestAsks']) {
    const levels = t[side] as DepthLevel[] | undefined;
    if (levels) t[side] = levels.map((l) => ({ ...l, price: l.price / div }));
  }
  return t as unknown as FeedTick;
}

const cases = loadCases();

describe('feed fixtures', () => {
  it('has all 51 frames of the shared vectors', () => {
    assert.equal(cases.length, 51);
    for (const c of cases) assert.equal(c.hex.length / 2, c.fixture.length, c.id);
  });

  for (const { id, hex, fixture } of cases) {
    const { expected, expectedError, expectedLenient } = fixture;
    if (expected !== undefined) {
      describe(id, () => {
        it('decodes (rawPrices) to the expected tick', () => {
          assert.deepEqual(decodeFeedPacket(fromHex(hex), { rawPrices: true }), expected);
        });

        it('decodes to rupee prices by default', () => {
          assert.deepEqual(decodeFeedPacket(fromHex(hex)), toRupees(expected));
        });

        it(`re-encodes (rawPrices) to the ${fixture.encode} frame`, () => {
          const canonical = canonicalHex(hex);
          if (fixture.encode === 'exact') assert.equal(canonical, hex, 'exact case must be canonical');
          else assert.notEqual(canonical, hex, `canonical case must differ: ${fixture.encodeNote}`);
          assert.equal(toHex(encodeFeedPacket(expected, { rawPrices: true })), canonical);
        });

        // Rupee round-trip is exact for whole paise below 2^50 (INT64 extremes are not).
        if (rawPrices(expected).every((p) => Math.abs(p) < 2 ** 50)) {
          it('re-encodes from rupee prices', () => {
            assert.equal(toHex(encodeFeedPacket(decodeFeedPacket(fromHex(hex)))), canonicalHex(hex));
          });
        }
      });
    } else {
      describe(id, () => {
        it(`throws FeedDecodeError ${expectedError}`, () => {
          assert.ok(expectedError, 'malformed fixture without expectedError');
          assert.throws(
            () => decodeFeedPacket(fromHex(hex)),
            (e: unknown) => e instanceof FeedDecodeError && e.code === expectedError,
          );
        });
        if (expectedLenient !== undefined) {
          it('decodes with { strict: false }', () => {
            assert.deepEqual(
              decodeFeedPacket(fromHex(hex), { rawPrices: true, strict: false }),
              expectedLenient,
            );
          });
        }
      });
    }
  }
});
