/**
 * The dashboard in a real browser: Debian's chromium driven by playwright-core (no browser download),
 * one launch for the whole file, against a paper broker on a manual clock (every price change comes
 * from an admin clock advance, so the run is deterministic). Each page is saved as a screenshot at
 * 1280×800 and at a phone width (390×844) under test-output/dashboard/ (git-ignored). Every page
 * asserts that the browser logged no console error and threw no page error.
 *
 * Chromium is installed with `apt-get install -y chromium` when missing (as root, testkit
 * `findOrInstallDebian`); when that is not possible the tests FAIL with the reason.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { checkRequest, ROUTES } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker, totpCode } from '@smartapi-ts/testkit';
import { findOrInstallDebian } from '@smartapi-ts/testkit/components';
import { eventually } from '@smartapi-ts/testkit/timing';
import { type BrowserContext, chromium, type Page } from 'playwright-core';
import { buildDashboard } from '../build.mjs';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const REPO = new URL('../../../', import.meta.url).pathname;
const SHOTS = join(REPO, 'test-output/dashboard');
const START = Date.parse('2026-12-03T10:00:00+05:30');
const DESKTOP = { width: 1280, height: 800 };
const PHONE = { width: 390, height: 844 };
/** Retries that advance the clock: a few tries, not a spin. */
const SLOW = { timeout: 15_000, interval: 400 };
/** A hung step fails its test instead of hanging the run. */
const T = { timeout: 120_000 };

/** Finds chromium, installing Debian's package when missing; throws why it cannot. */
function ensureChromium(): string {
  return findOrInstallDebian('chromium', 'chromium', () => (existsSync(CHROMIUM) ? CHROMIUM : undefined));
}

