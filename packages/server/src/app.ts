/**
 * The composition root of the paper broker: `buildServer(config)` opens the store, builds the
 * market, the engine driver, sessions, the HTTP routes and both WebSocket feeds, and returns the
 * fastify instance plus handles. It never listens by itself (tests use `app.inject()`); call
 * `listen()` on the result to open the port.
 */

import { randomBytes } from 'node:crypto';
import { SCRIP_MASTER_PATH } from '@smartapi-ts/protocol';
import type { FastifyInstance } from 'fastify';
import { registerAdminApi } from './admin/routes.js';
import { Broker } from './broker/broker.js';
import { createDefaultMarket, withMarketWarmup } from './broker/market.js';
import { executionSettings, type PaperConfig, type PaperConfigInput, resolveConfig } from './config.js';
import { registerFaultHook } from './faults/http-hook.js';
import { FaultRegistry, HTTP_FAULT_KINDS } from './faults/registry.js';
import { type Handlers, registerApi } from './http/api.js';
import { registerDashboard } from './http/dashboard.js';
import { registerPortfolioApi } from './http/portfolio-api.js';
import { RateLimiter } from './http/rate-limit.js';
import { createHttpApp, frontRequests } from './http/server.js';
import { sessionHandlers } from './http/session-routes.js';
import { SessionService } from './identity/sessions.js';
import type { Market } from './market/types.js';
import { ScenarioController } from './scenario/controller.js';
import { TriggerFillModel, triggerRejection } from './scenario/triggers.js';
import { openStore } from './storage/open.js';
import type { Store } from './storage/types.js';
import { MarketFeed } from './ws/market-feed/index.js';
import { OrderFeed, type OrderFeedAuth } from './ws/order-feed.js';
import { routeUpgrades, type UpgradeHandler } from './ws/upgrade.js';

/** A market-data WebSocket feed (the market engineer's `ws/market-feed/`). */
export interface MarketFeedHandle extends UpgradeHandler {
  close(): void;
}

/** Optional collaborators of {@link buildServer} (tests inject their own). */
export interface BuildDependencies {
  /** Use this market instead of building one from the config. */
  market?: Market;
  /** Use this store instead of opening `config.db`. */
  store?: Store;
  /** Serve `/docs` (OpenAPI + Swagger UI). @default true */
  docs?: boolean;
  /**
   * Called once when the disk did not confirm a commit: the broker refuses every write from then on, and
   * the process should exit without closing the store (the CLI does; see docs/paper-broker.md#durability).
   * @default logs the error
   */
  onFatal?: (err: Error) => void;
}

/** A built (not yet listening) paper broker. */
export interface PaperServer {
  /** The fastify instance (`inject()` works without listening). */
  readonly app: FastifyInstance;
  readonly config: PaperConfig;
  readonly store: Store;
  readonly market: Market;
  readonly sessions: SessionService;
  readonly broker: Broker;
  readonly orderFeed: OrderFeed;
  /** Scenario control (clock, accounts, snapshots, faults) behind the `/paper/v1/` admin API. */
  readonly scenario: ScenarioController;
  /** Bearer token of the admin API (the configured one, or generated at build). */
  readonly adminToken: string;
  /** Base URL once listening (`http://127.0.0.1:PORT`), else undefined. */
  readonly url: string | undefined;
  /** Opens the port (`config.host`, `config.port`); resolves with the base URL. */
  listen(): Promise<string>;
  /** Stops the market, closes sockets and the HTTP server, checkpoints and closes the database. Idempotent. */
  close(): Promise<void>;
}

