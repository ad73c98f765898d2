/**
 * Portfolio API rows (docs/protocol/portfolio-api.md#holding-row, #position-row): `GET /report/holdings/` and `GET /report/positions/`, from
 * the same holdings and positions as the SmartAPI views.
 */
import type { PortfolioHolding, PortfolioPosition, ProductType } from '@smartapi-ts/protocol';
import { formatPaise, PortfolioExchangeCode } from '@smartapi-ts/protocol';
import { holdingQty } from './positions/book.js';
import { breakEven, isEmptyPosition, positionFigures, unrealisedPnl } from './positions/portfolio.js';
import { openOrderTotals } from './risk/funds.js';
import type { EngineState, HoldingRecord, QueryContext } from './types.js';
import { precisionOf } from './views.js';

/** Product → Portfolio API `order_type` integers (1 = CNC per the annexure; the rest are our choice). */
const PORTFOLIO_PRODUCT: Readonly<Record<ProductType, number>> = {
  DELIVERY: 1,
  INTRADAY: 2,
  CARRYFORWARD: 3,
  MARGIN: 4,
  BO: 5,
};

/**
 * The `instrument[]` of a holding: every cash listing of its ISIN (NSE and BSE, as the venue's sample
 * lists them), by exchange code; the holding's own listing when no other is known.
 */
function holdingListings(h: HoldingRecord, q: QueryContext | undefined): PortfolioHolding['instrument'] {
  const own = {
    exchange_name: PortfolioExchangeCode[h.exchange],
    token: h.symboltoken,
    trading_symbol: h.tradingsymbol,
    lot_size: h.lotsize,
    tick_size: formatPaise(h.ticksize, 2),
  };
  const others = (h.isin && q?.listings?.(h.isin)) || [];
  const out = [own];
  for (const i of others) {
    if (i.segment !== 'EQ' || !i.tradable || (i.exchange === h.exchange && i.token === h.symboltoken))
      continue;
    if (out.some((x) => x.exchange_name === PortfolioExchangeCode[i.exchange])) continue;
    out.push({
      exchange_name: PortfolioExchangeCode[i.exchange],
      token: i.token,
      trading_symbol: i.symbol,
      lot_size: i.lotSize,
      tick_size: formatPaise(i.tickSize, 2),
    });
  }
  return out.sort((a, b) => a.exchange_name - b.exchange_name);
}

/** Portfolio API `GET /report/holdings/` rows (docs/protocol/portfolio-api.md#holding-row). */
export function reportHoldings(state: EngineState, clientcode: string, q?: QueryContext): PortfolioHolding[] {
  const acc = state.accounts.get(clientcode);
  if (!acc) return [];
  const rows: PortfolioHolding[] = [];
  for (const h of acc.holdings.values()) {
    if (holdingQty(h) <= 0) continue;
    rows.push({
      instrument: holdingListings(h, q),
      used_quantity: String(h.usedquantity),
      avg_price: formatPaise(Math.round(h.averageprice), 2),
      holding_quantity: String(h.quantity),
      dp_quantity: '0',
      non_poa_dispaly_qty: '',
      collateral_quantity: '0',
      beneficiary_quantity: '0',
      unpledged_quantity: '0',
      broker_quantity: '0',
      btst_quantity: String(h.t1quantity),
      btst_collateral_quantity: '',
    });
  }
  return rows;
}

/** Portfolio API `GET /report/positions/` rows. */
export function reportPositions(
  state: EngineState,
  clientcode: string,
  q: QueryContext,
): PortfolioPosition[] {
  const acc = state.accounts.get(clientcode);
  if (!acc) return [];
  const rows: PortfolioPosition[] = [];
  for (const p of acc.positions.values()) {
    if (isEmptyPosition(p)) continue;
    const f = positionFigures(p);
    const d = precisionOf(p);
    const m = (x: number) => formatPaise(Math.round(x), d);
    const quote = q.market.quote(p.exchange, p.symboltoken);
    const ltp = quote?.ltp ?? 0;
    const open = openOrderTotals(state, acc, p);
    const inst = q.market.instrument(p.exchange, p.symboltoken);
    rows.push({
      order_type: PORTFOLIO_PRODUCT[p.producttype],
      price_factor: '1.000000',
      day_buy_quantity: String(p.buyqty),
      day_sell_quantity: String(p.sellqty),
      day_buy_amount: m(p.buyamount),
      day_buy_avg_price: m(f.dayBuyAvg),
      day_sell_amount: m(p.sellamount),
      day_sell_avg_amount: m(f.daySellAvg),
      day_sell_avg_price: m(f.daySellAvg),
      cf_buy_quantity: p.cfbuyqty || p.cfsellqty ? String(p.cfbuyqty) : '',
      cf_sell_quantity: p.cfbuyqty || p.cfsellqty ? String(p.cfsellqty) : '',
      cf_buy_amount: p.cfbuyqty ? m(p.cfbuyamount) : '',
      cf_avg_price: p.cfbuyqty ? m(f.cfBuyAvg) : '',
      cf_sell_amount: p.cfsellqty ? m(p.cfsellamount) : '',
      cf_sell_avg_price: p.cfsellqty ? m(f.cfSellAvg) : '',
      // The original average survives the day roll; the settlement price it was carried at is the
      // upload price (docs/protocol/portfolio-api.md#position-row).
      cf_org_avg_price:
        p.cfbuyqty || p.cfsellqty ? m(p.cforgavgprice || (p.cfbuyqty ? f.cfBuyAvg : f.cfSellAvg)) : '',
      open_buy_quantity: String(open.buyQty),
      open_sell_quantity: String(open.sellQty),
      open_buy_amount: m(open.buyValue),
      open_buy_avg_price: m(open.buyQty ? open.buyValue / open.buyQty : 0),
      open_sell_amount: m(open.sellValue),
      open_sell_avg_price: m(open.sellQty ? open.sellValue / open.sellQty : 0),
      net_quantity: String(f.netQty),
      net_avg_price: m(f.netAvg),
      last_trade_price: m(ltp),
      unrealized_mtom: m(unrealisedPnl(p, ltp, f)),
      realized_pnl: m(f.realised),
      frozen_quantity: inst && Number.isFinite(inst.freezeQty) ? String(inst.freezeQty) : '0',
      // The settlement price a day roll carried the position at; 0 when no roll carried it.
      upload_price: m(p.cforgavgprice ? (p.cfbuyqty ? f.cfBuyAvg : p.cfsellqty ? f.cfSellAvg : 0) : 0),
      bep: m(breakEven(p, f)),
      exchange_name: PortfolioExchangeCode[p.exchange],
      trading_symbol: p.tradingsymbol,
      token: p.symboltoken,
      price_precision: String(d),
      tick_size: formatPaise(p.ticksize, d),
      lot_size: p.lotsize,
      multiply_factor: String(p.multiplier),
    });
  }
  return rows;
}
