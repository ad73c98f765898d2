/**
 * The broker: drives the pure engine with time, ids and market data, persists every command's events
 * (plus the id counters) before the answer is sent — commands of one event-loop turn share one SQLite
 * transaction (group commit) — publishes order updates
 * to the order feed, and feeds market quotes into the engine (fills, stop triggers, GTT rules).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, type OrderUpdateCode } from '@smartapi-ts/protocol';
import type { PaperConfig } from '../config.js';
import { Engine } from '../engine/engine.js';
import { restoreState } from '../engine/state.js';
import type {
  CommandResult,
  EngineConfig,
  EngineContext,
  EngineEvent,
  QueryContext,
} from '../engine/types.js';
import { orderUpdateData } from '../engine/views.js';
import type { Handler, Handlers } from '../http/api.js';
import type { HandlerResult } from '../http/reply.js';
import * as services from '../market/services.js';
import type { Market } from '../market/types.js';
import type { SessionService } from '../session/sessions.js';
import type { AccountRecord, Store } from '../storage/types.js';
import { createMarketFeed } from '../ws/market-feed.js';
import type { OrderFeed } from '../ws/order-feed.js';
import { PersistentIds } from './ids.js';
import { eventRow, toEngineRows } from './persist.js';

/** Collaborators of a {@link Broker}. */
export interface BrokerOptions {
  store: Store;
  market: Market;
  orderFeed: OrderFeed;
  config: PaperConfig;
  /** Logs driver failures (a failed commit of a market-driven fill). @default console.error */
  log?: (message: string, err: unknown) => void;
  /** Extra engine configuration (the scenario controller's fill model and order check). */
  engine?: Pick<EngineConfig, 'fillModel' | 'orderCheck'>;
}

/** A market-data WebSocket feed as the market engineer provides it. */
export interface MarketFeedLike {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/** Interval of the clock driver (AMO release, GTT expiry, day roll), real ms. */
const CLOCK_DRIVER_MS = 1000;

/** Turns an engine value (`data` or a `Rejection`) into a handler result. */
export function toHandlerResult(value: unknown): HandlerResult {
  if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
    const o = value as Record<string, unknown>;
    if (typeof o.errorcode === 'string' && typeof o.message === 'string' && o.errorcode !== '') {
      return 'data' in o && o.data !== undefined
        ? { ok: false, errorcode: o.errorcode, message: o.message, data: o.data }
        : { ok: false, errorcode: o.errorcode, message: o.message };
    }
  }
  return { ok: true, data: value === undefined ? null : value };
}

/** The broker service behind the HTTP routes. */
export class Broker {
  readonly store: Store;
  readonly market: Market;
  readonly engine: Engine;
  private readonly orderFeed: OrderFeed;
  private readonly ids: PersistentIds;
  private readonly log: (message: string, err: unknown) => void;
  private unsubscribe: (() => void) | undefined;
  private clockTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  private pending: EngineEvent[] = [];
  private waiters: { resolve: () => void; reject: (err: unknown) => void }[] = [];
  private flushTimer: ReturnType<typeof setImmediate> | undefined;

  constructor(opts: BrokerOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.orderFeed = opts.orderFeed;
    this.log = opts.log ?? ((m, e) => console.error(m, e));
    this.ids = new PersistentIds(opts.store, () => opts.market.now());
    this.engine = new Engine(
      { rmsRejections: opts.config.rmsRejections, ...opts.engine },
      restoreState(toEngineRows(opts.store.rows.loadAll())),
    );
    for (const account of opts.store.accounts.list()) this.ensureAccount(account);
  }

  /** The engine's context for a command at the current market time. */
  context(): EngineContext {
    return { now: this.market.now(), ids: this.ids, market: this.market };
  }

  private query(): QueryContext {
    return { now: this.market.now(), market: this.market };
  }

  /** Opens the engine account of a stored account the first time it is used (e.g. created by the CLI). */
  ensureAccount(account: Pick<AccountRecord, 'clientcode' | 'startingFunds'>): void {
    if (this.engine.hasAccount(account.clientcode)) return;
    const { events } = this.engine.openAccount(account.clientcode, account.startingFunds, {
      now: this.market.now(),
    });
    this.commit(events);
  }

  /**
   * Persists events (and id counters) in one transaction right now, after anything queued for the
   * group commit, then publishes order updates. Throws when the commit fails (nothing is acknowledged
   * then).
   */
  commit(events: readonly EngineEvent[]): void {
    this.flushPending();
    this.write(events);
  }

