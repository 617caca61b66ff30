/**
 * Test-only attackers for the sealed relay path: a publisher that knows the topic (what
 * the relay operator sees) and a man-in-the-middle relay that can send a session any
 * frame at all (what a compromised relay can do). Both speak to the real relay.
 */
import { sealMessage, type DocKey } from '@tandem/crypto';
import { encodeRelayEnvelope, SENDER_ID_BYTES, type MessageKind } from '@tandem/protocol';
import type { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';

/** The relay refills 200 tokens a second per socket; stay under it on each socket. */
const FRAMES_PER_SOCKET = 150;

async function openSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  ws.on('error', () => {});
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/**
 * Publishes arbitrary `data` on a topic without holding the key. Frames are spread over
 * as many sockets as the relay's per-socket rate limit needs (a publisher need not be
 * subscribed), and each call waits until the relay has accepted every frame.
 */
export class HostilePublisher {
  private readonly sockets: WebSocket[] = [];

  constructor(
    private readonly signalUrl: string,
    private readonly topic: string,
    /** How many publishes on `topic` the relay has accepted so far (from its tap). */
    private readonly accepted: () => number,
  ) {}

  async publish(datas: readonly unknown[]): Promise<void> {
    const before = this.accepted();
    for (let start = 0; start < datas.length; start += FRAMES_PER_SOCKET) {
      const ws = await openSocket(this.signalUrl);
      this.sockets.push(ws);
      for (const data of datas.slice(start, start + FRAMES_PER_SOCKET)) {
        ws.send(JSON.stringify({ type: 'publish', topic: this.topic, data }));
      }
    }
    await waitFor(() => this.accepted() >= before + datas.length, 'the relay to accept the frames');
    this.closeSockets();
  }

  closeSockets(): void {
    for (const ws of this.sockets.splice(0)) ws.terminate();
  }
}

/**
 * A relay in the middle: forwards every frame both ways between sessions and the real
 * relay, and can inject any frame (binary, not JSON, over any size limit) into the
 * sessions' sockets.
 */
export class MitmRelay {
  private readonly downstream = new Set<WebSocket>();

  private constructor(
    private readonly server: WebSocketServer,
    readonly url: string,
  ) {}

  static async start(upstreamSignalUrl: string): Promise<MitmRelay> {
    const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: 64 << 20 });
    await new Promise<void>((resolve) => server.once('listening', () => resolve()));
    const { port } = server.address() as AddressInfo;
    const mitm = new MitmRelay(server, `http://127.0.0.1:${port}`);
    server.on('connection', (client) => {
      client.on('error', () => {});
      const upstream = new WebSocket(upstreamSignalUrl);
      upstream.on('error', () => {});
      const early: string[] = [];
      client.on('message', (data) => {
        const text = data.toString();
        if (upstream.readyState === WebSocket.OPEN) upstream.send(text);
        else early.push(text);
      });
      upstream.on('open', () => {
        for (const text of early.splice(0)) upstream.send(text);
        mitm.downstream.add(client);
      });
      upstream.on('message', (data) => {
        if (client.readyState === WebSocket.OPEN) client.send(data.toString());
      });
      client.on('close', () => {
        mitm.downstream.delete(client);
        upstream.terminate();
      });
      upstream.on('close', () => client.terminate());
    });
    return mitm;
  }

  get connected(): number {
    return this.downstream.size;
  }

  /** Sends `frame` to every connected session, as text unless it is a Buffer. */
  inject(frame: string | Buffer): void {
    for (const client of this.downstream) client.send(frame, { binary: Buffer.isBuffer(frame) });
  }

  async close(): Promise<void> {
    for (const client of this.downstream) client.terminate();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}

/** What a malicious key holder sends: any payload, correctly sealed for the topic. */
export function sealedData(
  docKey: DocKey,
  topic: string,
  kind: MessageKind,
  payload: Uint8Array,
  senderId: Uint8Array = crypto.getRandomValues(new Uint8Array(SENDER_ID_BYTES)),
): string {
  return Buffer.from(
    sealMessage(docKey, topic, kind, encodeRelayEnvelope(senderId, payload)),
  ).toString('base64');
}

export async function waitFor(
  check: () => boolean,
  what: string,
  timeoutMs = 15_000,
): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
