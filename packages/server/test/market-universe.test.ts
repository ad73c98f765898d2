import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { istParts, istToEpoch, parseExpiry } from '@smartapi-ts/protocol';
import { wireRow } from '@smartapi-ts/testkit/scrip-master';
import { TradingCalendar } from '../src/market/calendar.js';
import { loadScripMaster, universeFromScripMaster } from '../src/market/scrip-master.js';
import {
  buildUniverse,
  effectiveFreeze,
  monthlyExpiries,
  optionSymbol,
  parseDerivativeSymbol,
  weeklyExpiries,
} from '../src/market/universe.js';

const DATE = istToEpoch(2026, 1, 6, 9, 15);
const cal = new TradingCalendar();

describe('built-in universe', () => {
  const u = buildUniverse({ date: DATE, seed: 7 });

  it('has unique tokens per exchange and one scrip-master row per instrument', () => {
    const seen = new Set<string>();
    for (const i of u.instruments) {
      const k = `${i.exchange}:${i.token}`;
      assert.ok(!seen.has(k), `duplicate ${k}`);
      seen.add(k);
    }
    assert.equal(u.scripMaster.length, u.instruments.length);
    assert.ok(u.instruments.length > 500);
  });

  it('lists the well-known real tokens', () => {
    const find = (ex: string, token: string) =>
      u.instruments.find((i) => i.exchange === ex && i.token === token);
    assert.equal(find('NSE', '3045')?.symbol, 'SBIN-EQ');
    assert.equal(find('NSE', '2885')?.symbol, 'RELIANCE-EQ');
    assert.equal(find('NSE', '1594')?.symbol, 'INFY-EQ');
    assert.equal(find('NSE', '12018')?.symbol, 'SUZLON-EQ');
    assert.equal(find('BSE', '500114')?.symbol, 'TITAN');
    assert.equal(find('BSE', '500112')?.symbol, 'SBIN');
    const nifty = find('NSE', '99926000');
    assert.equal(nifty?.instrumentType, 'AMXIDX');
    assert.equal(nifty?.tradable, false);
    assert.equal(find('NSE', '99926009')?.name, 'BANKNIFTY');
    assert.equal(find('NSE', '99926037')?.name, 'FINNIFTY');
    assert.match(find('NSE', '3045')?.isin ?? '', /^INE[0-9A-Z]{9}$/);
  });

  it('scrip-master rows are all strings in the venue format', () => {
    const row = u.scripMaster.find((r) => r.symbol === 'SBIN-EQ')!;
    assert.deepEqual(row, {
      token: '3045',
      symbol: 'SBIN-EQ',
      name: 'SBIN',
      expiry: '',
      strike: '-1.000000',
      lotsize: '1',
      instrumenttype: '',
      exch_seg: 'NSE',
      tick_size: '5.000000',
    });
    for (const r of u.scripMaster) for (const v of Object.values(r)) assert.equal(typeof v, 'string');
    const opt = u.scripMaster.find((r) => r.instrumenttype === 'OPTIDX')!;
    assert.match(opt.strike, /^\d+00\.000000$/);
    assert.match(opt.expiry, /^\d{2}[A-Z]{3}\d{4}$/);
  });

  it('derivative symbols parse back to their instrument fields', () => {
    let options = 0;
    for (const i of u.instruments) {
      if (i.expiry === undefined) continue;
      const p = parseDerivativeSymbol(i.symbol);
      assert.ok(p, i.symbol);
      assert.equal(p.name, i.name);
      assert.equal(p.expiry, i.expiry);
      if (i.optionType) {
        options++;
        assert.equal(p.kind, i.optionType);
        assert.equal(p.strike, i.strike);
      } else assert.equal(p.kind, 'FUT');
    }
    assert.ok(options > 400);
    assert.equal(optionSymbol('NIFTY', istToEpoch(2024, 1, 25), 1_800_000, 'CE'), 'NIFTY25JAN2418000CE');
  });

  it('sets lot, tick and freeze quantities', () => {
    for (const i of u.instruments) {
      assert.ok(i.lotSize >= 1, i.symbol);
      if (i.tradable) assert.ok(i.tickSize > 0, i.symbol);
      if (i.segment === 'FO') {
        assert.ok(Number.isFinite(i.freezeQty) && i.freezeQty % i.lotSize === 0, i.symbol);
      }
    }
    const niftyOpt = u.instruments.find((i) => i.name === 'NIFTY' && i.instrumentType === 'OPTIDX')!;
    assert.equal(niftyOpt.lotSize, 65);
    assert.equal(niftyOpt.freezeQty, 1755);
    assert.equal(niftyOpt.tickSize, 5);
    assert.equal(
      u.instruments.find((i) => i.name === 'BANKNIFTY' && i.instrumentType === 'FUTIDX')?.freezeQty,
      600,
    );
    assert.equal(effectiveFreeze(1800, 65), 1755);
  });

  it('expiries fall on trading days on or after the date; NIFTY has weeklies, options strikes around spot', () => {
    for (const i of u.instruments) {
      if (i.expiry === undefined) continue;
      assert.ok(cal.isTradingDay(i.expiry), `${i.symbol} expires on a non-trading day`);
      assert.ok(i.expiry >= istToEpoch(2026, 1, 6), i.symbol);
    }
    const niftyExpiries = new Set(
      u.instruments.filter((i) => i.name === 'NIFTY' && i.optionType).map((i) => i.expiry),
    );
    assert.ok(niftyExpiries.size >= 6);
    const bankExpiries = new Set(
      u.instruments.filter((i) => i.name === 'BANKNIFTY' && i.optionType).map((i) => i.expiry),
    );
    assert.equal(bankExpiries.size, 3);
    const near = u.instruments.filter(
      (i) => i.name === 'NIFTY' && i.optionType === 'CE' && i.expiry === istToEpoch(2026, 1, 6),
    );
    assert.equal(near.length, 41);
    assert.ok(u.instruments.some((i) => i.exchange === 'MCX' && i.symbol.startsWith('GOLD')));
    assert.ok(u.instruments.some((i) => i.instrumentType === 'FUTSTK' && i.name === 'SBIN'));
    assert.ok(u.instruments.some((i) => i.instrumentType === 'OPTSTK' && i.name === 'RELIANCE'));
  });

  it('is deterministic for a date and seed', () => {
    const again = buildUniverse({ date: DATE, seed: 7 });
    assert.deepEqual(again.scripMaster, u.scripMaster);
    assert.deepEqual(again.drivers, u.drivers);
  });
});

