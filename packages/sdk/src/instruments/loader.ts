/**
 * Scrip-master download with an on-disk cache: conditional refresh (ETag / Last-Modified), a daily
 * expiry before market open, progress callbacks, and fallback to the last good copy when a refresh fails.
 */
import { createHash } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { DEFAULT_ROOT_URL, SCRIP_MASTER_PATH, SCRIP_MASTER_URL } from '@smartapi-ts/protocol';
import { AbortError, ConnectionError, SmartApiError } from '../errors.js';
import { DAY_MS, dayStartMs, istDayNumber } from './dates.js';
import { InstrumentIndex } from './instrument-index.js';
import { buildStoreFromBytes } from './json-chunks.js';
import { buildStore } from './store.js';
import type { DownloadProgress, InstrumentsLogger, InstrumentsSource } from './types.js';

/** Options of {@link Instruments.load}. */
export interface LoadOptions {
  /**
   * URL of the scrip master JSON. @default the venue's `SCRIP_MASTER_URL`, or `<root>` + `SCRIP_MASTER_PATH`
   * when `root` is given.
   */
  url?: string;
  /** A REST root (e.g. the paper broker's `http://127.0.0.1:8080`); the URL is derived from it. */
  root?: string;
  /**
   * Cache directory, or `false` for no cache.
   * @default `$SMARTAPI_CACHE_DIR`, else `$XDG_CACHE_HOME/smartapi`, else `~/.cache/smartapi`
   */
  cacheDir?: string | false;
  /** Download progress (called per received chunk). */
  onProgress?: (progress: DownloadProgress) => void;
  /** `fetch` implementation. @default globalThis.fetch */
  fetch?: typeof fetch;
  /** Aborts the download (then no fallback happens: the promise rejects with AbortError). */
  signal?: AbortSignal;
  /** Also treat a cache older than this as stale. @default no limit (only the daily expiry) */
  maxAgeMs?: number;
  /**
   * `auto`: use a fresh cache, otherwise revalidate/download; `always`: always ask the server
   * (conditionally when a cache exists); `never`: use any cache, however old, and download only when none
   * exists. @default 'auto'
   */
  refresh?: 'auto' | 'always' | 'never';
  /**
   * IST wall-clock time after which a copy fetched before it is stale (the venue regenerates the file
   * daily before market open). @default '08:00'
   */
  dailyRefreshAt?: string;
  /** Receives warnings such as a failed refresh that fell back to the cache. @default console */
  logger?: InstrumentsLogger;
  /** Download timeout in ms. @default 120000 */
  timeoutMs?: number;
  /** Clock (epoch ms), for tests. @default Date.now */
  now?: () => number;
}

/** Metadata stored next to the cached file. */
interface CacheMeta {
  version: 1;
  url: string;
  etag?: string;
  lastModified?: string;
  fetchedAt: number;
  bytes: number;
}

/** Default cache directory, from the environment at call time. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.SMARTAPI_CACHE_DIR) return env.SMARTAPI_CACHE_DIR;
  const base = env.XDG_CACHE_HOME || join(homedir(), '.cache');
  return join(base, 'smartapi');
}

/**
 * The scrip-master URL of a REST root (`http://127.0.0.1:8080` → `…/OpenAPI_File/files/OpenAPIScripMaster.json`).
 * The venue's own REST root (`DEFAULT_ROOT_URL`) maps to the venue's scrip-master host (`SCRIP_MASTER_URL`),
 * so `Instruments.load({ root: api.root })` works for both the venue and the paper broker.
 */
export function scripMasterUrlForRoot(root: string): string {
  const clean = root.replace(/\/+$/, '');
  if (clean === DEFAULT_ROOT_URL) return SCRIP_MASTER_URL;
  return clean + SCRIP_MASTER_PATH;
}

/** Cache file paths for a URL. */
export function cacheFiles(cacheDir: string, url: string): { data: string; meta: string } {
  const h = createHash('sha256').update(url).digest('hex').slice(0, 16);
  return {
    data: join(cacheDir, `scrip-master-${h}.json`),
    meta: join(cacheDir, `scrip-master-${h}.meta.json`),
  };
}

/**
 * True when a copy fetched at `fetchedAt` is still current at `now`: fetched after the most recent daily
 * refresh time (IST) and, when given, younger than `maxAgeMs`.
 */
export function isCacheFresh(
  fetchedAt: number,
  now: number,
  dailyRefreshAt = '08:00',
  maxAgeMs?: number,
): boolean {
  if (maxAgeMs !== undefined && now - fetchedAt > maxAgeMs) return false;
  if (fetchedAt > now) return false;
  const m = /^(\d{1,2}):(\d{2})$/.exec(dailyRefreshAt);
  const offset = m ? (Number(m[1]) * 60 + Number(m[2])) * 60_000 : 8 * 3_600_000;
  let boundary = dayStartMs(istDayNumber(now)) + offset;
  if (boundary > now) boundary -= DAY_MS;
  return fetchedAt >= boundary;
}

/** Parses the JSON text of a scrip master into an index (throws when it is not a JSON array). */
export function indexFromJson(text: string, source: InstrumentsSource): InstrumentIndex {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  let rows: unknown;
  try {
    rows = JSON.parse(body);
  } catch (e) {
    throw new SmartApiError(`scrip master is not valid JSON: ${(e as Error).message}`, { cause: e });
  }
  if (!Array.isArray(rows)) throw new SmartApiError('scrip master is not a JSON array');
  return new InstrumentIndex(buildStore(rows), source);
}

/** Parses scrip-master JSON bytes into an index, in chunks (throws when it is not a JSON array). */
export function indexFromBytes(bytes: Buffer, source: InstrumentsSource): InstrumentIndex {
  return new InstrumentIndex(buildStoreFromBytes(bytes), source);
}

