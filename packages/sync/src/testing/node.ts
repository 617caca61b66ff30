/**
 * What the Node tests of this package share: a WebSocket factory over `ws`, a polling
 * wait with a named timeout, and a real relay with the devices of each test.
 */
import { startRelay, type RunningRelay } from '@tandem/relay';
import { afterEach } from 'vitest';
import WebSocket from 'ws';
import type { TandemDevice } from '../device.ts';
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

export interface RelayTestBed {
  /** Starts a relay on a free local port; it is closed after the test. */
  startRelay(): Promise<RunningRelay>;
  /** The test's devices: their beacons are stopped after the test. */
  readonly devices: TandemDevice[];
}

/** Call in a `describe`: registers the `afterEach` that tears each test's relay and devices down. */
export function relayTestBed(): RelayTestBed {
  let relay: RunningRelay | null = null;
  const devices: TandemDevice[] = [];
  afterEach(async () => {
    devices.splice(0).forEach((d) => d.stopBeacons());
    await relay?.close();
    relay = null;
  });
  return {
    devices,
    async startRelay() {
      relay = await startRelay({ port: 0, host: '127.0.0.1' });
      return relay;
    },
  };
}
