/**
 * The paper broker's market: clocks, trading calendar, instrument universe, seeded price simulator and
 * the market-data services used by the HTTP routes.
 */
export * from './calendar.js';
export * from './clock.js';
export * from './pricing.js';
export * from './scrip-master.js';
export type { MarketRejection, ServiceResult } from './services/index.js';
export * as marketServices from './services/index.js';
export * from './sources/replay/index.js';
export * from './sources/synthetic/simulator.js';
export { isSteppedMarket } from './stepped.js';
export type * from './types.js';
export * from './universe.js';
