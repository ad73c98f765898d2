/**
 * GTT (good-till-triggered) rules. Create/modify/cancel are never retried blindly; an unknown outcome
 * throws `UnknownOutcomeError` (rules carry no client tag, so check `gtt.list()` before retrying).
 * Rule ids are returned as strings; they are sent as JSON numbers when numeric, like the official clients.
 */
import {
  Exchange,
  type GttCancelRequest,
  type GttCreateRequest,
  type GttIdResponse,
  type GttModifyRequest,
  type GttRule,
  GttStatus,
  ProductType,
} from '@smartapi-ts/protocol';
import type { RequestOptions } from '../internal/core.js';
import type { ResourceContext } from './context.js';
import { asArray, buildBody, check, enumStr, fail, idVal, numVal, type Obj, obj, str } from './validate.js';

/** The numeric fields of a rule as JSON numbers (as the official clients send them). */
function gttNumbers(o: Obj): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of ['price', 'qty', 'triggerprice', 'disclosedqty', 'timeperiod'])
    if (k in o) out[k] = numVal(o, k);
  return out;
}

/** GTT rules exist on these exchanges only. */
export const GTT_EXCHANGES = [Exchange.NSE, Exchange.BSE] as const;
/** GTT rules accept these product types only. */
export const GTT_PRODUCTS = [ProductType.DELIVERY, ProductType.MARGIN] as const;

/** `gtt.list()` parameters. */
export interface GttListParams {
  /** @default ['FORALL'] */
  status?: GttStatus[];
  /** @default 1 */
  page?: number;
  /** @default 10 */
  count?: number;
}

function idOf(data: unknown, route: string): GttIdResponse {
  const id = (data as { id?: unknown } | null)?.id;
  if (id === undefined || id === null) fail(route, 'the venue answered without a rule id');
  return { id: String(id) };
}

/** The GTT resource (`api.gtt`). */
export class Gtt {
  readonly #ctx: ResourceContext;
  constructor(ctx: ResourceContext) {
    this.#ctx = ctx;
  }

  /**
   * Creates a rule. Resolves to `{ id }` (string).
   * @venue POST /rest/secure/angelbroking/gtt/v1/createRule
   */
  async create(params: GttCreateRequest, opts?: RequestOptions): Promise<GttIdResponse> {
    const R = 'gttCreateRule';
    const o = obj(R, params);
    const body = buildBody(o, {
      tradingsymbol: str(o, 'tradingsymbol'),
      symboltoken: str(o, 'symboltoken'),
      exchange: enumStr(o, 'exchange'),
      transactiontype: enumStr(o, 'transactiontype'),
      producttype: enumStr(o, 'producttype'),
      ...gttNumbers(o),
    });
    check(R, body);
    return idOf((await this.#ctx.core.call(R, { body }, opts)).data, R);
  }

  /**
   * Modifies a rule. Resolves to `{ id }`.
   * @venue POST /rest/secure/angelbroking/gtt/v1/modifyRule
   */
  async modify(params: GttModifyRequest, opts?: RequestOptions): Promise<GttIdResponse> {
    const R = 'gttModifyRule';
    const o = obj(R, params);
    const body = buildBody(o, {
      id: idVal(o.id),
      symboltoken: str(o, 'symboltoken'),
      exchange: enumStr(o, 'exchange'),
      ...gttNumbers(o),
    });
    check(R, body);
    return idOf((await this.#ctx.core.call(R, { body }, opts)).data, R);
  }

  /**
   * Cancels a rule. Resolves to `{ id }`.
   * @venue POST /rest/secure/angelbroking/gtt/v1/cancelRule
   */
  async cancel(params: GttCancelRequest, opts?: RequestOptions): Promise<GttIdResponse> {
    const R = 'gttCancelRule';
    const o = obj(R, params);
    const body = buildBody(o, {
      id: idVal(o.id),
      symboltoken: str(o, 'symboltoken'),
      exchange: enumStr(o, 'exchange'),
    });
    check(R, body);
    return idOf((await this.#ctx.core.call(R, { body }, opts)).data, R);
  }

  /**
   * One rule (values as the venue sends them).
   * @venue POST /rest/secure/angelbroking/gtt/v1/ruleDetails
   */
  async details(id: string | number, opts?: RequestOptions): Promise<GttRule> {
    const R = 'gttRuleDetails';
    const body = { id: idVal(id) };
    check(R, body);
    const rule = (await this.#ctx.core.call(R, { body }, opts)).data as GttRule;
    if (rule && typeof rule === 'object' && rule.id === undefined) rule.id = String(body.id);
    return rule;
  }

  /**
   * Rules filtered by status, paged. `[]` when none.
   * @venue POST /rest/secure/angelbroking/gtt/v1/ruleList
   */
  async list(params: GttListParams = {}, opts?: RequestOptions): Promise<GttRule[]> {
    const R = 'gttRuleList';
    const o = obj(R, params);
    const body = {
      status: o.status ?? [GttStatus.FORALL],
      page: numVal({ page: o.page ?? 1 }, 'page'),
      count: numVal({ count: o.count ?? 10 }, 'count'),
    };
    check(R, body);
    return asArray<GttRule>((await this.#ctx.core.call(R, { body }, opts)).data);
  }
}
