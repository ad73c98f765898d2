/**
 * Portfolio margin of an account or a basket (docs/paper-broker-rules.md#margin). Equity derivatives
 * (NFO / BFO) are grouped by underlying and margined with the SPAN-like risk array of `span.ts` plus
 * exposure margin, the extra exposure margin on expiry day and the delivery margin of physically settled
 * stock derivatives; everything else (cash equity, commodity, currency) keeps the per-position rules of
 * `margin.ts`. Pure: market data and time arrive as arguments.
 */
import type { Exchange, ProductType } from '@smartapi-ts/protocol';
import { istDayStart } from '@smartapi-ts/protocol';
import type { MarketView } from '../ports.js';
import { positionFigures } from '../positions/portfolio.js';
import { ruleAt } from '../rules/dated.js';
import { isTradingDay } from '../rules/intraday.js';
import {
  DELIVERY_MARGIN,
  EXPIRY_DAY_ELM,
  intradayLeverage,
  SPAN_PARAMS,
  SPAN_PRICING,
  type SpanClass,
} from '../rules/margin.js';
import type { AccountState, InstrumentSnapshot, MarginRates } from '../types.js';
import { isOption, marginFor } from './margin.js';
import { impliedVol, legValue, type SpanLeg, spanFigures } from './span.js';

const DAY_MS = 86_400_000;
const YEAR_MS = 365 * DAY_MS;
/** Options and futures expire at the 15:30 IST close of their expiry day [INF: NSE/BSE close]. */
const EXPIRY_CLOSE_MS = (15 * 60 + 30) * 60_000;

/** One position (or hypothetical position) of a portfolio. */
export interface MarginLeg {
  inst: InstrumentSnapshot;
  product: ProductType;
  /** Signed units (long > 0), before the contract multiplier. */
  qty: number;
  /** Contract multiplier (1 for equity derivatives). */
  multiplier: number;
  /** Price per unit the leg was (or would be) traded at (paise): the premium of options. */
  price: number;
}

/** Margin of the legs on one underlying (paise, fractional). */
export interface GroupMargin {
  key: string;
  name: string;
  cls: SpanClass;
  scan: number;
  somc: number;
  nov: number;
  /** The exchange's SPAN requirement: max(0, max(scan, somc) − nov). */
  span: number;
  exposure: number;
  /** Part of `exposure` due to the extra ELM on expiry day. */
  expiryExposure: number;
  delivery: number;
  /** Premium of the long options at their trade price. */
  longPremium: number;
  /** Premium of the short options at their trade price. */
  shortPremium: number;
  /**
   * What the RMS holds against the group: max(max(scan, somc), nov) + exposure + delivery. The premium
   * of an option is not a cash flow in the paper books (it sits in the position's P&L), so the long
   * options' value is held instead of being paid, and a short's received premium is not credited.
   */
  held: number;
}

/** One leg margined by the per-position rules. */
export interface FlatMargin {
  leg: MarginLeg;
  margin: number;
}

/** Margin of a whole portfolio. */
export interface PortfolioMargin {
  groups: GroupMargin[];
  flat: FlatMargin[];
  /** Σ group `held` + Σ flat margins (paise, whole). */
  total: number;
}

/** SPAN class of a derivative. */
export function spanClass(inst: Pick<InstrumentSnapshot, 'instrumenttype'>): SpanClass {
  return inst.instrumenttype.endsWith('STK') ? 'stock' : 'index';
}

/** True for an equity derivative (NFO / BFO), margined by SPAN. */
export function isEquityDerivative(inst: Pick<InstrumentSnapshot, 'segment' | 'exchange'>): boolean {
  return inst.segment === 'FO' && (inst.exchange === 'NFO' || inst.exchange === 'BFO');
}

/** Exchange of the underlying of an equity derivative (NFO → NSE, BFO → BSE). */
function underlyingExchange(ex: Exchange): Exchange | undefined {
  if (ex === 'NFO') return 'NSE';
  if (ex === 'BFO') return 'BSE';
  return undefined;
}

/** Trading days from the IST day of `now` to the expiry day (0 on the expiry day); undefined past it. */
export function tradingDaysToExpiry(
  market: MarketView,
  exchange: Exchange,
  expiry: number,
  now: number,
): number | undefined {
  const today = istDayStart(now);
  if (expiry < today) return undefined;
  let n = 0;
  for (let d = today + DAY_MS; d <= expiry && n < 30; d += DAY_MS) {
    if (isTradingDay(market, exchange, d)) n++;
  }
  return n;
}

interface Resolved {
  key: string;
  name: string;
  cls: SpanClass;
  spot: number;
  leg: SpanLeg;
  src: MarginLeg;
}

function resolve(l: MarginLeg, market: MarketView, now: number): Resolved | undefined {
  const { inst } = l;
  if (!isEquityDerivative(inst)) return undefined;
  const ux = underlyingExchange(inst.exchange);
  const full = market.instrument(inst.exchange, inst.symboltoken);
  if (!ux || !full?.underlyingToken) return undefined;
  const spot = market.quote(ux, full.underlyingToken)?.ltp ?? 0;
  if (spot <= 0) return undefined;
  const cls = spanClass(inst);
  const { rate, defaultVol } = ruleAt(SPAN_PRICING, now);
  const years = Math.max(0, (inst.expiry + EXPIRY_CLOSE_MS - now) / YEAR_MS);
  const qty = l.qty * l.multiplier;
  const ltp = market.quote(inst.exchange, inst.symboltoken)?.ltp ?? 0;
  let leg: SpanLeg;
  if (isOption(inst)) {
    const kind = inst.optiontype as 'CE' | 'PE';
    const vol = impliedVol(kind, ltp, spot, inst.strike, years, rate) ?? defaultVol[cls];
    leg = { kind, qty, strike: inst.strike, years, vol, price: ltp };
  } else {
    leg = { kind: 'FUT', qty, strike: 0, years, vol: defaultVol[cls], price: ltp > 0 ? ltp : spot };
  }
  return { key: `${ux}:${full.underlyingToken}`, name: inst.name, cls, spot, leg, src: l };
}

