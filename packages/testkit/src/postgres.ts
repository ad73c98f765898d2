/**
 * A real Postgres for integration tests of the Postgres store (docs/scaling.md#postgres). The server
 * binaries come from Debian's packages (`/usr/lib/postgresql/<major>/bin`); when missing they are
 * installed (`apt-get install postgresql`, which needs root). The cluster lives in a new temp dir, runs
 * as a non-root user (Postgres refuses root: as root it runs as the `postgres` user through `setpriv`),
 * listens on a free loopback port only, with password (SCRAM) authentication, and is stopped by
 * {@link PostgresServer.stop}. When it can be neither found, installed nor started,
 * {@link startPostgres} throws with the reason, so the test FAILS and says why (never a silent skip).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findOrInstallDebian, freePort } from './components.js';

/** A running Postgres cluster on 127.0.0.1. */
export interface PostgresServer {
  readonly port: number;
  /** The superuser's name and password. */
  readonly user: string;
  readonly password: string;
  /** `postgres://user:password@127.0.0.1:PORT/<database>`. */
  url(database: string): string;
  /** Creates a new empty database (name: letters, digits, `_`). */
  createDatabase(name: string): void;
  /** Runs SQL with `psql` on a database; returns its stdout (unaligned, tuples only). */
  psql(database: string, sql: string): string;
  /** Fast shutdown (SIGINT, then SIGKILL), then deletes the cluster's directory. Idempotent. */
  stop(): Promise<void>;
}

/** The directory of Postgres's server binaries, installing Debian's package when missing. */
export function postgresBinDir(): string {
  const find = () => {
    const base = '/usr/lib/postgresql';
    if (!existsSync(base)) return undefined;
    const majors = readdirSync(base)
      .filter((v) => /^\d+$/.test(v) && existsSync(join(base, v, 'bin', 'postgres')))
      .sort((a, b) => Number(b) - Number(a));
    return majors[0] === undefined ? undefined : join(base, majors[0], 'bin');
  };
  return findOrInstallDebian('Postgres', 'postgresql', find);
}

/** The command prefix that runs a Postgres binary as a non-root user (empty when not root). */
function asUser(): { prefix: string[]; uid?: number; gid?: number } {
  if (process.getuid?.() !== 0) return { prefix: [] };
  const id = (flag: string) => spawnSync('id', [flag, 'postgres'], { encoding: 'utf8' });
  const u = id('-u');
  const g = id('-g');
  if (u.status !== 0 || g.status !== 0) {
    throw new Error(
      'Postgres refuses to run as root and there is no `postgres` user to run it as (install Debian package postgresql)',
    );
  }
  const uid = Number(u.stdout.trim());
  const gid = Number(g.stdout.trim());
  return {
    prefix: ['setpriv', `--reuid=${uid}`, `--regid=${gid}`, '--clear-groups', '--'],
    uid,
    gid,
  };
}

/** Creates a cluster in a temp dir (initdb) and starts it on a free loopback port. */
export async function startPostgres(): Promise<PostgresServer> {
  const bin = postgresBinDir();
  const user = asUser();
  const dir = mkdtempSync(join(tmpdir(), 'paper-pg-'));
  const data = join(dir, 'data');
  const password = randomBytes(12).toString('hex');
  const superuser = 'paper';
  const pwfile = join(dir, 'pw');
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 });
  if (user.uid !== undefined && user.gid !== undefined) {
    chownSync(dir, user.uid, user.gid);
    chownSync(pwfile, user.uid, user.gid);
  }
  const run = (cmd: string, args: string[]) => {
    const [head, ...rest] = [...user.prefix, join(bin, cmd), ...args];
    return spawnSync(head as string, rest, { encoding: 'utf8', cwd: dir });
  };
  const init = run('initdb', [
    '-D',
    data,
    '-U',
    superuser,
    `--pwfile=${pwfile}`,
    '--auth=scram-sha-256',
    '-E',
    'UTF8',
    '--locale=C',
    '--no-instructions',
  ]);
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${init.error?.message ?? ''} ${init.stderr.slice(-1000)}`);
  }
  const port = await freePort();
  const [head, ...rest] = [
    ...user.prefix,
    join(bin, 'postgres'),
    '-D',
    data,
    '-h',
    '127.0.0.1',
    '-p',
    String(port),
    '-k',
    dir,
    '-c',
    'fsync=on',
    '-c',
    'synchronous_commit=on',
  ];
  const child: ChildProcess = spawn(head as string, rest, {
    cwd: dir,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let log = '';
  let ready: () => void = () => {};
  const isReady = new Promise<void>((resolve) => {
    ready = resolve;
  });
  child.stderr?.on('data', (d: Buffer) => {
    log = (log + d.toString()).slice(-4000);
    if (log.includes('ready to accept connections')) ready();
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      ready();
      resolve();
    }),
  );
  const timer = setTimeout(() => ready(), 30_000);
  await isReady;
  clearTimeout(timer);
  if (exited || !log.includes('ready to accept connections')) {
    child.kill('SIGKILL');
    await exit;
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`postgres did not start on port ${port}: ${log}`);
  }
  const url = (database: string) =>
    `postgres://${superuser}:${password}@127.0.0.1:${port}/${encodeURIComponent(database)}`;
  const psql = (database: string, sql: string): string => {
    const r = spawnSync(
      join(bin, 'psql'),
      ['-X', '-q', '-A', '-t', '-v', 'ON_ERROR_STOP=1', '-d', url(database), '-c', sql],
      { encoding: 'utf8' },
    );
    if (r.status !== 0) throw new Error(`psql failed: ${r.error?.message ?? ''} ${r.stderr}`);
    return r.stdout;
  };
  let stopped = false;
  return {
    port,
    user: superuser,
    password,
    url,
    psql,
    createDatabase(name) {
      if (!/^[A-Za-z0-9_]+$/.test(name)) throw new Error(`bad database name ${name}`);
      psql('postgres', `CREATE DATABASE ${name}`);
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      if (!exited) {
        child.kill('SIGINT'); // fast shutdown
        const t = setTimeout(() => child.kill('SIGKILL'), 10_000);
        await exit;
        clearTimeout(t);
      }
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
