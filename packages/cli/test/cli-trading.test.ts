/**
 * The write commands end to end against the paper broker: `order place|modify|cancel`, `gtt
 * create|list|cancel`, `funds`. The paper broker is not the live venue, so nothing asks for
 * confirmation.
 */
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { after, before, test } from 'node:test';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { main } from '../src/main.js';

let broker: PaperBroker;
let dir: string;
let env: NodeJS.ProcessEnv;

/** A stdin that fails the test when anything reads it: no prompt may happen against the paper broker. */
function untouchableStdin(): NodeJS.ReadableStream {
  return new Readable({
    read() {
      this.destroy(new Error('stdin was read: the CLI prompted against the paper broker'));
    },
  });
}

/** Runs the CLI in-process with captured output. */
async function run(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const code = await main(argv, {
    env,
    stdin: untouchableStdin(),
    stdout: { write: (s: string) => (out += s) },
    stderr: { write: (s: string) => (err += s) },
  });
  assert.doesNotMatch(err, /Proceed\?/, 'no confirmation against the paper broker');
  return { code, out, err };
}

/** Runs the CLI with `--json` and parses its output; the command must succeed. */
async function json<T>(...argv: string[]): Promise<T> {
  const r = await run('--json', ...argv);
  assert.equal(r.code, 0, `${argv.join(' ')}: ${r.err}`);
  return JSON.parse(r.out) as T;
}

interface BookRow {
  orderid: string;
  price: number | string;
  quantity: string;
  status: string;
  orderstatus: string;
  tradingsymbol: string;
  ordertype: string;
}

const book = () => json<BookRow[]>('orders');

before(async () => {
  broker = await startPaperBroker({ market: 'static' });
  dir = mkdtempSync(join(tmpdir(), 'smartapi-cli-trading-'));
  env = { SMARTAPI_CONFIG_DIR: join(dir, 'config'), SMARTAPI_CACHE_DIR: join(dir, 'cache') };
  const a = broker.account;
  const login = await run(
    '--root',
    broker.url,
    '--api-key',
    a.apiKey,
    'login',
    '--client-code',
    a.clientcode,
    '--pin',
    a.password,
    '--totp-secret',
    a.totpSecret,
  );
  assert.equal(login.code, 0, login.err);
});

after(async () => {
  await broker?.close();
  rmSync(dir, { recursive: true, force: true });
});

const PLACE = [
  'order',
  'place',
  '--symbol',
  'SBIN-EQ',
  '--token',
  '3045',
  '--exchange',
  'NSE',
  '--side',
  'BUY',
  '--product',
  'INTRADAY',
  '--qty',
  '2',
];

