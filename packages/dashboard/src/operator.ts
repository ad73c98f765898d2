/**
 * The dashboard's operator view: opened with the admin token, it drives the broker through `/paper/v1/`
 * only — the clock (manual or simulated), accounts (create, fund, reset), faults and the execution preset.
 */
import { AdminClient, type Capabilities, capabilities, errorText } from './api.js';
import { fill, h, istTime, money, table } from './dom.js';

// biome-ignore lint/suspicious/noExplicitAny: rows of the admin API's JSON answers are read field by field
type Row = Record<string, any>;

const BASE = location.origin;
const app = document.getElementById('app') as HTMLElement;

let clockTimer: ReturnType<typeof setInterval> | undefined;

/** Replaces the page with the operator view and keeps its clock card current. */
export async function enterOperator(token: string): Promise<void> {
  const admin = new AdminClient(BASE, token);
  const caps = await capabilities(BASE);
  fill(
    app,
    h(
      'header',
      {},
      h('strong', { class: 'brand' }, 'Paper broker — operator'),
      h(
        'span',
        { class: 'who' },
        h(
          'button',
          {
            class: 'link',
            id: 'logout',
            onclick: () => {
              sessionStorage.removeItem('dash.admin');
              location.reload();
            },
          },
          'Close operator view',
        ),
      ),
    ),
    h(
      'main',
      { class: 'stack', id: 'page' },
      h('section', { class: 'card', id: 'clock-card' }, h('h2', {}, 'Clock')),
      h('section', { class: 'card', id: 'accounts-card' }, h('h2', {}, 'Accounts')),
      h('section', { class: 'card', id: 'faults-card' }, h('h2', {}, 'Faults')),
      h('section', { class: 'card', id: 'execution-card' }, h('h2', {}, 'Execution')),
    ),
  );
  await Promise.all([
    paintClock(admin),
    paintAccounts(admin),
    paintFaults(admin),
    paintExecution(admin, caps),
  ]);
  clockTimer = setInterval(() => void paintClockValues(admin), 1000);
}

async function paintClockValues(admin: AdminClient): Promise<void> {
  try {
    const c = await admin.call<Row>('GET', 'clock');
    const v = document.getElementById('clock-values');
    if (!v) return;
    fill(
      v,
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'Market time'),
        h('strong', { id: 'clock-now' }, c.now),
      ),
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'Mode'),
        h('strong', { id: 'clock-mode' }, c.mode),
      ),
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'State'),
        h('strong', { id: 'clock-state' }, c.paused ? 'paused' : 'running'),
      ),
      h('div', { class: 'kv' }, h('span', { class: 'muted' }, 'Speed'), h('strong', {}, `${c.speed}×`)),
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'Sessions'),
        h(
          'strong',
          {},
          Object.entries(c.session as Record<string, string>)
            .map(([k, s]) => `${k} ${s}`)
            .join(' · '),
        ),
      ),
    );
  } catch {
    if (clockTimer) clearInterval(clockTimer);
  }
}

