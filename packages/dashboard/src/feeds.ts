/**
 * The broker's two WebSockets from the browser. The market feed (`/smart-stream`) is authenticated
 * with the venue's query form (`clientCode`, `feedToken`, `apiKey`, `jwtToken`), subscribed in quote
 * mode and its binary ticks decoded with `@smartapi-ts/protocol`'s codec. The order feed
 * (`/smart-order-update`) gets the JWT as `?jwttoken=` (browsers cannot set headers on a WebSocket)
 * and pushes the venue's order-update messages (JSON text).
 */
import {
  decodeFeedPacket,
  EXCHANGE_TO_EXCHANGE_TYPE,
  type Exchange,
  type FeedRequest,
  type FeedTick,
  HEARTBEAT_PING,
  MARKET_FEED_PATH,
  ORDER_FEED_PATH,
  type OrderUpdateMessage,
} from '@smartapi-ts/protocol';
import type { UserSession } from './api.js';

const PING_MS = 10_000;

function wsBase(base: string): string {
  return base.replace(/^http/, 'ws');
}

/** A tick reduced to what the dashboard shows. */
export interface PriceUpdate {
  key: string;
  ltp: number;
  close: number;
  time: number;
}

/** `exchange|token` (REST exchange), the key of an instrument everywhere in the dashboard. */
export const instrumentKey = (exchange: string, token: string) => `${exchange}|${token}`;

const TYPE_TO_EXCHANGE = new Map<number, string>(
  Object.entries(EXCHANGE_TO_EXCHANGE_TYPE).map(([ex, t]) => [t as number, ex]),
);

/** Maps a decoded tick to a price update (the codec already divides prices into rupees). */
export function priceOf(tick: FeedTick): PriceUpdate | undefined {
  if (tick.mode === 4) return undefined;
  const ex = TYPE_TO_EXCHANGE.get(tick.exchangeType);
  if (!ex) return undefined;
  const close = 'closePrice' in tick ? tick.closePrice : 0;
  return {
    key: instrumentKey(ex, tick.token),
    ltp: tick.lastTradedPrice,
    close,
    time: tick.exchangeTimestamp,
  };
}

/** The market feed: subscriptions by `exchange|token`, re-sent after a reconnect. */
export class MarketFeedClient {
  private ws: WebSocket | undefined;
  private readonly subs = new Set<string>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  onPrice: (u: PriceUpdate) => void = () => {};
  onState: (s: 'open' | 'closed') => void = () => {};

  constructor(
    private readonly base: string,
    private readonly session: UserSession,
  ) {}

  connect(): void {
    const s = this.session;
    const q = new URLSearchParams({
      clientCode: s.clientcode,
      feedToken: s.feedToken,
      apiKey: s.apiKey,
      jwtToken: s.jwtToken,
    });
    const ws = new WebSocket(`${wsBase(this.base)}${MARKET_FEED_PATH}?${q}`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.onState('open');
      this.send(1, [...this.subs]);
      this.timer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(HEARTBEAT_PING), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (!(ev.data instanceof ArrayBuffer)) return; // pong and error frames are text
      try {
        const u = priceOf(decodeFeedPacket(ev.data));
        if (u) this.onPrice(u);
      } catch {
        // a frame the codec refuses is dropped (the codec's tests cover the wire format)
      }
    };
    ws.onclose = () => {
      clearInterval(this.timer);
      this.onState('closed');
      if (!this.closed) setTimeout(() => !this.closed && this.connect(), 2000);
    };
  }

  subscribe(keys: string[]): void {
    const fresh = keys.filter((k) => !this.subs.has(k));
    for (const k of fresh) this.subs.add(k);
    this.send(1, fresh);
  }

  unsubscribe(keys: string[]): void {
    const gone = keys.filter((k) => this.subs.delete(k));
    this.send(0, gone);
  }

  private send(action: 0 | 1, keys: string[]): void {
    if (keys.length === 0 || this.ws?.readyState !== WebSocket.OPEN) return;
    const groups = new Map<number, string[]>();
    for (const k of keys) {
      const [ex, token] = k.split('|') as [string, string];
      const t = EXCHANGE_TO_EXCHANGE_TYPE[ex as Exchange];
      if (t === undefined) continue;
      groups.set(t, [...(groups.get(t) ?? []), token]);
    }
    const req: FeedRequest = {
      correlationID: 'dashboard',
      action,
      params: {
        mode: 2,
        tokenList: [...groups].map(([exchangeType, tokens]) => ({
          exchangeType: exchangeType as FeedRequest['params']['tokenList'][number]['exchangeType'],
          tokens,
        })),
      },
    };
    this.ws.send(JSON.stringify(req));
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.ws?.close(1000);
  }
}

/** The order-update feed. */
export class OrderFeedClient {
  private ws: WebSocket | undefined;
  private timer: ReturnType<typeof setInterval> | undefined;
  private closed = false;
  onUpdate: (m: OrderUpdateMessage) => void = () => {};
  onState: (s: 'open' | 'closed') => void = () => {};

  constructor(
    private readonly base: string,
    private readonly session: UserSession,
  ) {}

  connect(): void {
    const q = new URLSearchParams({ jwttoken: this.session.jwtToken });
    const ws = new WebSocket(`${wsBase(this.base)}${ORDER_FEED_PATH}?${q}`);
    this.ws = ws;
    ws.onopen = () => {
      this.onState('open');
      this.timer = setInterval(() => ws.readyState === WebSocket.OPEN && ws.send(HEARTBEAT_PING), PING_MS);
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string' || !ev.data.startsWith('{')) return;
      try {
        const m = JSON.parse(ev.data) as OrderUpdateMessage;
        if (m && typeof m === 'object' && m.orderData) this.onUpdate(m);
      } catch {
        // not an order update
      }
    };
    ws.onclose = () => {
      clearInterval(this.timer);
      this.onState('closed');
      if (!this.closed) setTimeout(() => !this.closed && this.connect(), 2000);
    };
  }

  close(): void {
    this.closed = true;
    clearInterval(this.timer);
    this.ws?.close(1000);
  }
}
