/**
 * `margin/v1/batch` (docs/protocol/rest.md#margin-batch): the margin of up to 50 hypothetical positions
 * as one portfolio, priced with the engine's margin rules (price 0 = the LTP), split into the venue's
 * components. docs/paper-broker-rules.md#margin.
 */
import type { MarginResponse } from '@smartapi-ts/protocol';
import { ErrorCode, Exchange, ProductType, TransactionType } from '@smartapi-ts/protocol';
import type { Result } from '../result.js';
import { snapshotOf } from '../state.js';
import type { MarginRates, QueryContext } from '../types.js';
import { Fields, fail, INVALID_INPUT, parseBody } from '../validate.js';
import { rupees } from '../views.js';
import { isDeliveryProduct, isOption } from './margin.js';
import { type MarginLeg, type PortfolioMargin, portfolioMargin } from './portfolio-margin.js';

/** SPAN + exposure, delivery margin and premium of the equity-derivative legs of `pm` (paise). */
function derivativeTotals(pm: PortfolioMargin): {
  span: number;
  delivery: number;
  long: number;
  short: number;
} {
  const t = { span: 0, delivery: 0, long: 0, short: 0 };
  for (const g of pm.groups) {
    t.span += g.span + g.exposure;
    t.delivery += g.delivery;
    t.long += g.longPremium;
    t.short += g.shortPremium;
  }
  return t;
}

/**
 * The batch margin of `body.positions`, margined as one portfolio (equity derivatives: SPAN per
 * underlying + exposure; `marginBenefit` = Σ the legs' standalone SPAN + exposure − the portfolio's);
 * `AB1018` for unknown tokens.
 */
export function marginBatch(rates: MarginRates, body: unknown, q: QueryContext): Result<MarginResponse> {
  return parseBody(() => {
    const f = new Fields(body);
    const list = f.obj.positions;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50)
      fail(INVALID_INPUT, 'positions must hold 1 to 50 entries');
    const legs: MarginLeg[] = [];
    const optionDetails: MarginResponse['optionsBuy']['optionDetails'] = [];
    for (const raw of list) {
      const p = new Fields(raw);
      const exchange = p.enumOf('exchange', Exchange, INVALID_INPUT, 'Invalid exchange');
      const product = p.enumOf('productType', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
      const side = p.enumOf('tradeType', TransactionType, INVALID_INPUT, 'Invalid tradeType');
      const qty = p.int('qty', INVALID_INPUT, 'Invalid qty');
      if (qty <= 0) fail(INVALID_INPUT, 'Invalid qty');
      const token = p.str('token', ErrorCode.SYMBOL_TOKEN_EMPTY);
      const inst = q.market.instrument(exchange, token);
      if (!inst?.tradable) fail(ErrorCode.SYMBOL_DETAILS_FAILED);
      let price = p.optPaise('price', INVALID_INPUT, 'Invalid price') ?? 0;
      if (price <= 0) price = q.market.quote(exchange, token)?.ltp ?? 0;
      const snap = snapshotOf(inst);
      legs.push({ inst: snap, product, qty: side === 'BUY' ? qty : -qty, multiplier: 1, price });
      if (isOption(snap) && side === 'BUY') {
        optionDetails.push({
          exchange,
          productType: product,
          token,
          lotMultiplier: inst.lotSize,
          optionPremium: rupees(Math.ceil(price * qty - 1e-9)),
        });
      }
    }
    const pm = portfolioMargin(legs, q.market, q.now, rates);
    const d = derivativeTotals(pm);
    let span = d.span;
    let delivery = d.delivery;
    let nonNfo = 0;
    let premium = d.long;
    let netPremium = d.long - d.short;
    for (const { leg, margin } of pm.flat) {
      if (leg.inst.segment === 'EQ') {
        if (isDeliveryProduct(leg.inst, leg.product)) delivery += margin;
        else nonNfo += margin;
      } else if (isOption(leg.inst) && leg.qty > 0) {
        premium += margin;
        netPremium += margin;
      } else {
        if (isOption(leg.inst)) netPremium -= leg.price * -leg.qty;
        span += margin;
      }
    }
    // Standalone margins of each leg: the benefit, and the split of the portfolio figure by exchange/product.
    const standalone = legs.map((l) => {
      const one = portfolioMargin([l], q.market, q.now, rates);
      const t = derivativeTotals(one);
      return {
        leg: l,
        span: t.span,
        fo: t.span + t.delivery + t.long,
        other: one.flat.reduce((a, x) => a + x.margin, 0),
      };
    });
    const standaloneFo = standalone.reduce((a, x) => a + x.fo, 0);
    const portfolioFo = d.span + d.delivery + d.long;
    const standaloneSpan = standalone.reduce((a, x) => a + x.span, 0);
    const benefit = Math.max(0, standaloneSpan - d.span);
    const scale = standaloneFo > 0 ? portfolioFo / standaloneFo : 0;
    const breakup = new Map<string, { exchange: string; productType: string; totalMarginRequired: number }>();
    for (const s of standalone) {
      const k = `${s.leg.inst.exchange}|${s.leg.product}`;
      const b = breakup.get(k) ?? {
        exchange: s.leg.inst.exchange,
        productType: s.leg.product,
        totalMarginRequired: 0,
      };
      b.totalMarginRequired += s.fo * scale + s.other;
      breakup.set(k, b);
    }
    const whole = (x: number) => Math.max(0, Math.ceil(x - 1e-9));
    const total = whole(span) + whole(delivery) + whole(nonNfo) + whole(premium);
    return {
      totalMarginRequired: rupees(total),
      marginComponents: {
        netPremium: rupees(Math.round(netPremium)),
        spanMargin: rupees(whole(span)),
        marginBenefit: rupees(Math.floor(benefit + 1e-9)),
        deliveryMargin: rupees(whole(delivery)),
        nonNFOMargin: rupees(whole(nonNfo)),
        totOptionsPremium: rupees(whole(premium)),
      },
      marginBreakup: [...breakup.values()].map((b) => ({
        ...b,
        totalMarginRequired: rupees(whole(b.totalMarginRequired)),
      })),
      optionsBuy: { totOptionsPremium: rupees(whole(premium)), optionDetails },
    };
  });
}
