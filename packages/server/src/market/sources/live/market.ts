/**
 * The live source (docs/paper-broker-data.md#live): market data mirrored from an upstream SmartAPI root
 * (the venue or another paper broker); orders, GTT rules and everything else stay in this broker.
 *
 * The {@link Market} interface is synchronous, so this class keeps a local mirror:
 * - quotes: the first time anything asks for an instrument's quote (a feed subscription, a quote/LTP
 *   call, an order) the instrument joins the upstream feed subscription (SnapQuote); from the first tick
 *   on, `quote()` answers the mirror, which every later tick updates and publishes to `onQuote`
 *   listeners. Before the first tick the quote is undefined; {@link LiveMarket.prepare} lets the HTTP
 *   routes wait for it (bounded by `warmupMs`).
 * - candles: the first request for an (instrument, interval, range) fetches the range from the upstream
 *   (`getCandleData`, paged); later requests inside it answer from the cache. A range reaching past the
 *   time of its fetch is fetched again once the cache is older than `candleRefreshMs`.
 * - scrip master: downloaded once at start.
 * The clock is the real clock (a {@link SystemClock}); it cannot be advanced, paused or sped up.
 */
import { type Exchange, INTERVAL_MINUTES, type Interval, type ScripMasterRow } from '@smartapi-ts/protocol';
import { TradingCalendar } from '../../calendar.js';
import type { Clock } from '../../clock.js';
import { universeFromScripMaster } from '../../scrip-master.js';
import { parseCandleDate } from '../../services/candles.js';
import type { BookLevel, Candle, Instrument, Market, Quote, SessionState } from '../../types.js';
import { instrumentKey, type Universe } from '../../universe.js';
import { applyTick } from '../replay/ticks.js';
import type { Upstream, UpstreamBar } from './upstream.js';

const EMPTY: BookLevel = Object.freeze({ price: 0, quantity: 0, orders: 0 }) as BookLevel;

/** Options of {@link LiveMarket}. */
export interface LiveMarketOptions {
  upstream: Upstream;
  /** The real clock (tests may give a system clock whose source is the upstream's clock). */
  clock: Clock;
  /** Seed of reference data derived from the scrip master. @default 1 */
  seed?: number;
  /** Longest wait of {@link LiveMarket.prepare} for a first tick, ms. @default 5000 */
  warmupMs?: number;
  /** Age after which a cached candle range reaching past its fetch time is fetched again, ms. @default 60000 */
  candleRefreshMs?: number;
  calendar?: TradingCalendar;
}

interface CandleEntry {
  from: number;
  to: number;
  /** Market time of the fetch (bars after it were not known). */
  fetchedAt: number;
  bars: Candle[];
  pending?: Promise<void>;
}

/** The routes that {@link LiveMarket.prepare} warms. */
export type LiveRoute = 'quote' | 'candles';

/** A market that mirrors an upstream's market data. */
export class LiveMarket implements Market {
  /** Marks a market on the real clock for the admin clock API. */
  readonly realClock = true;
  readonly universe: Universe;
  readonly calendar: TradingCalendar;
  private readonly upstream: Upstream;
  private readonly clock_: Clock;
  private readonly warmupMs: number;
  private readonly refreshMs: number;
  private readonly byKey = new Map<string, Instrument>();
  private readonly bySymbol = new Map<string, Instrument>();
  private readonly quotes = new Map<string, Quote>();
  private readonly subscribed = new Set<string>();
  private readonly waiters = new Map<string, (() => void)[]>();
  private readonly candleCache = new Map<string, CandleEntry[]>();
  private readonly listeners = new Set<(q: Quote) => void>();
  private closed = false;
  /** The last feed error (for the logs and `/health`), without credentials. */
  lastError: string | undefined;

