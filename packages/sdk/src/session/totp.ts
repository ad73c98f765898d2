/**
 * RFC 6238 TOTP codes (6 digits, 30 s, SHA-1 — what Angel One's authenticator QR encodes), via `otpauth`.
 */
import { Secret, TOTP } from 'otpauth';
import { InputError } from '../errors.js';

/**
 * The current 6-digit code of a base32 TOTP secret at `now` (epoch ms). Spaces and case in the
 * secret are ignored. Throws `InputError` (without echoing the secret) when it is not valid base32.
 */
export function totpCode(secret: string, now: number): string {
  const clean = secret.replace(/[\s-]/g, '').toUpperCase();
  if (!/^[A-Z2-7]+=*$/.test(clean) || clean.replace(/=+$/, '').length < 16) {
    throw new InputError({
      code: '',
      message: 'totpSecret must be the base32 secret shown when TOTP was enabled (at least 16 characters)',
      httpStatus: 0,
      route: 'loginByPassword',
    });
  }
  const totp = new TOTP({ secret: Secret.fromBase32(clean), digits: 6, period: 30, algorithm: 'SHA1' });
  return totp.generate({ timestamp: now });
}
