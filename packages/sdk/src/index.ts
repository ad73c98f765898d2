/**
 * `smartapi-ts`: a typed Angel One SmartAPI client.
 */
export * from './errors.js';
