/**
 * Account administration: create (with generated credentials), list, reset, and the demo account.
 */
import { randomInt } from 'node:crypto';
import type { AccountRecord, Store } from '../storage/types.js';
import { hashPin } from './pin-hash.js';
import { newTotpSecret } from './totp.js';

/** The credentials of an account, as `accounts create --json` prints them. */
export interface AccountCredentials {
  clientcode: string;
  /** The 4-digit trading PIN (the venue calls it `password`). */
  password: string;
  /** Base32 TOTP secret. */
  totpSecret: string;
  /** Api key for `X-PrivateKey`. */
  apiKey: string;
}

/** Options of {@link createAccount}; everything not given is generated. */
export interface CreateAccountOptions {
  clientcode?: string;
  /** 4–6 digit PIN. */
  pin?: string;
  totpSecret?: string;
  apiKey?: string;
  /** Starting funds in paise. */
  funds?: number;
  name?: string;
  email?: string;
  mobileno?: string;
  /** Creation time (epoch ms). */
  now?: number;
}

const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

function randomString(len: number, alphabet = ALNUM): string {
  let s = '';
  for (let i = 0; i < len; i++) s += alphabet[randomInt(alphabet.length)];
  return s;
}

/** Thrown for invalid account input (duplicate client code, bad PIN, …). */
export class AccountError extends Error {
  override readonly name = 'AccountError';
}

const CLIENTCODE_RE = /^[A-Z][A-Z0-9]{2,15}$/;

/** Creates an account and returns its record and plain credentials. */
export async function createAccount(
  store: Store,
  opts: CreateAccountOptions = {},
): Promise<{ account: AccountRecord; credentials: AccountCredentials }> {
  let clientcode = opts.clientcode?.toUpperCase();
  if (clientcode !== undefined) {
    if (!CLIENTCODE_RE.test(clientcode)) {
      throw new AccountError(`client code must be a letter followed by 2–15 letters/digits: ${clientcode}`);
    }
    if (store.accounts.get(clientcode)) throw new AccountError(`client ${clientcode} already exists`);
  } else {
    do clientcode = `P${String(randomInt(100000, 1000000))}`;
    while (store.accounts.get(clientcode));
  }
  const pin = opts.pin ?? String(randomInt(0, 10000)).padStart(4, '0');
  if (!/^\d{4,6}$/.test(pin)) throw new AccountError('PIN must be 4–6 digits');
  let apiKey = opts.apiKey;
  if (apiKey !== undefined) {
    if (!/^[A-Za-z0-9_-]{4,64}$/.test(apiKey)) throw new AccountError('api key must be 4–64 letters/digits');
    if (store.accounts.byApiKey(apiKey)) throw new AccountError('api key already in use');
  } else {
    do apiKey = randomString(8);
    while (store.accounts.byApiKey(apiKey));
  }
  const funds = opts.funds ?? 100_000_000;
  if (!Number.isSafeInteger(funds) || funds < 0) throw new AccountError('funds must be ≥ 0');
  const totpSecret = opts.totpSecret ?? newTotpSecret();
  const account: AccountRecord = {
    clientcode,
    name: opts.name ?? `Paper Trader ${clientcode}`,
    email: opts.email ?? '',
    mobileno: opts.mobileno ?? '',
    pinHash: await hashPin(pin),
    totpSecret,
    apiKey,
    startingFunds: funds,
    blocked: false,
    createdAt: opts.now ?? Date.now(),
    lastLoginAt: 0,
  };
  // Re-check inside the write transaction: a concurrent CLI may have taken the code meanwhile.
  store.transaction(() => {
    if (store.accounts.get(clientcode)) throw new AccountError(`client ${clientcode} already exists`);
    store.accounts.insert(account);
  });
  return { account, credentials: { clientcode, password: pin, totpSecret, apiKey } };
}

/** Meta key of the demo account's credentials. */
const DEMO_META = 'demo_account';

/**
 * The demo account of `serve --demo`: created on first start and stored (with its plain PIN, it is a
 * demo) so the same credentials are printed after every restart.
 */
export async function ensureDemoAccount(store: Store, funds: number): Promise<AccountCredentials> {
  const saved = store.meta.get(DEMO_META);
  if (saved) {
    const creds = JSON.parse(saved) as AccountCredentials;
    if (store.accounts.get(creds.clientcode)) return creds;
  }
  const { credentials } = await createAccount(store, { funds, name: 'Demo Trader' });
  store.meta.set(DEMO_META, JSON.stringify(credentials));
  return credentials;
}

/** What `accounts list` shows per account (no secrets but the api key). */
export interface AccountSummary {
  clientcode: string;
  name: string;
  apiKey: string;
  /** Starting funds in rupees. */
  funds: number;
  blocked: boolean;
  createdAt: string;
  lastLoginAt: string;
  orders: number;
}

/** Lists accounts with a few counts. */
export function listAccounts(store: Store): AccountSummary[] {
  return store.accounts.list().map((a) => ({
    clientcode: a.clientcode,
    name: a.name,
    apiKey: a.apiKey,
    funds: a.startingFunds / 100,
    blocked: a.blocked,
    createdAt: new Date(a.createdAt).toISOString(),
    lastLoginAt: a.lastLoginAt ? new Date(a.lastLoginAt).toISOString() : '',
    orders: store.rows.count('order', a.clientcode),
  }));
}
