/** `smartapi funds`: the account's RMS limits (cash, margin available and used). */
import type { Command } from 'commander';
import type { CliContext } from '../context.js';
import { renderFields, renderJson } from '../output.js';

/** Labels of the RMS fields, in display order. */
const FIELDS = [
  ['net', 'Net'],
  ['availablecash', 'Available cash'],
  ['availableintradaypayin', 'Intraday pay-in'],
  ['availablelimitmargin', 'Limit margin'],
  ['collateral', 'Collateral'],
  ['m2munrealized', 'M2M unrealised'],
  ['m2mrealized', 'M2M realised'],
  ['utiliseddebits', 'Utilised debits'],
  ['utilisedspan', 'Utilised SPAN'],
  ['utilisedoptionpremium', 'Utilised option premium'],
  ['utilisedholdingsales', 'Utilised holding sales'],
  ['utilisedexposure', 'Utilised exposure'],
  ['utilisedturnover', 'Utilised turnover'],
  ['utilisedpayout', 'Utilised payout'],
] as const;

/** Registers `funds`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  program
    .command('funds')
    .description('funds and margin (RMS limits)')
    .action(async (_o: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const { api } = await ctx.client(g);
      const rms = await api.user.rms();
      if (g.json) {
        out(renderJson(rms));
        return;
      }
      out(renderFields(Object.fromEntries(FIELDS.map(([k, label]) => [label, rms[k] ?? '']))));
    });
}
