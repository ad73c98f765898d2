export { PROTOCOL_VERSION } from '@smartapi-ts/protocol';
