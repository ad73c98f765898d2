/**
 * The `smartapi` command (bin of `@smartapi-ts/cli`). See docs/cli.md. Each command lives in its own
 * module under `commands/`; this file builds the program, registers them and maps failures to exit
 * codes: 0 success, 1 error (API, network, not logged in, nothing found, confirmation declined), 2 usage
 * error (unknown command or option, missing argument, bad flag value).
 */
import { Command, CommanderError, Option } from 'commander';
import { isAuthenticationError, isSmartApiError } from 'smartapi-ts';
import { register as candles } from './commands/candles.js';
import { register as funds } from './commands/funds.js';
import { register as gtt } from './commands/gtt.js';
import { register as holdings } from './commands/holdings.js';
import { register as instruments } from './commands/instruments.js';
import { register as login } from './commands/login.js';
import { register as order } from './commands/order.js';
import { register as orders } from './commands/orders.js';
import { register as positions } from './commands/positions.js';
import { register as quote } from './commands/quote.js';
import { register as record } from './commands/record.js';
import { register as stream } from './commands/stream.js';
import { CliContext, CliError, ExitCode, UsageError } from './context.js';
import type { CliIo } from './output.js';

export { parseInterval } from './commands/candles.js';
export { checkPlaceFlags } from './commands/order.js';
export { askYesNo, isLiveRoot, isYes, needsConfirmation } from './confirm.js';
export { CliError, ExitCode, UsageError } from './context.js';
export type { CliIo } from './output.js';

/** Every command module, in the order `--help` lists them. */
const COMMANDS = [
  login,
  instruments,
  quote,
  candles,
  orders,
  positions,
  holdings,
  funds,
  order,
  gtt,
  stream,
  record,
];

/** Builds the root command with its global options. */
function program(ctx: CliContext): Command {
  return new Command('smartapi')
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
    .configureOutput({ writeOut: ctx.out, writeErr: ctx.err });
}

/** Runs the CLI; resolves to the exit code. `io` defaults to the process streams and environment. */
export async function main(argv: string[], ioIn: Partial<CliIo> = {}): Promise<number> {
  const ctx = new CliContext({
    stdout: ioIn.stdout ?? process.stdout,
    stderr: ioIn.stderr ?? process.stderr,
    stdin: ioIn.stdin ?? process.stdin,
    env: ioIn.env ?? process.env,
  });
  const root = program(ctx);
  for (const register of COMMANDS) register(root, ctx);
  const { err } = ctx;
  try {
    await root.parseAsync(argv, { from: 'user' });
    return ExitCode.OK;
  } catch (e) {
    if (e instanceof CommanderError) {
      return e.code === 'commander.helpDisplayed' || e.code === 'commander.version' || e.exitCode === 0
        ? ExitCode.OK
        : ExitCode.USAGE;
    }
    if (e instanceof UsageError) {
      err(`error: ${e.message}\n`);
      return ExitCode.USAGE;
    }
    if (e instanceof CliError) err(`error: ${e.message}\n`);
    else if (isAuthenticationError(e)) err(`error: ${e.message}\nhint: run \`smartapi login\` again\n`);
    else if (isSmartApiError(e) || e instanceof RangeError) err(`error: ${e.message}\n`);
    else err(`error: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}\n`);
    return ExitCode.ERROR;
  } finally {
    await ctx.cleanup();
  }
}
