/**
 * `margin/v1/batch` (docs/protocol/rest.md#margin-batch): the margin of up to 50 hypothetical positions, priced with the
 * engine's margin rules (price 0 = the LTP), split into the venue's components.
 */
import type { MarginResponse } from '@smartapi-ts/protocol';
import { ErrorCode, Exchange, ProductType, TransactionType } from '@smartapi-ts/protocol';
import type { Result } from '../result.js';
import { snapshotOf } from '../state.js';
import type { MarginRates, QueryContext } from '../types.js';
import { Fields, fail, INVALID_INPUT, parseBody } from '../validate.js';
import { rupees } from '../views.js';
import { isDeliveryProduct, isOption, marginFor } from './margin.js';

/** The batch margin of `body.positions`; `AB1018` for unknown tokens. */
export function marginBatch(rates: MarginRates, body: unknown, q: QueryContext): Result<MarginResponse> {
  return parseBody(() => {
    const f = new Fields(body);
    const list = f.obj.positions;
    if (!Array.isArray(list) || list.length === 0 || list.length > 50)
      fail(INVALID_INPUT, 'positions must hold 1 to 50 entries');
    let span = 0;
    let delivery = 0;
    let nonNfo = 0;
    let premium = 0;
    let netPremium = 0;
    const breakup = new Map<string, { exchange: string; productType: string; totalMarginRequired: number }>();
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
      const m = marginFor(snap, product, side, qty, price, rates);
      if (inst.segment === 'EQ') {
        if (isDeliveryProduct(snap, product)) delivery += m;
        else nonNfo += m;
      } else if (isOption(snap) && side === 'BUY') {
        premium += m;
        netPremium += m;
        optionDetails.push({
          exchange,
          productType: product,
          token,
          lotMultiplier: inst.lotSize,
          optionPremium: rupees(m),
        });
      } else {
        if (isOption(snap)) netPremium -= price * qty;
        span += m;
      }
      const k = `${exchange}|${product}`;
      const b = breakup.get(k) ?? { exchange, productType: product, totalMarginRequired: 0 };
      b.totalMarginRequired += m;
      breakup.set(k, b);
    }
    const total = span + delivery + nonNfo + premium;
    return {
      totalMarginRequired: rupees(total),
      marginComponents: {
        netPremium: rupees(netPremium),
        spanMargin: rupees(span),
        marginBenefit: 0,
        deliveryMargin: rupees(delivery),
        nonNFOMargin: rupees(nonNfo),
        totOptionsPremium: rupees(premium),
      },
      marginBreakup: [...breakup.values()].map((b) => ({
        ...b,
        totalMarginRequired: rupees(b.totalMarginRequired),
      })),
      optionsBuy: { totOptionsPremium: rupees(premium), optionDetails },
    };
  });
}
