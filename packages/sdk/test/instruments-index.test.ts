import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { Instruments } from '../src/instruments/index.js';

const FIXTURE = new URL('../../../fixtures/instruments/scrip-master.json', import.meta.url);
const rows = JSON.parse(readFileSync(FIXTURE, 'utf8')) as unknown[];
const ins = Instruments.fromRows(rows);

test('malformed and duplicate rows are skipped and counted, never fatal', () => {
  assert.equal(rows.length, 86);
  assert.equal(ins.skipped, 8);
  assert.equal(ins.size, 78);
  assert.equal(ins.source.kind, 'rows');
  const empty = Instruments.fromRows([null, 'x', {}, { token: '1' }]);
  assert.equal(empty.size, 0);
  assert.equal(empty.skipped, 4);
});

test('byToken returns typed instruments; exchange disambiguates shared tokens', () => {
  const sbin = ins.byToken('3045');
  assert.ok(sbin);
  assert.equal(sbin.symbol, 'SBIN-EQ');
  assert.equal(sbin.exchange, 'NSE');
  assert.equal(sbin.exchangeType, 1);
  assert.equal(sbin.kind, 'EQ');
  assert.equal(sbin.series, 'EQ');
  assert.equal(sbin.lotSize, 1);
  assert.equal(sbin.tickSize, 0.05);
  assert.equal(sbin.tickSizePaise, 5);
  assert.equal(sbin.expiry, null);
  assert.equal(sbin.strike, null);
  assert.equal(ins.byToken(3045), sbin, 'numbers accepted; same object each time');
  const gold = ins.byToken('3045', 'MCX');
  assert.equal(gold?.symbol, 'GOLDM05FEB24FUT');
  assert.equal(gold?.exchangeType, 5);
  assert.equal(ins.byToken('3045', 'NFO'), undefined);
  assert.deepEqual(
    ins.byTokenAll('3045').map((i) => i.exchange),
    ['NSE', 'MCX'],
  );
  assert.equal(ins.byToken('nope'), undefined);
  const usd = ins.bySymbol('CDS', 'USDINR26JAN24FUT');
  assert.equal(usd?.tickSize, 0.0025);
  assert.equal(usd?.exchangeType, 13);
});

test('derivative rows carry strike in rupees, expiry as an IST day and option type', () => {
  const opt = ins.bySymbol('NFO', 'NIFTY25JAN2421500CE');
  assert.ok(opt);
  assert.equal(opt.kind, 'OPT');
  assert.equal(opt.strike, 21500);
  assert.equal(opt.optionType, 'CE');
  assert.equal(opt.lotSize, 50);
  assert.equal(opt.expiryText, '25JAN2024');
  assert.equal(opt.expiry?.toISOString(), '2024-01-24T18:30:00.000Z'); // 00:00 IST
  assert.equal(opt.instrumentType, 'OPTIDX');
  const fut = ins.bySymbol('NFO', 'nifty28mar24fut');
  assert.equal(fut?.kind, 'FUT');
  assert.equal(fut?.tickSize, 0.1);
  const idx = ins.byToken('99926000');
  assert.equal(idx?.kind, 'INDEX');
  assert.equal(idx?.symbol, 'Nifty 50');
});

test('bySymbol is series-aware for cash symbols', () => {
  assert.equal(ins.bySymbol('NSE', 'SBIN')?.symbol, 'SBIN-EQ');
  assert.equal(ins.bySymbol('NSE', 'sbin')?.symbol, 'SBIN-EQ');
  assert.equal(ins.bySymbol('NSE', 'SBIN-BE')?.token, '14977');
  assert.equal(ins.bySymbol('NSE', 'GRINFRA')?.symbol, 'GRINFRA-BE', 'falls back to the next listed series');
  assert.equal(ins.bySymbol('BSE', 'SBIN')?.token, '500112');
  assert.equal(ins.bySymbol('BSE', 'TITAN')?.token, '500114');
  assert.equal(ins.bySymbol('NSE', 'TITAN'), undefined);
  assert.equal(ins.bySymbol('NSE', 'nifty 50')?.token, '99926000');
});