describe('expiry calendar', () => {
  it('monthly = last Tuesday, moved back over holidays', () => {
    const m = monthlyExpiries(istToEpoch(2026, 1, 6), 3);
    assert.deepEqual(
      m.map((d) => istParts(d).day),
      [27, 24, 30],
    );
    // 31 Mar 2026 (last Tuesday) is a holiday (Mahavir Jayanti) → Monday 30 Mar
    assert.equal(m[2], istToEpoch(2026, 3, 30));
  });

  it('weekly = every Tuesday, previous trading day on holidays', () => {
    const w = weeklyExpiries(istToEpoch(2026, 3, 1), 5);
    // 3 Mar 2026 is Holi → Monday 2 Mar
    assert.equal(w[0], istToEpoch(2026, 3, 2));
    assert.equal(w[1], istToEpoch(2026, 3, 10));
    for (const d of w) assert.ok(new TradingCalendar().isTradingDay(d));
  });
});

describe('loadScripMaster', () => {
  it('loads valid rows, skips and counts malformed ones', () => {
    const dir = mkdtempSync(join(tmpdir(), 'market-sm-'));
    try {
      const rows = [
        {
          token: '3045',
          symbol: 'SBIN-EQ',
          name: 'SBIN',
          expiry: '',
          strike: '-1.000000',
          lotsize: '1',
          instrumenttype: '',
          exch_seg: 'NSE',
          tick_size: '5.000000',
        },
        {
          token: '99926000',
          symbol: 'Nifty 50',
          name: 'NIFTY',
          expiry: '',
          strike: '0.000000',
          lotsize: '1',
          instrumenttype: 'AMXIDX',
          exch_seg: 'NSE',
          tick_size: '0.000000',
        },
        {
          token: '35863',
          symbol: 'NIFTY28MAR24FUT',
          name: 'NIFTY',
          expiry: '28MAR2024',
          strike: '-1.000000',
          lotsize: '50',
          instrumenttype: 'FUTIDX',
          exch_seg: 'NFO',
          tick_size: '10.000000',
        },
        {
          token: '46569',
          symbol: 'NIFTY07MAR2422500CE',
          name: 'NIFTY',
          expiry: '07Mar2024',
          strike: '2250000.000000',
          lotsize: '50',
          instrumenttype: 'OPTIDX',
          exch_seg: 'NFO',
          tick_size: '5.000000',
        },
        { token: 'abc', symbol: 'BAD', exch_seg: 'NSE' },
        { token: '1', symbol: 'X', exch_seg: 'MARS' },
        { token: '2', symbol: 'Y-EQ', exch_seg: 'NSE', lotsize: 'many' },
        { token: '3', symbol: 'Z', exch_seg: 'NFO', expiry: '99XYZ2024' },
        { token: '3045', symbol: 'SBIN-EQ', exch_seg: 'NSE' },
        'not an object',
        null,
      ];
      const file = join(dir, 'master.json');
      writeFileSync(file, JSON.stringify(rows));
      const u = loadScripMaster(file);
      assert.equal(u.instruments.length, 4);
      assert.equal(u.skipped, 7);
      const opt = u.instruments.find((i) => i.token === '46569')!;
      assert.equal(opt.optionType, 'CE');
      assert.equal(opt.strike, 2_250_000);
      assert.equal(opt.expiry, parseExpiry('07MAR2024'));
      assert.equal(opt.freezeQty, 1800);
      assert.equal(opt.segment, 'FO');
      assert.equal(u.instruments.find((i) => i.token === '99926000')?.tradable, false);
      assert.ok(u.driverOf.get('NFO:46569'));
      assert.equal(u.driverOf.get('NFO:46569'), u.driverOf.get('NSE:99926000'));
      assert.throws(() => universeFromScripMaster({ not: 'an array' }), TypeError);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
  it('serves rows already in the venue form as they are and normalises the others', () => {
    const canonical = wireRow('2885', 'RELIANCE-EQ', 'RELIANCE', 'NSE', { tick_size: '10.000000' });
    const loose = {
      token: 11536,
      symbol: ' TCS-EQ ',
      name: 'TCS',
      expiry: '',
      strike: -1,
      lotsize: '1.0',
      instrumenttype: ' eq ',
      exch_seg: 'nse',
      tick_size: 5,
    };
    const u = universeFromScripMaster([canonical, loose]);
    assert.equal(u.scripMaster[0], canonical, 'the row object itself: nothing to copy');
    assert.deepEqual(u.scripMaster[1], {
      token: '11536',
      symbol: 'TCS-EQ',
      name: 'TCS',
      expiry: '',
      strike: '-1.000000',
      lotsize: '1',
      instrumenttype: 'EQ',
      exch_seg: 'nse',
      tick_size: '5.000000',
    });
  });

  it('builds the look-up index and links derivatives listed before their underlying', () => {
    const row = (token: string, symbol: string, name: string, exch: string, itype = '', expiry = '') =>
      wireRow(token, symbol, name, exch, { instrumenttype: itype, expiry });
    const u = universeFromScripMaster([
      row('60001', 'ACME26MARFUT', 'ACME', 'NFO', 'FUTSTK', '26MAR2026'),
      row('60002', 'Acme-EQ', 'Acme', 'NSE'),
      row('60003', 'ACME-EQ', 'ACME', 'NSE'),
      row('60004', 'ACME', 'ACME', 'BSE'),
      row('60005', 'ACME26MARFUT', 'ACME', 'BFO', 'FUTSTK', '26MAR2026'),
    ]);
    assert.equal(u.instruments[0]?.underlyingToken, '60003', 'NSE cash listing found though listed later');
    assert.equal(u.instruments[4]?.underlyingToken, '60004', 'BFO links to the BSE listing');
    assert.equal(u.index?.byKey.get('NSE:60003'), u.instruments[2]);
    assert.equal(u.index?.bySymbol.get('NSE:Acme-EQ'), u.instruments[1], 'exact symbol');
    assert.equal(
      u.index?.bySymbol.get('NSE:ACME-EQ'),
      u.instruments[2],
      'the upper-case entry never hides an exact one',
    );
    assert.equal(u.index?.byKey.size, 5);
    for (const i of u.instruments)
      assert.ok(u.driverOf.has(`${i.exchange}:${i.token}`), 'every instrument has a driver');
  });

  it('reads UTF-8 files with non-ASCII text as UTF-8', () => {
    const dir = mkdtempSync(join(tmpdir(), 'market-sm-'));
    try {
      const file = join(dir, 'master.json');
      writeFileSync(file, JSON.stringify([wireRow('1', 'ÉCLAIR-EQ', 'ÉCLAIR ₹', 'NSE')]));
      assert.equal(loadScripMaster(file).instruments[0]?.name, 'ÉCLAIR ₹');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
