/**
 * The user view's portfolio page: funds (the RMS figures and today's estimated charges), positions with
 * their P&L moved by live prices between refreshes, and holdings (docs/dashboard.md).
 */
import { fill, h, money, signClass, table } from './dom.js';
import { instrumentKey } from './feeds.js';
import { type Row, S } from './state.js';

/** A position's P&L at the latest price (the venue's P&L plus the move since its LTP). */
function positionPnl(p: Row): number {
  const base = Number(p.pnl) || 0;
  const live = S.prices.get(instrumentKey(p.exchange, p.symboltoken));
  if (!live) return base;
  // The venue sends multiplier -1 where it does not apply (cash segments).
  const m = Number(p.multiplier);
  const mult = m > 0 ? m : 1;
  return base + Number(p.netqty) * (live.ltp - Number(p.ltp)) * mult;
}

/** The P&L of every position at the latest prices. */
export function livePnl(): number {
  return S.positions.reduce((s, p) => s + positionPnl(p), 0);
}

export function renderPortfolio(el: HTMLElement): void {
  fill(
    el,
    h(
      'div',
      { class: 'stack' },
      h('section', { class: 'card' }, h('h2', {}, 'Funds'), h('div', { id: 'funds' })),
      h(
        'section',
        { class: 'card' },
        h('h2', {}, 'Positions ', h('span', { id: 'total-pnl', class: 'num' })),
        h('div', { id: 'positions', class: 'scroll' }),
      ),
      h('section', { class: 'card' }, h('h2', {}, 'Holdings'), h('div', { id: 'holdings', class: 'scroll' })),
    ),
  );
  paintPortfolio();
}

export function paintPortfolio(): void {
  const funds = document.getElementById('funds');
  if (funds && S.rms) {
    const r = S.rms;
    const item = (label: string, v: unknown, id = '') =>
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, label),
        h('strong', { id }, money(v as number)),
      );
    fill(
      funds,
      h(
        'div',
        { class: 'kvs' },
        item('Net', r.net, 'funds-net'),
        item('Available cash', r.availablecash),
        item('Utilised (debits)', r.utiliseddebits),
        item('Span', r.utilisedspan),
        item('Exposure', r.utilisedexposure),
        item('Option premium', r.utilisedoptionpremium),
        item('Realised M2M', r.m2mrealized),
        item('Unrealised M2M', r.m2munrealized),
        item("Today's charges (est.)", S.charges ?? 0, 'charges'),
      ),
    );
  }
  paintPositions();
  const hold = document.getElementById('holdings');
  if (hold) {
    const list = (S.holdings?.holdings ?? []) as Row[];
    fill(
      hold,
      list.length
        ? table(
            ['Symbol', '>Qty', '>T1 qty', '>Avg', '>LTP', '>P&L', '>P&L %'],
            list.map((x) =>
              h(
                'tr',
                {},
                h('td', {}, x.tradingsymbol),
                h('td', { class: 'num' }, x.quantity),
                h('td', { class: 'num' }, x.t1quantity),
                h('td', { class: 'num' }, money(x.averageprice)),
                h('td', { class: 'num' }, money(x.ltp)),
                h('td', { class: `num ${signClass(Number(x.profitandloss))}` }, money(x.profitandloss)),
                h('td', { class: 'num' }, `${Number(x.pnlpercentage).toFixed(2)}%`),
              ),
            ),
            { id: 'holdings-table' },
          )
        : h('p', { class: 'muted' }, 'No holdings.'),
    );
  }
}

export function paintPositions(): void {
  const box = document.getElementById('positions');
  if (!box) return;
  const total = livePnl();
  const tp = document.getElementById('total-pnl');
  if (tp) {
    tp.textContent = `P&L ${money(total)}`;
    tp.className = `num ${signClass(total)}`;
  }
  const rows = S.positions.map((p) => {
    const pnl = positionPnl(p);
    const live = S.prices.get(instrumentKey(p.exchange, p.symboltoken));
    return h(
      'tr',
      { 'data-position': `${p.exchange}|${p.symboltoken}|${p.producttype}` },
      h('td', {}, p.tradingsymbol),
      h('td', {}, p.producttype),
      h('td', { class: 'num netqty' }, p.netqty),
      h('td', { class: 'num' }, money(p.netprice || p.avgnetprice)),
      h('td', { class: 'num' }, money(live?.ltp ?? p.ltp)),
      h('td', { class: `num pnl ${signClass(pnl)}` }, money(pnl)),
    );
  });
  fill(
    box,
    rows.length
      ? table(['Symbol', 'Product', '>Net qty', '>Avg', '>LTP', '>P&L'], rows, { id: 'positions-table' })
      : h('p', { class: 'muted' }, 'No positions.'),
  );
}
