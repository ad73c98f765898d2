/**
 * Abuse suite — files and secrets at rest: the database, its journals, the lock and the key file are
 * mode 0600; TOTP secrets, the JWT signing key and the demo credentials are not in the database in
 * plain text (encrypted with a key outside it: key file or passphrase); a database from before is
 * migrated on open; a wrong passphrase or a lost key file is a clear error; a scan of every file the
 * server wrote finds no secret.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import Database from 'better-sqlite3';
import { createAccount, ensureDemoAccount } from '../../src/identity/accounts.js';
import { SessionService } from '../../src/identity/sessions.js';
import { totpCode } from '../../src/identity/totp.js';
import { keyFileOf, openSecrets, PASSPHRASE_ENV, SecretsKeyError } from '../../src/storage/sqlite/secrets.js';
import { openSqliteStore } from '../../src/storage/sqlite/store.js';

const dir = mkdtempSync(join(tmpdir(), 'paper-secrets-'));
after(() => rmSync(dir, { recursive: true, force: true }));

const mode = (f: string) => statSync(f).mode & 0o777;

/** Every byte of every file in `dir` whose name starts with `base`. */
function filesOf(base: string): Map<string, Buffer> {
  const out = new Map<string, Buffer>();
  for (const n of readdirSync(dir)) if (n.startsWith(base)) out.set(n, readFileSync(join(dir, n)));
  return out;
}

describe('abuse: files 0600 and secrets at rest', () => {
  it('creates the database, journals, lock and key file 0600 and stores no secret in plain text', async () => {
    const file = join(dir, 'a.db');
    const store = openSqliteStore(file);
    const sessions = new SessionService(store);
    const { credentials } = await createAccount(store, { pin: '2468' });
    const demo = await ensureDemoAccount(store, 100_000);
    const r = await sessions.login(
      { clientcode: credentials.clientcode, password: '2468', totp: totpCode(credentials.totpSecret) },
      credentials.apiKey,
    );
    assert.ok(r.ok);
    const seen = filesOf('a.db');
    assert.ok(seen.has('a.db') && seen.has('a.db-wal') && seen.has('a.db.key'), [...seen.keys()].join());
    for (const name of seen.keys()) assert.equal(mode(join(dir, name)), 0o600, `${name} mode`);
    // The signing key as stored by older versions (hex in meta): read it back through the store.
    const jwtHex = store.meta.get('jwt_secret') as string;
    store.close();
    // Secrets scan of every file the store wrote (after close: WAL checkpointed into the db).
    const secrets = [credentials.totpSecret, demo.totpSecret, jwtHex, `"password":"${demo.password}"`];
    for (const [name, bytes] of filesOf('a.db')) {
      for (const s of secrets) assert.equal(bytes.includes(s), false, `${name} holds a secret in plain text`);
    }
    // Reopened (same key file): everything still works.
    const again = openSqliteStore(file);
    assert.equal(again.accounts.get(credentials.clientcode)?.totpSecret, credentials.totpSecret);
    assert.equal(again.meta.get('jwt_secret'), jwtHex);
    const s2 = new SessionService(again);
    assert.equal(r.ok && s2.checkAccessToken(r.data.jwtToken).ok, true, 'tokens survive the restart');
    again.close();
  });

  it('migrates an older database: plain secrets sealed, modes fixed; a lost key file is a clear error', async () => {
    const file = join(dir, 'old.db');
    // An "old" database: written by a store, then secrets put back in plain text and mode 0644 as before.
    const store = openSqliteStore(file);
    const { credentials } = await createAccount(store, { pin: '1357' });
    store.close();
    const raw = new Database(file);
    raw.prepare('UPDATE accounts SET totp_secret = ?').run(credentials.totpSecret);
    raw.prepare("DELETE FROM meta WHERE key IN ('secrets_key', 'secrets_check')").run();
    raw.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('jwt_secret', 'ab'||'cd')").run();
    raw.close();
    unlinkSync(keyFileOf(file));
    (await import('node:fs')).chmodSync(file, 0o644);
    const migrated = openSqliteStore(file);
    assert.equal(mode(file), 0o600);
    assert.equal(migrated.accounts.get(credentials.clientcode)?.totpSecret, credentials.totpSecret);
    assert.equal(migrated.meta.get('jwt_secret'), 'abcd');
    migrated.close();
    const check = new Database(file, { readonly: true });
    const stored = check.prepare('SELECT totp_secret FROM accounts').get() as { totp_secret: string };
    check.close();
    assert.match(stored.totp_secret, /^enc:v1:/);
    unlinkSync(keyFileOf(file));
    assert.throws(() => openSqliteStore(file), SecretsKeyError);
  });

  it('derives the key from PAPER_SECRET_PASSPHRASE when set; a wrong one is refused', () => {
    const file = join(dir, 'pass.db');
    const db = new Database(file);
    db.exec(
      'CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL); CREATE TABLE accounts (clientcode TEXT, totp_secret TEXT)',
    );
    const box = openSecrets(db, file, { [PASSPHRASE_ENV]: 'correct horse' });
    const sealed = box.seal('JBSWY3DPEHPK3PXP');
    assert.equal(statSync(file).size >= 0, true);
    assert.throws(() => statSync(keyFileOf(file)), /ENOENT/, 'no key file with a passphrase');
    assert.equal(
      openSecrets(db, file, { [PASSPHRASE_ENV]: 'correct horse' }).open(sealed),
      'JBSWY3DPEHPK3PXP',
    );
    assert.throws(() => openSecrets(db, file, { [PASSPHRASE_ENV]: 'wrong' }), SecretsKeyError);
    assert.throws(() => openSecrets(db, file, {}), /PAPER_SECRET_PASSPHRASE/);
    db.close();
  });
});