/** Builds a paper broker from a config (defaults filled in). */
export async function buildServer(
  input: PaperConfigInput | PaperConfig = {},
  deps: BuildDependencies = {},
): Promise<PaperServer> {
  const config = resolveConfig(input);
  const store = deps.store ?? openStore(config.db);
  let market: Market | undefined;
  let app: FastifyInstance | undefined;
  try {
    market = deps.market ?? (await createDefaultMarket(config));
    const sessions = new SessionService(store, { now: config.wallClock });
    const orderFeed = new OrderFeed({
      authenticate(authorization): OrderFeedAuth {
        if (authorization.trim() === '') return { ok: false, reason: 'missing' };
        const chk = sessions.checkAccessToken(authorization);
        if (chk.ok) return { ok: true, clientcode: chk.principal.clientcode, sid: chk.principal.sid };
        return { ok: false, reason: chk.code === 'AG8002' ? 'expired' : 'invalid' };
      },
    });
    // ── scenario control (admin API): faults, ordertag triggers, clock ──
    const faults = new FaultRegistry(config.seed);
    const mk = market;
    const fillModel = new TriggerFillModel(executionSettings(config));
    const broker = new Broker({
      store,
      market,
      orderFeed,
      config,
      ...(deps.onFatal ? { onFatal: deps.onFatal } : {}),
      engine: {
        fillModel,
        orderCheck: (o, now) =>
          triggerRejection(o) ??
          faults.take(['reject'], { route: 'placeOrder', clientcode: o.clientcode }, now)?.message,
      },
    });
    const adminToken = config.adminToken || randomBytes(18).toString('base64url');
    app = await createHttpApp({
      bodyLimit: config.bodyLimit,
      logLevel: config.logLevel,
      docs: deps.docs ?? true,
    });
    registerFaultHook(app, { faults, store, sessions, now: () => mk.now(), wallNow: config.wallClock });
    const handlers: Handlers = {
      ...withMarketWarmup(market, broker.handlers()),
      ...sessionHandlers(sessions),
    };
    const fastReads = registerApi(app, {
      sessions,
      handlers,
      rateLimiter: config.rateLimits ? new RateLimiter(config.wallClock) : undefined,
    });
    // The hot read routes skip fastify's per-request work (docs/paper-broker.md#request-path); with an
    // HTTP fault armed, every request goes through fastify and its fault hook.
    frontRequests(app, fastReads, {
      logLevel: config.logLevel,
      bypass: () => faults.has(HTTP_FAULT_KINDS),
    });
    registerPortfolioApi(app, { sessions, broker });
    let scripMaster: string | undefined;
    const mkt = market;
    app.get(
      SCRIP_MASTER_PATH,
      { schema: { tags: ['instruments'], summary: 'Scrip master JSON (no auth)' } },
      (_req, reply) => {
        scripMaster ??= JSON.stringify(mkt.scripMaster());
        return reply.type('application/json; charset=utf-8').send(scripMaster);
      },
    );
    await registerDashboard(app);
    app.get('/health', { schema: { hide: true } }, (_req, reply) =>
      reply.send({ status: 'ok', time: new Date(mkt.now()).toISOString() }),
    );

    const marketFeed = await broker.createMarketFeed(sessions);
    const mf = marketFeed instanceof MarketFeed ? marketFeed : undefined;
    const scenario = new ScenarioController({
      store,
      market,
      broker,
      sessions,
      config,
      faults,
      fillModel,
      dropFeeds(feed, clientcode) {
        if (feed !== 'orderFeed') mf?.dropClients(clientcode);
        if (feed !== 'marketFeed') orderFeed.dropClients(clientcode);
      },
    });
    // Logout closes the session's sockets on both feeds.
    sessions.onRevoke((sid) => {
      mf?.dropSession(sid);
      orderFeed.dropSession(sid);
    });
    const gate = (route: 'marketFeed' | 'orderFeed') => ({
      stalled: (cc: string) =>
        faults.has(['feedStall']) && faults.active('feedStall', { route, clientcode: cc }, mk.now()),
      dropOnOpen: (cc: string) =>
        faults.has(['feedDrop']) &&
        faults.take(['feedDrop'], { route, clientcode: cc }, mk.now()) !== undefined,
    });
    if (mf) mf.gate = gate('marketFeed');
    orderFeed.gate = gate('orderFeed');
    await registerAdminApi(app, { scenario, token: adminToken, now: () => mk.now() });
    const unroute = routeUpgrades(app.server, { marketFeed, orderFeed });
    await app.ready();
    scenario.restoreClock();
    broker.start(config.startMarket, scenario.attach());

    let closing: Promise<void> | undefined;
    let url: string | undefined;
    const fastify = app;
    const server: PaperServer = {
      app: fastify,
      config,
      store,
      market: mkt,
      sessions,
      broker,
      orderFeed,
      scenario,
      adminToken,
      get url() {
        return url;
      },
      async listen() {
        const address = await fastify.listen({ host: config.host, port: config.port });
        const a = fastify.server.address();
        const port = typeof a === 'object' && a ? a.port : config.port;
        const host = config.host.includes(':') ? `[${config.host}]` : config.host;
        url = address.startsWith('http') ? `http://${host}:${port}` : address;
        return url;
      },
      close() {
        closing ??= (async () => {
          scenario.close();
          broker.stop();
          unroute();
          orderFeed.close();
          marketFeed?.close();
          try {
            await fastify.close();
          } finally {
            broker.flush();
            if (!deps.store) store.close();
          }
        })();
        return closing;
      },
    };
    return server;
  } catch (err) {
    try {
      await app?.close();
    } catch {
      // already failing
    }
    market?.stop();
    if (!deps.store) store.close();
    throw err;
  }
}
