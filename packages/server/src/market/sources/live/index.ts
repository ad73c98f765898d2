/**
 * The live source (docs/paper-broker-data.md#live): market data from an upstream SmartAPI root, orders
 * kept local. `createLiveMarket` logs in, loads the scrip master and opens the feed before anything
 * starts; a bad root or bad credentials throw an {@link UpstreamError} / {@link UpstreamCredentialsError}.
 */

import type { Clock } from '../../clock.js';
import { SystemClock } from '../../clock.js';
import type { Market } from '../../types.js';
import { LiveMarket } from './market.js';
import { connectUpstream, type UpstreamCredentials, UpstreamError } from './upstream.js';

export { readUpstreamCredentials, UPSTREAM_ENV, UpstreamCredentialsError } from './credentials.js';
export { LiveMarket, type LiveMarketOptions, type LiveRoute } from './market.js';
export { type UpstreamCredentials, UpstreamError } from './upstream.js';

/** Options of {@link createLiveMarket}. */
export interface CreateLiveOptions {
  /** Upstream REST root (`http://host:port` or `https://…`); its feed is `ws(s)://<host>/smart-stream`. */
  upstream: string;
  credentials: UpstreamCredentials;
  seed?: number;
  /** @default the wall clock */
  clock?: Clock;
  warmupMs?: number;
}

/** Checks an upstream root: an http(s) URL without credentials, query or fragment. */
export function checkUpstreamRoot(root: string): string {
  let u: URL;
  try {
    u = new URL(root);
  } catch {
    throw new UpstreamError(`--upstream must be an http(s) URL such as http://127.0.0.1:8081, got ${root}`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:')
    throw new UpstreamError(`--upstream must be an http(s) URL, got ${u.protocol}`);
  if (u.username || u.password || u.search || u.hash)
    throw new UpstreamError('--upstream must be a plain root URL (no user, query or fragment)');
  return root.replace(/\/+$/, '');
}

/** Connects to the upstream and builds the live market. */
export async function createLiveMarket(o: CreateLiveOptions): Promise<LiveMarket> {
  const root = checkUpstreamRoot(o.upstream);
  const upstream = await connectUpstream(root, o.credentials);
  return new LiveMarket({
    upstream,
    clock: o.clock ?? new SystemClock(),
    ...(o.seed !== undefined ? { seed: o.seed } : {}),
    ...(o.warmupMs !== undefined ? { warmupMs: o.warmupMs } : {}),
  });
}

/** True when a market is the live source. */
export function isLiveMarket(m: Market): m is LiveMarket {
  return m instanceof LiveMarket;
}
