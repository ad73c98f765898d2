/**
 * A real `nats-server` for integration tests of the market bus (docs/scaling.md). Found on `PATH` or in
 * `/usr/sbin`; when missing it is installed from Debian's package (`apt-get install nats-server`, which
 * needs root). When it can be neither found nor installed, {@link startNatsServer} throws with the
 * reason, so the test FAILS and says why (never a silent skip).
 */
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { connect as tcpConnect } from 'node:net';
import { findOrInstallDebian, freePort } from './components.js';

/** A running nats-server on 127.0.0.1. */
export interface NatsServer {
  /** `nats://127.0.0.1:PORT`. */
  readonly url: string;
  readonly port: number;
  /** Stops the server (SIGTERM, then SIGKILL). Idempotent. */
  stop(): Promise<void>;
}

/** The nats-server binary, installing Debian's package when it is missing; throws with the reason. */
export function natsServerBinary(): string {
  const find = () => {
    const which = spawnSync('sh', ['-c', 'command -v nats-server'], { encoding: 'utf8' });
    const p = which.stdout.trim();
    if (which.status === 0 && p !== '') return p;
    return ['/usr/sbin/nats-server', '/usr/bin/nats-server'].find((f) => existsSync(f));
  };
  return findOrInstallDebian('nats-server', 'nats-server', find);
}

function accepts(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const c = tcpConnect(port, '127.0.0.1');
    c.once('connect', () => {
      c.destroy();
      resolve(true);
    });
    c.once('error', () => resolve(false));
  });
}

/** Starts a nats-server on a free loopback port; waits until it accepts connections. */
export async function startNatsServer(): Promise<NatsServer> {
  const bin = natsServerBinary();
  const port = await freePort();
  const child: ChildProcess = spawn(bin, ['-a', '127.0.0.1', '-p', String(port)], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    stderr = (stderr + d.toString()).slice(-2000);
  });
  let exited = false;
  const exit = new Promise<void>((resolve) =>
    child.once('exit', () => {
      exited = true;
      resolve();
    }),
  );
  const until = Date.now() + 10_000;
  while (!(await accepts(port))) {
    if (exited || Date.now() > until) {
      child.kill('SIGKILL');
      throw new Error(`nats-server did not start on port ${port}: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 50));
  }
  return {
    url: `nats://127.0.0.1:${port}`,
    port,
    async stop() {
      if (exited) return;
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await exit;
      clearTimeout(t);
    },
  };
}
