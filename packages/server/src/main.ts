/**
 * The `smartapi-paper` command line (a contract other tools rely on; keep it stable):
 *
 * - `serve [--host] [--port] [--db] [--seed] [--clock] [--speed] [--instruments] [--no-rate-limits]
 *   [--rms-rejections error|book] [--fills ideal|realistic|harsh] [--fill-seed N] [--latency SPEC]
 *   [--cancel-latency SPEC] [--ack-latency SPEC] [--queue none|fifo|probabilistic] [--impact on|off] [--depth-factor F] [--refill-half-life-ms MS]
 *   [--slip-ticks N] [--hidden-levels N] [--demo] [--market synthetic|replay --data DIR [--from D] [--to D]
 *   [--fill-missing none|synthetic]] [--market live --upstream URL [--upstream-credentials FILE]] [--nats URL]`
 *   prints exactly one JSON line `{"event":"listening","url":"http://HOST:PORT"}` as the first stdout
 *   line; everything for humans goes to stderr.
 * - `feed-edge --nats URL [--host] [--port] [--prefix]` serves both WebSocket feeds from a core
 *   started with `serve --nats URL` (docs/scaling.md); prints one JSON line
 *   `{"event":"listening","url","role":"feed-edge","id"}` first.
 * - `accounts create --db FILE [--funds RUPEES] [--json]` prints the new credentials (with `--json`:
 *   exactly one JSON object `{"clientcode","password","totpSecret","apiKey"}` and nothing else).
 * - `accounts list --db FILE [--json]`, `accounts reset <clientcode> --db FILE`.
 * - With `--url URL [--admin-token T]`, `accounts create|reset` and `accounts funds <clientcode> --add
 *   RUPEES` use a running server's admin API; `clock`, `snapshot` and `fault` always do (see
 *   `cli/admin-commands.ts`).
 */
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { buildServer } from './app.js';
import { resetAccountOffline } from './broker/reset.js';
import { type CoreBus, DEFAULT_BUS_PREFIX, startCoreBus, startFeedEdge } from './bus/index.js';
import { AdminCliError, adminCall, registerAdminCommands, remoteOptions } from './cli/admin-commands.js';
import {
  executionOverrides,
  parseInteger,
  parseLatency,
  parseNumber,
  parsePort,
  parsePositive,
  parseProtection,
  parseRupees,
  rupeesLabel,
  type ServeOptions,
} from './cli/options.js';
import { DEFAULT_CONFIG, type PaperConfigInput, resolveConfig } from './config.js';
import { AccountError, createAccount, ensureDemoAccount, listAccounts } from './identity/accounts.js';
import { holidayTableNotice } from './market/calendar.js';
import { isStoreLocked, openStore } from './storage/open.js';
import { DatabaseLockedError } from './storage/sqlite/lock.js';
import { redactDbUrl } from './storage/url.js';

/** Where the CLI writes; tests may capture it. */
export interface CliIo {
  out(text: string): void;
  err(text: string): void;
}

const processIo: CliIo = {
  out: (t) => process.stdout.write(t),
  err: (t) => process.stderr.write(t),
};

function waitForSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const on = (sig: NodeJS.Signals) => {
      process.off('SIGINT', on);
      process.off('SIGTERM', on);
      resolve(sig);
    };
    process.on('SIGINT', on);
    process.on('SIGTERM', on);
  });
}

