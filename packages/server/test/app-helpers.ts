/**
 * Shared helpers of the server's HTTP tests: build a server on `:memory:` with a manual market, create
 * an account, log in, and shape requests like the official clients.
 */
import { readFileSync } from 'node:fs';
import { ROUTES, type RouteName } from '@smartapi-ts/protocol';
import { StaticMarket } from '@smartapi-ts/testkit';
import { buildServer, type PaperServer } from '../src/app.js';
import type { PaperConfigInput } from '../src/config.js';
import { type AccountCredentials, createAccount } from '../src/identity/accounts.js';
import { totpCode } from '../src/identity/totp.js';

/** A captured official-client request record (fixtures/official-requests). */
export interface CapturedRequest {
  client: string;
  function: string;
  method: string;
  path: string;
  query: string | null;
  headers: Record<string, string>;
  body: unknown;
  body_raw: string;
}

const FIXTURES = new URL('../../../fixtures/official-requests/', import.meta.url);

/** Loads the captures of one client. */
export function captures(client: 'python' | 'js'): CapturedRequest[] {
  return JSON.parse(readFileSync(new URL(`${client}.json`, FIXTURES), 'utf8')) as CapturedRequest[];
}

/** The first capture of a client function. */
export function capture(client: 'python' | 'js', fn: string): CapturedRequest {
  const r = captures(client).find((c) => c.function === fn);
  if (!r) throw new Error(`no ${client} capture for ${fn}`);
  return r;
}

/** A running test server plus one account. */
export interface TestBroker {
  server: PaperServer;
  market: StaticMarket;
  creds: AccountCredentials;
  /** Logs in through HTTP; returns the token data. */
  login(creds?: AccountCredentials): Promise<{ jwtToken: string; refreshToken: string; feedToken: string }>;
  /** Headers the official JS client sends (plus Authorization when a JWT is given). */
  headers(jwt?: string, creds?: AccountCredentials): Record<string, string>;
  /** Creates another account. */
  newAccount(funds?: number): Promise<AccountCredentials>;
  close(): Promise<void>;
}

/** Starts a server with a {@link StaticMarket} on `:memory:` (rate limits off unless asked). */
export async function startTestBroker(
  config: PaperConfigInput = {},
  opts: { docs?: boolean } = {},
): Promise<TestBroker> {
  const market = new StaticMarket();
  const server = await buildServer(
    { db: ':memory:', logLevel: 'silent', rateLimits: false, ...config },
    { market, docs: opts.docs ?? false },
  );
  const { credentials: creds } = await createAccount(server.store, { funds: 100_000_000 });
  const headers = (jwt?: string, c: AccountCredentials = creds): Record<string, string> => ({
    Accept: 'application/json',
    'Content-Type': 'application/json',
    'X-UserType': 'USER',
    'X-SourceID': 'WEB',
    'X-ClientLocalIP': '192.168.1.20',
    'X-ClientPublicIP': 'null',
    'X-MACAddress': '02:42:ac:11:00:02',
    'X-PrivateKey': c.apiKey,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  });
  return {
    server,
    market,
    creds,
    headers,
    async login(c = creds) {
      const res = await server.app.inject({
        method: 'POST',
        url: ROUTES.loginByPassword.path,
        headers: headers(undefined, c),
        payload: JSON.stringify({
          clientcode: c.clientcode,
          password: c.password,
          totp: totpCode(c.totpSecret),
        }),
      });
      const body = JSON.parse(res.body) as {
        status: boolean;
        data: { jwtToken: string; refreshToken: string; feedToken: string };
      };
      if (!body.status) throw new Error(`login failed: ${res.body}`);
      return body.data;
    },
    async newAccount(funds = 100_000_000) {
      return (await createAccount(server.store, { funds })).credentials;
    },
    close: () => server.close(),
  };
}

/** Canonical path of a route. */
export function pathOf(name: RouteName): string {
  return ROUTES[name].path;
}
