/**
 * Market-data services of the paper broker: pure functions from a `Market` and a request body
 * (already JSON-decoded, of unknown shape) to the response `data` or a venue rejection. The HTTP layer
 * wraps the result in the envelope; nothing here throws on bad input. One module per area: quotes,
 * candles (history), search (scrip lists), option greeks and derivatives analytics.
 *
 * Error codes (the venue documents no specific code for malformed market-data requests; these are the
 * closest entries of the protocol table, all in the `input` category):
 * - `AB4018` Symbol token cannot be empty — missing or empty `symboltoken`;
 * - `AB1009` Symbol Not Found — well-formed exchange + token that is not in the universe, or no
 *   contracts for an optionGreek name/expiry;
 * - `AB1018` Failed to get symbol details — every other invalid parameter (body not an object, unknown
 *   exchange, wrong types, bad enum values, malformed or out-of-range dates, too many tokens); the
 *   `message` says which parameter.
 */
export { gainersLosers, oiBuildup, putCallRatio } from './analytics.js';
export { candles, oiData, parseCandleDate } from './candles.js';
export type { MarketRejection, ServiceResult } from './common.js';
export { impliedVolatility, optionGreek } from './option-greeks.js';
export { ltp, MAX_QUOTE_TOKENS, quote, quoteRow } from './quotes.js';
export {
  bseIntraday,
  cautionaryScrips,
  intradayMultiplier,
  MAX_SEARCH_RESULTS,
  nseIntraday,
  searchScrip,
} from './search.js';
