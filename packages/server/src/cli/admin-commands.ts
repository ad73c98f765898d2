/**
 * `smartapi-paper` subcommands that drive a running server through its `/paper/v1/` admin API:
 *
 * - `clock [--advance-by S | --advance-to ISO] [--speed X] [--pause | --resume]` (no option: show)
 * - `snapshot create [--label L]`, `snapshot list`, `snapshot restore <id>`
 * - `fault add <kind> [--route R] [--clientcode C] [--count N] [--probability P] [--until ISO] [--ms MS]
 *   [--message M]`, `fault list`, `fault delete <id>`
 * - `contract-note <clientcode> [--date YYYY-MM-DD]`: the day's contract note
 * - `accounts create|reset|funds … --url URL` (see `main.ts`: with `--url` they use the admin API)
 *
 * Every one takes `--url` (default `$PAPER_URL` or `http://127.0.0.1:8080`) and `--admin-token`
 * (default `$PAPER_ADMIN_TOKEN`), prints the answer's `data` as one JSON line on stdout and exits 0;
 * a refusal prints the server's message on stderr and exits 1.
 */
import { type Command, InvalidArgumentError, Option } from 'commander';
import { FAULT_KINDS } from '../faults/registry.js';

/** Where the CLI writes. */
export interface AdminCliIo {
  out(text: string): void;
  err(text: string): void;
}

/** Options every admin subcommand takes. */
export interface RemoteOptions {
  url?: string;
  adminToken?: string;
}

/** A refusal of the admin API (exit code 1, message on stderr). */
export class AdminCliError extends Error {
  override readonly name = 'AdminCliError';
}

/** Adds `--url` and `--admin-token` to a command. */
export function remoteOptions(cmd: Command, urlRequired = false): Command {
  return cmd
    .option(
      '--url <url>',
      urlRequired
        ? 'base URL of a running server (uses its admin API)'
        : 'base URL of the running server (default $PAPER_URL or http://127.0.0.1:8080)',
    )
    .option('--admin-token <token>', 'admin token of the server (default $PAPER_ADMIN_TOKEN)');
}

