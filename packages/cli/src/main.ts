/**
 * The `smartapi` command (bin of `@smartapi-ts/cli`). See docs/cli.md.
 *
 * Exit codes: 0 success, 1 error (API, network, not logged in, nothing found), 2 usage error.
 */

import {
  DEFAULT_MARKET_FEED_URL,
  DEFAULT_ROOT_URL,
  type Exchange,
  formatIstDateTime,
  formatIstIso,
  Interval,
  isEnumValue,
  MARKET_FEED_PATH,
  type QuoteMode,
} from '@smartapi-ts/protocol';
import cliProgress from 'cli-progress';
import { Command, CommanderError, Option } from 'commander';
import {
  AuthenticationError,
  HistoricalData,
  type Instrument,
  type InstrumentIndex,
  Instruments,
  type LoadOptions,
  MarketFeed,
  resample,
  SmartApi,
  SmartApiError,
} from 'smartapi-ts';
import { type CliSession, deleteSession, loadSession, saveSession, sessionFile } from './config.js';
import { type Cell, type CliIo, renderCsv, renderJson, renderTable } from './output.js';

/** A user-facing failure: printed without a stack, exit code 1. */
class CliError extends Error {
  override name = 'CliError';
}

interface GlobalOptions {
  root?: string;
  json?: boolean;
  apiKey?: string;
  cacheDir?: string;
}

const SHORT_INTERVALS: Readonly<Record<string, Interval>> = {
  '1m': 'ONE_MINUTE',
  '3m': 'THREE_MINUTE',
  '5m': 'FIVE_MINUTE',
  '10m': 'TEN_MINUTE',
  '15m': 'FIFTEEN_MINUTE',
  '30m': 'THIRTY_MINUTE',
  '1h': 'ONE_HOUR',
  '60m': 'ONE_HOUR',
  '1d': 'ONE_DAY',
};

/** Parses `5m`, `FIVE_MINUTE`, … into a venue interval. */
export function parseInterval(text: string): Interval {
  const up = text.trim().toUpperCase();
  if (isEnumValue(Interval, up)) return up as Interval;
  const short = SHORT_INTERVALS[text.trim().toLowerCase()];
  if (short) return short;
  throw new CliError(
    `unknown interval "${text}" (use 1m 3m 5m 10m 15m 30m 1h 1d or ${Object.values(Interval).join(', ')})`,
  );
}