/**
 * Legs on the same contract netted into one: equity derivatives across products (one SPAN portfolio),
 * everything else per product as well (as positions are); the net leg's price is the average of the legs
 * on its side.
 */
export function netLegs(legs: readonly MarginLeg[]): MarginLeg[] {
  // One leg (an account with one position, the common case) nets to itself: no key, no map.
  if (legs.length === 1) return legs[0]!.qty === 0 ? [] : [legs[0]!];
  const by = new Map<string, MarginLeg[]>();
  for (const l of legs) {
    if (l.qty === 0) continue;
    const k = `${l.inst.exchange}:${l.inst.symboltoken}${isEquityDerivative(l.inst) ? '' : `:${l.product}`}`;
    const list = by.get(k) ?? [];
    list.push(l);
    by.set(k, list);
  }
  const out: MarginLeg[] = [];
  for (const list of by.values()) {
    if (list.length === 1) {
      out.push(list[0]!);
      continue;
    }
    const qty = list.reduce((a, l) => a + l.qty, 0);
    if (qty === 0) continue;
    const side = list.filter((l) => Math.sign(l.qty) === Math.sign(qty));
    const units = side.reduce((a, l) => a + Math.abs(l.qty), 0);
    const price = side.reduce((a, l) => a + Math.abs(l.qty) * l.price, 0) / units;
    out.push({ ...side[side.length - 1]!, qty, price });
  }
  return out;
}

/** Margin of `legs` at `now` (legs on the same contract are netted first). */
export function portfolioMargin(
  legs: readonly MarginLeg[],
  market: MarketView,
  now: number,
  rates: MarginRates,
): PortfolioMargin {
  // Built on the first equity-derivative leg (accounts with only flat-margined positions need none).
  let groups: Map<string, Resolved[]> | undefined;
  const flat: FlatMargin[] = [];
  for (const l of netLegs(legs)) {
    const r = resolve(l, market, now);
    if (!r) {
      const side = l.qty > 0 ? 'BUY' : 'SELL';
      flat.push({
        leg: l,
        margin: marginFor(l.inst, l.product, side, Math.abs(l.qty), l.price, rates, l.multiplier, now),
      });
      continue;
    }
    groups ??= new Map();
    const list = groups.get(r.key) ?? [];
    list.push(r);
    groups.set(r.key, list);
  }
  const out: GroupMargin[] = [];
  if (groups === undefined) return withTotal(out, flat);
  const today = istDayStart(now);
  for (const [key, list] of groups) {
    const first = list[0]!;
    const p = ruleAt(SPAN_PARAMS[first.cls], now);
    const { rate } = ruleAt(SPAN_PRICING, now);
    const spot = first.spot;
    const f = spanFigures(
      list.map((r) => r.leg),
      spot,
      p,
      rate,
    );
    let exposure = 0;
    let expiryExposure = 0;
    let delivery = 0;
    let longPremium = 0;
    let shortPremium = 0;
    const extra = ruleAt(EXPIRY_DAY_ELM, now);
    const deliveryTable = ruleAt(DELIVERY_MARGIN, now);
    for (const r of list) {
      const { leg, src } = r;
      const units = Math.abs(leg.qty);
      const opt = leg.kind !== 'FUT';
      if (opt) {
        if (leg.qty > 0) longPremium += units * src.price;
        else shortPremium += units * src.price;
      }
      if (!opt || leg.qty < 0) {
        const notional = units * (opt ? spot : legValue(leg, spot, spot, leg.vol, rate));
        exposure += p.exposure * notional;
        if (opt && r.cls === 'index' && src.inst.expiry === today && extra > 0) {
          exposure += extra * notional;
          expiryExposure += extra * notional;
        }
      }
      if (r.cls === 'stock') {
        const days = tradingDaysToExpiry(market, src.inst.exchange, src.inst.expiry, now);
        const pct = days === undefined ? 0 : (deliveryTable[days] ?? 0);
        const itm = !opt || (leg.kind === 'CE' ? spot > leg.strike : spot < leg.strike);
        if (pct > 0 && itm) {
          const varElm = 1 / intradayLeverage(r.name, now);
          const contract = units * (opt ? leg.strike : leg.price);
          delivery += pct * varElm * contract;
        }
      }
    }
    const x = Math.max(f.scan, f.somc);
    out.push({
      key,
      name: first.name,
      cls: first.cls,
      ...f,
      exposure,
      expiryExposure,
      delivery,
      longPremium,
      shortPremium,
      held: Math.max(x, f.nov) + exposure + delivery,
    });
  }
  return withTotal(out, flat);
}

/** The portfolio margin of its groups and flat legs: their sum, whole paise rounded up. */
function withTotal(out: GroupMargin[], flat: FlatMargin[]): PortfolioMargin {
  let total = 0;
  for (const g of out) total += g.held;
  for (const fl of flat) total += fl.margin;
  return { groups: out, flat, total: Math.max(0, Math.ceil(total - 1e-9)) };
}

/** The account's open positions as margin legs (net quantity at the net average price). */
export function positionLegs(acc: AccountState): MarginLeg[] {
  const out: MarginLeg[] = [];
  for (const p of acc.positions.values()) {
    const f = positionFigures(p);
    if (f.netQty === 0) continue;
    out.push({ inst: p, product: p.producttype, qty: f.netQty, multiplier: p.multiplier, price: f.netAvg });
  }
  return out;
}
