/**
 * Child-process helpers of the CLI tests: run `smartapi-paper` from source, wait for its JSON line.
 */
import assert from 'node:assert/strict';
import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ROUTES } from '@smartapi-ts/protocol';
import { totpCode } from '../src/identity/totp.js';
import { sbinOrder } from './admin-helpers.js';

const ENTRY = fileURLToPath(new URL('./cli-entry.ts', import.meta.url));
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** Spawns the CLI with `args`. */
export function spawnCli(args: string[]): ChildProcess {
  return spawn(process.execPath, ['--conditions=source', '--import', 'tsx', ENTRY, ...args], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, NODE_ENV: 'test' },
  });
}

/** Runs the CLI to completion. */
export function runCli(args: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawnCli(args);
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/** A running `serve` child. */
export interface ServeChild {
  child: ChildProcess;
  url: string;
  /** The first stdout line, verbatim. */
  firstLine: string;
  stdout(): string;
  stderr(): string;
  /** Resolves with the exit code / signal. */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `serve` and waits for the listening line (rejects if the process exits first). */
export function startServe(args: string[]): Promise<ServeChild> {
  const child = spawnCli(['serve', ...args]);
  let out = '';
  let err = '';
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on('exit', (code, signal) => resolve({ code, signal })),
  );
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`serve did not start in time; stderr: ${err}`));
    }, 20_000);
    child.stderr?.on('data', (d: Buffer) => (err += d.toString()));
    child.stdout?.on('data', (d: Buffer) => {
      const before = out;
      out += d.toString();
      if (!before.includes('\n') && out.includes('\n')) {
        clearTimeout(timer);
        const firstLine = out.slice(0, out.indexOf('\n'));
        try {
          const { url } = JSON.parse(firstLine) as { url: string };
          resolve({ child, url, firstLine, stdout: () => out, stderr: () => err, exited });
        } catch (e) {
          child.kill('SIGKILL');
          reject(new Error(`first stdout line is not JSON: ${firstLine} (${String(e)})`));
        }
      }
    });
    void exited.then(({ code }) => {
      clearTimeout(timer);
      reject(new Error(`serve exited with ${code}; stderr: ${err}`));
    });
  });
}

/** The credentials of an account created with `accounts create --json`. */
export interface Creds {
  clientcode: string;
  password: string;
  totpSecret: string;
  apiKey: string;
}

/** SmartAPI request headers for `apiKey` (and a session's JWT). */
export function headers(apiKey: string, jwt?: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-PrivateKey': apiKey,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  };
}

/** Logs `c` in at `url`; returns the JWT (asserts the login succeeded). */
export async function login(url: string, c: Creds): Promise<string> {
  const res = await fetch(url + ROUTES.loginByPassword.path, {
    method: 'POST',
    headers: headers(c.apiKey),
    body: JSON.stringify({ clientcode: c.clientcode, password: c.password, totp: totpCode(c.totpSecret) }),
  });
  const body = (await res.json()) as { status: boolean; data: { jwtToken: string } };
  assert.equal(body.status, true, JSON.stringify(body));
  return body.data.jwtToken;
}

/**
 * 8 concurrent writers place MARKET INTRADAY BUY 1 SBIN-EQ orders until 60 are acknowledged, then the
 * server is killed with SIGKILL while requests are still in flight. Returns the acknowledged order ids.
 */
export async function placeUntilKilled(server: ServeChild, c: Creds, jwt: string): Promise<string[]> {
  const order = JSON.stringify(sbinOrder({ quantity: '1' }));
  const acked: string[] = [];
  let killed = false;
  const writer = async (): Promise<void> => {
    while (!killed) {
      try {
        const res = await fetch(server.url + ROUTES.placeOrder.path, {
          method: 'POST',
          headers: headers(c.apiKey, jwt),
          body: order,
        });
        const body = (await res.json()) as { status: boolean; data: { orderid: string } };
        if (body.status) acked.push(body.data.orderid);
      } catch {
        return; // connection reset by the kill: never acknowledged
      }
      if (acked.length >= 60 && !killed) {
        killed = true;
        server.child.kill('SIGKILL');
      }
    }
  };
  await Promise.all(Array.from({ length: 8 }, writer));
  await server.exited;
  assert.ok(acked.length >= 60);
  return acked;
}

/**
 * Asserts on a restarted server that every acknowledged order is there and complete, has its trade,
 * and that the SBIN-EQ position equals the completed orders.
 */
export async function assertAckedSurvived(
  server: ServeChild,
  c: Creds,
  jwt: string,
  acked: string[],
): Promise<void> {
  const get = async (path: string) =>
    (await (await fetch(server.url + path, { headers: headers(c.apiKey, jwt) })).json()) as {
      data: Record<string, string>[] | null;
    };
  const book = (await get(ROUTES.getOrderBook.path)).data ?? [];
  const byId = new Map(book.map((r) => [r.orderid, r]));
  for (const id of acked) {
    assert.ok(byId.has(id), `order ${id} lost`);
    assert.equal(byId.get(id)?.status, 'complete', `order ${id}`);
  }
  const trades = (await get(ROUTES.getTradeBook.path)).data ?? [];
  const traded = new Set(trades.map((t) => t.orderid));
  for (const id of acked) assert.ok(traded.has(id), `trade of ${id} lost`);
  const pos = ((await get(ROUTES.getPosition.path)).data ?? []).find((p) => p.symboltoken === '3045');
  assert.equal(Number(pos?.netqty), book.filter((r) => r.status === 'complete').length);
}
