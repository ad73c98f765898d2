/**
 * Request headers of docs/protocol/rest.md#headers. The static part is built once per client, lazily on the
 * first request (that is when the host's network interfaces are read; never at construction, and never
 * with a network call). The authorised variant is cached per JWT, so a request allocates no header object.
 */
import { networkInterfaces } from 'node:os';
import { JSON_MEDIA_TYPE, SOURCE_ID, USER_TYPE, WireHeader } from '@smartapi-ts/protocol';

/** Values of the client-identity headers. */
export interface ClientIdentity {
  /** `X-ClientLocalIP`. */
  clientLocalIp?: string;
  /** `X-ClientPublicIP`. */
  clientPublicIp?: string;
  /** `X-MACAddress`. */
  macAddress?: string;
}

/** Documented fallbacks, used only when the host exposes no non-internal IPv4 interface. */
export const FALLBACK_LOCAL_IP = '127.0.0.1';
/** Fallback MAC address (all zeros) for hosts without a usable interface. */
export const FALLBACK_MAC = '00:00:00:00:00:00';

/**
 * Reads the first non-internal IPv4 interface of this host (its address and MAC). Pure local lookup.
 * Falls back to {@link FALLBACK_LOCAL_IP} / {@link FALLBACK_MAC}.
 */
export function detectLocalIdentity(): { ip: string; mac: string } {
  try {
    const all = networkInterfaces();
    for (const list of Object.values(all)) {
      for (const nic of list ?? []) {
        if (nic.internal || nic.family !== 'IPv4') continue;
        const mac = nic.mac && nic.mac !== FALLBACK_MAC ? nic.mac : FALLBACK_MAC;
        return { ip: nic.address, mac };
      }
    }
  } catch {
    // some sandboxes forbid the lookup
  }
  return { ip: FALLBACK_LOCAL_IP, mac: FALLBACK_MAC };
}

/** Builds and caches the header objects of one client. */
export class HeaderBuilder {
  readonly #apiKey: string;
  readonly #identity: ClientIdentity;
  #base: Readonly<Record<string, string>> | undefined;
  #authJwt: string | undefined;
  #auth: Readonly<Record<string, string>> | undefined;

  constructor(apiKey: string, identity: ClientIdentity) {
    this.#apiKey = apiKey;
    this.#identity = identity;
  }

  /**
   * The identity values actually sent. `X-ClientPublicIP` defaults to the local address: the SDK never
   * asks a third-party service for the public IP.
   */
  identity(): Required<ClientIdentity> {
    const need =
      this.#identity.clientLocalIp === undefined ||
      this.#identity.macAddress === undefined ||
      this.#identity.clientPublicIp === undefined;
    const detected = need ? detectLocalIdentity() : { ip: FALLBACK_LOCAL_IP, mac: FALLBACK_MAC };
    const local = this.#identity.clientLocalIp ?? detected.ip;
    return {
      clientLocalIp: local,
      clientPublicIp: this.#identity.clientPublicIp ?? local,
      macAddress: this.#identity.macAddress ?? detected.mac,
    };
  }

  /** Headers without `Authorization` (login, token refresh). */
  base(): Readonly<Record<string, string>> {
    if (this.#base) return this.#base;
    const id = this.identity();
    this.#base = Object.freeze({
      [WireHeader.CONTENT_TYPE]: JSON_MEDIA_TYPE,
      [WireHeader.ACCEPT]: JSON_MEDIA_TYPE,
      [WireHeader.USER_TYPE]: USER_TYPE,
      [WireHeader.SOURCE_ID]: SOURCE_ID,
      [WireHeader.CLIENT_LOCAL_IP]: id.clientLocalIp,
      [WireHeader.CLIENT_PUBLIC_IP]: id.clientPublicIp,
      [WireHeader.MAC_ADDRESS]: id.macAddress,
      [WireHeader.PRIVATE_KEY]: this.#apiKey,
    });
    return this.#base;
  }

  /** Headers with `Authorization: Bearer <jwt>` (cached for the current JWT). */
  withAuth(jwt: string): Readonly<Record<string, string>> {
    if (this.#auth && this.#authJwt === jwt) return this.#auth;
    this.#auth = Object.freeze({ ...this.base(), [WireHeader.AUTHORIZATION]: `Bearer ${jwt}` });
    this.#authJwt = jwt;
    return this.#auth;
  }
}