test('order place → the order book shows it; modify changes it; cancel cancels it', async () => {
  // SBIN trades at ₹800 in the static market: a buy limit at ₹790 rests open.
  const placed = await run(...PLACE, '--type', 'LIMIT', '--price', '790', '--tag', 'cli-test');
  assert.equal(placed.code, 0, placed.err);
  const id = /Placed order (\S+) \(unique id \S+\)/.exec(placed.out)?.[1];
  assert.ok(id, placed.out);
  let row = (await book()).find((r) => r.orderid === id);
  assert.ok(row, 'the placed order is in the book');
  assert.equal(row.tradingsymbol, 'SBIN-EQ');
  assert.equal(Number(row.price), 790);
  assert.equal(Number(row.quantity), 2);
  assert.equal(row.orderstatus, 'open');

  const modified = await run('order', 'modify', id, '--price', '795.5', '--qty', '3');
  assert.equal(modified.code, 0, modified.err);
  assert.match(modified.out, new RegExp(`Modified order ${id}`));
  row = (await book()).find((r) => r.orderid === id);
  assert.equal(Number(row?.price), 795.5);
  assert.equal(Number(row?.quantity), 3);
  assert.equal(row?.orderstatus, 'open');

  const cancelled = await json<{ orderid: string }>('order', 'cancel', id);
  assert.equal(cancelled.orderid, id);
  row = (await book()).find((r) => r.orderid === id);
  assert.equal(row?.orderstatus, 'cancelled');

  const again = await run('order', 'modify', 'NOSUCHORDER', '--price', '1');
  assert.equal(again.code, 1);
  assert.match(again.err, /order NOSUCHORDER is not in today's order book/);
});

test('order place without --token resolves the symbol through the instrument master', async () => {
  const res = await json<{ orderid: string }>(
    'order',
    'place',
    '--symbol',
    'NSE:SBIN',
    '--side',
    'BUY',
    '--type',
    'MARKET',
    '--product',
    'DELIVERY',
    '--qty',
    '1',
  );
  const row = (await book()).find((r) => r.orderid === res.orderid);
  assert.equal(row?.tradingsymbol, 'SBIN-EQ', 'bare SBIN resolved to the venue spelling');
  assert.equal(row?.ordertype, 'MARKET');
  assert.equal(row?.orderstatus, 'complete');

  const unknown = await run(
    'order',
    'place',
    '--symbol',
    'NSE:NOSUCHTHING',
    '--side',
    'BUY',
    '--type',
    'MARKET',
    '--product',
    'DELIVERY',
    '--qty',
    '1',
  );
  assert.equal(unknown.code, 1);
  assert.match(unknown.err, /unknown instrument "NSE:NOSUCHTHING"/);
});

test('bad order flags exit 2 with a clear message and send nothing', async () => {
  const before = (await book()).length;
  const side = PLACE.indexOf('--side');
  const noSide = [...PLACE.slice(0, side), ...PLACE.slice(side + 2)];
  const cases: [string[], RegExp][] = [
    [[...noSide, '--type', 'LIMIT', '--price', '790'], /required option '--side <side>' not specified/],
    [
      [...PLACE, '--type', 'LIMT', '--price', '790'],
      /'--type <type>' argument 'LIMT' is invalid. Allowed choices are MARKET, LIMIT/,
    ],
    [[...PLACE, '--type', 'LIMIT'], /a LIMIT order needs --price/],
    [[...PLACE, '--type', 'MARKET', '--price', '790'], /a MARKET order takes no --price/],
    [[...PLACE, '--type', 'LIMIT', '--price', '790', '--trigger', '780'], /--trigger is only for STOPLOSS/],
    [[...PLACE, '--type', 'STOPLOSS_LIMIT', '--price', '790'], /a STOPLOSS_LIMIT order needs --trigger/],
    [[...PLACE, '--type', 'LIMIT', '--price', '-5'], /--price <rupees>' argument '-5' is invalid/],
    [[...PLACE, '--type', 'LIMIT', '--price', 'abc'], /Expected a positive price in rupees/],
    [[...PLACE.slice(0, -1), '0', '--type', 'MARKET'], /Expected a positive whole number/],
    [[...PLACE.slice(0, -1), '1.5', '--type', 'MARKET'], /Expected a positive whole number/],
    [[...PLACE, '--type', 'MARKET', '--tag', 'x'.repeat(20)], /--tag must be 1 to 19 characters/],
    [[...PLACE, '--type', 'MARKET', '--variety', 'STOPLOSS'], /the STOPLOSS variety needs --type STOPLOSS/],
    [
      [
        'order',
        'place',
        '--symbol',
        'SBIN-EQ',
        '--token',
        '3045',
        '--side',
        'BUY',
        '--type',
        'MARKET',
        '--product',
        'DELIVERY',
        '--qty',
        '1',
      ],
      /--exchange is needed with --token/,
    ],
    [['order', 'modify', '123'], /nothing to change/],
    [['order', 'cancel'], /missing required argument 'orderid'/],
    [
      [
        'gtt',
        'create',
        '--symbol',
        'SBIN-EQ',
        '--side',
        'BUY',
        '--product',
        'INTRADAY',
        '--qty',
        '1',
        '--trigger',
        '700',
        '--price',
        '701',
      ],
      /'--product <product>' argument 'INTRADAY' is invalid. Allowed choices are DELIVERY, MARGIN/,
    ],
    [['gtt', 'list', '--status', 'NEW,DONE'], /Allowed statuses are NEW, CANCELLED/],
    [['gtt', 'cancel', '7', '--token', '3045'], /give both --token and --exchange, or neither/],
  ];
  for (const [argv, message] of cases) {
    const r = await run(...argv);
    assert.equal(r.code, 2, `${argv.join(' ')} → ${r.code}: ${r.err}`);
    assert.match(r.err, message, argv.join(' '));
  }
  assert.equal((await book()).length, before, 'no order was sent');
});

test('stop-loss orders default to the STOPLOSS variety', async () => {
  // A buy stop above the market (₹800) waits for its trigger.
  const res = await json<{ orderid: string }>(
    ...PLACE,
    '--type',
    'STOPLOSS_LIMIT',
    '--price',
    '821',
    '--trigger',
    '820',
  );
  const row = (await json<(BookRow & { variety: string })[]>('orders')).find(
    (r) => r.orderid === res.orderid,
  );
  assert.equal(row?.variety, 'STOPLOSS');
});

test('gtt create → gtt list shows the rule; gtt cancel cancels it', async () => {
  const created = await run(
    'gtt',
    'create',
    '--symbol',
    'NSE:SBIN-EQ',
    '--side',
    'BUY',
    '--product',
    'DELIVERY',
    '--qty',
    '5',
    '--trigger',
    '700',
    '--price',
    '701.5',
  );
  assert.equal(created.code, 0, created.err);
  const id = /Created GTT rule (\S+)/.exec(created.out)?.[1];
  assert.ok(id, created.out);

  type Rule = {
    id: string;
    status: string;
    tradingsymbol: string;
    qty: string;
    price: string;
    triggerprice: string;
  };
  let rule = (await json<Rule[]>('gtt', 'list')).find((r) => String(r.id) === id);
  assert.ok(rule, 'the rule is listed');
  assert.equal(rule.tradingsymbol, 'SBIN-EQ');
  assert.equal(Number(rule.qty), 5);
  assert.equal(Number(rule.triggerprice), 700);
  assert.equal(Number(rule.price), 701.5);
  assert.equal(rule.status, 'NEW');
  const table = await run('gtt', 'list', '--status', 'new');
  assert.equal(table.code, 0, table.err);
  assert.match(table.out, new RegExp(`${id}.*NEW.*NSE:SBIN-EQ`));

  const cancelled = await run('gtt', 'cancel', id);
  assert.equal(cancelled.code, 0, cancelled.err);
  assert.match(cancelled.out, new RegExp(`Cancelled GTT rule ${id}`));
  rule = (await json<Rule[]>('gtt', 'list', '--status', 'CANCELLED')).find((r) => String(r.id) === id);
  assert.equal(rule?.status, 'CANCELLED');
});

test('funds shows the RMS limits', async () => {
  const rms = await json<{ net: string; availablecash: string }>('funds');
  assert.ok(Number(rms.availablecash) > 0, JSON.stringify(rms));
  const table = await run('funds');
  assert.equal(table.code, 0, table.err);
  assert.match(table.out, /Available cash/);
  assert.match(table.out, new RegExp(String(rms.net).replace('.', '\\.')));
});
