/**
 * Connection settings shared by the examples, read from environment variables:
 *
 * | variable               | default                  |
 * | ---------------------- | ------------------------ |
 * | `SMARTAPI_ROOT`        | `http://127.0.0.1:8080` (the paper broker of `npm start`) |
 * | `SMARTAPI_API_KEY`     | required                 |
 * | `SMARTAPI_CLIENT_CODE` | required                 |
 * | `SMARTAPI_PIN`         | required                 |
 * | `SMARTAPI_TOTP_SECRET` | required (base32)        |
 *
 * `MarketFeed.fromClient(api)` / `OrderFeed.fromClient(api)` derive the WebSocket URLs from the client's
 * root: `ws://host:port/smart-stream` and `ws://host:port/smart-order-update` for the paper broker, the
 * venue's own sockets for `https://apiconnect.angelone.in`.
 */
import { type Session, SmartApi } from 'smartapi-ts';

/** Settings of one broker account. */
export interface Settings {
  root: string;
  apiKey: string;
  clientCode: string;
  pin: string;
  totpSecret: string;
}

function required(name: string): string {
  const v = process.env[name];
  if (v === undefined || v.trim() === '') {
    console.error(`missing env ${name} (npm start prints the demo account's values)`);
    process.exit(2);
  }
  return v.trim();
}

/** Reads the settings from the environment; exits with code 2 and a hint when one is missing. */
export function settings(): Settings {
  const root = (process.env.SMARTAPI_ROOT ?? 'http://127.0.0.1:8080').replace(/\/+$/, '');
  return {
    root,
    apiKey: required('SMARTAPI_API_KEY'),
    clientCode: required('SMARTAPI_CLIENT_CODE'),
    pin: required('SMARTAPI_PIN'),
    totpSecret: required('SMARTAPI_TOTP_SECRET'),
  };
}

/** Creates a client for `s.root` and logs in with TOTP (the SDK computes the 6-digit code). */
export async function connect(s: Settings = settings()): Promise<{ api: SmartApi; session: Session }> {
  const api = new SmartApi({ apiKey: s.apiKey, root: s.root });
  const session = await api.login({ clientCode: s.clientCode, password: s.pin, totpSecret: s.totpSecret });
  return { api, session };
}

/** Rounds a rupee price to the instrument's tick (₹0.05 for NSE cash). */
export function toTick(price: number, tick = 0.05): number {
  return Math.round(Math.round(price / tick) * tick * 100) / 100;
}

/**
 * Reads a positive number from `--<flag> N` / `--<flag>=N` on the command line, then env `envName`,
 * else `fallback`.
 */
export function numberArg(flag: string, envName: string, fallback: number): number {
  const argv = process.argv.slice(2);
  let raw: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === `--${flag}`) raw = argv[i + 1];
    else if (a?.startsWith(`--${flag}=`)) raw = a.slice(flag.length + 3);
  }
  raw ??= process.env[envName];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n <= 0) {
    console.error(`--${flag} / ${envName} must be a positive number, got ${JSON.stringify(raw)}`);
    process.exit(2);
  }
  return n;
}
