/**
 * The Postgres store against a real Postgres (Debian's packages; started in a temp dir as a non-root
 * user on a free loopback port and stopped here; when it cannot be installed or started the test FAILS
 * with the reason): the shared storage suite (kill -9 included), plus what only Postgres has — schema
 * versions, secrets at rest, URL validation and password redaction, and SQLSTATE 53100 (disk_full) as
 * the ledger's `disk_full` commit failure.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { type PostgresServer, startPostgres } from '@smartapi-ts/testkit/postgres';
import { CommitError, commitFailureReason } from '../src/broker/ledger.js';
import { resolveConfig } from '../src/config.js';
import { createAccount, ensureDemoAccount } from '../src/identity/accounts.js';
import { openStore } from '../src/storage/open.js';
import { openPostgresStore } from '../src/storage/postgres/store.js';
import { MIGRATIONS } from '../src/storage/sqlite/migrations.js';
import { SecretsKeyError } from '../src/storage/sqlite/secrets.js';
import { redactDbUrl } from '../src/storage/url.js';
import {
  assertAckedSurvived,
  type Creds,
  login,
  placeUntilKilled,
  runCli,
  type ServeChild,
  startServe,
} from './cli-helpers.js';
import { storageSuite } from './storage-suite.js';

const PASSPHRASE = 'storage-postgres-test passphrase';
process.env.PAPER_SECRET_PASSPHRASE = PASSPHRASE;

let pg: PostgresServer;
let n = 0;
const children: ServeChild[] = [];
const fresh = (): string => {
  const name = `s${++n}`;
  pg.createDatabase(name);
  return pg.url(name);
};

before(async () => {
  pg = await startPostgres();
});
after(async () => {
  for (const c of children) c.child.kill('SIGKILL');
  await pg?.stop();
});

describe('postgres store', () => {
  storageSuite({
    fresh,
    open: (db, opts) => openPostgresStore(db, opts),
    childEnv: { PAPER_SECRET_PASSPHRASE: PASSPHRASE },
  });

  it('records the same schema versions as SQLite; reopening migrates nothing', () => {
    const db = fresh();
    openStore(db).close();
    openStore(db).close();
    const name = new URL(db).pathname.slice(1);
    const rows = pg.psql(name, 'SELECT version, name FROM schema_migrations ORDER BY version').trim();
    assert.equal(rows, MIGRATIONS.map((m) => `${m.version}|${m.name}`).join('\n'));
    pg.psql(name, 'UPDATE schema_migrations SET version = 99 WHERE version = 2');
    assert.throws(() => openStore(db), /schema version 99 is newer/);
  });

  it('keeps secrets sealed at rest; a wrong or missing passphrase is a clear error', async () => {
    const db = fresh();
    const name = new URL(db).pathname.slice(1);
    const s = openStore(db);
    const { credentials } = await createAccount(s, { pin: '1234' });
    s.meta.set('jwt_secret', 'signing-key');
    await ensureDemoAccount(s, 1_000_00);
    s.close();
    const stored = pg.psql(
      name,
      `SELECT totp_secret FROM accounts WHERE clientcode = '${credentials.clientcode}'`,
    );
    assert.match(stored, /^enc:v1:/);
    assert.ok(!stored.includes(credentials.totpSecret));
    const meta = pg.psql(
      name,
      "SELECT key || '=' || value FROM meta WHERE key IN ('jwt_secret', 'demo_account')",
    );
    assert.equal(meta.trim().split('\n').length, 2);
    for (const line of meta.trim().split('\n')) assert.match(line, /^\w+=enc:v1:/);
    assert.ok(!meta.includes('signing-key'));
    assert.throws(
      () => openPostgresStore(db, { env: { PAPER_SECRET_PASSPHRASE: 'wrong' } }),
      (err: unknown) => err instanceof SecretsKeyError && /wrong secrets key/.test(err.message),
    );
    assert.throws(
      () => openPostgresStore(db, { env: {} }),
      (err: unknown) => err instanceof SecretsKeyError && /PAPER_SECRET_PASSPHRASE/.test(err.message),
    );
    assert.throws(() => openPostgresStore(fresh(), { env: {} }), /needs a secrets key/);
    const s2 = openStore(db);
    assert.equal(s2.accounts.get(credentials.clientcode)?.totpSecret, credentials.totpSecret);
    assert.equal(s2.meta.get('jwt_secret'), 'signing-key');
    s2.close();
  });

  it('validates --db URLs and never shows the password', () => {
    assert.equal(redactDbUrl('postgres://u:p%40ss@h:5432/db'), 'postgres://u:***@h:5432/db');
    assert.equal(redactDbUrl('./data/paper.db'), './data/paper.db');
    assert.throws(
      () => resolveConfig({ db: 'postgres://u:hunter2@/' }),
      (err: unknown) => {
        assert.match(String(err), /not a valid Postgres URL|names no host/);
        assert.ok(!String(err).includes('hunter2'));
        return true;
      },
    );
    assert.throws(() => resolveConfig({ db: 'postgres:///paper' }), /names no host/);
    assert.throws(() => resolveConfig({ db: 'postgresql://u:hunter2@127.0.0.1:5432' }), /names no database/);
    assert.equal(resolveConfig({ db: pg.url('postgres') }).db, pg.url('postgres'));
    // a wrong password: the server's refusal, without the password
    const wrong = pg.url('postgres').replace(pg.password, 'hunter2-wrong');
    assert.throws(
      () => openStore(wrong),
      (err: unknown) => {
        assert.match(String(err), /password authentication failed/);
        assert.ok(!String(err).includes('hunter2-wrong'));
        return true;
      },
    );
    // nothing listening: the error names the redacted URL's host only
    const refused = `postgres://u:hunter3@127.0.0.1:1/x`;
    assert.throws(
      () => openStore(refused),
      (err: unknown) => {
        assert.ok(!String(err).includes('hunter3'), String(err));
        return true;
      },
    );
    const s = openStore(fresh());
    assert.ok(!s.file.includes(pg.password), s.file);
    assert.match(s.file, /^postgres:\/\/paper:\*\*\*@127\.0\.0\.1:\d+\/s\d+$/);
    s.close();
  });

  it('SQLSTATE 53100 (disk_full) fails the commit as disk_full and rolls it back', () => {
    const db = fresh();
    const name = new URL(db).pathname.slice(1);
    const s = openStore(db);
    // the server refuses any new trade row the way it does when its disk is full
    pg.psql(
      name,
      `CREATE FUNCTION full_disk() RETURNS trigger LANGUAGE plpgsql AS $$
         BEGIN RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$;
       CREATE TRIGGER full_disk BEFORE INSERT ON trades FOR EACH ROW EXECUTE FUNCTION full_disk();`,
    );
    let caught: unknown;
    try {
      s.transaction(() => {
        s.counters.set('fill', 1);
        s.rows.apply([
          { kind: 'order', key: 'o1', clientcode: 'A', data: {} },
          { kind: 'trade', key: 't1', clientcode: 'A', data: {} },
        ]);
      });
    } catch (err) {
      caught = err;
    }
    assert.ok(caught, 'the transaction failed');
    assert.equal(commitFailureReason(caught), 'disk_full');
    assert.equal(new CommitError(caught).reason, 'disk_full');
    assert.equal((caught as { sqlState?: string }).sqlState, '53100');
    assert.equal(s.counters.get('fill'), undefined, 'rolled back');
    assert.equal(s.rows.count('order'), 0, 'rolled back');
    // the connection is still usable
    s.transaction(() => s.rows.apply([{ kind: 'order', key: 'o2', clientcode: 'A', data: {} }]));
    assert.equal(s.rows.count('order'), 1);
    s.close();
  });
});

describe('smartapi-paper serve --db postgres://… (child process)', () => {
  it('kill -9 while orders are in flight loses no acknowledged order, trade or position', async () => {
    const db = fresh();
    const created = await runCli(['accounts', 'create', '--db', db, '--json']);
    assert.equal(created.code, 0, created.stderr);
    const creds = JSON.parse(created.stdout) as Creds;
    const args = ['--port', '0', '--db', db, '--seed', '3', '--no-rate-limits', '--fills', 'ideal'];
    const first = await startServe(args);
    children.push(first);
    assert.ok(
      !first.stdout().includes(pg.password) && !first.stderr().includes(pg.password),
      'password logged',
    );
    // a second server on the same database is refused (the advisory lock)
    const second = await runCli(['serve', ...args]);
    assert.notEqual(second.code, 0);
    assert.match(second.stderr, /in use by another running smartapi-paper server/);
    assert.ok(!second.stderr.includes(pg.password), 'password in the error');

    const jwt = await login(first.url, creds);
    // 8 concurrent writers; the process is killed once 60 are acknowledged, requests still in flight.
    const acked = await placeUntilKilled(first, creds, jwt);

    // restart at once: the lock died with the killed server's connection
    const again = await startServe(args);
    children.push(again);
    await assertAckedSurvived(again, creds, jwt, acked);
    again.child.kill('SIGTERM');
    assert.equal((await again.exited).code, 0);
  });
});
