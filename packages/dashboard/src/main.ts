/**
 * The paper broker's web dashboard. Two ways in: a user logs in like the venue's web login (client
 * code, PIN, TOTP; plus the account's API key, which SmartAPI's loginByPassword needs as X-PrivateKey)
 * and sees only their own account through the venue's REST routes and the two WebSockets; an operator
 * opens the admin view with the admin token and drives the broker through `/paper/v1/` only.
 */
import type { OrderUpdateMessage } from '@smartapi-ts/protocol';
import { AdminClient, errorText, login, type UserSession, VenueClient } from './api.js';
import { FrameBatcher } from './batcher.js';
import { addPnlSample, CandleChart, type CandleRow, type FillMark, PnlChart } from './charts.js';
import { fill, h, istTime, money, signClass, table } from './dom.js';
import { instrumentKey, MarketFeedClient, OrderFeedClient, type PriceUpdate } from './feeds.js';
import { enterOperator } from './operator.js';
import { paintOrders, renderOrders } from './orders.js';
import { livePnl, paintPortfolio, paintPositions, renderPortfolio } from './portfolio.js';
import { type Instrument, type Row, S } from './state.js';

const BASE = location.origin;
const app = document.getElementById('app') as HTMLElement;
const raf = (cb: () => void) => requestAnimationFrame(cb);

// ───────────────────────────── start ─────────────────────────────

function start(): void {
  const saved = sessionStorage.getItem('dash.session');
  const admin = sessionStorage.getItem('dash.admin');
  if (saved) void enterUser(JSON.parse(saved) as UserSession);
  else if (admin) void enterOperator(admin);
  else showLogin();
}

function showLogin(message = ''): void {
  const err = h('p', { class: 'error', role: 'alert', id: 'login-error' }, message);
  const field = (label: string, id: string, type = 'text', extra: Record<string, string> = {}) =>
    h('label', { for: id }, label, h('input', { id, name: id, type, required: true, ...extra }));
  const userForm = h(
    'form',
    { class: 'card', id: 'login-form' },
    h('h2', {}, 'Log in'),
    field('Client code', 'clientcode', 'text', { autocomplete: 'username', autocapitalize: 'characters' }),
    field('PIN', 'pin', 'password', { autocomplete: 'current-password', inputmode: 'numeric' }),
    field('TOTP', 'totp', 'text', { inputmode: 'numeric', autocomplete: 'one-time-code', maxlength: '6' }),
    field('API key', 'apikey', 'text', { value: localStorage.getItem('dash.apikey') ?? '' }),
    h('button', { type: 'submit' }, 'Log in'),
    err,
  );
  userForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const v = (id: string) => (document.getElementById(id) as HTMLInputElement).value.trim();
    err.textContent = '';
    try {
      const s = await login(BASE, v('apikey'), v('clientcode'), v('pin'), v('totp'));
      localStorage.setItem('dash.apikey', s.apiKey);
      sessionStorage.setItem('dash.session', JSON.stringify(s));
      await enterUser(s);
    } catch (e) {
      err.textContent = errorText(e);
    }
  });
  const adminErr = h('p', { class: 'error', role: 'alert' });
  const opForm = h(
    'form',
    { class: 'card', id: 'operator-form' },
    h('h2', {}, 'Operator'),
    field('Admin token', 'admintoken', 'password', { autocomplete: 'off' }),
    h('button', { type: 'submit' }, 'Open operator view'),
    adminErr,
  );
  opForm.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const token = (document.getElementById('admintoken') as HTMLInputElement).value.trim();
    try {
      await new AdminClient(BASE, token).call('GET', 'clock');
      sessionStorage.setItem('dash.admin', token);
      await enterOperator(token);
    } catch (e) {
      adminErr.textContent = errorText(e);
    }
  });
  fill(
    app,
    h(
      'main',
      { class: 'login' },
      h('h1', {}, 'Paper broker'),
      h('p', { class: 'muted' }, 'SmartAPI paper trading — log in with a paper account.'),
      h('div', { class: 'login-cards' }, userForm, opForm),
    ),
  );
}

// ───────────────────────────── user view ─────────────────────────────

const PAGES = [
  ['watch', 'Market watch'],
  ['orders', 'Orders'],
  ['portfolio', 'Portfolio'],
  ['charts', 'Charts'],
] as const;

