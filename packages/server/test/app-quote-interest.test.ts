import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { eventually, type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { ist, orderBook, sbinOrder, venue } from './admin-helpers.js';

// The engine's quote driver declares its interest (instruments with working orders or armed GTT rules),
// so the synthetic market builds no quote for the others (docs/paper-broker-market.md#quotes-built-on-demand).
// A resting order must still see every quote of its instrument, under every execution preset (the
// realistic queue model counts the volume traded at its price from the quote it joined at).

for (const fills of ['ideal', 'realistic'] as const)
  describe(`quotes built on demand (${fills}): the engine still sees the quotes of its working orders`, () => {
    let broker: PaperBroker;
    before(async () => {
      broker = await startPaperBroker({ start: ist('10:00'), fills });
    });
    after(() => broker.close());

    test('a BUY LIMIT resting at the best bid fills once the market trades down to it', async () => {
      const { jwtToken } = await broker.login();
      const q = await venue(broker, jwtToken, 'quote', { mode: 'FULL', exchangeTokens: { NSE: ['3045'] } });
      const row = q.body?.data?.fetched?.[0];
      assert.ok(row, `SBIN quote: ${q.text}`);
      const bid = Number(row.depth.buy[0].price);
      const ask = Number(row.depth.sell[0].price);
      assert.ok(bid > 0 && ask > bid, `a two-sided book (${bid} / ${ask})`);
      const placed = await venue(
        broker,
        jwtToken,
        'placeOrder',
        sbinOrder({ ordertype: 'LIMIT', price: bid.toFixed(2), quantity: '1' }),
      );
      assert.equal(placed.body?.status, true, placed.text);
      const id = placed.body?.data?.orderid as string;
      const status = async () =>
        (await orderBook(broker, jwtToken)).find((o) => o.orderid === id)?.orderstatus;
      assert.equal(await status(), 'open', 'the order rests');
      await eventually(async () => assert.equal(await status(), 'complete', 'filled'), {
        clock: broker,
        interval: 500,
        timeout: 30 * 60_000,
        message: 'the resting limit fills',
      });
    });
  });
