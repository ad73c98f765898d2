/** A few DOM helpers (no framework): element creation, number formatting. */
type Attrs = Record<string, string | number | boolean | undefined | ((ev: Event) => void)>;
type Child = Node | string | number | null | undefined | false;

/** Creates an element: `h('button', { class: 'x', onclick: fn }, 'Label')`. */
export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === false) continue;
    if (typeof v === 'function') el.addEventListener(k.replace(/^on/, ''), v);
    else if (k === 'value' && 'value' in el) (el as HTMLInputElement).value = String(v);
    else el.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'object' ? c : String(c));
  }
  return el;
}

/** Replaces the children of an element. */
export function fill(el: Element, ...children: Child[]): void {
  el.replaceChildren(
    ...children
      .filter((c): c is Node | string | number => c !== null && c !== undefined && c !== false)
      .map((c) => (typeof c === 'object' ? c : String(c))),
  );
}

const INR = new Intl.NumberFormat('en-IN', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Formats rupees with two decimals, Indian grouping. */
export const money = (n: number | string | undefined): string => {
  const v = typeof n === 'string' ? Number(n) : (n ?? 0);
  return Number.isFinite(v) ? INR.format(v) : '–';
};

/** Sign class of a number: `up`, `down` or ''. */
export const signClass = (n: number): string => (n > 0 ? 'up' : n < 0 ? 'down' : '');

/** A table with a header row (a header starting with `>` is a right-aligned number column). */
export function table(headers: string[], rows: Node[], attrs: Attrs = {}): HTMLTableElement {
  return h(
    'table',
    attrs,
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        ...headers.map((x) =>
          x.startsWith('>')
            ? h('th', { scope: 'col', class: 'num' }, x.slice(1))
            : h('th', { scope: 'col' }, x),
        ),
      ),
    ),
    h('tbody', {}, ...rows),
  );
}

/** IST wall time (HH:MM:SS) of an epoch in ms. */
export function istTime(ms: number): string {
  return new Date(ms + 19_800_000).toISOString().slice(11, 19);
}