  /**
   * Queues events for the next group commit and resolves once they are durable. Commands that arrive in
   * the same event-loop turn share one SQLite transaction (one fsync of the WAL), which is what lets
   * durable throughput grow with load; replies still wait for their own events to be on disk. Everything
   * is written in the order it was queued, so a market-driven fill is never overwritten by an older row
   * of the same order.
   */
  enqueue(events: readonly EngineEvent[]): Promise<void> {
    for (const e of events) this.pending.push(e);
    const done = new Promise<void>((resolve, reject) => this.waiters.push({ resolve, reject }));
    this.flushTimer ??= setImmediate(() => this.flushPending());
    return done;
  }

  /** Commits everything queued by {@link enqueue} (one transaction) and settles its waiters. */
  flushPending(): void {
    if (this.flushTimer) clearImmediate(this.flushTimer);
    this.flushTimer = undefined;
    if (this.waiters.length === 0) return;
    const events = this.pending;
    const waiters = this.waiters;
    this.pending = [];
    this.waiters = [];
    try {
      this.write(events);
    } catch (err) {
      for (const w of waiters) w.reject(err);
      return;
    }
    for (const w of waiters) w.resolve();
  }

  private write(events: readonly EngineEvent[]): void {
    if (events.length === 0) return;
    this.store.transaction(() => {
      const rows = [];
      for (const e of events) {
        if (e.type === 'reset') {
          if (rows.length) this.store.rows.apply(rows.splice(0));
          this.store.rows.deleteClient(e.clientcode);
          continue;
        }
        const row = eventRow(e);
        if (row) rows.push(row);
      }
      if (rows.length) this.store.rows.apply(rows);
      this.ids.flush();
    });
    for (const e of events) {
      if (e.type === 'order' && e.update) this.publishOrder(e.clientcode, e.update, e);
    }
  }

  private publishOrder(
    clientcode: string,
    code: OrderUpdateCode,
    e: Extract<EngineEvent, { type: 'order' }>,
  ): void {
    try {
      this.orderFeed.publish(clientcode, code, orderUpdateData(e.order, code));
    } catch (err) {
      this.log('order feed publish failed', err);
    }
  }

  /**
   * Runs an engine command: its events join the group commit, and the handler result is returned once
   * they are durable.
   */
  async run<T>(command: (ctx: EngineContext) => CommandResult<T>): Promise<HandlerResult> {
    const { result, events } = command(this.context());
    if (events.length) await this.enqueue(events);
    return toHandlerResult(result);
  }

  /** Holdings rows of the Portfolio API. */
  portfolioHoldings(clientcode: string): unknown[] {
    return this.engine.reportHoldings(clientcode, this.query());
  }

  /** Net-position rows of the Portfolio API. */
  portfolioPositions(clientcode: string): unknown[] {
    return this.engine.reportPositions(clientcode, this.query());
  }

  /** Route handlers of the engine (orders, portfolio, GTT, margin, charges, EDIS) and the market services. */
  handlers(): Handlers {
    const e = this.engine;
    const authed =
      (
        fn: (
          clientcode: string,
          body: unknown,
          params: Readonly<Record<string, string>>,
        ) => HandlerResult | Promise<HandlerResult>,
      ): Handler =>
      ({ principal, body, params }) => {
        if (!principal) return { ok: false, errorcode: ErrorCode.TOKEN_MISSING, message: 'Token missing' };
        this.ensureAccount(principal.account);
        return fn(principal.clientcode, body, params);
      };
    const cmd = (
      fn: (clientcode: string, body: unknown, ctx: EngineContext) => CommandResult<unknown>,
    ): Handler => authed((cc, body) => this.run((ctx) => fn.call(e, cc, body, ctx)));
    const read = (
      fn: (clientcode: string, body: unknown, params: Readonly<Record<string, string>>) => unknown,
    ): Handler => authed((cc, body, params) => toHandlerResult(fn(cc, body, params)));
    return {
      getRMS: read((cc) => e.rms(cc, this.query())),
      placeOrder: cmd(e.placeOrder),
      modifyOrder: cmd(e.modifyOrder),
      cancelOrder: cmd(e.cancelOrder),
      getOrderBook: read((cc) => e.orderBook(cc, this.query())),
      getTradeBook: read((cc) => e.tradeBook(cc, this.query())),
      orderDetails: read((cc, _b, params) => e.orderDetails(cc, params.uniqueorderid ?? '')),
      getHolding: read((cc) => e.holdings(cc, this.query())),
      getAllHolding: read((cc) => e.allHoldings(cc, this.query())),
      getPosition: read((cc) => e.positions(cc, this.query())),
      convertPosition: cmd(e.convertPosition),
      gttCreateRule: cmd(e.gttCreate),
      gttModifyRule: cmd(e.gttModify),
      gttCancelRule: cmd(e.gttCancel),
      gttRuleDetails: read((cc, body) => e.gttDetails(cc, body)),
      gttRuleList: read((cc, body) => e.gttList(cc, body)),
      marginBatch: read((_cc, body) => e.marginBatch(body, this.query())),
      estimateCharges: read((_cc, body) => e.estimateCharges(body, this.query())),
      verifyDis: cmd(e.verifyDis),
      generateTPIN: read((cc, body) => e.generateTpin(cc, body)),
      getTranStatus: read((cc, body) => e.getTranStatus(cc, body, this.query())),
      ...this.marketHandlers(authed),
    };
  }

