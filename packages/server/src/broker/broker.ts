/**
 * The broker: drives the pure engine with time, ids and market data, persists every command's events
 * (plus the id counters) through its {@link Ledger} before the answer is sent (commands of one event-loop
 * turn share one SQLite transaction; a failed one restores the engine from the database), publishes
 * order updates to the order feed, and feeds market quotes into the engine (fills, stop triggers, GTT).
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { ErrorCode, type Exchange, istDayStart, type OrderUpdateCode } from '@smartapi-ts/protocol';
import type { PaperConfig } from '../config.js';
import type { Engine } from '../engine/engine.js';
import { WalkTheBookFillModel } from '../engine/execution/fill-model.js';
import { positionFigures } from '../engine/positions/portfolio.js';
import { isRejection, type Result } from '../engine/result.js';
import { intradayLeverage } from '../engine/rules/margin.js';
import { instrumentKey } from '../engine/state.js';
import type {
  CommandResult,
  EngineConfig,
  EngineContext,
  EngineEvent,
  OrderRecord,
  PositionRecord,
  QueryContext,
} from '../engine/types.js';
import { orderUpdateData } from '../engine/views.js';
import type { Handler, Handlers } from '../http/api.js';
import { encodeSuccess, type HandlerResult } from '../http/reply.js';
import type { SessionService } from '../identity/sessions.js';
import * as services from '../market/services/index.js';
import type { Instrument, Market } from '../market/types.js';
import type { AccountRecord, Store } from '../storage/types.js';
import { createMarketFeed } from '../ws/market-feed/index.js';
import type { OrderFeed } from '../ws/order-feed.js';
import { commitFailureReason, DurabilityError, Ledger } from './ledger.js';
import { ReadCache } from './read-cache.js';

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
  /**
   * Called once when the disk did not confirm a commit (see {@link DurabilityError}); the broker has
   * stopped its drivers and refuses every write by then. @default logs it
   */
  onFatal?: (err: DurabilityError) => void;
}

/** A market-data WebSocket feed as the market engineer provides it. */
export interface MarketFeedLike {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
  close(): void;
}

/** Interval of the clock driver (AMO release, GTT expiry, day roll), real ms. */
const CLOCK_DRIVER_MS = 1000;

/** Turns an engine result (response data or a {@link Rejection}) into a handler result. */
export function toHandlerResult<T>(value: Result<T>): HandlerResult {
  if (isRejection(value)) {
    return value.data === undefined
      ? { ok: false, errorcode: value.errorcode, message: value.message }
      : { ok: false, errorcode: value.errorcode, message: value.message, data: value.data };
  }
  return { ok: true, data: value === undefined ? null : value };
}

/** Message of a request refused because the storage ran out of space. */
export const DISK_FULL_MESSAGE =
  'Internal Error: the paper broker could not save this request because its disk is full; nothing was done, please try after sometime';
/** Message of a request refused because the storage failed for another reason. */
export const STORAGE_FAILED_MESSAGE =
  'Internal Error: the paper broker could not save this request (storage error); nothing was done, please try after sometime';

/** Message of a request whose commit the disk did not confirm (its outcome is unknown). */
export const DURABILITY_FAILED_MESSAGE =
  'Internal Error: the paper broker could not confirm that this request was saved (its disk failed) and has stopped taking changes; check the order book after it restarts before retrying';

/**
 * The venue's envelope for a request whose commit failed: `AB2001` (the venue's retryable internal
 * error, so official clients retry it) with a message that says why and that nothing happened, or, when
 * the disk did not confirm the commit, that the outcome is unknown.
 */
export function commitFailure(err: unknown): HandlerResult {
  return {
    ok: false,
    errorcode: ErrorCode.INTERNAL_ERROR,
    message:
      err instanceof DurabilityError
        ? DURABILITY_FAILED_MESSAGE
        : commitFailureReason(err) === 'disk_full'
          ? DISK_FULL_MESSAGE
          : STORAGE_FAILED_MESSAGE,
  };
}

