import assert from 'node:assert/strict';
import { test } from 'node:test';
import { buildSymbol, formatStrike, parseSymbol } from '../src/instruments/index.js';

test('parseSymbol reads options, futures (with the expiry day) and cash symbols', () => {
  const o = parseSymbol('NIFTY25JAN2418000CE');
  assert.ok(o && o.kind === 'OPT');
  assert.equal(o.name, 'NIFTY');
  assert.equal(o.strike, 18000);
  assert.equal(o.optionType, 'CE');
  assert.equal(o.expiryText, '25JAN2024');
  assert.equal(o.expiry.toISOString(), '2024-01-24T18:30:00.000Z');

  const w = parseSymbol('MIDCPNIFTY18MAR249500PE');
  assert.ok(w && w.kind === 'OPT');
  assert.equal(w.name, 'MIDCPNIFTY');
  assert.equal(w.strike, 9500);
  assert.equal(w.optionType, 'PE');

  const f = parseSymbol('nifty28mar24fut');
  assert.ok(f && f.kind === 'FUT');
  assert.equal(f.name, 'NIFTY');
  assert.equal(f.expiryText, '28MAR2024');

  assert.deepEqual(parseSymbol('SBIN-EQ'), { kind: 'EQ', name: 'SBIN', series: 'EQ' });
  assert.deepEqual(parseSymbol('BAJAJ-AUTO-EQ'), { kind: 'EQ', name: 'BAJAJ-AUTO', series: 'EQ' });
  assert.equal(parseSymbol('M&M25JAN241600CE')?.name, 'M&M');
  assert.equal(parseSymbol('HDFCBANK25JAN24FUT')?.kind, 'FUT');
});

test("parseSymbol rejects what is not a venue symbol (incl. the seed's wrong futures format)", () => {
  assert.equal(parseSymbol('NIFTYJAN24FUT'), undefined, 'the month-only futures format lacks the expiry day');
  assert.equal(parseSymbol('NIFTY31FEB24FUT'), undefined, 'impossible date');
  assert.equal(parseSymbol('NIFTY25XYZ2418000CE'), undefined);
  assert.equal(parseSymbol('TITAN'), undefined);
  assert.equal(parseSymbol('Nifty 50'), undefined);
  assert.equal(parseSymbol(''), undefined);
});

test('buildSymbol writes the venue formats from Date or text expiries', () => {
  assert.equal(
    buildSymbol({ kind: 'OPT', name: 'NIFTY', expiry: '25JAN2024', strike: 18000, optionType: 'CE' }),
    'NIFTY25JAN2418000CE',
  );
  assert.equal(
    buildSymbol({ kind: 'OPT', name: 'nifty', expiry: '2024-03-07', strike: 22500, optionType: 'PE' }),
    'NIFTY07MAR2422500PE',
  );
  // A Date is read in IST: 2024-03-27T20:00Z is 28 Mar 01:30 IST.
  assert.equal(
    buildSymbol({ kind: 'FUT', name: 'NIFTY', expiry: new Date('2024-03-27T20:00:00Z') }),
    'NIFTY28MAR24FUT',
  );
  assert.equal(buildSymbol({ kind: 'EQ', name: 'sbin' }), 'SBIN-EQ');
  assert.equal(buildSymbol({ kind: 'EQ', name: 'SBIN', series: 'be' }), 'SBIN-BE');
  assert.equal(formatStrike(102.5), '102.5');
  assert.equal(formatStrike(22500), '22500');
  assert.throws(() => buildSymbol({ kind: 'FUT', name: 'NIFTY', expiry: 'someday' }), RangeError);
  assert.throws(
    () => buildSymbol({ kind: 'OPT', name: 'NIFTY', expiry: '25JAN2024', strike: -5, optionType: 'CE' }),
    RangeError,
  );
  assert.throws(() => buildSymbol({ kind: 'EQ', name: ' ' }), RangeError);
});

test('build → parse round trip over many generated contracts', () => {
  const names = ['NIFTY', 'BANKNIFTY', 'FINNIFTY', 'SBIN', 'M&M', 'BAJAJ-AUTO', 'CRUDEOIL'];
  let n = 0;
  for (const name of names) {
    for (let d = 0; d < 400; d += 7) {
      const expiry = new Date(Date.UTC(2024, 0, 1 + d, 10));
      for (const strike of [50, 9500, 18000, 102.5]) {
        for (const optionType of ['CE', 'PE'] as const) {
          const sym = buildSymbol({ kind: 'OPT', name, expiry, strike, optionType });
          const p = parseSymbol(sym);
          assert.ok(p && p.kind === 'OPT', sym);
          assert.equal(p.name, name, sym);
          assert.equal(p.strike, strike, sym);
          assert.equal(p.optionType, optionType, sym);
          assert.equal(
            buildSymbol({ kind: 'OPT', name: p.name, expiry: p.expiry, strike: p.strike, optionType }),
            sym,
          );
          n++;
        }
      }
      const fut = buildSymbol({ kind: 'FUT', name, expiry });
      assert.equal(parseSymbol(fut)?.kind, 'FUT');
    }
  }
  assert.ok(n > 3000);
});
