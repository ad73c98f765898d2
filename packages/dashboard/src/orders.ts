/**
 * The orders page of the user view: the order ticket (checked with the venue's own rules before it is
 * sent), the order book with modify and cancel, and the trade book.
 */
import { errorText } from './api.js';
import { fill, h, money, table } from './dom.js';
import { type Row, S } from './state.js';
import {
  checkModify,
  checkTicket,
  modifyOrderBody,
  placeOrderBody,
  TICKET_CHOICES,
  type TicketFields,
} from './ticket.js';

const TICKET_DEFAULTS: TicketFields = {
  variety: 'NORMAL',
  transactiontype: 'BUY',
  ordertype: 'LIMIT',
  producttype: 'INTRADAY',
  duration: 'DAY',
  exchange: 'NSE',
  tradingsymbol: '',
  symboltoken: '',
  quantity: '1',
  price: '',
  triggerprice: '',
  squareoff: '',
  stoploss: '',
  disclosedquantity: '',
  ordertag: '',
};

/** The orders page: the order ticket, then the order book and the trade book. */
export function renderOrders(el: HTMLElement, changed: () => void): void {
  const t: TicketFields = { ...TICKET_DEFAULTS, ...S.ticket };
  const sel = (name: keyof typeof TICKET_CHOICES, label: string) =>
    h(
      'label',
      { for: `t-${name}` },
      label,
      h(
        'select',
        { id: `t-${name}`, name },
        ...TICKET_CHOICES[name].map((v) => h('option', { value: v, selected: v === t[name] }, v)),
      ),
    );
  const inp = (name: keyof TicketFields, label: string, mode = 'decimal') =>
    h(
      'label',
      { for: `t-${name}` },
      label,
      h('input', { id: `t-${name}`, name, value: t[name], inputmode: mode }),
    );
  const status = h('p', { id: 'ticket-status', role: 'status' });
  const form = h(
    'form',
    { class: 'card ticket', id: 'ticket', novalidate: true },
    h('h2', {}, 'Order ticket'),
    h(
      'div',
      { class: 'grid' },
      sel('transactiontype', 'Side'),
      h(
        'label',
        { for: 't-exchange' },
        'Exchange',
        h(
          'select',
          { id: 't-exchange', name: 'exchange' },
          ...['NSE', 'BSE', 'NFO', 'BFO', 'MCX', 'CDS', 'NCDEX'].map((v) =>
            h('option', { value: v, selected: v === t.exchange }, v),
          ),
        ),
      ),
      inp('tradingsymbol', 'Symbol', 'text'),
      inp('symboltoken', 'Token', 'numeric'),
      sel('variety', 'Variety'),
      sel('ordertype', 'Order type'),
      sel('producttype', 'Product'),
      sel('duration', 'Duration'),
      inp('quantity', 'Quantity', 'numeric'),
      inp('price', 'Price'),
      inp('triggerprice', 'Trigger price'),
      inp('disclosedquantity', 'Disclosed qty', 'numeric'),
      inp('squareoff', 'Square off (ROBO)'),
      inp('stoploss', 'Stop loss (ROBO)'),
      inp('ordertag', 'Order tag', 'text'),
    ),
    h('button', { type: 'submit', id: 'place-order' }, 'Place order'),
    status,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const fields = { ...TICKET_DEFAULTS } as TicketFields;
    for (const k of Object.keys(TICKET_DEFAULTS) as (keyof TicketFields)[])
      fields[k] = String(fd.get(k) ?? '');
    S.ticket = fields;
    const body = placeOrderBody(fields);
    const chk = checkTicket(body);
    status.className = 'error';
    if (!chk.ok) {
      status.textContent = `${chk.message} (${chk.errorcode})`;
      return;
    }
    try {
      const data = await S.venue?.call<{ orderid: string; uniqueorderid: string }>('placeOrder', body);
      status.className = 'ok';
      status.textContent = `Order placed: ${data?.orderid}`;
      status.dataset.orderid = data?.orderid ?? '';
      changed();
    } catch (e) {
      status.textContent = errorText(e);
    }
  });
  fill(
    el,
    h(
      'div',
      { class: 'cols' },
      form,
      h(
        'div',
        { class: 'stack' },
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'Order book'),
          h('div', { id: 'order-book', class: 'scroll' }),
        ),
        h(
          'section',
          { class: 'card' },
          h('h2', {}, 'Trade book'),
          h('div', { id: 'trade-book', class: 'scroll' }),
        ),
      ),
    ),
  );
  paintOrders(changed);
}

