/**
 * The live-venue confirmation of write commands, tested without ever contacting the venue: the decision
 * and the prompt as units, and the CLI spawned with a session for the live root and a preload
 * (`support/no-network.mjs`) that ends the process with exit code 99 at the first attempt to resolve a
 * host or open a connection — before any packet leaves.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { DEFAULT_ROOT_URL } from '@smartapi-ts/protocol';
import { askYesNo, isLiveRoot, isYes, needsConfirmation } from '../src/main.js';

const here = new URL('.', import.meta.url).pathname;
const repo = new URL('../../../', import.meta.url).pathname;
let dir: string;
let env: NodeJS.ProcessEnv;

before(() => {
  dir = mkdtempSync(join(tmpdir(), 'smartapi-cli-confirm-'));
  const config = join(dir, 'config');
  mkdirSync(config, { recursive: true, mode: 0o700 });
  // A session for the live venue (made-up tokens: nothing may ever send them anywhere).
  writeFileSync(
    join(config, 'session.json'),
    JSON.stringify({
      version: 1,
      root: DEFAULT_ROOT_URL,
      apiKey: 'test-key',
      clientCode: 'T0001',
      jwtToken: 'jwt',
      refreshToken: 'refresh',
      feedToken: 'feed',
      issuedAt: Date.now(),
      expiresAt: Date.now() + 3_600_000,
    }),
    { mode: 0o600 },
  );
  env = {
    PATH: process.env.PATH,
    HOME: dir,
    SMARTAPI_CONFIG_DIR: config,
    SMARTAPI_CACHE_DIR: join(dir, 'cache'),
  };
});

after(() => rmSync(dir, { recursive: true, force: true }));

/** Spawns the CLI from source with the network tripwire, feeding `stdin`. */
function spawnCli(stdin: string, ...argv: string[]): { code: number | null; out: string; err: string } {
  const r = spawnSync(
    process.execPath,
    [
      '--conditions=source',
      '--import',
      'tsx',
      '--import',
      join(here, 'support/no-network.mjs'),
      join(here, 'support/cli-entry.ts'),
      ...argv,
    ],
    { cwd: repo, env, input: stdin, encoding: 'utf8', timeout: 60_000 },
  );
  return { code: r.status, out: r.stdout, err: r.stderr };
}

const PLACE = [
  'order',
  'place',
  '--symbol',
  'SBIN-EQ',
  '--token',
  '3045',
  '--exchange',
  'NSE',
  '--side',
  'BUY',
  '--type',
  'LIMIT',
  '--product',
  'INTRADAY',
  '--qty',
  '1',
  '--price',
  '750.5',
];

test('the live venue is recognised by its host; the paper broker and local roots are not', () => {
  assert.equal(isLiveRoot(DEFAULT_ROOT_URL), true);
  assert.equal(isLiveRoot(`${DEFAULT_ROOT_URL}/`), true);
  assert.equal(isLiveRoot('https://APICONNECT.angelone.in'), true);
  assert.equal(isLiveRoot('https://apiconnect.angelbroking.com'), true, 'the older host of the same venue');
  assert.equal(isLiveRoot('not a url'), true, 'unparsable: assume live');
  assert.equal(isLiveRoot('http://127.0.0.1:8080'), false);
  assert.equal(isLiveRoot('http://localhost:8080'), false);
  assert.equal(isLiveRoot('https://paper.example.com'), false);
  assert.equal(isLiveRoot('https://angelone.in.example.com'), false, 'a suffix match needs a dot boundary');

  assert.equal(needsConfirmation(DEFAULT_ROOT_URL, false), true);
  assert.equal(needsConfirmation(DEFAULT_ROOT_URL, true), false, '--yes skips');
  assert.equal(needsConfirmation('http://127.0.0.1:8080', false), false, 'paper: never asked');
});

test('only an explicit yes proceeds; an empty line, another answer or end of input is no', async () => {
  for (const a of ['y', 'Y', 'yes', 'YES', ' y ']) assert.equal(isYes(a), true, a);
  for (const a of ['', 'n', 'no', 'yy', 'yes please', 'ok']) assert.equal(isYes(a), false, a);
  const ask = async (input: string[]) => {
    let shown = '';
    const answer = await askYesNo(
      Readable.from(input),
      { write: (s: string) => (shown += s) },
      'Proceed? [y/N] ',
    );
    assert.match(shown, /^Proceed\? \[y\/N\] /);
    return answer;
  };
  assert.equal(await ask(['y\n']), true);
  assert.equal(await ask(['yes\nmore\n']), true, 'only the first line counts');
  assert.equal(await ask(['n\n']), false);
  assert.equal(await ask(['\n']), false, 'Enter alone is the default: no');
  assert.equal(await ask([]), false, 'end of input (stdin closed) is no');
});

test('live root: "n" aborts before any network call; "y" and --yes proceed (and trip the wire)', () => {
  const no = spawnCli('n\n', ...PLACE);
  assert.equal(no.code, 1, no.err);
  assert.match(no.err, /Place BUY 1 NSE:SBIN-EQ LIMIT @ 750\.5 INTRADAY DAY \(NORMAL\), token 3045/);
  assert.match(no.err, /This is the LIVE venue \(https:\/\/apiconnect\.angelone\.in\)/);
  assert.match(no.err, /Proceed\? \[y\/N\] /);
  assert.match(no.err, /error: aborted: nothing was sent/);
  assert.doesNotMatch(no.err, /NETWORK ATTEMPT/);
  assert.equal(no.out, '');

  const eof = spawnCli('', ...PLACE);
  assert.equal(eof.code, 1, eof.err);
  assert.match(eof.err, /aborted: nothing was sent/);
  assert.doesNotMatch(eof.err, /NETWORK ATTEMPT/);

  // The tripwire works: answering yes goes on to send, which ends the process before anything leaves.
  const yes = spawnCli('y\n', ...PLACE);
  assert.equal(yes.code, 99, yes.err);
  assert.match(yes.err, /Proceed\? \[y\/N\] /);
  assert.match(yes.err, /NETWORK ATTEMPT apiconnect\.angelone\.in/);

  const skip = spawnCli('', ...PLACE, '--yes');
  assert.equal(skip.code, 99, skip.err);
  assert.doesNotMatch(skip.err, /Proceed\?/, '--yes: no question');
  assert.match(skip.err, /NETWORK ATTEMPT/);
});

test('live root: gtt create asks too and "n" sends nothing', () => {
  const r = spawnCli(
    'no\n',
    'gtt',
    'create',
    '--symbol',
    'NSE:SBIN-EQ',
    '--token',
    '3045',
    '--side',
    'SELL',
    '--product',
    'DELIVERY',
    '--qty',
    '3',
    '--trigger',
    '900',
    '--price',
    '899.95',
  );
  assert.equal(r.code, 1, r.err);
  assert.match(
    r.err,
    /Create GTT rule: when NSE:SBIN-EQ \(token 3045\) trades at 900, SELL 3 @ 899\.95 DELIVERY/,
  );
  assert.match(r.err, /aborted: nothing was sent/);
  assert.doesNotMatch(r.err, /NETWORK ATTEMPT/);
});