/** Calls the admin API; resolves with `data` or throws {@link AdminCliError}. */
export async function adminCall(
  o: RemoteOptions,
  method: 'GET' | 'POST' | 'DELETE',
  path: string,
  body?: unknown,
): Promise<unknown> {
  const base = (o.url ?? process.env.PAPER_URL ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  const token = o.adminToken ?? process.env.PAPER_ADMIN_TOKEN ?? '';
  if (token === '') throw new AdminCliError('no admin token: pass --admin-token or set PAPER_ADMIN_TOKEN');
  let res: Response;
  try {
    res = await fetch(`${base}/paper/v1/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
  } catch (err) {
    throw new AdminCliError(`cannot reach ${base}: ${(err as Error).message}`);
  }
  const text = await res.text();
  let env: { status?: boolean; message?: string; errorcode?: string; data?: unknown };
  try {
    env = JSON.parse(text) as typeof env;
  } catch {
    throw new AdminCliError(`unexpected answer (HTTP ${res.status}): ${text.slice(0, 200)}`);
  }
  if (env.status !== true)
    throw new AdminCliError(`${env.message ?? 'refused'} (${env.errorcode ?? res.status})`);
  return env.data;
}

function parseSeconds(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError('expected seconds ≥ 0');
  return n;
}

function parseNumber(v: string): number {
  const n = Number(v);
  if (v.trim() === '' || !Number.isFinite(n)) throw new InvalidArgumentError('expected a number');
  return n;
}

/** Registers `clock`, `snapshot`, `fault` and `contract-note` on the program. */
export function registerAdminCommands(
  program: Command,
  io: AdminCliIo,
  result: { promise?: Promise<number> },
): void {
  const run = (fn: () => Promise<unknown>) => {
    result.promise = (async () => {
      const data = await fn();
      io.out(`${JSON.stringify(data)}\n`);
      return 0;
    })();
  };

  remoteOptions(
    program
      .command('clock')
      .description('show or move the clock of a running server (admin API)')
      .option('--advance-by <seconds>', 'advance by this many simulated seconds', parseSeconds)
      .option('--advance-to <time>', 'advance to an ISO 8601 time, e.g. 2026-12-04T15:21:00+05:30')
      .option('--speed <x>', 'simulated seconds per second (sim clock)', parseNumber)
      .option('--pause', 'pause the sim clock')
      .option('--resume', 'resume the sim clock'),
  ).action(
    (
      o: RemoteOptions & {
        advanceBy?: number;
        advanceTo?: string;
        speed?: number;
        pause?: boolean;
        resume?: boolean;
      },
    ) =>
      run(() => {
        const body: Record<string, unknown> = {};
        if (o.advanceBy !== undefined) body.advanceBy = o.advanceBy;
        if (o.advanceTo !== undefined) body.advanceTo = o.advanceTo;
        if (o.speed !== undefined) body.speed = o.speed;
        if (o.pause) body.paused = true;
        if (o.resume) body.paused = false;
        return Object.keys(body).length === 0
          ? adminCall(o, 'GET', 'clock')
          : adminCall(o, 'POST', 'clock', body);
      }),
  );

  const snapshot = program.command('snapshot').description('snapshots of a running server (admin API)');
  remoteOptions(
    snapshot
      .command('create')
      .description('save the whole broker state')
      .option('--label <label>', 'a label'),
  ).action((o: RemoteOptions & { label?: string }) =>
    run(() => adminCall(o, 'POST', 'snapshots', o.label !== undefined ? { label: o.label } : {})),
  );
  remoteOptions(snapshot.command('list').description('list snapshots')).action((o: RemoteOptions) =>
    run(() => adminCall(o, 'GET', 'snapshots')),
  );
  remoteOptions(
    snapshot.command('restore').description('restore a snapshot').argument('<id>', 'snapshot id'),
  ).action((id: string, o: RemoteOptions) =>
    run(() => adminCall(o, 'POST', `snapshots/${encodeURIComponent(id)}/restore`)),
  );

  const fault = program.command('fault').description('faults of a running server (admin API)');
  remoteOptions(
    fault
      .command('add')
      .description('arm a fault')
      .argument('<kind>', `one of ${FAULT_KINDS.join(', ')}`)
      .option('--route <name>', 'route name of the protocol table (placeOrder …) or marketFeed/orderFeed')
      .option('--clientcode <code>', 'only this client')
      .option('--count <n>', 'fire at most n times', parseNumber)
      .option('--probability <p>', 'chance per matching request (seeded)', parseNumber)
      .option('--until <time>', 'active until this market time (ISO 8601)')
      .option('--ms <ms>', 'slow: delay in milliseconds', parseNumber)
      .addOption(new Option('--message <text>', 'reject: the rejection text')),
  ).action(
    (
      kind: string,
      o: RemoteOptions & {
        route?: string;
        clientcode?: string;
        count?: number;
        probability?: number;
        until?: string;
        ms?: number;
        message?: string;
      },
    ) =>
      run(() => {
        const body: Record<string, unknown> = { kind };
        for (const k of ['route', 'clientcode', 'count', 'probability', 'until', 'ms', 'message'] as const) {
          if (o[k] !== undefined) body[k] = o[k];
        }
        return adminCall(o, 'POST', 'faults', body);
      }),
  );
  remoteOptions(fault.command('list').description('list faults')).action((o: RemoteOptions) =>
    run(() => adminCall(o, 'GET', 'faults')),
  );
  remoteOptions(fault.command('delete').description('disarm a fault').argument('<id>', 'fault id')).action(
    (id: string, o: RemoteOptions) => run(() => adminCall(o, 'DELETE', `faults/${encodeURIComponent(id)}`)),
  );

  remoteOptions(
    program
      .command('contract-note')
      .description("a day's contract note of an account: fills, charges, totals (admin API)")
      .argument('<clientcode>', 'client code')
      .option('--date <YYYY-MM-DD>', 'IST trading day (default: the market day of the server)'),
  ).action((clientcode: string, o: RemoteOptions & { date?: string }) =>
    run(() => {
      const q = o.date === undefined ? '' : `?date=${encodeURIComponent(o.date)}`;
      return adminCall(o, 'GET', `accounts/${encodeURIComponent(clientcode)}/contract-note${q}`);
    }),
  );
}
