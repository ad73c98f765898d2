/**
 * Order updates with `OrderFeed`: connect, place a resting LIMIT order and a MARKET order, cancel the
 * LIMIT one, and print every push (AB09 open pending → AB01 open → AB02 cancelled / AB05 complete).
 *
 *   node --conditions=source --import tsx examples/order-updates.ts
 *
 * Exits once both orders reached a final state (or after ORDER_UPDATES_TIMEOUT seconds, default 20).
 */
import { OrderFeed, type OrderUpdate } from 'smartapi-ts';
import { connect, numberArg, settings, toTick } from './connect.js';

const timeoutSec = numberArg('timeout', 'ORDER_UPDATES_TIMEOUT', 20);
const SBIN = { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' } as const;
const FINAL = new Set(['complete', 'cancelled', 'rejected']);

const { api } = await connect(settings());

// fromClient: the JWT comes from the session and the URL from the client's root
// (ws://127.0.0.1:8080/smart-order-update here). After a reconnect the feed re-reads the order book
// and emits `synthetic` updates for anything it missed while disconnected.
const feed = OrderFeed.fromClient(api);
feed.on('error', (err) => console.warn(`order feed error: ${err.name} ${err.message}`));
feed.on('connected', () => console.log('order feed ready (AB00)'));

const finals = new Map<string, string>();
let wanted: string[] = [];
let done: () => void = () => {};
const allFinal = new Promise<void>((resolve) => {
  done = resolve;
});
feed.on('update', (u: OrderUpdate) => {
  const o = u.order;
  console.log(
    `${u.code} ${u.status.padEnd(14)} order ${o.orderid} ${o.transactiontype} ${o.quantity} ${o.tradingsymbol}` +
      ` filled ${o.filledshares}${u.synthetic ? ' (synthetic)' : ''}`,
  );
  if (FINAL.has(u.status)) finals.set(String(o.orderid), u.status);
  if (wanted.length > 0 && wanted.every((id) => finals.has(id))) done();
});

try {
  await feed.connect();
  const { ltp } = await api.market.ltp(SBIN);
  const base = { ...SBIN, variety: 'NORMAL', producttype: 'INTRADAY', duration: 'DAY' } as const;

  // A LIMIT buy 3 % under the market rests open; a MARKET buy fills at once.
  const limit = await api.orders.place({
    ...base,
    transactiontype: 'BUY',
    ordertype: 'LIMIT',
    price: toTick(ltp * 0.97),
    quantity: 1,
  });
  const market = await api.orders.place({
    ...base,
    transactiontype: 'BUY',
    ordertype: 'MARKET',
    quantity: 1,
  });
  console.log(`placed LIMIT ${limit.orderid} and MARKET ${market.orderid}`);
  await api.orders.cancel({ variety: 'NORMAL', orderid: limit.orderid });
  wanted = [limit.orderid, market.orderid];
  if (wanted.every((id) => finals.has(id))) done();

  const timer = setTimeout(() => done(), timeoutSec * 1000);
  await allFinal;
  clearTimeout(timer);
  for (const id of wanted) console.log(`final: ${id} ${finals.get(id) ?? 'no final update yet'}`);
  if (!wanted.every((id) => finals.has(id))) process.exitCode = 1;
} catch (e) {
  console.error(e);
  process.exitCode = 1;
} finally {
  await feed.close();
  await api.logout();
  api.close();
}
