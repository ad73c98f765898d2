/**
 * Quickstart: log in with TOTP → place a LIMIT order → read the order book → cancel the order.
 *
 *   node --conditions=source --import tsx examples/quickstart.ts
 *
 * The limit price is set 2 % under the last traded price, so the order rests (status `open`) and
 * can be cancelled. Against the real venue this places a real order: use the paper broker.
 */
import { isApiError } from 'smartapi-ts';
import { connect, settings, toTick } from './connect.js';

const SBIN = { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' } as const;

const s = settings();
// 1. Log in. The SDK computes the TOTP code from the secret (and logs in again after midnight).
const { api, session } = await connect(s);
console.log(
  `logged in as ${session.clientCode} at ${api.root} (session valid until ${new Date(session.expiresAt).toISOString()})`,
);

try {
  // 2. Price the order off the last traded price.
  const { ltp } = await api.market.ltp(SBIN);
  const price = toTick(ltp * 0.98);
  console.log(`SBIN-EQ LTP ${ltp}; placing BUY 1 @ ${price} LIMIT`);

  // 3. Place. Rupee prices are plain numbers; the SDK sends the venue's string format.
  const { orderid, uniqueorderid } = await api.orders.place({
    ...SBIN,
    variety: 'NORMAL',
    transactiontype: 'BUY',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price,
    quantity: 1,
  });
  console.log(`placed order ${orderid} (unique id ${uniqueorderid})`);

  // 4. The order book lists every order of the day.
  const book = await api.orders.book();
  const mine = book.find((o) => o.orderid === orderid);
  console.log(`order book: ${book.length} order(s); ${orderid} is ${mine?.status ?? 'missing'}`);

  // 5. Cancel it (only an open order can be cancelled).
  if (mine?.status === 'open') {
    await api.orders.cancel({ variety: 'NORMAL', orderid });
    const after = (await api.orders.book()).find((o) => o.orderid === orderid);
    console.log(`cancelled ${orderid}: status ${after?.status ?? 'missing'}`);
  } else {
    console.log(`not cancelling: ${mine?.text ?? 'order not in book'}`);
  }
} catch (e) {
  // Every venue answer that is not a success is a typed ApiError with the venue's code.
  if (isApiError(e)) console.error(`${e.name} ${e.code}: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
} finally {
  await api.logout(); // ends the session at the broker
  api.close(); // closes the keep-alive sockets so the process can exit
}
