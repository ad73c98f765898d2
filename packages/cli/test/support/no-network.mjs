// Preloaded (`node --import`) into a spawned CLI by the confirmation tests: the first attempt to open a
// TCP or TLS connection or to resolve a host name prints `NETWORK ATTEMPT <target>` on stderr and ends
// the process with exit code 99, before any packet leaves. So a test can point the CLI at the live
// venue's root and prove that nothing was sent — the venue is never contacted either way.
import dns from 'node:dns';
import { writeSync } from 'node:fs';
import { syncBuiltinESMExports } from 'node:module';
import net from 'node:net';

function trip(target) {
  writeSync(2, `NETWORK ATTEMPT ${target}\n`);
  process.exit(99);
}
const describe = (args) => {
  const a = args[0];
  if (Array.isArray(a)) return describe(a);
  if (a && typeof a === 'object') return `${a.host ?? a.path ?? ''}:${a.port ?? ''}`;
  return String(a);
};

net.Socket.prototype.connect = function connect(...args) {
  trip(describe(args));
};
dns.lookup = (host) => trip(host);
dns.promises.lookup = async (host) => trip(host);
dns.resolve = (host) => trip(host);
dns.promises.resolve = async (host) => trip(host);
globalThis.fetch = async (input) => trip(String(input));
syncBuiltinESMExports();
