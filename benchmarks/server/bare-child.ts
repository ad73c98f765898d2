/**
 * Baseline child process of the server benchmark: a bare fastify app (same fastify version as the
 * paper broker, logger off) whose only route parses the JSON body and answers a constant placeOrder
 * envelope. Prints `{"event":"listening","url":…}` on stdout; exits on SIGTERM.
 */
import Fastify from 'fastify';

const app = Fastify({ logger: false });
const ENVELOPE = {
  status: true,
  message: 'SUCCESS',
  errorcode: '',
  data: {
    script: 'SBIN-EQ',
    orderid: '250125000000001',
    uniqueorderid: '0f9e4a6c-5b1a-4c2e-9d3f-1a2b3c4d5e6f',
  },
};
app.post('/*', async () => ENVELOPE);
app.get('/*', async () => ENVELOPE);
const url = await app.listen({ host: '127.0.0.1', port: 0 });
process.stdout.write(`${JSON.stringify({ event: 'listening', url })}\n`);
const stop = (): void => {
  void app.close().then(() => process.exit(0));
};
process.once('SIGTERM', stop);
process.once('SIGINT', stop);
