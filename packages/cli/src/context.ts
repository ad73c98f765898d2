/**
 * What every command module shares: the I/O streams, global options, the saved session and a client
 * built from it, the instrument master, progress bars, the live-venue confirmation, and cleanup.
 */
import { DEFAULT_ROOT_URL, Exchange, isEnumValue } from '@smartapi-ts/protocol';
import cliProgress from 'cli-progress';
import type { Command } from 'commander';
import { type Instrument, type InstrumentIndex, Instruments, type LoadOptions, SmartApi } from 'smartapi-ts';
import { type CliSession, loadSession, saveSession } from './config.js';
import { askYesNo, needsConfirmation } from './confirm.js';
import type { Cell, CliIo } from './output.js';

/** Exit codes of the `smartapi` command. */
export const ExitCode = {
  /** Success. */
  OK: 0,
  /** API or network error, not logged in, expired session, nothing found, confirmation declined. */
  ERROR: 1,
  /** Usage error: unknown command or option, missing argument, bad flag value. */
  USAGE: 2,
} as const;
/** One of {@link ExitCode}. */
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

/** A user-facing failure: printed as `error: …` without a stack, exit code 1. */
export class CliError extends Error {
  override name = 'CliError';
}

/** A bad flag value or combination: printed as `error: …`, exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** Options of the root command, visible to every subcommand. */
export interface GlobalOptions {
  root?: string;
  json?: boolean;
  apiKey?: string;
  cacheDir?: string;
}

/** A REST root without trailing slashes. */
export const normalizeRoot = (root: string): string => root.replace(/\/+$/, '');

/** One CLI run: created by `main()`, handed to every command's `register()`. */
export class CliContext {
  /** The streams and environment of this run (injectable for tests). */
  readonly io: CliIo;
  readonly #cleanups: (() => unknown)[] = [];

  constructor(io: CliIo) {
    this.io = io;
  }

  /** Writes to stdout. */
  out = (s: string): void => {
    this.io.stdout.write(s);
  };

  /** Writes to stderr. */
  err = (s: string): void => {
    this.io.stderr.write(s);
  };

  /** Registers work to do when the run ends (close clients, stop bars), run in reverse order. */
  onCleanup(fn: () => unknown): void {
    this.#cleanups.push(fn);
  }

  /** Runs the cleanups (best effort). */
  async cleanup(): Promise<void> {
    for (const c of this.#cleanups.splice(0).reverse()) {
      try {
        await c();
      } catch {
        // best effort
      }
    }
  }

  /** The global options as seen from a subcommand. */
  globals(cmd: Command): GlobalOptions {
    return cmd.optsWithGlobals<GlobalOptions>();
  }

  /** The REST root: `--root`/`SMARTAPI_ROOT`, else the session's, else the live venue. */
  rootOf(g: GlobalOptions, s?: CliSession): string {
    return normalizeRoot(g.root ?? s?.root ?? DEFAULT_ROOT_URL);
  }

  /** A progress bar on stderr, only on a terminal and never with `--json`. */
  progressBar(g: GlobalOptions, format: string): cliProgress.SingleBar | undefined {
    if (g.json || !this.io.stderr.isTTY) return undefined;
    const bar = new cliProgress.SingleBar(
      { format, stream: this.io.stderr as NodeJS.WritableStream, hideCursor: true, clearOnComplete: true },
      cliProgress.Presets.shades_classic,
    );
    this.onCleanup(() => bar.stop());
    return bar;
  }

