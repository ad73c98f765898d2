/**
 * Typed configuration of the paper broker, with the defaults the CLI and `buildServer()` use.
 */
import {
  applyExecutionChange,
  type ExecutionSettings,
  ExecutionSettingsError,
  isPresetName,
  type PresetName,
  presetSettings,
} from './engine/execution/presets.js';
import type { IntradayConfig } from './engine/rules/intraday.js';
import { isPostgresUrl, validatePostgresUrl } from './storage/url.js';

/** How market time advances. */
export type ClockMode = 'sim' | 'real' | 'manual';

/** Where market data comes from. */
export type MarketMode = 'synthetic' | 'replay' | 'live';

/** Log verbosity (fastify/pino levels). */
export type LogLevel = 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';

/** Complete configuration of one paper-broker instance. */
export interface PaperConfig {
  /**
   * Interface to listen on.
   * @default '127.0.0.1'
   */
  host: string;
  /**
   * TCP port; 0 picks a free port.
   * @default 8080
   */
  port: number;
  /**
   * SQLite database file, `:memory:` for a throw-away store, or a Postgres database URL
   * (`postgres://user:password@host:port/database`, docs/scaling.md#postgres).
   * @default './data/paper.db'
   */
  db: string;
  /**
   * `sim` runs a simulated trading day that is open now (starts at 09:15 IST of today's date), `real`
   * follows the wall clock and the exchange calendar, `manual` only moves when a test advances it.
   * @default 'sim'
   */
  clock: ClockMode;
  /**
   * Speed of the simulated clock (market seconds per wall-clock second).
   * @default 1
   */
  speed: number;
  /**
   * Seed of the price simulator; the same seed gives the same market.
   * @default 1
   */
  seed: number;
  /** A scrip-master JSON file to load instead of the built-in universe. */
  instruments?: string;
  /**
   * Source of market data: `synthetic` (the seeded simulator), `replay` (recorded bars and ticks from
   * `data`, docs/paper-broker-data.md), `live` (mirrored from the `upstream` root; real clock).
   * @default 'synthetic'
   */
  market: MarketMode;
  /**
   * Live: REST root of the upstream SmartAPI (the venue or another paper broker) whose market data this
   * broker mirrors; orders are never sent there (docs/paper-broker-data.md#live).
   */
  upstream?: string;
  /**
   * Live: JSON file with the upstream account's `{clientCode, pin, totpSecret, apiKey}`. Without it the
   * `SMARTAPI_UPSTREAM_CLIENT`, `_PIN`, `_TOTP_SECRET` and `_API_KEY` environment variables are read.
   */
  upstreamCredentials?: string;
  /** Replay: directory of data files (`<EXCHANGE>-<symboltoken>.json|.csv`). */
  data?: string;
  /** Replay: first day to replay, `YYYY-MM-DD` (the clock starts at its first bar). @default the first day with data */
  from?: string;
  /** Replay: last day to replay, `YYYY-MM-DD` (later bars are dropped). @default the last day with data */
  to?: string;
  /**
   * Replay: what instruments without data get: `none` (no quote; orders refused) or `synthetic` (the
   * seeded simulator on the same clock).
   * @default 'none'
   */
  fillMissing: 'none' | 'synthetic';
  /**
   * Per-client-code rate limits of the venue (docs/protocol/rest.md#rate-limits).
   * @default true
   */
  rateLimits: boolean;
  /**
   * How placeOrder answers an order the risk checks reject (insufficient funds, lot, tick, freeze,
   * circuit …): `error` = HTTP 200 `status:false` with code AB4001, the venue's rejection text and the
   * order ids in `data`; `book` = success with the order id, the rejection shown only in the order book
   * and the order feed. The rejected order row is in the book either way.
   * @default 'error'
   */
  rmsRejections: 'error' | 'book';
  /**
   * Largest accepted request body in bytes.
   * @default 1048576
   */
  bodyLimit: number;
  /**
   * Log level of the HTTP server (logs go to stderr).
   * @default 'warn'
   */
  logLevel: LogLevel;
  /**
   * Starting funds of accounts created without an explicit amount, in paise.
   * @default 100_000_000 (₹10,00,000)
   */
  defaultFunds: number;
  /**
   * Wall clock used for sessions (token expiry at midnight IST) and rate limits. Tests may replace it.
   * @default Date.now
   */
  wallClock: () => number;
  /**
   * Bearer token of the `/paper/v1/` admin API. Empty: the CLI generates one at start.
   * @default ''
   */
  adminToken: string;
  /**
   * Market step of an admin-API advance while an exchange is in session (simulated ms): each step moves
   * prices once, runs fills and triggers, then the clock-driven work. Larger is faster, smaller finer.
   * @default 10000
   */
  advanceStepMs: number;
  /**
   * Start the market's timers when the server is built (off for tests that drive the market manually).
   * @default true
   */
  startMarket: boolean;
  /**
   * Intraday cut-off and auto square-off: times per exchange, the charge, or `enabled: false`
   * (docs/paper-broker-rules.md#product-cut-offs-and-auto-square-off).
   * @default the dated rule tables
   */
  intraday?: IntradayConfig;
  /**
   * Execution preset (docs/paper-broker-execution.md): `ideal` = fill at once at the touch (the
   * library default, so tests stay simple), `realistic` = latency, queue position and market impact
   * (the `serve` command's default), `harsh` = slow link and thin books.
   * @default 'ideal'
   */
  fills: PresetName;
  /**
   * Overrides of the preset's parameters, in the shape of `PUT /paper/v1/execution`
   * (`{ seed?, latency?: { entry }, queue?: { model }, impact?: {…} }`).
   */
  execution?: Record<string, unknown>;
  /**
   * Market protection of MARKET (and triggered SL-M) orders: one percentage in (0, 100] used for every
   * instrument instead of the dated table per instrument class
   * (docs/paper-broker-rules.md#market-protection-of-market-orders). CLI: `--market-protection <pct>`.
   * @default the dated table (`MARKET_PROTECTION` in engine/rules/order-rules.ts)
   */
  marketProtection?: number;
}