async function paintClock(admin: AdminClient): Promise<void> {
  const card = document.getElementById('clock-card') as HTMLElement;
  const msg = h('p', { class: 'error', role: 'alert', id: 'clock-error' });
  const send = async (body: unknown) => {
    msg.textContent = '';
    try {
      await admin.call('POST', 'clock', body);
      await paintClockValues(admin);
    } catch (e) {
      msg.textContent = errorText(e);
    }
  };
  const speed = h('input', { id: 'clock-speed', inputmode: 'decimal', value: '60', 'aria-label': 'Speed' });
  const to = h('input', { id: 'clock-to', type: 'time', step: '60', 'aria-label': 'Advance to (IST)' });
  const by = h('input', {
    id: 'clock-by',
    inputmode: 'numeric',
    value: '60',
    'aria-label': 'Advance by (seconds)',
  });
  fill(
    card,
    h('h2', {}, 'Clock'),
    h('div', { class: 'kvs', id: 'clock-values' }),
    h(
      'div',
      { class: 'row' },
      h('button', { id: 'clock-pause', onclick: () => void send({ paused: true }) }, 'Pause'),
      h('button', { id: 'clock-resume', onclick: () => void send({ paused: false }) }, 'Resume'),
      h('label', {}, 'Speed ', speed),
      h(
        'button',
        { id: 'clock-speed-set', onclick: () => void send({ speed: Number(speed.value) }) },
        'Set speed',
      ),
    ),
    h(
      'div',
      { class: 'row' },
      h('label', {}, 'Advance to ', to),
      h(
        'button',
        {
          id: 'clock-advance-to',
          onclick: async () => {
            const c = await admin.call<Row>('GET', 'clock');
            await send({ advanceTo: `${String(c.now).slice(0, 10)}T${to.value}:00+05:30` });
          },
        },
        'Advance',
      ),
      h('label', {}, 'Advance by (s) ', by),
      h(
        'button',
        { id: 'clock-advance-by', onclick: () => void send({ advanceBy: Number(by.value) }) },
        'Advance by',
      ),
    ),
    msg,
  );
  await paintClockValues(admin);
}

async function paintAccounts(admin: AdminClient): Promise<void> {
  const card = document.getElementById('accounts-card') as HTMLElement;
  const msg = h('p', { role: 'status', id: 'accounts-msg' });
  let list: Row[] = [];
  try {
    list = await admin.call<Row[]>('GET', 'accounts');
  } catch (e) {
    msg.textContent = errorText(e);
  }
  const act = async (fn: () => Promise<unknown>, done: string) => {
    try {
      await fn();
      await paintAccounts(admin);
      const m = document.getElementById('accounts-msg');
      if (m) m.textContent = done;
    } catch (e) {
      msg.textContent = errorText(e);
    }
  };
  const rows = list.map((a) => {
    const amount = h('input', { inputmode: 'decimal', 'aria-label': `Amount for ${a.clientcode}`, size: 8 });
    return h(
      'tr',
      { 'data-clientcode': a.clientcode },
      h('td', {}, a.clientcode),
      h('td', {}, a.name),
      h('td', { class: 'num' }, money(a.funds)),
      h('td', { class: 'num' }, a.orders),
      h('td', {}, a.lastLoginAt ? istTime(Date.parse(a.lastLoginAt)) : '–'),
      h(
        'td',
        { class: 'actions' },
        amount,
        h(
          'button',
          {
            onclick: () =>
              void act(
                () => admin.call('POST', `accounts/${a.clientcode}/funds`, { add: Number(amount.value) }),
                `Funds of ${a.clientcode} changed.`,
              ),
          },
          'Add funds',
        ),
        h(
          'button',
          {
            class: 'sell',
            onclick: () =>
              void act(
                () => admin.call('POST', `accounts/${a.clientcode}/reset`, {}),
                `${a.clientcode} reset.`,
              ),
          },
          'Reset',
        ),
      ),
    );
  });
  const created = h('pre', { id: 'new-account' });
  fill(
    card,
    h('h2', {}, 'Accounts'),
    table(['Client code', 'Name', '>Funds', '>Orders', 'Last login', ''], rows, { id: 'accounts' }),
    h(
      'button',
      {
        onclick: async () => {
          try {
            const c = await admin.call<Row>('POST', 'accounts', {});
            await paintAccounts(admin);
            const el = document.getElementById('new-account');
            if (el) el.textContent = JSON.stringify(c, null, 2);
          } catch (e) {
            msg.textContent = errorText(e);
          }
        },
      },
      'Create account',
    ),
    created,
    msg,
  );
}

const FAULT_KINDS = [
  'http500',
  'timeout',
  'slow',
  'rateLimit',
  'ab1004',
  'sessionExpired',
  'feedDrop',
  'feedStall',
  'reject',
];

