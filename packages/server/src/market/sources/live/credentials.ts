/**
 * Credentials of the upstream account of the live source: from a JSON file
 * (`--upstream-credentials <file>`: `{ "clientCode", "pin", "totpSecret", "apiKey" }`) or from the
 * environment (`SMARTAPI_UPSTREAM_CLIENT`, `SMARTAPI_UPSTREAM_PIN`, `SMARTAPI_UPSTREAM_TOTP_SECRET`,
 * `SMARTAPI_UPSTREAM_API_KEY`). Errors name the missing field or the file, never a value.
 */
import { readFileSync } from 'node:fs';
import type { UpstreamCredentials } from './upstream.js';

/** The environment variables read when no file is given. */
export const UPSTREAM_ENV = {
  clientCode: 'SMARTAPI_UPSTREAM_CLIENT',
  pin: 'SMARTAPI_UPSTREAM_PIN',
  totpSecret: 'SMARTAPI_UPSTREAM_TOTP_SECRET',
  apiKey: 'SMARTAPI_UPSTREAM_API_KEY',
} as const satisfies Record<keyof UpstreamCredentials, string>;

/** Bad or missing upstream credentials (the message names fields, never values). */
export class UpstreamCredentialsError extends Error {
  override readonly name = 'UpstreamCredentialsError';
}

const FIELDS = ['clientCode', 'pin', 'totpSecret', 'apiKey'] as const;

/** Reads the credentials from `file` when given, else from `env`. */
export function readUpstreamCredentials(
  file: string | undefined,
  env: NodeJS.ProcessEnv = process.env,
): UpstreamCredentials {
  let raw: Record<string, unknown>;
  let where: (f: (typeof FIELDS)[number]) => string;
  if (file !== undefined) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new UpstreamCredentialsError(
        code
          ? `cannot read --upstream-credentials ${file} (${code})`
          : `--upstream-credentials ${file} is not JSON`,
      );
    }
    if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
      throw new UpstreamCredentialsError(`--upstream-credentials ${file} must hold a JSON object`);
    raw = parsed as Record<string, unknown>;
    where = (f) => `"${f}" in ${file}`;
  } else {
    raw = Object.fromEntries(FIELDS.map((f) => [f, env[UPSTREAM_ENV[f]]]));
    where = (f) => UPSTREAM_ENV[f];
  }
  const missing = FIELDS.filter((f) => typeof raw[f] !== 'string' || (raw[f] as string).trim() === '');
  if (missing.length > 0)
    throw new UpstreamCredentialsError(
      `--market live needs the upstream account's credentials: missing ${missing.map(where).join(', ')} (give --upstream-credentials <file> or set ${Object.values(UPSTREAM_ENV).join(', ')})`,
    );
  const v = (f: (typeof FIELDS)[number]) => (raw[f] as string).trim();
  return { clientCode: v('clientCode'), pin: v('pin'), totpSecret: v('totpSecret'), apiKey: v('apiKey') };
}
