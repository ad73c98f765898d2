/**
 * Secrets at rest and file modes of a database (docs/security.md#secrets-at-rest).
 *
 * - Files: the database, its `-wal` / `-shm` journal files, the `-lock` file and the key file are
 *   created (and, for existing files, changed to) mode 0600: readable by the server's user only.
 * - Secrets: the TOTP secrets of the accounts and the secret meta values (`jwt_secret`, the JWT signing
 *   key; `demo_account`, the demo credentials) are stored encrypted with AES-256-GCM as
 *   `enc:v1:<iv>:<tag>:<ciphertext>` (base64url). The key never lives in the database: it is either
 *   derived with scrypt from the passphrase in `PAPER_SECRET_PASSPHRASE` (salt in the database), or
 *   read from a random 32-byte key file `<db>.key` (mode 0600) created next to the database on first
 *   open. Which one a database uses is recorded (`secrets_key` meta) with a check value, so a wrong
 *   passphrase or a lost key file is a clear error at open, never garbage.
 * - Migration: opening a database written before this existed encrypts its plain secrets in place (one
 *   transaction) and fixes the file modes.
 *
 * What is NOT encrypted: PIN hashes (scrypt already), api keys (looked up by value on every request;
 * they identify, the JWT authenticates), orders and the rest of the trading state.
 */
import { createCipheriv, createDecipheriv, randomBytes, scryptSync } from 'node:crypto';
import { chmodSync, closeSync, existsSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import type Database from 'better-sqlite3';

/** Environment variable holding the secrets passphrase (optional; else a key file is used). */
export const PASSPHRASE_ENV = 'PAPER_SECRET_PASSPHRASE';

const PREFIX = 'enc:v1:';
/** Meta keys whose values are secrets. */
export const SECRET_META_KEYS: ReadonlySet<string> = new Set(['jwt_secret', 'demo_account']);
export const KEY_META = 'secrets_key';
export const CHECK_META = 'secrets_check';
export const CHECK_PLAIN = 'smartapi-paper secrets v1';

/** Thrown when the secrets of a database cannot be opened (wrong passphrase, lost key file). */
export class SecretsKeyError extends Error {
  override readonly name = 'SecretsKeyError';
}

/** Encrypts and decrypts secret column values. */
export class SecretBox {
  constructor(private readonly key: Buffer) {}

  /** True when a stored value is already sealed. */
  static sealed(v: string): boolean {
    return v.startsWith(PREFIX);
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const c = createCipheriv('aes-256-gcm', this.key, iv);
    const ct = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
    return `${PREFIX}${iv.toString('base64url')}:${c.getAuthTag().toString('base64url')}:${ct.toString('base64url')}`;
  }

  /** Opens a sealed value; a plain value (not yet migrated) is returned as is. */
  open(stored: string): string {
    if (!SecretBox.sealed(stored)) return stored;
    const [iv, tag, ct] = stored.slice(PREFIX.length).split(':');
    try {
      const d = createDecipheriv('aes-256-gcm', this.key, Buffer.from(iv ?? '', 'base64url'));
      d.setAuthTag(Buffer.from(tag ?? '', 'base64url'));
      return Buffer.concat([d.update(Buffer.from(ct ?? '', 'base64url')), d.final()]).toString('utf8');
    } catch (err) {
      throw new SecretsKeyError('cannot decrypt a stored secret: wrong secrets key', { cause: err });
    }
  }
}

/** Path of the key file of a database file. */
export function keyFileOf(dbFile: string): string {
  return `${dbFile}.key`;
}

/** Creates `path` empty with mode 0600 if missing, else sets its mode to 0600. */
export function ensurePrivateFile(path: string): void {
  if (!existsSync(path)) closeSync(openSync(path, 'a', 0o600));
  chmodSync(path, 0o600);
}

/** Sets the journal files of a database (when present) to 0600. */
export function privateJournalFiles(dbFile: string): void {
  for (const f of [`${dbFile}-wal`, `${dbFile}-shm`, `${dbFile}-journal`, `${dbFile}-lock`]) {
    try {
      if (existsSync(f)) chmodSync(f, 0o600);
    } catch {
      // a journal removed meanwhile
    }
  }
}

function readKeyFile(path: string): Buffer {
  const hex = readFileSync(path, 'utf8').trim();
  const key = Buffer.from(hex, 'hex');
  if (key.length !== 32) throw new SecretsKeyError(`key file ${path} does not hold a 32-byte hex key`);
  chmodSync(path, 0o600);
  return key;
}

/**
 * The secret box of a database: from the passphrase (env) or the key file, as recorded in the
 * database; a new database takes the passphrase when set, else a new key file. `:memory:` databases
 * get a random key. Also seals the plain secrets of an older database (the migration).
 */
export function openSecrets(
  db: Database.Database,
  dbFile: string,
  env: NodeJS.ProcessEnv = process.env,
): SecretBox {
  const meta = db.prepare<[string], { value: string }>('SELECT value FROM meta WHERE key = ?');
  const setMeta = db.prepare(
    'INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value',
  );
  const passphrase = env[PASSPHRASE_ENV];
  let recorded = meta.get(KEY_META)?.value;
  let key: Buffer;
  if (dbFile === ':memory:') {
    key = randomBytes(32);
    recorded = 'memory';
  } else if (recorded?.startsWith('scrypt$') || (recorded === undefined && passphrase)) {
    if (!passphrase) {
      throw new SecretsKeyError(
        `the secrets of ${dbFile} are protected by a passphrase: set ${PASSPHRASE_ENV}`,
      );
    }
    const salt = recorded ? Buffer.from(recorded.slice('scrypt$'.length), 'base64url') : randomBytes(16);
    key = scryptSync(passphrase, salt, 32, { N: 1 << 15, r: 8, p: 1, maxmem: 64 * 1024 * 1024 });
    recorded ??= `scrypt$${salt.toString('base64url')}`;
  } else {
    const file = keyFileOf(dbFile);
    if (existsSync(file)) key = readKeyFile(file);
    else if (recorded === 'file') {
      throw new SecretsKeyError(`the key file ${file} of ${dbFile} is missing: its secrets cannot be read`);
    } else {
      key = randomBytes(32);
      writeFileSync(file, `${key.toString('hex')}\n`, { mode: 0o600, flag: 'wx' });
    }
    recorded = 'file';
  }
  const box = new SecretBox(key);
  const check = meta.get(CHECK_META)?.value;
  if (check !== undefined && box.open(check) !== CHECK_PLAIN) {
    throw new SecretsKeyError(`wrong secrets key for ${dbFile}`);
  }
  // Migration of plain secrets (databases written before secrets were sealed). Idempotent.
  db.transaction(() => {
    if (meta.get(KEY_META)?.value !== recorded) setMeta.run(KEY_META, recorded);
    if (check === undefined) setMeta.run(CHECK_META, box.seal(CHECK_PLAIN));
    const rows = db.prepare<[], { clientcode: string; totp_secret: string }>(
      'SELECT clientcode, totp_secret FROM accounts',
    );
    const upd = db.prepare('UPDATE accounts SET totp_secret = ? WHERE clientcode = ?');
    for (const r of rows.all())
      if (!SecretBox.sealed(r.totp_secret)) upd.run(box.seal(r.totp_secret), r.clientcode);
    for (const k of SECRET_META_KEYS) {
      const v = meta.get(k)?.value;
      if (v !== undefined && !SecretBox.sealed(v)) setMeta.run(k, box.seal(v));
    }
  }).immediate();
  return box;
}
