/** The default fee model: nothing is deducted from funds (charges per fill come in a later issue). */
import type { FeeCharge, FeeModel } from '../ports.js';
import type { TradeRecord } from '../types.js';

/** Charges nothing. */
export class NoFeeModel implements FeeModel {
  feeForFill(_trade: TradeRecord): FeeCharge {
    return { amount: 0 };
  }
}
