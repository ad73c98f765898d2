/**
 * Handlers of the session routes: loginByPassword, generateTokens, getProfile, logout.
 */
import { ErrorCode } from '@smartapi-ts/protocol';
import type { SessionService } from '../identity/sessions.js';
import type { Handlers } from './api.js';

/** The four session handlers. */
export function sessionHandlers(sessions: SessionService): Handlers {
  return {
    loginByPassword: async ({ body, apiKey, source }) => sessions.login(body, apiKey, source),
    generateTokens: ({ body, apiKey }) => sessions.generateTokens(body, apiKey),
    getProfile: ({ principal }) => {
      if (!principal) return { ok: false, errorcode: ErrorCode.TOKEN_MISSING, message: 'Token missing' };
      return { ok: true, data: sessions.profile(principal) };
    },
    logout: ({ principal, body }) => {
      if (!principal) return { ok: false, errorcode: ErrorCode.TOKEN_MISSING, message: 'Token missing' };
      const cc = (body as { clientcode?: unknown } | undefined)?.clientcode;
      // The official clients send {clientcode}; another client's code is refused, a missing one accepted.
      if (typeof cc === 'string' && cc !== '' && cc.toUpperCase() !== principal.clientcode) {
        return { ok: false, errorcode: ErrorCode.CLIENT_NOT_LOGIN, message: 'Client not login' };
      }
      sessions.logout(principal);
      return { ok: true, data: '' };
    },
  };
}