test('resolve understands EXCHANGE:SYMBOL, tokens and bare derivative symbols', () => {
  assert.equal(ins.resolve('NSE:SBIN')?.token, '3045');
  assert.equal(ins.resolve('nse:sbin-eq')?.token, '3045');
  assert.equal(ins.resolve('BSE:SBIN')?.token, '500112');
  assert.equal(ins.resolve('MCX:3045')?.symbol, 'GOLDM05FEB24FUT');
  assert.equal(ins.resolve('SBIN')?.symbol, 'SBIN-EQ');
  assert.equal(ins.resolve('NIFTY25JAN2421500PE')?.exchange, 'NFO');
  assert.equal(ins.resolve('SENSEX26JAN2471000CE')?.exchange, 'BFO');
  assert.equal(ins.resolve('TITAN')?.exchange, 'BSE');
  assert.equal(ins.resolve('2885')?.symbol, 'RELIANCE-EQ');
  assert.equal(ins.resolve('XX:SBIN'), undefined);
  assert.equal(ins.resolve('NOSUCH'), undefined);
});

test('search ranks exact > prefix > substring > subsequence, cash before derivatives', () => {
  const sbin = ins.search('sbin');
  assert.deepEqual(
    sbin.slice(0, 4).map((i) => `${i.exchange}:${i.symbol}`),
    ['NSE:SBIN-EQ', 'NSE:SBIN-BE', 'NSE:SBIN-BL', 'BSE:SBIN'],
    'exact name; NSE before BSE; series priority',
  );
  assert.equal(sbin[0]?.symbol, 'SBIN-EQ');
  const symbols = sbin.map((i) => i.symbol);
  assert.ok(symbols.includes('SBIN'), 'BSE listing present');
  assert.ok(symbols.indexOf('SBIN25JAN24FUT') > symbols.indexOf('SBIN'), 'exact-name future after cash');
  assert.ok(
    symbols.indexOf('SBIN25JAN24FUT') < symbols.indexOf('SBIN25JAN24620CE'),
    'futures before options',
  );

  const sbi = ins.search('sbi', { kind: 'EQ', exchange: 'NSE' });
  assert.deepEqual(
    sbi.map((i) => i.symbol),
    ['SBIN-EQ', 'SBIN-BE', 'SBIN-BL', 'SBICARD-EQ', 'SBILIFE-EQ'],
  );

  const nifty = ins.search('nifty', { limit: 5 });
  assert.equal(nifty.length, 5);
  assert.equal(nifty[0]?.symbol, 'Nifty 50', 'exact name, cash/index first');
  assert.deepEqual(
    nifty.map((i) => i.symbol),
    ['Nifty 50', 'NIFTY25JAN24FUT', 'NIFTY29FEB24FUT', 'NIFTY28MAR24FUT', 'NIFTYBEES-EQ'],
    'exact-name futures by expiry, then prefix matches',
  );

  assert.equal(ins.search('reliance', { exchange: 'BSE' })[0]?.token, '500325');
  assert.equal(ins.search('liance')[0]?.name, 'RELIANCE', 'substring');
  assert.equal(ins.search('rlnc')[0]?.name, 'RELIANCE', 'subsequence');
  assert.deepEqual(ins.search('   '), []);
  assert.deepEqual(ins.search('zzzz'), []);
  assert.deepEqual(ins.search('[(.*'), [], 'regex metacharacters are literal');
  assert.equal(ins.search('n', { limit: 3 }).length, 3, 'one-letter queries match prefixes only');
  assert.ok(
    ins
      .search('n', { limit: 50, kind: ['EQ', 'INDEX'] })
      .every((i) => /^n/i.test(i.name) || /^n/i.test(i.symbol)),
  );
  assert.equal(ins.search('nifty 50')[0]?.token, '99926000', 'symbol keys that differ from the name');

  const opts = ins.search('nifty01feb2421', { kind: 'OPT' });
  assert.ok(opts.length > 0);
  assert.ok(opts.every((i) => i.symbol.startsWith('NIFTY01FEB2421')));
  assert.equal(ins.search('NIFTY25JAN2421500CE')[0]?.symbol, 'NIFTY25JAN2421500CE');
  assert.equal(ins.search('nifty', { kind: 'OPT', limit: 1000 }).length, 37);
});

