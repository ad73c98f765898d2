/**
 * Logger injection. The SDK logs one debug line per request and warnings on retries/refreshes; every
 * line and field is redacted first. Default: silent.
 */
import type { Redactor } from './redact.js';

/** A structured logger; `console` fits. */
export interface Logger {
  debug(message: string, fields?: Record<string, unknown>): void;
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
  error(message: string, fields?: Record<string, unknown>): void;
}

/** A logger that drops everything. */
export const silentLogger: Logger = {
  debug() {},
  info() {},
  warn() {},
  error() {},
};

/** Wraps a logger so every message and field is redacted; missing methods become no-ops. */
export function safeLogger(
  inner: Partial<Logger> | undefined,
  redactor: Redactor,
): Logger & { enabled: boolean } {
  if (!inner) return { ...silentLogger, enabled: false };
  const wrap =
    (level: keyof Logger) =>
    (message: string, fields?: Record<string, unknown>): void => {
      const fn = inner[level];
      if (typeof fn !== 'function') return;
      try {
        if (fields === undefined) fn.call(inner, redactor.text(message));
        else fn.call(inner, redactor.text(message), redactor.value(fields) as Record<string, unknown>);
      } catch {
        // a failing logger must never break a request
      }
    };
  return {
    enabled: true,
    debug: wrap('debug'),
    info: wrap('info'),
    warn: wrap('warn'),
    error: wrap('error'),
  };
}
