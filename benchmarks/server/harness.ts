/**
 * Shared helpers of the server, rest and fanout benchmarks: start the paper broker (or any other
 * script) in a child process, log in over HTTP, and drive a closed-loop HTTP load with keep-alive
 * `node:http` agents. Only 127.0.0.1 is ever contacted.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { totpCode } from '@smartapi-ts/paper';
import { Header, ROUTES, USER_TYPE } from '@smartapi-ts/protocol';

/** One row of a suite's JSON file (see benchmarks/report.ts). */
export interface Row {
  name: string;
  value: number;
  unit: string;
  baseline?: string;
  ratio?: number;
  target?: string;
  pass?: boolean;
}

/** Repository root (absolute path). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Absolute `file:` URL of the tsx loader, so children can run TS from any cwd. */
export const TSX_LOADER = import.meta.resolve('tsx');

/** A running child process that printed JSON lines on stdout. */
export interface Child {
  readonly proc: ChildProcess;
  /** The JSON lines read so far (in order). */
  readonly lines: unknown[];
  /** Waits for the next JSON line (or the one already buffered at `index`). */
  line(index: number, timeoutMs?: number): Promise<unknown>;
  /** Resolves when the process has exited by itself, or after `timeoutMs`. */
  wait(timeoutMs: number): Promise<void>;
  /** SIGTERM, then SIGKILL after 5 s; resolves when the process has exited. */
  stop(): Promise<void>;
}

/**
 * Spawns `node --conditions=source --import tsx <script> ...args` and collects the JSON lines it
 * prints on stdout (other lines are ignored); stderr is kept for error messages.
 */
export function spawnTs(
  script: string,
  args: string[],
  options: { cwd?: string; nodeArgs?: string[]; env?: NodeJS.ProcessEnv } = {},
): Child {
  const proc = spawn(
    process.execPath,
    ['--conditions=source', '--import', TSX_LOADER, ...(options.nodeArgs ?? []), script, ...args],
    { cwd: options.cwd ?? ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: options.env ?? process.env },
  );
  const lines: unknown[] = [];
  const waiters: (() => void)[] = [];
  let stderr = '';
  let exited = false;
  const exitPromise = new Promise<void>((resolve) =>
    proc.once('exit', () => {
      exited = true;
      for (const w of waiters.splice(0)) w();
      resolve();
    }),
  );
  proc.stderr?.setEncoding('utf8');
  proc.stderr?.on('data', (d: string) => {
    stderr = (stderr + d).slice(-4000);
  });
  if (proc.stdout) {
    createInterface({ input: proc.stdout }).on('line', (l) => {
      if (!l.startsWith('{')) return;
      try {
        lines.push(JSON.parse(l));
      } catch {
        return;
      }
      for (const w of waiters.splice(0)) w();
    });
  }
  return {
    proc,
    lines,
    line(index, timeoutMs = 60_000) {
      return new Promise((resolve, reject) => {
        const timer = setTimeout(
          () => reject(new Error(`${script}: no output line ${index} after ${timeoutMs} ms\n${stderr}`)),
          timeoutMs,
        );
        const check = (): void => {
          if (lines.length > index) {
            clearTimeout(timer);
            resolve(lines[index]);
          } else if (exited) {
            clearTimeout(timer);
            reject(new Error(`${script} exited (${proc.exitCode})\n${stderr}`));
          } else waiters.push(check);
        };
        check();
      });
    },
    async wait(timeoutMs) {
      let t: NodeJS.Timeout | undefined;
      await Promise.race([exitPromise, new Promise<void>((r) => (t = setTimeout(r, timeoutMs)))]);
      clearTimeout(t);
    },
    async stop() {
      if (exited) return;
      proc.kill('SIGTERM');
      const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
      await exitPromise;
      clearTimeout(t);
    },
  };
}