/** The broker service behind the HTTP routes. */
export class Broker {
  readonly store: Store;
  readonly market: Market;
  readonly engine: Engine;
  /** The one write path of engine changes (group commit, recovery from a failed commit). */
  readonly ledger: Ledger;
  private readonly orderFeed: OrderFeed;
  /** Pre-serialised read views (order book), dropped by the changes of their account (see ReadCache). */
  private readonly views = new ReadCache();
  private readonly log: (message: string, err: unknown) => void;
  private unsubscribe: (() => void) | undefined;
  private clockTimer: ReturnType<typeof setInterval> | undefined;
  private stopped = false;
  /** Net quantity per account, contract and product (for the OI of the paper accounts' fills). */
  private readonly nets = new Map<string, Map<string, number>>();

  constructor(opts: BrokerOptions) {
    this.store = opts.store;
    this.market = opts.market;
    this.orderFeed = opts.orderFeed;
    this.log = opts.log ?? ((m, e) => console.error(m, e));
    this.ledger = new Ledger({
      store: opts.store,
      now: () => opts.market.now(),
      engine: {
        rmsRejections: opts.config.rmsRejections,
        ...(opts.config.intraday ? { intraday: opts.config.intraday } : {}),
        ...(opts.config.marketProtection !== undefined
          ? { marketProtection: opts.config.marketProtection }
          : {}),
        ...opts.engine,
      },
      onCommitted: (events) => this.publish(events),
      onChanged: (events) => {
        for (const e of events) this.views.invalidate(e.clientcode);
      },
      onRestored: () => this.views.clear(),
      onFatal: (err) => {
        this.stop();
        (opts.onFatal ?? ((e) => this.log('durability failure: writes stopped', e)))(err);
      },
    });
    this.engine = this.ledger.engine;
    for (const acc of this.engine.state.accounts.values()) {
      for (const p of acc.positions.values()) {
        const key = `${p.clientcode}|${p.exchange}|${p.symboltoken}`;
        const byProduct = this.nets.get(key) ?? new Map<string, number>();
        byProduct.set(p.producttype, positionFigures(p).netQty);
        this.nets.set(key, byProduct);
      }
    }
    for (const account of opts.store.accounts.list()) this.ensureAccount(account);
  }

  /** The engine's context for a command at the current market time. */
  context(): EngineContext {
    return { now: this.market.now(), ids: this.ledger.ids, market: this.market };
  }

  private query(): QueryContext {
    return { now: this.market.now(), market: this.market };
  }

  /** Opens the engine account of a stored account the first time it is used (e.g. created by the CLI). */
  ensureAccount(account: Pick<AccountRecord, 'clientcode' | 'startingFunds'>): void {
    if (this.engine.hasAccount(account.clientcode)) return;
    this.ledger.assertWritable();
    const { events } = this.engine.openAccount(account.clientcode, account.startingFunds, {
      now: this.market.now(),
    });
    this.commit(events);
  }

  /**
   * Persists events (and id counters) in one transaction right now, after anything queued for the
   * group commit, then publishes order updates. Throws when the commit fails (nothing is acknowledged
   * then, and the engine state is restored from the database).
   */
  commit(events: readonly EngineEvent[]): void {
    this.ledger.commit(events);
  }

  /**
   * Queues events for the next group commit and resolves once they are durable (see
   * {@link Ledger.enqueue}); rejects when their transaction failed.
   */
  enqueue(events: readonly EngineEvent[]): Promise<void> {
    return this.ledger.enqueue(events);
  }

  /** Commits everything queued by {@link enqueue} (one transaction) and settles its waiters. */
  flushPending(): void {
    this.ledger.flushPending();
  }

  private publish(events: readonly EngineEvent[]): void {
    for (const e of events) {
      if (e.type === 'order' && e.update) this.publishOrder(e.clientcode, e.update, e);
      else if (e.type === 'notice') this.publishOrder(e.clientcode, e.update, e);
      else if (e.type === 'position') this.trackOpenInterest(e.position);
    }
  }