  /** Market-data routes (LTP, quote, candles, …), answered by the market services. */
  private marketHandlers(
    authed: (
      fn: (clientcode: string, body: unknown, params: Readonly<Record<string, string>>) => HandlerResult,
    ) => Handler,
  ): Handlers {
    const m = this.market;
    const svc = (fn: (market: Market, body: unknown) => HandlerResult): Handler =>
      authed((_cc, body) => fn(m, body));
    return {
      getLtpData: svc(services.ltp),
      quote: svc(services.quote),
      getCandleData: svc(services.candles),
      getOIData: svc(services.oiData),
      searchScrip: svc(services.searchScrip),
      optionGreek: svc(services.optionGreek),
      gainersLosers: svc(services.gainersLosers),
      putCallRatio: svc((mk) => services.putCallRatio(mk)),
      oiBuildup: svc(services.oiBuildup),
      nseIntraday: svc((mk) => services.nseIntraday(mk)),
      bseIntraday: svc((mk) => services.bseIntraday(mk)),
      cautionaryScrips: svc((mk) => services.cautionaryScrips(mk)),
    };
  }

  /** Builds the market-data feed (`/smart-stream`), authenticated by the session layer. */
  async createMarketFeed(sessions: SessionService): Promise<MarketFeedLike | undefined> {
    return createMarketFeed({
      market: this.market,
      authenticate: (input) => sessions.authenticateFeed(input),
      logger: { warn: (m, e) => this.log(m, e) },
    });
  }

  private drive(fn: () => { events: EngineEvent[] }, what: string): void {
    if (this.stopped) return;
    try {
      const { events } = fn();
      if (events.length) this.enqueue(events).catch((err: unknown) => this.log(`${what} commit failed`, err));
    } catch (err) {
      this.log(`${what} failed`, err);
    }
  }

  /**
   * Runs the clock-driven work (AMO release, GTT expiry, day roll) at the current market time. The
   * scenario controller calls it on every move of the market clock, so that an advance runs it at each
   * simulated time it falls due, in order with the market's steps.
   */
  driveClock(): void {
    this.drive(() => this.engine.onClock(this.context()), 'clock driver');
  }

  /**
   * Rebuilds the in-memory engine state and id counters from the store (after a snapshot restore
   * replaced the stored rows). Nothing may be queued.
   */
  reload(): void {
    this.flushPending();
    this.engine.load(restoreState(toEngineRows(this.store.rows.loadAll())));
    this.ids.reload();
    for (const account of this.store.accounts.list()) this.ensureAccount(account);
  }

  /**
   * Starts the quote → engine driver, the clock driver and (when `startMarket`) the market timers.
   * `clockDriven`: the caller runs {@link driveClock} on every clock move, so no real-time timer is set.
   */
  start(startMarket: boolean, clockDriven = false): void {
    this.stopped = false;
    this.driveClock();
    this.unsubscribe = this.market.onQuote((q) =>
      this.drive(() => this.engine.onQuote(q, this.context()), 'quote driver'),
    );
    if (!clockDriven) {
      this.clockTimer = setInterval(() => this.driveClock(), CLOCK_DRIVER_MS);
      this.clockTimer.unref();
    }
    if (startMarket) this.market.start();
  }

  /** Stops the market and the drivers. */
  stop(): void {
    this.stopped = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    if (this.clockTimer) clearInterval(this.clockTimer);
    this.clockTimer = undefined;
    this.market.stop();
  }

  /** Commits queued events and writes pending counters (shutdown). */
  flush(): void {
    try {
      this.flushPending();
      this.store.transaction(() => this.ids.flush());
    } catch {
      // the store may already be closed
    }
  }
}
