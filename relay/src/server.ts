/**
 * Starts one relay process: the Hono app on a Node HTTP server, with `/signal` upgrades
 * routed to the signaling endpoint.
 */
import { createAdaptorServer } from '@hono/node-server';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { createApp } from './app.ts';
import type { FanOut } from './fan-out.ts';
import type { IceServer } from './ice-servers.ts';
import { resolveLimits, type RelayLimits } from './limits.ts';
import { Router, type PublishTap } from './router.ts';
import { createSignalEndpoint } from './signal-socket.ts';
import type { TurnConfig } from './turn-credentials.ts';
import { readRelayVersion } from './version.ts';

export const DEFAULT_PORT = 8787;
export const DEFAULT_HOST = '127.0.0.1';
/** The client build at the repository root. */
export const DEFAULT_STATIC_DIR = fileURLToPath(new URL('../../dist/client', import.meta.url));

export interface StartRelayOptions {
  /** TCP port; 0 picks a free one. Default 8787. */
  readonly port?: number;
  /** Interface to listen on. Default 127.0.0.1. */
  readonly host?: string;
  /** Directory of the built client. Default `dist/client` at the repository root. */
  readonly staticDir?: string;
  /** Overrides of the default limits; validated. */
  readonly limits?: Partial<RelayLimits>;
  /** Served by `GET /config`. Default none. */
  readonly iceServers?: readonly IceServer[];
  /** Short-lived TURN credentials minted for each `GET /config` (see turn-credentials.ts). */
  readonly turn?: TurnConfig;
  /** Test tap: called once for every publish the relay accepts, with the frame as sent. */
  readonly onPublish?: PublishTap;
  /** Cross-process fan-out; default in-process. */
  readonly fanOut?: FanOut;
}

export interface RunningRelay {
  /** Base URL, e.g. `http://127.0.0.1:8787`; signaling is at `ws://…/signal`. */
  readonly url: string;
  readonly port: number;
  /** Closes every socket with GoingAway, then the server. Idempotent. */
  close(): Promise<void>;
}

const listen = (server: Server, port: number, host: string): Promise<number> =>
  new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      const address = server.address();
      if (address === null || typeof address === 'string') {
        reject(new Error('relay: server has no TCP address'));
      } else {
        resolve(address.port);
      }
    });
  });

const urlHost = (host: string): string => (host.includes(':') ? `[${host}]` : host);

export const startRelay = async (options: StartRelayOptions = {}): Promise<RunningRelay> => {
  const host = options.host ?? DEFAULT_HOST;
  const limits = resolveLimits(options.limits);
  const app = createApp({
    version: readRelayVersion(),
    iceServers: options.iceServers ?? [],
    turn: options.turn,
    staticDir: options.staticDir ?? DEFAULT_STATIC_DIR,
    health: options.fanOut?.health?.bind(options.fanOut),
  });
  const router = new Router({
    limits,
    ...(options.fanOut === undefined ? {} : { fanOut: options.fanOut }),
    ...(options.onPublish === undefined ? {} : { onPublish: options.onPublish }),
  });
  const signal = createSignalEndpoint(router, limits);
  // Only plain HTTP/1.1: that is what the WebSocket upgrade needs.
  const server = createAdaptorServer({ fetch: app.fetch }) as Server;
  server.on('upgrade', (request, stream, head) => signal.handleUpgrade(request, stream, head));

  const port = await listen(server, options.port ?? DEFAULT_PORT, host);
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${port}`,
    port,
    close() {
      closing ??= (async () => {
        const serverClosed = new Promise<void>((resolve) => server.close(() => resolve()));
        await signal.close();
        server.closeAllConnections();
        await serverClosed;
      })();
      return closing;
    },
  };
};