  constructor(o: LiveMarketOptions) {
    this.upstream = o.upstream;
    this.clock_ = o.clock;
    this.warmupMs = o.warmupMs ?? 5000;
    this.refreshMs = o.candleRefreshMs ?? 60_000;
    this.calendar = o.calendar ?? new TradingCalendar();
    this.universe = universeFromScripMaster(o.upstream.scripMaster, o.seed ?? 1);
    for (const inst of this.universe.instruments) {
      this.byKey.set(instrumentKey(inst.exchange, inst.token), inst);
      this.bySymbol.set(`${inst.exchange}:${inst.symbol}`, inst);
      const up = `${inst.exchange}:${inst.symbol.toUpperCase()}`;
      if (!this.bySymbol.has(up)) this.bySymbol.set(up, inst);
    }
    o.upstream.onTick((exchange, tick) => {
      const key = instrumentKey(exchange, tick.token);
      if (!this.subscribed.has(key)) return;
      const at = this.clock_.now();
      const { quote } = applyTick(this.quotes.get(key), {
        exchange,
        tick,
        receivedAt: at,
        at,
        file: this.upstream.root,
      });
      this.quotes.set(key, quote);
      const w = this.waiters.get(key);
      if (w) {
        this.waiters.delete(key);
        for (const f of w) f();
      }
      for (const l of this.listeners) {
        try {
          l(quote);
        } catch {
          // a failing listener must not stop the mirror
        }
      }
    });
    o.upstream.onError((m) => {
      this.lastError = m;
    });
  }

  get clock(): Clock {
    return this.clock_;
  }

  now(): number {
    return this.clock_.now();
  }

  instruments(): readonly Instrument[] {
    return this.universe.instruments;
  }

  instrument(exchange: Exchange, token: string): Instrument | undefined {
    return this.byKey.get(instrumentKey(exchange, token));
  }

  instrumentBySymbol(exchange: Exchange, symbol: string): Instrument | undefined {
    return (
      this.bySymbol.get(`${exchange}:${symbol}`) ?? this.bySymbol.get(`${exchange}:${symbol.toUpperCase()}`)
    );
  }

  scripMaster(): readonly ScripMasterRow[] {
    return this.universe.scripMaster;
  }

  /** The mirrored quote; the first ask subscribes the instrument upstream (undefined until its first tick). */
  quote(exchange: Exchange, token: string): Quote | undefined {
    const key = instrumentKey(exchange, token);
    const q = this.quotes.get(key);
    if (q) return q;
    this.watch(exchange, token);
    return undefined;
  }

  /** True when the instrument is in the upstream subscription. */
  isWatched(exchange: Exchange, token: string): boolean {
    return this.subscribed.has(instrumentKey(exchange, token));
  }

  private watch(exchange: Exchange, token: string): string | undefined {
    const key = instrumentKey(exchange, token);
    if (this.subscribed.has(key)) return key;
    if (this.closed || !this.byKey.has(key)) return undefined;
    this.subscribed.add(key);
    this.upstream.subscribe(exchange, token);
    return key;
  }

