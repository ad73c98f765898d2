/**
 * Contract tests against what the official clients really send (fixtures/official-requests, captured
 * from smartapi-python and smartapi-javascript): every captured call is replayed through
 * `SmartConnect` with the same arguments, and the SDK must send an equivalent request — same method,
 * same normalised path, the required headers, and the same body fields with the same JSON types
 * (strings where the official clients send strings).
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { after, before, test } from 'node:test';
import { normalizePath } from '@smartapi-ts/protocol';
import { SmartConnect } from '../src/index.js';
import { type FakeVenue, type Recorded, startFakeVenue } from './support/rest-fakes.js';

const dir = new URL('../../../fixtures/official-requests/', import.meta.url);
const load = <T>(name: string): T => JSON.parse(readFileSync(new URL(name, dir), 'utf8')) as T;

interface Captured {
  client: 'python' | 'js';
  function: string;
  call: number;
  request_in_call: number;
  method: string;
  path: string;
  headers: Record<string, string>;
  body: unknown;
}
interface FnCall {
  function: string;
  call: number;
  args: unknown;
  requests_captured: number;
  returned?: unknown;
}
type Functions = Record<'python' | 'js', { calls: FnCall[] }>;

const captured = { python: load<Captured[]>('python.json'), js: load<Captured[]>('js.json') };
const functions = load<Functions>('functions.json');

/** Replies of the fake venue, per normalised path: the success envelopes the capture server sent. */
function replies(): Map<string, unknown> {
  const map = new Map<string, unknown>();
  for (const client of ['js', 'python'] as const) {
    for (const c of functions[client].calls) {
      const r = c.returned as { status?: unknown } | undefined;
      if (!r || typeof r !== 'object' || r.status !== true) continue;
      const rec = captured[client].find((x) => x.function === c.function && x.call === c.call);
      if (!rec) continue;
      const p = normalizePath(rec.path);
      if (!map.has(p)) map.set(p, r);
    }
  }
  return map;
}

let venue: FakeVenue;
before(async () => {
  const byPath = replies();
  venue = await startFakeVenue((req) => {
    const p = req.path.startsWith('/rest/secure/angelbroking/order/v1/details/')
      ? '/rest/secure/angelbroking/order/v1/details/6e1f8b4c-0000-4000-8000-000000000123'
      : req.path;
    const body = byPath.get(p);
    return body ? { body } : undefined;
  });
});
after(() => venue.close());

/** Positional arguments of a recorded call. */
function argsOf(client: 'python' | 'js', c: FnCall): unknown[] {
  if (client === 'python') {
    const [pos, kw] = c.args as [unknown[], Record<string, unknown>];
    assert.equal(Object.keys(kw).length, 0, `${c.function}: kwargs are not used by the fixtures`);
    return pos;
  }
  return c.args as unknown[];
}

const NO_BODY_CHECK = new Set<string>();
/** Extra body fields the SDK may add (documented): the automatic ordertag of placements. */
const EXTRA_OK: Record<string, readonly string[]> = {
  placeOrder: ['ordertag'],
  placeOrderFullResponse: ['ordertag'],
};

function dropNulls(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(dropNulls);
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, x] of Object.entries(v)) if (x !== null && x !== undefined) out[k] = dropNulls(x);
    return out;
  }
  return v;
}

/** Same JSON value with the same JSON types (numbers compared numerically). */
function sameTyped(a: unknown, b: unknown, where: string): void {
  if (Array.isArray(b)) {
    assert.ok(Array.isArray(a), `${where}: expected an array`);
    assert.equal(a.length, b.length, `${where}: array length`);
    for (const [i, x] of b.entries()) sameTyped(a[i], x, `${where}[${i}]`);
    return;
  }
  if (b && typeof b === 'object') {
    assert.ok(a && typeof a === 'object' && !Array.isArray(a), `${where}: expected an object`);
    for (const [k, x] of Object.entries(b)) sameTyped((a as Record<string, unknown>)[k], x, `${where}.${k}`);
    return;
  }
  assert.equal(
    typeof a,
    typeof b,
    `${where}: JSON type (${JSON.stringify(a)} vs official ${JSON.stringify(b)})`,
  );
  assert.equal(a, b, `${where}: value`);
}