const OPEN = new Set([
  'open',
  'trigger pending',
  'open pending',
  'modify pending',
  'after market order req received',
]);

/** Fills the order and trade books from the last refresh. */
export function paintOrders(changed: () => void): void {
  const box = document.getElementById('order-book');
  if (box) {
    const rows = [...S.orders].reverse().map((o) => {
      const open = OPEN.has(String(o.status).toLowerCase());
      return h(
        'tr',
        { 'data-orderid': o.orderid, 'data-status': o.status },
        h('td', {}, o.orderid),
        h('td', {}, o.updatetime ?? ''),
        h('td', {}, o.tradingsymbol),
        h('td', { class: o.transactiontype === 'BUY' ? 'up' : 'down' }, o.transactiontype),
        h('td', {}, `${o.ordertype} ${o.producttype}`),
        h('td', { class: 'num' }, `${o.filledshares ?? 0}/${o.quantity}`),
        h('td', { class: 'num' }, money(o.price)),
        h('td', { class: 'status' }, o.status, o.text ? h('small', { class: 'muted' }, ` ${o.text}`) : ''),
        h(
          'td',
          { class: 'actions' },
          open && h('button', { 'data-modify': o.orderid, onclick: () => showModify(o, changed) }, 'Modify'),
          open && h('button', { 'data-cancel': o.orderid, onclick: () => void cancel(o, changed) }, 'Cancel'),
        ),
      );
    });
    fill(
      box,
      h('div', { id: 'modify-box' }),
      rows.length
        ? table(['Order id', 'Time', 'Symbol', 'Side', 'Type', '>Filled', '>Price', 'Status', ''], rows, {
            id: 'orders',
          })
        : h('p', { class: 'muted' }, 'No orders today.'),
    );
  }
  const tb = document.getElementById('trade-book');
  if (tb) {
    const rows = [...S.trades]
      .reverse()
      .map((t) =>
        h(
          'tr',
          { 'data-fillid': t.fillid },
          h('td', {}, t.filltime),
          h('td', {}, t.orderid),
          h('td', {}, t.tradingsymbol),
          h('td', { class: t.transactiontype === 'BUY' ? 'up' : 'down' }, t.transactiontype),
          h('td', { class: 'num' }, t.fillsize),
          h('td', { class: 'num' }, money(t.fillprice)),
        ),
      );
    fill(
      tb,
      rows.length
        ? table(['Time', 'Order id', 'Symbol', 'Side', '>Qty', '>Price'], rows, { id: 'trades' })
        : h('p', { class: 'muted' }, 'No trades today.'),
    );
  }
}

function showModify(o: Row, changed: () => void): void {
  const box = document.getElementById('modify-box');
  if (!box) return;
  const msg = h('p', { class: 'error', role: 'alert' });
  const f = (name: string, label: string, value: string) =>
    h('label', {}, label, h('input', { name, value, inputmode: 'decimal' }));
  const form = h(
    'form',
    { class: 'modify', id: 'modify-form' },
    h('strong', {}, `Modify ${o.orderid}`),
    f('price', 'Price', String(o.price)),
    f('quantity', 'Quantity', String(o.quantity)),
    f('triggerprice', 'Trigger price', Number(o.triggerprice) > 0 ? String(o.triggerprice) : ''),
    h('button', { type: 'submit' }, 'Save'),
    h('button', { type: 'button', onclick: () => fill(box) }, 'Close'),
    msg,
  );
  form.addEventListener('submit', async (ev) => {
    ev.preventDefault();
    const fd = new FormData(form);
    const body = modifyOrderBody(o, {
      price: String(fd.get('price') ?? ''),
      quantity: String(fd.get('quantity') ?? ''),
      triggerprice: String(fd.get('triggerprice') ?? ''),
    });
    const chk = checkModify(body);
    if (!chk.ok) {
      msg.textContent = `${chk.message} (${chk.errorcode})`;
      return;
    }
    try {
      await S.venue?.call('modifyOrder', body);
      fill(box);
      changed();
    } catch (e) {
      msg.textContent = errorText(e);
    }
  });
  fill(box, form);
}

async function cancel(o: Row, changed: () => void): Promise<void> {
  try {
    await S.venue?.call('cancelOrder', { variety: o.variety, orderid: o.orderid });
    changed();
  } catch (e) {
    const box = document.getElementById('modify-box');
    if (box) fill(box, h('p', { class: 'error', role: 'alert' }, errorText(e)));
  }
}

// ── portfolio ──

/** A position's P&L at the latest feed price (the broker's figure moved by the price change since). */
