import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { DEFAULT_ROOT_URL, SCRIP_MASTER_PATH, SCRIP_MASTER_URL } from '@smartapi-ts/protocol';
import { AbortError, ConnectionError, SmartApiError } from '../src/errors.js';
import {
  type DownloadProgress,
  Instruments,
  isCacheFresh,
  scripMasterUrlForRoot,
} from '../src/instruments/index.js';

const FIXTURE_PATH = new URL('../../../fixtures/instruments/scrip-master.json', import.meta.url);
const FIXTURE = readFileSync(FIXTURE_PATH);

/** A scriptable scrip-master server. */
interface Behaviour {
  mode: 'ok' | 'fail' | 'bad-json' | 'hang';
  body: Buffer;
  etag?: string;
  lastModified?: string;
}
const state: Behaviour = { mode: 'ok', body: FIXTURE, etag: '"v1"' };
const requests: IncomingHttpHeaders[] = [];
let server: Server;
let root = '';
let dir = '';

before(async () => {
  server = createServer((req, res) => {
    if (req.url !== SCRIP_MASTER_PATH) {
      res.writeHead(404).end();
      return;
    }
    requests.push(req.headers);
    if (state.mode === 'hang') return; // never answers; the client aborts
    if (state.mode === 'fail') {
      res.writeHead(500).end('boom');
      return;
    }
    const body = state.mode === 'bad-json' ? Buffer.from('[{"token":"1",') : state.body;
    const headers: Record<string, string> = { 'content-type': 'application/json' };
    if (state.etag) headers.etag = state.etag;
    if (state.lastModified) headers['last-modified'] = state.lastModified;
    const inm = req.headers['if-none-match'];
    const ims = req.headers['if-modified-since'];
    const conditional = state.mode === 'ok';
    if (
      conditional &&
      ((state.etag && inm === state.etag) ||
        (!state.etag && state.lastModified && ims === state.lastModified))
    ) {
      res.writeHead(304, headers).end();
      return;
    }
    headers['content-length'] = String(body.length);
    res.writeHead(200, headers);
    // several chunks so progress is reported more than once
    const step = Math.ceil(body.length / 4);
    const send = (i: number): void => {
      if (i >= body.length) {
        res.end();
        return;
      }
      res.write(body.subarray(i, i + step));
      setTimeout(() => send(i + step), 5);
    };
    send(0);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  root = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dir = await mkdtemp(join(tmpdir(), 'smartapi-instruments-'));
});

after(async () => {
  server.closeAllConnections();
  await new Promise<void>((r) => server.close(() => r()));
  await rm(dir, { recursive: true, force: true });
});

const IST = (s: string) => Date.parse(`${s}+05:30`);
const quiet = () => {
  const warnings: string[] = [];
  return { warnings, logger: { warn: (m: string) => warnings.push(m) } };
};

test('isCacheFresh expires copies at the daily refresh time (08:00 IST by default)', () => {
  const fetched = IST('2024-01-10T20:00:00');
  assert.equal(isCacheFresh(fetched, IST('2024-01-11T07:59:00')), true);
  assert.equal(isCacheFresh(fetched, IST('2024-01-11T08:00:00')), false);
  assert.equal(isCacheFresh(IST('2024-01-11T08:05:00'), IST('2024-01-11T23:00:00')), true);
  assert.equal(isCacheFresh(IST('2024-01-11T07:00:00'), IST('2024-01-11T09:00:00')), false);
  assert.equal(isCacheFresh(IST('2024-01-11T07:00:00'), IST('2024-01-11T09:00:00'), '09:30'), true);
  assert.equal(isCacheFresh(IST('2024-01-11T08:05:00'), IST('2024-01-11T10:00:00'), '08:00', 60_000), false);
  assert.equal(scripMasterUrlForRoot('http://h:1/'), `http://h:1${SCRIP_MASTER_PATH}`);
  // The venue's REST root has no scrip master: its own host serves it.
  assert.equal(scripMasterUrlForRoot(`${DEFAULT_ROOT_URL}/`), SCRIP_MASTER_URL);
});

test('download with progress, cache, 304 revalidation, refresh, fallback', async (t) => {
  const cacheDir = join(dir, 'cache-a');
  let now = IST('2024-01-10T09:00:00');
  const clock = () => now;
  const base = { root, cacheDir, now: clock };

  await t.test('first load downloads, reports progress and writes the cache', async () => {
    const progress: DownloadProgress[] = [];
    const ins = await Instruments.load({ ...base, onProgress: (p) => progress.push(p) });
    assert.equal(ins.source.kind, 'network');
    assert.equal(ins.source.url, `${root}${SCRIP_MASTER_PATH}`);
    assert.equal(ins.size, 78);
    assert.equal(ins.skipped, 8);
    assert.ok(progress.length >= 2, 'several progress events');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]!.received > progress[i - 1]!.received);
    assert.deepEqual(progress.at(-1), { received: FIXTURE.length, total: FIXTURE.length });
    const files = (await readdir(cacheDir)).sort();
    assert.equal(files.length, 2);
    assert.ok(files.some((f) => f.endsWith('.meta.json')));
    const data = files.find((f) => !f.endsWith('.meta.json'))!;
    assert.deepEqual(await readFile(join(cacheDir, data)), FIXTURE);
  });

  await t.test('a fresh cache is used without any request', async () => {
    const n = requests.length;
    now = IST('2024-01-11T07:30:00');
    const ins = await Instruments.load(base);
    assert.equal(ins.source.kind, 'cache');
    assert.equal(ins.size, 78);
    assert.equal(requests.length, n);
  });

  await t.test('after 08:00 IST the copy is revalidated with If-None-Match; 304 reuses it', async () => {
    now = IST('2024-01-11T08:30:00');
    const ins = await Instruments.load(base);
    assert.equal(ins.source.kind, 'not-modified');
    assert.equal(requests.at(-1)?.['if-none-match'], '"v1"');
    assert.equal(ins.size, 78);
    const n = requests.length;
    const again = await Instruments.load(base);
    assert.equal(again.source.kind, 'cache', '304 renewed the cache');
    assert.equal(requests.length, n);
  });

  await t.test('a changed file is downloaded again when stale', async () => {
    const rows = JSON.parse(FIXTURE.toString('utf8')) as unknown[];
    state.body = Buffer.from(JSON.stringify(rows.slice(0, 10)));
    state.etag = '"v2"';
    now = IST('2024-01-12T08:30:00');
    const ins = await Instruments.load(base);
    assert.equal(ins.source.kind, 'network');
    assert.equal(ins.size + ins.skipped, 10);
    const always = await Instruments.load({ ...base, refresh: 'always' });
    assert.equal(always.source.kind, 'not-modified');
  });

  await t.test('a failing server falls back to the last good copy with a warning', async () => {
    state.mode = 'fail';
    now = IST('2024-01-13T08:30:00');
    const q = quiet();
    const ins = await Instruments.load({ ...base, logger: q.logger });
    assert.equal(ins.source.kind, 'fallback');
    assert.equal(ins.size + ins.skipped, 10);
    assert.equal(q.warnings.length, 1);
    assert.match(q.warnings[0]!, /HTTP 500/);

    state.mode = 'bad-json';
    const q2 = quiet();
    const ins2 = await Instruments.load({ ...base, logger: q2.logger, refresh: 'always' });
    assert.equal(ins2.source.kind, 'fallback', 'a corrupt download never replaces the good copy');
    assert.match(q2.warnings[0]!, /not valid JSON/);

    const never = await Instruments.load({ ...base, refresh: 'never', logger: q2.logger });
    assert.equal(never.source.kind, 'cache', "refresh: 'never' uses a stale cache");
    state.mode = 'ok';
  });
});

