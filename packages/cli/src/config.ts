/**
 * Where the `smartapi` CLI keeps its state: `$SMARTAPI_CONFIG_DIR`, else `$XDG_CONFIG_HOME/smartapi`, else
 * `~/.config/smartapi`. The session file holds tokens only (never the PIN or TOTP secret) and is
 * written with mode 0600 in a 0700 directory.
 */
import { chmod, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** The stored CLI session. */
export interface CliSession {
  version: 1;
  /** REST root the session belongs to. */
  root: string;
  apiKey: string;
  clientCode: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
  issuedAt: number;
  expiresAt: number;
}

/** The CLI's config directory for an environment. */
export function configDir(env: NodeJS.ProcessEnv): string {
  if (env.SMARTAPI_CONFIG_DIR) return env.SMARTAPI_CONFIG_DIR;
  return join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'smartapi');
}

/** Path of the session file. */
export function sessionFile(env: NodeJS.ProcessEnv): string {
  return join(configDir(env), 'session.json');
}

/** Writes the session file (0600; directory 0700). */
export async function saveSession(env: NodeJS.ProcessEnv, session: CliSession): Promise<string> {
  const dir = configDir(env);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const file = sessionFile(env);
  await writeFile(file, `${JSON.stringify(session, null, 2)}\n`, { mode: 0o600 });
  await chmod(file, 0o600); // also when the file already existed with wider permissions
  return file;
}

/** Reads the session file; undefined when missing or unreadable. */
export async function loadSession(env: NodeJS.ProcessEnv): Promise<CliSession | undefined> {
  try {
    const s = JSON.parse(await readFile(sessionFile(env), 'utf8')) as Partial<CliSession>;
    if (
      s.version === 1 &&
      typeof s.jwtToken === 'string' &&
      typeof s.apiKey === 'string' &&
      typeof s.root === 'string'
    ) {
      return s as CliSession;
    }
  } catch {
    // no session
  }
  return undefined;
}

/** Deletes the session file. */
export async function deleteSession(env: NodeJS.ProcessEnv): Promise<void> {
  await rm(sessionFile(env), { force: true });
}
