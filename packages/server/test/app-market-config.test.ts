import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { createClock, createDefaultMarket } from '../src/broker/market.js';
import { resolveConfig } from '../src/config.js';
import { SimClock, SystemClock } from '../src/market/clock.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-market-config-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const row = (token: string, symbol: string) => ({
  token,
  symbol,
  name: symbol.replace('-EQ', ''),
  expiry: '',
  strike: '-1.000000',
  lotsize: '1',
  instrumenttype: '',
  exch_seg: 'nse_cm',
  tick_size: '5.000000',
});

describe('serve options → market (--clock, --speed, --seed, --instruments)', () => {
  it('--clock real follows the wall clock; sim runs at --speed; manual has no timer', () => {
    assert.ok(createClock(resolveConfig({ clock: 'real' })) instanceof SystemClock);
    const sim = createClock(resolveConfig({ clock: 'sim', speed: 5 }));
    assert.ok(sim instanceof SimClock);
    assert.equal(sim.speed, 5);
    assert.ok(createClock(resolveConfig({ clock: 'manual' })) instanceof SimClock);
  });

  it('--instruments loads a scrip-master file instead of the built-in universe', async () => {
    const file = join(dir, 'master.json');
    writeFileSync(file, JSON.stringify([row('3045', 'SBIN-EQ'), row('99999', 'FOO-EQ'), { bad: 1 }]));
    const market = await createDefaultMarket(resolveConfig({ clock: 'manual', instruments: file }));
    assert.deepEqual(
      market
        .instruments()
        .map((i) => `${i.exchange}:${i.token}:${i.symbol}`)
        .sort(),
      ['NSE:3045:SBIN-EQ', 'NSE:99999:FOO-EQ'],
    );
    // a file-loaded market is lazy: nothing is simulated until used
    const lazy = market as unknown as { activeCount: number };
    assert.equal(lazy.activeCount, 0);
    assert.ok(market.quote('NSE', '99999'));
    assert.equal(lazy.activeCount, 1);
    const builtIn = await createDefaultMarket(resolveConfig({ clock: 'manual' }));
    assert.ok(builtIn.instruments().length > 1000);
  });

  it('--seed makes the simulated market deterministic', async () => {
    const start = async (seed: number) => {
      const m = await createDefaultMarket(resolveConfig({ clock: 'manual', seed }));
      return m.quote('NSE', '3045');
    };
    assert.deepEqual(await start(7), await start(7));
    assert.notDeepEqual(await start(7), await start(8));
  });
});
