/**
 * Child process of the cold-join benchmark: the peer that already holds the synthesis
 * (the other party's device). Reads a HolderConfig as JSON on stdin, connects, writes
 * the synthesis, prints "holding <words> words, <bytes> bytes", then stays connected
 * until SIGTERM. Started by `spawnSynthesisHolder` in bench-servers.ts.
 */
import { bilanKeyFromBytes, ready } from '@tandem/crypto';
import { openSession, type WebSocketLike } from '@tandem/sync';
import WebSocket from 'ws';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import type { HolderConfig } from './bench-servers.ts';
import { until } from './bench-stats.ts';
import { writeSynthesis } from './synthesis-fixture.ts';

const BILAN_ID = 'AAAAAAAAAAAAAAAAAAAAAA';

async function readConfig(): Promise<HolderConfig> {
  let text = '';
  for await (const chunk of process.stdin) text += String(chunk);
  const parsed: unknown = JSON.parse(text);
  if (
    typeof parsed !== 'object' ||
    parsed === null ||
    !('kind' in parsed && (parsed.kind === 'ours' || parsed.kind === 'y-websocket')) ||
    !('url' in parsed && typeof parsed.url === 'string') ||
    !('room' in parsed && typeof parsed.room === 'string')
  ) {
    throw new Error('synthesis holder: bad config on stdin');
  }
  return { kind: parsed.kind, url: parsed.url, room: parsed.room };
}

/** Connects as the chosen client; resolves with its doc and a close function once connected. */
async function connect(config: HolderConfig): Promise<{ doc: Y.Doc; close(): Promise<void> }> {
  if (config.kind === 'ours') {
    await ready();
    const key = bilanKeyFromBytes(new Uint8Array(Buffer.from(config.room, 'base64')));
    if (!key.ok) throw new Error('synthesis holder: bad bilan key');
    const session = await openSession({
      bilanId: BILAN_ID,
      key: key.value,
      relayUrl: config.url,
      createSocket: (url) => new WebSocket(url) as unknown as WebSocketLike,
      localCopy: false,
      p2p: false,
    });
    await until(() => session.status().connection === 'relay', 'the relay');
    return { doc: session.doc, close: () => session.close() };
  }
  const doc = new Y.Doc();
  const provider = new WebsocketProvider(config.url, config.room, doc, {
    WebSocketPolyfill: WebSocket as unknown as typeof globalThis.WebSocket,
    disableBc: true,
  });
  await until(() => provider.synced, 'the y-websocket server');
  return {
    doc,
    close: async () => {
      provider.destroy();
      doc.destroy();
    },
  };
}

const client = await connect(await readConfig());
const words = writeSynthesis(client.doc);
const bytes = Y.encodeStateAsUpdate(client.doc).byteLength;
process.once('SIGTERM', () => {
  void client.close().finally(() => process.exit(0));
});
console.info(`holding ${words} words, ${bytes} bytes`);