async function enterUser(session: UserSession): Promise<void> {
  S.session = session;
  S.venue = new VenueClient(BASE, session);
  S.watch = JSON.parse(localStorage.getItem(`dash.watch.${session.clientcode}`) ?? '[]') as string[];
  try {
    await S.venue.call('getProfile');
  } catch (e) {
    sessionStorage.removeItem('dash.session');
    showLogin(`Session ended: ${errorText(e)}`);
    return;
  }
  const sm = (await (
    await fetch(`${BASE}/OpenAPI_File/files/OpenAPIScripMaster.json`)
  ).json()) as Instrument[];
  S.instruments = sm;
  S.byKey = new Map(sm.map((i) => [instrumentKey(i.exch_seg, i.token), i]));

  const batcher = new FrameBatcher<string, PriceUpdate>(applyPrices, raf);
  S.market = new MarketFeedClient(BASE, session);
  S.market.onPrice = (u) => batcher.push(u.key, u);
  S.market.onState = (st) => setDot('feed-dot', st);
  S.market.connect();
  S.market.subscribe(S.watch);
  (window as unknown as { dashboardStats: () => unknown }).dashboardStats = () => ({
    received: batcher.received,
    flushes: batcher.flushes,
  });
  S.orderFeed = new OrderFeedClient(BASE, session);
  S.orderFeed.onUpdate = (m) => onOrderUpdate(m);
  S.orderFeed.onState = (st) => setDot('order-dot', st);
  S.orderFeed.connect();

  window.addEventListener('hashchange', () => showPage(location.hash.slice(1)));
  renderShell();
  showPage(location.hash.slice(1) || 'watch');
  await refresh();
}

function setDot(id: string, st: 'open' | 'closed'): void {
  const el = document.getElementById(id);
  if (el) {
    el.className = `dot ${st}`;
    el.title = st === 'open' ? 'connected' : 'disconnected';
  }
}

function renderShell(): void {
  const s = S.session as UserSession;
  fill(
    app,
    h(
      'header',
      {},
      h('strong', { class: 'brand' }, 'Paper broker'),
      h(
        'nav',
        {},
        ...PAGES.map(([id, label]) => h('a', { href: `#${id}`, id: `tab-${id}`, class: 'tab' }, label)),
      ),
      h(
        'span',
        { class: 'who' },
        h('span', { id: 'feed-dot', class: 'dot', title: 'market feed' }),
        h('span', { id: 'order-dot', class: 'dot', title: 'order feed' }),
        h('span', { id: 'market-time', class: 'muted' }),
        h('span', { id: 'whoami' }, s.clientcode),
        h('button', { class: 'link', id: 'logout', onclick: () => void logout() }, 'Log out'),
      ),
    ),
    h('main', { id: 'page' }),
  );
}

async function logout(): Promise<void> {
  S.market?.close();
  S.orderFeed?.close();
  await S.venue?.logout();
  sessionStorage.removeItem('dash.session');
  location.hash = '';
  location.reload();
}

function showPage(page: string): void {
  S.page = PAGES.some(([id]) => id === page) ? page : 'watch';
  for (const [id] of PAGES) document.getElementById(`tab-${id}`)?.classList.toggle('active', id === S.page);
  S.candle?.remove();
  S.candle = undefined;
  S.pnlChart?.remove();
  S.pnlChart = undefined;
  const el = document.getElementById('page') as HTMLElement;
  if (S.page === 'watch') renderWatch(el);
  else if (S.page === 'orders') renderOrders(el, scheduleRefresh);
  else if (S.page === 'portfolio') renderPortfolio(el);
  else renderCharts(el);
}

// ── live prices: one DOM pass per animation frame ──

function applyPrices(batch: ReadonlyMap<string, PriceUpdate>): void {
  let latest = S.marketNow;
  for (const [key, u] of batch) {
    S.prices.set(key, u);
    latest = Math.max(latest, u.time);
    const row = document.querySelector(`tr[data-key="${CSS.escape(key)}"]`);
    if (row) paintWatchRow(row, u);
  }
  if (latest !== S.marketNow) {
    S.marketNow = latest;
    const t = document.getElementById('market-time');
    if (t) t.textContent = `${istTime(latest)} IST`;
  }
  const total = livePnl();
  if (S.marketNow > 0 && S.positions.length > 0) addPnlSample(S.pnlCurve, S.marketNow, total);
  if (S.page === 'portfolio') paintPositions();
}

function paintWatchRow(row: Element, u: PriceUpdate): void {
  const chg = u.close > 0 ? u.ltp - u.close : 0;
  const pct = u.close > 0 ? (chg / u.close) * 100 : 0;
  const cells = row.querySelectorAll('td');
  (cells[1] as HTMLElement).textContent = money(u.ltp);
  (cells[2] as HTMLElement).textContent = `${chg >= 0 ? '+' : ''}${money(chg)}`;
  (cells[3] as HTMLElement).textContent = `${pct >= 0 ? '+' : ''}${pct.toFixed(2)}%`;
  (cells[2] as HTMLElement).className = `num ${signClass(chg)}`;
  (cells[3] as HTMLElement).className = `num ${signClass(chg)}`;
}

