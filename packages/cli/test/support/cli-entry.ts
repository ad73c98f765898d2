// Runs the CLI from source (tests spawn it with `node --conditions=source --import tsx`), like
// bin/smartapi.js does from dist.
import { main } from '../../src/main.js';

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err instanceof Error ? err.message : String(err));
    process.exitCode = 1;
  },
);
