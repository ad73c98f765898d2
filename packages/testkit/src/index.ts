/**
 * Test helpers for smartapi-ts: start a real paper broker on an ephemeral port with a fresh account,
 * generate TOTP codes, and load the shared wire fixtures.
 *
 * ```ts
 * import { startPaperBroker } from '@smartapi-ts/testkit';
 * const broker = await startPaperBroker();            // 127.0.0.1:<free port>, in-memory DB, manual clock
 * const api = new SmartApi({ root: broker.url, apiKey: broker.account.apiKey });
 * await api.login({ clientCode: broker.account.clientcode, password: broker.account.password, totp: broker.totp() });
 * broker.advance(60_000);                              // move the simulated market one minute
 * await broker.close();
 * ```
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  type AccountCredentials,
  buildServer,
  buildUniverse,
  createAccount,
  createReplayMarket,
  createSimulatedMarket,
  type IntradayConfig,
  type Market,
  type PaperServer,
  SimClock,
  totpCode,
} from '@smartapi-ts/paper';
import { ROUTES, type SessionTokens } from '@smartapi-ts/protocol';
import { StaticMarket } from './static-market.js';

/** Options of {@link startPaperBroker}. */
export interface StartPaperBrokerOptions {
  /**
   * Which market to run: `sim` is the seeded simulated market of the paper broker (every instrument of
   * the built-in universe); `static` is a tiny manual market (SBIN-EQ 3045, RELIANCE-EQ 2885, INFY-EQ
   * 1594, BSE SBIN 500112, NIFTY index 99926000) whose prices only move on `setPrice()`.
   * @default 'sim'
   */
  market?: 'sim' | 'static' | 'replay';
  /**
   * The `replay` market's data directory (`<EXCHANGE>-<symboltoken>.json|.csv`, see
   * docs/paper-broker-data.md); its clock starts at the first bar (or the first bar of `replayFrom`).
   */
  data?: string;
  /** Replay: first day (`YYYY-MM-DD`). */
  replayFrom?: string;
  /** Replay: instruments without data get the simulated market. @default false */
  fillMissing?: boolean;
  /**
   * Clock of the `sim` market: `manual` moves only on {@link PaperBroker.advance} (deterministic);
   * `fast` runs the simulated day at `speed`× real time.
   * @default 'manual'
   */
  clock?: 'manual' | 'fast';
  /**
   * Speed of the `fast` clock (simulated ms per real ms).
   * @default 60
   */
  speed?: number;
  /**
   * Market start time (epoch ms) of the `sim` market.
   * @default 09:15 IST today
   */
  start?: number;
  /**
   * Seed of the simulated market.
   * @default 1
   */
  seed?: number;
  /**
   * Enforce the venue's per-client rate limits (HTTP 403 text). Off by default so tests can call
   * rate-limited routes (1/s order book …) back to back.
   * @default false
   */
  rateLimits?: boolean;
  /**
   * How placeOrder answers an order the risk checks reject (see the server's `rmsRejections`).
   * @default 'error'
   */
  rmsRejections?: 'error' | 'book';
  /**
   * `memory` keeps everything in RAM; `file` uses a SQLite file in a fresh temp directory (removed on
   * close) — use it to test restarts with {@link PaperBroker.restart}.
   * @default 'memory'
   */
  storage?: 'memory' | 'file';
  /**
   * Starting funds of the account, in rupees.
   * @default 1000000
   */
  funds?: number;
  /** Wall clock for sessions (token expiry at midnight IST). @default Date.now */
  wallClock?: () => number;
  /** Serve `/docs`. @default false (faster start) */
  docs?: boolean;
  /**
   * Bearer token of the `/paper/v1/` admin API.
   * @default 'paper-admin-test-token'
   */
  adminToken?: string;
  /** Intraday cut-off / auto square-off overrides (the server's `intraday` config). @default the rule tables */
  intraday?: IntradayConfig;
  /**
   * Execution preset of the broker (docs/paper-broker-execution.md). `ideal` (fill at once at the touch)
   * keeps tests simple and deterministic; pass `realistic` or `harsh` to test a bot against latency,
   * queue position and market impact (the `serve` command's default is `realistic`).
   * @default 'ideal'
   */
  fills?: 'ideal' | 'realistic' | 'harsh';
  /** Overrides of the preset's parameters (the body shape of `PUT /paper/v1/execution`). */
  execution?: Record<string, unknown>;
  /**
   * Market protection of MARKET orders as one percentage for every instrument (the server's
   * `marketProtection`). @default the dated table per instrument class
   */
  marketProtection?: number;
}

