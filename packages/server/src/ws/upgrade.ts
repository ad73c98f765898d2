/**
 * Routes HTTP `upgrade` events of the broker's port: `/smart-stream` to the market feed,
 * `/smart-order-update` to the order-update feed, anything else gets 404 and is closed.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { MARKET_FEED_PATH, ORDER_FEED_PATH } from '@smartapi-ts/protocol';
import { refuseUpgrade } from './order-feed.js';

/** Anything that takes over an upgrade request. */
export interface UpgradeHandler {
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void;
}

function pathOf(url: string | undefined): string {
  let p = url ?? '/';
  const q = p.indexOf('?');
  if (q >= 0) p = p.slice(0, q);
  p = p.replace(/\/{2,}/g, '/');
  if (p.length > 1 && p.endsWith('/')) p = p.slice(0, -1);
  return p;
}

/** Installs the upgrade router on a node HTTP server; returns a function that removes it. */
export function routeUpgrades(
  server: Server,
  routes: { marketFeed?: UpgradeHandler | undefined; orderFeed: UpgradeHandler },
): () => void {
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    socket.on('error', () => socket.destroy());
    try {
      const path = pathOf(req.url);
      if (path === ORDER_FEED_PATH) return routes.orderFeed.handleUpgrade(req, socket, head);
      if (path === MARKET_FEED_PATH && routes.marketFeed)
        return routes.marketFeed.handleUpgrade(req, socket, head);
      refuseUpgrade(socket, 404, 'Not Found');
    } catch {
      socket.destroy();
    }
  };
  server.on('upgrade', onUpgrade);
  return () => server.off('upgrade', onUpgrade);
}