  /** The instrument master of the current root (cached; a progress bar on a TTY while downloading). */
  async instruments(g: GlobalOptions, refresh: LoadOptions['refresh'] = 'auto'): Promise<InstrumentIndex> {
    const session = await loadSession(this.io.env);
    const root = g.root ?? session?.root;
    const bar = this.progressBar(g, 'scrip master [{bar}] {percentage}% {value}/{total} bytes');
    let started = false;
    const opts: LoadOptions = {
      refresh,
      logger: { warn: (m) => this.err(`warning: ${m}\n`) },
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
    if (root !== undefined && normalizeRoot(root) !== DEFAULT_ROOT_URL) opts.root = root;
    if (g.cacheDir !== undefined) opts.cacheDir = g.cacheDir;
    try {
      return await Instruments.load(opts);
    } finally {
      if (started) bar?.stop();
    }
  }

  /** A client on the saved session (refreshed tokens are written back). Throws when not logged in. */
  async client(g: GlobalOptions): Promise<{ api: SmartApi; session: CliSession }> {
    const session = await loadSession(this.io.env);
    if (!session) throw new CliError('not logged in: run `smartapi login` first');
    if (session.expiresAt <= Date.now()) {
      throw new CliError(
        'the saved session has expired (sessions end at 00:00 IST): run `smartapi login` again',
      );
    }
    if (g.root !== undefined && normalizeRoot(g.root) !== session.root) {
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
      void saveSession(this.io.env, {
        ...session,
        jwtToken: s.jwtToken,
        refreshToken: s.refreshToken,
        feedToken: s.feedToken,
        issuedAt: s.issuedAt,
        expiresAt: s.expiresAt,
      });
    });
    this.onCleanup(() => api.close());
    return { api, session };
  }

  /** Resolves `EXCH:SYMBOL` specs through the master; unknown ones fail with suggestions. */
  resolveAll(ins: InstrumentIndex, specs: string[]): Instrument[] {
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

  /**
   * The instrument an order or GTT flag set names. `--symbol` may carry the exchange (`NSE:SBIN-EQ`).
   * With `--token` nothing is looked up (the symbol is sent as typed); without it the symbol is resolved
   * through the instrument master (downloaded and cached as for `quote`), which also corrects it to the
   * venue's spelling (`SBIN` → `SBIN-EQ`).
   */
  async instrumentFor(
    g: GlobalOptions,
    o: { symbol: string; exchange?: Exchange | undefined; token?: string | undefined },
  ): Promise<{ exchange: Exchange; symbol: string; token: string }> {
    let symbol = o.symbol.trim();
    let exchange = o.exchange;
    const colon = symbol.indexOf(':');
    if (colon > 0) {
      const prefix = symbol.slice(0, colon).toUpperCase();
      if (!isEnumValue(Exchange, prefix)) throw new UsageError(`unknown exchange "${prefix}" in --symbol`);
      if (exchange !== undefined && exchange !== prefix)
        throw new UsageError(`--symbol says ${prefix} but --exchange says ${exchange}`);
      exchange = prefix;
      symbol = symbol.slice(colon + 1);
    }
    if (symbol === '') throw new UsageError('--symbol is empty');
    if (o.token !== undefined) {
      if (exchange === undefined)
        throw new UsageError('--exchange is needed with --token (or write the symbol as NSE:SBIN-EQ)');
      return { exchange, symbol, token: o.token };
    }
    const index = await this.instruments(g);
    const [i] = this.resolveAll(index, [exchange === undefined ? symbol : `${exchange}:${symbol}`]);
    return { exchange: i!.exchange, symbol: i!.symbol, token: i!.token };
  }

  /**
   * Before a write against the live venue: prints `summary` and asks `Proceed? [y/N]` on stdin
   * (whether or not it is a terminal). Throws a {@link CliError} when the answer is not yes. Does
   * nothing with `--yes` or against any other root (the paper broker).
   */
  async confirmWrite(root: string, yes: boolean | undefined, summary: string): Promise<void> {
    if (!needsConfirmation(root, yes === true)) return;
    this.err(`${summary}\nThis is the LIVE venue (${root}).\n`);
    if (!(await askYesNo(this.io.stdin, this.io.stderr, 'Proceed? [y/N] '))) {
      throw new CliError('aborted: nothing was sent');
    }
  }
}

/** Table columns and row of an instrument. */
export const INSTRUMENT_HEAD = [
  'Exchange',
  'Token',
  'Symbol',
  'Name',
  'Kind',
  'Expiry',
  'Strike',
  'Lot',
  'Tick',
];

/** One table row for an instrument. */
export const instrumentRow = (i: Instrument): Cell[] => [
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