// ── market watch ──

function saveWatch(): void {
  localStorage.setItem(`dash.watch.${S.session?.clientcode}`, JSON.stringify(S.watch));
}

function renderWatch(el: HTMLElement): void {
  const results = h('ul', { class: 'results', id: 'search-results' });
  const search = h('input', {
    id: 'search',
    type: 'search',
    placeholder: 'Search instruments (e.g. SBIN)',
    'aria-label': 'Search instruments',
    autocomplete: 'off',
  });
  search.addEventListener('input', () => {
    const q = search.value.trim().toUpperCase();
    if (q === '') return fill(results);
    const hits = S.instruments
      .filter((i) => i.symbol.toUpperCase().startsWith(q) || i.name.toUpperCase().startsWith(q))
      .slice(0, 20);
    fill(
      results,
      ...hits.map((i) => {
        const key = instrumentKey(i.exch_seg, i.token);
        return h(
          'li',
          {},
          h('span', {}, `${i.symbol} `, h('small', { class: 'muted' }, `${i.exch_seg} ${i.token}`)),
          h(
            'button',
            {
              'data-add': key,
              disabled: S.watch.includes(key),
              onclick: () => {
                if (!S.watch.includes(key)) S.watch.push(key);
                saveWatch();
                S.market?.subscribe([key]);
                search.value = '';
                fill(results);
                renderWatchTable();
              },
            },
            S.watch.includes(key) ? 'Added' : 'Add',
          ),
        );
      }),
    );
  });
  fill(
    el,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, 'Market watch'),
      h('div', { class: 'search' }, search, results),
      h('div', { id: 'watch-table', class: 'scroll' }),
    ),
  );
  renderWatchTable();
}

function renderWatchTable(): void {
  const box = document.getElementById('watch-table');
  if (!box) return;
  if (S.watch.length === 0) {
    fill(box, h('p', { class: 'muted' }, 'Add instruments with the search above.'));
    return;
  }
  const rows = S.watch.map((key) => {
    const i = S.byKey.get(key);
    const name = i?.symbol ?? key;
    const row = h(
      'tr',
      { 'data-key': key },
      h('td', {}, name, ' ', h('small', { class: 'muted' }, i?.exch_seg ?? '')),
      h('td', { class: 'num ltp' }, '–'),
      h('td', { class: 'num' }, '–'),
      h('td', { class: 'num' }, '–'),
      h(
        'td',
        { class: 'actions' },
        h('button', { class: 'buy', onclick: () => openTicket(key, 'BUY') }, 'Buy'),
        h('button', { class: 'sell', onclick: () => openTicket(key, 'SELL') }, 'Sell'),
        h('button', { onclick: () => openChart(key) }, 'Chart'),
        h(
          'button',
          {
            'aria-label': `Remove ${name}`,
            onclick: () => {
              S.watch = S.watch.filter((k) => k !== key);
              saveWatch();
              S.market?.unsubscribe([key]);
              renderWatchTable();
            },
          },
          '✕',
        ),
      ),
    );
    const p = S.prices.get(key);
    if (p) paintWatchRow(row, p);
    return row;
  });
  fill(box, table(['Instrument', '>LTP', '>Change', '>Change %', ''], rows, { id: 'watch' }));
}

function openTicket(key: string, side: 'BUY' | 'SELL'): void {
  const i = S.byKey.get(key);
  if (!i) return;
  S.ticket = { exchange: i.exch_seg, tradingsymbol: i.symbol, symboltoken: i.token, transactiontype: side };
  location.hash = 'orders';
}

function openChart(key: string): void {
  S.chartKey = key;
  location.hash = 'charts';
}

// ── charts ──

function renderCharts(el: HTMLElement): void {
  if (!S.chartKey) S.chartKey = S.watch[0] ?? 'NSE|3045';
  const pick = h(
    'select',
    { id: 'chart-instrument', 'aria-label': 'Instrument' },
    ...[...new Set([S.chartKey, ...S.watch])].map((k) =>
      h('option', { value: k, selected: k === S.chartKey }, S.byKey.get(k)?.symbol ?? k),
    ),
  );
  pick.addEventListener('change', () => {
    S.chartKey = pick.value;
    void loadCandles();
  });
  const candleBox = h('div', { class: 'chart', id: 'candles' });
  const pnlBox = h('div', { class: 'chart small', id: 'pnl-chart' });
  fill(
    el,
    h(
      'div',
      { class: 'stack' },
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Candles ', pick),
        candleBox,
        h('p', { id: 'chart-note', class: 'muted' }),
      ),
      h('section', { class: 'card' }, h('h2', {}, 'Intraday P&L'), pnlBox),
    ),
  );
  S.candle = new CandleChart(candleBox);
  S.pnlChart = new PnlChart(pnlBox);
  S.pnlChart.set(S.pnlCurve);
  void loadCandles();
}

