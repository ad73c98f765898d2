/** `smartapi login` and `smartapi logout`. */
import { formatIstDateTime } from '@smartapi-ts/protocol';
import { type Command, Option } from 'commander';
import { SmartApi } from 'smartapi-ts';
import { deleteSession, loadSession, saveSession, sessionFile } from '../config.js';
import { type CliContext, CliError } from '../context.js';
import { renderJson } from '../output.js';

/** Registers `login` and `logout`. */
export function register(program: Command, ctx: CliContext): void {
  const { out, err, io } = ctx;
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
        const g = ctx.globals(cmd);
        const pin = o.pin ?? io.env.SMARTAPI_PASSWORD;
        const missing = [
          g.apiKey ? '' : '--api-key (SMARTAPI_API_KEY)',
          o.clientCode ? '' : '--client-code (SMARTAPI_CLIENT_CODE)',
          pin ? '' : '--pin (SMARTAPI_PIN)',
          o.totpSecret || o.totp ? '' : '--totp-secret (SMARTAPI_TOTP_SECRET) or --totp',
        ].filter(Boolean);
        if (missing.length) throw new CliError(`login needs ${missing.join(', ')}`);
        const root = ctx.rootOf(g);
        const api = new SmartApi({ apiKey: g.apiKey!, root, autoRelogin: false });
        ctx.onCleanup(() => api.close());
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
      const g = ctx.globals(cmd);
      const session = await loadSession(io.env);
      if (!session) {
        out('Not logged in.\n');
        return;
      }
      if (session.expiresAt > Date.now()) {
        try {
          const { api } = await ctx.client(g);
          await api.logout();
        } catch (e) {
          err(`warning: venue logout failed: ${(e as Error).message}\n`);
        }
      }
      await deleteSession(io.env);
      out(g.json ? renderJson({ loggedOut: true }) : `Logged out; removed ${sessionFile(io.env)}\n`);
    });
}