/** Credentials printed by `smartapi-paper accounts create --json`. */
export interface Account {
  clientcode: string;
  password: string;
  totpSecret: string;
  apiKey: string;
}

/** A paper broker running in a child process, with a fresh account on a fresh file database. */
export interface BrokerChild {
  readonly url: string;
  /** The first account. */
  readonly account: Account;
  /** Every account created (`accounts` option). */
  readonly accounts: Account[];
  readonly dbFile: string;
  readonly child: Child;
  stop(): Promise<void>;
}

/**
 * Starts the paper broker CLI from source (`main(['serve', ...])`) in a child process on a SQLite file
 * in a fresh temp dir, with rate limits off and one account holding `fundsRupees`.
 */
export async function startBroker(
  opts: {
    fundsRupees?: number;
    accounts?: number;
    serveArgs?: string[];
    nodeArgs?: string[];
    cwd?: string;
  } = {},
): Promise<BrokerChild> {
  const dir = mkdtempSync(join(tmpdir(), 'smartapi-bench-'));
  const dbFile = join(dir, 'paper.db');
  const nAccounts = Math.max(1, opts.accounts ?? 1);
  const child = spawnTs(
    join(ROOT, 'benchmarks/server/broker-child.ts'),
    [dbFile, String(opts.fundsRupees ?? 1_000_000_000), String(nAccounts), ...(opts.serveArgs ?? [])],
    { ...(opts.nodeArgs ? { nodeArgs: opts.nodeArgs } : {}), cwd: opts.cwd ?? dir },
  );
  try {
    const accounts: Account[] = [];
    for (let i = 0; i < nAccounts; i++) accounts.push((await child.line(i)) as Account);
    const listening = (await child.line(nAccounts)) as { event: string; url: string };
    return {
      url: listening.url,
      account: accounts[0] as Account,
      accounts,
      dbFile,
      child,
      async stop() {
        await child.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (e) {
    await child.stop();
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
}

/** Standard SmartAPI request headers (JSON, api key, user type, optional JWT). */
export function apiHeaders(apiKey: string, jwt?: string): Record<string, string> {
  const h: Record<string, string> = {
    [Header.CONTENT_TYPE]: 'application/json',
    [Header.ACCEPT]: 'application/json',
    [Header.USER_TYPE]: USER_TYPE,
    [Header.SOURCE_ID]: 'WEB',
    [Header.CLIENT_LOCAL_IP]: '127.0.0.1',
    [Header.CLIENT_PUBLIC_IP]: '127.0.0.1',
    [Header.MAC_ADDRESS]: '00:00:00:00:00:00',
    [Header.PRIVATE_KEY]: apiKey,
  };
  if (jwt !== undefined) h[Header.AUTHORIZATION] = `Bearer ${jwt}`;
  return h;
}

/** Logs `account` in and returns the session tokens. */
export async function login(
  url: string,
  account: Account,
): Promise<{ jwtToken: string; refreshToken: string; feedToken: string }> {
  const res = await fetch(url + ROUTES.loginByPassword.path, {
    method: 'POST',
    headers: apiHeaders(account.apiKey),
    body: JSON.stringify({
      clientcode: account.clientcode,
      password: account.password,
      totp: totpCode(account.totpSecret),
    }),
  });
  const body = (await res.json()) as {
    status: boolean;
    message: string;
    data: { jwtToken: string; refreshToken: string; feedToken: string } | null;
  };
  if (!body.status || !body.data) throw new Error(`login failed: ${JSON.stringify(body)}`);
  return body.data;
}

/** Result of {@link runLoad}. */
export interface LoadResult {
  /** Successful responses in the measured window. */
  ok: number;
  /** Failed responses (status code, `check` false, or socket error) in the measured window. */
  failed: number;
  /** Successful responses per second. */
  perSec: number;
  /** Latency percentiles of successful responses, ms. */
  p50: number;
  p99: number;
  p999: number;
  /** The first failure seen, for the report. */
  firstFailure?: string;
  /** Measured window, seconds. */
  seconds: number;
}

/**
 * Closed-loop load: `connections` workers, each sending one request at a time over its own keep-alive
 * socket, for `warmupMs` (not counted) then `durationMs` (counted).
 */
export async function runLoad(opts: {
  url: string;
  method: 'GET' | 'POST';
  path: string;
  headers: Record<string, string>;
  body?: (i: number) => string;
  connections: number;
  warmupMs: number;
  durationMs: number;
  check?: (status: number, body: string) => boolean;
}): Promise<LoadResult> {
  const target = new URL(opts.url);
  const agent = new http.Agent({ keepAlive: true, maxSockets: opts.connections });
  const latencies: number[] = [];
  let ok = 0;
  let failed = 0;
  let firstFailure: string | undefined;
  let seq = 0;
  const start = performance.now();
  const measureFrom = start + opts.warmupMs;
  const end = measureFrom + opts.durationMs;
  const once = (): Promise<{ status: number; body: string }> =>
    new Promise((resolve, reject) => {
      const payload = opts.body?.(seq++);
      const headers = { ...opts.headers };
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      const req = http.request(
        {
          host: target.hostname,
          port: target.port,
          method: opts.method,
          path: opts.path,
          headers,
          agent,
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () =>
            resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }),
          );
          res.on('error', reject);
        },
      );
      req.on('error', reject);
      req.end(payload);
    });
  const worker = async (): Promise<void> => {
    for (;;) {
      const t0 = performance.now();
      if (t0 >= end) return;
      let good = false;
      let info = '';
      try {
        const r = await once();
        good = r.status >= 200 && r.status < 300 && (opts.check ? opts.check(r.status, r.body) : true);
        if (!good) info = `HTTP ${r.status} ${r.body.slice(0, 300)}`;
      } catch (e) {
        info = e instanceof Error ? e.message : String(e);
      }
      const t1 = performance.now();
      if (t0 >= measureFrom && t1 <= end) {
        if (good) {
          ok++;
          latencies.push(t1 - t0);
        } else {
          failed++;
          firstFailure ??= info;
        }
      } else if (!good) firstFailure ??= info;
    }
  };
  await Promise.all(Array.from({ length: opts.connections }, worker));
  agent.destroy();
  latencies.sort((a, b) => a - b);
  const pct = (p: number): number =>
    latencies.length === 0
      ? Number.NaN
      : (latencies[Math.min(latencies.length - 1, Math.floor(p * latencies.length))] ?? 0);
  const seconds = opts.durationMs / 1000;
  return {
    ok,
    failed,
    perSec: ok / seconds,
    p50: pct(0.5),
    p99: pct(0.99),
    p999: pct(0.999),
    seconds,
    ...(firstFailure !== undefined ? { firstFailure } : {}),
  };
}

/** Prints the rows and writes benchmarks/.work/<suite>.json. */
export function writeSuite(suite: string, rows: Row[], notes: string[]): void {
  for (const r of rows) {
    console.log(
      `${r.name.padEnd(90)} ${r.value.toLocaleString('en-US').padStart(12)} ${r.unit}${r.ratio !== undefined ? `  (${r.ratio}x)` : ''}${r.pass !== undefined ? (r.pass ? '  PASS' : '  MISS') : ''}`,
    );
  }
  const dir = join(ROOT, 'benchmarks', '.work');
  mkdirSync(dir, { recursive: true });
  writeFileSync(
    join(dir, `${suite}.json`),
    `${JSON.stringify(
      {
        suite,
        date: new Date().toISOString(),
        node: process.version,
        machine: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'cpu'}`,
        notes,
        rows,
      },
      null,
      2,
    )}\n`,
  );
}

/** Rounds to `digits` significant decimals. */
export const round = (n: number, digits = 2): number => Number(n.toFixed(digits));