describe('dashboard in chromium', () => {
  let broker: PaperBroker;
  let browser: BrowserContext;
  let userDir: string;
  let errors: string[] = [];
  let placedLimitId = '';

  before(async () => {
    const exe = ensureChromium();
    await buildDashboard();
    mkdirSync(SHOTS, { recursive: true });
    broker = await startPaperBroker({ start: START, seed: 7 });
    userDir = mkdtempSync(join(tmpdir(), 'dash-chromium-'));
    // One browser for the file, on a fresh profile; every page is its own tab (own sessionStorage).
    browser = await chromium.launchPersistentContext(userDir, {
      executablePath: exe,
      viewport: DESKTOP,
      headless: true,
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-quic',
        '--no-first-run',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
      ],
    });
  });

  after(async () => {
    await browser?.close();
    await broker?.close();
    if (userDir) rmSync(userDir, { recursive: true, force: true });
  });

  /** A new tab (its own sessionStorage, so its own login), with console errors collected. */
  async function newPage(): Promise<Page> {
    const page = await browser.newPage();
    page.setDefaultTimeout(5000);
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(`console: ${m.text()}`);
    });
    page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
    return page;
  }

  function assertNoErrors(): void {
    const e = errors;
    errors = [];
    assert.deepEqual(e, [], 'the browser logged errors');
  }

  /** Screenshots at 1280×800 and 390×844. */
  async function shoot(page: Page, name: string): Promise<void> {
    await page.setViewportSize(PHONE);
    await page.screenshot({ path: join(SHOTS, `${name}-phone.png`), fullPage: true });
    await page.setViewportSize(DESKTOP);
    await page.screenshot({ path: join(SHOTS, `${name}-desktop.png`) });
  }

  const advance = async (seconds: number) => {
    const t0 = Date.now();
    const r = await broker.admin('POST', 'clock', { advanceBy: seconds });
    if (process.env.DASH_DEBUG) console.error(`advance ${seconds}s took ${Date.now() - t0} ms`);
    assert.equal(r.body.status, true, r.body.message);
  };

  async function logIn(page: Page, account = broker.account): Promise<void> {
    await page.goto(`${broker.url}/dashboard`);
    await page.getByLabel('Client code').fill(account.clientcode);
    await page.getByLabel('PIN').fill(account.password);
    await page.getByLabel('TOTP').fill(totpCode(account.totpSecret));
    await page.getByLabel('API key').fill(account.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await page.locator('#whoami').getByText(account.clientcode).waitFor();
  }

  /** The JWT of the page's session (to check the UI against the REST API). */
  async function jwtOf(page: Page): Promise<string> {
    const s = await page.evaluate(() => sessionStorage.getItem('dash.session'));
    return (JSON.parse(s ?? '{}') as { jwtToken: string }).jwtToken;
  }

  async function rest(jwt: string, name: keyof typeof ROUTES, body?: unknown) {
    const r = ROUTES[name];
    const res = await fetch(broker.url + r.path, {
      method: r.method,
      headers: broker.headers(jwt),
      signal: AbortSignal.timeout(30_000),
      ...(r.method === 'POST' ? { body: JSON.stringify(body ?? {}) } : {}),
    });
    // biome-ignore lint/suspicious/noExplicitAny: envelope fields read by the test
    return (await res.json()) as { status: boolean; message: string; errorcode: string; data: any };
  }

  let page: Page;

  test('log in with client code, PIN and TOTP; a bad TOTP shows the venue message', T, async () => {
    page = await newPage();
    await page.goto(`${broker.url}/dashboard`);
    await shoot(page, 'login');
    await page.getByLabel('Client code').fill(broker.account.clientcode);
    await page.getByLabel('PIN').fill(broker.account.password);
    await page.getByLabel('TOTP').fill('000000');
    await page.getByLabel('API key').fill(broker.account.apiKey);
    await page.getByRole('button', { name: 'Log in' }).click();
    await eventually(async () =>
      // One answer for every bad credential (no PIN oracle): docs/security.md.
      assert.equal(
        (await page.locator('#login-error').textContent()) ?? '',
        'Login Id or password is invalid (AB1007)',
      ),
    );
    await logIn(page);
    assertNoErrors();
  });

  test('add SBIN to the watch list and see its price change when the clock moves', T, async () => {
    await page.getByLabel('Search instruments').fill('SBIN');
    await page.locator('button[data-add="NSE|3045"]').click();
    const ltp = page.locator('tr[data-key="NSE|3045"] td.ltp');
    await eventually(async () => assert.notEqual(await ltp.textContent(), '–'));
    const first = await ltp.textContent();
    await eventually(async () => {
      await advance(60);
      assert.notEqual(await ltp.textContent(), first);
    }, SLOW);
    const mt = await page.locator('#market-time').textContent();
    assert.match(mt ?? '', /^10:0\d:\d\d IST$/);
    await shoot(page, 'watch');
    assertNoErrors();
  });

  test(
    'a LIMIT order from the ticket shows in the order book with the API order id, is modified, then cancelled',
    T,
    async () => {
      await page.locator('tr[data-key="NSE|3045"] button.buy').click();
      await page.locator('#ticket').waitFor();
      assert.equal(await page.locator('#t-tradingsymbol').inputValue(), 'SBIN-EQ');
      const ltp = await currentLtp();
      const price = (Math.floor(ltp * 0.9 * 20) / 20).toFixed(2); // 10% below: rests
      await page.locator('#t-ordertype').selectOption('LIMIT');
      await page.locator('#t-quantity').fill('2');
      await page.locator('#t-price').fill(price);
      await page.getByRole('button', { name: 'Place order' }).click();
      const status = page.locator('#ticket-status');
      await eventually(async () => assert.match((await status.textContent()) ?? '', /^Order placed: \S+/));
      placedLimitId = (await status.getAttribute('data-orderid')) ?? '';
      // The id the API reports is the one in the book, and the book (REST) has it open.
      const book = await rest(await jwtOf(page), 'getOrderBook');
      const row = (book.data as { orderid: string; status: string }[]).find(
        (o) => o.orderid === placedLimitId,
      );
      assert.ok(row, `order ${placedLimitId} is in the API's book`);
      const ui = page.locator(`#orders tr[data-orderid="${placedLimitId}"]`);
      await eventually(async () => assert.equal(await ui.getAttribute('data-status'), 'open'));
      await shoot(page, 'orders');
      // Modify the price from the book.
      const newPrice = (Number(price) - 1).toFixed(2);
      await page.locator(`button[data-modify="${placedLimitId}"]`).click();
      await page.locator('#modify-form input[name="price"]').fill(newPrice);
      await page.locator('#modify-form').getByRole('button', { name: 'Save' }).click();
      await eventually(async () => assert.equal(await ui.locator('td').nth(6).textContent(), newPrice));
      await page.locator(`button[data-cancel="${placedLimitId}"]`).click();
      await eventually(async () => assert.equal(await ui.getAttribute('data-status'), 'cancelled'));
      const after = await rest(await jwtOf(page), 'getOrderBook');
      assert.equal(
        (after.data as { orderid: string; status: string }[]).find((o) => o.orderid === placedLimitId)
          ?.status,
        'cancelled',
      );
      assertNoErrors();
    },
  );

  async function currentLtp(): Promise<number> {
    const jwt = await jwtOf(page);
    const r = await rest(jwt, 'getLtpData', {
      exchange: 'NSE',
      tradingsymbol: 'SBIN-EQ',
      symboltoken: '3045',
    });
    return Number(r.data.ltp);
  }

  test(
    'an invalid order shows the venue message (the same as the API answers) and places nothing',
    T,
    async () => {
      const before = (await rest(await jwtOf(page), 'getOrderBook')).data?.length ?? 0;
      await page.locator('#t-ordertype').selectOption('LIMIT');
      await page.locator('#t-price').fill('');
      await page.locator('#t-quantity').fill('1');
      await page.getByRole('button', { name: 'Place order' }).click();
      const body = {
        variety: 'NORMAL',
        tradingsymbol: 'SBIN-EQ',
        symboltoken: '3045',
        transactiontype: 'BUY',
        exchange: 'NSE',
        ordertype: 'LIMIT',
        producttype: 'INTRADAY',
        duration: 'DAY',
        price: '0',
        quantity: '1',
      };
      const rule = checkRequest('placeOrder', body);
      assert.equal(rule.ok, false);
      const api = await rest(await jwtOf(page), 'placeOrder', body);
      assert.equal(api.status, false);
      if (!rule.ok) {
        assert.equal(api.message, rule.message);
        assert.equal(api.errorcode, rule.errorcode);
        await eventually(async () =>
          assert.equal(
            await page.locator('#ticket-status').textContent(),
            `${api.message} (${api.errorcode})`,
          ),
        );
      }
      await shoot(page, 'order-invalid');
      const after = (await rest(await jwtOf(page), 'getOrderBook')).data?.length ?? 0;
      assert.equal(after, before);
      assertNoErrors();
    },
  );

  test('a MARKET fill moves the position and its P&L follows the price', T, async () => {
    await page.locator('#t-ordertype').selectOption('MARKET');
    await page.locator('#t-price').fill('');
    await page.locator('#t-quantity').fill('5');
    await page.getByRole('button', { name: 'Place order' }).click();
    await eventually(async () =>
      assert.match((await page.locator('#ticket-status').textContent()) ?? '', /^Order placed/),
    );
    await advance(10);
    await eventually(async () => assert.ok((await page.locator('#trades tr[data-fillid]').count()) >= 1));
    await page.getByRole('link', { name: 'Portfolio' }).click();
    const pos = page.locator('#positions-table tr[data-position="NSE|3045|INTRADAY"]');
    await eventually(async () => assert.equal(await pos.locator('td.netqty').textContent(), '5'));
    const pnl0 = await pos.locator('td.pnl').textContent();
    await eventually(async () => {
      await advance(60);
      assert.notEqual(await pos.locator('td.pnl').textContent(), pnl0);
    }, SLOW);
    // The page's live P&L matches the broker's after its refresh.
    const jwt = await jwtOf(page);
    await eventually(async () => {
      const p = (await rest(jwt, 'getPosition')).data as { symboltoken: string; pnl: string }[];
      const api = Number(p.find((x) => x.symboltoken === '3045')?.pnl);
      const shown = Number(((await pos.locator('td.pnl').textContent()) ?? '').replace(/,/g, ''));
      assert.ok(Math.abs(api - shown) < 0.01, `shown ${shown} vs API ${api}`);
    });
    await eventually(async () => assert.notEqual(await page.locator('#funds-net').textContent(), null));
    await shoot(page, 'portfolio');
    assertNoErrors();
  });

  test('the chart page draws the candles (canvas) with the fill marked', T, async () => {
    await page.getByRole('link', { name: 'Charts' }).click();
    await eventually(async () =>
      assert.match(
        (await page.locator('#chart-note').textContent()) ?? '',
        /^\d+ one-minute candles, [1-9]\d* of your fills/,
      ),
    );
    const painted = await page.evaluate(() =>
      [...document.querySelectorAll('#candles canvas')].some((c) => {
        const cv = c as HTMLCanvasElement;
        const ctx = cv.getContext('2d');
        if (!ctx || cv.width === 0 || cv.height === 0) return false;
        const d = ctx.getImageData(0, 0, cv.width, cv.height).data;
        for (let i = 3; i < d.length; i += 4) if ((d[i] ?? 0) > 0) return true;
        return false;
      }),
    );
    assert.ok(painted, 'a canvas of the candle chart has drawn pixels');
    await shoot(page, 'charts');
    assertNoErrors();
  });

  test('a user cannot see another account’s orders', T, async () => {
    const other = await broker.createAccount(500_000);
    const p2 = await newPage();
    await logIn(p2, other);
    await p2.getByRole('link', { name: 'Orders' }).click();
    await p2.locator('#order-book').getByText('No orders today.').waitFor();
    assert.equal(await p2.locator(`tr[data-orderid="${placedLimitId}"]`).count(), 0);
    assert.equal(await p2.locator('#whoami').textContent(), other.clientcode);
    await p2.close();
    assertNoErrors();
  });

  test(
    'a 500-instrument watch list: every row catches up with the feed, one DOM pass per frame',
    T,
    async () => {
      const acct = await broker.createAccount(500_000);
      const keys = broker.market
        .scripMaster()
        .filter((r) => ['NSE', 'BSE', 'NFO'].includes(r.exch_seg))
        .slice(0, 500)
        .map((r) => `${r.exch_seg}|${r.token}`);
      assert.equal(keys.length, 500);
      const p = await newPage();
      await p.goto(`${broker.url}/dashboard`);
      await p.evaluate(
        ([k, v]) => localStorage.setItem(k as string, v as string),
        [`dash.watch.${acct.clientcode}`, JSON.stringify(keys)],
      );
      await logIn(p, acct);
      assert.equal(await p.locator('#watch tr[data-key]').count(), 500);
      // Shown prices equal the market's latest for every row (the codec gives rupees, the market paise).
      const caughtUp = async () => {
        const shown = await p.evaluate(() =>
          Object.fromEntries(
            [...document.querySelectorAll('#watch tr[data-key]')].map((r) => [
              r.getAttribute('data-key'),
              r.querySelector('td.ltp')?.textContent ?? '',
            ]),
          ),
        );
        const fmt = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });
        const behind = keys.filter((k) => {
          const [ex, token] = k.split('|') as ['NSE', string];
          const q = broker.market.quote(ex, token);
          return q !== undefined && shown[k] !== fmt.format(q.ltp / 100);
        });
        assert.deepEqual(behind.slice(0, 5), [], `${behind.length} rows behind the feed`);
      };
      await eventually(caughtUp, { timeout: 20_000, interval: 200 });
      const before = (await p.evaluate('dashboardStats()')) as { received: number; flushes: number };
      for (let i = 0; i < 3; i++) await advance(60);
      await eventually(caughtUp, { timeout: 20_000, interval: 200 });
      const stats = (await p.evaluate('dashboardStats()')) as { received: number; flushes: number };
      const ticks = stats.received - before.received;
      const passes = stats.flushes - before.flushes;
      assert.ok(ticks >= 500, `ticks received: ${ticks}`);
      assert.ok(
        passes < ticks / 10,
        `${passes} DOM passes for ${ticks} ticks: updates are batched per frame`,
      );
      await p.close();
      assertNoErrors();
    },
  );

  test(
    'the operator pauses and advances the clock, lists the accounts, switches the execution preset',
    T,
    async () => {
      const op = await newPage();
      await op.goto(`${broker.url}/dashboard`);
      await op.getByLabel('Admin token').fill(broker.adminToken);
      await op.getByRole('button', { name: 'Open operator view' }).click();
      await op.locator('#clock-now').waitFor();
      await op.locator('#clock-pause').click();
      await eventually(async () => assert.equal(await op.locator('#clock-state').textContent(), 'paused'));
      // Five minutes ahead of the clock, on the minute (the in-process broker blocks while it advances).
      const from = (await broker.admin('GET', 'clock')).body.data.epochMs as number;
      const target = new Date(Math.floor(from / 60_000) * 60_000 + 300_000 + 19_800_000).toISOString();
      const hhmm = target.slice(11, 16);
      const expected = `2026-12-03T${hhmm}:00+05:30`;
      const plusMinute = new Date(Date.parse(expected) + 60_000 + 19_800_000).toISOString().slice(11, 16);
      await op.locator('#clock-to').fill(hhmm);
      await op.locator('#clock-advance-to').click({ timeout: 60_000 });
      await eventually(async () => assert.equal(await op.locator('#clock-now').textContent(), expected), {
        timeout: 60_000,
        interval: 200,
      });
      const clock = (await broker.admin('GET', 'clock')).body.data;
      assert.equal(clock.now, expected);
      await op.locator('#clock-by').fill('60');
      await op.locator('#clock-advance-by').click({ timeout: 60_000 });
      await eventually(
        async () =>
          assert.equal(await op.locator('#clock-now').textContent(), `2026-12-03T${plusMinute}:00+05:30`),
        { timeout: 30_000, interval: 200 },
      );
      assert.equal(
        await op.locator(`#accounts tr[data-clientcode="${broker.account.clientcode}"]`).count(),
        1,
      );
      const caps = (await (await fetch(`${broker.url}/dashboard/capabilities.json`)).json()) as {
        execution: boolean;
      };
      // This broker serves the execution route: the operator switches the preset through it.
      assert.equal(caps.execution, true);
      await op.locator('#execution-preset').selectOption('harsh');
      await op.locator('#execution-apply').click();
      await eventually(async () =>
        assert.equal(await op.locator('#execution-current').textContent(), 'harsh'),
      );
      assert.equal((await broker.admin('GET', 'execution')).body.data.preset, 'harsh');
      await op.locator('#execution-preset').selectOption('ideal');
      await op.locator('#execution-apply').click();
      await eventually(async () =>
        assert.equal(await op.locator('#execution-current').textContent(), 'ideal'),
      );
      // Faults on and off.
      await op.locator('#fault-kind').selectOption('reject');
      await op.locator('#fault-arm').click();
      await op.locator('#faults tr[data-fault]').first().waitFor();
      await shoot(op, 'operator');
      await op.locator('#faults tr[data-fault] button').first().click();
      await op.getByText('No faults armed.').waitFor();
      assertNoErrors();
    },
  );
});
