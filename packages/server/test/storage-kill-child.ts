/**
 * Child of the storage suite's kill -9 test: opens the store named by argv[2] (with the server lock) and
 * commits forever, one transaction per event-loop turn, each writing counter `n` and engine row `o<n>`;
 * prints `n` once its transaction committed (acknowledged).
 */
import { openStore } from '../src/storage/open.js';

const db = process.argv[2];
if (!db) throw new Error('usage: storage-kill-child.ts <db>');
const store = openStore(db);
let n = store.counters.get('n') ?? 0;
const step = (): void => {
  n++;
  store.transaction(() => {
    store.counters.set('n', n);
    store.rows.apply([{ kind: 'order', key: `o${n}`, clientcode: 'K1', data: { n, pad: 'x'.repeat(200) } }]);
  });
  process.stdout.write(`${n}\n`);
  setImmediate(step);
};
step();
