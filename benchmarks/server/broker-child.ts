/**
 * Child process of the benchmarks: creates one account on a SQLite file, then runs the paper broker's
 * CLI (`smartapi-paper serve`) from source on 127.0.0.1 with a free port and rate limits off.
 *
 * argv: DB_FILE FUNDS_RUPEES ACCOUNTS [extra serve options…]
 * stdout: lines 0 … ACCOUNTS-1 the accounts' JSON (`accounts create --json`), then
 * `{"event":"listening","url":…}`.
 */
import { main } from '../../packages/server/src/main.js';

const [db, funds, accounts, ...extra] = process.argv.slice(2);
if (db === undefined || funds === undefined || accounts === undefined) {
  process.stderr.write('usage: broker-child.ts DB_FILE FUNDS_RUPEES ACCOUNTS [serve options…]\n');
  process.exit(2);
}
for (let i = 0; i < Number(accounts); i++) {
  const created = await main(['accounts', 'create', '--db', db, '--funds', funds, '--json']);
  if (created !== 0) process.exit(created);
}
process.exitCode = await main([
  'serve',
  '--host',
  '127.0.0.1',
  '--port',
  '0',
  '--db',
  db,
  '--no-rate-limits',
  '--log-level',
  'error',
  ...extra,
]);