  /**
   * Open interest follows the paper accounts' fills: the change of an account's |net position| in a
   * derivative (over its products) is added to the contract's OI (docs/paper-broker-market.md#open-interest).
   */
  private trackOpenInterest(p: PositionRecord): void {
    const adjust = this.market.adjustOpenInterest;
    if (!adjust) return;
    const key = `${p.clientcode}|${p.exchange}|${p.symboltoken}`;
    let byProduct = this.nets.get(key);
    if (!byProduct) {
      byProduct = new Map();
      this.nets.set(key, byProduct);
    }
    const sum = () => [...byProduct.values()].reduce((a, b) => a + b, 0);
    const before = Math.abs(sum());
    byProduct.set(p.producttype, positionFigures(p).netQty);
    const delta = Math.abs(sum()) - before;
    if (delta === 0) return;
    try {
      adjust.call(this.market, p.exchange, p.symboltoken, delta);
    } catch (err) {
      this.log('open interest update failed', err);
    }
  }

  private publishOrder(clientcode: string, code: OrderUpdateCode, e: { order: OrderRecord }): void {
    try {
      this.orderFeed.publish(clientcode, code, orderUpdateData(e.order, code));
    } catch (err) {
      this.log('order feed publish failed', err);
    }
  }

  /**
   * Runs an engine command: its events join the group commit, and the handler result is returned once
   * they are durable. When the commit fails the answer is the venue's internal error (`AB2001`): the
   * command did not happen.
   */
  async run<T>(command: (ctx: EngineContext) => CommandResult<T>): Promise<HandlerResult> {
    if (this.ledger.failed) return commitFailure(this.ledger.failed);
    let outcome: CommandResult<T>;
    try {
      outcome = command(this.context());
    } catch (err) {
      this.resync();
      throw err;
    }
    const { result, events } = outcome;
    if (events.length) {
      try {
        await this.enqueue(events);
      } catch (err) {
        this.log('command commit failed', err);
        return commitFailure(err);
      }
    }
    return toHandlerResult(result);
  }

  /** Holdings rows of the Portfolio API (every listing of a holding's ISIN in `instrument[]`). */
  portfolioHoldings(clientcode: string): unknown[] {
    return this.engine.reportHoldings(clientcode, {
      ...this.query(),
      listings: (isin) => this.listings(isin),
    });
  }

  /** Instruments by ISIN, indexed once per instrument list of the market. */
  private isinIndex: { of: readonly Instrument[]; byIsin: Map<string, Instrument[]> } | undefined;

  private listings(isin: string): readonly Instrument[] {
    const all = this.market.instruments();
    if (this.isinIndex?.of !== all) {
      const byIsin = new Map<string, Instrument[]>();
      for (const i of all) {
        if (!i.isin) continue;
        const list = byIsin.get(i.isin);
        if (list) list.push(i);
        else byIsin.set(i.isin, [i]);
      }
      this.isinIndex = { of: all, byIsin };
    }
    return this.isinIndex.byIsin.get(isin) ?? [];
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
        try {
          this.ensureAccount(principal.account);
        } catch (err) {
          this.log('account open commit failed', err);
          return commitFailure(err);
        }
        return fn(principal.clientcode, body, params);
      };
    const cmd = (
      fn: (clientcode: string, body: unknown, ctx: EngineContext) => CommandResult<unknown>,
    ): Handler => authed((cc, body) => this.run((ctx) => fn.call(e, cc, body, ctx)));
    const read = <T>(
      fn: (clientcode: string, body: unknown, params: Readonly<Record<string, string>>) => Result<T>,
    ): Handler => authed((cc, body, params) => toHandlerResult(fn(cc, body, params)));
    return {
      getRMS: read((cc) => e.rms(cc, this.query())),
      placeOrder: cmd(e.placeOrder),
      modifyOrder: cmd(e.modifyOrder),
      cancelOrder: cmd(e.cancelOrder),
      getOrderBook: authed((cc) => {
        const now = this.market.now();
        // the book lists today's orders plus working ones: the IST day is part of the view's key
        const day = String(istDayStart(now));
        const body = this.views.get(cc, 'orderBook', day, () =>
          encodeSuccess(JSON.stringify(e.orderBook(cc, { now }))),
        );
        return { ok: true, body };
      }),
      getTradeBook: authed((cc) => {
        const now = this.market.now();
        // today's trades of the account: the same invalidation as the order book, the IST day in the key
        const day = String(istDayStart(now));
        const body = this.views.get(cc, 'tradeBook', day, () =>
          encodeSuccess(JSON.stringify(e.tradeBook(cc, { now }))),
        );
        return { ok: true, body };
      }),
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
      nseIntraday: svc((mk) => services.nseIntraday(mk, intradayLeverage)),
      bseIntraday: svc((mk) => services.bseIntraday(mk, intradayLeverage)),
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
    if (this.stopped || this.ledger.failed) return;
    try {
      const { events } = fn();
      if (events.length) this.enqueue(events).catch((err: unknown) => this.log(`${what} commit failed`, err));
    } catch (err) {
      this.log(`${what} failed`, err);
      this.resync();
    }
  }

