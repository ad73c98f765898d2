/**
 * Request header names and constant values of the venue (docs/protocol/rest.md#headers). Servers must
 * match names case-insensitively; these constants are the lower-case forms Node exposes.
 */
export const Header = {
  CONTENT_TYPE: 'content-type',
  ACCEPT: 'accept',
  USER_TYPE: 'x-usertype',
  SOURCE_ID: 'x-sourceid',
  CLIENT_LOCAL_IP: 'x-clientlocalip',
  CLIENT_PUBLIC_IP: 'x-clientpublicip',
  MAC_ADDRESS: 'x-macaddress',
  PRIVATE_KEY: 'x-privatekey',
  AUTHORIZATION: 'authorization',
  /** Portfolio API auth header (docs/protocol/portfolio-api.md#transport): the raw token, no `Bearer`. */
  ACCESS_TOKEN: 'access-token',
  /** Market-feed upgrade headers. */
  FEED_API_KEY: 'x-api-key',
  FEED_CLIENT_CODE: 'x-client-code',
  FEED_TOKEN: 'x-feed-token',
  /** Response header of a refused market-feed upgrade. */
  ERROR_MESSAGE: 'x-error-message',
} as const;

/** Wire spellings the official clients use, in the case they send them. */
export const WireHeader = {
  CONTENT_TYPE: 'Content-Type',
  ACCEPT: 'Accept',
  USER_TYPE: 'X-UserType',
  SOURCE_ID: 'X-SourceID',
  CLIENT_LOCAL_IP: 'X-ClientLocalIP',
  CLIENT_PUBLIC_IP: 'X-ClientPublicIP',
  MAC_ADDRESS: 'X-MACAddress',
  PRIVATE_KEY: 'X-PrivateKey',
  AUTHORIZATION: 'Authorization',
} as const;

/** Constant `X-UserType` value. */
export const USER_TYPE = 'USER';
/** Constant `X-SourceID` value. */
export const SOURCE_ID = 'WEB';
/** JSON media type. */
export const JSON_MEDIA_TYPE = 'application/json';

/** Strips an optional `Bearer ` prefix (any case) from an Authorization value. */
export function stripBearer(value: string | undefined | null): string {
  if (!value) return '';
  const v = value.trim();
  return /^bearer\s+/i.test(v) ? v.replace(/^bearer\s+/i, '') : v;
}
