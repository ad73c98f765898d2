/**
 * Helpers of the admin-API tests: venue calls over HTTP (place an order, read the books). Waiting uses
 * testkit's `eventually`.
 */
import { ROUTES } from '@smartapi-ts/protocol';
import type { PaperBroker } from '@smartapi-ts/testkit';

/** 2026-12-03 (a Thursday) at `hh:mm` IST, epoch ms. */
export function ist(hhmm: string, day = '2026-12-03'): number {
  return Date.parse(`${day}T${hhmm}:00+05:30`);
}

/** A venue envelope. */
export interface Envelope {
  status: boolean;
  message: string;
  errorcode: string;
  // biome-ignore lint/suspicious/noExplicitAny: tests read nested fields freely
  data: any;
}

/** Calls a venue route with the broker's standard headers. */
export async function venue(
  broker: PaperBroker,
  jwt: string,
  route: keyof typeof ROUTES,
  body?: unknown,
): Promise<{ status: number; text: string; body: Envelope | undefined }> {
  const r = ROUTES[route];
  const res = await fetch(broker.url + r.path, {
    method: r.method,
    headers: broker.headers(jwt),
    ...(r.method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
  });
  const text = await res.text();
  let parsed: Envelope | undefined;
  try {
    parsed = JSON.parse(text) as Envelope;
  } catch {
    parsed = undefined;
  }
  return { status: res.status, text, body: parsed };
}

/** A SBIN limit (or market) order body. */
export function sbinOrder(over: Record<string, string> = {}): Record<string, string> {
  return {
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'MARKET',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: '0',
    quantity: '10',
    ...over,
  };
}

/** The order book rows (empty array for `data: null`). */
// biome-ignore lint/suspicious/noExplicitAny: order rows
export async function orderBook(broker: PaperBroker, jwt: string): Promise<any[]> {
  const r = await venue(broker, jwt, 'getOrderBook');
  return (r.body?.data as unknown[] | null) ?? [];
}
