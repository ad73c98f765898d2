/** The synthetic scrip master lives in the testkit (tests use it too); re-exported for the benchmarks. */
export { generateScripMaster, type WireRow } from '../../packages/testkit/src/scrip-master.js';