/** A running paper broker for tests. */
export interface PaperBroker {
  /** REST root, e.g. `http://127.0.0.1:41234`. */
  readonly url: string;
  /** WebSocket root, e.g. `ws://127.0.0.1:41234` (append `/smart-stream` or `/smart-order-update`). */
  readonly wsUrl: string;
  /** The account created for this broker. */
  readonly account: AccountCredentials;
  /** The current TOTP code of {@link account}. */
  totp(): string;
  /** The server (fastify app, store, engine …). */
  readonly server: PaperServer;
  /** The market. */
  readonly market: Market;
  /** The manual market when `market: 'static'`. */
  readonly staticMarket: StaticMarket | undefined;
  /**
   * Moves the market clock forward by `ms` (manual `sim` clock: prices move and orders fill
   * synchronously; `static` market: time only).
   */
  advance(ms: number): void;
  /** Bearer token of the admin API (`/paper/v1/`). */
  readonly adminToken: string;
  /**
   * Calls the admin API (`/paper/v1/<path>`) with the admin token; resolves with the HTTP status and the
   * parsed JSON envelope.
   */
  admin(
    method: 'GET' | 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<{ status: number; body: AdminEnvelope }>;
  /** Creates another account (funds in rupees). */
  createAccount(funds?: number): Promise<AccountCredentials>;
  /** Logs an account in over HTTP and returns its tokens. */
  login(account?: AccountCredentials): Promise<SessionTokens>;
  /** Standard request headers for `fetch` (api key, user type, JSON; plus the JWT when given). */
  headers(jwt?: string, account?: AccountCredentials): Record<string, string>;
  /**
   * Stops the server and starts a new one on the same port and database (`storage: 'file'` only; the
   * in-memory store does not survive). The handle's `server` and `market` are replaced.
   */
  restart(): Promise<void>;
  /** Stops everything and removes temporary files. Idempotent. */
  close(): Promise<void>;
}

/** The admin API's envelope. */
export interface AdminEnvelope {
  status: boolean;
  message: string;
  errorcode: string;
  // biome-ignore lint/suspicious/noExplicitAny: test convenience (tests read nested fields freely)
  data: any;
}

/**
 * Starts a paper broker on `127.0.0.1` with an ephemeral port and one account. Always `close()` it
 * (e.g. in `after()`).
 */
export async function startPaperBroker(opts: StartPaperBrokerOptions = {}): Promise<PaperBroker> {
  const kind = opts.market ?? 'sim';
  const fundsPaise = Math.round((opts.funds ?? 1_000_000) * 100);
  const dir = opts.storage === 'file' ? mkdtempSync(join(tmpdir(), 'smartapi-paper-')) : undefined;
  const db = dir ? join(dir, 'paper.db') : ':memory:';

  let clock: SimClock | undefined;
  let staticMarket: StaticMarket | undefined;
  const makeMarket = (): Market => {
    if (kind === 'static') {
      staticMarket = new StaticMarket();
      clock = undefined;
      return staticMarket;
    }
    if (kind === 'replay') {
      if (!opts.data) throw new Error('market: "replay" needs data: <dir>');
      const seed = opts.seed ?? 1;
      const m = createReplayMarket({
        data: opts.data,
        ...(opts.replayFrom ? { from: opts.replayFrom } : {}),
        manual: (opts.clock ?? 'manual') === 'manual',
        speed: opts.speed ?? 60,
        seed,
        universe: (start, calendar) => buildUniverse({ date: start, seed, calendar }),
        ...(opts.fillMissing
          ? {
              fallback: (c, universe, calendar) =>
                createSimulatedMarket({ clock: c, seed, universe, calendar }),
            }
          : {}),
      });
      clock = m.clock as SimClock;
      return m;
    }
    clock = new SimClock({
      manual: (opts.clock ?? 'manual') === 'manual',
      speed: opts.speed ?? 60,
      ...(opts.start !== undefined ? { start: opts.start } : {}),
    });
    return createSimulatedMarket({ clock, seed: opts.seed ?? 1 });
  };

  let port = 0;
  const boot = async (): Promise<PaperServer> => {
    const s = await buildServer(
      {
        host: '127.0.0.1',
        port,
        db,
        seed: opts.seed ?? 1,
        rateLimits: opts.rateLimits ?? false,
        ...(opts.rmsRejections ? { rmsRejections: opts.rmsRejections } : {}),
        logLevel: 'silent',
        adminToken: opts.adminToken ?? 'paper-admin-test-token',
        ...(opts.wallClock ? { wallClock: opts.wallClock } : {}),
        ...(opts.intraday ? { intraday: opts.intraday } : {}),
        fills: opts.fills ?? 'ideal',
        ...(opts.execution ? { execution: opts.execution } : {}),
        ...(opts.marketProtection !== undefined ? { marketProtection: opts.marketProtection } : {}),
      },
      { market: makeMarket(), docs: opts.docs ?? false },
    );
    try {
      const url = await s.listen();
      port = Number(new URL(url).port);
    } catch (err) {
      await s.close();
      throw err;
    }
    return s;
  };

  let server: PaperServer;
  let account: AccountCredentials;
  try {
    server = await boot();
    account = (await createAccount(server.store, { funds: fundsPaise })).credentials;
  } catch (err) {
    if (dir) rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const url = server.url ?? `http://127.0.0.1:${port}`;
  let closed: Promise<void> | undefined;

  const headers = (jwt?: string, a: AccountCredentials = account): Record<string, string> => ({
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': a.apiKey,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  });

  const handle: PaperBroker = {
    url,
    wsUrl: url.replace(/^http/, 'ws'),
    account,
    totp: () => totpCode(account.totpSecret),
    get server() {
      return server;
    },
    get market() {
      return server.market;
    },
    get staticMarket() {
      return staticMarket;
    },
    adminToken: opts.adminToken ?? 'paper-admin-test-token',
    async admin(method, path, body) {
      const res = await fetch(`${url}/paper/v1/${path.replace(/^\//, '')}`, {
        method,
        headers: {
          Authorization: `Bearer ${opts.adminToken ?? 'paper-admin-test-token'}`,
          ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        },
        ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
      });
      return { status: res.status, body: (await res.json()) as AdminEnvelope };
    },
    advance(ms: number) {
      if (clock) clock.advance(ms);
      else staticMarket?.advance(ms);
    },
    async createAccount(funds = opts.funds ?? 1_000_000) {
      return (await createAccount(server.store, { funds: Math.round(funds * 100) })).credentials;
    },
    async login(a = account) {
      const res = await fetch(url + ROUTES.loginByPassword.path, {
        method: 'POST',
        headers: headers(undefined, a),
        body: JSON.stringify({
          clientcode: a.clientcode,
          password: a.password,
          totp: totpCode(a.totpSecret),
        }),
      });
      const body = (await res.json()) as { status?: boolean; message?: string; data?: SessionTokens };
      if (!body.status || !body.data) throw new Error(`login failed: ${body.message ?? res.status}`);
      return body.data;
    },
    headers,
    async restart() {
      if (!dir) throw new Error('restart() needs storage: "file"');
      await server.close();
      // Let clients in this process see their keep-alive sockets close before the port reopens.
      await new Promise((resolve) => setTimeout(resolve, 25));
      server = await boot();
    },
    close() {
      closed ??= (async () => {
        try {
          await server.close();
        } finally {
          if (dir) rmSync(dir, { recursive: true, force: true });
        }
      })();
      return closed;
    },
  };
  return handle;
}

const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Absolute path of a file under the repository's `fixtures/` folder. */
export function fixturePath(...parts: string[]): string {
  return join(REPO_ROOT, 'fixtures', ...parts);
}

/** Reads and parses a JSON fixture (path relative to `fixtures/`). */
export function loadJsonFixture<T = unknown>(...parts: string[]): T {
  return JSON.parse(readFileSync(fixturePath(...parts), 'utf8')) as T;
}

/** One request captured from an official client (see fixtures/official-requests/NOTES.md). */
export interface OfficialRequest {
  client: 'python' | 'js';
  function: string;
  method: 'GET' | 'POST';
  path: string;
  query: string | null;
  headers: Record<string, string>;
  body: unknown;
  body_raw: string;
}

/** The captured requests of an official client, in call order. */
export function officialRequests(client: 'python' | 'js'): OfficialRequest[] {
  return loadJsonFixture<OfficialRequest[]>('official-requests', `${client}.json`);
}

export {
  type DiagnosticSink,
  type PropertyOptions,
  propertyOptions,
  propertySeed,
  SEED_ENV,
} from './property.js';
export { StaticMarket, type StaticMarketOptions } from './static-market.js';
export {
  type AdvanceableClock,
  type EventuallyOptions,
  eventually,
  type NeverWithinOptions,
  neverWithin,
} from './timing.js';
export { totpCode };