/** The defaults of every option. */
export const DEFAULT_CONFIG: Readonly<PaperConfig> = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  db: './data/paper.db',
  clock: 'sim',
  speed: 1,
  seed: 1,
  rateLimits: true,
  rmsRejections: 'error',
  bodyLimit: 1024 * 1024,
  logLevel: 'warn',
  defaultFunds: 100_000_000,
  wallClock: Date.now,
  adminToken: '',
  advanceStepMs: 10_000,
  startMarket: true,
  fills: 'ideal',
  market: 'synthetic',
  fillMissing: 'none',
});

/** Options accepted by {@link resolveConfig}: any subset of {@link PaperConfig}. */
export type PaperConfigInput = Partial<PaperConfig>;

/**
 * Fills in defaults and checks values. Throws a `TypeError` with a readable message on a bad value.
 */
export function resolveConfig(input: PaperConfigInput = {}): PaperConfig {
  const cfg: PaperConfig = { ...DEFAULT_CONFIG };
  for (const [k, v] of Object.entries(input)) {
    if (v !== undefined) (cfg as unknown as Record<string, unknown>)[k] = v;
  }
  if (typeof cfg.host !== 'string' || cfg.host === '') throw new TypeError('host must be a non-empty string');
  if (!Number.isInteger(cfg.port) || cfg.port < 0 || cfg.port > 65535) {
    throw new TypeError(`port must be an integer 0–65535, got ${String(cfg.port)}`);
  }
  if (typeof cfg.db !== 'string' || cfg.db === '') {
    throw new TypeError('db must be a file name, :memory: or a postgres:// URL');
  }
  if (isPostgresUrl(cfg.db)) validatePostgresUrl(cfg.db);
  if (cfg.rmsRejections !== 'error' && cfg.rmsRejections !== 'book') {
    throw new TypeError(`rmsRejections must be error or book, got ${String(cfg.rmsRejections)}`);
  }
  if (cfg.clock !== 'sim' && cfg.clock !== 'real' && cfg.clock !== 'manual') {
    throw new TypeError(`clock must be sim, real or manual, got ${String(cfg.clock)}`);
  }
  if (!Number.isFinite(cfg.speed) || cfg.speed <= 0) {
    throw new TypeError(`speed must be a positive number, got ${String(cfg.speed)}`);
  }
  if (!Number.isSafeInteger(cfg.seed))
    throw new TypeError(`seed must be an integer, got ${String(cfg.seed)}`);
  if (!Number.isInteger(cfg.bodyLimit) || cfg.bodyLimit < 1024) {
    throw new TypeError('bodyLimit must be an integer ≥ 1024');
  }
  if (!Number.isSafeInteger(cfg.defaultFunds) || cfg.defaultFunds < 0) {
    throw new TypeError('defaultFunds must be a non-negative integer (paise)');
  }
  if (typeof cfg.adminToken !== 'string') throw new TypeError('adminToken must be a string');
  if (!Number.isSafeInteger(cfg.advanceStepMs) || cfg.advanceStepMs < 1 || cfg.advanceStepMs > 3_600_000) {
    throw new TypeError('advanceStepMs must be an integer 1–3600000');
  }
  if (!isPresetName(cfg.fills)) {
    throw new TypeError(`fills must be ideal, realistic or harsh, got ${String(cfg.fills)}`);
  }
  executionSettings(cfg);
  if (cfg.market !== 'synthetic' && cfg.market !== 'replay' && cfg.market !== 'live') {
    throw new TypeError(`market must be synthetic, replay or live, got ${String(cfg.market)}`);
  }
  if (cfg.market === 'live') {
    if (!cfg.upstream) throw new TypeError('--market live needs --upstream <url> (the REST root to mirror)');
    let u: URL | undefined;
    try {
      u = new URL(cfg.upstream);
    } catch {
      u = undefined;
    }
    if (!u || (u.protocol !== 'http:' && u.protocol !== 'https:'))
      throw new TypeError(
        `--upstream must be an http(s) URL such as http://127.0.0.1:8081, got ${cfg.upstream}`,
      );
    if (u.username || u.password || u.search || u.hash)
      throw new TypeError('--upstream must be a plain root URL (no user, password, query or fragment)');
    if (input.clock !== undefined && input.clock !== 'real')
      throw new TypeError(
        `--market live runs on the real clock: --clock ${String(input.clock)} is not available (omit --clock)`,
      );
    cfg.clock = 'real';
    for (const [k, flag] of [
      ['instruments', '--instruments'],
      ['data', '--data'],
      ['from', '--from'],
      ['to', '--to'],
    ] as const)
      if (cfg[k] !== undefined)
        throw new TypeError(
          `${flag} does not apply to --market live (instruments and data come from the upstream)`,
        );
  } else if (cfg.upstream !== undefined || cfg.upstreamCredentials !== undefined) {
    throw new TypeError('--upstream and --upstream-credentials need --market live');
  }
  if (cfg.fillMissing !== 'none' && cfg.fillMissing !== 'synthetic') {
    throw new TypeError(`fillMissing must be none or synthetic, got ${String(cfg.fillMissing)}`);
  }
  if (cfg.market === 'replay' && !cfg.data) throw new TypeError('--market replay needs --data <dir>');
  for (const k of ['from', 'to'] as const) {
    const v = cfg[k];
    if (v !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(v))
      throw new TypeError(`${k} must be YYYY-MM-DD, got ${v}`);
  }
  if (
    cfg.marketProtection !== undefined &&
    !(typeof cfg.marketProtection === 'number' && cfg.marketProtection > 0 && cfg.marketProtection <= 100)
  ) {
    throw new TypeError(
      `marketProtection must be a percentage greater than 0 and at most 100, got ${String(cfg.marketProtection)}`,
    );
  }
  return cfg;
}

/**
 * The execution settings a config starts with: the preset (seeded with the market seed) with the
 * overrides applied. Throws a `TypeError` on a bad override.
 */
export function executionSettings(cfg: Pick<PaperConfig, 'fills' | 'seed' | 'execution'>): ExecutionSettings {
  // The preset table has one row so far; a later row would take the start time here.
  const at = Date.UTC(2026, 0, 1);
  const base = presetSettings(cfg.fills, cfg.seed, at);
  if (cfg.execution === undefined) return base;
  try {
    return applyExecutionChange(base, cfg.execution, at);
  } catch (err) {
    if (err instanceof ExecutionSettingsError) throw new TypeError(`execution: ${err.message}`);
    throw err;
  }
}
