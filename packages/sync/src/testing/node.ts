/**
 * What the Node tests of this package share: a WebSocket factory over `ws` and a polling
 * wait with a named timeout.
 */
import WebSocket from 'ws';
import type { WebSocketFactory, WebSocketLike } from '../relay-socket.ts';

export const nodeSocket: WebSocketFactory = (url) => new WebSocket(url) as unknown as WebSocketLike;

/** Resolves once `check()` is true; fails naming `what` after `timeoutMs`. */
export async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