const lower = (h: Record<string, string>) =>
  Object.fromEntries(Object.entries(h).map(([k, v]) => [k.toLowerCase(), v]));

function compare(label: string, fn: string, off: Captured, sdk: Recorded): void {
  assert.equal(sdk.method, off.method, `${label}: method`);
  assert.equal(sdk.path, normalizePath(off.path), `${label}: path`);
  const oh = lower(off.headers);
  const sh = sdk.headers;
  for (const h of ['x-privatekey', 'x-usertype', 'x-sourceid', 'accept', 'content-type']) {
    assert.equal(sh[h], oh[h], `${label}: header ${h}`);
  }
  for (const h of ['x-clientlocalip', 'x-clientpublicip', 'x-macaddress']) {
    assert.ok(sh[h] && sh[h] !== 'null', `${label}: header ${h} has a real value`);
    assert.notEqual(sh[h], '106.193.147.98', `${label}: never a stranger's IP`);
  }
  if (oh.authorization) assert.equal(sh.authorization, oh.authorization, `${label}: Authorization`);
  else assert.equal(sh.authorization, undefined, `${label}: no Authorization`);
  if (off.method === 'GET') {
    assert.equal(sdk.query, null, `${label}: no JSON in the query string`);
    assert.equal(sdk.body, '', `${label}: no body on GET`);
    return;
  }
  if (NO_BODY_CHECK.has(fn)) return;
  const want = dropNulls(off.body) as Record<string, unknown>;
  const got = sdk.json as Record<string, unknown>;
  sameTyped(got, want, `${label}: body`);
  const extra = Object.keys(got).filter((k) => !(k in want) && !(EXTRA_OK[fn] ?? []).includes(k));
  assert.deepEqual(extra, [], `${label}: unexpected body fields`);
}

for (const client of ['python', 'js'] as const) {
  test(`every ${client} client call → an equivalent SDK request`, async () => {
    const sc = new SmartConnect({ api_key: 'fIxTuReK', root: venue.url, rateLimit: false, timeout: 5 });
    let checked = 0;
    try {
      for (const c of functions[client].calls) {
        const label = `${client}:${c.function}#${c.call}`;
        const method = (sc as unknown as Record<string, (...a: unknown[]) => unknown>)[c.function];
        if (typeof method !== 'function') {
          if (c.function === 'getUserId' || c.function === 'setSessionExpiryHook') continue;
          assert.fail(`${label}: SmartConnect has no ${c.function}`);
        }
        if (c.requests_captured === 0) {
          if (c.function === 'login_url' || c.function === 'getLoginURL') {
            assert.equal(method.call(sc), c.returned, `${label}: login URL`);
          }
          continue;
        }
        const recs = captured[client]
          .filter((r) => r.function === c.function && r.call === c.call)
          .sort((a, b) => a.request_in_call - b.request_in_call);
        venue.requests.length = 0;
        const result = await (method.apply(sc, argsOf(client, c)) as Promise<unknown>);
        assert.ok(venue.requests.length >= recs.length, `${label}: sent ${venue.requests.length} requests`);
        let i = 0;
        for (const off of recs) {
          while (i < venue.requests.length && venue.requests[i]?.path !== normalizePath(off.path)) i++;
          const sdk = venue.requests[i];
          assert.ok(sdk, `${label}: no request to ${off.path}`);
          compare(`${label}/${off.request_in_call}`, c.function, off, sdk);
          checked++;
          i++;
        }
        if (c.function === 'placeOrder' && client === 'python')
          assert.equal(result, c.returned, `${label}: returns the order id`);
        if (c.function === 'gttCreateRule' || c.function === 'gttModifyRule') {
          assert.equal(String(result), String(c.returned), `${label}: returns the rule id`);
        }
        if (c.function === 'searchScrip' && client === 'js')
          assert.deepEqual(result, c.returned, `${label}: JS form returns the array`);
      }
      assert.equal(checked, captured[client].length, 'every captured request was compared');
    } finally {
      sc.close();
    }
  });
}
