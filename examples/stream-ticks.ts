/**
 * Stream live ticks with `MarketFeed` and `for await`, for a few seconds, then close.
 *
 *   node --conditions=source --import tsx examples/stream-ticks.ts --seconds 5
 *   (or STREAM_SECONDS=5; default 10)
 */
import { FeedAuthError, MarketFeed } from 'smartapi-ts';
import { connect, numberArg, settings } from './connect.js';

const seconds = numberArg('seconds', 'STREAM_SECONDS', 10);
const { api } = await connect(settings());

// The feed reads clientCode / apiKey / jwtToken / feedToken from the client's session and follows
// token refreshes. Its URL comes from the client's root (ws://127.0.0.1:8080/smart-stream here);
// pass { url } to override.
const feed = MarketFeed.fromClient(api);
feed.on('error', (err) => console.warn(`feed error: ${err.name} ${err.message}`));
feed.on('stateChange', ({ from, to }) => console.log(`feed ${from} → ${to}`));

// SnapQuote (mode 3) for SBIN and RELIANCE, LTP (mode 1) for the NIFTY 50 index.
feed.subscribe('snapQuote', ['nse_cm|3045', 'nse_cm|2885']);
feed.subscribe('ltp', [{ exchange: 'NSE', token: '99926000' }]);

let count = 0;
try {
  await feed.connect();
  // Stop iterating `seconds` after the feed is open (login and connect can take a while on a busy
  // machine): the loop ends cleanly when the signal aborts.
  const signal = AbortSignal.timeout(seconds * 1000);
  for await (const tick of feed.ticks({ signal })) {
    count++;
    if (tick.mode === 3) {
      const bid = tick.bestBids[0]?.price ?? 0;
      const ask = tick.bestAsks[0]?.price ?? 0;
      console.log(
        `${tick.token} ltp ${tick.lastTradedPrice} bid ${bid} ask ${ask} vol ${tick.volumeTradedForTheDay}`,
      );
    } else if (tick.mode === 1) {
      console.log(`${tick.token} ltp ${tick.lastTradedPrice}`);
    }
  }
} catch (e) {
  // connect() rejects with FeedAuthError when the broker refuses the tokens (no retry then).
  if (e instanceof FeedAuthError) console.error(`feed refused: ${e.message}`);
  else console.error(e);
  process.exitCode = 1;
} finally {
  await feed.close();
  await api.logout();
  api.close();
}
console.log(`received ${count} ticks in ${seconds} s`);