function istStamp(ms: number): string {
  return new Date(ms + 19_800_000).toISOString().slice(0, 16).replace('T', ' ');
}

async function loadCandles(): Promise<void> {
  const [exchange, token] = S.chartKey.split('|') as [string, string];
  const now = S.marketNow || Date.now();
  const day = istStamp(now).slice(0, 10);
  const note = document.getElementById('chart-note');
  try {
    const rows =
      (await S.venue?.call<CandleRow[] | null>('getCandleData', {
        exchange,
        symboltoken: token,
        interval: 'ONE_MINUTE',
        fromdate: `${day} 09:15`,
        todate: istStamp(now),
      })) ?? [];
    const fills: FillMark[] = S.trades
      .filter((t) => t.exchange === exchange && String(t.symboltoken ?? token) === token && matches(t, token))
      .map((t) => ({
        timeMs: Date.parse(`${day}T${t.filltime}+05:30`),
        side: t.transactiontype,
        qty: Number(t.fillsize),
        price: Number(t.fillprice),
      }))
      .filter((f) => Number.isFinite(f.timeMs));
    S.candle?.set(rows, fills);
    if (note) note.textContent = `${rows.length} one-minute candles, ${fills.length} of your fills marked.`;
  } catch (e) {
    if (note) note.textContent = errorText(e);
  }
}

function matches(t: Row, token: string): boolean {
  const i = S.byKey.get(S.chartKey);
  return t.symboltoken === token || (i !== undefined && t.tradingsymbol === i.symbol);
}

// ── refresh from REST (throttled under the venue's 1/s limits) and the order feed ──

function onOrderUpdate(_m: OrderUpdateMessage): void {
  scheduleRefresh();
}

function scheduleRefresh(): void {
  if (S.refreshTimer) return;
  const wait = Math.max(0, S.lastRefresh + 1100 - Date.now());
  S.refreshTimer = setTimeout(() => {
    S.refreshTimer = undefined;
    void refresh();
  }, wait);
}

async function refresh(): Promise<void> {
  const v = S.venue;
  if (!v) return;
  S.lastRefresh = Date.now();
  const [orders, trades, positions, rms, holdings] = await Promise.all([
    v.call<Row[] | null>('getOrderBook').catch(() => S.orders),
    v.call<Row[] | null>('getTradeBook').catch(() => S.trades),
    v.call<Row[] | null>('getPosition').catch(() => S.positions),
    v.call<Row>('getRMS').catch(() => S.rms),
    v.call<Row>('getAllHolding').catch(() => S.holdings),
  ]);
  S.orders = orders ?? [];
  S.trades = trades ?? [];
  S.positions = positions ?? [];
  S.rms = rms ?? undefined;
  S.holdings = holdings ?? undefined;
  const posKeys = S.positions.map((p) => instrumentKey(p.exchange, p.symboltoken));
  S.market?.subscribe(posKeys);
  S.charges = await estimateCharges();
  if (S.marketNow > 0) addPnlSample(S.pnlCurve, S.marketNow, livePnl());
  if (S.page === 'orders') paintOrders(scheduleRefresh);
  if (S.page === 'portfolio') paintPortfolio();
  if (S.page === 'charts') {
    S.pnlChart?.set(S.pnlCurve);
    void loadCandles();
  }
}

/** Trade-book size the charges were estimated for, and when (estimateCharges is limited to 1/s). */
let chargesFor = 0;
let chargesAt = 0;

/** Today's charges of the trade book, from the broker's estimateCharges (at most 50 fills). */
async function estimateCharges(): Promise<number | undefined> {
  if (S.trades.length === 0) return 0;
  if (S.trades.length === chargesFor) return S.charges;
  if (Date.now() - chargesAt < 1500) {
    scheduleRefresh(); // estimate on a later pass
    return S.charges;
  }
  chargesAt = Date.now();
  chargesFor = S.trades.length;
  const orders = S.trades.slice(-50).map((t) => ({
    product_type: t.producttype,
    transaction_type: t.transactiontype,
    quantity: String(t.fillsize),
    price: String(t.fillprice),
    exchange: t.exchange,
    symbol_name: String(t.tradingsymbol).replace(/-EQ$/, ''),
    token: String(t.symboltoken ?? S.instruments.find((i) => i.symbol === t.tradingsymbol)?.token ?? ''),
  }));
  try {
    const d = await S.venue?.call<Row>('estimateCharges', { orders });
    return Number(d?.summary?.total_charges ?? 0);
  } catch {
    chargesFor = 0;
    return S.charges;
  }
}

start();