async function readMeta(file: string): Promise<CacheMeta | undefined> {
  try {
    const m = JSON.parse(await readFile(file, 'utf8')) as Partial<CacheMeta>;
    if (m && m.version === 1 && typeof m.fetchedAt === 'number' && typeof m.url === 'string')
      return m as CacheMeta;
  } catch {
    // missing or corrupt metadata: no cache
  }
  return undefined;
}

async function writeAtomic(file: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${file}.${process.pid}.${Date.now()}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (e) {
    await rm(tmp, { force: true }).catch(() => {});
    throw e;
  }
}

class HttpStatusError extends SmartApiError {
  override name = 'HttpStatusError';
}

async function readBody(res: Response, onProgress?: (p: DownloadProgress) => void): Promise<Buffer> {
  const enc = res.headers.get('content-encoding');
  const len = res.headers.get('content-length');
  const total = len !== null && (!enc || enc === 'identity') && /^\d+$/.test(len) ? Number(len) : null;
  const chunks: Uint8Array[] = [];
  let received = 0;
  if (res.body) {
    const reader = res.body.getReader();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      chunks.push(value);
      received += value.byteLength;
      onProgress?.({ received, total: total !== null && total >= received ? total : null });
    }
  }
  if (total !== null && received !== total) {
    throw new ConnectionError(`scrip master download truncated: ${received} of ${total} bytes`);
  }
  return Buffer.concat(chunks, received);
}

/** Downloads (or revalidates) the scrip master and builds the index. See {@link LoadOptions}. */
export async function loadInstruments(options: LoadOptions = {}): Promise<InstrumentIndex> {
  const url =
    options.url ?? (options.root !== undefined ? scripMasterUrlForRoot(options.root) : SCRIP_MASTER_URL);
  const now = options.now ?? Date.now;
  const logger = options.logger ?? console;
  const cacheDir = options.cacheDir === undefined ? defaultCacheDir() : options.cacheDir;
  const files = cacheDir === false ? undefined : cacheFiles(cacheDir, url);
  const refresh = options.refresh ?? 'auto';
  const meta = files ? await readMeta(files.meta) : undefined;

  const fromCache = async (kind: InstrumentsSource['kind'], fetchedAt: number): Promise<InstrumentIndex> => {
    const bytes = await readFile(files!.data);
    return indexFromBytes(bytes, { kind, url, fetchedAt: new Date(fetchedAt), cacheFile: files!.data });
  };

  if (meta && refresh !== 'always') {
    const fresh =
      refresh === 'never' || isCacheFresh(meta.fetchedAt, now(), options.dailyRefreshAt, options.maxAgeMs);
    if (fresh) {
      try {
        return await fromCache('cache', meta.fetchedAt);
      } catch (e) {
        logger.warn(`smartapi: cached scrip master unreadable (${(e as Error).message}); downloading again`);
      }
    }
  }

  const doFetch = options.fetch ?? globalThis.fetch;
  const timeout = AbortSignal.timeout(options.timeoutMs ?? 120_000);
  const signal = options.signal ? AbortSignal.any([options.signal, timeout]) : timeout;
  try {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (meta) {
      if (meta.etag) headers['if-none-match'] = meta.etag;
      if (meta.lastModified) headers['if-modified-since'] = meta.lastModified;
    }
    let res: Response;
    try {
      res = await doFetch(url, { headers, signal });
    } catch (e) {
      throw new ConnectionError(`scrip master download failed: ${(e as Error).message}`, { cause: e });
    }
    const fetchedAt = now();
    if (res.status === 304 && meta && files) {
      await res.body?.cancel().catch(() => {});
      const index = await fromCache('not-modified', fetchedAt);
      await writeAtomic(files.meta, JSON.stringify({ ...meta, fetchedAt })).catch((e: Error) =>
        logger.warn(`smartapi: could not update scrip master cache metadata: ${e.message}`),
      );
      return index;
    }
    if (res.status < 200 || res.status > 299) {
      await res.body?.cancel().catch(() => {});
      throw new HttpStatusError(`scrip master download failed: HTTP ${res.status} from ${url}`);
    }
    const body = await readBody(res, options.onProgress);
    const index = indexFromBytes(body, {
      kind: 'network',
      url,
      fetchedAt: new Date(fetchedAt),
      ...(files ? { cacheFile: files.data } : {}),
    });
    if (files && cacheDir !== false) {
      const next: CacheMeta = { version: 1, url, fetchedAt, bytes: body.byteLength };
      const etag = res.headers.get('etag');
      const lm = res.headers.get('last-modified');
      if (etag) next.etag = etag;
      if (lm) next.lastModified = lm;
      try {
        await mkdir(cacheDir, { recursive: true });
        await writeAtomic(files.data, body);
        await writeAtomic(files.meta, JSON.stringify(next));
      } catch (e) {
        logger.warn(`smartapi: could not write scrip master cache in ${cacheDir}: ${(e as Error).message}`);
      }
    }
    return index;
  } catch (e) {
    if (options.signal?.aborted) {
      throw new AbortError('scrip master download aborted', { cause: options.signal.reason ?? e });
    }
    if (meta && files) {
      try {
        const index = await fromCache('fallback', meta.fetchedAt);
        logger.warn(
          `smartapi: scrip master refresh failed (${(e as Error).message}); using the cached copy from ${new Date(meta.fetchedAt).toISOString()}`,
        );
        return index;
      } catch {
        // cache unusable too: report the download error
      }
    }
    if (e instanceof SmartApiError) throw e;
    throw new ConnectionError(`scrip master download failed: ${(e as Error).message}`, { cause: e });
  }
}
