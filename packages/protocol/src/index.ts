/**
 * `@smartapi-ts/protocol`: the Angel One SmartAPI wire contract, shared by the SDK and the paper broker.
 * One runtime dependency (TypeBox, for the request rules) and no Node built-ins: runs in a browser as is.
 */
export * from './enums.js';
export * from './envelope.js';
export * from './errors.js';
export * from './feed/index.js';
export * from './headers.js';
export * from './money.js';
export * from './routes.js';
export * from './rules/index.js';
export * from './time.js';
export type * from './types.js';
export * from './ws.js';
