/**
 * Client child process of the REST benchmark: calls the order book at a fixed concurrency with one
 * client implementation and reports calls/s and this process's own CPU time per call.
 *
 * argv: VARIANT URL CONFIG_JSON, VARIANT one of `sdk` | `official` | `fetch` | `http`;
 * CONFIG_JSON = { apiKey, clientcode, jwtToken, refreshToken, feedToken, concurrency, warmupMs, durationMs }.
 * stdout: one JSON line { variant, calls, failed, seconds, cpuMicros, firstFailure? } or { variant, skipped }.
 *
 * The `official` variant loads `smartapi-javascript` (when installed) with its `public-ip` dependency
 * replaced by a stub resolving '127.0.0.1' and UDP sockets disabled, so nothing leaves 127.0.0.1; run it
 * with a temporary cwd (the package writes winston `error.log` files into the cwd).
 */

import dgram from 'node:dgram';
import { existsSync } from 'node:fs';
import http from 'node:http';
import Module, { createRequire } from 'node:module';
import { join } from 'node:path';
import { Header, ROUTES, USER_TYPE } from '@smartapi-ts/protocol';
import { Pool } from 'undici';
import { SmartApi } from '../../packages/sdk/src/index.js';

interface Config {
  apiKey: string;
  clientcode: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  root: string;
}

/** The part of the official SDK's `SmartAPI` object used here. */
interface OfficialSmartApi {
  getOrderBook(): Promise<{ status?: boolean; data?: unknown } | Record<string, unknown>>;
}

const [variant, url, configJson] = process.argv.slice(2);
if (variant === undefined || url === undefined || configJson === undefined) {
  process.stderr.write('usage: client-child.ts VARIANT URL CONFIG_JSON\n');
  process.exit(2);
}
const cfg = JSON.parse(configJson) as Config;
const out = (o: object): void => {
  process.stdout.write(`${JSON.stringify({ variant, ...o })}\n`);
};

const headers: Record<string, string> = {
  [Header.CONTENT_TYPE]: 'application/json',
  [Header.ACCEPT]: 'application/json',
  [Header.USER_TYPE]: USER_TYPE,
  [Header.SOURCE_ID]: 'WEB',
  [Header.CLIENT_LOCAL_IP]: '127.0.0.1',
  [Header.CLIENT_PUBLIC_IP]: '127.0.0.1',
  [Header.MAC_ADDRESS]: '00:00:00:00:00:00',
  [Header.PRIVATE_KEY]: cfg.apiKey,
  [Header.AUTHORIZATION]: `Bearer ${cfg.jwtToken}`,
};
const bookPath = ROUTES.getOrderBook.path;

/** Builds the "one order-book call" function of the variant; resolves true when the book came back. */
function makeCall(): (() => Promise<boolean>) | undefined {
  switch (variant) {
    case 'sdk': {
      const api = new SmartApi({
        apiKey: cfg.apiKey,
        root: url as string,
        rateLimit: false,
        clientLocalIp: '127.0.0.1',
        clientPublicIp: '127.0.0.1',
        macAddress: '00:00:00:00:00:00',
      });
      api.setSession({
        clientCode: cfg.clientcode,
        jwtToken: cfg.jwtToken,
        refreshToken: cfg.refreshToken,
        feedToken: cfg.feedToken,
      });
      return async () => Array.isArray(await api.orders.book());
    }
    case 'fetch':
      return async () => {
        const res = await fetch(url + bookPath, { headers });
        const body = (await res.json()) as { status?: boolean; data?: unknown };
        return res.ok && body.status === true && Array.isArray(body.data);
      };
    case 'undici': {
      // reference: a bare undici Pool + JSON.parse (what the SDK's transport is built on)
      const pool = new Pool(url as string, { connections: cfg.concurrency, pipelining: 1 });
      return async () => {
        const res = await pool.request({ path: bookPath, method: 'GET', headers });
        const body = JSON.parse(await res.body.text()) as { status?: boolean; data?: unknown };
        return res.statusCode === 200 && body.status === true && Array.isArray(body.data);
      };
    }
    case 'http': {
      const agent = new http.Agent({ keepAlive: true, maxSockets: cfg.concurrency });
      const target = new URL(url as string);
      return () =>
        new Promise((resolve, reject) => {
          const req = http.request(
            { host: target.hostname, port: target.port, path: bookPath, method: 'GET', headers, agent },
            (res) => {
              const chunks: Buffer[] = [];
              res.on('data', (c: Buffer) => chunks.push(c));
              res.on('end', () => {
                const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as {
                  status?: boolean;
                  data?: unknown;
                };
                resolve(res.statusCode === 200 && body.status === true && Array.isArray(body.data));
              });
              res.on('error', reject);
            },
          );
          req.on('error', reject);
          req.end();
        });
    }
    case 'official': {
      const dir = join(cfg.root, 'node_modules', 'smartapi-javascript');
      if (!existsSync(join(dir, 'package.json'))) return undefined;
      // Nothing may leave 127.0.0.1: no UDP at all (public-ip asks OpenDNS over UDP), and public-ip stubbed.
      dgram.createSocket = (() => {
        throw new Error('UDP is disabled in this benchmark');
      }) as typeof dgram.createSocket;
      const stub = { v4: async () => '127.0.0.1', v6: async () => '::1' };
      const M = Module as unknown as { _load(request: string, parent: unknown, isMain: boolean): unknown };
      const load = M._load;
      M._load = function (request: string, parent: unknown, isMain: boolean): unknown {
        if (request === 'public-ip') return stub;
        return load.call(this, request, parent, isMain);
      };
      const require = createRequire(join(cfg.root, 'package.json'));
      const { SmartAPI } = require('smartapi-javascript') as {
        SmartAPI: new (p: {
          api_key: string;
          root: string;
          access_token: string;
          refresh_token: string;
        }) => OfficialSmartApi;
      };
      const api = new SmartAPI({
        api_key: cfg.apiKey,
        root: url as string,
        access_token: cfg.jwtToken,
        refresh_token: cfg.refreshToken,
      });
      return async () => {
        const r = (await api.getOrderBook()) as { status?: boolean; data?: unknown };
        return r.status === true && Array.isArray(r.data);
      };
    }
    default:
      throw new Error(`unknown variant ${variant}`);
  }
}

const call = makeCall();
if (!call) {
  out({ skipped: 'smartapi-javascript is not installed (node_modules/smartapi-javascript missing)' });
} else {
  let calls = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let measuring = false;
  let stop = false;
  const worker = async (): Promise<void> => {
    while (!stop) {
      let ok = false;
      try {
        ok = await call();
        if (!ok) firstFailure ??= 'unexpected answer';
      } catch (e) {
        firstFailure ??= e instanceof Error ? e.message : String(e);
      }
      if (measuring && !stop) {
        if (ok) calls++;
        else failed++;
      }
    }
  };
  const workers = Array.from({ length: cfg.concurrency }, worker);
  await new Promise((r) => setTimeout(r, cfg.warmupMs));
  measuring = true;
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await new Promise((r) => setTimeout(r, cfg.durationMs));
  const cpu = process.cpuUsage(cpu0);
  const seconds = (performance.now() - t0) / 1000;
  stop = true;
  measuring = false;
  await Promise.all(workers);
  out({
    calls,
    failed,
    seconds,
    cpuMicros: cpu.user + cpu.system,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  });
  process.exit(0);
}