  /** After the engine threw half way through a command: drops whatever it changed (see {@link Ledger.resync}). */
  private resync(): void {
    try {
      this.ledger.resync();
    } catch (err) {
      this.log('state resync failed', err);
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

  /** See {@link Ledger.holdPublishing}: order updates of commits inside `fn` go out once `fn` returned. */
  holdPublishing<T>(fn: () => T): T {
    return this.ledger.holdPublishing(fn);
  }

  /** See {@link Ledger.rollback}: after an enclosing transaction failed, memory goes back to the DB. */
  rollback(cause: unknown): void {
    this.ledger.rollback(cause);
    for (const account of this.store.accounts.list()) this.ensureAccount(account);
  }

  /**
   * Rebuilds the in-memory engine state and id counters from the store (after a snapshot restore
   * replaced the stored rows).
   */
  reload(): void {
    this.ledger.resync();
    for (const account of this.store.accounts.list()) this.ensureAccount(account);
  }

  /**
   * Starts the quote → engine driver, the clock driver and (when `startMarket`) the market timers.
   * `clockDriven`: the caller runs {@link driveClock} on every clock move, so no real-time timer is set.
   */
  start(startMarket: boolean, clockDriven = false): void {
    this.stopped = false;
    this.driveClock();
    this.unsubscribe = this.market.onQuote(
      (q) => this.drive(() => this.engine.onQuote(q, this.context()), 'quote driver'),
      (exchange, token) => this.engineWants(exchange, token),
    );
    if (!clockDriven) {
      this.clockTimer = setInterval(() => this.driveClock(), CLOCK_DRIVER_MS);
      this.clockTimer.unref();
    }
    if (startMarket) this.market.start();
  }

  /**
   * The quotes the engine's quote driver acts on (`engine/drivers.ts` onQuote): those of instruments with
   * working orders or armed GTT rules (the execution model keeps its volume memory only while orders of
   * the instrument work, and starts it afresh from the placement quote); every quote under a fill model
   * this check does not know. The market builds no quote for the others
   * (docs/paper-broker-market.md#quotes-built-on-demand).
   */
  private engineWants(exchange: Exchange, token: string): boolean {
    if (!(this.engine.fillModel instanceof WalkTheBookFillModel)) return true;
    const key = instrumentKey(exchange, token);
    const s = this.engine.state;
    return (s.workingByInstrument.get(key)?.size ?? 0) > 0 || (s.gttByInstrument.get(key)?.size ?? 0) > 0;
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

  /** Commits queued events, waits until they are on the disk and writes pending counters (shutdown). */
  flush(): void {
    if (this.ledger.failed) return;
    try {
      this.ledger.close();
      this.ledger.flushIds();
    } catch {
      // the store may already be closed
    }
  }
}
