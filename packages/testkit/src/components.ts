/**
 * What the tests that need a real component (nats-server, Postgres, Chromium) share: find the component,
 * install its Debian package when it is missing, and fail with the reason when neither works — a test
 * never passes silently without its component (README, "The product's contract").
 */
import { spawnSync } from 'node:child_process';
import { createServer } from 'node:net';

/**
 * Returns what `find` finds; when it finds nothing, installs Debian's `pkg` (`apt-get update` then
 * `apt-get install -y pkg`, which needs root) and looks again. Throws with each step's outcome when the
 * component is still missing.
 */
export function findOrInstallDebian(what: string, pkg: string, find: () => string | undefined): string {
  const found = find();
  if (found) return found;
  const log: string[] = [];
  if (process.getuid?.() !== 0) log.push(`not root: cannot run \`apt-get install -y ${pkg}\``);
  else {
    const steps = [
      ['apt-get', ['update', '-qq']],
      ['apt-get', ['install', '-y', '-qq', pkg]],
    ] as const;
    for (const [cmd, args] of steps) {
      const r = spawnSync(cmd, args, {
        encoding: 'utf8',
        env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
      });
      log.push(
        `${cmd} ${args.join(' ')} → ${r.error ? r.error.message : `exit ${r.status}`} ${(r.stderr ?? '').slice(-300)}`,
      );
    }
    const again = find();
    if (again) return again;
  }
  throw new Error(
    `${what} is not installed and could not be installed (Debian package ${pkg}):\n${log.join('\n')}`,
  );
}

/** A TCP port free on 127.0.0.1 at the time of the call. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const a = s.address();
      const port = typeof a === 'object' && a ? a.port : 0;
      s.close(() => resolve(port));
    });
  });
}