test('expiries and nearestExpiry per underlying, exchange chosen by priority', () => {
  assert.deepEqual(ins.expiries('NIFTY'), ['25JAN2024', '01FEB2024', '29FEB2024', '28MAR2024']);
  assert.deepEqual(ins.expiries('nifty', { kind: 'OPT' }), ['25JAN2024', '01FEB2024']);
  assert.deepEqual(ins.expiries('NIFTY', { kind: 'FUT' }), ['25JAN2024', '29FEB2024', '28MAR2024']);
  assert.deepEqual(ins.expiries('SENSEX'), ['26JAN2024'], 'BFO when NFO has none');
  assert.deepEqual(ins.expiries('SENSEX', { exchange: 'NFO' }), []);
  assert.deepEqual(ins.expiries('NOPE'), []);
  const at = new Date('2024-01-25T14:00:00+05:30');
  assert.equal(ins.nearestExpiry('NIFTY', at), '25JAN2024', 'expiry day itself still counts');
  assert.equal(ins.nearestExpiry('NIFTY', new Date('2024-01-26T09:00:00+05:30')), '01FEB2024');
  assert.equal(
    ins.nearestExpiry('NIFTY', new Date('2024-02-02T09:00:00+05:30'), { kind: 'FUT' }),
    '29FEB2024',
  );
  assert.equal(ins.nearestExpiry('NIFTY', new Date('2024-04-01T09:00:00+05:30')), undefined);
  assert.equal(ins.future('NIFTY', { at: new Date('2024-01-26T09:00:00+05:30') })?.symbol, 'NIFTY29FEB24FUT');
  assert.equal(ins.future('NIFTY', { expiry: '28MAR2024' })?.symbol, 'NIFTY28MAR24FUT');
});

test('optionChain groups CE/PE by strike; atmStrike and findOption', () => {
  const chain = ins.optionChain('NIFTY', '25JAN2024');
  assert.ok(chain);
  assert.equal(chain.exchange, 'NFO');
  assert.equal(chain.lotSize, 50);
  assert.equal(chain.expiryText, '25JAN2024');
  assert.deepEqual(
    chain.strikes.map((s) => s.strike),
    [21300, 21400, 21500, 21600, 21700, 21800, 21900, 22000, 22100, 22150],
  );
  const s215 = chain.strikes[2]!;
  assert.equal(s215.ce?.symbol, 'NIFTY25JAN2421500CE');
  assert.equal(s215.pe?.symbol, 'NIFTY25JAN2421500PE');
  assert.equal(chain.strikes.at(-1)?.pe, null);
  assert.equal(ins.optionChain('NIFTY', new Date('2024-02-01T12:00:00+05:30'))?.strikes.length, 9);
  assert.equal(ins.optionChain('NIFTY', '2024-01-25')?.strikes.length, 10);
  assert.equal(ins.optionChain('NIFTY', '28MAR2024'), undefined, 'futures-only expiry has no chain');
  assert.equal(ins.optionChain('NIFTY', 'garbage'), undefined);

  assert.equal(ins.atmStrike('NIFTY', '25JAN2024', 21549.9), 21500);
  assert.equal(ins.atmStrike('NIFTY', '25JAN2024', 21550), 21500, 'tie goes to the lower strike');
  assert.equal(ins.atmStrike('NIFTY', '25JAN2024', 21551), 21600);
  assert.equal(ins.atmStrike('NIFTY', '25JAN2024', 99999), 22150);
  assert.equal(ins.atmStrike('NIFTY', '25JAN2024', 1), 21300);
  assert.equal(ins.atmStrike('NIFTY', '28MAR2024', 21500), undefined);

  const pe = ins.findOption({ name: 'NIFTY', expiry: '01FEB2024', strike: 21800, optionType: 'PE' });
  assert.equal(pe?.symbol, 'NIFTY01FEB2421800PE');
  assert.equal(
    ins.findOption({ name: 'NIFTY', expiry: '01FEB2024', strike: 21850, optionType: 'PE' }),
    undefined,
  );
  assert.equal(
    ins.findOption({ name: 'CRUDEOIL', expiry: '16JAN2024', strike: 6000, optionType: 'CE' })?.exchange,
    'MCX',
  );
});

test('every derivative symbol in the fixture round-trips through parseSymbol/buildSymbol', () => {
  let checked = 0;
  for (const i of ins) {
    if (i.kind !== 'FUT' && i.kind !== 'OPT') continue;
    const p = ins.parseSymbol(i.symbol);
    assert.ok(p, i.symbol);
    assert.equal(p.kind, i.kind, i.symbol);
    assert.equal(p.name, i.name);
    assert.equal(p.expiryText, i.expiryText);
    assert.equal(p.expiry.getTime(), i.expiry?.getTime());
    if (p.kind === 'OPT') {
      assert.equal(p.strike, i.strike);
      assert.equal(p.optionType, i.optionType);
      assert.equal(
        ins.buildSymbol({
          kind: 'OPT',
          name: p.name,
          expiry: p.expiry,
          strike: p.strike,
          optionType: p.optionType,
        }),
        i.symbol,
      );
    } else {
      assert.equal(ins.buildSymbol({ kind: 'FUT', name: p.name, expiry: i.expiryText }), i.symbol);
    }
    checked++;
  }
  assert.equal(checked, 61);
});
