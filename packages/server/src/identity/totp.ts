/**
 * RFC 6238 TOTP (SHA-1, 6 digits, 30 s), as the venue uses for login (`pyotp.TOTP(secret).now()`).
 */
import { Secret, TOTP } from 'otpauth';

function totpFor(secret: string): TOTP {
  return new TOTP({ secret: Secret.fromBase32(secret), algorithm: 'SHA1', digits: 6, period: 30 });
}

/** A new random base32 TOTP secret (160 bits). */
export function newTotpSecret(): string {
  return new Secret({ size: 20 }).base32;
}

/** The code of `secret` at `at` (epoch ms). */
export function totpCode(secret: string, at: number = Date.now()): string {
  return totpFor(secret).generate({ timestamp: at });
}

/** True when `token` is the code of `secret` at `at`, the step before or the step after (±30 s). */
export function verifyTotp(secret: string, token: string, at: number = Date.now()): boolean {
  if (!/^\d{6}$/.test(token)) return false;
  try {
    return totpFor(secret).validate({ token, timestamp: at, window: 1 }) !== null;
  } catch {
    return false;
  }
}
