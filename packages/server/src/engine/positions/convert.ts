/**
 * `convertPosition` (docs/protocol/rest.md#convert-position): moves quantity of an open position to another product, at the
 * position's own averages (day first, then carried forward).
 */
import { ErrorCode, Exchange, ProductType, TransactionType } from '@smartapi-ts/protocol';
import type { Run } from '../context.js';
import { isRejection, type Result, reject } from '../result.js';
import { insufficientFunds, productNotAllowed } from '../risk/checks.js';
import { availableFunds } from '../risk/funds.js';
import { isDeliveryProduct, positionMargin } from '../risk/margin.js';
import { holdingKey, positionKey } from '../state.js';
import type { AccountState } from '../types.js';
import { Fields, fail, INVALID_INPUT, parseBody } from '../validate.js';
import { addToHolding, applyTake, holdingFor, positionFor, takeFromPosition } from './book.js';
import { conversionCutoff } from './cutoff.js';
import { positionFigures } from './portfolio.js';

/**
 * Equity delivery conversions move the quantity into / out of T1 holdings; short equity positions cannot
 * become delivery. Failures answer `AB1017` (or the field's code); success answers `data: null`.
 */
export function convertPosition(run: Run, acc: AccountState, body: unknown): Result<null> {
  const { core, ctx, em } = run;
  const { clientcode } = acc;
  const conv = ErrorCode.POSITION_CONVERSION_FAILED;
  const parsed = parseBody(() => {
    const f = new Fields(body);
    const exchange = f.enumOf('exchange', Exchange, ErrorCode.SYMBOL_NOT_FOUND);
    const oldp = f.enumOf('oldproducttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
    const newp = f.enumOf('newproducttype', ProductType, ErrorCode.INVALID_PRODUCT_TYPE);
    const side = f.enumOf('transactiontype', TransactionType, INVALID_INPUT, 'Invalid Transaction Type');
    const qty = f.int('quantity', INVALID_INPUT, 'Invalid Quantity');
    if (qty <= 0) fail(INVALID_INPUT, 'Invalid Quantity');
    const type = f.optStr('type', INVALID_INPUT, 'Invalid type') ?? 'DAY';
    if (type !== 'DAY' && type !== 'NET') fail(INVALID_INPUT, 'Invalid type');
    const token = f.optStr('symboltoken', ErrorCode.SYMBOL_NOT_FOUND);
    const symbol = f.optStr('tradingsymbol', ErrorCode.SYMBOL_NOT_FOUND);
    const inst =
      token !== undefined
        ? ctx.market.instrument(exchange, token)
        : symbol !== undefined
          ? ctx.market.instrumentBySymbol(exchange, symbol)
          : undefined;
    if (!inst) fail(ErrorCode.SYMBOL_NOT_FOUND);
    if (oldp === newp || oldp === 'BO' || newp === 'BO')
      fail(conv, 'Position conversion failed: invalid product types');
    if (productNotAllowed(inst, newp) !== undefined) fail(conv, productNotAllowed(inst, newp));
    const late = conversionCutoff(core.intraday, ctx.market, exchange, newp, ctx.now);
    if (late !== undefined) fail(conv, late);
    const old = acc.positions.get(
      positionKey({ clientcode, exchange, symboltoken: inst.token, producttype: oldp }),
    );
    if (!old) fail(ErrorCode.POSITION_NOT_FOUND);
    const fig = positionFigures(old);
    const open = side === 'BUY' ? fig.netQty : -fig.netQty;
    if (open < qty) fail(conv, `Position conversion failed: open ${side} quantity is ${Math.max(0, open)}`);
    if (
      inst.segment === 'EQ' &&
      side === 'SELL' &&
      (isDeliveryProduct(inst, newp) || isDeliveryProduct(inst, oldp))
    ) {
      fail(conv, 'Position conversion failed: short positions cannot be converted to or from delivery');
    }
    const dayQty = side === 'BUY' ? old.buyqty : old.sellqty;
    if (type === 'DAY' && dayQty < qty)
      fail(conv, `Position conversion failed: day ${side} quantity is ${dayQty}`);
    if (isDeliveryProduct(inst, oldp) && !isDeliveryProduct(inst, newp)) {
      const h = acc.holdings.get(holdingKey({ clientcode, exchange, symboltoken: inst.token }));
      if (!h || h.t1quantity - h.usedquantity < qty)
        fail(conv, 'Position conversion failed: quantity not available');
    }
    return { inst, oldp, newp, side, qty, old };
  });
  if (isRejection(parsed)) return parsed;
  const { inst, newp, side, qty, old } = parsed;
  // Move `qty` at the position's own averages (day first, then carried forward).
  const moved = takeFromPosition(old, side, qty);
  const target = positionFor(acc, inst, newp);
  const before = positionMargin(old, core.rates, ctx.now) + positionMargin(target, core.rates, ctx.now);
  const nextOld = { ...old };
  const nextNew = { ...target };
  applyTake(nextOld, side, moved, -1);
  applyTake(nextNew, side, moved, +1);
  const after = positionMargin(nextOld, core.rates, ctx.now) + positionMargin(nextNew, core.rates, ctx.now);
  const available = availableFunds(acc, ctx.market, core.rates, ctx.now);
  if (after - before > available) return reject(conv, insufficientFunds(available, after - before));
  Object.assign(old, nextOld);
  Object.assign(target, nextNew);
  acc.positions.set(positionKey(target), target);
  em.position(old);
  em.position(target);
  const toDelivery = isDeliveryProduct(inst, newp);
  const fromDelivery = isDeliveryProduct(inst, parsed.oldp);
  if (toDelivery !== fromDelivery) {
    const h = holdingFor(acc, inst);
    if (toDelivery) addToHolding(h, qty, (moved.dayAmount + moved.cfAmount) / qty);
    else h.t1quantity -= qty;
    acc.holdings.set(holdingKey(h), h);
    em.holding(h);
  }
  return null;
}