async function paintFaults(admin: AdminClient): Promise<void> {
  const card = document.getElementById('faults-card') as HTMLElement;
  const msg = h('p', { class: 'error', role: 'alert' });
  let list: Row[] = [];
  try {
    list = await admin.call<Row[]>('GET', 'faults');
  } catch (e) {
    msg.textContent = errorText(e);
  }
  const kind = h(
    'select',
    { 'aria-label': 'Fault kind', id: 'fault-kind' },
    ...FAULT_KINDS.map((k) => h('option', {}, k)),
  );
  const route = h('input', { placeholder: 'route (optional)', 'aria-label': 'Route', id: 'fault-route' });
  const cc = h('input', {
    placeholder: 'client code (optional)',
    'aria-label': 'Client code',
    id: 'fault-client',
  });
  const count = h('input', { placeholder: 'count', inputmode: 'numeric', 'aria-label': 'Count', size: 5 });
  const arm = async () => {
    const body: Row = { kind: kind.value };
    if (route.value.trim()) body.route = route.value.trim();
    if (cc.value.trim()) body.clientcode = cc.value.trim().toUpperCase();
    if (count.value.trim()) body.count = Number(count.value);
    try {
      await admin.call('POST', 'faults', body);
      await paintFaults(admin);
    } catch (e) {
      msg.textContent = errorText(e);
    }
  };
  fill(
    card,
    h('h2', {}, 'Faults'),
    list.length
      ? table(
          ['Id', 'Kind', 'Route', 'Client', '>Fired', 'Active', ''],
          list.map((f) =>
            h(
              'tr',
              { 'data-fault': f.id },
              h('td', {}, f.id),
              h('td', {}, f.kind),
              h('td', {}, f.route ?? '*'),
              h('td', {}, f.clientcode ?? '*'),
              h('td', { class: 'num' }, f.fired ?? 0),
              h('td', {}, f.active ? 'on' : 'off'),
              h(
                'td',
                {},
                h(
                  'button',
                  {
                    onclick: async () => {
                      await admin.call('DELETE', `faults/${f.id}`).catch(() => undefined);
                      await paintFaults(admin);
                    },
                  },
                  'Turn off',
                ),
              ),
            ),
          ),
          { id: 'faults' },
        )
      : h('p', { class: 'muted' }, 'No faults armed.'),
    h(
      'div',
      { class: 'row' },
      kind,
      route,
      cc,
      count,
      h('button', { id: 'fault-arm', onclick: () => void arm() }, 'Turn on'),
    ),
    msg,
  );
}

async function paintExecution(admin: AdminClient, caps: Capabilities): Promise<void> {
  const card = document.getElementById('execution-card') as HTMLElement;
  if (!caps.execution) {
    fill(
      card,
      h('h2', {}, 'Execution'),
      h('p', { class: 'muted', id: 'execution-na' }, 'Execution presets: not available on this broker.'),
    );
    return;
  }
  const msg = h('p', { class: 'error', role: 'alert' });
  let cur: Row | undefined;
  try {
    cur = await admin.call<Row>('GET', 'execution');
  } catch (e) {
    msg.textContent = errorText(e);
  }
  const preset = h(
    'select',
    { id: 'execution-preset', 'aria-label': 'Execution preset' },
    ...['ideal', 'realistic', 'harsh'].map((p) => h('option', { selected: cur?.preset === p }, p)),
  );
  fill(
    card,
    h('h2', {}, 'Execution'),
    h(
      'div',
      { class: 'kvs' },
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'Preset'),
        h('strong', { id: 'execution-current' }, cur?.preset ?? '–'),
      ),
      h('div', { class: 'kv' }, h('span', { class: 'muted' }, 'Seed'), h('strong', {}, cur?.seed ?? '–')),
      h(
        'div',
        { class: 'kv' },
        h('span', { class: 'muted' }, 'Queue'),
        h('strong', {}, cur?.queue?.model ?? '–'),
      ),
    ),
    h(
      'div',
      { class: 'row' },
      preset,
      h(
        'button',
        {
          id: 'execution-apply',
          onclick: async () => {
            try {
              await admin.call('PUT', 'execution', { preset: preset.value });
              await paintExecution(admin, caps);
            } catch (e) {
              msg.textContent = errorText(e);
            }
          },
        },
        'Apply',
      ),
    ),
    msg,
  );
}
