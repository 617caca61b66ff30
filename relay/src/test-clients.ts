/**
 * Test-only helpers: plain `ws` clients that record what a relay sends them. Used by the
 * integration tests beside this file; never imported by the relay itself.
 */
import WebSocket from 'ws';

export interface Closed {
  readonly code: number;
  readonly reason: string;
}

export interface RecordingClient {
  readonly ws: WebSocket;
  /** Every text frame received, parsed. */
  readonly messages: unknown[];
  /** Resolves when the socket closes, with the code the relay sent. */
  readonly closed: Promise<Closed>;
  send(message: unknown): void;
  /** Resolves with the first message (from now on or already received) matching `match`. */
  waitFor(match: (message: unknown) => boolean, what?: string): Promise<unknown>;
  close(): Promise<void>;
}

export const WAIT_TIMEOUT_MS = 5_000;

export const signalUrl = (relayUrl: string): string => `${relayUrl.replace(/^http/, 'ws')}/signal`;

export const until = async (
  check: () => boolean,
  what: string,
  timeoutMs = WAIT_TIMEOUT_MS,
): Promise<void> => {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
};

export const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null;

/** Matches a fanned-out publish carrying `data`. */
export const publishOf =
  (data: unknown) =>
  (message: unknown): boolean =>
    isRecord(message) && message['type'] === 'publish' && message['data'] === data;

export const openClient = async (url: string): Promise<RecordingClient> => {
  const ws = new WebSocket(url);
  const messages: unknown[] = [];
  ws.on('message', (data, isBinary) => {
    messages.push(isBinary ? data : JSON.parse(String(data)));
  });
  const closed = new Promise<Closed>((resolve) => {
    ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() }));
  });
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('unexpected-response', (_request, response) =>
      reject(new Error(`upgrade refused: ${response.statusCode}`)),
    );
    ws.once('error', reject);
  });
  return {
    ws,
    messages,
    closed,
    send(message) {
      ws.send(typeof message === 'string' ? message : JSON.stringify(message));
    },
    async waitFor(match, what = 'a message') {
      let found: unknown;
      await until(() => {
        found = messages.find(match);
        return found !== undefined;
      }, what);
      return found;
    },
    async close() {
      if (ws.readyState !== WebSocket.CLOSED) {
        ws.close();
        await closed;
      }
    },
  };
};
