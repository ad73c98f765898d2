/**
 * The admin subcommands of `smartapi-paper` against a running `serve --clock manual` child: clock,
 * accounts (create / funds / reset with --url), snapshot, fault; a wrong token exits 1 with the
 * server's message.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { main } from '../src/main.js';
import { runCli, type ServeChild, startServe } from './cli-helpers.js';

const TOKEN = 'cli-admin-test-token';

describe('smartapi-paper admin subcommands', () => {
  let serve: ServeChild;
  before(async () => {
    serve = await startServe([
      '--port',
      '0',
      '--db',
      ':memory:',
      '--clock',
      'manual',
      '--admin-token',
      TOKEN,
    ]);
  });
  after(() => {
    serve.child.kill('SIGKILL');
  });

  // In-process runs of the same CLI code (spawning each one costs seconds); the process-level exit
  // codes are checked with spawned runs below.
  // biome-ignore lint/suspicious/noExplicitAny: JSON answers
  const cli = async (args: string[]): Promise<any> => {
    let out = '';
    let err = '';
    const code = await main([...args, '--url', serve.url, '--admin-token', TOKEN], {
      out: (t) => (out += t),
      err: (t) => (err += t),
    });
    assert.equal(code, 0, err);
    return JSON.parse(out.trim());
  };

  it('serve --clock manual reports a manual clock; clock --advance-by moves it', async () => {
    const spawned = await runCli(['clock', '--url', serve.url, '--admin-token', TOKEN]);
    assert.equal(spawned.code, 0, spawned.stderr);
    const c = JSON.parse(spawned.stdout.trim()) as { mode: string; epochMs: number };
    assert.equal(c.mode, 'manual');
    const moved = await cli(['clock', '--advance-by', '600']);
    assert.equal(moved.epochMs - c.epochMs, 600_000);
    assert.match(serve.stderr(), /admin API: +http:\/\/127\.0\.0\.1:\d+\/paper\/v1/);
  });

  it('accounts create/funds/reset with --url use the admin API', async () => {
    const acc = await cli(['accounts', 'create', '--funds', '1000']);
    assert.match(acc.clientcode, /^P\d{6}$/);
    const f = await cli(['accounts', 'funds', acc.clientcode, '--add', '500']);
    assert.equal(f.cash, 1500);
    const r = await cli(['accounts', 'reset', acc.clientcode]);
    assert.equal(r.cash, 1000);
  });

  it('snapshot create/list/restore and fault add/list/delete', async () => {
    const s = await cli(['snapshot', 'create', '--label', 'cli']);
    const list = (await cli(['snapshot', 'list'])) as { id: string }[];
    assert.ok(list.some((x) => x.id === s.id));
    await cli(['clock', '--advance-by', '60']);
    const restored = await cli(['snapshot', 'restore', s.id]);
    assert.equal(restored.now, s.marketTime);
    const f = await cli(['fault', 'add', 'slow', '--route', 'getRMS', '--ms', '5', '--count', '2']);
    assert.equal(f.kind, 'slow');
    const faults = (await cli(['fault', 'list'])) as { id: string }[];
    assert.deepEqual(
      faults.map((x) => x.id),
      [f.id],
    );
    await cli(['fault', 'delete', f.id]);
    assert.deepEqual(await cli(['fault', 'list']), []);
  });

  it('a wrong token or bad input exits 1 with the server message', async () => {
    const r = await runCli(['clock', '--url', serve.url, '--admin-token', 'wrong']);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /Invalid admin token \(PA1001\)/);
    let err = '';
    const k = await main(['fault', 'add', 'explode', '--url', serve.url, '--admin-token', TOKEN], {
      out: () => {},
      err: (t) => (err += t),
    });
    assert.equal(k, 1);
    assert.match(err, /unknown fault kind "explode"/);
  });
});
