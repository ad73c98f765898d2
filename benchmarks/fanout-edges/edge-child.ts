/**
 * One feed edge in a child process of the fanout-edges benchmark. argv: NATS_URL. stdout: one JSON
 * line `{"url"}` once listening. Stops on SIGTERM.
 */
import { startFeedEdge } from '../../packages/server/src/bus/index.js';

const edge = await startFeedEdge({ nats: process.argv[2] ?? 'nats://127.0.0.1:4222' });
process.stdout.write(`${JSON.stringify({ url: edge.url })}\n`);
process.on('SIGTERM', () => {
  void edge.close().then(() => process.exit(0));
});
