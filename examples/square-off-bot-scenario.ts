/**
 * Testing a bot's own square-off and retry logic against the paper broker's scenario control.
 *
 * The bot (class `SquareOffBot`) buys in the morning and must be flat by 15:15 IST; its order calls
 * retry the venue's rate-limit answer (HTTP 403) and AB1004 a few times. Instead of waiting for 15:15
 * or for the venue to misbehave, the tests below move the broker's clock and arm a fault through the
 * admin API (`/paper/v1/`), the same way every run:
 *
 *   smartapi-paper serve --clock manual --admin-token secret --demo
 *   PAPER_ADMIN_TOKEN=secret SMARTAPI_API_KEY=… SMARTAPI_CLIENT_CODE=… SMARTAPI_PIN=… \
 *     SMARTAPI_TOTP_SECRET=… node --conditions=source --import tsx examples/square-off-bot-scenario.ts
 *
 * The file is a `node:test` suite: it prints TAP-like results and exits non-zero when a test fails.
 * The broker's clock must be before 15:15 of a trading day when it starts (a fresh `--clock manual`
 * server starts at 09:15 today).
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { RateLimitError, ServerError, SmartApi } from 'smartapi-ts';
import { settings } from './connect.js';

// ─────────────────────────────── the bot ───────────────────────────────

const SBIN = { exchange: 'NSE', tradingsymbol: 'SBIN-EQ', symboltoken: '3045' } as const;

/** A tiny intraday bot: enter once, square off at 15:15 IST. Time is injected so tests can drive it. */
class SquareOffBot {
  /** Attempts made by the last {@link placeWithRetry} (for the test to check). */
  lastAttempts = 0;

  constructor(
    private readonly api: SmartApi,
    private readonly now: () => Promise<Date>,
    private readonly pause: (ms: number) => Promise<void> = (ms) => new Promise((r) => setTimeout(r, ms)),
  ) {}

  /** Places a MARKET INTRADAY order, retrying the answers where the venue certainly did not act. */
  async placeWithRetry(side: 'BUY' | 'SELL', quantity: number, retries = 3): Promise<string> {
    for (let attempt = 1; ; attempt++) {
      this.lastAttempts = attempt;
      try {
        const { orderid } = await this.api.orders.place({
          ...SBIN,
          variety: 'NORMAL',
          transactiontype: side,
          ordertype: 'MARKET',
          producttype: 'INTRADAY',
          duration: 'DAY',
          quantity,
        });
        return orderid;
      } catch (e) {
        const retryable = e instanceof RateLimitError || (e instanceof ServerError && e.code === 'AB1004');
        if (!retryable || attempt > retries) throw e;
        await this.pause(50 * attempt);
      }
    }
  }

  /** Net intraday quantity of SBIN. */
  async position(): Promise<number> {
    const rows = await this.api.portfolio.positions();
    const p = rows.find((r) => r.symboltoken === SBIN.symboltoken && r.producttype === 'INTRADAY');
    return p ? Number(p.netqty) : 0;
  }

  /** One tick of the bot's loop: at or after 15:15 IST it closes whatever it holds. */
  async onTimer(): Promise<'squared-off' | 'holding' | 'flat'> {
    const t = await this.now();
    const ist = new Date(t.getTime() + 330 * 60_000);
    const minutes = ist.getUTCHours() * 60 + ist.getUTCMinutes();
    const qty = await this.position();
    if (qty === 0) return 'flat';
    if (minutes < 15 * 60 + 15) return 'holding';
    await this.placeWithRetry(qty > 0 ? 'SELL' : 'BUY', Math.abs(qty));
    return 'squared-off';
  }
}

// ─────────────────────────────── the tests ───────────────────────────────

const s = settings();
const adminToken = process.env.PAPER_ADMIN_TOKEN ?? '';
if (adminToken === '') {
  console.error('missing env PAPER_ADMIN_TOKEN (serve --admin-token …)');
  process.exit(2);
}

/** Calls the paper broker's admin API and returns `data`. */
// biome-ignore lint/suspicious/noExplicitAny: example brevity (the admin answers are small JSON objects)
async function admin(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<any> {
  const res = await fetch(`${s.root}/paper/v1/${path}`, {
    method,
    headers: { Authorization: `Bearer ${adminToken}`, 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const env = (await res.json()) as { status: boolean; message: string; data: unknown };
  if (!env.status) throw new Error(`admin ${path}: ${env.message}`);
  return env.data;
}

const api = new SmartApi({ apiKey: s.apiKey, root: s.root, retry: false });
await api.login({ clientCode: s.clientCode, password: s.pin, totpSecret: s.totpSecret });
const paperClock = async () => new Date((await admin('GET', 'clock')).epochMs);
const bot = new SquareOffBot(api, paperClock);
const start = await admin('GET', 'clock');
const day = start.now.slice(0, 10); // YYYY-MM-DD of the broker's day

test('placement survives two rate-limit answers (the bot retries)', async () => {
  const fault = await admin('POST', 'faults', {
    kind: 'rateLimit',
    route: 'placeOrder',
    clientcode: s.clientCode,
    count: 2,
  });
  await bot.placeWithRetry('BUY', 5);
  assert.equal(bot.lastAttempts, 3);
  const [f] = (await admin('GET', 'faults')).filter((x: { id: string }) => x.id === fault.id);
  assert.equal(f.fired, 2);
  assert.equal(await bot.position(), 5);
  console.log(`entered with 5 after ${bot.lastAttempts} attempts (2 rate-limited)`);
});

test('no square-off before 15:15; flat right after it, even with an AB1004 on the way', async () => {
  await admin('POST', 'clock', { advanceTo: `${day}T15:14:00+05:30` });
  assert.equal(await bot.onTimer(), 'holding');
  await admin('POST', 'faults', {
    kind: 'ab1004',
    route: 'placeOrder',
    clientcode: s.clientCode,
    count: 1,
  });
  await admin('POST', 'clock', { advanceTo: `${day}T15:15:00+05:30` });
  assert.equal(await bot.onTimer(), 'squared-off');
  assert.equal(bot.lastAttempts, 2);
  assert.equal(await bot.position(), 0);
  assert.equal(await bot.onTimer(), 'flat');
  console.log(`squared off at ${(await admin('GET', 'clock')).now} after ${bot.lastAttempts} attempts`);
});
