/**
 * The order ticket's request bodies, checked with the protocol's request rules before anything is
 * sent: the same `checkRequest()` the paper broker runs, so the ticket shows exactly the venue's
 * message (and the broker would answer the same one).
 */
import {
  checkRequest,
  Duration,
  OrderType,
  ProductType,
  type RuleResult,
  TransactionType,
  Variety,
} from '@smartapi-ts/protocol';

/** Choices of the ticket, from the protocol's enums. */
export const TICKET_CHOICES = {
  variety: Object.values(Variety),
  transactiontype: Object.values(TransactionType),
  ordertype: Object.values(OrderType),
  producttype: Object.values(ProductType),
  duration: Object.values(Duration),
} as const;

/** The ticket's fields as typed (strings, empty = not given). */
export interface TicketFields {
  variety: string;
  transactiontype: string;
  ordertype: string;
  producttype: string;
  duration: string;
  exchange: string;
  tradingsymbol: string;
  symboltoken: string;
  quantity: string;
  price: string;
  triggerprice: string;
  squareoff: string;
  stoploss: string;
  disclosedquantity: string;
  ordertag: string;
}

const OPTIONAL = ['triggerprice', 'squareoff', 'stoploss', 'disclosedquantity', 'ordertag'] as const;

/** The placeOrder body of a ticket, in the venue's string form (what the official clients send). */
export function placeOrderBody(t: TicketFields): Record<string, string> {
  const body: Record<string, string> = {
    variety: t.variety,
    tradingsymbol: t.tradingsymbol.trim(),
    symboltoken: t.symboltoken.trim(),
    transactiontype: t.transactiontype,
    exchange: t.exchange,
    ordertype: t.ordertype,
    producttype: t.producttype,
    duration: t.duration,
    price: t.price.trim() === '' ? '0' : t.price.trim(),
    quantity: t.quantity.trim(),
  };
  for (const k of OPTIONAL) {
    const v = t[k].trim();
    if (v !== '') body[k] = v;
  }
  return body;
}

/** Checks a placeOrder body with the protocol's rules. */
export function checkTicket(body: Record<string, string>): RuleResult {
  return checkRequest('placeOrder', body);
}

/** The modifyOrder body for an order of the book with a new price / quantity / trigger. */
export function modifyOrderBody(
  order: Record<string, string | number | undefined>,
  change: { price: string; quantity: string; triggerprice: string },
): Record<string, string> {
  const s = (v: unknown) => (v === undefined || v === null ? '' : String(v));
  const body: Record<string, string> = {
    variety: s(order.variety),
    orderid: s(order.orderid),
    ordertype: s(order.ordertype),
    producttype: s(order.producttype),
    duration: s(order.duration),
    price: change.price.trim(),
    quantity: change.quantity.trim(),
    tradingsymbol: s(order.tradingsymbol),
    symboltoken: s(order.symboltoken),
    exchange: s(order.exchange),
  };
  if (change.triggerprice.trim() !== '') body.triggerprice = change.triggerprice.trim();
  return body;
}

/** Checks a modifyOrder body with the protocol's rules. */
export function checkModify(body: Record<string, string>): RuleResult {
  return checkRequest('modifyOrder', body);
}