async function serve(o: ServeOptions, io: CliIo): Promise<number> {
  const input: PaperConfigInput = {
    host: o.host,
    port: o.port,
    db: o.db,
    seed: o.seed,
    ...(o.clock !== undefined ? { clock: o.clock } : {}),
    speed: o.speed,
    rateLimits: o.rateLimits,
    rmsRejections: o.rmsRejections as PaperConfigInput['rmsRejections'] & string,
    defaultFunds: o.funds,
    logLevel: o.logLevel as PaperConfigInput['logLevel'] & string,
    adminToken: o.adminToken ?? process.env.PAPER_ADMIN_TOKEN ?? '',
    ...(o.instruments !== undefined ? { instruments: o.instruments } : {}),
    market: o.market,
    ...(o.upstream !== undefined ? { upstream: o.upstream } : {}),
    ...(o.upstreamCredentials !== undefined ? { upstreamCredentials: o.upstreamCredentials } : {}),
    fillMissing: o.fillMissing,
    ...(o.data !== undefined ? { data: o.data } : {}),
    ...(o.from !== undefined ? { from: o.from } : {}),
    ...(o.to !== undefined ? { to: o.to } : {}),
    ...(o.autoSquareOff === false ? { intraday: { enabled: false } } : {}),
    fills: o.fills as PaperConfigInput['fills'] & string,
    ...(o.marketProtection !== undefined ? { marketProtection: o.marketProtection } : {}),
  };
  const overrides = executionOverrides(o);
  if (overrides) input.execution = overrides;
  const config = resolveConfig(input);
  const server = await buildServer(config, {
    // Crash-only (docs/paper-broker.md#durability): no checkpoint, no close; the next start recovers
    // from the WAL what reached the disk.
    onFatal(err) {
      io.err(`smartapi-paper: ${err.message}; exiting without a checkpoint (restart to recover)\n`);
      process.exit(1);
    },
  });
  let url: string;
  let bus: CoreBus | undefined;
  try {
    if (o.nats !== undefined) {
      bus = await startCoreBus({
        url: o.nats,
        market: server.market,
        orderFeed: server.orderFeed,
        sessions: server.sessions,
        store: server.store,
        now: config.wallClock,
        logger: { warn: (m, e) => io.err(`${m}${e ? `: ${String(e)}` : ''}\n`) },
      });
    }
    const demo = o.demo ? await ensureDemoAccount(server.store, config.defaultFunds) : undefined;
    url = await server.listen();
    io.out(`${JSON.stringify({ event: 'listening', url })}\n`);
    const wsUrl = url.replace(/^http/, 'ws');
    const lines = [
      `smartapi-paper listening on ${url}`,
      `  REST root:        ${url}`,
      `  market feed:      ${wsUrl}/smart-stream`,
      `  order updates:    ${wsUrl}/smart-order-update`,
      `  OpenAPI / docs:   ${url}/docs`,
      `  dashboard:        ${url}/dashboard/`,
      `  scrip master:     ${url}/OpenAPI_File/files/OpenAPIScripMaster.json`,
      `  database:         ${server.store.file}`,
      `  market:           ${config.market}${config.market === 'replay' ? ` from ${config.data} (instruments without data: ${config.fillMissing})` : ''}${config.market === 'live' ? ` mirrored from ${config.upstream} (market data only; orders stay here)` : ''}`,
      `  clock:            ${config.clock}${config.clock === 'sim' ? ` (speed ${config.speed}×)` : ''}, seed ${config.seed}`,
      `  rate limits:      ${config.rateLimits ? 'on' : 'off'}`,
      `  fills:            ${server.scenario.executionView().preset} (GET/PUT /paper/v1/execution)`,
      `  market protection: ${config.marketProtection !== undefined ? `${config.marketProtection} % on every MARKET order` : 'dated table per instrument class'}`,
      `  admin API:        ${url}/paper/v1 (Authorization: Bearer <admin token>)`,
      `  market bus:       ${o.nats !== undefined ? `NATS ${o.nats} (feed edges: smartapi-paper feed-edge --nats ${o.nats})` : 'off (--nats <url>)'}`,
      config.adminToken
        ? '  admin token:      (given by --admin-token / PAPER_ADMIN_TOKEN)'
        : `  admin token:      ${server.adminToken}  (generated; set --admin-token or PAPER_ADMIN_TOKEN to fix it)`,
    ];
    if (demo) {
      lines.push(
        '',
        'Demo account (stored in the database; the same on every start):',
        `  client code:  ${demo.clientcode}`,
        `  PIN:          ${demo.password}`,
        `  TOTP secret:  ${demo.totpSecret}`,
        `  API key:      ${demo.apiKey}`,
      );
    } else if (server.store.accounts.list().length === 0) {
      lines.push(
        '',
        `No accounts yet: run \`smartapi-paper accounts create --db ${redactDbUrl(config.db)}\` (or serve --demo).`,
      );
    }
    const holidays = holidayTableNotice(server.market.now());
    if (holidays) lines.push('', `warning: ${holidays}`);
    io.err(`${lines.join('\n')}\n`);
  } catch (err) {
    await bus?.close();
    await server.close();
    throw err;
  }
  const sig = await waitForSignal();
  io.err(`received ${sig}, shutting down\n`);
  await bus?.close();
  await server.close();
  return 0;
}

