/**
 * EDIS (simulated CDSL): `verifyDis` authorises a holding for today at once, `generateTPIN` checks its
 * fields, `getTranStatus` reports whether a request id authorised a holding today.
 */
import type { TranStatusResponse, VerifyDisResponse } from '@smartapi-ts/protocol';
import { ErrorCode, istDayStart } from '@smartapi-ts/protocol';
import type { Run } from './context.js';
import { holdingQty } from './positions/book.js';
import { isRejection, type Result, reject } from './result.js';
import type { AccountState, EngineState, QueryContext } from './types.js';
import { Fields, fail, parseBody } from './validate.js';

/**
 * EDIS `verifyDis`. `AG1000` (with data) when the holding was already authorised today; `AG2001` for an
 * unknown ISIN.
 */
export function verifyDis(run: Run, acc: AccountState, body: unknown): Result<VerifyDisResponse> {
  const { ctx, em } = run;
  const { clientcode } = acc;
  const parsed = parseBody(() => {
    const f = new Fields(body, ErrorCode.EDIS_FAILED);
    const isin = f.str('isin', ErrorCode.EDIS_FAILED);
    const qty = f.int('quantity', ErrorCode.EDIS_FAILED);
    if (qty <= 0) fail(ErrorCode.EDIS_FAILED);
    const h = [...acc.holdings.values()].find((x) => x.isin === isin && holdingQty(x) > 0);
    if (!h) fail(ErrorCode.EDIS_FAILED);
    return { h, qty };
  });
  if (isRejection(parsed)) return parsed;
  const { h, qty } = parsed;
  const today = istDayStart(ctx.now);
  if (h.authorisedday === today) {
    const data: VerifyDisResponse = {
      ReqId: h.edisreqid,
      ReturnURL: null,
      DPId: null,
      BOID: null,
      TransDtls: null,
      version: null,
    };
    return reject(ErrorCode.EDIS_ALREADY_REGISTERED, undefined, data);
  }
  const reqId = ctx.ids.exchangeOrderId();
  h.authorisedday = today;
  h.authorisedquantity = Math.min(qty, holdingQty(h));
  h.edisreqid = reqId;
  em.holding(h);
  const trans = btoa(
    JSON.stringify({ ReqId: reqId, ISIN: h.isin, Quantity: h.authorisedquantity, ClientCode: clientcode }),
  );
  return {
    ReqId: reqId,
    ReturnURL: '',
    DPId: '33200',
    BOID: `12033200${clientcode.replace(/\D/g, '').padStart(8, '0').slice(-8)}`,
    TransDtls: trans,
    version: '1.1',
  };
}

/** EDIS `generateTPIN`: `data: null` when `dpId`, `ReqId`, `boid` and `pan` are present. */
export function generateTpin(body: unknown): Result<null> {
  return parseBody(() => {
    const f = new Fields(body, ErrorCode.EDIS_FAILED);
    for (const k of ['dpId', 'ReqId', 'boid', 'pan']) f.str(k, ErrorCode.EDIS_FAILED);
    return null;
  });
}

/** EDIS `getTranStatus`: `Status` `"1"` when `ReqId` authorised a holding today, else `"0"`. */
export function getTranStatus(
  state: EngineState,
  clientcode: string,
  body: unknown,
  q: QueryContext,
): Result<TranStatusResponse> {
  const acc = state.accounts.get(clientcode);
  if (!acc) return reject(ErrorCode.USER_NOT_FOUND);
  return parseBody(() => {
    const f = new Fields(body, ErrorCode.EDIS_FAILED);
    const reqId = f.str('ReqId', ErrorCode.EDIS_FAILED);
    const today = istDayStart(q.now);
    const ok = [...acc.holdings.values()].some((h) => h.edisreqid === reqId && h.authorisedday === today);
    const t = new Date(q.now + 330 * 60_000).toISOString();
    const resTime = `${t.slice(8, 10)}${t.slice(5, 7)}${t.slice(0, 4)}${t.slice(11, 13)}${t.slice(14, 16)}${t.slice(17, 19)}`;
    return {
      TransResDtls: {
        ReqId: reqId,
        ReqType: 'D',
        ResId: reqId,
        ResStatus: ok ? '0' : '1',
        ResTime: resTime,
        ResError: ok ? '' : 'Request not found',
        Remarks: '',
        RecordResDtls: [{ TxnReqId: reqId, TxnId: reqId, Status: ok ? '1' : '0', Errorcode: ok ? '' : 'NA' }],
      },
    };
  });
}
