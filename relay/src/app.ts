/**
 * The relay's HTTP side: health, ICE configuration and the built client as static files,
 * all behind strict security headers. The WebSocket endpoint `/signal` is attached to the
 * Node server beside this app (see signal-socket.ts); here it only answers plain GETs.
 */
import { serveStatic } from '@hono/node-server/serve-static';
import { Hono, type MiddlewareHandler } from 'hono';
import { existsSync } from 'node:fs';
import type { IceServer } from './ice-servers.ts';
import { securityHeaders } from './security-headers.ts';
import { mintTurnServer, type TurnConfig } from './turn-credentials.ts';

export interface AppOptions {
  /** Reported by `GET /healthz`. */
  readonly version: string;
  /** Served by `GET /config` for RTCPeerConnection. */
  readonly iceServers: readonly IceServer[];
  /** Shared with coturn: `GET /config` adds a TURN server with a fresh short-lived credential. */
  readonly turn?: TurnConfig | undefined;
  /** Directory of the built client (`index.html` + `assets/`); absent → API only. */
  readonly staticDir?: string | undefined;
  /** Extra fields for `GET /healthz` (e.g. `{ redis: 'up' }`), read on every request. */
  readonly health?: (() => Readonly<Record<string, string | number>>) | undefined;
}

export const SIGNAL_PATH = '/signal';

/** Vite puts content-hashed files here: they never change under the same name. */
const HASHED_ASSETS_PREFIX = '/assets/';
const CACHE_IMMUTABLE = 'public, max-age=31536000, immutable';
/** Revalidate every time: a new build must reach users on their next load. */
const CACHE_REVALIDATE = 'no-cache';
const CACHE_NONE = 'no-store';

/** Hashed assets are cached for good; anything else that did not choose is revalidated. */
const cachePolicy = (): MiddlewareHandler => async (c, next) => {
  await next();
  if (c.res.headers.has('Cache-Control')) return;
  const immutable = c.res.status === 200 && c.req.path.startsWith(HASHED_ASSETS_PREFIX);
  c.header('Cache-Control', immutable ? CACHE_IMMUTABLE : CACHE_REVALIDATE);
};

/** A client-side route (no file extension, not an asset) gets index.html. */
const isClientRoute = (path: string): boolean =>
  !path.startsWith(HASHED_ASSETS_PREFIX) && !(path.split('/').at(-1) ?? '').includes('.');

const hasDotSegment = (path: string): boolean =>
  path.split('/').some((segment) => segment.startsWith('.'));

export const createApp = (options: AppOptions): Hono => {
  const app = new Hono();
  app.use('*', securityHeaders(), cachePolicy());

  app.get('/healthz', (c) => {
    c.header('Cache-Control', CACHE_NONE);
    return c.json({ ok: true, version: options.version, ...options.health?.() });
  });

  app.get('/config', (c) => {
    c.header('Cache-Control', CACHE_NONE);
    const { turn } = options;
    const iceServers =
      turn === undefined
        ? options.iceServers
        : [...options.iceServers, mintTurnServer(turn, Date.now())];
    return c.json({ iceServers });
  });

  app.get(SIGNAL_PATH, (c) => {
    c.header('Upgrade', 'websocket');
    c.header('Cache-Control', CACHE_NONE);
    return c.text('/signal is a WebSocket endpoint', 426);
  });

  const staticDir = options.staticDir;
  if (staticDir !== undefined && existsSync(staticDir)) {
    app.get('*', (c, next) => (hasDotSegment(c.req.path) ? c.notFound() : next()));
    app.get('*', serveStatic({ root: staticDir }));
    const serveIndex = serveStatic({ root: staticDir, path: 'index.html' });
    app.get('*', (c, next) => (isClientRoute(c.req.path) ? serveIndex(c, next) : next()));
  }

  app.notFound((c) => c.text('Not found', 404));
  app.onError((error, c) => {
    // The error's name only: messages can quote request content.
    console.error(`relay: request failed (${error.name})`);
    return c.text('Internal error', 500);
  });
  return app;
};