/** Runs the CLI; resolves to the exit code. `io` defaults to the process streams and environment. */
export async function main(argv: string[], ioIn: Partial<CliIo> = {}): Promise<number> {
  const io: CliIo = {
    stdout: ioIn.stdout ?? process.stdout,
    stderr: ioIn.stderr ?? process.stderr,
    env: ioIn.env ?? process.env,
  };
  const out = (s: string) => io.stdout.write(s);
  const err = (s: string) => io.stderr.write(s);
  const cleanups: (() => unknown)[] = [];

  const program = new Command('smartapi')
    .description('Angel One SmartAPI from the command line (also works against the smartapi-paper broker)')
    .addOption(
      new Option('--root <url>', 'REST root (e.g. the paper broker http://127.0.0.1:8080)').env(
        'SMARTAPI_ROOT',
      ),
    )
    .addOption(
      new Option('--api-key <key>', 'SmartAPI key (login only; later commands use the saved session)').env(
        'SMARTAPI_API_KEY',
      ),
    )
    .addOption(new Option('--cache-dir <dir>', 'scrip-master cache directory').env('SMARTAPI_CACHE_DIR'))
    .option('--json', 'machine-readable JSON output')
    .showHelpAfterError()
    .exitOverride()
    .configureOutput({ writeOut: out, writeErr: err });

  const globals = (cmd: Command): GlobalOptions => cmd.optsWithGlobals<GlobalOptions>();
  const rootOf = (g: GlobalOptions, s?: CliSession) =>
    (g.root ?? s?.root ?? DEFAULT_ROOT_URL).replace(/\/+$/, '');

  const progressBar = (g: GlobalOptions, format: string) => {
    if (g.json || !io.stderr.isTTY) return undefined;
    const bar = new cliProgress.SingleBar(
      { format, stream: io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    cleanups.push(() => bar.stop());
    return bar;
  };

  async function instruments(
    g: GlobalOptions,
    refresh: LoadOptions['refresh'] = 'auto',
  ): Promise<InstrumentIndex> {
    const session = await loadSession(io.env);
    const root = g.root ?? session?.root;
    const bar = progressBar(g, 'scrip master [{bar}] {percentage}% {value}/{total} bytes');
    let started = false;
    const opts: LoadOptions = {
      refresh,
      logger: { warn: (m) => err(`warning: ${m}\n`) },
      onProgress: (p) => {
        if (!bar) return;
        if (!started) {
          bar.start(p.total ?? 0, 0);
          started = true;
        }
        if (p.total !== null) bar.setTotal(p.total);
        bar.update(p.received);
      },
    };
    if (root !== undefined && root.replace(/\/+$/, '') !== DEFAULT_ROOT_URL) opts.root = root;
    if (g.cacheDir !== undefined) opts.cacheDir = g.cacheDir;
    try {
      return await Instruments.load(opts);
    } finally {
      if (started) bar?.stop();
    }
  }

  async function client(g: GlobalOptions): Promise<{ api: SmartApi; session: CliSession }> {
    const session = await loadSession(io.env);
    if (!session) throw new CliError('not logged in: run `smartapi login` first');
    if (session.expiresAt <= Date.now()) {
      throw new CliError(
        'the saved session has expired (sessions end at 00:00 IST): run `smartapi login` again',
      );
    }
    if (g.root !== undefined && g.root.replace(/\/+$/, '') !== session.root) {
      throw new CliError(
        `the saved session is for ${session.root}, not ${g.root}: run \`smartapi login --root ${g.root}\``,
      );
    }
    const api = new SmartApi({ apiKey: session.apiKey, root: session.root });
    api.setSession({
      clientCode: session.clientCode,
      jwtToken: session.jwtToken,
      refreshToken: session.refreshToken,
      feedToken: session.feedToken,
    });
    api.on('session', (s) => {
      void saveSession(io.env, {
        ...session,
        jwtToken: s.jwtToken,
        refreshToken: s.refreshToken,
        feedToken: s.feedToken,
        issuedAt: s.issuedAt,
        expiresAt: s.expiresAt,
      });
    });
    cleanups.push(() => api.close());
    return { api, session };
  }

  function resolveAll(ins: InstrumentIndex, specs: string[]): Instrument[] {
    return specs.map((spec) => {
      const i = ins.resolve(spec);
      if (!i) {
        const hint = ins.search(spec.includes(':') ? spec.slice(spec.indexOf(':') + 1) : spec, { limit: 3 });
        const more = hint.length
          ? ` (did you mean ${hint.map((h) => `${h.exchange}:${h.symbol}`).join(', ')}?)`
          : '';
        throw new CliError(`unknown instrument "${spec}"${more}`);
      }
      return i;
    });
  }

  const instrumentRow = (i: Instrument): Cell[] => [
    i.exchange,
    i.token,
    i.symbol,
    i.name,
    i.kind,
    i.expiryText,
    i.strike,
    i.lotSize,
    i.tickSize,
  ];
  const INSTRUMENT_HEAD = ['Exchange', 'Token', 'Symbol', 'Name', 'Kind', 'Expiry', 'Strike', 'Lot', 'Tick'];

  // ── login / logout ──
  program
    .command('login')
    .description('log in (PIN + TOTP) and save the session under the config directory (mode 0600)')
    .addOption(new Option('--client-code <code>', 'Angel One client code').env('SMARTAPI_CLIENT_CODE'))
    .addOption(new Option('--pin <pin>', 'trading PIN / password').env('SMARTAPI_PIN'))
    .addOption(
      new Option('--totp-secret <base32>', 'TOTP secret (codes are computed)').env('SMARTAPI_TOTP_SECRET'),
    )
    .addOption(new Option('--totp <code>', 'a current 6-digit TOTP code').env('SMARTAPI_TOTP'))
    .action(
      async (o: { clientCode?: string; pin?: string; totpSecret?: string; totp?: string }, cmd: Command) => {
        const g = globals(cmd);
        const pin = o.pin ?? io.env.SMARTAPI_PASSWORD;
        const missing = [
          g.apiKey ? '' : '--api-key (SMARTAPI_API_KEY)',
          o.clientCode ? '' : '--client-code (SMARTAPI_CLIENT_CODE)',
          pin ? '' : '--pin (SMARTAPI_PIN)',
          o.totpSecret || o.totp ? '' : '--totp-secret (SMARTAPI_TOTP_SECRET) or --totp',
        ].filter(Boolean);
        if (missing.length) throw new CliError(`login needs ${missing.join(', ')}`);
        const root = rootOf(g);
        const api = new SmartApi({ apiKey: g.apiKey!, root, autoRelogin: false });
        cleanups.push(() => api.close());
        const s = await api.login(
          o.totpSecret
            ? { clientCode: o.clientCode!, password: pin!, totpSecret: o.totpSecret }
            : { clientCode: o.clientCode!, password: pin!, totp: o.totp! },
        );
        const file = await saveSession(io.env, {
          version: 1,
          root,
          apiKey: g.apiKey!,
          clientCode: s.clientCode,
          jwtToken: s.jwtToken,
          refreshToken: s.refreshToken,
          feedToken: s.feedToken,
          issuedAt: s.issuedAt,
          expiresAt: s.expiresAt,
        });
        if (g.json)
          out(
            renderJson({
              clientCode: s.clientCode,
              root,
              expiresAt: new Date(s.expiresAt).toISOString(),
              file,
            }),
          );
        else
          out(
            `Logged in as ${s.clientCode} at ${root}; session saved to ${file} (valid until ${formatIstDateTime(s.expiresAt)} IST)\n`,
          );
      },
    );

  program
    .command('logout')
    .description('log out at the venue and delete the saved session')
    .action(async (_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      const session = await loadSession(io.env);
      if (!session) {
        out('Not logged in.\n');
        return;
      }
      if (session.expiresAt > Date.now()) {
        try {
          const { api } = await client(g);
          await api.logout();
        } catch (e) {
          err(`warning: venue logout failed: ${(e as Error).message}\n`);
        }
      }
      await deleteSession(io.env);
      out(g.json ? renderJson({ loggedOut: true }) : `Logged out; removed ${sessionFile(io.env)}\n`);
    });

  // ── instruments ──
  const ins = program.command('instruments').description('the instrument master (scrip master)');
  ins
    .command('sync')
    .description('download the scrip master now (conditional refresh) and cache it')
    .action(async (_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      const index = await instruments(g, 'always');
      const info = {
        instruments: index.size,
        skipped: index.skipped,
        source: index.source.kind,
        url: index.source.url,
        cacheFile: index.source.cacheFile,
        fetchedAt: index.source.fetchedAt?.toISOString(),
      };
      if (g.json) out(renderJson(info));
      else {
        const how = {
          network: 'downloaded',
          'not-modified': 'unchanged (304)',
          cache: 'cached',
          fallback: 'download FAILED, using cached copy',
          rows: '',
          file: '',
        }[index.source.kind];
        out(`${index.size} instruments (${index.skipped} malformed rows skipped): ${how} from ${info.url}\n`);
      }
    });
  ins
    .command('search')
    .description('fuzzy search by name or symbol')
    .argument('<text...>', 'search text')
    .option('-e, --exchange <exchange>', 'only this exchange (NSE, NFO, BSE, BFO, MCX, CDS, NCDEX)')
    .option('-n, --limit <n>', 'maximum results', '20')
    .action(async (words: string[], o: { exchange?: string; limit: string }, cmd: Command) => {
      const g = globals(cmd);
      const index = await instruments(g);
      const opts: { limit: number; exchange?: Exchange } = { limit: Number(o.limit) || 20 };
      if (o.exchange) opts.exchange = o.exchange.toUpperCase() as Exchange;
      const hits = index.search(words.join(' '), opts);
      if (g.json) out(renderJson(hits));
      else if (hits.length === 0) throw new CliError(`no instrument matches "${words.join(' ')}"`);
      else out(renderTable(INSTRUMENT_HEAD, hits.map(instrumentRow)));
    });

  // ── quote ──
  program
    .command('quote')
    .description('live quotes, e.g. `smartapi quote NSE:SBIN NFO:NIFTY25JAN2418000CE`')
    .argument('<symbols...>', 'EXCHANGE:SYMBOL (or a bare symbol, NSE first)')
    .addOption(
      new Option('-m, --mode <mode>', 'quote mode')
        .choices(['LTP', 'OHLC', 'FULL', 'ltp', 'ohlc', 'full'])
        .default('FULL'),
    )
    .action(async (specs: string[], o: { mode: string }, cmd: Command) => {
      const g = globals(cmd);
      const { api } = await client(g);
      const list = resolveAll(await instruments(g), specs);
      const exchangeTokens: Partial<Record<Exchange, string[]>> = {};
      for (const i of list) {
        const tokens = exchangeTokens[i.exchange] ?? [];
        tokens.push(i.token);
        exchangeTokens[i.exchange] = tokens;
      }
      const res = await api.market.quote({ mode: o.mode.toUpperCase() as QuoteMode, exchangeTokens });
      if (g.json) {
        out(renderJson(res));
        return;
      }
      const rows = res.fetched as unknown as Record<string, Cell>[];
      const cols = [
        'exchange',
        'tradingSymbol',
        'ltp',
        'open',
        'high',
        'low',
        'close',
        'netChange',
        'percentChange',
        'tradeVolume',
      ].filter((c) => rows.some((r) => r[c] !== undefined));
      out(
        renderTable(
          cols,
          rows.map((r) => cols.map((c) => r[c])),
        ),
      );
      for (const u of res.unfetched) err(`unfetched: ${JSON.stringify(u)}\n`);
    });

  // ── candles ──
  program
    .command('candles')
    .description('historical candles over any range (split, paced, retried, merged)')
    .argument('<symbol>', 'EXCHANGE:SYMBOL, e.g. NSE:SBIN')
    .option('-i, --interval <interval>', '1m 3m 5m 10m 15m 30m 1h 1d or a venue name', '1d')
    .requiredOption('-f, --from <date>', 'start, IST "YYYY-MM-DD HH:mm" or "YYYY-MM-DD"')
    .option('-t, --to <date>', 'end, IST "YYYY-MM-DD HH:mm" (default: now)')
    .option('-r, --resample <target>', 'resample to e.g. 2h, 4h, 1w, 1M (IST session-aligned)')
    .option('--csv', 'CSV output')
    .action(
      async (
        spec: string,
        o: { interval: string; from: string; to?: string; resample?: string; csv?: boolean },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const interval = parseInterval(o.interval);
        const { api } = await client(g);
        const [inst] = resolveAll(await instruments(g), [spec]);
        const hist = new HistoricalData(api.historical, { pace: false });
        const bar = progressBar(g, 'candles [{bar}] {value}/{total} requests');
        let started = false;
        let candles = await hist.candlesArray(
          {
            exchange: inst!.exchange,
            symboltoken: inst!.token,
            interval,
            from: o.from,
            to: o.to ?? new Date(),
          },
          {
            onProgress: (p) => {
              if (!bar || p.total < 2) return;
              if (!started) {
                bar.start(p.total, 0);
                started = true;
              }
              bar.update(p.done);
            },
          },
        );
        if (started) bar?.stop();
        if (o.resample) candles = resample(candles, o.resample);
        const head = ['time', 'open', 'high', 'low', 'close', 'volume'];
        const rows: Cell[][] = candles.map((c) => [
          formatIstIso(c.time.getTime()),
          c.open,
          c.high,
          c.low,
          c.close,
          c.volume,
        ]);
        if (g.json) out(renderJson(candles.map((c, k) => ({ ...c, time: rows[k]![0] }))));
        else if (o.csv) out(renderCsv(head, rows));
        else out(renderTable(head, rows));
      },
    );

  // ── books ──
  program
    .command('orders')
    .description("today's order book")
    .action(async (_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { api } = await client(g);
      const book = await api.orders.book();
      if (g.json) out(renderJson(book));
      else if (book.length === 0) out('No orders today.\n');
      else
        out(
          renderTable(
            [
              'Order id',
              'Time',
              'Symbol',
              'Side',
              'Type',
              'Product',
              'Qty',
              'Filled',
              'Price',
              'Avg',
              'Status',
            ],
            book.map((r) => [
              r.orderid,
              r.updatetime,
              `${r.exchange}:${r.tradingsymbol}`,
              r.transactiontype,
              r.ordertype,
              r.producttype,
              r.quantity,
              r.filledshares,
              r.price,
              r.averageprice,
              r.orderstatus || r.status,
            ]),
          ),
        );
    });

  program
    .command('positions')
    .description('net and day positions')
    .action(async (_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { api } = await client(g);
      const rows = await api.portfolio.positions();
      if (g.json) out(renderJson(rows));
      else if (rows.length === 0) out('No positions.\n');
      else
        out(
          renderTable(
            ['Symbol', 'Product', 'Net qty', 'Avg', 'LTP', 'Realised', 'Unrealised'],
            rows.map((r) => [
              `${r.exchange}:${r.tradingsymbol}`,
              r.producttype,
              r.netqty,
              r.avgnetprice,
              r.ltp,
              r.realised,
              r.unrealised,
            ]),
          ),
        );
    });

  program
    .command('holdings')
    .description('demat holdings with P&L')
    .action(async (_o: unknown, cmd: Command) => {
      const g = globals(cmd);
      const { api } = await client(g);
      const rows = await api.portfolio.holdings();
      if (g.json) out(renderJson(rows));
      else if (rows.length === 0) out('No holdings.\n');
      else
        out(
          renderTable(
            ['Symbol', 'Qty', 'T1', 'Avg', 'LTP', 'P&L', 'P&L %'],
            rows.map((r) => [
              `${r.exchange}:${r.tradingsymbol}`,
              r.quantity,
              r.t1quantity,
              r.averageprice,
              r.ltp,
              r.profitandloss,
              r.pnlpercentage,
            ]),
          ),
        );
    });

  // ── stream ──
  program
    .command('stream')
    .description('stream live ticks until Ctrl-C (or --count)')
    .argument('<symbols...>', 'EXCHANGE:SYMBOL …')
    .addOption(
      new Option('-m, --mode <mode>', 'feed mode')
        .choices(['ltp', 'quote', 'snapQuote', 'depth20'])
        .default('ltp'),
    )
    .option('-c, --count <n>', 'exit after n ticks')
    .action(
      async (
        specs: string[],
        o: { mode: 'ltp' | 'quote' | 'snapQuote' | 'depth20'; count?: string },
        cmd: Command,
      ) => {
        const g = globals(cmd);
        const { session } = await client(g);
        const list = resolveAll(await instruments(g), specs);
        const byKey = new Map(list.map((i) => [`${i.exchangeType}|${i.token}`, i]));
        const url =
          session.root === DEFAULT_ROOT_URL
            ? DEFAULT_MARKET_FEED_URL
            : session.root.replace(/^http/, 'ws') + MARKET_FEED_PATH;
        const feed = new MarketFeed({
          clientCode: session.clientCode,
          feedToken: session.feedToken,
          apiKey: session.apiKey,
          jwtToken: session.jwtToken,
          url,
        });
        cleanups.push(() => feed.close());
        const limit = o.count !== undefined ? Number(o.count) : Number.POSITIVE_INFINITY;
        if (!(limit > 0) || (Number.isFinite(limit) && !Number.isInteger(limit)))
          throw new CliError(`--count must be a positive integer, got ${JSON.stringify(o.count)}`);
        let seen = 0;
        await new Promise<void>((resolve, reject) => {
          const stop = () => resolve();
          process.once('SIGINT', stop);
          cleanups.push(() => process.off('SIGINT', stop));
          feed.on('error', (e) => err(`feed: ${e.message}\n`));
          feed.on('tick', (tick) => {
            // Ticks of one socket read arrive back to back: print no more than --count of them.
            if (seen >= limit) return;
            const inst = byKey.get(`${tick.exchangeType}|${tick.token}`);
            const symbol = inst ? `${inst.exchange}:${inst.symbol}` : `${tick.exchangeType}|${tick.token}`;
            if (g.json) out(`${JSON.stringify({ symbol, ...tick })}\n`);
            else {
              const t = tick as {
                lastTradedPrice?: number;
                exchangeTimestamp?: number;
                volumeTradedForTheDay?: number;
              };
              const time = t.exchangeTimestamp ? formatIstIso(t.exchangeTimestamp).slice(11, 19) : '';
              const vol = t.volumeTradedForTheDay !== undefined ? `  vol ${t.volumeTradedForTheDay}` : '';
              out(`${time}  ${symbol}  ${t.lastTradedPrice ?? ''}${vol}\n`);
            }
            if (++seen >= limit) resolve();
          });
          feed.subscribe(
            o.mode,
            list.map((i) => ({ token: i.token, exchangeType: i.exchangeType })),
          );
          feed.connect().catch(reject);
        });
      },
    );

  try {
    await program.parseAsync(argv, { from: 'user' });
    return 0;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0
        ? 0
        : 2;
    }
    if (e instanceof CliError) err(`error: ${e.message}\n`);
    else if (e instanceof AuthenticationError)
      err(`error: ${e.message}\nhint: run \`smartapi login\` again\n`);
    else if (e instanceof SmartApiError || e instanceof RangeError) err(`error: ${e.message}\n`);
    else err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return 1;
  } finally {
    for (const c of cleanups.reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  }
}