  /** Resolves once the instrument has a mirrored quote, or after `warmupMs` (never rejects). */
  waitForQuote(exchange: Exchange, token: string): Promise<void> {
    const key = this.watch(exchange, token);
    if (!key || this.quotes.has(key)) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(done, this.warmupMs);
      timer.unref?.();
      const list = this.waiters.get(key) ?? [];
      list.push(done);
      this.waiters.set(key, list);
      function done() {
        clearTimeout(timer);
        resolve();
      }
    });
  }

  /**
   * Warms the mirror for a request before the synchronous services answer it: the quotes of the
   * instruments it names (`quote`: LTP, quote, orders, GTT) or its candle range (`candles`). Never rejects.
   */
  async prepare(route: LiveRoute, body: unknown): Promise<void> {
    if (this.closed || body === null || typeof body !== 'object') return;
    const b = body as Record<string, unknown>;
    const waits: Promise<void>[] = [];
    const one = (ex: unknown, tok: unknown) => {
      if (typeof ex !== 'string' || (typeof tok !== 'string' && typeof tok !== 'number')) return;
      const exchange = ex.toUpperCase() as Exchange;
      const token = String(tok).trim();
      if (this.byKey.has(instrumentKey(exchange, token))) waits.push(this.waitForQuote(exchange, token));
    };
    one(b.exchange, b.symboltoken);
    if (route === 'quote') {
      const map = b.exchangeTokens;
      if (map && typeof map === 'object')
        for (const [ex, toks] of Object.entries(map as Record<string, unknown>))
          if (Array.isArray(toks)) for (const t of toks.slice(0, 50)) one(ex, t);
    } else {
      const ex = typeof b.exchange === 'string' ? (b.exchange.toUpperCase() as Exchange) : undefined;
      const tok = typeof b.symboltoken === 'string' ? b.symboltoken.trim() : undefined;
      const iv = typeof b.interval === 'string' ? b.interval.trim().toUpperCase() : '';
      const minutes = INTERVAL_MINUTES[iv as Interval] as number | undefined;
      const from = parseCandleDate(b.fromdate);
      const to = parseCandleDate(b.todate);
      if (ex && tok && minutes && from !== undefined && to !== undefined && from <= to)
        waits.push(this.fetchCandles(ex, tok, minutes, from, to));
    }
    await Promise.all(waits);
  }

  session(exchange: Exchange, at?: number): SessionState {
    return this.calendar.session(exchange, at ?? this.now());
  }

  isTradingDay(_exchange: Exchange, at: number): boolean {
    return this.calendar.isTradingDay(at);
  }

  sessionClose(exchange: Exchange, at: number): number {
    return this.calendar.sessionBounds(exchange, at).close;
  }

  /** The mirrored best five, padded with empty levels (the feed subscription is SnapQuote). */
  depth(
    exchange: Exchange,
    token: string,
    levels: number,
  ): { bids: BookLevel[]; asks: BookLevel[] } | undefined {
    const q = this.quote(exchange, token);
    if (!q) return undefined;
    const n = Math.max(0, Math.min(20, Math.floor(levels)));
    const pad = (l: BookLevel[]) => Array.from({ length: n }, (_, i) => l[i] ?? EMPTY);
    return { bids: pad(q.bids), asks: pad(q.asks) };
  }

  /**
   * Cached upstream bars with `from <= time <= to`. A range not cached yet starts a fetch and answers
   * what the cache has (often nothing); the HTTP route waits for the fetch through {@link prepare}.
   */
  candles(exchange: Exchange, token: string, intervalMinutes: number, from: number, to: number): Candle[] {
    if (!(intervalMinutes >= 1) || !Number.isFinite(from) || !Number.isFinite(to) || from > to) return [];
    const entry = this.cached(exchange, token, intervalMinutes, from, to);
    if (!entry || this.stale(entry, to)) void this.fetchCandles(exchange, token, intervalMinutes, from, to);
    const bars = entry?.bars ?? [];
    return bars.filter((b) => b.time >= from && b.time <= to);
  }

  private cached(
    ex: Exchange,
    token: string,
    minutes: number,
    from: number,
    to: number,
  ): CandleEntry | undefined {
    const list = this.candleCache.get(`${instrumentKey(ex, token)}:${minutes}`);
    return list?.find((e) => !e.pending && e.from <= from && e.to >= to);
  }

  private stale(e: CandleEntry, to: number): boolean {
    return to > e.fetchedAt && this.now() - e.fetchedAt > this.refreshMs;
  }

  /** Fetches a candle range into the cache (deduplicated; failures leave the cache as it was). */
  fetchCandles(exchange: Exchange, token: string, minutes: number, from: number, to: number): Promise<void> {
    const hit = this.cached(exchange, token, minutes, from, to);
    if (hit && !this.stale(hit, to)) return Promise.resolve();
    const ck = `${instrumentKey(exchange, token)}:${minutes}`;
    const list = this.candleCache.get(ck) ?? [];
    this.candleCache.set(ck, list);
    const running = list.find((e) => e.pending && e.from <= from && e.to >= to);
    if (running?.pending) return running.pending;
    const entry: CandleEntry = { from, to, fetchedAt: this.now(), bars: [] };
    entry.pending = this.upstream.candles(exchange, token, minutes, from, to).then(
      (bars: UpstreamBar[]) => {
        entry.bars = bars.map((b) => ({ ...b, oi: 0 }));
        delete entry.pending;
        // the new range replaces the ranges it covers
        const keep = list.filter((e) => e === entry || e.pending || !(e.from >= from && e.to <= to));
        list.length = 0;
        list.push(...keep);
      },
      (err: unknown) => {
        this.lastError = `candles ${exchange} ${token}: ${err instanceof Error ? err.message : String(err)}`;
        list.splice(list.indexOf(entry), 1);
      },
    );
    list.push(entry);
    return entry.pending;
  }

  onQuote(listener: (quote: Quote) => void): () => void {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  }

  start(): void {
    this.clock_.start();
  }

  /** Stops the clock and closes the upstream feed. */
  stop(): void {
    this.clock_.stop();
    if (this.closed) return;
    this.closed = true;
    for (const w of this.waiters.values()) for (const f of w) f();
    this.waiters.clear();
    void this.upstream.close();
  }

  /** Closes the upstream (awaitable). */
  async close(): Promise<void> {
    this.stop();
    await this.upstream.close();
  }
}
