/**
 * Abuse suite — HTTP parser and framework errors answered in the venue envelope (raw sockets), and no
 * secret in the request log at `info` (the Python client's `getProfile?{"refreshToken": …}` shape).
 */
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { ROUTES } from '@smartapi-ts/protocol';
import { type PaperBroker, startPaperBroker } from '@smartapi-ts/testkit';
import { buildServer, type PaperServer } from '../../src/app.js';
import { createAccount } from '../../src/identity/accounts.js';
import { totpCode } from '../../src/identity/totp.js';

/** Sends raw bytes; resolves with everything the server wrote before closing (or after 2 s idle). */
function raw(port: number, bytes: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1');
    let out = '';
    s.setEncoding('latin1');
    s.on('data', (d: string) => {
      out += d;
    });
    s.setTimeout(2000, () => s.destroy());
    s.on('close', () => resolve(out));
    s.on('error', reject);
    s.write(bytes, 'latin1');
  });
}

/** Status and JSON body of a raw HTTP answer. */
function parse(answer: string): { status: number; body: Record<string, unknown> } {
  const m = /^HTTP\/1\.1 (\d{3})/.exec(answer);
  assert.ok(m, `an HTTP answer, got ${JSON.stringify(answer.slice(0, 200))}`);
  const body = answer.slice(answer.indexOf('\r\n\r\n') + 4);
  return { status: Number(m[1]), body: JSON.parse(body) as Record<string, unknown> };
}

describe('abuse: every parser / framework error in the envelope', () => {
  let broker: PaperBroker;
  let port: number;
  before(async () => {
    broker = await startPaperBroker({ market: 'static' });
    port = Number(new URL(broker.url).port);
  });
  after(() => broker.close());

  const cases: Array<[string, string, number]> = [
    ['bad percent-encoding %zz', 'GET /rest/%zz HTTP/1.1\r\nHost: x\r\n\r\n', 400],
    [
      'duplicate Content-Length',
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nContent-Length: 3\r\n\r\n{}',
      400,
    ],
    ['non-numeric Content-Length', 'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: abc\r\n\r\n', 400],
    [
      'Content-Length with Transfer-Encoding',
      'POST /x HTTP/1.1\r\nHost: x\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      400,
    ],
    ['oversized headers', `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'a'.repeat(20_000)}\r\n\r\n`, 431],
    ['garbage request line', 'HELLO\r\n\r\n', 400],
  ];
  for (const [name, bytes, status] of cases) {
    it(`${name}: HTTP ${status} with status:false and an AB code`, async () => {
      const a = parse(await raw(port, bytes));
      assert.equal(a.status, status);
      assert.equal(a.body.status, false);
      assert.match(String(a.body.errorcode), /^AB\d{4}$/);
      assert.equal(typeof a.body.message, 'string');
      assert.ok(!('statusCode' in a.body) && !('code' in a.body), 'no fastify body');
    });
  }

  it('a request without Host is served (here: a 404 in the envelope, not a bare 400)', async () => {
    const a = parse(await raw(port, 'GET /nope HTTP/1.1\r\nConnection: close\r\n\r\n'));
    assert.equal(a.status, 404);
    assert.equal(a.body.status, false);
    assert.equal(a.body.errorcode, 'AB2000');
  });

  it('still serves normal requests after the refusals', async () => {
    const res = await fetch(`${broker.url}/health`);
    assert.equal(res.status, 200);
  });
});

describe('abuse: no secret in the request log', () => {
  let server: PaperServer;
  const lines: string[] = [];
  let restore: () => void;
  before(async () => {
    const write = process.stderr.write.bind(process.stderr);
    process.stderr.write = ((chunk: string | Uint8Array, ...rest: unknown[]) => {
      lines.push(typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8'));
      return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
    }) as typeof process.stderr.write;
    restore = () => {
      process.stderr.write = write;
    };
    server = await buildServer({
      db: ':memory:',
      host: '127.0.0.1',
      port: 0,
      logLevel: 'info',
      rateLimits: false,
    });
    await server.listen();
  });
  after(async () => {
    restore();
    await server.close();
  });

  it('neither the refresh token in a query string nor the PIN / TOTP of a login reach the log', async () => {
    const { credentials } = await createAccount(server.store, { pin: '4711' });
    const headers = {
      'Content-Type': 'application/json',
      'X-UserType': 'USER',
      'X-SourceID': 'WEB',
      'X-PrivateKey': credentials.apiKey,
    };
    const totp = totpCode(credentials.totpSecret);
    const login = await fetch(server.url + ROUTES.loginByPassword.path, {
      method: 'POST',
      headers,
      body: JSON.stringify({ clientcode: credentials.clientcode, password: '4711', totp }),
    });
    const tokens = ((await login.json()) as { data: { jwtToken: string; refreshToken: string } }).data;
    // The Python client's getProfile: the refresh token as a JSON query string.
    const q = encodeURIComponent(JSON.stringify({ refreshToken: tokens.refreshToken }));
    const res = await fetch(`${server.url}${ROUTES.getProfile.path}?${q}`, {
      headers: { ...headers, Authorization: `Bearer ${tokens.jwtToken}` },
    });
    assert.equal(res.status, 200);
    await res.arrayBuffer();
    const log = lines.join('');
    assert.match(log, /getProfile\?\[redacted \d+ chars\]/, 'the request was logged, redacted');
    for (const secret of [
      tokens.refreshToken,
      tokens.refreshToken.split('.')[2] as string,
      tokens.jwtToken.split('.')[2] as string,
      credentials.totpSecret,
      `"4711"`,
      `"${totp}"`,
    ]) {
      assert.equal(log.includes(secret), false, `log holds ${secret.slice(0, 12)}…`);
    }
  });
});