test('Last-Modified revalidation uses If-Modified-Since', async () => {
  state.mode = 'ok';
  state.body = FIXTURE;
  delete state.etag;
  state.lastModified = 'Wed, 10 Jan 2024 02:00:00 GMT';
  const cacheDir = join(dir, 'cache-lm');
  const first = await Instruments.load({ root, cacheDir, refresh: 'always' });
  assert.equal(first.source.kind, 'network');
  const second = await Instruments.load({ root, cacheDir, refresh: 'always' });
  assert.equal(second.source.kind, 'not-modified');
  assert.equal(requests.at(-1)?.['if-modified-since'], state.lastModified);
  delete state.lastModified;
  state.etag = '"v1"';
});

test('errors without a cache reject; aborts never fall back', async () => {
  state.mode = 'fail';
  await assert.rejects(
    Instruments.load({ root, cacheDir: join(dir, 'cache-empty'), logger: quiet().logger }),
    (e: unknown) => e instanceof SmartApiError && /HTTP 500/.test((e as Error).message),
  );
  state.mode = 'bad-json';
  await assert.rejects(Instruments.load({ root, cacheDir: false }), SmartApiError);
  state.mode = 'ok';

  // Connection refused: a closed port.
  const closed = createServer();
  await new Promise<void>((r) => closed.listen(0, '127.0.0.1', r));
  const port = (closed.address() as AddressInfo).port;
  await new Promise<void>((r) => closed.close(() => r()));
  await assert.rejects(
    Instruments.load({ root: `http://127.0.0.1:${port}`, cacheDir: false }),
    ConnectionError,
  );

  // Abort while the server hangs, even though a cache exists.
  const cacheDir = join(dir, 'cache-abort');
  await Instruments.load({ root, cacheDir });
  state.mode = 'hang';
  const ac = new AbortController();
  const p = Instruments.load({ root, cacheDir, refresh: 'always', signal: ac.signal });
  setImmediate(() => ac.abort());
  await assert.rejects(p, AbortError);
  // A timeout is a failure, not an abort: it falls back.
  const q = quiet();
  const viaTimeout = await Instruments.load({
    root,
    cacheDir,
    refresh: 'always',
    timeoutMs: 50,
    logger: q.logger,
  });
  assert.equal(viaTimeout.source.kind, 'fallback');
  state.mode = 'ok';
});

test('fromFile and fromJson index offline copies; injected fetch is used', async () => {
  const f = await Instruments.fromFile(FIXTURE_PATH.pathname);
  assert.equal(f.source.kind, 'file');
  assert.equal(f.size, 78);
  assert.equal(Instruments.fromJson(`\ufeff${FIXTURE.toString('utf8')}`).size, 78);
  assert.throws(() => Instruments.fromJson('{"not":"an array"}'), SmartApiError);
  let calls = 0;
  const fake: typeof fetch = async () => {
    calls++;
    return new Response(FIXTURE, { status: 200 });
  };
  const ins = await Instruments.load({
    url: 'http://example.invalid/master.json',
    cacheDir: false,
    fetch: fake,
  });
  assert.equal(calls, 1);
  assert.equal(ins.size, 78);
  assert.equal(ins.source.url, 'http://example.invalid/master.json');
});
