/**
 * The upstream of the live source: the ONE module of the server that imports the SDK (`smartapi-ts`),
 * fenced by the architecture test (packages/protocol/test/architecture.test.ts). It logs in with TOTP,
 * downloads the scrip master, fetches candles and keeps one market feed open. It only ever READS market
 * data: nothing here places, modifies or cancels orders or GTT rules (docs/paper-broker-data.md#live).
 *
 * Credentials never leave this module: they are not logged, and errors name the root and the
 * upstream's answer, never a credential.
 */
import type { Exchange, FeedTick } from '@smartapi-ts/protocol';
import { EXCHANGE_TYPE_TO_EXCHANGE, INTERVAL_MINUTES, type Interval } from '@smartapi-ts/protocol';
import { fetchCandles, MarketFeed, SmartApi, scripMasterUrlForRoot } from 'smartapi-ts';

/** Login data of the upstream account. */
export interface UpstreamCredentials {
  clientCode: string;
  /** Trading PIN (the login `password`). */
  pin: string;
  /** Base32 TOTP secret. */
  totpSecret: string;
  apiKey: string;
}

/** One bar from the upstream, prices in paise. */
export interface UpstreamBar {
  time: number;
  open: number;
  high: number;
  low: number;
  close: number;
  volume: number;
}

/** What the live market needs from its upstream. */
export interface Upstream {
  /** The upstream's REST root. */
  readonly root: string;
  /** The scrip master rows (raw JSON array). */
  readonly scripMaster: readonly unknown[];
  /** Bars of `intervalMinutes` in `[from, to]` (paged under the venue's per-request span). */
  candles(
    exchange: Exchange,
    token: string,
    intervalMinutes: number,
    from: number,
    to: number,
  ): Promise<UpstreamBar[]>;
  /** Adds an instrument to the feed subscription (SnapQuote mode). */
  subscribe(exchange: Exchange, token: string): void;
  /** Receives every feed tick with raw wire prices. */
  onTick(listener: (exchange: Exchange, tick: FeedTick) => void): void;
  /** Receives feed errors (already without credentials). */
  onError(listener: (message: string) => void): void;
  /** Closes the feed. */
  close(): Promise<void>;
}

/** A failure to reach or log in to the upstream (the message names the root, never a credential). */
export class UpstreamError extends Error {
  override readonly name = 'UpstreamError';
}

/** The interval name of a bar length in minutes (undefined for lengths the venue does not serve). */
export function intervalOf(minutes: number): Interval | undefined {
  for (const [name, m] of Object.entries(INTERVAL_MINUTES)) if (m === minutes) return name as Interval;
  return undefined;
}

function reason(err: unknown, secrets: readonly string[]): string {
  let text = err instanceof Error ? err.message : String(err);
  for (const s of secrets) if (s) text = text.split(s).join('***');
  return text;
}

/** Logs in to `root`, downloads its scrip master and opens its market feed. */
export async function connectUpstream(root: string, creds: UpstreamCredentials): Promise<Upstream> {
  const secrets = [creds.pin, creds.totpSecret, creds.apiKey];
  const api = new SmartApi({ apiKey: creds.apiKey, root, retry: false, timeout: 10_000 });
  try {
    await api.login({ clientCode: creds.clientCode, password: creds.pin, totpSecret: creds.totpSecret });
  } catch (err) {
    throw new UpstreamError(`upstream login at ${root} failed: ${reason(err, secrets)}`);
  }
  let scripMaster: unknown[];
  try {
    const res = await fetch(scripMasterUrlForRoot(root));
    if (!res.ok) throw new Error(`HTTP ${res.status}`);
    const rows: unknown = await res.json();
    if (!Array.isArray(rows)) throw new Error('not a JSON array');
    scripMaster = rows;
  } catch (err) {
    await api.logout().catch(() => undefined);
    throw new UpstreamError(`upstream scrip master at ${root} failed: ${reason(err, secrets)}`);
  }
  const feed = MarketFeed.fromClient(api, { rawPrices: true });
  const errorListeners: ((m: string) => void)[] = [];
  feed.on('error', (e) => {
    const m = reason(e, secrets);
    for (const l of errorListeners) l(m);
  });
  try {
    await feed.connect();
  } catch (err) {
    await feed.close().catch(() => undefined);
    throw new UpstreamError(`upstream market feed of ${root} failed: ${reason(err, secrets)}`);
  }
  return {
    root,
    scripMaster,
    async candles(exchange, token, intervalMinutes, from, to) {
      const interval = intervalOf(intervalMinutes);
      if (!interval) return [];
      const bars = await fetchCandles(
        api.historical,
        { exchange, symboltoken: token, interval, from, to },
        { pace: false, retries: 2, backoffMs: 200 },
      );
      return bars.map((b) => ({
        time: b.time.getTime(),
        open: Math.round(b.open * 100),
        high: Math.round(b.high * 100),
        low: Math.round(b.low * 100),
        close: Math.round(b.close * 100),
        volume: b.volume,
      }));
    },
    subscribe(exchange, token) {
      feed.subscribe('snapQuote', [`${exchange}|${token}`]);
    },
    onTick(listener) {
      feed.on('tick', (t: FeedTick) => {
        const ex = EXCHANGE_TYPE_TO_EXCHANGE[t.exchangeType as keyof typeof EXCHANGE_TYPE_TO_EXCHANGE];
        if (ex) listener(ex, t);
      });
    },
    onError(listener) {
      errorListeners.push(listener);
    },
    async close() {
      await feed.close().catch(() => undefined);
    },
  };
}
