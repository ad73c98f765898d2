/**
 * Secrets at rest in a Postgres store: the same sealing as SQLite (`../sqlite/secrets.ts`: AES-256-GCM
 * `enc:v1:…` values for the TOTP secrets and the secret meta keys, a check value in `meta`), with one
 * difference: the key cannot live in a file next to the database (the database is on another machine),
 * so it comes from the passphrase in `PAPER_SECRET_PASSPHRASE` (scrypt, salt in `meta`), or from a key
 * file the caller names (`keyFile`, 32 bytes hex, mode 0600). Neither given: a clear error at open.
 */
import { randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs';
import {
  CHECK_META,
  CHECK_PLAIN,
  KEY_META,
  PASSPHRASE_ENV,
  SECRET_META_KEYS,
  SecretBox,
  SecretsKeyError,
} from '../sqlite/secrets.js';
import type { Statement, SyncPostgres } from './bridge.js';

function readKeyFile(path: string): Buffer {
  const key = Buffer.from(readFileSync(path, 'utf8').trim(), 'hex');
  if (key.length !== 32) throw new SecretsKeyError(`key file ${path} does not hold a 32-byte hex key`);
  chmodSync(path, 0o600);
  return key;
}

/**
 * The secret box of a Postgres database, as recorded in its `meta` (a new database takes the passphrase
 * when set, else the key file, created when missing); seals plain secrets left by an older writer.
 */
export function openPostgresSecrets(
  db: SyncPostgres,
  label: string,
  env: NodeJS.ProcessEnv,
  keyFile: string | undefined,
): SecretBox {
  const meta = (key: string) =>
    db.query('SELECT value FROM meta WHERE key = $1', [key]).rows[0]?.value as string | undefined;
  const passphrase = env[PASSPHRASE_ENV];
  let recorded = meta(KEY_META);
  let key: Buffer;
  if (recorded?.startsWith('scrypt$') || (recorded === undefined && passphrase)) {
    if (!passphrase) {
      throw new SecretsKeyError(
        `the secrets of ${label} are protected by a passphrase: set ${PASSPHRASE_ENV}`,
      );
    }
    const salt = recorded ? Buffer.from(recorded.slice('scrypt$'.length), 'base64url') : randomBytes(16);
    key = scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    recorded ??= `scrypt$${salt.toString('base64url')}`;
  } else if (keyFile !== undefined) {
    if (existsSync(keyFile)) key = readKeyFile(keyFile);
    else if (recorded === 'file') {
      throw new SecretsKeyError(`the key file ${keyFile} of ${label} is missing: its secrets cannot be read`);
    } else {
      key = randomBytes(32);
      writeFileSync(keyFile, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    }
    recorded = 'file';
  } else {
    throw new SecretsKeyError(
      recorded === 'file'
        ? `the secrets of ${label} are sealed with a key file: pass its path`
        : `a Postgres store needs a secrets key: set ${PASSPHRASE_ENV} (the TOTP secrets and the token signing key are stored encrypted)`,
    );
  }
  const box = new SecretBox(key);
  const check = meta(CHECK_META);
  if (check !== undefined && box.open(check) !== CHECK_PLAIN) {
    throw new SecretsKeyError(`wrong secrets key for ${label}`);
  }
  const upsert = (k: string, v: string): Statement => ({
    sql: 'INSERT INTO meta (key, value) VALUES ($1, $2) ON CONFLICT (key) DO UPDATE SET value = excluded.value',
    params: [k, v],
  });
  const writes: Statement[] = [];
  if (meta(KEY_META) !== recorded) writes.push(upsert(KEY_META, recorded));
  if (check === undefined) writes.push(upsert(CHECK_META, box.seal(CHECK_PLAIN)));
  for (const r of db.query('SELECT clientcode, totp_secret FROM accounts').rows) {
    const secret = r.totp_secret as string;
    if (!SecretBox.sealed(secret)) {
      writes.push({
        sql: 'UPDATE accounts SET totp_secret = $1 WHERE clientcode = $2',
        params: [box.seal(secret), r.clientcode],
      });
    }
  }
  for (const k of SECRET_META_KEYS) {
    const v = meta(k);
    if (v !== undefined && !SecretBox.sealed(v)) writes.push(upsert(k, box.seal(v)));
  }
  if (writes.length) {
    try {
      db.run([{ sql: 'BEGIN' }, ...writes, { sql: 'COMMIT' }]);
    } catch (err) {
      try {
        db.query('ROLLBACK');
      } catch {
        // the error above is the one to report
      }
      throw err;
    }
  }
  return box;
}