interface FeedEdgeCliOptions {
  nats: string;
  host: string;
  port: number;
  prefix: string;
  helloTimeoutMs: number;
}

async function feedEdge(o: FeedEdgeCliOptions, io: CliIo): Promise<number> {
  const edge = await startFeedEdge({
    nats: o.nats,
    host: o.host,
    port: o.port,
    prefix: o.prefix,
    helloTimeoutMs: o.helloTimeoutMs,
    logger: { warn: (m, e) => io.err(`${m}${e ? `: ${String(e)}` : ''}\n`) },
  });
  io.out(`${JSON.stringify({ event: 'listening', url: edge.url, role: 'feed-edge', id: edge.id })}\n`);
  const wsUrl = edge.url.replace(/^http/, 'ws');
  io.err(
    `smartapi-paper feed edge ${edge.id} on ${edge.url} (NATS ${o.nats})\n` +
      `  market feed:      ${wsUrl}/smart-stream\n` +
      `  order updates:    ${wsUrl}/smart-order-update\n`,
  );
  const sig = await waitForSignal();
  io.err(`received ${sig}, shutting down\n`);
  await edge.close();
  return 0;
}

function buildProgram(io: CliIo, result: { promise?: Promise<number> }): Command {
  const program = new Command();
  program
    .name('smartapi-paper')
    .description(
      'A local paper broker that speaks Angel One SmartAPI (REST + WebSocket) with a simulated market',
    )
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({ writeOut: (s) => io.out(s), writeErr: (s) => io.err(s) })
    .exitOverride();

  program
    .command('serve')
    .description('run the paper broker')
    .option('--host <host>', 'interface to listen on', DEFAULT_CONFIG.host)
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, DEFAULT_CONFIG.port)
    .option(
      '--db <file|url>',
      'SQLite database file, :memory:, or postgres://user:pass@host/db',
      DEFAULT_CONFIG.db,
    )
    .option('--seed <n>', 'seed of the simulated market', parseInteger, DEFAULT_CONFIG.seed)
    .addOption(
      new Option(
        '--clock <mode>',
        'sim: a simulated day open now; real: wall clock and exchange calendar; manual: moves only through the admin API (default: sim; --market live: real)',
      ).choices(['sim', 'real', 'manual']),
    )
    .option('--speed <x>', 'speed of the simulated clock', parsePositive, DEFAULT_CONFIG.speed)
    .option('--instruments <file>', 'load this scrip-master JSON instead of the built-in universe')
    .addOption(
      new Option(
        '--market <source>',
        'market data: synthetic (seeded simulator), replay (recorded data, --data) or live (mirrored from --upstream)',
      )
        .choices(['synthetic', 'replay', 'live'])
        .default('synthetic'),
    )
    .option(
      '--data <dir>',
      'replay: directory of <EXCHANGE>-<symboltoken>.json|.csv files (docs/paper-broker-data.md)',
    )
    .option(
      '--upstream <url>',
      'live: REST root whose market data to mirror (the venue or another paper broker); orders are never sent there',
    )
    .option(
      '--upstream-credentials <file>',
      'live: JSON {clientCode, pin, totpSecret, apiKey} of the upstream account (default: $SMARTAPI_UPSTREAM_CLIENT, _PIN, _TOTP_SECRET, _API_KEY)',
    )
    .option('--from <YYYY-MM-DD>', 'replay: first day to replay (default: the first day with data)')
    .option('--to <YYYY-MM-DD>', 'replay: last day to replay (default: the last day with data)')
    .addOption(
      new Option(
        '--fill-missing <mode>',
        'replay: instruments without data get no quote (none) or the simulator',
      )
        .choices(['none', 'synthetic'])
        .default('none'),
    )
    .option('--no-rate-limits', 'turn the per-client rate limits off')
    .option('--no-auto-square-off', 'turn the intraday cut-off and the auto square-off off')
    .option(
      '--market-protection <pct>',
      'market protection of MARKET orders in percent, (0, 100], for every instrument (default: the dated table per instrument class)',
      parseProtection,
    )
    .addOption(
      new Option(
        '--rms-rejections <mode>',
        'answer to an order the risk checks reject: error (status:false, AB4001) or book (success, rejected in the book)',
      )
        .choices(['error', 'book'])
        .default(DEFAULT_CONFIG.rmsRejections),
    )
    .addOption(
      new Option(
        '--fills <preset>',
        'execution model: ideal (fill at once at the touch), realistic (latency, queue position, market impact), harsh (slow link, thin books)',
      )
        .choices(['ideal', 'realistic', 'harsh'])
        .default('realistic'),
    )
    .option('--fill-seed <n>', 'seed of the execution model (default: --seed)', parseInteger)
    .option(
      '--cancel-latency <spec>',
      'cancel and modify latency (fills before the request arrives stand): same forms as --latency',
      parseLatency,
    )
    .option(
      '--ack-latency <spec>',
      "acknowledgement latency (the exchange's answers reach the order feed later): same forms as --latency",
      parseLatency,
    )
    .option(
      '--latency <spec>',
      'order-entry latency: fixed:MS, uniform:MIN:MAX or lognormal:MEDIAN:SIGMA:MAX',
      parseLatency,
    )
    .addOption(
      new Option('--queue <model>', 'queue position of resting limits').choices([
        'none',
        'fifo',
        'probabilistic',
      ]),
    )
    .addOption(new Option('--impact <on|off>', 'market impact and finite liquidity').choices(['on', 'off']))
    .option('--depth-factor <f>', 'share of each displayed level our orders can take (0–1]', parseNumber)
    .option('--refill-half-life-ms <ms>', 'half-life of the refill of a consumed level', parseInteger)
    .option('--slip-ticks <n>', 'ticks between hidden levels beyond the visible depth', parseInteger)
    .option(
      '--hidden-levels <n>',
      'hidden levels beyond the visible five (the rest is unfilled)',
      parseInteger,
    )
    .option('--demo', 'create a demo account on first start and print its credentials')
    .option(
      '--admin-token <token>',
      'bearer token of the /paper/v1 admin API (default $PAPER_ADMIN_TOKEN, else generated)',
    )
    .addOption(
      new Option('--funds <rupees>', 'starting funds of the demo account in rupees')
        .argParser(parseRupees)
        .default(DEFAULT_CONFIG.defaultFunds, rupeesLabel(DEFAULT_CONFIG.defaultFunds)),
    )
    .addOption(
      new Option('--log-level <level>', 'server log level (stderr)')
        .choices(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'])
        .default(DEFAULT_CONFIG.logLevel),
    )
    .option(
      '--nats <url>',
      'publish market data and order updates to this NATS server for feed edges (docs/scaling.md)',
    )
    .action((opts: ServeOptions) => {
      result.promise = serve(opts, io);
    });

  program
    .command('feed-edge')
    .description('serve /smart-stream and /smart-order-update from a core broker over NATS (docs/scaling.md)')
    .requiredOption('--nats <url>', 'NATS server of the core (serve --nats)')
    .option('--host <host>', 'interface to listen on', '127.0.0.1')
    .option('--port <port>', 'TCP port (0 = any free port)', parsePort, 0)
    .option('--prefix <prefix>', 'subject prefix of the bus', DEFAULT_BUS_PREFIX)
    .option('--hello-timeout-ms <ms>', 'how long to wait for the core at start', parseInteger, 30_000)
    .action((opts: FeedEdgeCliOptions) => {
      result.promise = feedEdge(opts, io);
    });

  const accounts = program.command('accounts').description('manage paper trading accounts');
  remoteOptions(
    accounts
      .command('funds')
      .description('add funds to an account of a running server (admin API)')
      .argument('<clientcode>', 'client code')
      .requiredOption('--add <rupees>', 'amount in rupees (negative withdraws)', (v) => {
        const n = Number(v);
        if (v.trim() === '' || !Number.isFinite(n))
          throw new InvalidArgumentError('expected an amount in rupees');
        return n;
      }),
    true,
  ).action((clientcode: string, o: { add: number; url?: string; adminToken?: string }) => {
    result.promise = (async () => {
      const data = await adminCall(o, 'POST', `accounts/${encodeURIComponent(clientcode)}/funds`, {
        add: o.add,
      });
      io.out(`${JSON.stringify(data)}\n`);
      return 0;
    })();
  });
  const createCmd = accounts
    .command('create')
    .description('create an account and print its credentials')
    .option('--db <file|url>', 'SQLite database file, or postgres://user:pass@host/db', DEFAULT_CONFIG.db)
    .addOption(
      new Option('--funds <rupees>', 'starting funds in rupees')
        .argParser(parseRupees)
        .default(DEFAULT_CONFIG.defaultFunds, rupeesLabel(DEFAULT_CONFIG.defaultFunds)),
    )
    .option('--clientcode <code>', 'client code (default: generated)')
    .option('--pin <pin>', '4–6 digit trading PIN (default: generated)')
    .option('--api-key <key>', 'api key (default: generated)')
    .option('--name <name>', 'account holder name')
    .option('--json', 'print exactly one JSON object {clientcode, password, totpSecret, apiKey}');
  remoteOptions(createCmd, true).action(
    (o: {
      db: string;
      funds: number;
      clientcode?: string;
      pin?: string;
      apiKey?: string;
      name?: string;
      json?: boolean;
      url?: string;
      adminToken?: string;
    }) => {
      result.promise = (async () => {
        if (o.url !== undefined) {
          const data = await adminCall(o, 'POST', 'accounts', { funds: o.funds / 100 });
          io.out(`${JSON.stringify(data)}\n`);
          return 0;
        }
        const store = openStore(o.db, { lock: false });
        try {
          const { credentials } = await createAccount(store, {
            funds: o.funds,
            ...(o.clientcode !== undefined ? { clientcode: o.clientcode } : {}),
            ...(o.pin !== undefined ? { pin: o.pin } : {}),
            ...(o.apiKey !== undefined ? { apiKey: o.apiKey } : {}),
            ...(o.name !== undefined ? { name: o.name } : {}),
          });
          if (o.json) io.out(`${JSON.stringify(credentials)}\n`);
          else {
            io.out(
              [
                `created account ${credentials.clientcode} with ₹${(o.funds / 100).toFixed(2)}`,
                `  client code:  ${credentials.clientcode}`,
                `  PIN:          ${credentials.password}`,
                `  TOTP secret:  ${credentials.totpSecret}`,
                `  API key:      ${credentials.apiKey}`,
                '',
              ].join('\n'),
            );
          }
          return 0;
        } finally {
          store.close();
        }
      })();
    },
  );
  accounts
    .command('list')
    .description('list accounts')
    .option('--db <file|url>', 'SQLite database file, or postgres://user:pass@host/db', DEFAULT_CONFIG.db)
    .option('--json', 'print a JSON array')
    .action((o: { db: string; json?: boolean }) => {
      result.promise = (async () => {
        const store = openStore(o.db, { lock: false });
        try {
          const rows = listAccounts(store);
          if (o.json) io.out(`${JSON.stringify(rows)}\n`);
          else if (rows.length === 0) io.out('no accounts\n');
          else {
            io.out('clientcode  api key   funds (₹)        orders  last login\n');
            for (const r of rows) {
              io.out(
                `${r.clientcode.padEnd(10)}  ${r.apiKey.padEnd(8)}  ${r.funds.toFixed(2).padStart(15)}  ${String(r.orders).padStart(6)}  ${r.lastLoginAt || '-'}${r.blocked ? '  (blocked)' : ''}\n`,
              );
            }
          }
          return 0;
        } finally {
          store.close();
        }
      })();
    });
  remoteOptions(
    accounts
      .command('unlock')
      .description('clear the login lockout of an account and every source lock (admin API)')
      .argument('<clientcode>', 'client code'),
  ).action((clientcode: string, o: { url?: string; adminToken?: string }) => {
    result.promise = (async () => {
      const data = await adminCall(o, 'POST', `accounts/${encodeURIComponent(clientcode)}/unlock`, {});
      io.out(`${JSON.stringify(data)}\n`);
      return 0;
    })();
  });
  remoteOptions(
    accounts
      .command('reset')
      .description('reset an account: funds, orders, positions, holdings and GTT rules back to the start')
      .argument('<clientcode>', 'client code')
      .option('--db <file|url>', 'SQLite database file, or postgres://user:pass@host/db', DEFAULT_CONFIG.db)
      .option(
        '--funds <rupees>',
        'with --url: reset to this amount instead of the initial funds',
        parseRupees,
      ),
    true,
  ).action((clientcode: string, o: { db: string; url?: string; adminToken?: string; funds?: number }) => {
    result.promise = (async () => {
      if (o.url !== undefined) {
        const body = o.funds !== undefined ? { funds: o.funds / 100 } : {};
        const data = await adminCall(o, 'POST', `accounts/${encodeURIComponent(clientcode)}/reset`, body);
        io.out(`${JSON.stringify(data)}\n`);
        return 0;
      }
      if (isStoreLocked(o.db)) {
        throw new DatabaseLockedError(o.db);
      }
      const store = openStore(o.db);
      try {
        const account = resetAccountOffline(store, clientcode);
        io.out(`reset ${account.clientcode}: funds back to ₹${(account.startingFunds / 100).toFixed(2)}\n`);
        return 0;
      } finally {
        store.close();
      }
    })();
  });
  registerAdminCommands(program, io, result);
  return program;
}

/**
 * Runs the CLI with `argv` (without the node and script names). Resolves with the exit code; `serve`
 * resolves when the server has shut down after SIGINT/SIGTERM.
 */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const result: { promise?: Promise<number> } = {};
  const program = buildProgram(io, result);
  try {
    await program.parseAsync(argv, { from: 'user' });
    if (!result.promise) {
      program.outputHelp({ error: true });
      return 1;
    }
    return await result.promise;
  } catch (err) {
    if (err instanceof CommanderError) {
      // --help / --version exit 0; usage errors already printed their message.
      return err.exitCode === 0 ? 0 : 2;
    }
    if (err instanceof DatabaseLockedError || err instanceof AccountError || err instanceof AdminCliError) {
      io.err(`smartapi-paper: ${err.message}\n`);
      return 1;
    }
    const e = err as NodeJS.ErrnoException;
    if (e?.code === 'EADDRINUSE') {
      io.err(`smartapi-paper: ${e.message} (is another server on that port? use --port)\n`);
      return 1;
    }
    io.err(`smartapi-paper: ${e instanceof Error ? e.message : String(e)}\n`);
    return 1;
  }
}
