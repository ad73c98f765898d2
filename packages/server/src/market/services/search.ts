/** Scrip lists: `searchScrip`, the intraday (MIS) lists and the cautionary list. */
import type { CautionaryScrip, IntradayScrip, ScripSearchResult } from '@smartapi-ts/protocol';
import type { Instrument, Market } from '../types.js';
import { bad, isObject, ok, parseExchange, type ServiceResult } from './common.js';

// ───────────────────────────── searchScrip (docs/protocol/rest.md#search-scrip) ─────────────────────────────

/** Most rows one searchScrip answer returns. */
export const MAX_SEARCH_RESULTS = 1000;

/**
 * `POST …/order/v1/searchScrip`: instruments of `exchange` whose trading symbol contains `searchscrip`
 * (case-insensitive); symbols starting with it first, then alphabetical. No match → `[]`.
 */
export function searchScrip(market: Market, body: unknown): ServiceResult<ScripSearchResult[]> {
  if (!isObject(body)) return bad('Invalid request body');
  const exchange = parseExchange(body.exchange);
  if (!exchange) return bad('Invalid exchange');
  if (typeof body.searchscrip !== 'string' || body.searchscrip.trim() === '')
    return bad('Invalid searchscrip');
  const text = body.searchscrip.trim().toUpperCase();
  if (text.length > 100) return bad('Invalid searchscrip');
  const hits = market
    .instruments()
    .filter(
      (i) =>
        i.exchange === exchange && (i.symbol.toUpperCase().includes(text) || i.name.toUpperCase() === text),
    );
  hits.sort((a, b) => {
    const pa = a.symbol.toUpperCase().startsWith(text) ? 0 : 1;
    const pb = b.symbol.toUpperCase().startsWith(text) ? 0 : 1;
    return pa - pb || (a.symbol < b.symbol ? -1 : a.symbol > b.symbol ? 1 : 0);
  });
  return ok(
    hits
      .slice(0, MAX_SEARCH_RESULTS)
      .map((i) => ({ exchange: i.exchange, tradingsymbol: i.symbol, symboltoken: i.token })),
  );
}

// ───────────────────────────── intraday lists (docs/protocol/rest.md#intraday-scrips, #cautionary-scrips) ─────────────────────────────

/**
 * Intraday (MIS) leverage of a stock at a time. The broker passes the engine's per-stock table
 * (`engine/rules/margin.ts`, the same the RMS charges INTRADAY orders with), so the market never
 * imports the engine's rules.
 */
export type IntradayLeverage = (name: string, at: number) => number;

/** Intraday leverage of an instrument: `leverage` for a tradable cash equity, 1 (no MIS) for anything else. */
export function intradayMultiplier(market: Market, inst: Instrument, leverage: IntradayLeverage): number {
  if (inst.segment !== 'EQ' || !inst.tradable) return 1;
  return leverage(inst.name, market.now());
}

function intradayList(
  market: Market,
  exchange: 'NSE' | 'BSE',
  leverage: IntradayLeverage,
): ServiceResult<IntradayScrip[]> {
  const out: IntradayScrip[] = [];
  for (const i of market.instruments()) {
    if (i.exchange !== exchange || i.segment !== 'EQ' || !i.tradable) continue;
    out.push({
      exchange,
      SymbolName: i.name,
      Multiplier: intradayMultiplier(market, i, leverage).toFixed(1),
    });
  }
  return ok(out);
}

/** `GET …/marketData/v1/nseIntraday`: NSE equities allowed for intraday with their leverage. */
export function nseIntraday(market: Market, leverage: IntradayLeverage): ServiceResult<IntradayScrip[]> {
  return intradayList(market, 'NSE', leverage);
}

/** `GET …/marketData/v1/bseIntraday`: BSE equities allowed for intraday (exchange reported as `BSE`). */
export function bseIntraday(market: Market, leverage: IntradayLeverage): ServiceResult<IntradayScrip[]> {
  return intradayList(market, 'BSE', leverage);
}

/** `GET …/securities/v1/cautionaryScrips`: the simulated market flags no scrips (always `[]`). */
export function cautionaryScrips(_market: Market): ServiceResult<CautionaryScrip[]> {
  return ok([]);
}
