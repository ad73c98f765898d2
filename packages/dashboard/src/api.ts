/**
 * REST clients of the dashboard: the venue's SmartAPI routes (the user's session, with the venue's
 * headers) and the paper broker's admin API (`/paper/v1/`, admin bearer token). Both answer the venue's
 * envelope `{status, message, errorcode, data}`; a refusal rejects with an {@link ApiError}.
 */
import { ROUTES, type RouteName, routePath, SOURCE_ID, USER_TYPE } from '@smartapi-ts/protocol';

/** A refusal in the venue's envelope (or a transport failure: errorcode `HTTP<status>`). */
export class ApiError extends Error {
  constructor(
    readonly errorcode: string,
    message: string,
    readonly httpStatus: number,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** The tokens of a logged-in user. */
export interface UserSession {
  clientcode: string;
  apiKey: string;
  jwtToken: string;
  refreshToken: string;
  feedToken: string;
}

interface Envelope<T> {
  status: boolean;
  message: string;
  errorcode: string;
  data: T;
}

async function readEnvelope<T>(res: Response): Promise<T> {
  const text = await res.text();
  let env: Envelope<T> | undefined;
  try {
    env = JSON.parse(text) as Envelope<T>;
  } catch {
    throw new ApiError(`HTTP${res.status}`, text.trim() || res.statusText, res.status);
  }
  if (env?.status !== true) {
    throw new ApiError(env?.errorcode ?? `HTTP${res.status}`, env?.message ?? res.statusText, res.status);
  }
  return env.data;
}

function venueHeaders(apiKey: string, jwt?: string): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    Accept: 'application/json',
    'X-UserType': USER_TYPE,
    'X-SourceID': SOURCE_ID,
    'X-ClientLocalIP': '127.0.0.1',
    'X-ClientPublicIP': '127.0.0.1',
    'X-MACAddress': '00:00:00:00:00:00',
    'X-PrivateKey': apiKey,
    ...(jwt ? { Authorization: `Bearer ${jwt}` } : {}),
  };
}

/** `loginByPassword` (clientcode, PIN as password, TOTP). */
export async function login(
  base: string,
  apiKey: string,
  clientcode: string,
  pin: string,
  totp: string,
): Promise<UserSession> {
  const res = await fetch(base + ROUTES.loginByPassword.path, {
    method: 'POST',
    headers: venueHeaders(apiKey),
    body: JSON.stringify({ clientcode, password: pin, totp }),
  });
  const data = await readEnvelope<{ jwtToken: string; refreshToken: string; feedToken: string }>(res);
  return { clientcode: clientcode.toUpperCase(), apiKey, ...data };
}

/** Calls the venue's routes with a user session. */
export class VenueClient {
  constructor(
    readonly base: string,
    readonly session: UserSession,
  ) {}

  async call<T>(name: RouteName, body?: unknown, params: Record<string, string> = {}): Promise<T> {
    const route = ROUTES[name];
    const res = await fetch(this.base + routePath(name, params), {
      method: route.method,
      headers: venueHeaders(this.session.apiKey, this.session.jwtToken),
      ...(route.method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    return readEnvelope<T>(res);
  }

  async logout(): Promise<void> {
    await this.call('logout', { clientcode: this.session.clientcode }).catch(() => undefined);
  }
}

/** Calls the admin API (`/paper/v1/<path>`) with the admin token. */
export class AdminClient {
  constructor(
    readonly base: string,
    readonly token: string,
  ) {}

  async call<T>(method: 'GET' | 'POST' | 'PUT' | 'DELETE', path: string, body?: unknown): Promise<T> {
    const res = await fetch(`${this.base}/paper/v1/${path}`, {
      method,
      headers: {
        Authorization: `Bearer ${this.token}`,
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
      },
      ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
    });
    return readEnvelope<T>(res);
  }
}

/** What the broker serving the dashboard offers (`/dashboard/capabilities.json`). */
export interface Capabilities {
  /** `GET/PUT /paper/v1/execution` is served. */
  execution: boolean;
}

/** Reads the capabilities; an older broker without the file offers none of the optional routes. */
export async function capabilities(base: string): Promise<Capabilities> {
  try {
    const res = await fetch(`${base}/dashboard/capabilities.json`);
    if (!res.ok) return { execution: false };
    const c = (await res.json()) as Partial<Capabilities>;
    return { execution: c.execution === true };
  } catch {
    return { execution: false };
  }
}

/** The text a form shows for a failed call: the venue's message and code, or the error's message. */
export const errorText = (e: unknown): string =>
  e instanceof ApiError ? `${e.message} (${e.errorcode})` : e instanceof Error ? e.message : String(e);
