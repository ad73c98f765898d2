/** `smartapi instruments sync|search`: the instrument master (scrip master). */
import type { Exchange } from '@smartapi-ts/protocol';
import type { Command } from 'commander';
import { type CliContext, CliError, INSTRUMENT_HEAD, instrumentRow } from '../context.js';
import { renderJson, renderTable } from '../output.js';

/** Registers `instruments sync` and `instruments search`. */
export function register(program: Command, ctx: CliContext): void {
  const { out } = ctx;
  const ins = program.command('instruments').description('the instrument master (scrip master)');
  ins
    .command('sync')
    .description('download the scrip master now (conditional refresh) and cache it')
    .action(async (_o: unknown, cmd: Command) => {
      const g = ctx.globals(cmd);
      const index = await ctx.instruments(g, 'always');
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
      const g = ctx.globals(cmd);
      const index = await ctx.instruments(g);
      const opts: { limit: number; exchange?: Exchange } = { limit: Number(o.limit) || 20 };
      if (o.exchange) opts.exchange = o.exchange.toUpperCase() as Exchange;
      const hits = index.search(words.join(' '), opts);
      if (g.json) out(renderJson(hits));
      else if (hits.length === 0) throw new CliError(`no instrument matches "${words.join(' ')}"`);
      else out(renderTable(INSTRUMENT_HEAD, hits.map(instrumentRow)));
    });
}
