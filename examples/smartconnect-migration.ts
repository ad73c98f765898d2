/**
 * Migrating from the official clients (smartapi-python / smartapi-javascript): `SmartConnect` keeps
 * their method names — generateSession, ltpData, placeOrder, orderBook, cancelOrder, position,
 * terminateSession — on top of the typed client, so existing code ports line by line.
 *
 *   node --conditions=source --import tsx examples/smartconnect-migration.ts
 *
 * Two differences: every method returns a promise, and failures throw typed errors (`ApiError` with
 * the venue's `code`) instead of returning `{ status: false }` envelopes.
 */
import { isApiError, SmartConnect, totpCode } from 'smartapi-ts';
import { settings, toTick } from './connect.js';

const s = settings();

// Python: obj = SmartConnect(api_key=API_KEY)  — plus the paper broker's root.
const obj = new SmartConnect({ api_key: s.apiKey, root: s.root });

try {
  // Python: data = obj.generateSession(CLIENT_CODE, PIN, pyotp.TOTP(SECRET).now())
  const data = await obj.generateSession(s.clientCode, s.pin, totpCode(s.totpSecret, Date.now()));
  const feedToken = obj.getfeedToken();
  console.log(
    `generateSession: ${data.message}; user ${obj.getUserId()}; feed token ${feedToken ? 'received' : 'missing'}`,
  );

  // Python: obj.ltpData("NSE", "SBIN-EQ", "3045")
  const ltp = await obj.ltpData('NSE', 'SBIN-EQ', '3045');
  console.log(`ltpData: SBIN-EQ ${ltp.data.ltp}`);

  // Python: orderid = obj.placeOrder(orderparams)   (returns the order id string, like Python)
  const orderparams = {
    variety: 'NORMAL',
    tradingsymbol: 'SBIN-EQ',
    symboltoken: '3045',
    transactiontype: 'BUY',
    exchange: 'NSE',
    ordertype: 'LIMIT',
    producttype: 'INTRADAY',
    duration: 'DAY',
    price: String(toTick(ltp.data.ltp * 0.98)),
    squareoff: '0',
    stoploss: '0',
    quantity: '1',
  };
  const orderid = await obj.placeOrder(orderparams);
  console.log(`placeOrder: ${orderid}`);

  // Python: obj.orderBook()
  const book = await obj.orderBook();
  const row = book.data.find((o) => o.orderid === orderid);
  console.log(`orderBook: ${book.data.length} order(s); ${orderid} ${row?.status ?? 'missing'}`);

  // Python: obj.cancelOrder(orderid, "NORMAL")   (JS: obj.cancelOrder({ variety, orderid }))
  const cancelled = await obj.cancelOrder(orderid, 'NORMAL');
  console.log(`cancelOrder: ${cancelled.message} ${cancelled.data.orderid}`);

  // Python: obj.position() / JS: obj.getPosition()
  const positions = await obj.position();
  console.log(`position: ${positions.data?.length ?? 0} row(s)`);

  // The typed client is underneath for a gradual migration: obj.api.orders.book() etc.
  const trades = await obj.api.orders.trades();
  console.log(`typed client: ${trades.length} trade(s) today`);
} catch (e) {
  if (isApiError(e)) console.error(`${e.code}: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
} finally {
  // Python: obj.terminateSession(CLIENT_CODE)
  if (obj.api.session) await obj.terminateSession(s.clientCode).catch(() => {});
  obj.api.close();
}
